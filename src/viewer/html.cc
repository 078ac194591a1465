// The viewer's page and DOT text: a graph's ops as compact JSON inside one HTML file.
#include "scopeflow/viewer/html.h"

#include <absl/container/flat_hash_map.h>

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "assets_internal.h"
#include "scopeflow/base/dtype.h"
#include "scopeflow/base/error.h"
#include "scopeflow/graph/attr.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/graph/handles.h"
#include "scopeflow/io/graph_file.h"
#include "scopeflow/naming/scope_tree.h"

namespace scopeflow::viewer {
namespace {

// A JSON string. '<', '>' and '&' are written as \u escapes, so no text of the graph can end
// the <script> element the data sits in ("</script>") or open a comment in it ("<!--").
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '<':
      case '>':
      case '&':
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Short strings that repeat across ops (types, devices, attr keys and values, dtypes, shapes)
// are stored once in the page; ops refer to them by index.
class StringTable {
 public:
  size_t id(std::string_view s) {
    if (const auto it = index_.find(s); it != index_.end()) return it->second;
    strings_.emplace_back(s);
    index_.emplace(strings_.back(), strings_.size() - 1);
    return strings_.size() - 1;
  }
  void append_json(std::string& out) const {
    out += '[';
    for (size_t i = 0; i < strings_.size(); ++i) {
      if (i) out += ',';
      append_json_string(out, strings_[i]);
    }
    out += ']';
  }

 private:
  std::deque<std::string> strings_;  // a deque: the map's keys are views into its elements
  absl::flat_hash_map<std::string_view, size_t> index_;
};

// The page's data (viewer.js reads it; the field order below is its contract):
//   {"v":1, "s":[strings], "g":[group...], "o":[op...]}
//   group: [parent, label, kind (0 scope, 1 op series, 2 scope series), first_op, end_op,
//           end_group]  -- ViewTree's fields; ops are referred to by display position
//   op:    [name, type, group, inputs, device, attrs, outputs]
//     inputs:  a data input from output 0 of op p is p; from output k > 0, [p, k]; a control
//              input from p is -(p + 1)
//     attrs:   [key, value, key, value, ...]; outputs: [dtype, shape, dtype, shape, ...]
//     type, device, keys, values, dtypes and shapes are indices into "s".
std::string page_data(const Graph& graph, const ViewTree& tree) {
  const size_t n = tree.ops.size();
  std::vector<uint32_t> position(n);
  for (size_t p = 0; p < n; ++p) position[tree.ops[p]] = static_cast<uint32_t>(p);

  StringTable strings;
  std::string ops;
  ops.reserve(n * 96);
  for (size_t p = 0; p < n; ++p) {
    const Operation op = graph.operation(tree.ops[p]);
    if (p) ops += ',';
    ops += '[';
    append_json_string(ops, op.name());
    const size_t type = strings.id(op.type());
    ops += ',' + std::to_string(type) + ',' + std::to_string(tree.op_group[p]) + ",[";
    bool first = true;
    for (const Output& in : op.inputs()) {
      if (!first) ops += ',';
      first = false;
      const std::string src = std::to_string(position[in.op().index()]);
      ops += in.index() == 0 ? src : "[" + src + "," + std::to_string(in.index()) + "]";
    }
    for (const Operation& c : op.control_inputs()) {
      if (!first) ops += ',';
      first = false;
      ops += std::to_string(-static_cast<int64_t>(position[c.index()]) - 1);
    }
    const size_t device = strings.id(op.device());
    ops += "]," + std::to_string(device) + ",[";
    first = true;
    for (const auto& [key, value] : op.attrs()) {
      if (!first) ops += ',';
      first = false;
      // Separate statements: the order of interning decides the indices.
      const size_t k = strings.id(key);
      const size_t v = strings.id(attr_debug_string(value));
      ops += std::to_string(k) + ',' + std::to_string(v);
    }
    ops += "],[";
    for (int k = 0; k < op.num_outputs(); ++k) {
      const Output out = op.output(k);
      if (k) ops += ',';
      const size_t dtype = strings.id(dtype_name(out.dtype()));
      const size_t shape = strings.id(out.shape().to_string());
      ops += std::to_string(dtype) + ',' + std::to_string(shape);
    }
    ops += "]]";
  }

  std::string out = "{\"v\":1,\"s\":";
  strings.append_json(out);
  out += ",\"g\":[";
  for (size_t i = 0; i < tree.groups.size(); ++i) {
    const ViewGroup& g = tree.groups[i];
    if (i) out += ',';
    out += '[' + std::to_string(g.parent) + ',';
    append_json_string(out, g.label);
    out += ',' + std::to_string(static_cast<int>(g.kind)) + ',' + std::to_string(g.first_op) + ',' +
           std::to_string(g.end_op) + ',' + std::to_string(g.end_group) + ']';
  }
  out += "],\"o\":[";
  out += ops;
  out += "]}";
  return out;
}

// The layout library as shipped (dagre's bundle, graphlib inside), its licences first; less
// its source-map comment: the page fetches nothing, and devtools would try to.
std::string layout_library() {
  std::string notice;
  for (const std::string_view name : {"dagre.LICENSE", "graphlib.LICENSE"}) {
    std::string text(internal::asset(name));
    for (size_t end = text.find("*/"); end != std::string::npos; end = text.find("*/", end))
      text.replace(end, 2, "* /");
    notice += "/* " + std::string(name.substr(0, name.find('.'))) + ":\n" + text + "*/\n";
  }
  std::string js(internal::asset("dagre.js"));
  if (const size_t map = js.rfind("//# sourceMappingURL="); map != std::string::npos)
    js.erase(map, js.find('\n', map) - map);
  return notice + js;
}

// Fills the template's {{name}} slots. Values are inserted, never rescanned.
std::string fill_template(std::string_view page,
                          const std::vector<std::pair<std::string_view, std::string>>& values) {
  std::string out;
  size_t at = 0;
  for (size_t open = page.find("{{"); open != std::string_view::npos; open = page.find("{{", at)) {
    const size_t close = page.find("}}", open);
    SF_CHECK(close != std::string_view::npos, "unclosed {{ in the viewer's page template");
    const std::string_view key = page.substr(open + 2, close - open - 2);
    const std::string* value = nullptr;
    for (const auto& [k, v] : values)
      if (k == key) value = &v;
    SF_CHECK(value != nullptr, "unknown slot in the viewer's page template: " + std::string(key));
    out.append(page.substr(at, open - at));
    out += *value;
    at = close + 2;
  }
  out.append(page.substr(at));
  return out;
}

// A DOT string literal: quotes and backslashes escaped, line breaks as DOT's "\n".
std::string dot_quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + '"';
}

class DotWriter {
 public:
  DotWriter(const Graph& graph, const ViewTree& tree) : graph_(graph), tree_(tree) {}

