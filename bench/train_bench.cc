// One SGD training step of an MLP 784-256-256-10, batch 64, through runtime::Session: forward,
// sparse softmax cross-entropy, tf.gradients' backward graph and ApplyGradientDescent on every
// weight. Reports µs per step (bench/peers/run_peers.sh compares it with libtorch).
#include <benchmark/benchmark.h>

#include <random>

#include "scopeflow/scopeflow.h"

namespace {

using namespace scopeflow;

void BM_MlpSgdStep(benchmark::State& state) {
  constexpr int64_t kBatch = 64;
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({kBatch, 784}), "x");
  Output labels = ops::placeholder(s, DataType::kInt32, PartialShape({kBatch}), "labels");
  const int64_t sizes[] = {784, 256, 256, 10};
  Output h = x;
  for (int l = 0; l < 3; ++l) {
    Scope layer = s.variable_scope("dense_" + std::to_string(l));
    Variable w = get_variable(layer, "kernel", {.shape = PartialShape({sizes[l], sizes[l + 1]}),
                                                .initializer = init::glorot_uniform(l + 1)});
    Variable b = get_variable(layer, "bias",
                              {.shape = PartialShape({sizes[l + 1]}), .initializer = init::zeros()});
    h = ops::bias_add(layer, ops::matmul(layer, h, w), b);
    if (l < 2) h = ops::relu(layer, h);
  }
  Output loss =
      ops::reduce_mean(s, ops::sparse_softmax_cross_entropy_with_logits(s, h, labels).first);
  Operation train_op = train::gradient_descent(0.01)->minimize(s, loss);

  runtime::Session sess(g);
  std::vector<Operation> inits;
  for (const Variable& v : g.variables()) inits.push_back(v.initializer());
  sess.run({}, {}, inits);
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Tensor xv(DataType::kFloat, {kBatch, 784});
  for (int64_t i = 0; i < xv.num_elements(); ++i) xv.data<float>()[i] = u(gen);
  Tensor yv(DataType::kInt32, {kBatch});
  for (int64_t i = 0; i < kBatch; ++i) yv.data<int32_t>()[i] = static_cast<int32_t>(i % 10);
  const runtime::Session::Feed feeds[] = {{x, xv}, {labels, yv}};
  const Operation targets[] = {train_op};
  for (auto _ : state) sess.run(feeds, {}, targets);
  state.counters["steps/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MlpSgdStep)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
