// TFRecord framing: exact bytes, round trips, every golden event file, and damaged files
// (truncated, bit-flipped, wrong CRC) reported with the file, the record offset and the problem.
#include "scopeflow/io/record.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
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

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

uint32_t le32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

std::vector<std::string> read_all(RecordReader& r) {
  std::vector<std::string> out;
  std::string rec;
  while (r.read(rec)) out.push_back(rec);
  return out;
}

class RecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sf_record_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A file of three records: "first" at 0, 1000 bytes at 21, "" at 1037.
  std::string three_records() {
    const std::string path = (dir_ / "three.tfrecord").string();
    RecordWriter w(path);
    w.write("first");
    w.write(std::string(1000, 'x'));
    w.write("");
    w.close();
    return path;
  }

  fs::path dir_;
};

TEST_F(RecordTest, FramingBytesAreTfRecord) {
  std::string out;
  append_record(out, "hello");
  ASSERT_EQ(out.size(), 12u + 5u + 4u);
  EXPECT_EQ(out.substr(0, 8), std::string("\x05\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(le32(out, 8), mask_crc(crc32c(out.data(), 8)));
  EXPECT_EQ(out.substr(12, 5), "hello");
  EXPECT_EQ(le32(out, 17), mask_crc(crc32c("hello")));
  // The masked CRC of the empty string, a fixed value.
  std::string empty;
  append_record(empty, "");
  EXPECT_EQ(le32(empty, 12), mask_crc(0));
  EXPECT_EQ(le32(empty, 12), 0xa282ead8u);
}

TEST_F(RecordTest, WriteThenReadGivesTheSameRecords) {
  const std::string path = (dir_ / "r.tfrecord").string();
  std::vector<std::string> records = {"a", "", std::string(3 << 20, '\x7f'), "last\0one"};
  {
    RecordWriter w(path);
    for (const auto& r : records) w.write(r);
    EXPECT_EQ(w.num_records(), 4u);
  }  // the destructor flushes and closes
  RecordReader r(path);
  EXPECT_EQ(read_all(r), records);
  EXPECT_EQ(r.offset(), fs::file_size(path));
  std::string rec;
  EXPECT_FALSE(r.read(rec));  // stays at the end
}

TEST_F(RecordTest, FlushMakesWholeRecordsVisible) {
  const std::string path = (dir_ / "f.tfrecord").string();
  RecordWriter w(path);
  w.write("abc");
  EXPECT_EQ(fs::file_size(path), 0u);  // buffered
  w.flush();
  EXPECT_EQ(fs::file_size(path), 12u + 3u + 4u);
  w.write("defg");
  w.flush(/*sync=*/true);
  RecordReader r(path);
  EXPECT_EQ(read_all(r), (std::vector<std::string>{"abc", "defg"}));
}

TEST_F(RecordTest, AppendModeAddsToTheEnd) {
  const std::string path = (dir_ / "a.tfrecord").string();
  { RecordWriter(path).write("one"); }
  { RecordWriter(path, RecordWriter::Mode::kAppend).write("two"); }
  RecordReader r(path);
  EXPECT_EQ(read_all(r), (std::vector<std::string>{"one", "two"}));
  { RecordWriter(path, RecordWriter::Mode::kTruncate).write("three"); }
  RecordReader r2(path);
  EXPECT_EQ(read_all(r2), (std::vector<std::string>{"three"}));
}

TEST_F(RecordTest, WriterErrors) {
  const std::string missing = (dir_ / "no" / "such" / "x").string();
  SF_EXPECT_ERROR(Code::kNotFound, missing + "; No such file or directory",
                  RecordWriter w(missing));
  const std::string path = (dir_ / "e.tfrecord").string();
  { RecordWriter(path).write("x"); }
  SF_EXPECT_ERROR(Code::kAlreadyExists, path + "; File exists",
                  RecordWriter w(path, RecordWriter::Mode::kCreateNew));
  RecordWriter w(path);
  w.close();
  w.close();  // idempotent
  SF_EXPECT_ERROR(Code::kFailedPrecondition, "Write to a closed record file: " + path,
                  w.write("late"));
}

TEST_F(RecordTest, ReaderOpenErrors) {
  const std::string missing = (dir_ / "missing.tfrecord").string();
  SF_EXPECT_ERROR(Code::kNotFound, missing + "; No such file or directory",
                  RecordReader r(missing));
  SF_EXPECT_ERROR(Code::kFailedPrecondition, dir_.string() + "; Is a directory",
                  RecordReader r(dir_.string()));
}

TEST_F(RecordTest, EveryGoldenEventFileReadsWithValidCrcs) {
  const std::pair<const char*, size_t> files[] = {{"mnist_summaries/train", 3},
                                                  {"mnist_summaries/test", 2},
                                                  {"packt_mlp9_events", 3},
                                                  {"mnist_deep_namescope", 2}};
  int seen = 0;
  for (const auto& [dir, count] : files) {
    if (!fs::is_directory(kGolden / dir)) continue;
    for (const auto& entry : fs::directory_iterator(kGolden / dir)) {
      if (entry.path().filename().string().rfind("events.out.tfevents.", 0) != 0) continue;
      RecordReader r(entry.path().string());
      const std::vector<std::string> records = read_all(r);
      EXPECT_EQ(records.size(), count) << entry.path();
      EXPECT_EQ(r.offset(), fs::file_size(entry.path())) << entry.path();
      // Re-framing the records gives the file byte for byte.
      std::string framed;
      for (const auto& rec : records) append_record(framed, rec);
      EXPECT_TRUE(framed == read_file(entry.path())) << entry.path();
      ++seen;
    }
  }
  if (seen == 0) GTEST_SKIP() << "no golden files";
  EXPECT_EQ(seen, 4);
}

TEST_F(RecordTest, TruncatedFilesNameTheFileOffsetAndProblem) {
  const std::string good = read_file(three_records());
  ASSERT_EQ(good.size(), 21u + 1016u + 16u);
  const std::string path = (dir_ / "cut.tfrecord").string();
  struct Case {
    size_t cut;
    std::string message;
  };
  const Case cases[] = {
      {21 + 5, ": truncated record at 21: header needs 12 bytes, 5 remain"},
      {21 + 12 + 10,
       ": truncated record at 21: 1000 data bytes and a 4-byte CRC expected, 10 remain"},
      {21 + 12 + 1000 + 3,
       ": truncated record at 21: 1000 data bytes and a 4-byte CRC expected, 1003 remain"},
      {good.size() - 1,
       ": truncated record at 1037: 0 data bytes and a 4-byte CRC expected, 3 remain"},
  };
  for (const Case& c : cases) {
    write_file(path, good.substr(0, c.cut));
    RecordReader r(path);
    std::string rec;
    ASSERT_TRUE(r.read(rec));
    EXPECT_EQ(rec, "first");
    if (c.cut > 1037) {
      ASSERT_TRUE(r.read(rec));
    }
    SF_EXPECT_ERROR(Code::kDataLoss, path + c.message, r.read(rec));
    // The reader stays at the damaged record.
    SF_EXPECT_ERROR(Code::kDataLoss, path + c.message, r.read(rec));
  }
}

TEST_F(RecordTest, FlippedBitsAndWrongCrcsAreCorruption) {
  const std::string good = read_file(three_records());
  const std::string path = (dir_ / "bad.tfrecord").string();
  auto expect_first_error = [&](std::string bytes, const std::string& message) {
    write_file(path, bytes);
    RecordReader r(path);
    std::string rec;
    try {
      while (r.read(rec)) {
      }
      ADD_FAILURE() << "no error for " << message;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kDataLoss);
      EXPECT_EQ(std::string(e.what()).substr(0, path.size() + message.size()), path + message);
    }
  };
  // Every single-bit flip anywhere in the file is caught by one CRC or the other.
  for (size_t byte = 0; byte < good.size(); byte += 7) {
    for (int bit : {0, 5}) {
      std::string bad = good;
      bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
      const size_t at = byte < 21 ? 0 : byte < 1037 ? 21 : 1037;
      expect_first_error(bad, ": corrupted record at " + std::to_string(at) + ": ");
    }
  }
  // A flipped length bit: the length CRC says so, nothing is allocated.
  std::string bad = good;
  bad[21 + 4] = static_cast<char>(bad[21 + 4] ^ 0x40);
  expect_first_error(bad, ": corrupted record at 21: length CRC mismatch (stored 0x");
  // A data byte changed.
  bad = good;
  bad[21 + 12 + 500] = 'y';
  expect_first_error(bad, ": corrupted record at 21: data CRC mismatch (stored 0x");
  // The data CRC replaced by another record's (valid) CRC.
  bad = good;
  bad.replace(21 + 12 + 1000, 4, good.substr(17, 4));
  expect_first_error(bad, ": corrupted record at 21: data CRC mismatch (stored 0x");
  // The exact text names both values.
  bad = good;
  bad.replace(17, 4, std::string(4, '\0'));
  write_file(path, bad);
  RecordReader r(path);
  std::string rec;
  SF_EXPECT_ERROR(Code::kDataLoss,
                  fmt::format("{}: corrupted record at 0: data CRC mismatch (stored 0x{:08x}, "
                              "computed 0x{:08x})",
                              path, unmask_crc(0), crc32c("first")),
                  r.read(rec));
}

TEST_F(RecordTest, HugeLengthWithAValidCrcIsTruncationNotAnAllocation) {
  std::string bytes(12, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = '\xff';  // length 2^64 - 1
  const uint32_t c = mask_crc(crc32c(bytes.data(), 8));
  for (int i = 0; i < 4; ++i) bytes[8 + i] = static_cast<char>((c >> (8 * i)) & 0xff);
  RecordReader r = RecordReader::from_bytes(bytes, "huge");
  std::string rec;
  SF_EXPECT_ERROR(Code::kDataLoss,
                  "huge: truncated record at 0: 18446744073709551615 data bytes and a 4-byte CRC "
                  "expected, 0 remain",
                  r.read(rec));
}

TEST_F(RecordTest, ReadsFromMemory) {
  std::string bytes;
  append_record(bytes, "x");
  append_record(bytes, "yz");
  RecordReader r = RecordReader::from_bytes(bytes, "mem");
  EXPECT_EQ(r.path(), "mem");
  std::string rec;
  ASSERT_TRUE(r.read(rec));
  EXPECT_EQ(r.record_offset(), 0u);
  ASSERT_TRUE(r.read(rec));
  EXPECT_EQ(rec, "yz");
  EXPECT_EQ(r.record_offset(), 17u);
  EXPECT_FALSE(r.read(rec));
  RecordReader moved = std::move(r);
  EXPECT_FALSE(moved.read(rec));
}

}  // namespace
}  // namespace scopeflow::io
