// `sf ckpt`: look inside V2 checkpoints. `list` prints the tensors; `diff` compares a
// checkpoint with a graph's variables (missing, unused, different shapes, with the closest
// key suggested for each miss); `rename` writes a copy with keys renamed.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "scopeflow/io/checkpoint.h"
#include "scopeflow/io/graph_file.h"
#include "scopeflow/scopeflow.h"
#include "sf.h"

namespace scopeflow::tools {

namespace {

std::string ckpt_shape(const std::vector<int64_t>& shape) { return io::tf_shape_string(shape); }

// ---- list ----

int run_list(const std::string& prefix) {
  const io::BundleReader reader(prefix);
  size_t key_width = 3, dtype_width = 5;
  for (const io::BundleEntry& e : reader.entries()) {
    key_width = std::max(key_width, e.key.size());
    dtype_width = std::max(dtype_width, dtype_name(e.dtype).size());
  }
  int64_t bytes = 0, elements = 0;
  for (const io::BundleEntry& e : reader.entries()) {
    std::cout << fmt::format("{:<{}}  {:<{}}  {}", e.key, key_width, dtype_name(e.dtype),
                             dtype_width, ckpt_shape(e.shape));
    if (e.num_slices > 0) std::cout << fmt::format("  ({} slices)", e.num_slices);
    std::cout << '\n';
    int64_t n = 1;
    for (int64_t d : e.shape) n *= d;
    elements += n;
    bytes += e.size;
  }
  std::cout << fmt::format("{} tensor{}, {} elements, {} bytes in {} shard{}\n",
                           reader.entries().size(), reader.entries().size() == 1 ? "" : "s",
                           elements, bytes, reader.num_shards(),
                           reader.num_shards() == 1 ? "" : "s");
  return 0;
}

// ---- diff ----

struct GraphVariable {
  std::string name;
  DataType dtype;
  PartialShape shape;
};

template <typename T>
const Graph& as_graph(const T& g) {
  if constexpr (std::is_same_v<std::decay_t<T>, Graph>)
    return g;
  else
    return *g;
}

std::vector<GraphVariable> graph_variables(const Graph& g) {
  std::vector<GraphVariable> out;
  for (const Operation& op : g.get_operations()) {
    if (op.type() != "VariableV2" && op.type() != "Variable") continue;
    GraphVariable v{std::string(op.name()), DataType::kInvalid, PartialShape::unknown()};
    if (auto t = op.attr("dtype"))
      if (const auto* d = std::get_if<DataType>(&*t)) v.dtype = base_dtype(*d);
    if (auto s = op.attr("shape"))
      if (const auto* p = std::get_if<PartialShape>(&*s)) v.shape = *p;
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<std::string> split_path(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t slash = s.find('/', start);
    out.emplace_back(s.substr(start, slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

size_t char_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Edit distance over path segments: inserting or dropping a scope costs 1, replacing one
// costs the share of its characters that change (so `dense_1/kernel` is close to
// `dense/kernel`, and `model/dense/kernel` is one step from it).
double path_distance(std::string_view a, std::string_view b) {
  const std::vector<std::string> x = split_path(a), y = split_path(b);
  std::vector<double> row(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) row[j] = static_cast<double>(j);
  for (size_t i = 1; i <= x.size(); ++i) {
    double diag = row[0];
    row[0] = static_cast<double>(i);
    for (size_t j = 1; j <= y.size(); ++j) {
      const double up = row[j];
      const size_t longest = std::max(x[i - 1].size(), y[j - 1].size());
      const double sub = longest == 0 ? 0.0
                                      : static_cast<double>(char_distance(x[i - 1], y[j - 1])) /
                                            static_cast<double>(longest);
      row[j] = std::min({row[j] + 1.0, row[j - 1] + 1.0, diag + sub});
      diag = up;
    }
  }
  return row[y.size()];
}

// The candidate closest to `name`, when it is closer than replacing every segment.
std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& pool) {
  std::optional<std::string> best;
  double best_d = 0;
  for (const std::string& c : pool) {
    const double d = path_distance(name, c);
    if (!best || d < best_d) {
      best = c;
      best_d = d;
    }
  }
  if (best) {
    const double limit =
        static_cast<double>(std::max(split_path(name).size(), split_path(*best).size()));
    if (best_d >= limit) return std::nullopt;
  }
  return best;
}

int run_diff(const std::string& prefix, const std::string& graph_path) {
  const io::BundleReader reader(prefix);
  const auto loaded = io::load_graph_file(graph_path);
  const std::vector<GraphVariable> vars = graph_variables(as_graph(loaded));

  std::map<std::string, const GraphVariable*> in_graph;
  for (const GraphVariable& v : vars) in_graph[v.name] = &v;
  std::vector<std::string> unused;
  for (const io::BundleEntry& e : reader.entries())
    if (!in_graph.count(e.key)) unused.push_back(e.key);
  std::vector<std::string> all_keys;
  for (const io::BundleEntry& e : reader.entries()) all_keys.push_back(e.key);

  int missing = 0, mismatched = 0, matched = 0;
  std::vector<std::string> missing_lines, mismatch_lines;
  for (const auto& [name, v] : in_graph) {
    const io::BundleEntry* e = reader.find(name);
    if (!e) {
      ++missing;
      std::string line =
          fmt::format("  {}  {} {}", name, dtype_name(v->dtype), scopeflow::shape_text(v->shape));
      if (auto c = closest(name, unused.empty() ? all_keys : unused))
        line += fmt::format("  (closest key: {})", *c);
      missing_lines.push_back(std::move(line));
      continue;
    }
    const bool shape_ok = v->shape.compatible_with(PartialShape(e->shape));
    const bool dtype_ok = v->dtype == DataType::kInvalid || v->dtype == e->dtype;
    if (shape_ok && dtype_ok) {
      ++matched;
      continue;
    }
    ++mismatched;
    mismatch_lines.push_back(fmt::format("  {}  graph {} {}, checkpoint {} {}", name,
                                         dtype_name(v->dtype), scopeflow::shape_text(v->shape),
                                         dtype_name(e->dtype), ckpt_shape(e->shape)));
  }
  if (!missing_lines.empty()) {
    std::cout << "Graph variables missing from the checkpoint (" << missing << "):\n";
    for (const auto& l : missing_lines) std::cout << l << '\n';
  }
  if (!unused.empty()) {
    std::cout << "Checkpoint keys no graph variable uses (" << unused.size() << "):\n";
    for (const std::string& k : unused) {
      const io::BundleEntry& e = reader.entry(k);
      std::cout << fmt::format("  {}  {} {}\n", k, dtype_name(e.dtype), ckpt_shape(e.shape));
    }
  }
  if (!mismatch_lines.empty()) {
    std::cout << "Variables whose dtype or shape differ (" << mismatched << "):\n";
    for (const auto& l : mismatch_lines) std::cout << l << '\n';
  }
  std::cout << fmt::format("{} of {} graph variables match the checkpoint ({} keys)\n", matched,
                           vars.size(), reader.entries().size());
  return missing == 0 && mismatched == 0 && unused.empty() ? 0 : 1;
}

// ---- rename ----

std::pair<std::string, std::string> split_rule(const std::string& rule, const char* option) {
  const size_t eq = rule.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error(Code::kInvalidArgument, fmt::format("{} '{}': expected OLD=NEW", option, rule));
  return {rule.substr(0, eq), rule.substr(eq + 1)};
}

int run_rename(const std::string& prefix, const std::string& out,
               const std::vector<std::string>& maps, const std::vector<std::string>& regexes,
               bool dry_run) {
  const io::BundleReader reader(prefix);
  std::map<std::string, std::string> exact;
  for (const std::string& m : maps) {
    auto [from, to] = split_rule(m, "--map");
    if (!reader.contains(from))
      throw Error(Code::kNotFound,
                  fmt::format("--map {}: Key {} not found in checkpoint {}", m, from, prefix));
    if (!exact.emplace(from, to).second)
      throw Error(Code::kInvalidArgument, fmt::format("--map names key {} twice", from));
  }
  std::vector<std::pair<std::regex, std::string>> rules;
  for (const std::string& r : regexes) {
    auto [pattern, replacement] = split_rule(r, "--regex");
    try {
      rules.emplace_back(std::regex(pattern), replacement);
    } catch (const std::regex_error& e) {
      throw Error(Code::kInvalidArgument,
                  fmt::format("--regex '{}': invalid pattern: {}", pattern, e.what()));
    }
  }
  // New key for each entry; an exact --map wins over the regexes, applied in order.
  std::map<std::string, std::string> new_to_old;
  std::vector<std::pair<const io::BundleEntry*, std::string>> plan;
  int renamed = 0;
  for (const io::BundleEntry& e : reader.entries()) {
    std::string key = e.key;
    if (auto it = exact.find(e.key); it != exact.end()) {
      key = it->second;
    } else {
      for (const auto& [re, rep] : rules) key = std::regex_replace(key, re, rep);
    }
    if (key.empty())
      throw Error(Code::kInvalidArgument,
                  fmt::format("key {} would be renamed to the empty key", e.key));
    auto [it, inserted] = new_to_old.emplace(key, e.key);
    if (!inserted)
      throw Error(Code::kAlreadyExists,
                  fmt::format("keys {} and {} would both be renamed to {}; nothing was written",
                              it->second, e.key, key));
    if (key != e.key) ++renamed;
    plan.emplace_back(&e, std::move(key));
  }
  for (const auto& [e, key] : plan)
    if (key != e->key) std::cout << e->key << " -> " << key << '\n';
  if (dry_run) {
    std::cout << fmt::format("{} of {} keys would be renamed (dry run: nothing written)\n", renamed,
                             plan.size());
    return 0;
  }
  // Written under temporary names and renamed into place by BundleWriter: a failure leaves
  // `out` as it was (even when it is the input checkpoint itself).
  io::BundleWriter writer(out);
  for (const auto& [e, key] : plan) writer.add(key, reader.read(*e));
  writer.finish();
  std::cout << fmt::format("{} of {} keys renamed; wrote {}\n", renamed, plan.size(), out);
  return 0;
}

}  // namespace

Command add_ckpt_command(CLI::App& parent) {
  CLI::App* cmd = parent.add_subcommand(
      "ckpt", "Inspect and edit TensorFlow V2 checkpoints (<prefix>.index + data files)");
  cmd->require_subcommand(1);

  auto prefix = std::make_shared<std::string>();
  auto graph = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto maps = std::make_shared<std::vector<std::string>>();
  auto regexes = std::make_shared<std::vector<std::string>>();
  auto dry_run = std::make_shared<bool>(false);

  CLI::App* list = cmd->add_subcommand("list", "List the tensors: key, dtype, shape (sorted)");
  list->add_option("PREFIX", *prefix, "Checkpoint prefix (model.ckpt-1000)")->required();

  CLI::App* diff = cmd->add_subcommand(
      "diff", "Compare a checkpoint with a graph's variables: missing, unused, mismatched");
  diff->add_option("PREFIX", *prefix, "Checkpoint prefix")->required();
  diff->add_option("GRAPH", *graph, "GraphDef or MetaGraphDef file (.pb, .pbtxt, .meta)")
      ->required();

  CLI::App* rename = cmd->add_subcommand(
      "rename",
      "Write a copy of a checkpoint with keys renamed (atomically; fails when two "
      "keys would collide)");
  rename->add_option("PREFIX", *prefix, "Checkpoint prefix to read")->required();
  rename->add_option("OUT", *out, "Prefix of the checkpoint to write (may equal PREFIX)")
      ->required();
  rename->add_option("--map", *maps, "OLD=NEW: rename one key (repeatable)");
  rename->add_option("--regex", *regexes,
                     "PATTERN=REPLACEMENT: rename keys matching an ECMAScript regex, $1.. for "
                     "groups (repeatable, applied in order)");
  rename->add_flag("--dry-run", *dry_run, "Print the renames without writing");

  return Command{cmd, [=] {
                   if (list->parsed()) return run_list(*prefix);
                   if (diff->parsed()) return run_diff(*prefix, *graph);
                   if (maps->empty() && regexes->empty())
                     throw Error(Code::kInvalidArgument,
                                 "rename needs at least one --map or --regex");
                   return run_rename(*prefix, *out, *maps, *regexes, *dry_run);
                 }};
}

}  // namespace scopeflow::tools
