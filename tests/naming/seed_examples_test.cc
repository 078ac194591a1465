// The seed examples (conformance cases 001-011) in both styles, asserting the names in
// their .out files.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using testing::F32;
using testing::FloatTensor;
using testing::Named;
using testing::Shaped;
using testing::VariableNames;
using SeedGuards = testing::DefaultGraphTest;

// ---- 001: nested variable scopes ----

TEST(SeedExplicit, NestedVariableScopes001) {
  Graph g;
  Scope tet1 = Scope::root(g).variable_scope("tet1");
  Variable var3 = get_variable(tet1, "var3", Shaped({2}, DataType::kFloat));
  Variable var4 = get_variable(tet1.variable_scope("tet2"), "var4", Shaped({2}, DataType::kFloat));
  EXPECT_EQ(var3.name(), "tet1/var3:0");
  EXPECT_EQ(var4.name(), "tet1/tet2/var4:0");
}

TEST_F(SeedGuards, NestedVariableScopes001) {
  VariableScopeGuard tet1("tet1");
  Variable var3 = get_variable("var3", Shaped({2}, DataType::kFloat));
  EXPECT_EQ(var3.name(), "tet1/var3:0");
  VariableScopeGuard tet2("tet2");
  Variable var4 = get_variable("var4", Shaped({2}, DataType::kFloat));
  EXPECT_EQ(var4.name(), "tet1/tet2/var4:0");
}

// ---- 002: scopes opened inside functions ----

Variable Te1(const Scope& s) {
  return get_variable(s.variable_scope("te1"), "var1", Shaped({2}, DataType::kFloat));
}

TEST(SeedExplicit, ScopesInFunctions002) {
  Graph g;
  Scope root = Scope::root(g);
  Scope te2 = root.variable_scope("te2");
  Variable var2 = get_variable(te2, "var2", Shaped({2}, DataType::kFloat));
  Variable var1 = Te1(te2);
  EXPECT_EQ(var2.name(), "te2/var2:0");
  EXPECT_EQ(var1.name(), "te2/te1/var1:0");
  EXPECT_EQ(Te1(root).name(), "te1/var1:0");
}

Variable Te1Guarded() {
  VariableScopeGuard s("te1");
  return get_variable("var1", Shaped({2}, DataType::kFloat));
}

std::pair<Variable, Variable> Te2Guarded() {
  VariableScopeGuard s("te2");
  Variable var2 = get_variable("var2", Shaped({2}, DataType::kFloat));
  Variable var1 = Te1Guarded();
  return {var1, var2};
}

TEST_F(SeedGuards, ScopesInFunctions002) {
  auto [var1, var2] = Te2Guarded();
  EXPECT_EQ(var2.name(), "te2/var2:0");
  EXPECT_EQ(var1.name(), "te2/te1/var1:0");
  EXPECT_EQ(Te1Guarded().name(), "te1/var1:0");
}

// ---- 003: the same name nested, printed ----

TEST(SeedExplicit, SameNameNestedRepr003) {
  Graph g;
  Scope scope = Scope::root(g).variable_scope("scope");
  Variable w1 = get_variable(scope, "w", Shaped({1}));
  Variable w2 = get_variable(scope.variable_scope("scope"), "w", Shaped({1}));
  EXPECT_EQ(w1.repr(), "<tf.Variable 'scope/w:0' shape=(1,) dtype=float32_ref>");
  EXPECT_EQ(w2.repr(), "<tf.Variable 'scope/scope/w:0' shape=(1,) dtype=float32_ref>");
}

TEST_F(SeedGuards, SameNameNestedRepr003) {
  Variable w1, w2;
  {
    VariableScopeGuard s("scope");
    w1 = get_variable("w", Shaped({1}));
    VariableScopeGuard inner("scope");
    w2 = get_variable("w", Shaped({1}));
  }
  EXPECT_EQ(w1.repr(), "<tf.Variable 'scope/w:0' shape=(1,) dtype=float32_ref>");
  EXPECT_EQ(w2.repr(), "<tf.Variable 'scope/scope/w:0' shape=(1,) dtype=float32_ref>");
}

// ---- 004: re-entering the current scope object ----

constexpr const char* kYinWExists =
    "Variable yin/w already exists, disallowed. Did you mean to set reuse=True or "
    "reuse=tf.AUTO_REUSE in VarScope? Originally defined at:";

TEST(SeedExplicit, ReenterCurrentScopeObject004) {
  Graph g;
  Scope yin = Scope::root(g).variable_scope("yin");
  (void)get_variable(yin, "w", Shaped({1}));
  const VariableScope& scope = yin.variable_scope();
  EXPECT_EQ(scope.name(), "yin");
  Scope again = yin.variable_scope(scope);
  EXPECT_EQ(again.variable_scope().original_name_scope(), "yin/");
  EXPECT_EQ(ops::constant(again, F32(0)).name(), "yin/yin/Const:0");
  SF_EXPECT_ERROR_FIRST_LINE(Code::kInvalidArgument, kYinWExists,
                             get_variable(again, "w", Shaped({1})));
}

