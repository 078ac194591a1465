// The tree of name scopes a graph's op names spell out: the one definition of "a scope" that
// the sf tool and the viewer fold graphs by.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scopeflow {

class Graph;

/// Splits a full op name into its '/'-separated components, kept as views into `name`:
/// "a/b/Add" gives {"a", "b", "Add"}, "Const" gives {"Const"}, "" gives {}. Empty components
/// are kept ("foo5//Const", made by re-entering the scope "foo5//", gives {"foo5", "", "Const"}),
/// so joining the components with '/' always gives `name` back.
std::vector<std::string_view> split_scope_path(std::string_view name);

/// The name scope an op lives in: its name up to the last '/' ("" for a top-level op).
///
///   scope_of_name("layer/MatMul");   // "layer"
///   scope_of_name("layer/w/read");   // "layer/w"
///   scope_of_name("Const");          // ""
std::string_view scope_of_name(std::string_view name);

/// The last component of a name: what follows the last '/' (TF's name.split("/")[-1]).
///
///   base_of_name("root/towerA");  // "towerA"
///   base_of_name("w");            // "w"
std::string_view base_of_name(std::string_view name);

/// One name scope of a graph, with what lives in it and below it. A scope is every proper
/// prefix of an op name that ends just before a '/': the op "a/b/Add" lies in scope "a/b",
/// which is a child of "a", which is a child of the root (path ""). An op's own name is a
/// scope only when other ops are named under it ("w" is a scope when "w/read" exists).
///
/// A plain value: it owns its strings and children and refers to no graph.
///
///   ops "Const", "a/Const", "a/w", "a/b/Add", "a/b/Add/y"; the variable "a/w:0" (op "a/w")
///   root:     ops_here 1 ("Const"), ops_total 5, variables_total 1
///   a:        ops_here 2 ("a/Const", "a/w"), ops_total 4, variables_here 1
///   a/b:      ops_here 1 ("a/b/Add"), ops_total 2
///   a/b/Add:  ops_here 1 ("a/b/Add/y"), ops_total 1
struct ScopeNode {
  /// The last component of the path ("b" for "a/b"); "" for the root.
  std::string name;
  /// The full scope path without trailing slash ("a/b"); "" for the root.
  std::string path;
  /// Ops whose scope (scope_of_name) is exactly this one.
  int ops_here = 0;
  /// Ops in this scope or any scope below it.
  int ops_total = 0;
  /// Variables whose variable op lies directly in this scope: the variable "a/w:0" (op "a/w")
  /// counts in "a", beside its op.
  int variables_here = 0;
  /// Variables in this scope or any scope below it.
  int variables_total = 0;
  /// Sub-scopes, in the order of the first op created in or below each.
  std::vector<ScopeNode> children;

  /// Number of scopes strictly below this one (children, their children, ...).
  int descendant_count() const;
  /// The node with the given path below (or at) this one, or nullptr.
  const ScopeNode* find(std::string_view path) const;
};

/// Builds the scope tree of a list of op names, counting each op under its scope and every
/// ancestor of it. `variable_op_names` are the names of the variables' ops (a variable
/// "a/w:0" has op "a/w"); each counts in scope_of_name of that name and its ancestors.
/// Names need not be unique: every entry counts once. (Op names never start with '/', TF's
/// op-name pattern forbids it; a leading '/' here is read as the root.)
ScopeNode build_scope_tree(std::span<const std::string_view> op_names,
                           std::span<const std::string_view> variable_op_names);

/// The scope tree of every operation of `graph`, in creation order, and of every variable
/// it holds (get_variable and tf.Variable alike, in any collection or none). Reads the graph
/// without locking: call it when no other thread is adding ops.
ScopeNode build_scope_tree(const Graph& graph);

}  // namespace scopeflow
