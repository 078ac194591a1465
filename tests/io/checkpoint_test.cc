// V2 checkpoints: round trips compared field by field, the golden TensorFlow checkpoints read
// and checked against their own CRCs, TF's error texts, and damaged files (truncated,
// bit-flipped, missing shard) reported without crashing or leaving files half-written.
#include "scopeflow/io/checkpoint.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <complex>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/io/crc32c.h"
#include "scopeflow/io/table.h"
#include "scopeflow/proto/tensor_bundle.pb.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow::io {
namespace {

namespace fs = std::filesystem;

const fs::path kGolden =
    fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "shared" /
    "golden";

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sf_ckpt_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string prefix(const std::string& name = "model.ckpt") const {
    return (dir_ / name).string();
  }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path dir_;
};

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_bytes(const fs::path& p, const std::string& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
}

TEST(CheckpointNames, FileNamesFollowTf) {
  EXPECT_EQ(checkpoint_index_path("/d/model.ckpt-10"), "/d/model.ckpt-10.index");
  EXPECT_EQ(checkpoint_data_path("/d/model.ckpt-10", 0, 1), "/d/model.ckpt-10.data-00000-of-00001");
  EXPECT_EQ(checkpoint_data_path("m", 3, 12), "m.data-00003-of-00012");
  EXPECT_EQ(tf_dtype_string(DataType::kFloat), "float");
  EXPECT_EQ(tf_dtype_string(DataType::kDouble), "double");
  EXPECT_EQ(tf_dtype_string(DataType::kInt32), "int32");
  EXPECT_EQ(tf_dtype_enum_name(DataType::kFloat), "DT_FLOAT");
  EXPECT_EQ(tf_dtype_enum_name(DataType::kInt64), "DT_INT64");
  EXPECT_EQ(tf_shape_string(std::vector<int64_t>{}), "[]");
  EXPECT_EQ(tf_shape_string(std::vector<int64_t>{2, 3}), "[2,3]");
}

TEST_F(CheckpointTest, RoundTripEveryDtypeFieldByField) {
  Tensor f(DataType::kFloat, {2, 3});
  for (int i = 0; i < 6; ++i) f.data<float>()[i] = std::ldexp(1.0f, i) - 3.25f;
  Tensor d = Tensor::vector<double>({1e-300, -2.5, M_PI});
  Tensor i32 = Tensor::vector<int32_t>({-7, 0, 2147483647});
  Tensor i64 = Tensor::scalar<int64_t>(-1234567890123LL);
  Tensor b = Tensor::vector<bool>({true, false, true});
  Tensor u8 = Tensor::vector<uint8_t>({0, 255});
  Tensor i8 = Tensor::vector<int8_t>({-128, 127});
  Tensor i16 = Tensor::vector<int16_t>({-300, 300});
  Tensor u16 = Tensor::vector<uint16_t>({65535});
  Tensor c64 = Tensor::vector<std::complex<float>>({{1.f, -2.f}});
  Tensor s = Tensor::strings({"", "abc", std::string(300, 'z'), std::string("\0\x01", 2)}, {2, 2});
  Tensor empty(DataType::kFloat, {0, 4});
  {
    BundleWriter w(prefix());
    // Added out of order: the index must come out sorted.
    w.add("z/strings", s);
    w.add("a/float", f);
    w.add("double", d);
    w.add("int32", i32);
    w.add("int64", i64);
    w.add("bool", b);
    w.add("uint8", u8);
    w.add("int8", i8);
    w.add("int16", i16);
    w.add("uint16", u16);
    w.add("complex64", c64);
    w.add("empty", empty);
    w.finish();
  }
  EXPECT_EQ(files(),
            (std::vector<std::string>{"model.ckpt.data-00000-of-00001", "model.ckpt.index"}));
  BundleReader r(prefix());
  std::vector<std::string> keys;
  for (const BundleEntry& e : r.entries()) keys.push_back(e.key);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"a/float", "bool", "complex64", "double", "empty", "int16",
                                      "int32", "int64", "int8", "uint16", "uint8", "z/strings"}));
  auto same_bytes = [&](const std::string& key, const Tensor& want) {
    const BundleEntry& e = r.entry(key);
    EXPECT_EQ(e.dtype, want.dtype()) << key;
    EXPECT_EQ(e.shape, want.shape()) << key;
    EXPECT_EQ(e.shard_id, 0) << key;
    EXPECT_EQ(e.size, static_cast<int64_t>(want.byte_size())) << key;
    Tensor got = r.read(key);
    EXPECT_EQ(got.dtype(), want.dtype()) << key;
    EXPECT_EQ(got.shape(), want.shape()) << key;
    ASSERT_EQ(got.byte_size(), want.byte_size()) << key;
    if (want.byte_size()) {
      EXPECT_EQ(std::memcmp(got.raw(), want.raw(), want.byte_size()), 0) << key;
    }
    EXPECT_EQ(unmask_crc(e.masked_crc32c), crc32c(want.raw(), want.byte_size())) << key;
  };
  same_bytes("a/float", f);
  same_bytes("double", d);
  same_bytes("int32", i32);
  same_bytes("int64", i64);
  same_bytes("bool", b);
  same_bytes("uint8", u8);
  same_bytes("int8", i8);
  same_bytes("int16", i16);
  same_bytes("uint16", u16);
  same_bytes("complex64", c64);
  same_bytes("empty", empty);
  Tensor got = r.read("z/strings");
  EXPECT_EQ(got.dtype(), DataType::kString);
  EXPECT_EQ(got.shape(), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(got.string_data(), s.string_data());

  // Offsets follow the order of add() (data is streamed), densely packed.
  EXPECT_EQ(r.entry("a/float").offset, r.entry("z/strings").size);
  EXPECT_EQ(r.entry("double").offset, r.entry("a/float").offset + 24);
}

