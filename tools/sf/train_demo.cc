// `sf demo`'s main job: a data-parallel model whose two towers share one set of weights
// (`tower_0`, `tower_1` under name scopes, variables in variable_scope("model") reused by the
// second tower), trained with averaged gradients and one Adam update per step on an embedded
// synthetic dataset; then the scope tree and the variables with their shapes.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "scopeflow/scopeflow.h"
#include "scopeflow/viewer/html.h"
#include "sf.h"

namespace scopeflow::tools {

namespace {

constexpr int kFeatures = 8, kHidden = 32, kClasses = 4, kExamples = 1024, kBatch = 64;

// Points in 8-D labelled by which of 4 fixed directions they are most aligned with: a task
// a small MLP learns well, generated from a fixed seed so every run is the same.
struct Dataset {
  std::vector<float> x;    // kExamples x kFeatures
  std::vector<int32_t> y;  // kExamples
};

Dataset make_dataset() {
  std::mt19937 rng(20261125);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> directions(kFeatures * kClasses);
  for (float& d : directions) d = normal(rng);
  Dataset data;
  data.x.resize(kExamples * kFeatures);
  data.y.resize(kExamples);
  for (int i = 0; i < kExamples; ++i) {
    for (int f = 0; f < kFeatures; ++f) data.x[i * kFeatures + f] = normal(rng);
    int best = 0;
    float best_score = -1e30f;
    for (int c = 0; c < kClasses; ++c) {
      float score = 0;
      for (int f = 0; f < kFeatures; ++f)
        score += data.x[i * kFeatures + f] * directions[f * kClasses + c];
      if (score > best_score) best_score = score, best = c;
    }
    data.y[i] = best;
  }
  return data;
}

// One tower: dense 8→32 (ReLU) → dense 32→4, its variables in the enclosing variable scope.
Output tower_logits(const Scope& s, const Output& x) {
  auto dense = [](const Scope& s, const Output& in, int64_t n_in, int64_t n_out,
                  std::string_view name, bool activate) {
    Scope layer = s.variable_scope(name);
    Variable w = get_variable(layer, "kernel",
                              {.shape = PartialShape({n_in, n_out}),
                               .initializer = init::glorot_uniform(/*seed=*/1)});
    Variable b = get_variable(layer, "bias",
                              {.shape = PartialShape({n_out}), .initializer = init::zeros()});
    Output z = ops::bias_add(layer, ops::matmul(layer, in, w), b);
    return activate ? ops::relu(layer, z) : z;
  };
  Output h = dense(s, x, kFeatures, kHidden, "hidden", true);
  return dense(s, h, kHidden, kClasses, "logits", false);
}

Tensor batch_tensor(const std::vector<float>& src, int first, int rows, int cols) {
  Tensor t = Tensor::uninitialized(DataType::kFloat, std::vector<int64_t>{rows, cols});
  std::copy(src.begin() + static_cast<ptrdiff_t>(first) * cols,
            src.begin() + static_cast<ptrdiff_t>(first + rows) * cols, t.data<float>());
  return t;
}

Tensor label_tensor(const std::vector<int32_t>& src, int first, int rows) {
  Tensor t = Tensor::uninitialized(DataType::kInt32, std::vector<int64_t>{rows});
  std::copy(src.begin() + first, src.begin() + first + rows, t.data<int32_t>());
  return t;
}

void progress(int step, int steps, float loss, double steps_per_s) {
  constexpr int kWidth = 30;
  const int filled = step * kWidth / steps;
  std::printf("\r  [%s%s] step %4d/%d  loss %.4f  %7.0f steps/s",
              std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(), step,
              steps, loss, steps_per_s);
  std::fflush(stdout);
}

}  // namespace

int run_train_demo(const ScopeTreeOptions& tree_options) {
  constexpr int kSteps = 2000, kTowers = 2, kPerTower = kBatch / kTowers;
  Graph g;
  Scope root = Scope::root(g);
  std::vector<Output> xs, ys, losses;
  std::vector<std::vector<train::GradAndVar>> tower_grads;
  auto optimizer = train::adam(0.01);
  for (int t = 0; t < kTowers; ++t) {
    // Each tower gets half the batch; the second reuses the first one's variables.
    Scope tower = root.name_scope("tower_" + std::to_string(t));
    Output x = ops::placeholder(tower, DataType::kFloat, PartialShape({kPerTower, kFeatures}), "x");
    Output y = ops::placeholder(tower, DataType::kInt32, PartialShape({kPerTower}), "y");
    Scope model = tower.variable_scope(
        "model", {.reuse = t == 0 ? std::optional<Reuse>() : std::optional<Reuse>(Reuse::kTrue)});
    Output logits = tower_logits(model, x);
    Output xent = ops::sparse_softmax_cross_entropy_with_logits(tower, logits, y).first;
    Output loss = ops::reduce_mean(tower, xent);
    xs.push_back(x);
    ys.push_back(y);
    losses.push_back(loss);
    tower_grads.push_back(optimizer->compute_gradients(tower, loss));
  }
  // Average each variable's gradient over the towers, then one update.
  std::vector<train::GradAndVar> averaged;
  for (size_t v = 0; v < tower_grads[0].size(); ++v) {
    std::vector<Input> parts;
    for (const auto& grads : tower_grads) parts.push_back(grads[v].first);
    Scope avg = root.name_scope("average_gradients");
    averaged.emplace_back(ops::mul(avg, ops::add_n(avg, parts), 1.0f / kTowers),
                          tower_grads[0][v].second);
  }
  Variable global_step = train::get_or_create_global_step(g);
  Operation train_op = optimizer->apply_gradients(root, averaged, global_step);
  Output mean_loss = ops::mul(root, ops::add_n(root, {losses[0], losses[1]}), 0.5f);

  runtime::Session sess(g);
  std::vector<Operation> inits;
  for (const Variable& v : g.variables()) inits.push_back(v.initializer());
  sess.run({}, {}, inits);

  const Dataset data = make_dataset();
  std::cout << "Training a 2-tower model with shared weights (8-32-4 MLP, Adam, batch "
            << kBatch << ", " << kExamples << " synthetic examples):\n";
  const auto start = std::chrono::steady_clock::now();
  float loss = 0;
  for (int step = 1; step <= kSteps; ++step) {
    const int first = ((step - 1) * kBatch) % kExamples;
    std::vector<runtime::Session::Feed> feeds;
    for (int t = 0; t < kTowers; ++t) {
      feeds.emplace_back(xs[t], batch_tensor(data.x, first + t * kPerTower, kPerTower, kFeatures));
      feeds.emplace_back(ys[t], label_tensor(data.y, first + t * kPerTower, kPerTower));
    }
    const Output fetch[] = {mean_loss};
    const Operation target[] = {train_op};
    loss = sess.run(feeds, fetch, target)[0].data<float>()[0];
    if (step % 50 == 0 || step == kSteps) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      progress(step, kSteps, loss, step / secs);
    }
  }
  std::cout << "\n  global_step = " << sess.run(global_step.value()).data<int64_t>()[0]
            << ", final loss " << loss << (loss < 0.2f ? " (below 0.2)" : " (not below 0.2!)")
            << "\n\nScope tree of the trained graph:\n";
  print_scope_tree(std::cout, g, tree_options);
  std::cout << "\nVariables (" << g.variables(graph_keys::kTrainableVariables).size()
            << " trainable, shared by both towers; " << g.variables().size() << " in all):\n";
  for (const Variable& v : g.variables())
    std::printf("  %-34s %-10s %s\n", std::string(v.op().name()).c_str(),
                v.shape().to_string().c_str(), dtype_name(base_dtype(v.dtype())).c_str());
  // The same graph in the viewer: one self-contained page, in the current directory.
  const std::filesystem::path page = std::filesystem::absolute("sf_demo_graph.html");
  viewer::write_html(g, page.string(), {.title = "sf demo: two towers sharing weights"});
  std::cout << "\nGraph viewer page (folded by scope; open it in a browser): " << page.string()
            << "\n";
  return loss < 0.2f ? 0 : 1;
}

}  // namespace scopeflow::tools
