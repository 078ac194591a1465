// LevelDB's immutable sorted string table (SSTable), the format of a V2 checkpoint's `.index`:
// a writer that lays out blocks as TensorFlow's table builder does, and a reader that checks
// every checksum and bound before handing out a byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scopeflow::io {

/// Block layout of a table (TF's `table::Options`, uncompressed).
struct TableOptions {
  /// A data block is closed once its estimated size reaches this (TF: 256 KiB).
  size_t block_size = 262144;
  /// Every this many entries a key is stored whole (a restart point) for binary search.
  int restart_interval = 16;
};

/// Builds a table in memory (a checkpoint index is small: one short entry per tensor).
///
///   TableBuilder b;
///   b.add("", header);        // keys strictly increasing, bytewise
///   b.add("dense/bias", e1);
///   std::string bytes = b.finish();
///
/// Not thread-safe. After `finish` the builder is spent; `add` then throws kFailedPrecondition.
class TableBuilder {
 public:
  explicit TableBuilder(TableOptions options = {});

  /// Appends `key` → `value`. Throws kInvalidArgument when `key` is not greater than the
  /// previous key.
  void add(std::string_view key, std::string_view value);
  /// The table's bytes: data blocks, an empty metaindex block, the index block and the
  /// 48-byte footer.
  std::string finish();
  size_t num_entries() const { return num_entries_; }

 private:
  class Block {
   public:
    explicit Block(int restart_interval) : interval_(restart_interval) { restarts_.push_back(0); }
    void add(std::string_view key, std::string_view value);
    size_t size_estimate() const { return buf_.size() + 4 * restarts_.size() + 4; }
    bool empty() const { return buf_.empty(); }
    /// The block's bytes (entries, restart array, restart count); resets the builder.
    std::string finish();

   private:
    int interval_;
    std::string buf_;
    std::vector<uint32_t> restarts_;
    int counter_ = 0;
    std::string last_key_;
  };

  void flush_data_block();
  // Appends a block and its 5-byte trailer to out_; returns its handle (offset, size).
  std::pair<uint64_t, uint64_t> write_block(std::string_view contents);

  TableOptions options_;
  std::string out_;
  Block data_;
  Block index_;
  std::string last_key_;
  bool pending_index_ = false;  // a data block was flushed; its index entry waits for the next key
  std::pair<uint64_t, uint64_t> pending_handle_{0, 0};
  size_t num_entries_ = 0;
  bool finished_ = false;
};

/// A table read whole into memory. Opening verifies the footer magic, every block handle
/// against the file size, every block's masked CRC32C and trailer, every entry's bounds, and
/// that keys are strictly increasing; any failure throws Error(kDataLoss) with a message that
/// names the file, the block and the problem, e.g.
/// "model.ckpt.index: corrupted table: data block at offset 0 (size 953): block checksum
/// mismatch (stored 0x1234abcd, computed 0x0badf00d)".
///
/// Immutable after construction, so safe for concurrent reads. Keys and values are views into
/// the table's own buffer, valid while the Table lives.
class Table {
 public:
  /// Parses a table held in `bytes`; `file_name` is only used in messages.
  static Table parse(std::string bytes, std::string file_name);
  /// Reads and parses the file at `path`. Throws kNotFound "<path>; No such file or
  /// directory" when it does not exist.
  static Table open(const std::string& path);

  size_t size() const { return entries_.size(); }
  std::string_view key(size_t i) const;
  std::string_view value(size_t i) const;
  /// The index of `key`, or nullopt (binary search).
  std::optional<size_t> find(std::string_view key) const;
  const std::string& file_name() const { return file_name_; }

 private:
  struct Entry {
    uint64_t key_offset, key_size;      // in keys_
    uint64_t value_offset, value_size;  // in bytes_ (blocks are stored uncompressed)
  };
  std::string file_name_;
  std::string bytes_;
  std::string keys_;
  std::vector<Entry> entries_;

  friend class TableParser;
};

}  // namespace scopeflow::io
