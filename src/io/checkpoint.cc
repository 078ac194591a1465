// V2 checkpoints (TF's util/tensor_bundle/tensor_bundle.cc, restated in
// ../shared/formats.md §3): BundleWriter, BundleReader, merge_bundles.
#include "scopeflow/io/checkpoint.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <random>

#include "scopeflow/base/error.h"
#include "scopeflow/io/crc32c.h"
#include "scopeflow/proto/tensor_bundle.pb.h"
#include "scopeflow/proto/types.pb.h"

namespace scopeflow::io {

namespace {

// TF's kTensorBundleVersion / kTensorBundleMinConsumer.
constexpr int kBundleVersion = 1;
constexpr int kBundleMinConsumer = 0;
constexpr size_t kWriteBuffer = 1 << 20;

// ---- TF's checkpoint messages (tensor_bundle.cc, tensor_slice_reader.cc) ----

std::string msg_no_matching_files(std::string_view prefix) {  // TensorSliceReader ctor
  return fmt::format(
      "Unsuccessful TensorSliceReader constructor: Failed to find any matching files for {}",
      prefix);
}
std::string msg_key_not_found(std::string_view key) {  // BundleReader::GetBundleEntryProto
  return fmt::format("Key {} not found in checkpoint", key);
}
std::string msg_duplicate_key(std::string_view key) {  // BundleWriter::Add
  return fmt::format("Adding duplicate key: {}", key);
}
std::string msg_corrupt_file(std::string_view file, std::string_view detail,
                             std::string_view cause) {  // CorruptFileError
  std::string m = fmt::format(
      "Unable to read file ({}). Perhaps the file is corrupt or was produced by a newer version "
      "of TensorFlow with format changes ({})",
      file, detail);
  if (!cause.empty()) m += fmt::format(": {}", cause);
  return m;
}
std::string msg_entry_not_parseable(std::string_view key) {  // ParseEntryProto
  return fmt::format("Entry for key {} not parseable.", key);
}

std::string random_suffix() {
  static std::atomic<uint64_t> counter{0};
  std::random_device rd;
  const uint64_t r = (uint64_t(rd()) << 32) ^ rd() ^
                     uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                     (counter.fetch_add(1) * 0x9e3779b97f4a7c15ull);
  return std::to_string(r);
}

std::string dirname_of(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

[[noreturn]] void throw_errno(const std::string& path, int err) {
  throw Error(err == ENOENT ? Code::kNotFound : Code::kFailedPrecondition,
              fmt::format("{}; {}", path, std::strerror(err)));
}

void write_all(int fd, const void* data, size_t n, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw_errno(path, errno);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

// Reads exactly [offset, offset + n) or reports how short the file is.
void pread_all(int fd, void* out, size_t n, uint64_t offset, const std::string& path) {
  char* p = static_cast<char*>(out);
  while (n > 0) {
    const ssize_t r = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw_errno(path, errno);
    }
    if (r == 0)
      throw Error(Code::kDataLoss,
                  fmt::format("{}: truncated: the file ended at offset {} while {} more bytes "
                              "were expected",
                              path, offset, n));
    p += r;
    n -= static_cast<size_t>(r);
    offset += static_cast<uint64_t>(r);
  }
}

void sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the renames themselves are already atomic
  ::fsync(fd);
  ::close(fd);
}

// Writes `bytes` to a temporary file beside `path`; returns the temporary name.
std::string write_temp(const std::string& path, std::string_view bytes, bool sync) {
  const std::string tmp = path + ".tempstate" + random_suffix();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno(tmp, errno);
  try {
    write_all(fd, bytes.data(), bytes.size(), tmp);
    if (sync && ::fdatasync(fd) != 0) throw_errno(tmp, errno);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw_errno(tmp, err);
  }
  return tmp;
}

void rename_into_place(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    const int err = errno;
    ::unlink(from.c_str());
    throw Error(Code::kFailedPrecondition,
                fmt::format("Could not rename {} to {}: {}", from, to, std::strerror(err)));
  }
}

bool can_memcpy(DataType t) { return t != DataType::kString && dtype_size(t) > 0; }

void byte_swap(void* data, size_t n, int elem_size, DataType t) {
  // Complex numbers swap each of their two halves.
  if (t == DataType::kComplex64 || t == DataType::kComplex128) elem_size /= 2;
  if (elem_size <= 1) return;
  auto* p = static_cast<unsigned char*>(data);
  for (size_t i = 0; i + elem_size <= n; i += elem_size) std::reverse(p + i, p + i + elem_size);
}

void to_shape_proto(const std::vector<int64_t>& shape, tensorflow::TensorShapeProto* out) {
  for (int64_t d : shape) out->add_dim()->set_size(d);
}

}  // namespace

