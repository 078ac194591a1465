// The LevelDB-format table: bytes worked out by hand from the format (formats.md §3), golden
// TensorFlow `.index` files rebuilt byte for byte, and every kind of damage reported.
#include "scopeflow/io/table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/io/crc32c.h"

namespace scopeflow::io {
namespace {

namespace fs = std::filesystem;

const fs::path kGolden =
    fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "shared" /
    "golden";

std::string fixed32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>(v >> (8 * i));
  return s;
}

// A block as stored: contents, type byte 0, masked CRC32C of contents + type.
std::string stored_block(const std::string& contents) {
  std::string with_type = contents + std::string(1, '\0');
  return with_type + fixed32(mask_crc(crc32c(with_type)));
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(TableBuilder, OneEntryTableMatchesTheFormatByteForByte) {
  TableBuilder b;
  b.add("a", "b");
  const std::string got = b.finish();

  // Data block: shared 0, unshared 1, value 1, "a", "b"; restart array [0]; count 1.
  const std::string data = std::string(
                               "\x00\x01\x01"
                               "ab",
                               5) +
                           fixed32(0) + fixed32(1);
  const std::string meta = fixed32(0) + fixed32(1);  // empty metaindex block
  // Index block: key = shortest successor of "a" = "b", value = handle (0, 13).
  const std::string index = std::string(
                                "\x00\x01\x02"
                                "b\x00\x0d",
                                6) +
                            fixed32(0) + fixed32(1);
  std::string expected = stored_block(data) + stored_block(meta) + stored_block(index);
  ASSERT_EQ(expected.size(), 50u);
  std::string footer = std::string("\x12\x08\x1f\x0e", 4);  // handles (18, 8) and (31, 14)
  footer.resize(40, '\0');
  footer += std::string("\x57\xfb\x80\x8b\x24\x75\x47\xdb", 8);
  expected += footer;
  EXPECT_EQ(got, expected);
}

TEST(TableBuilder, PrefixCompressionRestartsEverySixteenEntries) {
  TableBuilder b;
  std::vector<std::string> keys;
  for (int i = 0; i < 20; ++i) keys.push_back("key" + std::string(1, static_cast<char>('a' + i)));
  for (const auto& k : keys) b.add(k, "v");
  const std::string bytes = b.finish();
  // Entry 0: full key; entries 1..15 share "key"; entry 16 restarts with the whole key.
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x00\x04\x01"
                                            "keyav",
                                            8));
  EXPECT_EQ(bytes.substr(8, 5), std::string("\x03\x01\x01"
                                            "bv",
                                            5));
  const size_t restart = 8 + 15 * 5;
  EXPECT_EQ(bytes.substr(restart, 8), std::string("\x00\x04\x01"
                                                  "keyqv",
                                                  8));
  // Restart array [0, 83], count 2, after the 20 entries.
  const size_t entries_end = restart + 8 + 3 * 5;
  EXPECT_EQ(bytes.substr(entries_end, 12), fixed32(0) + fixed32(83) + fixed32(2));

  Table t = Table::parse(bytes, "mem");
  ASSERT_EQ(t.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(t.key(i), keys[i]);
    EXPECT_EQ(t.value(i), "v");
  }
}

TEST(TableBuilder, SmallBlocksSplitAndReadBack) {
  TableBuilder b(TableOptions{.block_size = 64, .restart_interval = 4});
  std::vector<std::pair<std::string, std::string>> kv;
  for (int i = 0; i < 300; ++i) {
    char k[32];
    std::snprintf(k, sizeof k, "layer%03d/kernel", i);
    kv.emplace_back(k, std::string(static_cast<size_t>(i % 7), static_cast<char>('x' + i % 3)));
  }
  for (const auto& [k, v] : kv) b.add(k, v);
  EXPECT_EQ(b.num_entries(), 300u);
  Table t = Table::parse(b.finish(), "mem");
  ASSERT_EQ(t.size(), kv.size());
  for (size_t i = 0; i < kv.size(); ++i) {
    EXPECT_EQ(t.key(i), kv[i].first);
    EXPECT_EQ(t.value(i), kv[i].second);
  }
  EXPECT_EQ(t.find("layer150/kernel"), 150u);
  EXPECT_EQ(t.find("layer150"), std::nullopt);
  EXPECT_EQ(t.find("zzz"), std::nullopt);
}

