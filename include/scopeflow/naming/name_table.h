// The graph-wide, case-insensitive registry of used names (TF's Graph._names_in_use).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <absl/container/flat_hash_map.h>

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
  bool contains(std::string_view name) const { return map_.contains(name); }
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
  struct FoldHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  struct FoldEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };

  std::string_view scan(Entry& base, std::string_view name, bool mark_as_used, uint32_t node);

  internal::Arena* arena_;
  absl::flat_hash_map<std::string_view, Entry, FoldHash, FoldEq> map_;
  std::string scratch_;
};

}  // namespace scopeflow
