// naming_bench: what naming costs when building TF1-style graphs with scopeflow.
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSF_PYTHON=OFF
//   cmake --build build-bench --target naming_bench
//   ./build-bench/bin/naming_bench --benchmark_repetitions=3
//   --benchmark_enable_random_interleaving=true
//
// (Random interleaving spreads the noise of a shared machine evenly over the scopeflow and
// baseline families, which matters for their ratio.)
//
// Families (each reports per-op / per-name figures as counters, see below):
//   BM_NestedAdd/N, BM_NestedIdentity/N   N ops in name scopes 3 deep
//                                         ("model/layer_k/block_j/Add_i"), fresh Graph each
//                                         iteration (teardown not timed).
//   BM_BaselineAbsl/N, BM_BaselineStd/N   the same N names, only formatted and inserted
//                                         into absl::flat_hash_map<std::string, int> (the
//                                         baseline the targets refer to: scopeflow's own
//                                         tables are absl::flat_hash_map) or, for reference,
//                                         std::unordered_map.
//   BM_MemoryNestedAdd/N, BM_MemoryBaselineAbsl/N
//                                         glibc mallinfo2() heap delta of building N ops in a
//                                         fresh Graph (resp. filling the baseline map), per op,
//                                         minus the average name length; and arena_bytes()/N.
//   BM_GetVariableReuse/V                 get_variable lookups with reuse=True, round-robin
//                                         over V variables.
//   BM_NameScopeGuard, BM_NameScopeExplicit, BM_NameScopeGuardReenter
//                                         one name-scope enter/exit.
//   BM_SameName/N, BM_SameNameInterleaved/N
//                                         N ops all asking for "Add" (Add, Add_1, ...); and the
//                                         same interleaved with explicit, case-folded names one
//                                         step ahead of TF's counter ("add_2", "ADD_4", ...),
//                                         which makes TF 1.15's own scan quadratic.
//   BM_SameNameBaseline/N                 the same names into absl::flat_hash_map, to separate
//                                         cache/TLB growth from algorithmic growth.
//
// Counters: `ns_per_op` / `ns_per_name` / `ns_per_lookup` / `ns_per_enter_exit` are CPU time
// per item (Counter::kInvert of an items rate: the console prints e.g. "412.3ns"; JSON holds
// seconds). Memory counters are plain bytes.
//
// With the console reporter (the default), a summary of the medians (or the single runs) and
// of the targets is printed at the end.

#include <absl/container/flat_hash_map.h>
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scopeflow/scopeflow.h"

namespace sf = scopeflow;

