// `sf view FILE`: a graph file shown as a self-contained HTML page folded by name scope, or
// as Graphviz DOT with one cluster per scope.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "scopeflow/graph/graph.h"
#include "scopeflow/io/graph_file.h"
#include "scopeflow/viewer/html.h"
#include "sf.h"

namespace scopeflow::tools {

namespace {

struct ViewOptions {
  std::string file;
  std::string output;
  std::string title;
  bool dot = false;
};

int run_view(const ViewOptions& o) {
  const std::unique_ptr<Graph> graph = io::load_graph_file(o.file);
  const std::string name = std::filesystem::path(o.file).filename().string();
  if (o.dot) {
    if (o.output.empty() || o.output == "-") {
      std::cout << viewer::render_dot(*graph);
      return 0;
    }
    viewer::write_dot(*graph, o.output);
    std::cout << "Wrote " << o.output << " (Graphviz DOT, " << graph->num_operations()
              << " ops).\n";
    return 0;
  }
  // By default in the current directory, named after the graph file.
  const std::string out = o.output.empty() ? name + ".html" : o.output;
  viewer::write_html(*graph, out, {.title = o.title.empty() ? name : o.title});
  std::cout << "Wrote " << out << " (" << graph->num_operations()
            << " ops): open it in a browser; it needs no server and no network.\n";
  return 0;
}

}  // namespace

Command add_view_command(CLI::App& parent) {
  CLI::App* cmd = parent.add_subcommand(
      "view",
      "Show a graph (GraphDef .pb/.pbtxt, MetaGraph .meta, or TensorBoard event file): a "
      "self-contained HTML page folded by name scope, or with --dot Graphviz DOT");
  auto o = std::make_shared<ViewOptions>();
  cmd->add_option("FILE", o->file, "The graph file")->required();
  cmd->add_option("-o,--output", o->output,
                  "Where to write (default: FILE's name plus .html; with --dot, standard output)");
  cmd->add_flag("--dot", o->dot, "Write Graphviz DOT, one cluster per scope, instead of HTML");
  cmd->add_option("--title", o->title, "The page's title (default: FILE's name)");
  return Command{cmd, [o] { return run_view(*o); }};
}

}  // namespace scopeflow::tools
