// LevelDB table format (TF's lib/io/table_builder.cc and format.h, restated in
// ../shared/formats.md §3): writer and verifying reader.
#include "scopeflow/io/table.h"

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

constexpr uint64_t kTableMagic = 0xdb4775248b80fb57ull;
constexpr size_t kFooterSize = 48;       // two handles padded to 40 bytes, then the magic
constexpr size_t kBlockTrailerSize = 5;  // compression type + masked CRC32C
constexpr size_t kMaxHandleSize = 20;    // two varint64s
constexpr uint8_t kNoCompression = 0;
constexpr uint8_t kSnappyCompression = 1;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_fixed32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 4);
}

uint32_t get_fixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

uint64_t get_fixed64(const char* p) {
  return uint64_t(get_fixed32(p)) | (uint64_t(get_fixed32(p + 4)) << 32);
}

// Decodes a varint of at most `max_bits` bits from [*p, end); false when truncated or too long.
bool get_varint(const char*& p, const char* end, uint64_t& v, int max_bits = 64) {
  v = 0;
  for (int shift = 0; shift < max_bits && p < end; shift += 7) {
    const uint64_t b = static_cast<unsigned char>(*p++);
    v |= (b & 0x7f) << shift;
    if (!(b & 0x80)) return max_bits == 64 || v >> max_bits == 0;
  }
  return false;
}

void put_handle(std::string& out, std::pair<uint64_t, uint64_t> h) {
  put_varint(out, h.first);
  put_varint(out, h.second);
}

// TF/LevelDB's BytewiseComparator::FindShortestSeparator: a short key in [start, limit).
std::string shortest_separator(std::string start, std::string_view limit) {
  const size_t n = std::min(start.size(), limit.size());
  size_t diff = 0;
  while (diff < n && start[diff] == limit[diff]) ++diff;
  if (diff < n) {
    const auto byte = static_cast<uint8_t>(start[diff]);
    if (byte < 0xff && byte + 1 < static_cast<uint8_t>(limit[diff])) {
      start[diff] = static_cast<char>(byte + 1);
      start.resize(diff + 1);
    }
  }
  return start;
}

// BytewiseComparator::FindShortSuccessor: a short key >= `key`.
std::string short_successor(std::string key) {
  for (size_t i = 0; i < key.size(); ++i) {
    const auto byte = static_cast<uint8_t>(key[i]);
    if (byte != 0xff) {
      key[i] = static_cast<char>(byte + 1);
      key.resize(i + 1);
      return key;
    }
  }
  return key;  // all 0xff: no shorter successor
}

std::string read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw Error(err == ENOENT ? Code::kNotFound : Code::kFailedPrecondition,
                fmt::format("{}; {}", path, std::strerror(err)));
  }
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw Error(Code::kFailedPrecondition, fmt::format("{}; {}", path, std::strerror(err)));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace

// ---- TableBuilder ----

void TableBuilder::Block::add(std::string_view key, std::string_view value) {
  size_t shared = 0;
  if (counter_ < interval_) {
    const size_t n = std::min(last_key_.size(), key.size());
    while (shared < n && last_key_[shared] == key[shared]) ++shared;
  } else {
    restarts_.push_back(static_cast<uint32_t>(buf_.size()));
    counter_ = 0;
  }
  put_varint(buf_, shared);
  put_varint(buf_, key.size() - shared);
  put_varint(buf_, value.size());
  buf_.append(key.substr(shared));
  buf_.append(value);
  last_key_.assign(key);
  ++counter_;
}

std::string TableBuilder::Block::finish() {
  std::string out = std::move(buf_);
  for (uint32_t r : restarts_) put_fixed32(out, r);
  put_fixed32(out, static_cast<uint32_t>(restarts_.size()));
  buf_.clear();
  restarts_.assign(1, 0);
  counter_ = 0;
  last_key_.clear();
  return out;
}

TableBuilder::TableBuilder(TableOptions options)
    : options_(options), data_(options.restart_interval), index_(1) {}

void TableBuilder::add(std::string_view key, std::string_view value) {
  if (finished_) throw Error(Code::kFailedPrecondition, "TableBuilder::add after finish");
  if (num_entries_ > 0 && key <= std::string_view(last_key_))
    throw Error(
        Code::kInvalidArgument,
        fmt::format("table keys must be strictly increasing: '{}' after '{}'", key, last_key_));
  if (pending_index_) {
    std::string handle;
    put_handle(handle, pending_handle_);
    index_.add(shortest_separator(last_key_, key), handle);
    pending_index_ = false;
  }
  data_.add(key, value);
  last_key_.assign(key);
  ++num_entries_;
  if (data_.size_estimate() >= options_.block_size) flush_data_block();
}

