// add_chain_bench: the cost of tiny ops through the whole executor.
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSF_PYTHON=OFF -DSF_BENCH=ON
//   cmake --build build-bench --target add_chain_bench
//   ./build-bench/bin/add_chain_bench
//
// x = placeholder float [4] (or a scalar); y_1 = x + x, y_k = y_{k-1} + x, ... 10,000 chained
// Add ops; each iteration is one Session::run fetching the last one and feeding x (the plan
// is compiled before timing). Counter `ns_per_op`: wall time per Add, executor included
// (target <= 300 ns). BM_AddChainBroadcast mixes in the general broadcasting path ([4] plus
// [2,1] alternately gives [2,4]).
#include <benchmark/benchmark.h>

#include <vector>

#include "scopeflow/scopeflow.h"

namespace {

using scopeflow::DataType;
using scopeflow::Graph;
using scopeflow::Output;
using scopeflow::PartialShape;
using scopeflow::Scope;
using scopeflow::Tensor;
namespace ops = scopeflow::ops;

constexpr int kChain = 10000;

void RunChain(benchmark::State& state, const std::vector<int64_t>& shape, bool broadcast) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape(shape), "x");
  Output other = x;
  if (broadcast)
    other = ops::placeholder(s, DataType::kFloat, PartialShape({2, 1}), "b");
  Output cur = x;
  for (int i = 0; i < kChain; ++i) cur = ops::add(s, cur, (broadcast && i == 0) ? other : x);
  scopeflow::runtime::Session sess(g);
  Tensor xv(DataType::kFloat, shape);
  for (int64_t i = 0; i < xv.num_elements(); ++i) xv.data<float>()[i] = 1.0f;
  std::vector<scopeflow::runtime::Session::Feed> feeds = {{x, xv}};
  if (broadcast) feeds.emplace_back(other, Tensor(DataType::kFloat, {2, 1}));
  const Output fetch[] = {cur};
  (void)sess.run(feeds, fetch);  // compile the plan, allocate the buffers
  for (auto _ : state) {
    std::vector<Tensor> out = sess.run(feeds, fetch);
    benchmark::DoNotOptimize(out[0].raw());
  }
  state.SetItemsProcessed(state.iterations() * kChain);
  state.counters["ns_per_op"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kChain,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_AddChainVector4(benchmark::State& state) { RunChain(state, {4}, false); }
void BM_AddChainScalar(benchmark::State& state) { RunChain(state, {}, false); }
void BM_AddChainBroadcast(benchmark::State& state) { RunChain(state, {4}, true); }

BENCHMARK(BM_AddChainVector4)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AddChainScalar)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AddChainBroadcast)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