TEST_F(CheckpointTest, StringEncodingMatchesTheFormat) {
  // formats.md: varint64 lengths, masked CRC32C of the lengths as uint32s, then the bytes;
  // the entry's CRC covers the lengths (as uint32s), that checksum and the bytes.
  {
    BundleWriter w(prefix());
    w.add("s", Tensor::strings({"ab", "", std::string(200, 'q')}, {3}));
    w.finish();
  }
  const std::string data = read_bytes(prefix() + ".data-00000-of-00001");
  uint32_t lens[3] = {2, 0, 200};
  const uint32_t len_crc = crc32c(lens, sizeof lens);
  std::string expected = std::string("\x02\x00\xc8\x01", 4);
  const uint32_t masked = mask_crc(len_crc);
  expected.append(reinterpret_cast<const char*>(&masked), 4);
  expected += "ab" + std::string(200, 'q');
  EXPECT_EQ(data, expected);
  uint32_t entry_crc = crc32c_extend(len_crc, &masked, 4);
  entry_crc = crc32c_extend(entry_crc, "ab", 2);
  const std::string qs(200, 'q');
  entry_crc = crc32c_extend(entry_crc, qs.data(), qs.size());
  BundleReader r(prefix());
  EXPECT_EQ(r.entry("s").masked_crc32c, mask_crc(entry_crc));
  EXPECT_EQ(r.entry("s").size, static_cast<int64_t>(expected.size()));
}

TEST_F(CheckpointTest, IndexHeaderAndEntriesAreTfProtos) {
  {
    BundleWriter w(prefix());
    w.add("w", Tensor::vector<float>({1, 2, 3}));
    w.finish();
  }
  const Table t = Table::open(prefix() + ".index");
  ASSERT_EQ(t.size(), 2u);
  tensorflow::BundleHeaderProto h;
  ASSERT_TRUE(h.ParseFromArray(t.value(0).data(), static_cast<int>(t.value(0).size())));
  EXPECT_EQ(h.num_shards(), 1);
  EXPECT_EQ(h.endianness(), tensorflow::BundleHeaderProto::LITTLE);
  EXPECT_EQ(h.version().producer(), 1);
  EXPECT_EQ(h.version().min_consumer(), 0);
  tensorflow::BundleEntryProto e;
  ASSERT_TRUE(e.ParseFromArray(t.value(1).data(), static_cast<int>(t.value(1).size())));
  EXPECT_EQ(e.dtype(), tensorflow::DT_FLOAT);
  ASSERT_EQ(e.shape().dim_size(), 1);
  EXPECT_EQ(e.shape().dim(0).size(), 3);
  EXPECT_EQ(e.shard_id(), 0);
  EXPECT_EQ(e.offset(), 0);
  EXPECT_EQ(e.size(), 12);
  const float v[3] = {1, 2, 3};
  EXPECT_EQ(e.crc32c(), mask_crc(crc32c(v, sizeof v)));
}