TEST_F(SeedGuards, ReenterCurrentScopeObject004) {
  VariableScopeGuard yin("yin");
  (void)get_variable("w", Shaped({1}));
  VariableScope scope = current_scope().variable_scope();
  EXPECT_EQ(scope.name(), "yin");
  VariableScopeGuard again(scope);
  EXPECT_EQ(current_scope().variable_scope().original_name_scope(), "yin/");
  EXPECT_EQ(ops::constant(F32(0)).name(), "yin/yin/Const:0");
  SF_EXPECT_ERROR_FIRST_LINE(Code::kInvalidArgument, kYinWExists, get_variable("w", Shaped({1})));
}

// ---- 005: sharing with reuse_variables ----

TEST(SeedExplicit, ReuseVariablesSharing005) {
  Graph g;
  Scope level1 = Scope::root(g).variable_scope("level1");
  Variable w1 = get_variable(level1, "w", Shaped({1}));
  Variable w2 = get_variable(level1.variable_scope("level2"), "w", Shaped({1}));
  level1.variable_scope().reuse_variables();
  Variable w1_again = get_variable(level1, "w", Shaped({1}));
  Variable w2_again = get_variable(level1.variable_scope("level2"), "w", Shaped({1}));
  EXPECT_EQ(w1.name(), "level1/w:0");
  EXPECT_EQ(w2.name(), "level1/level2/w:0");
  EXPECT_EQ(w1_again.name(), "level1/w:0");
  EXPECT_EQ(w2_again.name(), "level1/level2/w:0");
  EXPECT_EQ(w1_again, w1);
  EXPECT_EQ(w2_again, w2);
}

TEST_F(SeedGuards, ReuseVariablesSharing005) {
  Variable w1, w2, w1_again, w2_again;
  {
    VariableScopeGuard level1("level1");
    w1 = get_variable("w", Shaped({1}));
    {
      VariableScopeGuard level2("level2");
      w2 = get_variable("w", Shaped({1}));
    }
    current_scope().variable_scope().reuse_variables();
    w1_again = get_variable("w", Shaped({1}));
    VariableScopeGuard level2("level2");
    w2_again = get_variable("w", Shaped({1}));
  }
  EXPECT_EQ(w1.name(), "level1/w:0");
  EXPECT_EQ(w2.name(), "level1/level2/w:0");
  EXPECT_EQ(w1_again.name(), "level1/w:0");
  EXPECT_EQ(w2_again.name(), "level1/level2/w:0");
  EXPECT_EQ(w1_again, w1);
  EXPECT_EQ(w2_again, w2);
}

// ---- 006: default_name inside a function ----

TEST(SeedExplicit, DefaultNameInFunction006) {
  Graph g;
  Scope root = Scope::root(g);
  auto test = [&] {
    (void)get_variable(root.default_variable_scope("scope"), "w", Shaped({2, 10}));
  };
  test();
  test();
  EXPECT_EQ(VariableNames(g, graph_keys::kTrainableVariables),
            (std::vector<std::string>{"scope/w:0", "scope_1/w:0"}));
}

TEST_F(SeedGuards, DefaultNameInFunction006) {
  auto test = [] {
    auto scope = VariableScopeGuard::with_default_name("scope");
    (void)get_variable("w", Shaped({2, 10}));
  };
  test();
  test();
  EXPECT_EQ(VariableNames(g_, graph_keys::kTrainableVariables),
            (std::vector<std::string>{"scope/w:0", "scope_1/w:0"}));
}

// ---- 007: get_variable ignores name scopes ----

TEST(SeedExplicit, GetVariableIgnoresNameScope007) {
  Graph g;
  Scope hello = Scope::root(g).name_scope("hello");
  Variable arr1 = get_variable(hello, "arr1", Shaped({2, 10}, DataType::kFloat));
  EXPECT_EQ(hello.name_scope_string(), "hello/");
  EXPECT_EQ(arr1.name(), "arr1:0");
  EXPECT_EQ(hello.variable_scope().original_name_scope(), "");
}

TEST_F(SeedGuards, GetVariableIgnoresNameScope007) {
  NameScope name_scope("hello");
  Variable arr1 = get_variable("arr1", Shaped({2, 10}, DataType::kFloat));
  EXPECT_EQ(name_scope.name(), "hello/");
  EXPECT_EQ(arr1.name(), "arr1:0");
  EXPECT_EQ(current_scope().variable_scope().original_name_scope(), "");
}

// ---- 008: variable scope properties ----

TEST(SeedExplicit, VariableScopeProperties008) {
  Graph g;
  Scope hello = Scope::root(g).variable_scope("hello");
  Variable arr1 = get_variable(hello, "arr1", Shaped({2, 10}, DataType::kFloat));
  EXPECT_EQ(hello.variable_scope().name(), "hello");
  EXPECT_EQ(arr1.name(), "hello/arr1:0");
  EXPECT_EQ(hello.variable_scope().original_name_scope(), "hello/");
  Scope xixi = hello.variable_scope("xixi");
  EXPECT_EQ(xixi.variable_scope().name(), "hello/xixi");
  EXPECT_EQ(xixi.variable_scope().original_name_scope(), "hello/xixi/");
}

