// NameTable: TF 1.15's unique_name with case folding, made linear by a per-key scan hint.
#include "scopeflow/naming/name_table.h"

#include <absl/hash/hash.h>

#include <algorithm>

namespace scopeflow {

namespace {
inline char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
}  // namespace

size_t NameTable::FoldHash::operator()(std::string_view s) const {
  // FNV-1a over the folded bytes, finished by absl's mixer.
  uint64_t h = 1469598103934665603ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(fold(c))) * 1099511628211ull;
  return absl::HashOf(h);
}

bool NameTable::FoldEq::operator()(std::string_view a, std::string_view b) const {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (fold(a[i]) != fold(b[i])) return false;
  return true;
}

std::string_view NameTable::unique(std::string_view name, bool mark_as_used) {
  auto it = map_.find(name);
  const uint32_t i = it == map_.end() ? 0 : it->second.count;
  if (i == 0) {
    std::string_view stored = arena_->store(name);
    if (mark_as_used) map_.emplace(stored, Entry{1, 1, kNoNode});
    return stored;
  }
  if (mark_as_used) it->second.count = i + 1;
  // TF scans name_1, name_2, ... from the counter for the first free key. Keys only ever get
  // added, so a scan's result stays a lower bound for later scans of the same base: `hint`.
  uint32_t j = std::max(i, it->second.hint);
  scratch_.assign(name);
  scratch_ += '_';
  const size_t base_len = scratch_.size();
  for (;; ++j) {
    scratch_.resize(base_len);
    scratch_ += std::to_string(j);
    if (!map_.contains(std::string_view(scratch_))) break;
  }
  std::string_view result = arena_->store(scratch_);
  // Re-find: the map may not have been touched, but keep the pointer logic simple and safe.
  map_.find(name)->second.hint = mark_as_used ? j + 1 : j;
  if (mark_as_used) map_.emplace(result, Entry{1, 1, kNoNode});
  return result;
}

bool NameTable::bind_node(std::string_view name, uint32_t node) {
  auto it = map_.find(name);
  if (it == map_.end() || it->first != name || it->second.node != kNoNode) return false;
  it->second.node = node;
  return true;
}

uint32_t NameTable::node_of(std::string_view name) const {
  auto it = map_.find(name);
  if (it == map_.end() || it->first != name) return kNoNode;
  return it->second.node;
}

}  // namespace scopeflow
