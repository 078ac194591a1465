// Seeing a graph: a self-contained HTML page that folds it by name scope, and Graphviz DOT.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scopeflow {

class Graph;

namespace viewer {

/// How a graph is folded for display. The defaults are TensorBoard's graph dashboard's.
struct FoldOptions {
  /// Ops of one type whose names number a series (`Add`, `Add_1` ... `Add_4`) are shown as one
  /// node `Add[0-4]` when the run of consecutive numbers is at least this long (TensorBoard's
  /// seriesNodeMinSize). 0 turns op series off.
  int series_min_size = 5;
  /// The same for sibling scopes (`tower_0`, `tower_1` become `tower[0-1]`). Scopes are
  /// grouped from two on: a scope is a whole sub-model, and repeated towers or layers are what
  /// a reader wants folded first. 0 turns scope series off.
  int scope_series_min_size = 2;
};

/// One box of the folded view: a name scope, or a series of ops or of scopes.
struct ViewGroup {
  enum class Kind : uint8_t {
    kScope,        ///< a name scope ("layer1"); the root is the scope ""
    kOpSeries,     ///< numbered ops of one type ("Add[0-5]"), all direct children of a scope
    kScopeSeries,  ///< numbered sibling scopes ("tower[0-1]")
  };
  Kind kind = Kind::kScope;
  /// Index of the enclosing group in ViewTree::groups; -1 for the root.
  int parent = -1;
  /// What the box shows: the scope's last component ("layer1"), or the series' name
  /// (`prefix[first-last]`, "Add[0-5]"); "" for the root.
  std::string label;
  /// The scope path ("a/b") for a scope; for a series, the enclosing scope's path joined with
  /// the label ("a/Add[0-5]"); "" for the root.
  std::string path;
  /// The ops shown in this group or below it: positions [first_op, end_op) of ViewTree::ops.
  uint32_t first_op = 0, end_op = 0;
  /// This group and the groups below it: [own index, end_group) of ViewTree::groups.
  uint32_t end_group = 0;
};

/// A graph's ops arranged for display: groups in depth-first pre-order, and the ops in the
/// matching order, so that every group's contents are one contiguous range of each list.
///
///   ops "x", "layer/w", "layer/w/read", "layer/MatMul", "Add" ... "Add_4" (type Add)
///   groups: "" (root), "layer", "layer/w", "Add[0-4]"
///   "layer/w" shows the op "layer/w" itself, drawn as "(w)" (TensorBoard does the same),
///   beside "layer/w/read".
struct ViewTree {
  std::vector<ViewGroup> groups;
  /// The graph's op indices in display order.
  std::vector<uint32_t> ops;
  /// For each position of `ops`: the index of the group that shows the op directly.
  std::vector<uint32_t> op_group;
};

/// Folds ops given by name and type (parallel spans, in creation order) as TensorBoard does:
/// scopes from the '/'-separated names (split as split_scope_path does), an op whose name is
/// itself a scope shown inside that scope, then series inside each scope: op leaf names
/// matching `^(\D*)_(\d+)$` give (prefix, number), other names (name, 0); ops of one type
/// and prefix with consecutive numbers form a series when the run is long enough, and so do
/// sibling scopes with one prefix. Children keep creation order (a group sits where its
/// first op was created).
ViewTree build_view_tree(std::span<const std::string_view> names,
                         std::span<const std::string_view> types, const FoldOptions& options = {});
/// The same over every op of `graph`. Reads the graph without locking: call it when no other
/// thread is adding ops.
ViewTree build_view_tree(const Graph& graph, const FoldOptions& options = {});

/// What a page shows besides the graph.
struct HtmlOptions {
  /// The page title and heading; "" gives "scopeflow graph".
  std::string title;
  FoldOptions fold;
};

/// One self-contained HTML page (the viewer's script, style and layout library, and the
/// graph's data, all inline; it fetches nothing) showing `graph` folded by scope. For each op
/// the page holds its name, type, inputs (data and control), device, attrs (as
/// attr_debug_string prints them) and outputs with dtype and shape.
std::string render_html(const Graph& graph, const HtmlOptions& options = {});

/// Writes render_html's page to `path` through a temporary file renamed into place
/// (io::write_file_atomically). Throws kNotFound "<path>; No such file or directory" when the
/// folder is missing, kFailedPrecondition when the file cannot be written.
void write_html(const Graph& graph, const std::string& path, const HtmlOptions& options = {});

/// Graphviz DOT of `graph`: every op a box labelled with its last name component and type,
/// one `cluster_<scope path>` subgraph per scope (nested as the scopes are; an op whose name
/// is a scope sits inside that scope's cluster), data edges solid, control edges dashed.
///
///   ops "x", "layer/MatMul" (input x) give
///   digraph "graph" {
///     ...
///     "x" [label="x\nPlaceholder"];
///     subgraph "cluster_layer" {
///       label="layer";
///       "layer/MatMul" [label="MatMul\nMatMul"];
///     }
///     "x" -> "layer/MatMul";
///   }
std::string render_dot(const Graph& graph);

/// Writes render_dot's text to `path` as write_html does.
void write_dot(const Graph& graph, const std::string& path);

}  // namespace viewer
}  // namespace scopeflow