// ---- names and strings ----

std::string checkpoint_index_path(std::string_view prefix) {
  return fmt::format("{}.index", prefix);
}

std::string checkpoint_data_path(std::string_view prefix, int shard, int num_shards) {
  return fmt::format("{}.data-{:05d}-of-{:05d}", prefix, shard, num_shards);
}

bool checkpoint_exists(std::string_view prefix) {
  struct stat st {};
  return ::stat(checkpoint_index_path(prefix).c_str(), &st) == 0;
}

std::string tf_dtype_string(DataType t) {
  switch (base_dtype(t)) {
    case DataType::kFloat:
      return "float";
    case DataType::kDouble:
      return "double";
    case DataType::kHalf:
      return "half";
    default:
      return dtype_name(base_dtype(t));
  }
}

std::string tf_dtype_enum_name(DataType t) {
  const int v = static_cast<int>(t);
  if (tensorflow::DataType_IsValid(v))
    return tensorflow::DataType_Name(static_cast<tensorflow::DataType>(v));
  return fmt::format("DataType({})", v);
}

std::string tf_shape_string(std::span<const int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

// ---- BundleWriter ----

struct BundleWriter::Pending {
  std::string key;
  tensorflow::BundleEntryProto proto;
};

BundleWriter::BundleWriter(std::string prefix, Options options)
    : prefix_(std::move(prefix)), options_(options) {
  // Like TF's BundleWriter: create the last directory level if it is missing.
  const std::string dir = dirname_of(prefix_);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) throw_errno(dir, errno);
  data_tmp_ = checkpoint_data_path(prefix_, 0, 1) + ".tempstate" + random_suffix();
  fd_ = ::open(data_tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_errno(data_tmp_, errno);
  buffer_.reserve(kWriteBuffer);
}

BundleWriter::~BundleWriter() {
  if (!finished_) discard();
}

void BundleWriter::discard() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!data_tmp_.empty()) ::unlink(data_tmp_.c_str());
  if (!index_tmp_.empty()) ::unlink(index_tmp_.c_str());
}

void BundleWriter::io_error(const std::string& path, int err) {
  discard();
  finished_ = true;  // the writer is unusable after an I/O error
  throw_errno(path, err);
}

void BundleWriter::write_data(const void* data, size_t n) {
  try {
    write_all(fd_, data, n, data_tmp_);
  } catch (const Error&) {
    discard();
    finished_ = true;
    throw;
  }
}

void BundleWriter::flush() {
  write_data(buffer_.data(), buffer_.size());
  buffer_.clear();
}

void BundleWriter::append(const void* data, size_t n) {
  crc_ = crc32c_extend(crc_, data, n);
  size_ += n;
  if (buffer_.size() + n <= kWriteBuffer) {
    buffer_.append(static_cast<const char*>(data), n);
    return;
  }
  flush();
  if (n < kWriteBuffer) {
    buffer_.append(static_cast<const char*>(data), n);
    return;
  }
  // Large tensors go straight from their buffer to the file: no intermediate copy.
  write_data(data, n);
}