void TableBuilder::flush_data_block() {
  if (data_.empty()) return;
  pending_handle_ = write_block(data_.finish());
  pending_index_ = true;
}

std::pair<uint64_t, uint64_t> TableBuilder::write_block(std::string_view contents) {
  const uint64_t offset = out_.size();
  out_.append(contents);
  const char type = static_cast<char>(kNoCompression);
  out_.push_back(type);
  uint32_t crc = crc32c_extend(crc32c(contents.data(), contents.size()), &type, 1);
  put_fixed32(out_, mask_crc(crc));
  return {offset, contents.size()};
}

std::string TableBuilder::finish() {
  if (finished_) throw Error(Code::kFailedPrecondition, "TableBuilder::finish called twice");
  flush_data_block();
  finished_ = true;
  const auto metaindex = write_block(Block(options_.restart_interval).finish());
  if (pending_index_) {
    std::string handle;
    put_handle(handle, pending_handle_);
    index_.add(short_successor(last_key_), handle);
    pending_index_ = false;
  }
  const auto index = write_block(index_.finish());
  std::string footer;
  put_handle(footer, metaindex);
  put_handle(footer, index);
  footer.resize(2 * kMaxHandleSize, '\0');
  put_fixed32(footer, static_cast<uint32_t>(kTableMagic));
  put_fixed32(footer, static_cast<uint32_t>(kTableMagic >> 32));
  out_.append(footer);
  return std::move(out_);
}

// ---- Table (reader) ----

// Parses and verifies a table; fills a Table's key arena and entry list.
class TableParser {
 public:
  TableParser(Table& t) : t_(t), data_(t.bytes_.data()), size_(t.bytes_.size()) {}

  void parse() {
    if (size_ < kFooterSize)
      fail(
          fmt::format("file is too short to be a table ({} bytes; a table ends with a {}-byte "
                      "footer)",
                      size_, kFooterSize));
    const char* footer = data_ + size_ - kFooterSize;
    const uint64_t magic = get_fixed64(footer + 2 * kMaxHandleSize);
    if (magic != kTableMagic)
      fail(
          fmt::format("not an sstable (bad magic number 0x{:016x} in the footer at offset {}, "
                      "expected 0x{:016x})",
                      magic, size_ - 8, kTableMagic));
    const char* p = footer;
    const char* end = footer + 2 * kMaxHandleSize;
    uint64_t meta_off, meta_size, index_off, index_size;
    if (!get_varint(p, end, meta_off) || !get_varint(p, end, meta_size) ||
        !get_varint(p, end, index_off) || !get_varint(p, end, index_size))
      fail(fmt::format("bad block handle in the footer at offset {}", size_ - kFooterSize));

    // The metaindex (filter names in LevelDB; empty in TF bundles) must still be well formed.
    std::string_view meta = read_block("metaindex block", meta_off, meta_size);
    for_each_entry(meta, "metaindex block", meta_off, [](auto, auto, auto) {});

    std::string_view index = read_block("index block", index_off, index_size);
    std::string prev_index_key;
    bool first_index = true;
    for_each_entry(
        index, "index block", index_off,
        [&](std::string_view index_key, std::string_view handle, uint64_t) {
          if (!first_index && index_key <= std::string_view(prev_index_key))
            fail(fmt::format("index block at offset {}: keys out of order ('{}' after '{}')",
                             index_off, index_key, prev_index_key));
          first_index = false;
          prev_index_key.assign(index_key);
          const char* hp = handle.data();
          const char* he = hp + handle.size();
          uint64_t off, sz;
          if (!get_varint(hp, he, off) || !get_varint(hp, he, sz) || hp != he)
            fail(fmt::format("index block at offset {}: bad block handle for key '{}'", index_off,
                             index_key));
          read_data_block(index_key, off, sz);
        });
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(Code::kDataLoss, fmt::format("{}: corrupted table: {}", t_.file_name_, problem));
  }

  // The contents of the block at [offset, offset + size), its trailer checked.
  std::string_view read_block(const char* what, uint64_t offset, uint64_t size) {
    const uint64_t limit = size_ - kFooterSize;  // blocks lie before the footer
    if (offset > limit || size > limit - offset || limit - offset - size < kBlockTrailerSize)
      fail(
          fmt::format("{} at offset {} (size {}) extends past the end of the blocks (the "
                      "footer starts at {})",
                      what, offset, size, limit));
    const char* b = data_ + offset;
    const char* trailer = b + size;
    const uint32_t stored = unmask_crc(get_fixed32(trailer + 1));
    const uint32_t computed = crc32c_extend(crc32c(b, size), trailer, 1);
    if (stored != computed)
      fail(
          fmt::format("{} at offset {} (size {}): block checksum mismatch (stored 0x{:08x}, "
                      "computed 0x{:08x})",
                      what, offset, size, stored, computed));
    const auto type = static_cast<uint8_t>(*trailer);
    if (type == kSnappyCompression)
      fail(
          fmt::format("{} at offset {} (size {}) is snappy-compressed, which checkpoint "
                      "indexes never are and this reader does not support",
                      what, offset, size));
    if (type != kNoCompression)
      fail(fmt::format("{} at offset {} (size {}): unknown compression type {}", what, offset, size,
                       type));
    return {b, size};
  }

