// Threads building into one graph: per-thread scope stacks stay independent while the one
// case-insensitive name table keeps every name unique (run under TSan by `make tsan`).
#include <gtest/gtest.h>

#include <cctype>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using testing::F32;
using testing::OpNames;

// Asserts inside worker threads are collected here and checked on the main thread.
struct ThreadReport {
  std::vector<std::string> failures;
  void check(bool ok, const std::string& what) {
    if (!ok) failures.push_back(what);
  }
};

TEST(Threads, TwoThreadsKeepIndependentScopeStacksInOneGraph) {
  Graph g;
  std::latch a_entered(1), b_entered(1), a_checked(1);
  ThreadReport ra, rb;
  std::string a_name, b_name;

  std::thread a([&] {
    GraphGuard gg(g);
    NameScope ns("worker");
    VariableScopeGuard vs("va");
    a_name = ns.name();
    a_entered.count_down();
    b_entered.wait();
    // B's scopes, opened in the meantime, are not visible here.
    Scope cur = current_scope();
    ra.check(cur.name_stack() == "worker/va", "A stack: " + std::string(cur.name_stack()));
    ra.check(cur.variable_scope().name() == "va", "A vs: " + cur.variable_scope().name());
    ra.check(ops::constant(F32(1)).name() == "worker/va/Const:0", "A const");
    a_checked.count_down();
  });
  std::thread b([&] {
    a_entered.wait();
    GraphGuard gg(g);
    // A's scopes are open, but this thread starts at the top.
    Scope top = current_scope();
    rb.check(top.name_stack().empty(), "B top: " + std::string(top.name_stack()));
    rb.check(top.variable_scope().name().empty(), "B top vs: " + top.variable_scope().name());
    NameScope ns("worker");
    VariableScopeGuard vs("vb");
    b_name = ns.name();
    b_entered.count_down();
    a_checked.wait();
    Scope cur = current_scope();
    rb.check(cur.name_stack() == "worker_1/vb", "B stack: " + std::string(cur.name_stack()));
    rb.check(cur.variable_scope().name() == "vb", "B vs: " + cur.variable_scope().name());
    rb.check(ops::constant(F32(1)).name() == "worker_1/vb/Const:0", "B const");
  });
  a.join();
  b.join();

  EXPECT_EQ(a_name, "worker/");
  EXPECT_EQ(b_name, "worker_1/");
  EXPECT_TRUE(ra.failures.empty()) << ra.failures.front();
  EXPECT_TRUE(rb.failures.empty()) << rb.failures.front();
  EXPECT_EQ(current_scope(g).name_stack(), "");
}

TEST(Threads, ConcurrentBuildersNeverProduceADuplicateOpName) {
  constexpr int kIterations = 200;
  Graph g;
  std::latch start(2);
  ThreadReport reports[2];
  auto work = [&](int id) {
    ThreadReport& r = reports[id];
    GraphGuard gg(g);
    const std::string vs_name = id == 0 ? "va" : "vb";
    NameScope own(id == 0 ? "a" : "b");
    VariableScopeGuard vs(vs_name);
    const std::string own_stack = std::string(id == 0 ? "a" : "b") + "/" + vs_name;
    start.arrive_and_wait();
    for (int i = 0; i < kIterations; ++i) {
      {
        // A top-level scope both threads open: the shared table uniquifies it.
        NameScope top(std::nullopt);
        {
          NameScope shared("shared");
          Output x = ops::constant(F32(1), "x");
          Output y = x + 1.0f;  // add/y, add
          (void)y;
        }
        // Same-named ops at the top from both threads.
        (void)ops::constant(F32(2), "Top");
      }
      if (i % 20 == 0) {
        GetVariableOptions o = testing::Shaped({1});
        o.initializer = init::zeros();
        Variable v = get_variable("w" + std::to_string(i), o);
        r.check(v.name() == vs_name + "/w" + std::to_string(i) + ":0", "var " + v.name());
      }
      Scope cur = current_scope();
      r.check(cur.name_stack() == own_stack, "stack " + std::string(cur.name_stack()));
      r.check(cur.variable_scope().name() == vs_name, "vs " + cur.variable_scope().name());
    }
  };
  std::thread t0(work, 0), t1(work, 1);
  t0.join();
  t1.join();
  for (const ThreadReport& r : reports) {
    EXPECT_TRUE(r.failures.empty()) << r.failures.front();
  }

  // Per iteration: shared_k/x, shared_k/add/y, shared_k/add, Top; per variable (zeros): 4 ops.
  const size_t expected = 2 * (kIterations * 4 + (kIterations / 20) * 4);
  const std::vector<std::string> names = OpNames(g);
  EXPECT_EQ(names.size(), expected);
  const std::set<std::string> distinct(names.begin(), names.end());
  EXPECT_EQ(distinct.size(), names.size());
  std::set<std::string> folded;
  for (std::string n : names) {
    for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    folded.insert(n);
  }
  EXPECT_EQ(folded.size(), names.size());
  EXPECT_EQ(g.variables().size(), 2u * (kIterations / 20));
  for (int i = 0; i < 2 * kIterations; ++i) {
    const std::string top = i == 0 ? "Top" : "Top_" + std::to_string(i);
    EXPECT_TRUE(g.find_operation(top).has_value()) << top;
  }
}

