// The graph-wide, case-insensitive registry of used names (TF's Graph._names_in_use).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "scopeflow/base/arena.h"

namespace scopeflow {

/// Decides uniqueness for op and name-scope names exactly as TF 1.15's Graph.unique_name:
/// keys compare case-insensitively, a generated `foo_1` is itself reserved (so asking for
/// `foo_1` later gives `foo_1_1`), and the table never shrinks. Every returned name is
/// interned in the table's arena and stays valid as long as the table.
/// Not thread-safe: the owning Graph locks around it.
///
///   t.unique("foo", true);    // "foo"
///   t.unique("Foo", true);    // "Foo_1"
///   t.unique("foo_1", true);  // "foo_1_1"
class NameTable {
 public:
  static constexpr uint32_t kNoNode = UINT32_MAX;

  explicit NameTable(internal::Arena* arena) : arena_(arena) {}

  /// TF's unique_name on a full name (the caller has already prefixed the name stack).
  /// With mark_as_used the result (and the base name's counter) is reserved, and bound to
  /// the op `node` when one is given (saving a second lookup).
  std::string_view unique(std::string_view name, bool mark_as_used, uint32_t node = kNoNode);
  /// Whether `name` is reserved (case-insensitively).
  bool contains(std::string_view name) const { return map_.contains(key_of(name)); }
  /// Records that the op `node` carries exactly the reserved name `name`; false when the
  /// reserved key differs in case or already names another op.
  bool bind_node(std::string_view name, uint32_t node);
  /// The op whose name is exactly `name` among reserved names, or kNoNode.
  uint32_t node_of(std::string_view name) const;
  size_t size() const { return map_.size(); }

 private:
  struct Entry {
    uint32_t count = 0;  // TF's counter for this key
    uint32_t hint = 0;   // every suffix in [count at the last scan, hint) is known taken
    uint32_t node = kNoNode;
  };
  // A key carries its case-folded hash, so growing the table never re-reads the names
  // (which live in the arena, far from the table): 16 bytes, like a string_view.
  struct Key {
    const char* data;
    uint32_t size;
    uint32_t hash;
    std::string_view view() const { return {data, size}; }
  };
  static uint32_t fold_hash(std::string_view s);
  static bool fold_equal(std::string_view a, std::string_view b);
  static Key key_of(std::string_view s) {
    return {s.data(), static_cast<uint32_t>(s.size()), fold_hash(s)};
  }
  struct FoldHash {
    using is_transparent = void;
    size_t operator()(const Key& k) const { return k.hash; }
    size_t operator()(std::string_view s) const { return fold_hash(s); }
  };
  struct FoldEq {
    using is_transparent = void;
    bool operator()(const Key& a, const Key& b) const {
      return a.hash == b.hash && fold_equal(a.view(), b.view());
    }
    bool operator()(const Key& a, std::string_view b) const { return fold_equal(a.view(), b); }
    bool operator()(std::string_view a, const Key& b) const { return fold_equal(a, b.view()); }
  };

  std::string_view scan(Entry& base, std::string_view name, uint64_t prefix_state,
                        bool mark_as_used, uint32_t node);

  internal::Arena* arena_;
  Key store(const Key& k) const { return {arena_->store(k.view()).data(), k.size, k.hash}; }

  absl::flat_hash_map<Key, Entry, FoldHash, FoldEq> map_;
  std::string scratch_;
};

}  // namespace scopeflow
