// Builds the tree of name scopes spelled by a graph's op names (see scope_tree.h).
#include "scopeflow/naming/scope_tree.h"

#include <absl/container/flat_hash_map.h>

#include <cstdint>

#include "scopeflow/graph/graph.h"
#include "scopeflow/graph/handles.h"
#include "scopeflow/graph/variable.h"

namespace scopeflow {

std::vector<std::string_view> split_scope_path(std::string_view name) {
  std::vector<std::string_view> parts;
  if (name.empty()) return parts;
  size_t start = 0;
  for (size_t slash = name.find('/'); slash != std::string_view::npos;
       slash = name.find('/', start)) {
    parts.push_back(name.substr(start, slash - start));
    start = slash + 1;
  }
  parts.push_back(name.substr(start));
  return parts;
}

std::string_view scope_of_name(std::string_view name) {
  const size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : name.substr(0, slash);
}

std::string_view base_of_name(std::string_view name) {
  const size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

int ScopeNode::descendant_count() const {
  int n = 0;
  for (const ScopeNode& c : children) n += 1 + c.descendant_count();
  return n;
}

const ScopeNode* ScopeNode::find(std::string_view p) const {
  if (p == path) return this;
  for (const ScopeNode& c : children) {
    // A child's path is a prefix of `p` that ends at a component boundary.
    if (p.size() >= c.path.size() && p.compare(0, c.path.size(), c.path) == 0 &&
        (p.size() == c.path.size() || p[c.path.size()] == '/'))
      return c.find(p);
  }
  return nullptr;
}

namespace {

// Flat nodes while counting: views into the caller's names, children by index. A parent is
// always created before its children, so every child index is larger than its parent's.
struct FlatNode {
  std::string_view path;
  int parent = -1;
  int ops_here = 0;
  int ops_total = 0;
  int variables_here = 0;
  int variables_total = 0;
  std::vector<int> children;
};

class TreeBuilder {
 public:
  TreeBuilder() { nodes_.push_back(FlatNode{}); }

  // The node of scope `path`, created with its missing ancestors. Paths are views into names
  // that outlive the builder.
  int node_of(std::string_view path) {
    if (path.empty()) return 0;
    if (auto it = index_.find(path); it != index_.end()) return it->second;
    const int parent = node_of(scope_of_name(path));
    const int index = static_cast<int>(nodes_.size());
    FlatNode n;
    n.path = path;
    n.parent = parent;
    nodes_.push_back(std::move(n));
    nodes_[parent].children.push_back(index);
    index_.emplace(path, index);
    return index;
  }

  void add_op(std::string_view name) { ++nodes_[node_of(scope_of_name(name))].ops_here; }
  void add_variable(std::string_view op_name) {
    ++nodes_[node_of(scope_of_name(op_name))].variables_here;
  }

  ScopeNode finish() {
    for (FlatNode& n : nodes_) {
      n.ops_total += n.ops_here;
      n.variables_total += n.variables_here;
    }
    // Children have larger indices than parents: one reverse pass sums every subtree.
    for (size_t i = nodes_.size(); i-- > 1;) {
      FlatNode& p = nodes_[nodes_[i].parent];
      p.ops_total += nodes_[i].ops_total;
      p.variables_total += nodes_[i].variables_total;
    }
    return to_node(0);
  }

 private:
  ScopeNode to_node(int i) const {
    const FlatNode& f = nodes_[i];
    ScopeNode n;
    n.path = std::string(f.path);
    const size_t slash = f.path.rfind('/');
    n.name = std::string(slash == std::string_view::npos ? f.path : f.path.substr(slash + 1));
    n.ops_here = f.ops_here;
    n.ops_total = f.ops_total;
    n.variables_here = f.variables_here;
    n.variables_total = f.variables_total;
    n.children.reserve(f.children.size());
    for (int c : f.children) n.children.push_back(to_node(c));
    return n;
  }

  std::vector<FlatNode> nodes_;
  absl::flat_hash_map<std::string_view, int> index_;
};

}  // namespace

ScopeNode build_scope_tree(std::span<const std::string_view> op_names,
                           std::span<const std::string_view> variable_op_names) {
  TreeBuilder b;
  for (std::string_view name : op_names) b.add_op(name);
  for (std::string_view name : variable_op_names) b.add_variable(name);
  return b.finish();
}

ScopeNode build_scope_tree(const Graph& graph) {
  // Op and variable names are views into the graph's arena, which never moves.
  std::vector<std::string_view> op_names;
  const size_t num_ops = graph.num_operations();
  op_names.reserve(num_ops);
  for (size_t i = 0; i < num_ops; ++i) op_names.push_back(graph.operation(i).name());
  std::vector<std::string_view> variable_op_names;
  const size_t num_vars = graph.num_variables();
  variable_op_names.reserve(num_vars);
  for (size_t i = 0; i < num_vars; ++i)
    variable_op_names.push_back(Variable(&graph, static_cast<uint32_t>(i)).op().name());
  return build_scope_tree(op_names, variable_op_names);
}

}  // namespace scopeflow
