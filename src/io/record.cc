// TFRecord framing: writer and checking reader (formats.md §2; TF's lib/io/record_writer.cc and
// record_reader.cc use the same layout and the same "truncated/corrupted record at" wording).
#include "scopeflow/io/record.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "scopeflow/base/error.h"
#include "scopeflow/io/crc32c.h"

namespace scopeflow::io {
namespace {

// Buffered records are written out once they pass this size, so memory stays bounded between
// flushes (TF's WritableFile buffers similarly).
constexpr size_t kWriteThreshold = 1 << 20;

void put_u32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_u64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
uint64_t get_u64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

[[noreturn]] void open_failed(const std::string& path, int err) {
  if (err == ENOENT || err == ENOTDIR)
    throw Error(Code::kNotFound, path + "; No such file or directory");
  if (err == EEXIST) throw Error(Code::kAlreadyExists, path + "; File exists");
  throw Error(Code::kFailedPrecondition, path + "; " + std::strerror(err));
}

}  // namespace

void append_record(std::string& out, std::string_view data) {
  const size_t at = out.size();
  out.resize(at + kRecordHeaderSize + data.size() + kRecordFooterSize);
  char* p = out.data() + at;
  put_u64(p, data.size());
  put_u32(p + 8, mask_crc(crc32c(p, 8)));
  if (!data.empty()) std::memcpy(p + kRecordHeaderSize, data.data(), data.size());
  put_u32(p + kRecordHeaderSize + data.size(), mask_crc(crc32c(data)));
}

// ---- RecordWriter ----

RecordWriter::RecordWriter(std::string path, Mode mode) : path_(std::move(path)) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
  if (mode == Mode::kCreateNew) flags |= O_EXCL;
  if (mode == Mode::kTruncate) flags |= O_TRUNC;
  if (mode == Mode::kAppend) flags |= O_APPEND;
  fd_ = ::open(path_.c_str(), flags, 0644);
  if (fd_ < 0) open_failed(path_, errno);
}

RecordWriter::RecordWriter(RecordWriter&& o) noexcept
    : path_(std::move(o.path_)),
      fd_(std::exchange(o.fd_, -1)),
      buffer_(std::move(o.buffer_)),
      num_records_(o.num_records_) {}

RecordWriter& RecordWriter::operator=(RecordWriter&& o) noexcept {
  if (this != &o) {
    try {
      close();
    } catch (...) {  // as the destructor: the old file's errors are not the caller's
    }
    path_ = std::move(o.path_);
    fd_ = std::exchange(o.fd_, -1);
    buffer_ = std::move(o.buffer_);
    num_records_ = o.num_records_;
  }
  return *this;
}

RecordWriter::~RecordWriter() {
  try {
    close();
  } catch (...) {  // destructors never throw; close() reports errors to callers who ask
  }
}

void RecordWriter::write(std::string_view data) {
  if (fd_ < 0) throw Error(Code::kFailedPrecondition, "Write to a closed record file: " + path_);
  append_record(buffer_, data);
  ++num_records_;
  if (buffer_.size() >= kWriteThreshold) write_out();
}

void RecordWriter::write_out() {
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      buffer_.erase(0, done);
      throw Error(Code::kDataLoss, fmt::format("Failed to write {} bytes to {}: {}", buffer_.size(),
                                               path_, std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

void RecordWriter::flush(bool sync) {
  if (fd_ < 0) return;
  write_out();
  if (sync && ::fsync(fd_) != 0)
    throw Error(Code::kDataLoss, fmt::format("Failed to sync {}: {}", path_, std::strerror(errno)));
}

void RecordWriter::close() {
  if (fd_ < 0) return;
  const int fd = fd_;
  try {
    write_out();
  } catch (...) {
    ::close(fd);
    fd_ = -1;
    throw;
  }
  fd_ = -1;
  if (::close(fd) != 0)
    throw Error(Code::kDataLoss,
                fmt::format("Failed to close {}: {}", path_, std::strerror(errno)));
}

// ---- RecordReader ----

RecordReader::RecordReader(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) open_failed(path_, errno);
  struct stat st;
  if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    throw Error(Code::kFailedPrecondition, path_ + "; Is a directory");
  }
}

RecordReader RecordReader::from_bytes(std::string_view data, std::string name) {
  RecordReader r;
  r.path_ = std::move(name);
  r.memory_ = data;
  r.in_memory_ = true;
  return r;
}

RecordReader::RecordReader(RecordReader&& o) noexcept
    : path_(std::move(o.path_)),
      fd_(std::exchange(o.fd_, -1)),
      memory_(o.memory_),
      in_memory_(o.in_memory_),
      offset_(o.offset_),
      record_offset_(o.record_offset_) {}

RecordReader& RecordReader::operator=(RecordReader&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_);
    fd_ = std::exchange(o.fd_, -1);
    memory_ = o.memory_;
    in_memory_ = o.in_memory_;
    offset_ = o.offset_;
    record_offset_ = o.record_offset_;
  }
  return *this;
}