TEST_F(CheckpointTest, DebugStringListsEntries) {
  {
    BundleWriter w(prefix());
    w.add("w", Tensor(DataType::kFloat, {2, 3}));
    w.add("step", Tensor::scalar<int64_t>(3));
    w.finish();
  }
  EXPECT_EQ(BundleReader(prefix()).debug_string(), "step (DT_INT64) []\nw (DT_FLOAT) [2,3]\n");
}

TEST_F(CheckpointTest, DuplicateAndReservedKeys) {
  BundleWriter w(prefix());
  w.add("w", Tensor::scalar(1.0f));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "Adding duplicate key: w",
                  w.add("w", Tensor::scalar(2.0f)));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "The empty key is reserved for the checkpoint's header entry",
                  w.add("", Tensor::scalar(2.0f)));
}

TEST_F(CheckpointTest, UnfinishedWriterLeavesNothing) {
  {
    BundleWriter w(prefix());
    w.add("w", Tensor::scalar(1.0f));
    // Destroyed without finish(): as if the save failed half-way.
  }
  EXPECT_TRUE(files().empty());
  EXPECT_FALSE(checkpoint_exists(prefix()));
}

TEST_F(CheckpointTest, OverwriteKeepsTheOldCheckpointUntilTheNewOneIsWhole) {
  {
    BundleWriter w(prefix());
    w.add("w", Tensor::vector<float>({1, 2}));
    w.finish();
  }
  {
    BundleWriter w(prefix());
    w.add("w", Tensor::vector<float>({5, 6, 7}));
    // Mid-save: the temporary data file exists beside the old checkpoint, which still reads.
    EXPECT_EQ(files().size(), 3u);
    Tensor old = BundleReader(prefix()).read("w");
    EXPECT_EQ(old.num_elements(), 2);
    w.finish();
  }
  EXPECT_EQ(files().size(), 2u);
  Tensor now = BundleReader(prefix()).read("w");
  ASSERT_EQ(now.num_elements(), 3);
  EXPECT_EQ(now.data<float>()[2], 7.f);
}

TEST_F(CheckpointTest, WriterCreatesTheLastDirectoryLevel) {
  const std::string p = (dir_ / "new_dir" / "model").string();
  BundleWriter w(p);
  w.add("w", Tensor::scalar(1.0f));
  w.finish();
  EXPECT_TRUE(checkpoint_exists(p));
  SF_EXPECT_ERROR_PREFIX(Code::kNotFound, (dir_ / "a" / "b").string() + "; No such file",
                         BundleWriter((dir_ / "a" / "b" / "model").string()));
}

TEST_F(CheckpointTest, MissingCheckpointIsTfsNotFound) {
  SF_EXPECT_ERROR(Code::kNotFound,
                  "Unsuccessful TensorSliceReader constructor: Failed to find any matching files "
                  "for " +
                      prefix("nothing"),
                  (void)BundleReader(prefix("nothing")));
  EXPECT_FALSE(checkpoint_exists(prefix("nothing")));
}

TEST_F(CheckpointTest, MissingKeyIsTfsNotFound) {
  {
    BundleWriter w(prefix());
    w.add("w", Tensor::scalar(1.0f));
    w.finish();
  }
  BundleReader r(prefix());
  SF_EXPECT_ERROR(Code::kNotFound, "Key v not found in checkpoint", r.read("v"));
  EXPECT_FALSE(r.contains("v"));
  EXPECT_TRUE(r.contains("w"));
}

// ---- damaged files ----

class DamagedCheckpoint : public CheckpointTest {
 protected:
  void SetUp() override {
    CheckpointTest::SetUp();
    BundleWriter w(prefix());
    w.add("a", Tensor::vector<float>({1, 2, 3}));
    w.add("b", Tensor::strings({"x", "yz"}, {2}));
    w.finish();
  }
  std::string data_path() const { return prefix() + ".data-00000-of-00001"; }
  std::string index_path() const { return prefix() + ".index"; }
};

TEST_F(DamagedCheckpoint, BitFlipInDataIsAChecksumMismatch) {
  std::string d = read_bytes(data_path());
  d[4] ^= 0x08;  // in "a"'s second float
  write_bytes(data_path(), d);
  BundleReader r(prefix());
  const float want[3] = {1, 2, 3};
  std::string flipped(reinterpret_cast<const char*>(want), 12);
  flipped[4] ^= 0x08;
  SF_EXPECT_ERROR(Code::kDataLoss,
                  fmt::format("TensorBundle at {} shard 0 (12 bytes): Checksum does not match: "
                              "stored {:08d} vs. calculated on the restored bytes {}",
                              prefix(), crc32c(want, 12), crc32c(flipped)),
                  r.read("a"));
  // The other tensor is still readable.
  EXPECT_EQ(r.read("b").string_data(), (std::vector<std::string>{"x", "yz"}));
}

