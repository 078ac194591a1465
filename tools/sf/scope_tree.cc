// The text form of the viewer: a graph's scope tree, folded below a depth, with op and
// variable counts per scope. The tree itself comes from the library (naming/scope_tree.h).
#include "scopeflow/naming/scope_tree.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "scopeflow/graph/graph.h"
#include "sf.h"

namespace scopeflow::tools {

namespace {

// One printed line of the tree.
struct Row {
  std::string label;  // tree-drawing prefix plus the scope's name
  const ScopeNode* node;
  int folded;  // scopes below `node` not shown
};

// Terminal columns taken by UTF-8 text whose characters are all one column wide (the
// box-drawing characters and ASCII names): count the bytes that start a character.
size_t display_width(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string display_name(const ScopeNode& n) {
  // A scope re-entered as "foo//" has an empty component; show it rather than nothing.
  return n.name.empty() ? std::string("\"\"") : n.name;
}

void collect(const ScopeNode& node, const std::string& indent, int level, int depth,
             std::vector<Row>& rows) {
  for (size_t i = 0; i < node.children.size(); ++i) {
    const ScopeNode& child = node.children[i];
    const bool last = i + 1 == node.children.size();
    const bool fold = level + 1 >= depth;
    rows.push_back({indent + (last ? "└── " : "├── ") + display_name(child), &child,
                    fold ? child.descendant_count() : 0});
    if (!fold) collect(child, indent + (last ? "    " : "│   "), level + 1, depth, rows);
  }
}

}  // namespace

void add_scope_tree_options(CLI::App& command, ScopeTreeOptions& options) {
  command
      .add_option("--depth", options.depth,
                  "Scope levels shown below the root; deeper scopes are folded (0: root only)")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& value) {
            // A non-number passes here and is rejected by CLI11's conversion to int.
            long long n = 0;
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            return ec == std::errc() && n < 0 ? "must be 0 or more, not " + value : std::string();
          },
          "NONNEGATIVE", "non-negative"));
}

void print_scope_tree(std::ostream& os, const Graph& graph, const ScopeTreeOptions& options) {
  print_scope_tree(os, build_scope_tree(graph), options);
}

void print_scope_tree(std::ostream& os, const ScopeNode& root, const ScopeTreeOptions& options) {
  std::vector<Row> rows;
  rows.push_back({root.path.empty() ? std::string("(root)") : root.path, &root,
                  options.depth <= 0 ? root.descendant_count() : 0});
  if (options.depth > 0) collect(root, "", 0, options.depth, rows);

  size_t name_width = std::string_view("scope").size();
  for (const Row& r : rows) name_width = std::max(name_width, display_width(r.label));
  const size_t ops_width = std::max<size_t>(3, std::to_string(root.ops_total).size());
  const size_t here_width = std::max<size_t>(4, std::to_string(root.ops_total).size());
  const size_t vars_width = std::max<size_t>(4, std::to_string(root.variables_total).size());

  auto pad = [&](const std::string& label) {
    return label + std::string(name_width - display_width(label), ' ');
  };
  os << pad("scope") << "  "
     << fmt::format("{:>{}}  {:>{}}  {:>{}}", "ops", ops_width, "here", here_width, "vars",
                    vars_width)
     << '\n';
  int folded = 0;
  for (const Row& r : rows) {
    os << pad(r.label) << "  "
       << fmt::format("{:>{}}  {:>{}}  {:>{}}", r.node->ops_total, ops_width, r.node->ops_here,
                      here_width, r.node->variables_total, vars_width);
    if (r.folded > 0)
      os << "  (+" << r.folded << (r.folded == 1 ? " scope" : " scopes") << " folded)";
    os << '\n';
    folded += r.folded;
  }
  os << fmt::format(
      "{} scopes, {} shown (depth {}), {} folded; ops = ops in and below a scope, here = ops "
      "directly in it, vars = variables in and below it.\n",
      root.descendant_count(), rows.size() - 1, options.depth, folded);
}

}  // namespace scopeflow::tools
