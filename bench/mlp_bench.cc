// MLP 784-256-256-10 forward pass, batch 64, through runtime::Session: MatMul + BiasAdd + Relu
// per layer (the last without Relu), weights in VariableV2s assigned once. Reports µs/batch.
//
// GEMM choice (the three MLP products per batch, standalone, machine shared with builds):
//   quiet runs:  Eigen GEMM 1 thread ~347-358 µs, OpenBLAS (openblas-pthread) 1 thread ~363 µs;
//   loaded runs: Eigen 1 thread 421-560 µs, Eigen contraction 2 threads 546-740 µs,
//                OpenBLAS 1 thread 396-572 µs, OpenBLAS 2 threads 524-976 µs.
// Eigen's own GEMM is as fast or faster, so no BLAS is linked.
#include <benchmark/benchmark.h>

#include <random>

#include "scopeflow/scopeflow.h"

namespace {

using namespace scopeflow;

Tensor random_tensor(std::vector<int64_t> shape, uint32_t seed, float scale) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(-scale, scale);
  Tensor t(DataType::kFloat, std::move(shape));
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = d(gen);
  return t;
}

struct Mlp {
  Graph g;
  Output x, y;
  std::vector<Output> inits;

  explicit Mlp(int64_t batch) {
    Scope s = Scope::root(g);
    x = ops::placeholder(s, DataType::kFloat, PartialShape({batch, 784}), "x");
    const int64_t sizes[] = {784, 256, 256, 10};
    Output h = x;
    for (int l = 0; l < 3; ++l) {
      Scope ls = s.name_scope("dense_" + std::to_string(l));
      Output w = ops::variable_v2(ls, PartialShape({sizes[l], sizes[l + 1]}), DataType::kFloat, "w");
      Output b = ops::variable_v2(ls, PartialShape({sizes[l + 1]}), DataType::kFloat, "b");
      inits.push_back(ops::assign(ls, w, random_tensor({sizes[l], sizes[l + 1]}, 1 + l, 0.05f)));
      inits.push_back(ops::assign(ls, b, random_tensor({sizes[l + 1]}, 10 + l, 0.1f)));
      h = ops::bias_add(ls, ops::matmul(ls, h, w), b);
      if (l < 2) h = ops::relu(ls, h);
    }
    y = h;
  }
};

void BM_MlpForward(benchmark::State& state) {
  const int64_t batch = state.range(0);
  Mlp m(batch);
  runtime::Session sess(m.g);
  sess.run(std::span<const runtime::Session::Feed>(), m.inits);
  const Tensor input = random_tensor({batch, 784}, 99, 1.0f);
  const runtime::Session::Feed feeds[] = {{m.x, input}};
  const Output fetch[] = {m.y};
  for (auto _ : state) {
    auto out = sess.run(feeds, fetch);
    benchmark::DoNotOptimize(out);
  }
  state.counters["batches/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                   benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MlpForward)->Arg(64)->Unit(benchmark::kMicrosecond);

// One layer's GEMM alone ([64,784] x [784,256]) through a session.
void BM_MatMul784x256(benchmark::State& state) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::constant(s, random_tensor({64, 784}, 1, 1.0f));
  Output b = ops::constant(s, random_tensor({784, 256}, 2, 1.0f));
  Output y = ops::matmul(s, a, b);
  runtime::Session sess(g);
  const Output fetch[] = {y};
  for (auto _ : state) {
    auto out = sess.run({}, fetch);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_MatMul784x256)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