TEST_F(DamagedCheckpoint, BitFlipInStringLengthsFailsTheLengthChecksum) {
  std::string d = read_bytes(data_path());
  d[12] ^= 0x01;  // "b" starts at 12: its first length varint (1 -> 0)
  write_bytes(data_path(), d);
  SF_EXPECT_ERROR_PREFIX(Code::kDataLoss, "The length checksum does not match: expected ",
                         BundleReader(prefix()).read("b"));
}

TEST_F(DamagedCheckpoint, TruncatedDataFile) {
  std::string d = read_bytes(data_path());
  write_bytes(data_path(), d.substr(0, 10));
  BundleReader r(prefix());
  SF_EXPECT_ERROR(Code::kDataLoss,
                  data_path() +
                      ": truncated: the entry for key a needs bytes [0, 12) but the "
                      "file has 10 bytes",
                  r.read("a"));
}

TEST_F(DamagedCheckpoint, AbsentShard) {
  fs::remove(data_path());
  BundleReader r(prefix());  // the index alone opens; the shard is needed only to read
  EXPECT_EQ(r.entries().size(), 2u);
  SF_EXPECT_ERROR(Code::kNotFound,
                  data_path() + "; No such file or directory (the data shard 0 of checkpoint " +
                      prefix() + " is missing)",
                  r.read("a"));
}

TEST_F(DamagedCheckpoint, TruncatedIndex) {
  const std::string idx = read_bytes(index_path());
  write_bytes(index_path(), idx.substr(0, idx.size() - 3));
  SF_EXPECT_ERROR_PREFIX(Code::kDataLoss, index_path() + ": corrupted table: not an sstable",
                         (void)BundleReader(prefix()));
}

TEST_F(DamagedCheckpoint, WrongMagic) {
  std::string idx = read_bytes(index_path());
  idx[idx.size() - 8] ^= 0x55;
  write_bytes(index_path(), idx);
  SF_EXPECT_ERROR_PREFIX(Code::kDataLoss,
                         index_path() + ": corrupted table: not an sstable (bad magic number",
                         (void)BundleReader(prefix()));
}

TEST_F(DamagedCheckpoint, WrongEntryCrcInTheIndex) {
  // Rewrite the index with a wrong (but well-formed) crc32c for "a": the table is valid, the
  // tensor's bytes are not what the entry promises.
  const Table t = Table::open(index_path());
  TableBuilder b;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t.key(i) == "a") {
      tensorflow::BundleEntryProto e;
      ASSERT_TRUE(e.ParseFromArray(t.value(i).data(), static_cast<int>(t.value(i).size())));
      e.set_crc32c(e.crc32c() + 1);
      b.add(t.key(i), e.SerializeAsString());
    } else {
      b.add(t.key(i), t.value(i));
    }
  }
  write_bytes(index_path(), b.finish());
  SF_EXPECT_ERROR_PREFIX(Code::kDataLoss,
                         "TensorBundle at " + prefix() +
                             " shard 0 (12 bytes): Checksum does not "
                             "match: stored ",
                         BundleReader(prefix()).read("a"));
}

TEST_F(DamagedCheckpoint, EntryWithImpossibleSizeIsRefusedBeforeAllocating) {
  const Table t = Table::open(index_path());
  TableBuilder b;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t.key(i) == "a") {
      tensorflow::BundleEntryProto e;
      ASSERT_TRUE(e.ParseFromArray(t.value(i).data(), static_cast<int>(t.value(i).size())));
      e.mutable_shape()->mutable_dim(0)->set_size(int64_t(1) << 40);
      b.add(t.key(i), e.SerializeAsString());
    } else {
      b.add(t.key(i), t.value(i));
    }
  }
  write_bytes(index_path(), b.finish());
  SF_EXPECT_ERROR(Code::kDataLoss,
                  "Invalid size in bundle entry: key a; stored size 12; expected size "
                  "4398046511104",
                  BundleReader(prefix()).read("a"));
}

