// TensorFlow's V2 checkpoint (tensor bundle): `<prefix>.index`, a table of key → entry, and
// `<prefix>.data-00000-of-00001`, the tensors' bytes. What tf.train.Saver writes and reads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scopeflow/base/dtype.h"
#include "scopeflow/base/tensor.h"
#include "scopeflow/io/table.h"

namespace scopeflow::io {

/// `<prefix>.index`.
std::string checkpoint_index_path(std::string_view prefix);
/// `<prefix>.data-00000-of-00001` (TF's DataFilename: `%05d-of-%05d`).
std::string checkpoint_data_path(std::string_view prefix, int shard, int num_shards);
/// True when `<prefix>.index` exists (TF's checkpoint_exists for V2).
bool checkpoint_exists(std::string_view prefix);

/// One tensor's record in the index (a decoded BundleEntryProto).
struct BundleEntry {
  std::string key;
  DataType dtype = DataType::kInvalid;
  std::vector<int64_t> shape;
  int32_t shard_id = 0;
  int64_t offset = 0;
  int64_t size = 0;
  uint32_t masked_crc32c = 0;
  /// Saved in slices (a partitioned variable); its bytes live under slice keys.
  int num_slices = 0;
};

/// How BundleWriter writes.
struct BundleWriterOptions {
  /// fdatasync both files before they are renamed into place (survives power loss, not just
  /// a crashed process).
  bool sync = true;
};

/// Writes a checkpoint. Tensors may be added in any order: their bytes go to the data file as
/// they come, and the index is written sorted by key on `finish`. Both files are written under
/// temporary names (`<file>.tempstate<random>`) and renamed into place only when complete, so
/// an earlier checkpoint with the same prefix stays intact until the new one is whole; a writer
/// destroyed without `finish` removes its temporary file. Not thread-safe.
///
///   BundleWriter w("/tmp/model.ckpt");
///   w.add("w", weights);
///   w.add("b", bias);
///   w.finish();   // model.ckpt.index, model.ckpt.data-00000-of-00001
class BundleWriter {
 public:
  using Options = BundleWriterOptions;
  /// Creates the prefix's directory if only its last level is missing (as TF does). Throws
  /// kNotFound / kFailedPrecondition naming the path when the data file cannot be created.
  explicit BundleWriter(std::string prefix, Options options = {});
  ~BundleWriter();
  BundleWriter(const BundleWriter&) = delete;
  BundleWriter& operator=(const BundleWriter&) = delete;

  /// Appends `t` under `key`. Throws kInvalidArgument "Adding duplicate key: <key>" (TF's
  /// text) or for the reserved header key "", and kUnimplemented for dtypes without a byte
  /// layout (resource, variant).
  void add(std::string_view key, const Tensor& t);
  /// Writes the index and renames both files into place. Throws on I/O errors (the
  /// temporary files are then removed and nothing at the final names has changed).
  void finish();
  const std::string& prefix() const { return prefix_; }

 private:
  void append(const void* data, size_t n);
  void flush();
  void discard() noexcept;
  // Writes to the data file; on failure removes the partial files and throws.
  void write_data(const void* data, size_t n);
  [[noreturn]] void io_error(const std::string& path, int err);

  std::string prefix_;
  Options options_;
  std::string data_tmp_, index_tmp_;
  int fd_ = -1;
  std::string buffer_;
  uint64_t size_ = 0;
  uint32_t crc_ = 0;  // running CRC32C of the current tensor's bytes
  struct Pending;
  std::vector<std::unique_ptr<Pending>> entries_;
  std::set<std::string, std::less<>> keys_;
  bool finished_ = false;
};

/// Reads a checkpoint. Opening parses and verifies the whole index (see io::Table) and the
/// header; tensor bytes are read on demand with their CRC32C checked. Errors use TF's texts:
/// kNotFound "Unsuccessful TensorSliceReader constructor: Failed to find any matching files
/// for <prefix>" when there is no `<prefix>.index`, kNotFound "Key <k> not found in
/// checkpoint", kDataLoss "TensorBundle at <prefix> shard 0 (12 bytes): Checksum does not
/// match: ..." and scopeflow's own kDataLoss texts naming the file for truncated or missing
/// shards. `read` is thread-safe.
class BundleReader {
 public:
  explicit BundleReader(std::string prefix);
  ~BundleReader();
  BundleReader(const BundleReader&) = delete;
  BundleReader& operator=(const BundleReader&) = delete;

  const std::string& prefix() const { return prefix_; }
  int num_shards() const { return num_shards_; }
  /// Every tensor entry (the header excluded), sorted by key.
  const std::vector<BundleEntry>& entries() const { return entries_; }
  /// The entry for `key`, or nullptr.
  const BundleEntry* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  /// The entry for `key`; throws kNotFound "Key <key> not found in checkpoint".
  const BundleEntry& entry(std::string_view key) const;
  /// The tensor saved under `key`, its checksum verified.
  Tensor read(std::string_view key) const { return read(entry(key)); }
  Tensor read(const BundleEntry& e) const;
  /// Reads into `out`, which must already have the entry's dtype and shape (a buffer kept
  /// from an earlier read; RestoreV2 reuses its outputs this way). Throws kInvalidArgument
  /// when it does not.
  void read_into(const BundleEntry& e, Tensor& out) const;
  /// What `read` checks before it allocates: a dtype it can read, an element count that
  /// agrees with the entry's size, bytes inside the data file (which this opens). Returns the
  /// element count; throws as `read` does.
  uint64_t check_entry(const BundleEntry& e) const;
  /// TF's BundleReader::DebugString: "<key> (DT_FLOAT) [2,3]\n" per unsliced entry.
  std::string debug_string() const;

 private:
  int data_fd(int shard, uint64_t* file_size) const;

  std::string prefix_;
  int num_shards_ = 1;
  bool swap_bytes_ = false;
  std::vector<BundleEntry> entries_;
  mutable std::mutex mu_;
  mutable std::map<int, std::pair<int, uint64_t>> fds_;  // shard -> (fd, file size), as opened
};

/// TF's MergeBundles (the MergeV2Checkpoints op): merges the indexes of `prefixes` into one
/// checkpoint at `merged_prefix`, renaming their data files into its shard names, then
/// removes the input indexes. Throws kInvalidArgument "Duplicate tensor keyed by <k>
/// encountered, when merging prefix: <p>".
void merge_bundles(std::span<const std::string> prefixes, const std::string& merged_prefix);

/// TF's DataTypeString ("float", "double", "int32", ...) used in checkpoint messages.
std::string tf_dtype_string(DataType t);
/// The DataType enum's proto name ("DT_FLOAT"), used by debug strings and `sf ckpt`.
std::string tf_dtype_enum_name(DataType t);
/// TF's TensorShape::DebugString: "[2,3]", "[]" for a scalar.
std::string tf_shape_string(std::span<const int64_t> shape);

}  // namespace scopeflow::io