RecordReader::~RecordReader() {
  if (fd_ >= 0) ::close(fd_);
}

size_t RecordReader::read_at(uint64_t offset, size_t n, char* out) {
  if (in_memory_) {
    if (offset >= memory_.size()) return 0;
    const size_t k = std::min<uint64_t>(n, memory_.size() - offset);
    std::memcpy(out, memory_.data() + offset, k);
    return k;
  }
  size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error(Code::kDataLoss, fmt::format("{}: read failed at {}: {}", path_, offset + done,
                                               std::strerror(errno)));
    }
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

uint64_t RecordReader::size_now() {
  if (in_memory_) return memory_.size();
  struct stat st;
  if (::fstat(fd_, &st) != 0)
    throw Error(Code::kDataLoss, fmt::format("{}: stat failed: {}", path_, std::strerror(errno)));
  return static_cast<uint64_t>(st.st_size);
}

void RecordReader::fail(uint64_t at, std::string_view kind, std::string_view detail) const {
  throw Error(Code::kDataLoss, fmt::format("{}: {} record at {}: {}", path_, kind, at, detail));
}

bool RecordReader::read(std::string& record) {
  const uint64_t at = offset_;
  char header[kRecordHeaderSize];
  const size_t got = read_at(at, kRecordHeaderSize, header);
  if (got == 0) return false;
  if (got < kRecordHeaderSize)
    fail(at, "truncated", fmt::format("header needs {} bytes, {} remain", kRecordHeaderSize, got));
  // The length is trusted only once its own CRC matches: a flipped bit there must not make
  // us allocate or skip gigabytes.
  const uint32_t stored_len_crc = unmask_crc(get_u32(header + 8));
  const uint32_t len_crc = crc32c(header, 8);
  if (stored_len_crc != len_crc)
    fail(at, "corrupted",
         fmt::format("length CRC mismatch (stored 0x{:08x}, computed 0x{:08x})", stored_len_crc,
                     len_crc));
  const uint64_t length = get_u64(header);
  const uint64_t size = size_now();
  const uint64_t remain = size > at + kRecordHeaderSize ? size - at - kRecordHeaderSize : 0;
  if (length > remain || remain - length < kRecordFooterSize)
    fail(at, "truncated",
         fmt::format("{} data bytes and a {}-byte CRC expected, {} remain", length,
                     kRecordFooterSize, remain));
  record.resize(static_cast<size_t>(length));
  char footer[kRecordFooterSize];
  if (read_at(at + kRecordHeaderSize, record.size(), record.data()) != record.size() ||
      read_at(at + kRecordHeaderSize + length, kRecordFooterSize, footer) != kRecordFooterSize)
    fail(at, "truncated", "the file shrank while it was read");
  const uint32_t stored_crc = unmask_crc(get_u32(footer));
  const uint32_t data_crc = crc32c(record);
  if (stored_crc != data_crc)
    fail(at, "corrupted",
         fmt::format("data CRC mismatch (stored 0x{:08x}, computed 0x{:08x})", stored_crc,
                     data_crc));
  record_offset_ = at;
  offset_ = at + kRecordHeaderSize + length + kRecordFooterSize;
  return true;
}

}  // namespace scopeflow::io
