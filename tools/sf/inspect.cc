// `sf inspect FILE`: what a graph file or a checkpoint holds, folded by name scope. FILE is a
// GraphDef (binary or text), a MetaGraph, a TensorBoard event file, or a checkpoint (its
// prefix, or its .index file).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scopeflow/base/error.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/io/checkpoint.h"
#include "scopeflow/io/graph_file.h"
#include "scopeflow/naming/scope_tree.h"
#include "sf.h"

namespace scopeflow::tools {
namespace {

struct InspectOptions {
  std::string file;
  std::string scope;  // zoom: only this scope and what is below it
  ScopeTreeOptions tree;
};

// One variable line: name, shape, dtype.
struct VariableRow {
  std::string name, shape, dtype;
};

bool is_variable_op(std::string_view type) {
  return type == "VariableV2" || type == "Variable" || type == "VarHandleOp";
}

// "a/b" selects "a/b" itself and everything under "a/b/".
bool in_scope(std::string_view name, std::string_view scope) {
  if (scope.empty()) return true;
  return name.starts_with(scope) && (name.size() == scope.size() || name[scope.size()] == '/');
}

// The checkpoint prefix FILE names, if it names one: "<p>.index", or "<p>" beside "<p>.index".
std::optional<std::string> checkpoint_prefix(const std::string& file) {
  namespace fs = std::filesystem;
  if (file.ends_with(".index") && fs::exists(file)) return file.substr(0, file.size() - 6);
  if (!fs::is_regular_file(file) && fs::exists(file + ".index")) return file;
  return std::nullopt;
}

// A TensorBoard run directory stands for its newest event file (names sort by time).
std::optional<std::string> newest_event_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return std::nullopt;
  std::optional<std::string> newest;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.find("tfevents") != std::string::npos &&
        (!newest || entry.path().string() > *newest))
      newest = entry.path().string();
  }
  if (!newest) throw Error(Code::kNotFound, path + ": a directory without event files");
  return newest;
}

void print_variables(std::ostream& os, const std::vector<VariableRow>& rows, size_t total) {
  os << "\nVariables (" << rows.size();
  if (rows.size() != total) os << " of " << total;
  os << "):\n";
  size_t w_name = 4, w_shape = 5;
  for (const VariableRow& r : rows) {
    w_name = std::max(w_name, r.name.size());
    w_shape = std::max(w_shape, r.shape.size());
  }
  for (const VariableRow& r : rows)
    os << fmt::format("  {:<{}}  {:<{}}  {}\n", r.name, w_name, r.shape, w_shape, r.dtype);
}

// Prints the tree (zoomed to options.scope) and the variables inside it.
int print_report(std::ostream& os, const std::string& header, const ScopeNode& root,
                 const std::vector<VariableRow>& vars, const InspectOptions& o) {
  const ScopeNode* shown = &root;
  if (!o.scope.empty()) {
    shown = root.find(o.scope);
    if (!shown) {
      std::string top;
      for (const ScopeNode& c : root.children) top += (top.empty() ? "" : ", ") + c.path;
      throw Error(Code::kNotFound, fmt::format("{}: no scope '{}' (top-level scopes: {})", o.file,
                                               o.scope, top.empty() ? "none" : top));
    }
  }
  os << header << "\n\n";
  print_scope_tree(os, *shown, o.tree);
  std::vector<VariableRow> selected;
  for (const VariableRow& v : vars)
    if (in_scope(v.name, o.scope)) selected.push_back(v);
  print_variables(os, selected, vars.size());
  return 0;
}

int inspect_checkpoint(const std::string& prefix, const InspectOptions& o) {
  io::BundleReader reader(prefix);
  std::vector<std::string_view> keys;
  std::vector<VariableRow> vars;
  int64_t bytes = 0;
  for (const io::BundleEntry& e : reader.entries()) {
    keys.push_back(e.key);
    vars.push_back({e.key, PartialShape(e.shape).to_string(), dtype_name(e.dtype)});
    bytes += e.size;
  }
  const std::string header =
      fmt::format("{}: checkpoint (V2 tensor bundle, {} shard{}), {} tensors, {} bytes", prefix,
                  reader.num_shards(), reader.num_shards() == 1 ? "" : "s", keys.size(), bytes);
  return print_report(std::cout, header, build_scope_tree(keys, keys), vars, o);
}

int inspect_graph(const InspectOptions& o) {
  const io::GraphFile file = io::read_graph_file(o.file);
  std::unique_ptr<Graph> g = io::load_graph_file(o.file);
  std::vector<std::string_view> names, var_names;
  std::vector<VariableRow> vars;
  for (size_t i = 0; i < g->num_operations(); ++i) {
    const Operation op = g->operation(i);
    names.push_back(op.name());
    if (!is_variable_op(op.type())) continue;
    var_names.push_back(op.name());
    const auto shape = op.attr("shape");
    const auto dtype = op.attr("dtype");
    vars.push_back({std::string(op.name()),
                    shape ? std::get<PartialShape>(*shape).to_string() : std::string("?"),
                    dtype ? dtype_name(std::get<DataType>(*dtype)) : std::string("?")});
  }
  std::string header =
      fmt::format("{}: {}, {} ops", o.file, io::graph_file_kind_name(file.kind), names.size());
  if (file.meta_graph_def) {
    header += fmt::format(", {} collections", file.meta_graph_def->collection_def_size());
    if (file.meta_graph_def->has_saver_def()) header += ", a Saver";
  }
  return print_report(std::cout, header, build_scope_tree(names, var_names), vars, o);
}

}  // namespace

Command add_inspect_command(CLI::App& parent) {
  auto o = std::make_shared<InspectOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "inspect",
      "Show the scope tree (op and variable counts per scope) and the variables with shapes and "
      "dtypes of a GraphDef, MetaGraph, event file or checkpoint");
  cmd->add_option("FILE", o->file,
                  "A GraphDef (.pb, .pbtxt), MetaGraph (.meta), event file (*tfevents*), or "
                  "checkpoint prefix / .index file")
      ->required();
  cmd->add_option("--scope", o->scope, "Zoom into this scope path (e.g. layer1/dense)");
  add_scope_tree_options(*cmd, o->tree);
  return {cmd, [o] {
            while (o->scope.ends_with('/')) o->scope.pop_back();
            if (auto events = newest_event_file(o->file)) o->file = *events;
            if (auto prefix = checkpoint_prefix(o->file)) return inspect_checkpoint(*prefix, *o);
            return inspect_graph(*o);
          }};
}

}  // namespace scopeflow::tools