TEST_F(DamagedCheckpoint, GarbageIndexEntry) {
  const Table t = Table::open(index_path());
  TableBuilder b;
  for (size_t i = 0; i < t.size(); ++i)
    b.add(t.key(i), t.key(i) == "b" ? std::string("\xff\xff\xff", 3) : std::string(t.value(i)));
  write_bytes(index_path(), b.finish());
  SF_EXPECT_ERROR(Code::kDataLoss, "Entry for key b not parseable. (in " + index_path() + ")",
                  (void)BundleReader(prefix()));
}

TEST_F(DamagedCheckpoint, MissingHeader) {
  const Table t = Table::open(index_path());
  TableBuilder b;
  for (size_t i = 1; i < t.size(); ++i) b.add(t.key(i), t.value(i));
  write_bytes(index_path(), b.finish());
  SF_EXPECT_ERROR(Code::kDataLoss,
                  "Unable to read file (" + index_path() +
                      "). Perhaps the file is corrupt or was produced by a newer version of "
                      "TensorFlow with format changes (failed to seek to header entry)",
                  (void)BundleReader(prefix()));
}

TEST_F(DamagedCheckpoint, EveryByteFlipOfTheDataFileIsCaught) {
  const std::string d = read_bytes(data_path());
  for (size_t i = 0; i < d.size(); ++i) {
    std::string bad = d;
    bad[i] ^= 0x20;
    write_bytes(data_path(), bad);
    BundleReader r(prefix());
    int failures = 0;
    for (const char* k : {"a", "b"}) {
      try {
        r.read(k);
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), Code::kDataLoss) << i << ": " << e.what();
        ++failures;
      }
    }
    EXPECT_EQ(failures, 1) << "byte " << i;
  }
}

// ---- merge (MergeV2Checkpoints) ----

TEST_F(CheckpointTest, MergeTwoBundlesIntoShards) {
  {
    BundleWriter w(prefix("part-0"));
    w.add("w", Tensor::vector<float>({1, 2}));
    w.finish();
    BundleWriter w2(prefix("part-1"));
    w2.add("b", Tensor::vector<float>({3}));
    w2.finish();
  }
  const std::vector<std::string> parts{prefix("part-0"), prefix("part-1")};
  merge_bundles(parts, prefix("merged"));
  EXPECT_EQ(files(), (std::vector<std::string>{"merged.data-00000-of-00002",
                                               "merged.data-00001-of-00002", "merged.index"}));
  BundleReader r(prefix("merged"));
  EXPECT_EQ(r.num_shards(), 2);
  EXPECT_EQ(r.entry("w").shard_id, 0);
  EXPECT_EQ(r.entry("b").shard_id, 1);
  EXPECT_EQ(r.read("b").data<float>()[0], 3.f);
  EXPECT_EQ(r.read("w").data<float>()[1], 2.f);
}

// ---- SaveV2 / RestoreV2 through a Session ----

// The graph tf.train.Saver builds, by hand: SaveV2 of two variables under their op names,
// RestoreV2 of both, an Assign each, a NoOp grouping them.
struct SaveRestoreGraph {
  Graph g;
  Scope root = Scope::root(g);
  Output w, b, prefix, save_op, restore_all;
  Operation save, restore;

  explicit SaveRestoreGraph(std::vector<int64_t> w_shape = {2, 3}) {
    w = ops::variable_v2(root, PartialShape(w_shape), DataType::kFloat, "w");
    b = ops::variable_v2(root, PartialShape({2}), DataType::kFloat, "b");
    Scope s = root.name_scope("save");
    prefix = ops::placeholder(s, DataType::kString, PartialShape({}), "Const");
    Output names = ops::constant(s, Tensor::strings({"b", "w"}, {2}), "SaveV2/tensor_names");
    Output slices = ops::constant(s, Tensor::strings({"", ""}, {2}), "SaveV2/shape_and_slices");
    std::vector<Output> in{prefix, names, slices, b, w};
    std::vector<Attr> attrs{{"dtypes", std::vector<DataType>{DataType::kFloat, DataType::kFloat}}};
    save = ops::create(s, "SaveV2", "SaveV2", in, attrs);
    Output rnames = ops::constant(s, Tensor::strings({"b", "w"}, {2}), "RestoreV2/tensor_names");
    Output rslices = ops::constant(s, Tensor::strings({"", ""}, {2}), "RestoreV2/shape_and_slices");
    std::vector<Output> rin{prefix, rnames, rslices};
    Operation r = ops::create(s, "RestoreV2", "RestoreV2", rin, attrs);
    Operation a0 = ops::assign(s, b, r.output(0)).op();
    Operation a1 = ops::assign(s, w, r.output(1)).op();
    std::vector<Output> none;
    std::vector<Operation> deps{a0, a1};
    restore = ops::create(s, "NoOp", "restore_all", none, {}, deps);
  }
};