  // Calls f(key, value, value_offset_in_file) for every entry of a block.
  template <typename F>
  void for_each_entry(std::string_view block, const char* what, uint64_t offset, F&& f) {
    if (block.size() < 4)
      fail(fmt::format("{} at offset {} (size {}) is too small for its restart count", what, offset,
                       block.size()));
    const uint64_t num_restarts = get_fixed32(block.data() + block.size() - 4);
    const uint64_t max_restarts = (block.size() - 4) / 4;
    if (num_restarts > max_restarts || (num_restarts == 0 && block.size() > 4))
      fail(fmt::format("{} at offset {} (size {}): bad restart count {}", what, offset,
                       block.size(), num_restarts));
    const size_t entries_end = block.size() - 4 - 4 * num_restarts;
    for (uint64_t r = 0; r < num_restarts; ++r) {
      const uint32_t at = get_fixed32(block.data() + entries_end + 4 * r);
      if (at > entries_end || (at == entries_end && entries_end != 0))
        fail(
            fmt::format("{} at offset {} (size {}): restart point {} at {} is outside the "
                        "entries",
                        what, offset, block.size(), r, at));
    }
    const char* p = block.data();
    const char* end = block.data() + entries_end;
    std::string key;
    while (p < end) {
      const uint64_t at = static_cast<uint64_t>(p - block.data());
      uint64_t shared, non_shared, value_size;
      if (!get_varint(p, end, shared, 32) || !get_varint(p, end, non_shared, 32) ||
          !get_varint(p, end, value_size, 32))
        fail(fmt::format("{} at offset {}: entry at block offset {} has a truncated header", what,
                         offset, at));
      if (shared > key.size())
        fail(
            fmt::format("{} at offset {}: entry at block offset {} shares {} key bytes but the "
                        "previous key has {}",
                        what, offset, at, shared, key.size()));
      if (non_shared > static_cast<uint64_t>(end - p) ||
          value_size > static_cast<uint64_t>(end - p) - non_shared)
        fail(
            fmt::format("{} at offset {}: entry at block offset {} runs past the block's "
                        "entries",
                        what, offset, at));
      key.resize(shared);
      key.append(p, non_shared);
      p += non_shared;
      f(std::string_view(key), std::string_view(p, value_size), static_cast<uint64_t>(p - data_));
      p += value_size;
    }
  }

  void read_data_block(std::string_view index_key, uint64_t offset, uint64_t size) {
    std::string_view block = read_block("data block", offset, size);
    for_each_entry(
        block, "data block", offset,
        [&](std::string_view key, std::string_view value, uint64_t value_offset) {
          if (!t_.entries_.empty()) {
            const Table::Entry& prev = t_.entries_.back();
            const std::string_view prev_key(t_.keys_.data() + prev.key_offset, prev.key_size);
            if (key <= prev_key)
              fail(fmt::format("data block at offset {}: keys out of order ('{}' after '{}')",
                               offset, key, prev_key));
          }
          if (key > index_key)
            fail(fmt::format("data block at offset {}: key '{}' sorts after its index key '{}'",
                             offset, key, index_key));
          const uint64_t key_offset = t_.keys_.size();
          t_.keys_.append(key);
          t_.entries_.push_back({key_offset, key.size(), value_offset, value.size()});
        });
  }

  Table& t_;
  const char* data_;
  size_t size_;
};

Table Table::parse(std::string bytes, std::string file_name) {
  Table t;
  t.file_name_ = std::move(file_name);
  t.bytes_ = std::move(bytes);
  TableParser(t).parse();
  return t;
}

Table Table::open(const std::string& path) { return parse(read_whole_file(path), path); }

std::string_view Table::key(size_t i) const {
  const Entry& e = entries_[i];
  return {keys_.data() + e.key_offset, static_cast<size_t>(e.key_size)};
}

std::string_view Table::value(size_t i) const {
  const Entry& e = entries_[i];
  return {bytes_.data() + e.value_offset, static_cast<size_t>(e.value_size)};
}

std::optional<size_t> Table::find(std::string_view k) const {
  size_t lo = 0, hi = entries_.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (key(mid) < k)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < entries_.size() && key(lo) == k) return lo;
  return std::nullopt;
}

}  // namespace scopeflow::io