TEST(TableBuilder, KeysMustIncrease) {
  TableBuilder b;
  b.add("b", "1");
  SF_EXPECT_ERROR(Code::kInvalidArgument, "table keys must be strictly increasing: 'a' after 'b'",
                  b.add("a", "2"));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "table keys must be strictly increasing: 'b' after 'b'",
                  b.add("b", "2"));
}

TEST(TableBuilder, EmptyKeyFirstIsAllowed) {
  TableBuilder b;
  b.add("", "header");
  b.add("a", "x");
  Table t = Table::parse(b.finish(), "mem");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.key(0), "");
  EXPECT_EQ(t.value(0), "header");
  EXPECT_EQ(t.find(""), 0u);
}

// Every golden .index written by TensorFlow parses, and our builder, given the same entries,
// writes the same bytes (TF's block size and restart interval, shortened index keys).
TEST(Table, GoldenIndexesRebuildByteForByte) {
  int n = 0;
  for (const char* rel :
       {"houseprices_dropout_cond/model.ckpt.index", "packt_mlp9_adam_saver/my-model.index",
        "tflite_dense_twice/model.ckpt.index", "neuro_linear_dense3d/checkpoint.index"}) {
    const fs::path p = kGolden / rel;
    if (!fs::exists(p)) continue;
    ++n;
    const std::string bytes = file_bytes(p);
    Table t = Table::open(p.string());
    ASSERT_GT(t.size(), 1u) << rel;
    EXPECT_EQ(t.key(0), "") << rel;
    TableBuilder b;
    for (size_t i = 0; i < t.size(); ++i) b.add(t.key(i), t.value(i));
    EXPECT_EQ(b.finish(), bytes) << rel;
  }
  if (n == 0) GTEST_SKIP() << "no golden files at " << kGolden;
  EXPECT_EQ(n, 4);
}

TEST(Table, HousepricesIndexListsItsThirtyFiveKeys) {
  const fs::path p = kGolden / "houseprices_dropout_cond/model.ckpt.index";
  if (!fs::exists(p)) GTEST_SKIP() << "no golden files";
  Table t = Table::open(p.string());
  ASSERT_EQ(t.size(), 35u);  // header + 34 tensors
  EXPECT_EQ(t.key(1), "Variable");
  EXPECT_EQ(t.key(2), "Variable/Adam");
  EXPECT_EQ(t.key(3), "Variable/Adam_1");
  EXPECT_EQ(t.key(4), "Variable_1");
  EXPECT_EQ(t.key(34), "beta2_power");
}

// ---- damage ----

std::string sample_table() {
  TableBuilder b;
  b.add("", "header");
  b.add("dense/bias", "entry-1");
  b.add("dense/kernel", "entry-2");
  return b.finish();
}

TEST(TableDamage, TooShort) {
  SF_EXPECT_ERROR(Code::kDataLoss,
                  "x.index: corrupted table: file is too short to be a table (10 bytes; a table "
                  "ends with a 48-byte footer)",
                  Table::parse(std::string(10, 'a'), "x.index"));
  SF_EXPECT_ERROR(Code::kDataLoss,
                  "x.index: corrupted table: file is too short to be a table (0 bytes; a table "
                  "ends with a 48-byte footer)",
                  Table::parse("", "x.index"));
}

TEST(TableDamage, WrongMagic) {
  std::string bytes = sample_table();
  bytes[bytes.size() - 1] = 'X';
  SF_EXPECT_ERROR_PREFIX(Code::kDataLoss,
                         "x.index: corrupted table: not an sstable (bad magic number 0x58",
                         Table::parse(bytes, "x.index"));
}

TEST(TableDamage, TruncatedFileLosesItsFooter) {
  const std::string bytes = sample_table();
  for (size_t cut : {1u, 5u, 47u, 60u}) {
    SF_EXPECT_CODE(Code::kDataLoss, Table::parse(bytes.substr(0, bytes.size() - cut), "x.index"));
  }
}