  std::string write() {
    out_ = "digraph scopeflow {\n";
    out_ += "  graph [compound=true, fontname=\"Helvetica\", fontsize=11];\n";
    out_ += "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n";
    write_group(0, 1);
    // Edges after every node, in creation order of their consumer.
    for (size_t i = 0; i < graph_.num_operations(); ++i) {
      const Operation op = graph_.operation(i);
      const std::string to = dot_quote(op.name());
      for (const Output& in : op.inputs())
        out_ += "  " + dot_quote(in.op().name()) + " -> " + to + ";\n";
      for (const Operation& c : op.control_inputs())
        out_ += "  " + dot_quote(c.name()) + " -> " + to + " [style=dashed];\n";
    }
    out_ += "}\n";
    return std::move(out_);
  }

 private:
  // The ops of group `g` and, where they come, its sub-groups as nested clusters.
  void write_group(uint32_t g, int depth) {
    const std::string indent(2 * depth, ' ');
    const ViewGroup& group = tree_.groups[g];
    for (uint32_t p = group.first_op; p < group.end_op;) {
      if (tree_.op_group[p] == g) {
        const Operation op = graph_.operation(tree_.ops[p]);
        // An op named like its scope is drawn in it as "(leaf)", as in the page.
        std::string label(base_of_name(op.name()));
        if (op.name() == group.path && g != 0) label = "(" + label + ")";
        out_ += indent + dot_quote(op.name()) +
                " [label=" + dot_quote(label + "\n" + std::string(op.type())) + "];\n";
        ++p;
        continue;
      }
      uint32_t child = tree_.op_group[p];
      while (tree_.groups[child].parent != static_cast<int>(g))
        child = static_cast<uint32_t>(tree_.groups[child].parent);
      const ViewGroup& sub = tree_.groups[child];
      out_ += indent + "subgraph " + dot_quote("cluster_" + sub.path) + " {\n";
      out_ += indent + "  label=" + dot_quote(sub.label) + ";\n";
      write_group(child, depth + 1);
      out_ += indent + "}\n";
      p = sub.end_op;
    }
  }

  const Graph& graph_;
  const ViewTree& tree_;
  std::string out_;
};

}  // namespace

std::string render_html(const Graph& graph, const HtmlOptions& options) {
  const ViewTree tree = build_view_tree(graph, options.fold);
  const std::string title = options.title.empty() ? "scopeflow graph" : options.title;
  return fill_template(internal::asset("page.html"),
                       {{"title", html_escape(title)},
                        {"css", std::string(internal::asset("viewer.css"))},
                        {"data", page_data(graph, tree)},
                        {"layout", layout_library()},
                        {"app", std::string(internal::asset("viewer.js"))}});
}

void write_html(const Graph& graph, const std::string& path, const HtmlOptions& options) {
  io::write_file_atomically(path, render_html(graph, options));
}

std::string render_dot(const Graph& graph) {
  const ViewTree tree =
      build_view_tree(graph, FoldOptions{.series_min_size = 0, .scope_series_min_size = 0});
  return DotWriter(graph, tree).write();
}

void write_dot(const Graph& graph, const std::string& path) {
  io::write_file_atomically(path, render_dot(graph));
}

}  // namespace scopeflow::viewer