void BundleWriter::add(std::string_view key, const Tensor& t) {
  if (finished_) throw Error(Code::kFailedPrecondition, "BundleWriter::add after finish");
  if (key.empty())
    throw Error(Code::kInvalidArgument,
                "The empty key is reserved for the checkpoint's header entry");
  if (keys_.count(key)) throw Error(Code::kInvalidArgument, msg_duplicate_key(key));
  const DataType dtype = base_dtype(t.dtype());
  if (dtype != DataType::kString && !can_memcpy(dtype))
    throw Error(Code::kUnimplemented, fmt::format("Saving tensor '{}' of dtype {} is not supported",
                                                  key, tf_dtype_enum_name(dtype)));
  auto pending = std::make_unique<Pending>();
  pending->key.assign(key);
  tensorflow::BundleEntryProto& e = pending->proto;
  e.set_dtype(static_cast<tensorflow::DataType>(static_cast<int>(dtype)));
  to_shape_proto(t.shape(), e.mutable_shape());
  e.set_shard_id(0);
  e.set_offset(static_cast<int64_t>(size_));
  const uint64_t start = size_;
  crc_ = 0;
  if (dtype == DataType::kString) {
    // varint64 lengths, a masked CRC32C of the lengths (each as uint32 when it fits, as TF
    // does for older readers), then the bytes; the entry's CRC covers all three.
    const auto& strs = t.string_data();
    std::string lengths;
    uint32_t len_crc = 0;
    for (const std::string& s : strs) {
      uint64_t n = s.size();
      while (n >= 0x80) {
        lengths.push_back(static_cast<char>(n | 0x80));
        n >>= 7;
      }
      lengths.push_back(static_cast<char>(n));
      if (s.size() <= UINT32_MAX) {
        const uint32_t n32 = static_cast<uint32_t>(s.size());
        len_crc = crc32c_extend(len_crc, &n32, sizeof n32);
      } else {
        const uint64_t n64 = s.size();
        len_crc = crc32c_extend(len_crc, &n64, sizeof n64);
      }
    }
    append(lengths.data(), lengths.size());
    // The entry CRC continues from the lengths' CRC (not from the varint bytes).
    crc_ = len_crc;
    const uint32_t masked = mask_crc(len_crc);
    append(&masked, sizeof masked);
    for (const std::string& s : strs) append(s.data(), s.size());
  } else {
    append(t.raw(), t.byte_size());
  }
  e.set_size(static_cast<int64_t>(size_ - start));
  e.set_crc32c(mask_crc(crc_));
  keys_.insert(pending->key);
  entries_.push_back(std::move(pending));
}

void BundleWriter::finish() {
  if (finished_) throw Error(Code::kFailedPrecondition, "BundleWriter::finish called twice");
  flush();
  if (options_.sync && ::fdatasync(fd_) != 0) io_error(data_tmp_, errno);
  if (::close(fd_) != 0) {
    const int err = errno;
    fd_ = -1;
    io_error(data_tmp_, err);
  }
  fd_ = -1;

  std::vector<const Pending*> sorted;
  sorted.reserve(entries_.size());
  for (const auto& e : entries_) sorted.push_back(e.get());
  std::sort(sorted.begin(), sorted.end(),
            [](const Pending* a, const Pending* b) { return a->key < b->key; });
  TableBuilder table;
  tensorflow::BundleHeaderProto header;
  header.set_num_shards(1);
  header.set_endianness(tensorflow::BundleHeaderProto::LITTLE);
  header.mutable_version()->set_producer(kBundleVersion);
  header.mutable_version()->set_min_consumer(kBundleMinConsumer);
  table.add("", header.SerializeAsString());
  for (const Pending* e : sorted) table.add(e->key, e->proto.SerializeAsString());

  try {
    const std::string index_path = checkpoint_index_path(prefix_);
    index_tmp_ = write_temp(index_path, table.finish(), options_.sync);
    // Data first, index last: the index is what makes a checkpoint visible
    // (checkpoint_exists, latest_checkpoint), so it must never point at missing data.
    rename_into_place(data_tmp_, checkpoint_data_path(prefix_, 0, 1));
    data_tmp_.clear();
    rename_into_place(index_tmp_, index_path);
    index_tmp_.clear();
    if (options_.sync) sync_dir(dirname_of(prefix_));
  } catch (...) {
    discard();
    finished_ = true;
    throw;
  }
  finished_ = true;
}