TEST(TableDamage, BitFlipInDataBlockIsAChecksumMismatch) {
  std::string bytes = sample_table();
  bytes[5] ^= 0x01;  // inside "header", the first value of the data block
  SF_EXPECT_ERROR_PREFIX(Code::kDataLoss,
                         "x.index: corrupted table: data block at offset 0 (size 53): block "
                         "checksum mismatch (stored 0x",
                         Table::parse(bytes, "x.index"));
}

TEST(TableDamage, EveryBitFlipIsDetectedOrHarmless) {
  // Flipping any single bit either fails with kDataLoss or (in the footer's zero padding)
  // changes nothing that matters; it never crashes or reads out of bounds.
  const std::string bytes = sample_table();
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string b = bytes;
      b[i] ^= static_cast<char>(1 << bit);
      try {
        Table t = Table::parse(b, "x.index");
        EXPECT_EQ(t.size(), 3u) << i;
        EXPECT_EQ(t.value(1), "entry-1") << i;
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::kDataLoss) << i << " " << e.what();
      }
    }
  }
}

TEST(TableDamage, WrongTrailerChecksumOnTheIndexBlock) {
  std::string bytes = sample_table();
  // The index block's trailer ends 48 bytes before the end of the file.
  bytes[bytes.size() - 48 - 1] ^= 0x40;
  SF_EXPECT_ERROR_PREFIX(Code::kDataLoss, "x.index: corrupted table: index block at offset",
                         Table::parse(bytes, "x.index"));
}

TEST(TableDamage, HandlePastTheEnd) {
  std::string bytes = sample_table();
  const size_t footer = bytes.size() - 48;
  // Index handle offset replaced by a huge varint.
  std::string f = std::string("\x3a\x08\xff\xff\xff\xff\x0f\x10", 8);
  f.resize(40, '\0');
  bytes.replace(footer, 40, f);
  SF_EXPECT_ERROR_PREFIX(Code::kDataLoss,
                         "x.index: corrupted table: index block at offset 4294967295 (size 16) "
                         "extends past the end of the blocks",
                         Table::parse(bytes, "x.index"));
}

TEST(TableDamage, KeysOutOfOrderAreReported) {
  // Hand-made data block with "b" then "a" (valid CRCs, so only the order is wrong).
  const std::string data = std::string(
                               "\x00\x01\x01"
                               "b1"
                               "\x00\x01\x01"
                               "a2",
                               10) +
                           fixed32(0) + fixed32(1);
  const std::string meta = fixed32(0) + fixed32(1);
  const std::string index = std::string(
                                "\x00\x01\x02"
                                "c\x00\x12",
                                6) +
                            fixed32(0) + fixed32(1);
  std::string bytes = stored_block(data) + stored_block(meta) + stored_block(index);
  std::string footer = std::string("\x17\x08\x24\x0e", 4);
  footer.resize(40, '\0');
  bytes += footer + std::string("\x57\xfb\x80\x8b\x24\x75\x47\xdb", 8);
  SF_EXPECT_ERROR(Code::kDataLoss,
                  "x.index: corrupted table: data block at offset 0: keys out of order ('a' "
                  "after 'b')",
                  Table::parse(bytes, "x.index"));
}

TEST(TableDamage, SnappyBlocksAreRefused) {
  std::string bytes = sample_table();
  // Re-stamp the data block as snappy (type 1) with a correct CRC: the reader must refuse.
  const size_t size = 53;
  bytes[size] = 1;
  const std::string payload = bytes.substr(0, size + 1);
  const std::string crc = fixed32(mask_crc(crc32c(payload)));
  bytes.replace(size + 1, 4, crc);
  SF_EXPECT_ERROR(Code::kDataLoss,
                  "x.index: corrupted table: data block at offset 0 (size 53) is "
                  "snappy-compressed, which checkpoint indexes never are and this reader does "
                  "not support",
                  Table::parse(bytes, "x.index"));
}

TEST(Table, OpenMissingFileIsNotFound) {
  SF_EXPECT_ERROR(Code::kNotFound, "/nonexistent/dir/x.index; No such file or directory",
                  Table::open("/nonexistent/dir/x.index"));
}

}  // namespace
}  // namespace scopeflow::io
