// What the sf tool's files share: the Command shape every subcommand has, and the folded
// scope-tree printer that `demo` uses now and `inspect`/`view` will use later.
#pragma once

#include <functional>
#include <iosfwd>

namespace CLI {
class App;
}  // namespace CLI

namespace scopeflow {

class Graph;
struct ScopeNode;

namespace tools {

/// One subcommand: its CLI11 node (owned by the parent App) and what runs when it was given.
/// `run` returns the process exit code; it may throw scopeflow::Error or std::exception,
/// which main() reports as "sf <command>: error: ..." with exit code 1.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

/// Registers `sf demo` (the TF1 naming seed examples, then the combined graph's scope tree).
Command add_demo_command(CLI::App& parent);

/// Registers `sf ckpt` (list, diff, rename: V2 checkpoints; tools/sf/ckpt.cc).
Command add_ckpt_command(CLI::App& parent);

/// Registers `sf view` (a graph file as a self-contained HTML page or DOT; tools/sf/view.cc).
Command add_view_command(CLI::App& parent);

/// How print_scope_tree folds a tree.
struct ScopeTreeOptions {
  /// Levels shown below the root (1 = top-level scopes only, 0 = the root line only); deeper
  /// scopes are folded into a "+N scopes folded" note on their last shown ancestor.
  int depth = 2;
};

/// `sf demo`'s training run: trains the shared-weight two-tower model, prints progress, the
/// scope tree and the variables. Returns 0 when the loss ends below its threshold.
int run_train_demo(const ScopeTreeOptions& options);

/// Adds the options of ScopeTreeOptions (`--depth N`) to a subcommand that prints a tree.
void add_scope_tree_options(CLI::App& command, ScopeTreeOptions& options);

/// Prints the scope tree of `graph` (scopeflow::build_scope_tree): one line per shown scope
/// with its op count (in and below it), ops directly in it, and variable count, children
/// indented with tree-drawing characters, deep levels folded; then a one-line summary.
void print_scope_tree(std::ostream& os, const Graph& graph, const ScopeTreeOptions& options);
/// The same for a tree already built (a zoomed-in subtree prints its path as the first line).
void print_scope_tree(std::ostream& os, const ScopeNode& root, const ScopeTreeOptions& options);

/// Registers `sf inspect FILE`: the scope tree and variables of a GraphDef, MetaGraph, event
/// file or checkpoint.
Command add_inspect_command(CLI::App& parent);

}  // namespace tools
}  // namespace scopeflow