// ---- BundleReader ----

BundleReader::BundleReader(std::string prefix) : prefix_(std::move(prefix)) {
  const std::string index_path = checkpoint_index_path(prefix_);
  struct stat st {};
  if (::stat(index_path.c_str(), &st) != 0 && errno == ENOENT)
    throw Error(Code::kNotFound, msg_no_matching_files(prefix_));
  const Table table = Table::open(index_path);

  if (table.size() == 0 || !table.key(0).empty())
    throw Error(Code::kDataLoss,
                msg_corrupt_file(index_path, "failed to seek to header entry", ""));
  tensorflow::BundleHeaderProto header;
  if (!header.ParseFromArray(table.value(0).data(), static_cast<int>(table.value(0).size())))
    throw Error(Code::kDataLoss, msg_corrupt_file(index_path, "unable to parse header",
                                                  msg_entry_not_parseable("")));
  num_shards_ = header.num_shards();
  if (num_shards_ < 1)
    throw Error(
        Code::kDataLoss,
        msg_corrupt_file(index_path, fmt::format("header says {} shards", num_shards_), ""));
  swap_bytes_ = header.endianness() == tensorflow::BundleHeaderProto::BIG;
  if (header.version().min_consumer() > kBundleVersion)
    throw Error(Code::kInvalidArgument,
                fmt::format("Checkpoint min consumer version {} above current version {} for "
                            "TensorFlow 1.15.0. Please upgrade TensorFlow.",
                            header.version().min_consumer(), kBundleVersion));
  for (int bad : header.version().bad_consumers())
    if (bad == kBundleVersion)
      throw Error(Code::kInvalidArgument,
                  fmt::format("Checkpoint disallows consumer version {}. Please upgrade "
                              "TensorFlow: this version is likely buggy.",
                              kBundleVersion));

  entries_.reserve(table.size() - 1);
  tensorflow::BundleEntryProto proto;
  for (size_t i = 1; i < table.size(); ++i) {
    const std::string_view key = table.key(i);
    const std::string_view value = table.value(i);
    if (!proto.ParseFromArray(value.data(), static_cast<int>(value.size())))
      throw Error(Code::kDataLoss,
                  fmt::format("{} (in {})", msg_entry_not_parseable(key), index_path));
    BundleEntry e;
    e.key.assign(key);
    e.dtype = static_cast<DataType>(static_cast<int>(proto.dtype()));
    bool valid_shape = !proto.shape().unknown_rank();
    for (const auto& d : proto.shape().dim()) {
      if (d.size() < 0) valid_shape = false;
      e.shape.push_back(d.size());
    }
    if (!valid_shape)
      throw Error(Code::kDataLoss, fmt::format("Invalid tensor shape: {} {} (in {})", key,
                                               proto.shape().ShortDebugString(), index_path));
    e.shard_id = proto.shard_id();
    e.offset = proto.offset();
    e.size = proto.size();
    e.masked_crc32c = proto.crc32c();
    e.num_slices = proto.slices_size();
    if (e.num_slices == 0 && (e.shard_id < 0 || e.shard_id >= num_shards_))
      throw Error(Code::kDataLoss,
                  fmt::format("{}: entry for key {} names shard {} but the checkpoint has {}",
                              index_path, key, e.shard_id, num_shards_));
    entries_.push_back(std::move(e));
  }
}

BundleReader::~BundleReader() {
  for (auto& open_file : fds_) ::close(open_file.second.first);
}

