// Folds a graph's ops into scopes and series, as TensorBoard's graph dashboard groups them.
#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "scopeflow/base/error.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/graph/handles.h"
#include "scopeflow/naming/scope_tree.h"
#include "scopeflow/viewer/html.h"

namespace scopeflow::viewer {
namespace {

// A name's last component split as TensorBoard's `^(\D*)_(\d+)$`: "Add_3" is ("Add", 3),
// "foo_bar_12" is ("foo_bar", 12); "Add", "conv2d_1" (a digit in the prefix) and "x_" are
// (name, 0). The digits after the last '_' are the number; the part before holds no digit.
std::pair<std::string_view, int64_t> series_key(std::string_view leaf) {
  const size_t us = leaf.rfind('_');
  if (us == std::string_view::npos) return {leaf, 0};
  const std::string_view digits = leaf.substr(us + 1), prefix = leaf.substr(0, us);
  // Nine digits at most, so the number fits and stays exact.
  if (digits.empty() || digits.size() > 9) return {leaf, 0};
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return {leaf, 0};
  if (std::any_of(prefix.begin(), prefix.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return {leaf, 0};
  int64_t n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return {prefix, n};
}

std::string join_path(std::string_view parent, std::string_view leaf) {
  if (parent.empty()) return std::string(leaf);
  std::string s(parent);
  s += '/';
  s += leaf;
  return s;
}

// A scope while folding: its path is a view into an op name that outlives the builder.
struct ScopeRec {
  std::string_view path;
  uint32_t first = 0;         // creation index of the first op in or below it: its place
  std::vector<int> scopes;    // child scopes, in order of first appearance
  std::vector<uint32_t> ops;  // ops shown directly in it, in creation order
};

// What a group shows directly, before it is emitted: an op, a scope, or a run of either.
struct Item {
  enum Kind { kOp, kScope, kOpSeries, kScopeSeries } kind;
  uint32_t order;                 // creation index of its first op: items are shown in it
  std::vector<uint32_t> members;  // ops (kOp, kOpSeries) or scopes, by series number
  std::string label;              // a series' label
};

// Candidates for one series: (number, place, member) where the place is the member's
// creation order and the member an op or scope index.
struct Candidates {
  std::string_view prefix;
  std::vector<std::tuple<int64_t, uint32_t, uint32_t>> numbered;
};

class Folder {
 public:
  Folder(std::span<const std::string_view> names, std::span<const std::string_view> types,
         const FoldOptions& options)
      : names_(names), types_(types), options_(options) {
    scopes_.push_back(ScopeRec{});
    index_[std::string_view()] = 0;
  }

  ViewTree fold() {
    for (uint32_t i = 0; i < names_.size(); ++i) scope_of(scope_of_name(names_[i]), i);
    // An op named like a scope ("w" beside "w/read") is shown inside it, as TensorBoard does.
    // Such a scope takes its place from that op when it was created first.
    for (uint32_t i = 0; i < names_.size(); ++i) {
      const auto it = index_.find(names_[i]);
      const int s = it != index_.end() ? it->second : index_.at(scope_of_name(names_[i]));
      scopes_[s].ops.push_back(i);
      scopes_[s].first = std::min(scopes_[s].first, i);
    }
    tree_.ops.reserve(names_.size());
    tree_.op_group.reserve(names_.size());
    emit_scope(0, -1);
    return std::move(tree_);
  }

 private:
  // The scope `path`, created with its missing ancestors when op `op` is the first in it.
  int scope_of(std::string_view path, uint32_t op) {
    if (auto it = index_.find(path); it != index_.end()) return it->second;
    const int parent = scope_of(scope_of_name(path), op);
    const int s = static_cast<int>(scopes_.size());
    scopes_.push_back(ScopeRec{.path = path, .first = op});
    scopes_[parent].scopes.push_back(s);
    index_.emplace(path, s);
    return s;
  }

  // Splits candidates into runs of consecutive numbers; long enough runs become series items,
  // the rest single items of `single` kind.
  static void add_runs(Candidates& c, int min_size, Item::Kind single, Item::Kind series,
                       std::vector<Item>& items) {
    std::sort(c.numbered.begin(), c.numbered.end());
    const size_t n = c.numbered.size();
    for (size_t begin = 0, end; begin < n; begin = end) {
      end = begin + 1;
      while (end < n && std::get<0>(c.numbered[end]) == std::get<0>(c.numbered[end - 1]) + 1) ++end;
      if (min_size > 0 && end - begin >= static_cast<size_t>(min_size)) {
        Item item{series, UINT32_MAX, {}, {}};
        for (size_t k = begin; k < end; ++k) {
          item.order = std::min(item.order, std::get<1>(c.numbered[k]));
          item.members.push_back(std::get<2>(c.numbered[k]));
        }
        item.label = std::string(c.prefix) + "[" + std::to_string(std::get<0>(c.numbered[begin])) +
                     "-" + std::to_string(std::get<0>(c.numbered[end - 1])) + "]";
        items.push_back(std::move(item));
      } else {
        for (size_t k = begin; k < end; ++k)
          items.push_back(
              Item{single, std::get<1>(c.numbered[k]), {std::get<2>(c.numbered[k])}, {}});
      }
    }
  }

  // What scope `s` shows directly, in creation order.
  std::vector<Item> items_of(int s) {
    const ScopeRec& rec = scopes_[s];
    std::vector<Item> items;
    // Ops: candidates per (type, prefix); the op named like the scope stays alone. The
    // vectors keep first-seen order, so the output does not depend on hashing.
    absl::flat_hash_map<std::pair<std::string_view, std::string_view>, size_t> op_index;
    std::vector<Candidates> op_runs;
    for (uint32_t op : rec.ops) {
      if (names_[op] == rec.path) {
        items.push_back(Item{Item::kOp, op, {op}, {}});
        continue;
      }
      const auto [prefix, number] = series_key(base_of_name(names_[op]));
      const auto [it, added] = op_index.try_emplace({types_[op], prefix}, op_runs.size());
      if (added) op_runs.push_back(Candidates{prefix, {}});
      op_runs[it->second].numbered.emplace_back(number, op, op);
    }
    for (Candidates& c : op_runs)
      add_runs(c, options_.series_min_size, Item::kOp, Item::kOpSeries, items);
    // Scopes: candidates per prefix.
    absl::flat_hash_map<std::string_view, size_t> scope_index;
    std::vector<Candidates> scope_runs;
    for (int sub : rec.scopes) {
      const auto [prefix, number] = series_key(base_of_name(scopes_[sub].path));
      const auto [it, added] = scope_index.try_emplace(prefix, scope_runs.size());
      if (added) scope_runs.push_back(Candidates{prefix, {}});
      scope_runs[it->second].numbered.emplace_back(number, scopes_[sub].first,
                                                   static_cast<uint32_t>(sub));
    }
    for (Candidates& c : scope_runs)
      add_runs(c, options_.scope_series_min_size, Item::kScope, Item::kScopeSeries, items);
    // Every item starts at a distinct op, so this order is total.
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return a.order < b.order; });
    return items;
  }

  uint32_t open_group(ViewGroup::Kind kind, int parent, std::string label, std::string path) {
    const auto g = static_cast<uint32_t>(tree_.groups.size());
    tree_.groups.push_back(ViewGroup{.kind = kind,
                                     .parent = parent,
                                     .label = std::move(label),
                                     .path = std::move(path),
                                     .first_op = static_cast<uint32_t>(tree_.ops.size())});
    return g;
  }
  void close_group(uint32_t g) {
    tree_.groups[g].end_op = static_cast<uint32_t>(tree_.ops.size());
    tree_.groups[g].end_group = static_cast<uint32_t>(tree_.groups.size());
  }
  void show_op(uint32_t op, uint32_t g) {
    tree_.ops.push_back(op);
    tree_.op_group.push_back(g);
  }

  void emit_scope(int s, int parent) {
    const std::string_view path = scopes_[s].path;
    const uint32_t g = open_group(ViewGroup::Kind::kScope, parent, std::string(base_of_name(path)),
                                  std::string(path));
    for (Item& item : items_of(s)) {
      switch (item.kind) {
        case Item::kOp:
          show_op(item.members[0], g);
          break;
        case Item::kScope:
          emit_scope(static_cast<int>(item.members[0]), static_cast<int>(g));
          break;
        case Item::kOpSeries: {
          const uint32_t series = open_group(ViewGroup::Kind::kOpSeries, static_cast<int>(g),
                                             item.label, join_path(path, item.label));
          for (uint32_t op : item.members) show_op(op, series);
          close_group(series);
          break;
        }
        case Item::kScopeSeries: {
          const uint32_t series = open_group(ViewGroup::Kind::kScopeSeries, static_cast<int>(g),
                                             item.label, join_path(path, item.label));
          for (uint32_t sub : item.members)
            emit_scope(static_cast<int>(sub), static_cast<int>(series));
          close_group(series);
          break;
        }
      }
    }
    close_group(g);
  }

  std::span<const std::string_view> names_, types_;
  FoldOptions options_;
  std::vector<ScopeRec> scopes_;
  absl::flat_hash_map<std::string_view, int> index_;
  ViewTree tree_;
};

}  // namespace

ViewTree build_view_tree(std::span<const std::string_view> names,
                         std::span<const std::string_view> types, const FoldOptions& options) {
  SF_CHECK(names.size() == types.size(), "build_view_tree: one type per name");
  return Folder(names, types, options).fold();
}

ViewTree build_view_tree(const Graph& graph, const FoldOptions& options) {
  const size_t n = graph.num_operations();
  std::vector<std::string_view> names(n), types(n);
  for (size_t i = 0; i < n; ++i) {
    const Operation op = graph.operation(i);
    names[i] = op.name();
    types[i] = op.type();
  }
  return build_view_tree(names, types, options);
}

}  // namespace scopeflow::viewer