TEST_F(SeedGuards, VariableScopeProperties008) {
  VariableScopeGuard variable_scope("hello");
  Variable arr1 = get_variable("arr1", Shaped({2, 10}, DataType::kFloat));
  EXPECT_EQ(variable_scope.variable_scope().name(), "hello");
  EXPECT_EQ(arr1.name(), "hello/arr1:0");
  EXPECT_EQ(current_scope().variable_scope().original_name_scope(), "hello/");
  VariableScopeGuard v_scope2("xixi");
  EXPECT_EQ(v_scope2.variable_scope().name(), "hello/xixi");
  EXPECT_EQ(current_scope().variable_scope().original_name_scope(), "hello/xixi/");
}

// ---- 009: tf.add under a name scope and a variable scope ----

TEST(SeedExplicit, NameScopeOverVariableScopeAdd009) {
  Graph g;
  Scope var1 = Scope::root(g).name_scope("name1").variable_scope("var1");
  Variable w = get_variable(var1, "w", Shaped({2}));
  Output res = ops::add(var1, w, Input({3}));
  EXPECT_EQ(w.name(), "var1/w:0");
  EXPECT_EQ(res.name(), "name1/var1/Add:0");
  EXPECT_EQ(res.str(), "Tensor(\"name1/var1/Add:0\", shape=(2,), dtype=float32)");
}

TEST_F(SeedGuards, NameScopeOverVariableScopeAdd009) {
  Variable w;
  Output res;
  {
    NameScope name1("name1");
    VariableScopeGuard var1("var1");
    w = get_variable("w", Shaped({2}));
    res = ops::add(w, Input({3}));
  }
  EXPECT_EQ(w.name(), "var1/w:0");
  EXPECT_EQ(res.name(), "name1/var1/Add:0");
  EXPECT_EQ(res.str(), "Tensor(\"name1/var1/Add:0\", shape=(2,), dtype=float32)");
}

// ---- 010: tf.Variable under a name scope ----

TEST(SeedExplicit, NameScopeTfVariables010) {
  Graph g;
  Scope hidden = Scope::root(g).name_scope("hidden");
  Variable a = make_variable(hidden, 5.0f, Named("alpha"));
  Variable w =
      make_variable(hidden, Input(FloatTensor({1, 2}, {0.5f, -0.5f}), true), Named("weights"));
  Variable b = make_variable(hidden, Input({0.0f}), Named("biases"));
  EXPECT_EQ(hidden.name_scope_string(), "hidden/");
  EXPECT_EQ(a.name(), "hidden/alpha:0");
  EXPECT_EQ(w.name(), "hidden/weights:0");
  EXPECT_EQ(b.name(), "hidden/biases:0");
  EXPECT_EQ(w.repr(), "<tf.Variable 'hidden/weights:0' shape=(1, 2) dtype=float32_ref>");
}

TEST_F(SeedGuards, NameScopeTfVariables010) {
  std::string scope;
  Variable a, w, b;
  {
    NameScope hidden("hidden");
    scope = hidden.name();
    a = make_variable(5.0f, Named("alpha"));
    w = make_variable(Input(FloatTensor({1, 2}, {0.5f, -0.5f}), true), Named("weights"));
    b = make_variable(Input({0.0f}), Named("biases"));
  }
  EXPECT_EQ(scope, "hidden/");
  EXPECT_EQ(a.name(), "hidden/alpha:0");
  EXPECT_EQ(w.name(), "hidden/weights:0");
  EXPECT_EQ(b.name(), "hidden/biases:0");
  EXPECT_EQ(w.repr(), "<tf.Variable 'hidden/weights:0' shape=(1, 2) dtype=float32_ref>");
}

// ---- 011: name_scope(None) clears the stack ----

TEST(SeedExplicit, NameScopeNoneClears011) {
  Graph g;
  Scope hehe = Scope::root(g).name_scope("hehe");
  Variable w1 = make_variable(hehe, 1.0f);
  Variable w2 = make_variable(hehe.name_scope(""), 2.0f);
  EXPECT_EQ(w1.name(), "hehe/Variable:0");
  EXPECT_EQ(w2.name(), "Variable:0");
}

TEST_F(SeedGuards, NameScopeNoneClears011) {
  Variable w1, w2;
  {
    NameScope hehe("hehe");
    w1 = make_variable(1.0f);
    NameScope none(std::nullopt);
    w2 = make_variable(2.0f);
  }
  EXPECT_EQ(w1.name(), "hehe/Variable:0");
  EXPECT_EQ(w2.name(), "Variable:0");
}

}  // namespace
}  // namespace scopeflow