const BundleEntry* BundleReader::find(std::string_view key) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const BundleEntry& e, std::string_view k) { return e.key < k; });
  if (it == entries_.end() || it->key != key) return nullptr;
  return &*it;
}

const BundleEntry& BundleReader::entry(std::string_view key) const {
  const BundleEntry* e = find(key);
  if (!e) throw Error(Code::kNotFound, msg_key_not_found(key));
  return *e;
}

int BundleReader::data_fd(int shard, uint64_t* file_size) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = fds_.find(shard);
  if (it == fds_.end()) {
    const std::string path = checkpoint_data_path(prefix_, shard, num_shards_);
    const int f = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f < 0) {
      const int err = errno;
      if (err == ENOENT)
        throw Error(Code::kNotFound,
                    fmt::format("{}; No such file or directory (the data shard {} of checkpoint "
                                "{} is missing)",
                                path, shard, prefix_));
      throw_errno(path, err);
    }
    struct stat st {};
    if (::fstat(f, &st) != 0) {
      const int err = errno;
      ::close(f);
      throw_errno(path, err);
    }
    it = fds_.emplace(shard, std::make_pair(f, static_cast<uint64_t>(st.st_size))).first;
  }
  *file_size = it->second.second;
  return it->second.first;
}

uint64_t BundleReader::check_entry(const BundleEntry& e) const {
  if (e.num_slices > 0)
    throw Error(Code::kUnimplemented,
                fmt::format("Tensor {} was saved in {} slices (a partitioned variable); reading "
                            "sliced tensors is not supported",
                            e.key, e.num_slices));
  const DataType dtype = e.dtype;
  if (dtype != DataType::kString && !can_memcpy(dtype))
    throw Error(Code::kUnimplemented, fmt::format("Reading tensor {} of dtype {} is not supported",
                                                  e.key, tf_dtype_enum_name(dtype)));
  // Element count, guarded against overflow before anything is allocated.
  uint64_t n = 1;
  for (int64_t d : e.shape) {
    if (d != 0 && n > (uint64_t(1) << 56) / static_cast<uint64_t>(d))
      throw Error(Code::kDataLoss, fmt::format("Invalid tensor shape: {} {} (too many elements)",
                                               e.key, tf_shape_string(e.shape)));
    n *= static_cast<uint64_t>(d);
  }
  if (e.offset < 0 || e.size < 0)
    throw Error(Code::kDataLoss, fmt::format("Invalid offset or size in bundle entry: key {}; "
                                             "offset {}; size {}",
                                             e.key, e.offset, e.size));
  const std::string path = checkpoint_data_path(prefix_, e.shard_id, num_shards_);
  if (dtype != DataType::kString) {
    const uint64_t expected = n * static_cast<uint64_t>(dtype_size(dtype));
    if (static_cast<uint64_t>(e.size) != expected)
      throw Error(Code::kDataLoss,
                  fmt::format("Invalid size in bundle entry: key {}; stored size {}; expected "
                              "size {}",
                              e.key, e.size, expected));
  } else if (static_cast<uint64_t>(e.size) < n) {
    throw Error(Code::kDataLoss,
                fmt::format("Invalid size in bundle entry: key {}; stored size {}; expected size "
                            "is at least {}",
                            e.key, e.size, n));
  }
  uint64_t file_size = 0;
  data_fd(e.shard_id, &file_size);
  const auto offset = static_cast<uint64_t>(e.offset);
  const auto size = static_cast<uint64_t>(e.size);
  if (offset > file_size || size > file_size - offset)
    throw Error(Code::kDataLoss,
                fmt::format("{}: truncated: the entry for key {} needs bytes [{}, {}) but the file "
                            "has {} bytes",
                            path, e.key, offset, offset + size, file_size));
  return n;
}