namespace {

// ---------------------------------------------------------------------------------------------
// Shared helpers

// Shape of the nested benchmarks: model/layer_<l>/block_<b>/<op>, 10 blocks per layer and 100
// ops per block, so 10^3 ops = 1 layer, 10^6 ops = 1000 layers.
constexpr int kBlocksPerLayer = 10;
constexpr int kOpsPerBlock = 100;

void append_int(std::string& s, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
}

std::string with_int(std::string_view prefix, int64_t v) {
  std::string s(prefix);
  append_int(s, v);
  return s;
}

// Per-item CPU time as a counter: value n per iteration, as a rate, inverted → seconds/item.
void set_per_item(benchmark::State& state, int64_t items_per_iteration, const char* counter) {
  state.SetItemsProcessed(state.iterations() * items_per_iteration);
  state.counters[counter] = benchmark::Counter(
      static_cast<double>(items_per_iteration),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Bytes currently allocated through malloc: small/medium chunks (uordblks) plus mmapped ones
// (hblkhd; large hash-table arrays and node segments end up there).
size_t heap_in_use() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

// ---------------------------------------------------------------------------------------------
// Nested-scope op creation

enum class OpKind { kAdd, kIdentity };

// Builds n ops (plus two constants "model/x", "model/y") and returns the last op built.
sf::Operation build_nested(sf::Graph& g, int64_t n, OpKind kind) {
  sf::Scope root = sf::Scope::root(g);
  sf::Scope model = root.name_scope("model");
  sf::Output x = sf::ops::constant(model, sf::Tensor::scalar(1.0f), "x");
  sf::Output y = sf::ops::constant(model, sf::Tensor::scalar(2.0f), "y");
  sf::Output last;
  std::string lname, bname;
  int64_t made = 0;
  for (int64_t l = 0; made < n; ++l) {
    lname.assign("layer_");
    append_int(lname, l);
    sf::Scope layer = model.name_scope(lname);
    for (int b = 0; b < kBlocksPerLayer && made < n; ++b) {
      bname.assign("block_");
      append_int(bname, b);
      sf::Scope block = layer.name_scope(bname);
      for (int i = 0; i < kOpsPerBlock && made < n; ++i, ++made) {
        last = kind == OpKind::kAdd ? sf::ops::add(block, x, y) : sf::ops::identity(block, x);
        benchmark::DoNotOptimize(last);
      }
    }
  }
  return last.op();
}

// The name build_nested gives its op number `k` (0-based).
std::string nested_name(int64_t k, OpKind kind) {
  const int64_t per_layer = int64_t{kBlocksPerLayer} * kOpsPerBlock;
  const int64_t l = k / per_layer, b = (k % per_layer) / kOpsPerBlock, i = k % kOpsPerBlock;
  std::string s = "model/layer_";
  append_int(s, l);
  s += "/block_";
  append_int(s, b);
  s += kind == OpKind::kAdd ? "/Add" : "/Identity";
  if (i) {
    s += '_';
    append_int(s, i);
  }
  return s;
}

void BM_Nested(benchmark::State& state, OpKind kind) {
  const int64_t n = state.range(0);
  for (auto _ : state) {
    auto g = std::make_unique<sf::Graph>();
    sf::Operation last = build_nested(*g, n, kind);
    state.PauseTiming();
    if (last.name() != nested_name(n - 1, kind) ||
        g->num_operations() != static_cast<size_t>(n) + 2) {
      state.SkipWithError(("unexpected graph: last op " + std::string(last.name())).c_str());
    }
    g.reset();
    state.ResumeTiming();
  }
  set_per_item(state, n, "ns_per_op");
}
void BM_NestedAdd(benchmark::State& state) { BM_Nested(state, OpKind::kAdd); }
void BM_NestedIdentity(benchmark::State& state) { BM_Nested(state, OpKind::kIdentity); }

// ---------------------------------------------------------------------------------------------
// Baseline: format the same names and insert them into a hash map.

template <typename Map>
void fill_baseline(Map& m, int64_t n) {
  std::string prefix, name;
  int64_t made = 0;
  for (int64_t l = 0; made < n; ++l) {
    for (int b = 0; b < kBlocksPerLayer && made < n; ++b) {
      prefix.assign("model/layer_");
      append_int(prefix, l);
      prefix += "/block_";
      append_int(prefix, b);
      prefix += "/Add";
      for (int i = 0; i < kOpsPerBlock && made < n; ++i, ++made) {
        name.assign(prefix);
        if (i) {
          name += '_';
          append_int(name, i);
        }
        m.try_emplace(name, static_cast<int>(made));
      }
    }
  }
}

template <typename Map>
void BM_Baseline(benchmark::State& state) {
  const int64_t n = state.range(0);
  for (auto _ : state) {
    auto m = std::make_unique<Map>();
    fill_baseline(*m, n);
    benchmark::DoNotOptimize(m->size());
    state.PauseTiming();
    if (m->size() != static_cast<size_t>(n) || !m->contains(nested_name(n - 1, OpKind::kAdd)))
      state.SkipWithError("baseline names differ from the scopeflow ones");
    m.reset();
    state.ResumeTiming();
  }
  set_per_item(state, n, "ns_per_name");
}
void BM_BaselineAbsl(benchmark::State& state) {
  BM_Baseline<absl::flat_hash_map<std::string, int>>(state);
}
void BM_BaselineStd(benchmark::State& state) {
  BM_Baseline<std::unordered_map<std::string, int>>(state);
}

// ---------------------------------------------------------------------------------------------
// Memory per op

void BM_MemoryNestedAdd(benchmark::State& state) {
  const int64_t n = state.range(0);
  double heap = 0, names = 0, arena = 0;
  for (auto _ : state) {
    auto g = std::make_unique<sf::Graph>();
    (void)sf::Scope::root(*g);  // per-thread scope state: a fixed cost, not per op
    const size_t arena0 = g->arena_bytes();
    const size_t heap0 = heap_in_use();
    build_nested(*g, n, OpKind::kAdd);
    const size_t heap1 = heap_in_use();
    const size_t arena1 = g->arena_bytes();
    size_t name_bytes = 0;
    for (size_t i = 2; i < g->num_operations(); ++i) name_bytes += g->operation(i).name().size();
    heap = static_cast<double>(heap1 - heap0) / n;
    arena = static_cast<double>(arena1 - arena0) / n;
    names = static_cast<double>(name_bytes) / n;
    g.reset();
  }
  state.counters["heap_B_per_op"] = heap;
  state.counters["name_B_per_op"] = names;
  state.counters["beyond_name_B_per_op"] = heap - names;
  state.counters["arena_B_per_op"] = arena;
  state.counters["heap_not_arena_B_per_op"] = heap - arena;
}

void BM_MemoryBaselineAbsl(benchmark::State& state) {
  const int64_t n = state.range(0);
  double heap = 0, names = 0;
  for (auto _ : state) {
    auto m = std::make_unique<absl::flat_hash_map<std::string, int>>();
    const size_t heap0 = heap_in_use();
    fill_baseline(*m, n);
    const size_t heap1 = heap_in_use();
    size_t name_bytes = 0;
    for (const auto& [k, v] : *m) name_bytes += k.size();
    heap = static_cast<double>(heap1 - heap0) / n;
    names = static_cast<double>(name_bytes) / n;
    m.reset();
  }
  state.counters["heap_B_per_op"] = heap;
  state.counters["name_B_per_op"] = names;
  state.counters["beyond_name_B_per_op"] = heap - names;
}

// ---------------------------------------------------------------------------------------------
// get_variable(reuse=True)

void BM_GetVariableReuse(benchmark::State& state) {
  const int64_t nvars = state.range(0);
  const bool with_shape = state.range(1) != 0;
  sf::Graph g;
  sf::Scope root = sf::Scope::root(g);
  std::vector<std::string> names;
  std::vector<sf::Variable> created;
  {
    sf::Scope create = root.variable_scope("model");
    for (int64_t i = 0; i < nvars; ++i) {
      names.push_back(with_int("w_", i));
      created.push_back(sf::get_variable(create, names.back(),
                                         sf::GetVariableOptions{.shape = sf::PartialShape({2})}));
    }
  }
  sf::Scope reuse =
      root.variable_scope("model", sf::VariableScopeOptions{.reuse = sf::Reuse::kTrue});
  const size_t ops_before = g.num_operations();
  size_t i = 0;
  bool ok = true;
  for (auto _ : state) {
    sf::Variable v = with_shape
                         ? sf::get_variable(reuse, names[i],
                                            sf::GetVariableOptions{.shape = sf::PartialShape({2})})
                         : sf::get_variable(reuse, names[i]);
    ok &= v == created[i];
    benchmark::DoNotOptimize(v);
    if (++i == names.size()) i = 0;
  }
  if (!ok || g.num_operations() != ops_before)
    state.SkipWithError("reuse lookup returned another variable or created ops");
  set_per_item(state, 1, "ns_per_lookup");
}

// ---------------------------------------------------------------------------------------------
// name_scope enter/exit

// Every scope entered by name reserves a new name ("block", "block_1", ...), so the table
// grows with the iteration count, as in TF. Every kBatch iterations the graph is replaced
// (untimed) so that tables stay realistic (≤ 65536 sibling scopes) and memory stays bounded.
constexpr int64_t kBatch = 1 << 16;

struct GuardContext {
  explicit GuardContext(std::unique_ptr<sf::Graph> graph) : g(std::move(graph)) {
    gg.emplace(*g);
    model.emplace("model");
    layer.emplace("layer_0");
  }
  std::unique_ptr<sf::Graph> g;  // destroyed last
  std::optional<sf::GraphGuard> gg;
  std::optional<sf::NameScope> model;
  std::optional<sf::NameScope> layer;
};

// RAII NameScope under model/layer_0 on the default graph (GraphGuard): "model/layer_0/block_k".
void BM_NameScopeGuard(benchmark::State& state) {
  auto ctx = std::make_unique<GuardContext>(std::make_unique<sf::Graph>());
  int64_t k = 0;
  for (auto _ : state) {
    {
      sf::NameScope ns("block");
      benchmark::DoNotOptimize(ns.scope().state());
    }
    if (++k == kBatch) {
      state.PauseTiming();
      ctx.reset();
      ctx = std::make_unique<GuardContext>(std::make_unique<sf::Graph>());
      k = 0;
      state.ResumeTiming();
    }
  }
  set_per_item(state, 1, "ns_per_enter_exit");
}

// RAII re-entry of a captured scope ("model/layer_0/", trailing slash): no name is reserved,
// so this is the pure cost of a guard (scope value + frame push/pop).
void BM_NameScopeGuardReenter(benchmark::State& state) {
  GuardContext ctx(std::make_unique<sf::Graph>());
  for (auto _ : state) {
    sf::NameScope ns("model/layer_0/");
    benchmark::DoNotOptimize(ns.scope().state());
  }
  set_per_item(state, 1, "ns_per_enter_exit");
}

// Explicit Scope::name_scope("block") under model/layer_0; the new Scope is dropped at once.
void BM_NameScopeExplicit(benchmark::State& state) {
  auto g = std::make_unique<sf::Graph>();
  auto make_parent = [](sf::Graph& graph) {
    return sf::Scope::root(graph).name_scope("model").name_scope("layer_0");
  };
  sf::Scope parent = make_parent(*g);
  int64_t k = 0;
  for (auto _ : state) {
    {
      sf::Scope s = parent.name_scope("block");
      benchmark::DoNotOptimize(s.state());
    }
    if (++k == kBatch) {
      state.PauseTiming();
      parent = sf::Scope();
      g = std::make_unique<sf::Graph>();
      parent = make_parent(*g);
      k = 0;
      state.ResumeTiming();
    }
  }
  set_per_item(state, 1, "ns_per_enter_exit");
}

// ---------------------------------------------------------------------------------------------
// Same name over and over: no quadratic path

// Explicit names for the interleaved variant: op k (odd) asks for "add_<k+1>" / "ADD_<k+1>",
// which is ahead of TF's counter for "Add" (at k/2), so TF's scan from the counter would walk
// over ~k/2 taken names (quadratic overall); the scan hint must keep it O(1).
std::vector<std::string> interleaved_names(int64_t n) {
  std::vector<std::string> v(static_cast<size_t>(n));
  for (int64_t k = 1; k < n; k += 2) v[k] = with_int(k % 4 == 1 ? "add_" : "ADD_", k + 1);
  return v;
}

// Expected names (from TF 1.15's algorithm): even k → "Add" / "Add_<k-1>", odd k → as asked.
std::string interleaved_expected(int64_t k, const std::vector<std::string>& explicit_names) {
  if (k % 2 == 1) return "model/block/" + explicit_names[k];
  return k == 0 ? "model/block/Add" : with_int("model/block/Add_", k - 1);
}

void BM_SameNameImpl(benchmark::State& state, bool interleaved) {
  const int64_t n = state.range(0);
  const std::vector<std::string> explicit_names =
      interleaved ? interleaved_names(n) : std::vector<std::string>{};
  for (auto _ : state) {
    auto g = std::make_unique<sf::Graph>();
    std::vector<sf::Operation> made;
    {
      sf::Scope s = sf::Scope::root(*g).name_scope("model").name_scope("block");
      sf::Output x = sf::ops::constant(s, sf::Tensor::scalar(1.0f), "x");
      sf::Output y = sf::ops::constant(s, sf::Tensor::scalar(2.0f), "y");
      state.PauseTiming();
      made.reserve(n);
      state.ResumeTiming();
      for (int64_t k = 0; k < n; ++k) {
        sf::Output o = (interleaved && (k & 1)) ? sf::ops::add(s, x, y, explicit_names[k])
                                                : sf::ops::add(s, x, y);
        made.push_back(o.op());
      }
    }
    state.PauseTiming();
    for (int64_t k : {int64_t{0}, int64_t{1}, int64_t{2}, n / 2, n / 2 + 1, n - 2, n - 1}) {
      const std::string want = interleaved ? interleaved_expected(k, explicit_names)
                               : k == 0    ? std::string("model/block/Add")
                                           : with_int("model/block/Add_", k);
      if (made[k].name() != want) {
        state.SkipWithError(("op " + std::to_string(k) + " named " + std::string(made[k].name()) +
                             ", expected " + want)
                                .c_str());
        break;
      }
    }
    made.clear();
    g.reset();
    state.ResumeTiming();
  }
  set_per_item(state, n, "ns_per_op");
}
void BM_SameName(benchmark::State& state) { BM_SameNameImpl(state, false); }
void BM_SameNameInterleaved(benchmark::State& state) { BM_SameNameImpl(state, true); }

// The same N names ("model/block/Add", "model/block/Add_1", ...) formatted and inserted into
// absl::flat_hash_map: how much a plain hash map's per-name time grows from 10^4 to 10^5 on
// this machine (cache and TLB effects), to compare with BM_SameName's growth.
void BM_SameNameBaseline(benchmark::State& state) {
  const int64_t n = state.range(0);
  for (auto _ : state) {
    auto m = std::make_unique<absl::flat_hash_map<std::string, int>>();
    std::string name;
    for (int64_t k = 0; k < n; ++k) {
      name.assign("model/block/Add");
      if (k) {
        name += '_';
        append_int(name, k);
      }
      m->try_emplace(name, static_cast<int>(k));
    }
    benchmark::DoNotOptimize(m->size());
    state.PauseTiming();
    m.reset();
    state.ResumeTiming();
  }
  set_per_item(state, n, "ns_per_name");
}

}  // namespace

BENCHMARK(BM_NestedAdd)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NestedIdentity)
    ->Arg(1'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineAbsl)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineStd)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MemoryNestedAdd)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MemoryBaselineAbsl)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GetVariableReuse)->Args({1, 1})->Args({1000, 1})->Args({1000, 0});
BENCHMARK(BM_NameScopeGuard);
BENCHMARK(BM_NameScopeGuardReenter);
BENCHMARK(BM_NameScopeExplicit);
BENCHMARK(BM_SameName)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SameNameInterleaved)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SameNameBaseline)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------------
// Console reporter that also prints a summary of the medians and of the targets.