TEST_F(CheckpointTest, SessionSavesAndRestoresVariables) {
  SaveRestoreGraph m;
  EXPECT_EQ(m.save.name(), "save/SaveV2");
  EXPECT_EQ(m.restore.name(), "save/restore_all");
  runtime::Session sess(m.g);
  Tensor w0(DataType::kFloat, {2, 3});
  for (int i = 0; i < 6; ++i) w0.data<float>()[i] = static_cast<float>(i) * 1.5f;
  sess.run(ops::assign(m.root, m.w, w0).op());
  sess.run(ops::assign(m.root, m.b, Tensor::vector<float>({-1.f, 1.f})).op());
  const std::string p = prefix();
  std::vector<runtime::Session::Feed> feed{{m.prefix, Tensor::strings({p}, {})}};
  std::vector<Output> no_fetch;
  std::vector<Operation> save_target{m.save};
  sess.run(feed, no_fetch, save_target);
  ASSERT_TRUE(checkpoint_exists(p));
  {
    BundleReader r(p);
    Tensor w = r.read("w");
    EXPECT_EQ(std::memcmp(w.raw(), w0.raw(), 24), 0);
  }

  // A second session (fresh, uninitialized variables) restores the values.
  runtime::Session sess2(m.g);
  std::vector<Operation> restore_target{m.restore};
  sess2.run(feed, no_fetch, restore_target);
  Tensor w = sess2.run(m.w);
  Tensor b = sess2.run(m.b);
  ASSERT_EQ(w.shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(std::memcmp(w.raw(), w0.raw(), 24), 0);
  EXPECT_EQ(b.data<float>()[0], -1.f);
  EXPECT_EQ(b.data<float>()[1], 1.f);
}

TEST_F(CheckpointTest, SessionRestoreErrorsAreTfs) {
  SaveRestoreGraph m;
  runtime::Session sess(m.g);
  std::vector<Output> no_fetch;
  std::vector<Operation> restore_target{m.restore};
  const std::string missing = prefix("missing");
  std::vector<runtime::Session::Feed> feed{{m.prefix, Tensor::strings({missing}, {})}};
  try {
    sess.run(feed, no_fetch, restore_target);
    ADD_FAILURE() << "restoring a missing checkpoint did not fail";
  } catch (const runtime::OpError& e) {
    EXPECT_EQ(e.run_code(), runtime::RunCode::kNotFound);
    EXPECT_EQ(e.node(), "save/RestoreV2");
    EXPECT_EQ(std::string(e.what()),
              "Unsuccessful TensorSliceReader constructor: Failed to find any matching files "
              "for " +
                  missing + "\n\t [[{{node save/RestoreV2}}]]");
  }

  // A checkpoint without "w".
  {
    BundleWriter wr(prefix("only_b"));
    wr.add("b", Tensor::vector<float>({0.f, 0.f}));
    wr.finish();
  }
  feed[0].second = Tensor::strings({prefix("only_b")}, {});
  try {
    sess.run(feed, no_fetch, restore_target);
    ADD_FAILURE() << "restoring a missing key did not fail";
  } catch (const runtime::OpError& e) {
    EXPECT_EQ(e.run_code(), runtime::RunCode::kNotFound);
    EXPECT_EQ(std::string(e.what()),
              "Key w not found in checkpoint\n\t [[{{node save/RestoreV2}}]]");
  }

  // A checkpoint with the wrong dtype for "w".
  {
    BundleWriter wr(prefix("int_w"));
    wr.add("b", Tensor::vector<float>({0.f, 0.f}));
    wr.add("w", Tensor::vector<int32_t>({1, 2, 3, 4, 5, 6}));
    wr.finish();
  }
  feed[0].second = Tensor::strings({prefix("int_w")}, {});
  try {
    sess.run(feed, no_fetch, restore_target);
    ADD_FAILURE() << "restoring a wrong dtype did not fail";
  } catch (const runtime::OpError& e) {
    EXPECT_EQ(e.run_code(), runtime::RunCode::kInvalidArgument);
    EXPECT_EQ(e.detail(),
              "tensor_name = w; expected dtype float does not equal original dtype "
              "int32");
  }

  // A checkpoint whose "w" has another shape: the Assign refuses it (variable initialized).
  {
    BundleWriter wr(prefix("w3"));
    wr.add("b", Tensor::vector<float>({0.f, 0.f}));
    wr.add("w", Tensor::vector<float>({1.f, 2.f, 3.f}));
    wr.finish();
  }
  sess.run(ops::assign(m.root, m.w, Tensor(DataType::kFloat, {2, 3})).op());
  feed[0].second = Tensor::strings({prefix("w3")}, {});
  try {
    sess.run(feed, no_fetch, restore_target);
    ADD_FAILURE() << "restoring a wrong shape did not fail";
  } catch (const runtime::OpError& e) {
    EXPECT_EQ(e.run_code(), runtime::RunCode::kInvalidArgument);
    EXPECT_EQ(e.node(), "save/Assign_1");
    EXPECT_EQ(e.detail(),
              "Assign requires shapes of both tensors to match. lhs shape= [2,3] rhs shape= [3]");
  }
}

TEST_F(CheckpointTest, SaveOpErrors) {
  SaveRestoreGraph m;
  runtime::Session sess(m.g);
  std::vector<Output> no_fetch;
  std::vector<Operation> save_target{m.save};
  std::vector<runtime::Session::Feed> feed{{m.prefix, Tensor::strings({prefix()}, {})}};
  // Saving uninitialized variables fails before anything is written.
  try {
    sess.run(feed, no_fetch, save_target);
    ADD_FAILURE() << "saving uninitialized variables did not fail";
  } catch (const runtime::OpError& e) {
    EXPECT_EQ(e.run_code(), runtime::RunCode::kFailedPrecondition);
    EXPECT_EQ(e.detail(), "Attempting to use uninitialized value b");
  }
  EXPECT_TRUE(files().empty());
  sess.run(ops::assign(m.root, m.w, Tensor(DataType::kFloat, {2, 3})).op());
  sess.run(ops::assign(m.root, m.b, Tensor(DataType::kFloat, {2})).op());
  // A prefix under a missing directory two levels down: NotFound naming that directory.
  feed[0].second = Tensor::strings({(dir_ / "no" / "such" / "model").string()}, {});
  try {
    sess.run(feed, no_fetch, save_target);
    ADD_FAILURE() << "saving under a missing directory did not fail";
  } catch (const runtime::OpError& e) {
    EXPECT_EQ(e.run_code(), runtime::RunCode::kNotFound);
    EXPECT_EQ(e.detail(), (dir_ / "no" / "such").string() + "; No such file or directory");
  }
}

TEST_F(CheckpointTest, ShardedFilenameAndMergeV2CheckpointsKernels) {
  Graph g;
  Scope root = Scope::root(g);
  Output base = ops::constant(root, Tensor::strings({prefix("tmp/part")}, {}), "base");
  std::vector<Output> in{base, ops::constant(root, Tensor::scalar<int32_t>(1), "shard"),
                         ops::constant(root, Tensor::scalar<int32_t>(4), "num_shards")};
  Operation sharded = ops::create(root, "ShardedFilename", "ShardedFilename", in, {});
  {
    BundleWriter a(prefix("tmp/part-00000-of-00002"));
    a.add("w", Tensor::vector<float>({1, 2}));
    a.finish();
    BundleWriter b(prefix("tmp/part-00001-of-00002"));
    b.add("b", Tensor::vector<float>({3}));
    b.finish();
  }
  Output parts = ops::constant(
      root,
      Tensor::strings({prefix("tmp/part-00000-of-00002"), prefix("tmp/part-00001-of-00002")}, {2}),
      "prefixes");
  Output dest = ops::constant(root, Tensor::strings({prefix("merged")}, {}), "dest");
  std::vector<Output> min{parts, dest};
  std::vector<Attr> merge_attrs{{"delete_old_dirs", true}};
  Operation merge = ops::create(root, "MergeV2Checkpoints", "MergeV2Checkpoints", min, merge_attrs);
  runtime::Session sess(g);
  EXPECT_EQ(sess.run(sharded.output(0)).string_data()[0], prefix("tmp/part") + "-00001-of-00004");
  sess.run(merge);
  BundleReader r(prefix("merged"));
  EXPECT_EQ(r.num_shards(), 2);
  EXPECT_EQ(r.read("w").data<float>()[1], 2.f);
  EXPECT_EQ(r.read("b").data<float>()[0], 3.f);
  // The temporary directory is gone (delete_old_dirs): only the merged files remain.
  EXPECT_EQ(files(), (std::vector<std::string>{"merged.data-00000-of-00002",
                                               "merged.data-00001-of-00002", "merged.index"}));
}

// ---- golden checkpoints written by TensorFlow ----

TEST(GoldenCheckpoint, EveryTensorReadsWithItsCrc) {
  struct Case {
    const char* prefix;
    size_t tensors;
  };
  int seen = 0;
  for (const Case& c :
       {Case{"houseprices_dropout_cond/model.ckpt", 34}, Case{"packt_mlp9_adam_saver/my-model", 56},
        Case{"tflite_dense_twice/model.ckpt", 8}, Case{"neuro_linear_dense3d/checkpoint", 2}}) {
    const fs::path p = kGolden / c.prefix;
    if (!fs::exists(p.string() + ".index")) continue;
    ++seen;
    BundleReader r(p.string());
    EXPECT_EQ(r.entries().size(), c.tensors) << c.prefix;
    int64_t expected_offset = 0;
    std::vector<const BundleEntry*> by_offset;
    for (const BundleEntry& e : r.entries()) by_offset.push_back(&e);
    std::sort(by_offset.begin(), by_offset.end(),
              [](auto* a, auto* b) { return a->offset < b->offset; });
    for (const BundleEntry* e : by_offset) {
      EXPECT_EQ(e->offset, expected_offset) << c.prefix << " " << e->key;  // densely packed
      expected_offset += e->size;
      Tensor t = r.read(*e);  // CRC verified inside
      EXPECT_EQ(t.shape(), e->shape);
      EXPECT_EQ(static_cast<int64_t>(t.byte_size()), e->size);
    }
    EXPECT_EQ(static_cast<uintmax_t>(expected_offset),
              fs::file_size(p.string() + ".data-00000-of-00001"));
  }
  if (seen == 0) GTEST_SKIP() << "no golden files";
}

TEST(GoldenCheckpoint, HousepricesShapesAndAdamScalars) {
  const fs::path p = kGolden / "houseprices_dropout_cond/model.ckpt";
  if (!fs::exists(p.string() + ".index")) GTEST_SKIP() << "no golden files";
  BundleReader r(p.string());
  EXPECT_EQ(r.entry("Variable").shape, (std::vector<int64_t>{8, 100}));
  EXPECT_EQ(r.entry("Variable").dtype, DataType::kFloat);
  EXPECT_EQ(r.entry("beta1_power").shape, std::vector<int64_t>{});
  // Adam's accumulators after k steps are 0.9^(k+1) and 0.999^(k+1): both in [0, 1), and the
  // faster-decaying beta1 power never above beta2's (after this run's many steps it has
  // underflowed to 0 in float32).
  const float b1 = r.read("beta1_power").data<float>()[0];
  const float b2 = r.read("beta2_power").data<float>()[0];
  EXPECT_GE(b1, 0.f);
  EXPECT_LT(b2, 0.999f);
  EXPECT_GT(b2, 0.f);
  EXPECT_LE(b1, b2);
}

TEST(GoldenCheckpoint, RewrittenByUsIsByteIdentical) {
  // Reading a TF checkpoint and writing every tensor back in offset order reproduces both
  // files exactly: same index bytes, same data bytes.
  const fs::path p = kGolden / "houseprices_dropout_cond/model.ckpt";
  if (!fs::exists(p.string() + ".index")) GTEST_SKIP() << "no golden files";
  BundleReader r(p.string());
  std::vector<const BundleEntry*> by_offset;
  for (const BundleEntry& e : r.entries()) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(),
            [](auto* a, auto* b) { return a->offset < b->offset; });
  const fs::path out =
      fs::temp_directory_path() / ("sf_golden_rewrite_" + std::to_string(::getpid()));
  fs::remove_all(out);
  {
    BundleWriter w((out / "model.ckpt").string(), BundleWriterOptions{.sync = false});
    for (const BundleEntry* e : by_offset) w.add(e->key, r.read(*e));
    w.finish();
  }
  EXPECT_EQ(read_bytes(out / "model.ckpt.index"), read_bytes(p.string() + ".index"));
  EXPECT_EQ(read_bytes(out / "model.ckpt.data-00000-of-00001"),
            read_bytes(p.string() + ".data-00000-of-00001"));
  fs::remove_all(out);
}

}  // namespace
}  // namespace scopeflow::io