Tensor BundleReader::read(const BundleEntry& e) const {
  check_entry(e);  // before allocating: a damaged shape must not size a huge tensor
  Tensor out = e.dtype == DataType::kString ? Tensor(DataType::kString, e.shape)
                                            : Tensor::uninitialized(e.dtype, e.shape);
  read_into(e, out);
  return out;
}

void BundleReader::read_into(const BundleEntry& e, Tensor& out) const {
  const uint64_t n = check_entry(e);
  if (!out.same_layout(e.dtype, e.shape))
    throw Error(Code::kInvalidArgument,
                fmt::format("read_into: tensor {} is {} {} in the checkpoint but the buffer is {} "
                            "{}",
                            e.key, tf_dtype_enum_name(e.dtype), tf_shape_string(e.shape),
                            tf_dtype_enum_name(out.dtype()), tf_shape_string(out.shape())));
  const DataType dtype = e.dtype;
  const std::string path = checkpoint_data_path(prefix_, e.shard_id, num_shards_);
  uint64_t file_size = 0;
  const int fd = data_fd(e.shard_id, &file_size);
  const auto offset = static_cast<uint64_t>(e.offset);
  const auto size = static_cast<uint64_t>(e.size);
  uint32_t actual = 0;
  if (dtype != DataType::kString) {
    if (size) pread_all(fd, out.raw(), size, offset, path);
    actual = crc32c(out.raw(), size);
    if (swap_bytes_) byte_swap(out.raw(), size, dtype_size(dtype), dtype);
  } else {
    std::string buf(size, '\0');
    if (size) pread_all(fd, buf.data(), size, offset, path);
    const char* p = buf.data();
    const char* end = p + buf.size();
    std::vector<uint64_t> lengths(n);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t v = 0;
      int shift = 0;
      for (;;) {
        if (p >= end || shift > 63)
          throw Error(Code::kDataLoss,
                      fmt::format("String lengths longer than expected offset {} (key {}, in {})",
                                  offset + size, e.key, path));
        const uint64_t b = static_cast<unsigned char>(*p++);
        v |= (b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) break;
      }
      lengths[i] = v;
      if (v <= UINT32_MAX) {
        uint32_t v32 = static_cast<uint32_t>(v);
        if (swap_bytes_) v32 = __builtin_bswap32(v32);
        actual = crc32c_extend(actual, &v32, sizeof v32);
      } else {
        uint64_t v64 = swap_bytes_ ? __builtin_bswap64(v) : v;
        actual = crc32c_extend(actual, &v64, sizeof v64);
      }
    }
    if (end - p < 4)
      throw Error(Code::kDataLoss,
                  fmt::format("{}: truncated string tensor {}: no room for its length checksum",
                              path, e.key));
    uint32_t raw_len_crc;
    std::memcpy(&raw_len_crc, p, 4);
    p += 4;
    const uint32_t len_crc = swap_bytes_ ? __builtin_bswap32(raw_len_crc) : raw_len_crc;
    if (unmask_crc(len_crc) != actual)
      throw Error(Code::kDataLoss,
                  fmt::format("The length checksum does not match: expected {:08d} but actual is "
                              "{:08d}",
                              unmask_crc(len_crc), actual));
    actual = crc32c_extend(actual, &raw_len_crc, 4);
    auto& strs = out.string_data();
    for (uint64_t i = 0; i < n; ++i) {
      if (lengths[i] > static_cast<uint64_t>(end - p))
        throw Error(Code::kDataLoss,
                    fmt::format("{}: truncated string tensor {}: element {} needs {} bytes, {} "
                                "remain in its entry",
                                path, e.key, i, lengths[i], end - p));
      strs[i].assign(p, lengths[i]);
      actual = crc32c_extend(actual, p, lengths[i]);
      p += lengths[i];
    }
  }
  if (unmask_crc(e.masked_crc32c) != actual)
    throw Error(Code::kDataLoss,
                fmt::format("TensorBundle at {} shard {} ({} bytes): Checksum does not match: "
                            "stored {:08d} vs. calculated on the restored bytes {}",
                            prefix_, e.shard_id, e.size, unmask_crc(e.masked_crc32c), actual));
}