namespace {

class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      // Keep the median when there are repetitions, else the single run.
      const bool aggregate = r.run_type == Run::RT_Aggregate;
      if (aggregate && r.aggregate_name != "median") continue;
      const std::string key = r.run_name.function_name + "/" + r.run_name.args;
      if (!aggregate && medians_.count(key)) continue;
      Figures f;
      for (const auto& [name, c] : r.counters) f.counters[name] = c.value;
      f.real_ms = r.GetAdjustedRealTime() * to_ms(r.time_unit);
      f.cpu_ms = r.GetAdjustedCPUTime() * to_ms(r.time_unit);
      (aggregate ? medians_[key] : singles_[key]) = f;
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::FILE* out = stdout;
    std::fprintf(out, "\n==== Summary (%s) ====\n",
                 medians_.empty() ? "single runs" : "medians of the repetitions");
    auto ns = [&](const std::string& key, const char* counter) -> double {
      const Figures* f = find(key);
      if (!f || !f->counters.count(counter)) return NAN;
      return f->counters.at(counter) * 1e9;
    };
    auto bytes = [&](const std::string& key, const char* counter) -> double {
      const Figures* f = find(key);
      if (!f || !f->counters.count(counter)) return NAN;
      return f->counters.at(counter);
    };
    auto verdict = [](bool ok) { return ok ? "MET" : "MISSED"; };
    auto have = [&](const std::string& key) { return find(key) != nullptr; };
    if (have("BM_NestedAdd/1000") || have("BM_BaselineAbsl/1000"))
      std::fprintf(out, "%-10s %12s %14s %14s %12s %12s\n", "ops", "Add ns/op", "Identity ns/op",
                   "absl ns/name", "Add/absl", "std ns/name");
    for (const char* n : {"1000", "100000", "1000000"}) {
      if (!have(std::string("BM_NestedAdd/") + n) && !have(std::string("BM_BaselineAbsl/") + n))
        continue;
      const double add = ns(std::string("BM_NestedAdd/") + n, "ns_per_op");
      const double id = ns(std::string("BM_NestedIdentity/") + n, "ns_per_op");
      const double base = ns(std::string("BM_BaselineAbsl/") + n, "ns_per_name");
      const double stdb = ns(std::string("BM_BaselineStd/") + n, "ns_per_name");
      std::fprintf(out, "%-10s %12.1f %14.1f %14.1f %11.2fx %12.1f\n", n, add, id, base, add / base,
                   stdb);
    }
    if (const Figures* f = find("BM_NestedAdd/1000000")) {
      std::fprintf(out, "10^6 Add ops: %.0f ms wall, %.0f ms CPU  -> target < 1000 ms: %s\n",
                   f->real_ms, f->cpu_ms, verdict(f->real_ms < 1000));
    }
    {
      double worst = NAN;
      for (const char* n : {"1000", "100000", "1000000"}) {
        const double r = ns(std::string("BM_NestedAdd/") + n, "ns_per_op") /
                         ns(std::string("BM_BaselineAbsl/") + n, "ns_per_name");
        if (!std::isnan(r)) worst = std::isnan(worst) ? r : std::max(worst, r);
      }
      if (!std::isnan(worst))
        std::fprintf(out, "worst Add/absl ratio: %.2fx -> target <= 2x: %s\n", worst,
                     verdict(worst <= 2.0));
    }
    for (const char* n : {"100000", "1000000"}) {
      const std::string k = std::string("BM_MemoryNestedAdd/") + n;
      if (!have(k)) continue;
      const double beyond = bytes(k, "beyond_name_B_per_op");
      std::fprintf(out,
                   "memory @%s ops: heap %.1f B/op, name %.1f B/op, beyond name %.1f B/op "
                   "(target <= 200: %s), arena %.1f B/op, heap outside arena %.1f B/op; "
                   "absl baseline beyond name %.1f B/name\n",
                   n, bytes(k, "heap_B_per_op"), bytes(k, "name_B_per_op"), beyond,
                   verdict(beyond <= 200), bytes(k, "arena_B_per_op"),
                   bytes(k, "heap_not_arena_B_per_op"),
                   bytes(std::string("BM_MemoryBaselineAbsl/") + n, "beyond_name_B_per_op"));
    }
    if (have("BM_GetVariableReuse/1/1"))
      std::fprintf(out,
                   "get_variable reuse: %.1f ns (1 var, shape), %.1f ns (1000 vars, shape), "
                   "%.1f ns (1000 vars, no shape)\n",
                   ns("BM_GetVariableReuse/1/1", "ns_per_lookup"),
                   ns("BM_GetVariableReuse/1000/1", "ns_per_lookup"),
                   ns("BM_GetVariableReuse/1000/0", "ns_per_lookup"));
    if (have("BM_NameScopeGuard/"))
      std::fprintf(out,
                   "name_scope enter/exit: %.1f ns (NameScope guard), %.1f ns (explicit "
                   "Scope::name_scope), %.1f ns (guard re-entering \"a/b/\")\n",
                   ns("BM_NameScopeGuard/", "ns_per_enter_exit"),
                   ns("BM_NameScopeExplicit/", "ns_per_enter_exit"),
                   ns("BM_NameScopeGuardReenter/", "ns_per_enter_exit"));
    const double base_growth = ns("BM_SameNameBaseline/100000", "ns_per_name") /
                               ns("BM_SameNameBaseline/10000", "ns_per_name");
    if (have("BM_SameNameBaseline/10000"))
      std::fprintf(out,
                   "BM_SameNameBaseline (absl map, same names): %.1f ns/name @10^4, %.1f @10^5 "
                   "(growth %.2f)\n",
                   ns("BM_SameNameBaseline/10000", "ns_per_name"),
                   ns("BM_SameNameBaseline/100000", "ns_per_name"), base_growth);
    for (const char* fam : {"BM_SameName", "BM_SameNameInterleaved"}) {
      const double a = ns(std::string(fam) + "/10000", "ns_per_op");
      const double b = ns(std::string(fam) + "/100000", "ns_per_op");
      if (std::isnan(a) || std::isnan(b)) continue;
      std::fprintf(out,
                   "%s: %.1f ns/op @10^4, %.1f ns/op @10^5 (growth %.2f; %.2f relative to the "
                   "baseline's growth; quadratic would be ~10)\n",
                   fam, a, b, b / a, (b / a) / base_growth);
    }
  }

 private:
  struct Figures {
    std::map<std::string, double> counters;
    double real_ms = 0, cpu_ms = 0;
  };
  static double to_ms(benchmark::TimeUnit u) {
    switch (u) {
      case benchmark::kNanosecond:
        return 1e-6;
      case benchmark::kMicrosecond:
        return 1e-3;
      case benchmark::kMillisecond:
        return 1;
      case benchmark::kSecond:
        return 1e3;
    }
    return 1;
  }
  const Figures* find(const std::string& key) const {
    if (auto it = medians_.find(key); it != medians_.end()) return &it->second;
    if (auto it = singles_.find(key); it != singles_.end()) return &it->second;
    return nullptr;
  }
  std::map<std::string, Figures> medians_, singles_;
};

}  // namespace

int main(int argc, char** argv) {
  bool console = true;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.rfind("--benchmark_format=", 0) == 0 && a != "--benchmark_format=console")
      console = false;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (console) {
    SummaryReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                   : benchmark::ConsoleReporter::OO_None);
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  return 0;
}
