// TFRecord framing, the container of TensorBoard event files (../shared/formats.md §2):
//
//   uint64 LE  length
//   uint32 LE  masked CRC32C of the 8 length bytes
//   bytes      data[length]
//   uint32 LE  masked CRC32C of data
//
// RecordWriter appends records to a file; RecordReader reads them back in order and checks both
// CRCs, reporting truncation and corruption with the file name and the record's offset.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace scopeflow::io {

/// Bytes of framing around each record: 12 before the data, 4 after.
inline constexpr size_t kRecordHeaderSize = 12;
inline constexpr size_t kRecordFooterSize = 4;

/// Appends one framed record holding `data` to `out`.
void append_record(std::string& out, std::string_view data);

/// Writes records to a file. Records are framed into a buffer that `flush` writes out whole,
/// so a reader that looks at the file between flushes sees complete records only.
///
///   RecordWriter w("/tmp/x.tfrecord");
///   w.write("hello");
///   w.flush();  // on disk now
class RecordWriter {
 public:
  enum class Mode {
    kCreateNew,  ///< fail if the file exists (kAlreadyExists)
    kTruncate,   ///< create or empty the file
    kAppend,     ///< create or add to the end
  };
  /// Opens `path`. Throws kNotFound ("<path>; No such file or directory") when the directory
  /// is missing, kAlreadyExists for kCreateNew on an existing file, kFailedPrecondition for
  /// other open failures (the message names the path and the system's reason).
  explicit RecordWriter(std::string path, Mode mode = Mode::kTruncate);
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;
  RecordWriter(RecordWriter&& o) noexcept;
  RecordWriter& operator=(RecordWriter&& o) noexcept;
  /// Flushes and closes; errors are swallowed here (call close() to see them).
  ~RecordWriter();

  /// Frames `data` into the buffer (and writes the buffer out when it grows large).
  void write(std::string_view data);
  /// Writes every buffered record to the file. With `sync`, also asks the OS to put them on
  /// disk (fsync), as TF's EventsWriter::Flush does.
  void flush(bool sync = false);
  /// Flushes and closes the file; later writes throw kFailedPrecondition. Idempotent.
  void close();

  const std::string& path() const { return path_; }
  bool is_open() const { return fd_ >= 0; }
  /// Records written (buffered included) since the writer was opened.
  uint64_t num_records() const { return num_records_; }

 private:
  void write_out();

  std::string path_;
  int fd_ = -1;
  std::string buffer_;
  uint64_t num_records_ = 0;
};

/// Reads the records of a file (or of bytes in memory) in order.
///
///   RecordReader r("/logs/events.out.tfevents.1520770005.host");
///   std::string record;
///   while (r.read(record)) use(record);  // throws kDataLoss on damage
class RecordReader {
 public:
  /// Opens `path`. Throws kNotFound ("<path>; No such file or directory") or
  /// kFailedPrecondition for other open failures.
  explicit RecordReader(std::string path);
  /// Reads records from `data` (not copied: it must outlive the reader); `name` is what error
  /// messages call it.
  static RecordReader from_bytes(std::string_view data, std::string name = "<memory>");
  RecordReader(RecordReader&&) noexcept;
  RecordReader& operator=(RecordReader&&) noexcept;
  ~RecordReader();

  /// Reads the next record into `record`. Returns false at a clean end (no byte left).
  /// Throws Error(kDataLoss) naming the file, the record's offset and the problem:
  ///   "<path>: truncated record at 24: header needs 12 bytes, 5 remain"
  ///   "<path>: truncated record at 24: 68006 data bytes and a 4-byte CRC expected, 120 remain"
  ///   "<path>: corrupted record at 24: length CRC mismatch (stored 0x..., computed 0x...)"
  ///   "<path>: corrupted record at 24: data CRC mismatch (stored 0x..., computed 0x...)"
  /// After an error the reader stays at the damaged record (read() throws again).
  bool read(std::string& record);

  /// Offset of the record read last (0 before the first), for messages.
  uint64_t record_offset() const { return record_offset_; }
  /// Offset of the next record.
  uint64_t offset() const { return offset_; }
  const std::string& path() const { return path_; }

 private:
  RecordReader() = default;
  /// Up to `n` bytes at `offset` into `out` (fewer only at the end of the data).
  size_t read_at(uint64_t offset, size_t n, char* out);
  uint64_t size_now();
  [[noreturn]] void fail(uint64_t at, std::string_view kind, std::string_view detail) const;

  std::string path_;
  int fd_ = -1;
  std::string_view memory_;
  bool in_memory_ = false;
  uint64_t offset_ = 0;
  uint64_t record_offset_ = 0;
};

}  // namespace scopeflow::io
