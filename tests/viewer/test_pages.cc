// Writes the viewer pages the browser tests open (tests/viewer/*.test.js):
//   viewer_test_pages OUT_DIR [GOLDEN_DIR]
// small.html (scopes, series, a variable, control edges, an attr that tries to end the
// script), mlp_adam.html (an MLP trained with Adam: TF's gradient names), big.html (100,000
// ops), and golden.html (a graph TensorFlow wrote) when the graph-file loader is built in.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "scopeflow/scopeflow.h"
#include "scopeflow/viewer/html.h"

// The golden page needs io::load_graph_file; until that is part of the library the golden
// test reports itself skipped.
#if __has_include("scopeflow/io/graph_file.h")
#include "scopeflow/io/graph_file.h"
#define SF_HAVE_GRAPH_FILE 1
#endif

namespace sf = scopeflow;

namespace {

sf::Output dense(const sf::Scope& scope, const sf::Output& x, int64_t in, int64_t out, bool relu) {
  sf::Variable w = sf::get_variable(scope, "w", {.shape = sf::PartialShape({in, out})});
  sf::Variable b = sf::get_variable(
      scope, "b", {.shape = sf::PartialShape({out}), .initializer = sf::init::zeros()});
  sf::Output y = sf::ops::bias_add(scope, sf::ops::matmul(scope, x, w.value()), b.value());
  return relu ? sf::ops::relu(scope, y) : y;
}

void small_graph(sf::Graph& g) {
  const sf::Scope root = sf::Scope::root(g);
  sf::Output x = sf::ops::placeholder(root, sf::DataType::kFloat, sf::PartialShape({-1, 4}), "x");
  sf::Output h = dense(root.variable_scope("layer1"), x, 4, 3, true);
  sf::Output y = dense(root.variable_scope("layer2"), h, 3, 2, false);
  // Six Adds in one scope: the series sum/Add[0-5].
  const sf::Scope sum = root.name_scope("sum");
  sf::Output acc = y;
  for (int i = 0; i < 6; ++i) acc = sf::ops::add(sum, acc, y);
  // Three numbered sibling scopes: tower[0-2].
  std::vector<sf::Input> towers;
  for (int t = 0; t < 3; ++t)
    towers.push_back(sf::ops::mul(root.name_scope("tower_" + std::to_string(t)), acc, acc));
  sf::Output total = sf::ops::add_n(root, towers);
  // random_normal: an op named like its own scope ("random_normal" beside
  // "random_normal/mul").
  sf::Output noise = sf::ops::random_normal(root, {2}, 0.0, 1.0, sf::DataType::kFloat);
  sf::ops::add(root, total, noise, "output");
  // Control edges: init runs every initializer.
  std::vector<sf::Operation> inits;
  for (const sf::Variable& v : g.variables()) inits.push_back(v.initializer());
  g.create_op(root.with_control_dependencies(inits), "NoOp", "init", {}, {}, {});
  // Text that must not end the page's <script>.
  const sf::Attr note{"note", std::string("</script><script>document.title='pwned'</script>")};
  g.create_op(root, "Note", "note", {}, {&note, 1}, {});
}

// An MLP whose loss Adam minimizes: gradients/layer1/MatMul_grad/MatMul_1 and the like.
void mlp_adam_graph(sf::Graph& g) {
  const sf::Scope root = sf::Scope::root(g);
  sf::Output x = sf::ops::placeholder(root, sf::DataType::kFloat, sf::PartialShape({-1, 8}), "x");
  sf::Output labels =
      sf::ops::placeholder(root, sf::DataType::kInt32, sf::PartialShape({-1}), "labels");
  sf::Output h = dense(root.variable_scope("layer1"), x, 8, 16, true);
  h = dense(root.variable_scope("layer2"), h, 16, 16, true);
  sf::Output logits = dense(root.variable_scope("layer3"), h, 16, 4, false);
  const sf::Scope loss_scope = root.name_scope("loss");
  sf::Output loss = sf::ops::reduce_mean(
      loss_scope,
      sf::ops::sparse_softmax_cross_entropy_with_logits(loss_scope, logits, labels).first);
  sf::train::adam(0.01)->minimize(root, loss);
}

// 100,000 ops: 50 stages of 20 units of 100 chained Adds (the last unit 99, after the input
// placeholder), each stage fed by the one before.
void big_graph(sf::Graph& g) {
  const sf::Scope root = sf::Scope::root(g);
  sf::Output prev = sf::ops::placeholder(root, sf::DataType::kFloat, sf::PartialShape({4}), "x");
  int ops = 1;
  for (int b = 0; b < 50; ++b) {
    // "stage07": a digit before any '_', so the 50 stages are not one series.
    const sf::Scope block = root.name_scope((b < 10 ? "stage0" : "stage") + std::to_string(b));
    for (int u = 0; u < 20; ++u) {
      const sf::Scope unit = block.name_scope("unit_" + std::to_string(u));
      sf::Output a = prev, c = prev;
      for (int i = 0; i < 100 && ops < 100000; ++i, ++ops) {
        sf::Output next = sf::ops::add(unit, a, c);
        c = a;
        a = next;
      }
      prev = a;
    }
  }
}

void write(const sf::Graph& g, const std::filesystem::path& path, const std::string& title) {
  const auto start = std::chrono::steady_clock::now();
  sf::viewer::write_html(g, path.string(), {.title = title});
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s: %zu ops, %.1f MB, %.0f ms\n", path.string().c_str(), g.num_operations(),
              std::filesystem::file_size(path) / 1e6, ms);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: viewer_test_pages OUT_DIR [GOLDEN_DIR]\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out);
  try {
    {
      sf::Graph g;
      small_graph(g);
      write(g, out / "small.html", "small scoped graph");
    }
    {
      sf::Graph g;
      mlp_adam_graph(g);
      write(g, out / "mlp_adam.html", "MLP trained with Adam");
    }
    {
      sf::Graph g;
      big_graph(g);
      write(g, out / "big.html", "100,000 ops");
    }
    std::filesystem::remove(out / "golden.html");
#ifdef SF_HAVE_GRAPH_FILE
    if (argc > 2) {
      // TF 1.4's MetaGraph of a 9-layer MLP trained with Adam (849 nodes; graph.pb beside it
      // holds the same GraphDef).
      const std::filesystem::path golden =
          std::filesystem::path(argv[2]) / "packt_mlp9_adam_saver" / "my-model.meta";
      std::unique_ptr<sf::Graph> g = sf::io::load_graph_file(golden.string());
      write(*g, out / "golden.html", "packt_mlp9_adam_saver/my-model.meta (TensorFlow 1.4)");
    }
#else
    std::printf("golden.html not written: scopeflow/io/graph_file.h is not in the library yet\n");
#endif
  } catch (const std::exception& e) {
    std::cerr << "viewer_test_pages: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