std::string BundleReader::debug_string() const {
  std::string s;
  for (const BundleEntry& e : entries_) {
    if (e.num_slices > 0) continue;
    s += fmt::format("{} ({}) {}\n", e.key, tf_dtype_enum_name(e.dtype), tf_shape_string(e.shape));
  }
  return s;
}

// ---- merge ----

void merge_bundles(std::span<const std::string> prefixes, const std::string& merged_prefix) {
  const std::string dir = dirname_of(merged_prefix);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) throw_errno(dir, errno);
  std::map<std::string, tensorflow::BundleEntryProto> merged;
  std::vector<std::string> data_files;  // new shard id → old data file
  std::map<std::string, int> shard_ids;
  int num_shards = 0;
  for (const std::string& prefix : prefixes) {
    const std::string index_path = checkpoint_index_path(prefix);
    const Table table = Table::open(index_path);
    if (table.size() == 0 || !table.key(0).empty())
      throw Error(Code::kDataLoss,
                  msg_corrupt_file(index_path, "failed to seek to header entry", ""));
    tensorflow::BundleHeaderProto header;
    if (!header.ParseFromArray(table.value(0).data(), static_cast<int>(table.value(0).size())))
      throw Error(Code::kDataLoss, msg_corrupt_file(index_path, "unable to parse header",
                                                    msg_entry_not_parseable("")));
    if (header.endianness() != tensorflow::BundleHeaderProto::LITTLE)
      throw Error(Code::kInvalidArgument,
                  "Merging bundles with conflicting endianness; inputs corrupted?");
    num_shards += header.num_shards();
    for (size_t i = 1; i < table.size(); ++i) {
      const std::string key(table.key(i));
      auto it = merged.find(key);
      if (it != merged.end() && it->second.slices().empty())
        throw Error(Code::kInvalidArgument,
                    fmt::format("Duplicate tensor keyed by {} encountered, when merging prefix: {}",
                                key, prefix));
      tensorflow::BundleEntryProto entry;
      if (!entry.ParseFromArray(table.value(i).data(), static_cast<int>(table.value(i).size())))
        throw Error(Code::kDataLoss, msg_entry_not_parseable(key));
      if (it != merged.end()) {
        for (const auto& s : entry.slices()) *it->second.add_slices() = s;
        continue;
      }
      const std::string data = checkpoint_data_path(prefix, entry.shard_id(), header.num_shards());
      auto [sit, inserted] = shard_ids.emplace(data, static_cast<int>(data_files.size()));
      if (inserted) data_files.push_back(data);
      entry.set_shard_id(sit->second);
      merged.emplace(key, std::move(entry));
    }
  }
  (void)num_shards;
  const int total = static_cast<int>(data_files.size());
  for (int i = 0; i < total; ++i) {
    const std::string to = checkpoint_data_path(merged_prefix, i, total);
    if (::rename(data_files[static_cast<size_t>(i)].c_str(), to.c_str()) != 0)
      throw_errno(data_files[static_cast<size_t>(i)], errno);
  }
  TableBuilder table;
  tensorflow::BundleHeaderProto header;
  header.set_num_shards(total);
  header.set_endianness(tensorflow::BundleHeaderProto::LITTLE);
  header.mutable_version()->set_producer(kBundleVersion);
  header.mutable_version()->set_min_consumer(kBundleMinConsumer);
  table.add("", header.SerializeAsString());
  for (const auto& [key, entry] : merged) table.add(key, entry.SerializeAsString());
  const std::string index_path = checkpoint_index_path(merged_prefix);
  rename_into_place(write_temp(index_path, table.finish(), true), index_path);
  for (const std::string& prefix : prefixes) {
    const std::string old = checkpoint_index_path(prefix);
    if (old != index_path) ::unlink(old.c_str());
  }
}

}  // namespace scopeflow::io