TEST(Threads, ConcurrentUniqueNamesCoverTheSequence) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  Graph g;
  std::vector<std::vector<std::string>> got(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) got[t].push_back(g.unique_name(i % 2 ? "x" : "X"));
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> folded;
  for (const auto& v : got) {
    for (std::string n : v) {
      for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      folded.insert(n);
    }
  }
  std::set<std::string> expected = {"x"};
  for (int i = 1; i < kThreads * kPerThread; ++i) expected.insert("x_" + std::to_string(i));
  EXPECT_EQ(folded, expected);
}

TEST(Threads, ExplicitScopesBuildConcurrentlyWithoutGuards) {
  constexpr int kIterations = 300;
  Graph g;
  std::latch start(2);
  std::vector<std::string> names[2];
  auto work = [&](int id) {
    Scope s = Scope::root(g).name_scope("layer");
    start.arrive_and_wait();
    for (int i = 0; i < kIterations; ++i) names[id].push_back(ops::constant(s, F32(1)).name());
  };
  std::thread t0(work, 0), t1(work, 1);
  t0.join();
  t1.join();
  std::set<std::string> all(names[0].begin(), names[0].end());
  all.insert(names[1].begin(), names[1].end());
  EXPECT_EQ(all.size(), 2u * kIterations);
  EXPECT_EQ(g.num_operations(), 2u * kIterations);
  // The two threads' "layer" scopes were uniquified against each other.
  EXPECT_TRUE(all.count("layer/Const:0") == 1 && all.count("layer_1/Const:0") == 1);
}

// TF keeps the variable-scope store (current scope and default_name counters) in a
// threading.local on the graph, while name scopes go through the shared name table.
TEST(Threads, EachThreadHasItsOwnVariableScopeStore) {
  Graph g;
  std::string names[2], name_scopes[2];
  Reuse reuse_seen[2];
  std::latch first_done(1);
  std::thread t0([&] {
    GraphGuard gg(g);
    current_scope().variable_scope().reuse_variables();
    auto blk = VariableScopeGuard::with_default_name("blk");
    names[0] = blk->variable_scope().name();
    name_scopes[0] = blk->variable_scope().original_name_scope();
    reuse_seen[0] = blk->variable_scope().reuse();
    first_done.count_down();
  });
  std::thread t1([&] {
    first_done.wait();
    GraphGuard gg(g);
    auto blk = VariableScopeGuard::with_default_name("blk");
    names[1] = blk->variable_scope().name();
    name_scopes[1] = blk->variable_scope().original_name_scope();
    reuse_seen[1] = blk->variable_scope().reuse();
  });
  t0.join();
  t1.join();
  EXPECT_EQ(names[0], "blk");
  EXPECT_EQ(names[1], "blk");
  EXPECT_EQ(name_scopes[0], "blk/");
  EXPECT_EQ(name_scopes[1], "blk_1/");
  EXPECT_EQ(reuse_seen[0], Reuse::kTrue);
  EXPECT_EQ(reuse_seen[1], Reuse::kFalse);
}

TEST(Threads, AGraphGuardInAThreadDoesNotChangeOtherThreadsDefault) {
  Graph g;
  Graph* seen_in_thread = nullptr;
  Graph* main_default = &default_graph();
  std::latch entered(1), checked(1);
  std::thread t([&] {
    GraphGuard gg(g);
    seen_in_thread = &default_graph();
    entered.count_down();
    checked.wait();
  });
  entered.wait();
  EXPECT_EQ(&default_graph(), main_default);
  checked.count_down();
  t.join();
  EXPECT_EQ(seen_in_thread, &g);
}

}  // namespace
}  // namespace scopeflow
