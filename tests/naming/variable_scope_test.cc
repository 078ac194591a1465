// variable_scope in both styles (spec §7, §8): names, original name scopes, reuse, default
// names and their counters, entering by object, auxiliary_name_scope and inheritance.
#include <gtest/gtest.h>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using testing::F32;
using testing::Shaped;
using VariableScopeGuards = testing::DefaultGraphTest;

constexpr const char* kAlreadyExistsTowerW =
    "Variable tower/w already exists, disallowed. Did you mean to set reuse=True or "
    "reuse=tf.AUTO_REUSE in VarScope? Originally defined at:";

// ---- Properties (conformance cases 008, 025) ----

TEST(VariableScope, NamesAndOriginalNameScopesNest) {
  Graph g;
  Scope hello = Scope::root(g).variable_scope("hello");
  EXPECT_EQ(hello.variable_scope().name(), "hello");
  EXPECT_EQ(get_variable(hello, "arr1", Shaped({2, 10})).name(), "hello/arr1:0");
  EXPECT_EQ(hello.variable_scope().original_name_scope(), "hello/");
  Scope xixi = hello.variable_scope("xixi");
  EXPECT_EQ(xixi.variable_scope().name(), "hello/xixi");
  EXPECT_EQ(xixi.variable_scope().original_name_scope(), "hello/xixi/");
}

TEST_F(VariableScopeGuards, PropertiesMatchCase025) {
  Variable v;
  {
    VariableScopeGuard foo("foo");
    VariableScopeGuard bar("bar");
    const VariableScope& vs = bar.variable_scope();
    v = get_variable("v", Shaped({1}));
    EXPECT_EQ(vs.name(), "foo/bar");
    EXPECT_EQ(vs.original_name_scope(), "foo/bar/");
    EXPECT_EQ(current_scope().variable_scope().id(), vs.id());
    EXPECT_EQ(vs.reuse(), Reuse::kFalse);
    EXPECT_EQ(dtype_str(vs.dtype()), "<dtype: 'float32'>");
    EXPECT_FALSE(vs.initializer().has_value());
  }
  EXPECT_EQ(v.name(), "foo/bar/v:0");
  const VariableScope root = current_scope().variable_scope();
  EXPECT_EQ(root.name(), "");
  EXPECT_EQ(root.original_name_scope(), "");
  EXPECT_EQ(root.reuse(), Reuse::kFalse);
}

// ---- Reuse (conformance cases 033, 034, 064; spec §8) ----

TEST(VariableScope, ReuseIsInheritedAndFalseMeansInherit) {
  Graph g;
  Scope root = Scope::root(g);
  Scope a = root.variable_scope("a", {.reuse = Reuse::kTrue});
  EXPECT_EQ(a.variable_scope("b").variable_scope().reuse(), Reuse::kTrue);
  EXPECT_EQ(a.variable_scope("c", {.reuse = Reuse::kFalse}).variable_scope().reuse(), Reuse::kTrue);
  EXPECT_EQ(root.variable_scope("d").variable_scope().reuse(), Reuse::kFalse);
}

TEST_F(VariableScopeGuards, ReuseIsInheritedMatchesCase033) {
  {
    VariableScopeGuard a("a", {.reuse = Reuse::kTrue});
    {
      VariableScopeGuard b("b");
      EXPECT_EQ(b.variable_scope().reuse(), Reuse::kTrue);
    }
    VariableScopeGuard c("c", {.reuse = Reuse::kFalse});
    EXPECT_EQ(c.variable_scope().reuse(), Reuse::kTrue);
  }
  VariableScopeGuard d("d");
  EXPECT_EQ(d.variable_scope().reuse(), Reuse::kFalse);
}

TEST_F(VariableScopeGuards, ScopeObjectReuseFlagsMatchCase034) {
  VariableScope vs;
  {
    VariableScopeGuard scope("jump", {.reuse = Reuse::kTrue});
    vs = scope.variable_scope();
  }
  {
    VariableScopeGuard jump(vs);
    EXPECT_EQ(jump.variable_scope().reuse(), Reuse::kTrue);
  }
  {
    VariableScopeGuard jump_no_reuse(vs, {.reuse = Reuse::kFalse});
    EXPECT_EQ(jump_no_reuse.variable_scope().reuse(), Reuse::kTrue);
  }
  {
    VariableScopeGuard scope("jump", {.reuse = Reuse::kFalse});
    vs = scope.variable_scope();
  }
  {
    VariableScopeGuard jump(vs);
    EXPECT_EQ(jump.variable_scope().reuse(), Reuse::kFalse);
  }
  VariableScopeGuard jump_reuse(vs, {.reuse = Reuse::kTrue});
  EXPECT_EQ(jump_reuse.variable_scope().reuse(), Reuse::kTrue);
}

TEST_F(VariableScopeGuards, EnteringByObjectIgnoresTheEnclosingReuse) {
  VariableScope plain;
  {
    VariableScopeGuard s("plain");
    plain = s.variable_scope();
  }
  VariableScopeGuard reusing("reusing", {.reuse = Reuse::kTrue});
  VariableScopeGuard again(plain);
  EXPECT_EQ(again.variable_scope().reuse(), Reuse::kFalse);
}

TEST_F(VariableScopeGuards, AutoReusePropagatesAndTrueInsideItIsStrict) {
  VariableScopeGuard a("a", {.reuse = Reuse::kAuto});
  {
    VariableScopeGuard b("b");
    EXPECT_EQ(b.variable_scope().reuse(), Reuse::kAuto);
  }
  VariableScopeGuard c("c", {.reuse = Reuse::kTrue});
  EXPECT_EQ(c.variable_scope().reuse(), Reuse::kTrue);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Variable a/c/w does not exist, or was not created with tf.get_variable(). Did "
                  "you mean to set reuse=tf.AUTO_REUSE in VarScope?",
                  get_variable("w", Shaped({1})));
}

TEST_F(VariableScopeGuards, AutoReuseInsideAReuseTrueScopeIsAuto) {
  VariableScopeGuard a("a", {.reuse = Reuse::kTrue});
  VariableScopeGuard b("b", {.reuse = Reuse::kAuto});
  EXPECT_EQ(b.variable_scope().reuse(), Reuse::kAuto);
}

TEST_F(VariableScopeGuards, EnteringByObjectYieldsAFreshObject) {
  VariableScope s;
  {
    VariableScopeGuard g("s");
    s = g.variable_scope();
  }
  {
    VariableScopeGuard s2(s);
    EXPECT_NE(s2.variable_scope().id(), s.id());
    s2.variable_scope().reuse_variables();
  }
  EXPECT_EQ(s.reuse(), Reuse::kFalse);
  VariableScopeGuard s3(s);
  EXPECT_EQ(s3.variable_scope().reuse(), Reuse::kFalse);
}

TEST_F(VariableScopeGuards, ReuseVariablesAffectsLaterSubScopes) {
  VariableScopeGuard s("s");
  {
    VariableScopeGuard before("before");
    EXPECT_EQ(before.variable_scope().reuse(), Reuse::kFalse);
  }
  s.variable_scope().reuse_variables();
  EXPECT_EQ(current_scope().variable_scope().reuse(), Reuse::kTrue);
  VariableScopeGuard after("after");
  EXPECT_EQ(after.variable_scope().reuse(), Reuse::kTrue);
}

TEST_F(VariableScopeGuards, ReuseVariablesPersistsForTheObjectButNotForTheName) {
  VariableScope vs;
  Variable w;
  {
    VariableScopeGuard s("s");
    vs = s.variable_scope();
    w = get_variable("w", Shaped({1}));
    vs.reuse_variables();
  }
  {
    VariableScopeGuard again(vs);
    EXPECT_EQ(again.variable_scope().reuse(), Reuse::kTrue);
    EXPECT_EQ(get_variable("w", Shaped({1})), w);
  }
  VariableScopeGuard by_name("s");
  EXPECT_EQ(by_name.variable_scope().reuse(), Reuse::kFalse);
  SF_EXPECT_ERROR_FIRST_LINE(
      Code::kInvalidArgument,
      "Variable s/w already exists, disallowed. Did you mean to set reuse=True or "
      "reuse=tf.AUTO_REUSE in VarScope? Originally defined at:",
      get_variable("w", Shaped({1})));
}

TEST_F(VariableScopeGuards, RootScopeReuseVariablesMatchesCase064) {
  Variable w = get_variable("w", Shaped({1}));
  current_scope().variable_scope().reuse_variables();
  EXPECT_EQ(get_variable("w", Shaped({1})), w);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Variable u does not exist, or was not created with tf.get_variable(). Did you "
                  "mean to set reuse=tf.AUTO_REUSE in VarScope?",
                  get_variable("u", Shaped({1})));
  VariableScopeGuard c("child");
  EXPECT_EQ(c.variable_scope().reuse(), Reuse::kTrue);
}

// ---- Validation (conformance case 042) ----

TEST(VariableScope, InvalidNameAtTheTopFailsAsAScopeName) {
  Graph g;
  Scope root = Scope::root(g);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_' is not a valid scope name",
                  root.variable_scope("_"));
  Scope vs = root.name_scope("ns").variable_scope("_v");
  EXPECT_EQ(vs.variable_scope().name(), "_v");
  EXPECT_EQ(vs.variable_scope().original_name_scope(), "ns/_v/");
}

TEST_F(VariableScopeGuards, InvalidNameMatchesCase042) {
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_' is not a valid scope name",
                  VariableScopeGuard s("_"));
  EXPECT_EQ(current_scope().variable_scope().name(), "");
  NameScope ns("ns");
  VariableScopeGuard vs("_v");
  EXPECT_EQ(vs.variable_scope().name(), "_v");
  EXPECT_EQ(vs.variable_scope().original_name_scope(), "ns/_v/");
}

TEST_F(VariableScopeGuards, AVariableInAnUnderscoreScopeFailsAtTheRoot) {
  // Variables are created with the name stack at the root, where "_v/w" is checked as a
  // top-level scope name (§3, traced).
  NameScope ns("ns");
  VariableScopeGuard vs("_v");
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_v/w' is not a valid scope name",
                  get_variable("w", Shaped({1})));
}

// ---- Name scope inside variable scope (conformance cases 043, 067) ----

TEST(VariableScope, NameScopeInsideVariableScopeNamesOpsOnly) {
  Graph g;
  Scope bar = Scope::root(g).variable_scope("foo").name_scope("bar");
  Variable v = get_variable(bar, "v", Shaped({1}));
  Output x = ops::operator_add(bar, 1.0f, v, /*reflected=*/true);
  EXPECT_EQ(v.name(), "foo/v:0");
  EXPECT_EQ(x.op().name(), "foo/bar/add");
}

TEST_F(VariableScopeGuards, NameScopeInsideVariableScopeMatchesCase043) {
  Variable v;
  Output x;
  {
    VariableScopeGuard foo("foo");
    NameScope bar("bar");
    v = get_variable("v", Shaped({1}));
    x = 1.0f + v.value();
  }
  EXPECT_EQ(v.name(), "foo/v:0");
  EXPECT_EQ(x.op().name(), "foo/bar/add");
  EXPECT_TRUE(g_.find_operation("foo/bar/add/x").has_value());
}

TEST_F(VariableScopeGuards, NameScopeVariableScopeNameScopeMatchesCase067) {
  Variable v, t;
  Output c;
  {
    NameScope ns1("ns1");
    VariableScopeGuard vs("vs");
    NameScope ns2("ns2");
    EXPECT_EQ(ns2.name(), "ns1/vs/ns2/");
    v = get_variable("v", Shaped({1}));
    t = make_variable(1.0f, testing::Named("t"));
    c = ops::constant(F32(1), "c");
  }
  EXPECT_EQ(v.name(), "vs/v:0");
  EXPECT_EQ(t.name(), "ns1/vs/ns2/t:0");
  EXPECT_EQ(c.name(), "ns1/vs/ns2/c:0");
}

// ---- Re-opening by string (conformance cases 044, 045) ----

TEST(VariableScope, ReopeningByStringKeepsTheNameButOpensANewNameScope) {
  Graph g;
  Scope root = Scope::root(g);
  Scope t1 = root.variable_scope("tower");
  Variable w = get_variable(t1, "w", Shaped({}));
  EXPECT_EQ(t1.name_scope("s").name_scope_string(), "tower/s/");
  Scope t2 = root.variable_scope("tower");
  EXPECT_EQ(t2.variable_scope().name(), "tower");
  EXPECT_EQ(t2.variable_scope().original_name_scope(), "tower_1/");
  EXPECT_EQ(t2.name_scope("s").name_scope_string(), "tower_1/s/");
  SF_EXPECT_ERROR_FIRST_LINE(Code::kInvalidArgument, kAlreadyExistsTowerW,
                             get_variable(t2, "w", Shaped({})));
  EXPECT_EQ(w.name(), "tower/w:0");
}

TEST_F(VariableScopeGuards, ReopeningByStringMatchesCase044) {
  Variable w;
  {
    VariableScopeGuard t1("tower");
    w = get_variable("w", Shaped({}));
    NameScope s("s");
    EXPECT_EQ(s.name(), "tower/s/");
  }
  VariableScopeGuard t2("tower");
  EXPECT_EQ(t2.variable_scope().name(), "tower");
  EXPECT_EQ(t2.variable_scope().original_name_scope(), "tower_1/");
  {
    NameScope s("s");
    EXPECT_EQ(s.name(), "tower_1/s/");
  }
  SF_EXPECT_ERROR_FIRST_LINE(Code::kInvalidArgument, kAlreadyExistsTowerW,
                             get_variable("w", Shaped({})));
  EXPECT_EQ(w.name(), "tower/w:0");
}

TEST(VariableScope, TfVariablesAndOpsFollowTheReopenedNameScope) {
  Graph g;
  Scope root = Scope::root(g);
  Scope s1 = root.variable_scope("scope");
  Variable v1 = make_variable(s1, 1.0f, testing::Named("v"));
  Output c1 = ops::constant(s1, F32(1));
  Scope s2 = root.variable_scope("scope");
  Variable v2 = make_variable(s2, 1.0f, testing::Named("v"));
  Output c2 = ops::constant(s2, F32(1));
  Scope s3 = root.variable_scope("scope", {.reuse = Reuse::kTrue});
  Variable v3 = make_variable(s3, 1.0f, testing::Named("v"));
  EXPECT_EQ(v1.name(), "scope/v:0");
  EXPECT_EQ(v2.name(), "scope_1/v:0");
  EXPECT_EQ(v3.name(), "scope_2/v:0");
  EXPECT_EQ(c1.name(), "scope/Const:0");
  EXPECT_EQ(c2.name(), "scope_1/Const:0");
}

TEST_F(VariableScopeGuards, TfVariableInReopenedScopeMatchesCase045) {
  Variable v1, v2, v3;
  Output c1, c2;
  {
    VariableScopeGuard s("scope");
    v1 = make_variable(1.0f, testing::Named("v"));
    c1 = ops::constant(F32(1));
  }
  {
    VariableScopeGuard s("scope");
    v2 = make_variable(1.0f, testing::Named("v"));
    c2 = ops::constant(F32(1));
  }
  {
    VariableScopeGuard s("scope", {.reuse = Reuse::kTrue});
    v3 = make_variable(1.0f, testing::Named("v"));
  }
  EXPECT_EQ(v1.name(), "scope/v:0");
  EXPECT_EQ(v2.name(), "scope_1/v:0");
  EXPECT_EQ(v3.name(), "scope_2/v:0");
  EXPECT_EQ(c1.name(), "scope/Const:0");
  EXPECT_EQ(c2.name(), "scope_1/Const:0");
}

// ---- Entering by object (conformance cases 046, 047, 056) ----

TEST(VariableScope, ReopeningByObjectAtTheTopMatchesCase046) {
  Graph g;
  Scope root = Scope::root(g);
  VariableScope outer = root.variable_scope("outer").variable_scope();
  Scope o1 = root.variable_scope(outer);
  EXPECT_EQ(get_variable(o1, "w", Shaped({})).name(), "outer/w:0");
  EXPECT_EQ(o1.name_scope("scope2").name_scope_string(), "outer_1/scope2/");
  Scope d1 = o1.variable_scope("default");
  EXPECT_EQ(get_variable(d1, "w", Shaped({})).name(), "outer/default/w:0");
  EXPECT_EQ(d1.name_scope("scope2").name_scope_string(), "outer_1/default/scope2/");
  Scope o2 = root.variable_scope(outer, {.reuse = Reuse::kTrue});
  EXPECT_EQ(get_variable(o2, "w", Shaped({})).name(), "outer/w:0");
  EXPECT_EQ(o2.name_scope("scope2").name_scope_string(), "outer_2/scope2/");
  Scope d2 = o2.variable_scope("default", {.reuse = Reuse::kTrue});
  EXPECT_EQ(get_variable(d2, "w", Shaped({})).name(), "outer/default/w:0");
  EXPECT_EQ(d2.name_scope("scope2").name_scope_string(), "outer_2/default/scope2/");
}

TEST_F(VariableScopeGuards, ReopeningByObjectAtTheTopMatchesCase046) {
  VariableScope outer;
  {
    VariableScopeGuard s("outer");
    outer = s.variable_scope();
  }
  {
    VariableScopeGuard o(outer);
    EXPECT_EQ(get_variable("w", Shaped({})).name(), "outer/w:0");
    {
      NameScope sc2("scope2");
      EXPECT_EQ(sc2.name(), "outer_1/scope2/");
    }
    VariableScopeGuard d("default");
    EXPECT_EQ(get_variable("w", Shaped({})).name(), "outer/default/w:0");
    NameScope sc2("scope2");
    EXPECT_EQ(sc2.name(), "outer_1/default/scope2/");
  }
  VariableScopeGuard o(outer, {.reuse = Reuse::kTrue});
  EXPECT_EQ(get_variable("w", Shaped({})).name(), "outer/w:0");
  {
    NameScope sc2("scope2");
    EXPECT_EQ(sc2.name(), "outer_2/scope2/");
  }
  VariableScopeGuard d("default", {.reuse = Reuse::kTrue});
  EXPECT_EQ(get_variable("w", Shaped({})).name(), "outer/default/w:0");
  NameScope sc2("scope2");
  EXPECT_EQ(sc2.name(), "outer_2/default/scope2/");
}

TEST(VariableScope, EnteringByObjectKeepsTheOriginalNameScope) {
  Graph g;
  Scope root = Scope::root(g);
  Scope tower = root.name_scope("scope1").variable_scope("tower");
  const VariableScope& tower_vs = tower.variable_scope();
  EXPECT_EQ(tower_vs.original_name_scope(), "scope1/tower/");
  EXPECT_EQ(tower.name_scope("scope2").name_scope_string(), "scope1/tower/scope2/");
  Scope s2 = root.name_scope("scope2");
  Scope tower1 = s2.variable_scope(tower_vs);
  EXPECT_EQ(tower1.variable_scope().original_name_scope(), "scope1/tower/");
  EXPECT_EQ(tower1.name_scope("foo").name_scope_string(), "scope2/tower/foo/");
  EXPECT_EQ(s2.name_scope(tower_vs.original_name_scope()).name_scope("bar").name_scope_string(),
            "scope1/tower/bar/");
  Scope t2 = root.name_scope("scope2").variable_scope(tower_vs);
  EXPECT_EQ(t2.name_scope(tower_vs.original_name_scope()).name_scope("bar").name_scope_string(),
            "scope1/tower/bar_1/");
}

TEST_F(VariableScopeGuards, OriginalNameScopePreservedMatchesCase047) {
  VariableScope tower;
  {
    NameScope s1("scope1");
    VariableScopeGuard t("tower");
    tower = t.variable_scope();
    EXPECT_EQ(tower.original_name_scope(), "scope1/tower/");
    NameScope sc2("scope2");
    EXPECT_EQ(sc2.name(), "scope1/tower/scope2/");
  }
  {
    NameScope s2("scope2");
    {
      VariableScopeGuard tower1(tower);
      EXPECT_EQ(tower1.variable_scope().original_name_scope(), "scope1/tower/");
      NameScope foo("foo");
      EXPECT_EQ(foo.name(), "scope2/tower/foo/");
    }
    NameScope orig(tower.original_name_scope());
    NameScope bar("bar");
    EXPECT_EQ(bar.name(), "scope1/tower/bar/");
  }
  NameScope s2("scope2");
  VariableScopeGuard t(tower);
  NameScope orig(tower.original_name_scope());
  NameScope bar("bar");
  EXPECT_EQ(bar.name(), "scope1/tower/bar_1/");
}

TEST(VariableScope, ReopeningAnObjectInsideAnotherScopeMatchesCase056) {
  Graph g;
  Scope root = Scope::root(g);
  VariableScope outer = root.variable_scope("outer").variable_scope();
  Scope o2 = root.variable_scope("other").variable_scope(outer);
  EXPECT_EQ(o2.variable_scope().name(), "outer");
  EXPECT_EQ(o2.variable_scope().original_name_scope(), "outer/");
  EXPECT_EQ(get_variable(o2, "w", Shaped({1})).name(), "outer/w:0");
  EXPECT_EQ(ops::constant(o2, F32(0)).name(), "other/outer/Const:0");
}

TEST_F(VariableScopeGuards, ReopeningAnObjectInsideAnotherScopeMatchesCase056) {
  VariableScope outer;
  {
    VariableScopeGuard s("outer");
    outer = s.variable_scope();
  }
  VariableScopeGuard other("other");
  VariableScopeGuard o2(outer);
  EXPECT_EQ(o2.variable_scope().name(), "outer");
  EXPECT_EQ(o2.variable_scope().original_name_scope(), "outer/");
  EXPECT_EQ(get_variable("w", Shaped({1})).name(), "outer/w:0");
  EXPECT_EQ(ops::constant(F32(0)).name(), "other/outer/Const:0");
}

TEST(VariableScope, EnteringANestedObjectOpensItsLastComponent) {
  Graph g;
  Scope root = Scope::root(g);
  VariableScope tower_a = root.variable_scope("root").variable_scope("towerA").variable_scope();
  Scope inside = root.name_scope("root").name_scope("foo").name_scope("bar");
  EXPECT_EQ(inside.name_scope_string(), "root_1/foo/bar/");
  Scope t = inside.variable_scope(tower_a);
  EXPECT_EQ(t.name_stack(), "root_1/foo/bar/towerA");
  EXPECT_EQ(t.variable_scope().name(), "root/towerA");
}

TEST_F(VariableScopeGuards, TheRootScopeObjectOpensNoNameScope) {
  VariableScope root_vs = current_scope().variable_scope();
  NameScope ns("ns");
  VariableScopeGuard again(root_vs);
  EXPECT_EQ(current_scope().name_stack(), "ns");
  EXPECT_EQ(again.variable_scope().name(), "");
  EXPECT_EQ(again.variable_scope().original_name_scope(), "");
  EXPECT_EQ(get_variable("w", Shaped({1})).name(), "w:0");
}

// ---- auxiliary_name_scope=False (conformance cases 048, 049) ----

TEST(VariableScope, AuxiliaryNameScopeFalseMatchesCase048) {
  Graph g;
  Scope root = Scope::root(g);
  const Tensor empty(DataType::kFloat, {0});
  Scope scope = root.variable_scope("scope", {.auxiliary_name_scope = false});
  EXPECT_EQ(scope.variable_scope().original_name_scope(), "");
  EXPECT_EQ(get_variable(scope, "w", Shaped({})).name(), "scope/w:0");
  EXPECT_EQ(ops::constant(scope, empty, "c").name(), "c:0");
  Scope again = root.variable_scope(scope.variable_scope(), {.auxiliary_name_scope = false});
  EXPECT_EQ(get_variable(again, "w1", Shaped({})).name(), "scope/w1:0");
  EXPECT_EQ(ops::constant(again, empty, "c1").name(), "c1:0");
  EXPECT_EQ(ops::constant(root.name_scope("scope"), empty, "c").name(), "scope/c:0");
  Scope outer = root.variable_scope("outer");
  Scope inner = outer.variable_scope("inner", {.auxiliary_name_scope = false});
  EXPECT_EQ(inner.variable_scope().original_name_scope(), "outer/");
  EXPECT_EQ(get_variable(inner, "w", Shaped({})).name(), "outer/inner/w:0");
  EXPECT_EQ(ops::constant(inner, empty, "c").name(), "outer/c:0");
  EXPECT_EQ(ops::constant(outer.name_scope("inner"), empty, "c").name(), "outer/inner/c:0");
}

TEST_F(VariableScopeGuards, AuxiliaryNameScopeFalseMatchesCase048) {
  const Tensor empty(DataType::kFloat, {0});
  VariableScope scope;
  {
    VariableScopeGuard s("scope", {.auxiliary_name_scope = false});
    scope = s.variable_scope();
    EXPECT_EQ(scope.original_name_scope(), "");
    EXPECT_EQ(get_variable("w", Shaped({})).name(), "scope/w:0");
    EXPECT_EQ(ops::constant(empty, "c").name(), "c:0");
  }
  {
    VariableScopeGuard s(scope, {.auxiliary_name_scope = false});
    EXPECT_EQ(get_variable("w1", Shaped({})).name(), "scope/w1:0");
    EXPECT_EQ(ops::constant(empty, "c1").name(), "c1:0");
  }
  {
    NameScope ns("scope");
    EXPECT_EQ(ops::constant(empty, "c").name(), "scope/c:0");
  }
  VariableScopeGuard outer("outer");
  {
    VariableScopeGuard inner("inner", {.auxiliary_name_scope = false});
    EXPECT_EQ(inner.variable_scope().original_name_scope(), "outer/");
    EXPECT_EQ(get_variable("w", Shaped({})).name(), "outer/inner/w:0");
    EXPECT_EQ(ops::constant(empty, "c").name(), "outer/c:0");
  }
  NameScope ns("inner");
  EXPECT_EQ(ops::constant(empty, "c").name(), "outer/inner/c:0");
}

TEST_F(VariableScopeGuards, ReenteringTheOriginalNameScopeMatchesCase049) {
  VariableScope vs;
  {
    VariableScopeGuard s("foo");
    vs = s.variable_scope();
  }
  Variable v;
  Output c;
  {
    VariableScopeGuard vs1(vs, {.auxiliary_name_scope = false});
    NameScope orig(vs1.variable_scope().original_name_scope());
    v = get_variable("v", Shaped({1}));
    c = ops::constant(Tensor::vector<int32_t>({1}), "c");
  }
  EXPECT_EQ(v.name(), "foo/v:0");
  EXPECT_EQ(c.name(), "foo/c:0");
}

// ---- default_name (conformance cases 006, 050-054) ----

TEST(VariableScopeDefaultName, IsUniquifiedWhileTheNameScopeFollowsTheGraph) {
  Graph g;
  Scope ns = Scope::root(g).name_scope("ns");
  Scope d1 = ns.default_variable_scope("default");
  EXPECT_EQ(get_variable(d1, "w", Shaped({})).name(), "default/w:0");
  EXPECT_EQ(d1.name_scope("inner").name_scope_string(), "ns/default/inner/");
  Scope d2 = ns.default_variable_scope("default");
  EXPECT_EQ(get_variable(d2, "w", Shaped({})).name(), "default_1/w:0");
  EXPECT_EQ(d2.name_scope("inner").name_scope_string(), "ns/default_1/inner/");
}

TEST_F(VariableScopeGuards, DefaultNameUniquifiedMatchesCase050) {
  NameScope ns("ns");
  {
    auto d = VariableScopeGuard::with_default_name("default");
    EXPECT_EQ(get_variable("w", Shaped({})).name(), "default/w:0");
    NameScope s("inner");
    EXPECT_EQ(s.name(), "ns/default/inner/");
  }
  auto d = VariableScopeGuard::with_default_name("default");
  EXPECT_EQ(get_variable("w", Shaped({})).name(), "default_1/w:0");
  NameScope s("inner");
  EXPECT_EQ(s.name(), "ns/default_1/inner/");
}

TEST(VariableScopeDefaultName, SubstringNamesCountSeparately) {
  Graph g;
  Scope root = Scope::root(g);
  auto w = [&](const char* outer) {
    return get_variable(root.default_variable_scope(outer).default_variable_scope("layer"), "w",
                        Shaped({}))
        .name();
  };
  EXPECT_EQ(w("defaultScope1"), "defaultScope1/layer/w:0");
  EXPECT_EQ(w("defaultScope1"), "defaultScope1_1/layer/w:0");
  EXPECT_EQ(w("defaultScope"), "defaultScope/layer/w:0");
  EXPECT_EQ(w("defaultScope1"), "defaultScope1_2/layer/w:0");
}

TEST_F(VariableScopeGuards, DefaultNameSubstringScopesMatchCase051) {
  auto w = [](const char* outer) {
    auto o = VariableScopeGuard::with_default_name(outer);
    auto l = VariableScopeGuard::with_default_name("layer");
    return get_variable("w", Shaped({})).name();
  };
  EXPECT_EQ(w("defaultScope1"), "defaultScope1/layer/w:0");
  EXPECT_EQ(w("defaultScope1"), "defaultScope1_1/layer/w:0");
  EXPECT_EQ(w("defaultScope"), "defaultScope/layer/w:0");
  EXPECT_EQ(w("defaultScope1"), "defaultScope1_2/layer/w:0");
}

TEST(VariableScopeDefaultName, NestedDefaultNamesMatchCase052) {
  Graph g;
  Scope root = Scope::root(g);
  Scope a = root.default_variable_scope("blk");
  Scope b = a.default_variable_scope("blk");
  Scope c = a.default_variable_scope("blk");
  Scope d = root.default_variable_scope("blk");
  Scope e = d.default_variable_scope("blk");
  EXPECT_EQ(a.variable_scope().name(), "blk");
  EXPECT_EQ(a.variable_scope().original_name_scope(), "blk/");
  EXPECT_EQ(b.variable_scope().name(), "blk/blk");
  EXPECT_EQ(b.variable_scope().original_name_scope(), "blk/blk/");
  EXPECT_EQ(c.variable_scope().name(), "blk/blk_1");
  EXPECT_EQ(c.variable_scope().original_name_scope(), "blk/blk_1/");
  EXPECT_EQ(d.variable_scope().name(), "blk_1");
  EXPECT_EQ(d.variable_scope().original_name_scope(), "blk_1/");
  EXPECT_EQ(e.variable_scope().name(), "blk_1/blk");
  EXPECT_EQ(e.variable_scope().original_name_scope(), "blk_1/blk/");
}

TEST_F(VariableScopeGuards, NestedDefaultNamesMatchCase052) {
  VariableScope a, b, c, d, e;
  {
    auto ga = VariableScopeGuard::with_default_name("blk");
    a = ga->variable_scope();
    {
      auto gb = VariableScopeGuard::with_default_name("blk");
      b = gb->variable_scope();
    }
    auto gc = VariableScopeGuard::with_default_name("blk");
    c = gc->variable_scope();
  }
  auto gd = VariableScopeGuard::with_default_name("blk");
  d = gd->variable_scope();
  auto ge = VariableScopeGuard::with_default_name("blk");
  e = ge->variable_scope();
  EXPECT_EQ(a.name() + " " + a.original_name_scope(), "blk blk/");
  EXPECT_EQ(b.name() + " " + b.original_name_scope(), "blk/blk blk/blk/");
  EXPECT_EQ(c.name() + " " + c.original_name_scope(), "blk/blk_1 blk/blk_1/");
  EXPECT_EQ(d.name() + " " + d.original_name_scope(), "blk_1 blk_1/");
  EXPECT_EQ(e.name() + " " + e.original_name_scope(), "blk_1/blk blk_1/blk/");
}

TEST(VariableScopeDefaultName, StringScopesBumpTheCountersMatchesCase053) {
  Graph g;
  Scope root = Scope::root(g);
  (void)root.variable_scope("layer");
  Scope s1 = root.default_variable_scope("layer");
  EXPECT_EQ(s1.variable_scope().name(), "layer_1");
  EXPECT_EQ(s1.variable_scope().original_name_scope(), "layer_1/");
  (void)root.variable_scope("layer_2");
  Scope s2 = root.default_variable_scope("layer");
  EXPECT_EQ(s2.variable_scope().name(), "layer_3");
  EXPECT_EQ(s2.variable_scope().original_name_scope(), "layer_3/");
}

TEST_F(VariableScopeGuards, StringScopesBumpTheCountersMatchesCase053) {
  { VariableScopeGuard s("layer"); }
  {
    auto s = VariableScopeGuard::with_default_name("layer");
    EXPECT_EQ(s->variable_scope().name(), "layer_1");
    EXPECT_EQ(s->variable_scope().original_name_scope(), "layer_1/");
  }
  { VariableScopeGuard s("layer_2"); }
  auto s = VariableScopeGuard::with_default_name("layer");
  EXPECT_EQ(s->variable_scope().name(), "layer_3");
  EXPECT_EQ(s->variable_scope().original_name_scope(), "layer_3/");
}

TEST(VariableScopeDefaultName, TheTwoUniquifiersCanDisagree) {
  Graph g;
  Scope root = Scope::root(g);
  (void)ops::constant(root, F32(1), "s");
  Scope s = root.default_variable_scope("s");
  EXPECT_EQ(s.variable_scope().name(), "s");
  EXPECT_EQ(s.variable_scope().original_name_scope(), "s_1/");
}

TEST(VariableScopeDefaultName, WithoutAnAuxiliaryNameScopeOnlyTheCounterMoves) {
  Graph g;
  Scope root = Scope::root(g);
  Scope quiet = root.default_variable_scope("blk", {.auxiliary_name_scope = false});
  EXPECT_EQ(quiet.variable_scope().name(), "blk");
  EXPECT_EQ(quiet.variable_scope().original_name_scope(), "");
  Scope loud = root.default_variable_scope("blk");
  EXPECT_EQ(loud.variable_scope().name(), "blk_1");
  EXPECT_EQ(loud.variable_scope().original_name_scope(), "blk/");
}

TEST_F(VariableScopeGuards, DefaultNameCountersAreCaseSensitive) {
  {
    auto upper = VariableScopeGuard::with_default_name("Blk");
    EXPECT_EQ(upper->variable_scope().name(), "Blk");
    EXPECT_EQ(upper->variable_scope().original_name_scope(), "Blk/");
  }
  auto lower = VariableScopeGuard::with_default_name("blk");
  EXPECT_EQ(lower->variable_scope().name(), "blk");
  EXPECT_EQ(lower->variable_scope().original_name_scope(), "blk_1/");
}

TEST(VariableScopeDefaultName, ReuseIsRejected) {
  Graph g;
  Scope root = Scope::root(g);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "reuse=True cannot be used without a name_or_scope",
                  root.default_variable_scope("default", {.reuse = Reuse::kTrue}));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "reuse=True cannot be used without a name_or_scope",
                  root.default_variable_scope("default", {.reuse = Reuse::kAuto}));
}

TEST_F(VariableScopeGuards, DefaultNameWithReuseMatchesCase054) {
  SF_EXPECT_ERROR(
      Code::kInvalidArgument, "reuse=True cannot be used without a name_or_scope",
      auto s = VariableScopeGuard::with_default_name("default", {.reuse = Reuse::kTrue}));
  EXPECT_EQ(current_scope().variable_scope().name(), "");
}

TEST_F(VariableScopeGuards, DefaultNameReuseErrorConsumesNoNames) {
  SF_EXPECT_ERROR(
      Code::kInvalidArgument, "reuse=True cannot be used without a name_or_scope",
      auto s = VariableScopeGuard::with_default_name("default", {.reuse = Reuse::kAuto}));
  auto s = VariableScopeGuard::with_default_name("default");
  EXPECT_EQ(s->variable_scope().name(), "default");
  EXPECT_EQ(s->variable_scope().original_name_scope(), "default/");
}

TEST_F(VariableScopeGuards, DefaultNameInheritsReuse) {
  VariableScopeGuard a("a", {.reuse = Reuse::kTrue});
  auto d = VariableScopeGuard::with_default_name("blk");
  EXPECT_EQ(d->variable_scope().reuse(), Reuse::kTrue);
}

// ---- Counters on exit (spec §7.2, rule 14.4) ----

TEST_F(VariableScopeGuards, LeavingAStringScopeResetsItsDefaultNameCounters) {
  Variable w;
  {
    VariableScopeGuard a("a");
    auto b = VariableScopeGuard::with_default_name("b");
    EXPECT_EQ(b->variable_scope().name(), "a/b");
    w = get_variable("w", Shaped({1}));
  }
  VariableScopeGuard a("a");
  auto b = VariableScopeGuard::with_default_name("b");
  EXPECT_EQ(b->variable_scope().name(), "a/b");
  SF_EXPECT_ERROR_FIRST_LINE(
      Code::kInvalidArgument,
      "Variable a/b/w already exists, disallowed. Did you mean to set reuse=True or "
      "reuse=tf.AUTO_REUSE in VarScope? Originally defined at:",
      get_variable("w", Shaped({1})));
  EXPECT_EQ(w.name(), "a/b/w:0");
}

TEST(VariableScopeDefaultName, ExplicitReentryByNameRestartsTheCounters) {
  Graph g;
  Scope root = Scope::root(g);
  Scope a1 = root.variable_scope("a");
  EXPECT_EQ(a1.default_variable_scope("b").variable_scope().name(), "a/b");
  EXPECT_EQ(a1.default_variable_scope("b").variable_scope().name(), "a/b_1");
  Scope a2 = root.variable_scope("a");
  EXPECT_EQ(a2.default_variable_scope("b").variable_scope().name(), "a/b");
}

TEST_F(VariableScopeGuards, LeavingAnObjectScopeRestoresTheCountersItFound) {
  VariableScopeGuard outer("outer");
  {
    auto b = VariableScopeGuard::with_default_name("blk");
    EXPECT_EQ(b->variable_scope().name(), "outer/blk");
  }
  {
    VariableScopeGuard again(outer.variable_scope());
    auto b = VariableScopeGuard::with_default_name("blk");
    EXPECT_EQ(b->variable_scope().name(), "outer/blk_1");
  }
  auto b = VariableScopeGuard::with_default_name("blk");
  EXPECT_EQ(b->variable_scope().name(), "outer/blk_1");
}

// ---- Inheritance of defaults (conformance cases 057, 058) ----

TEST_F(VariableScopeGuards, InitializerInheritanceMatchesCase057) {
  Initializer init = init::constant(F32(0.3f));
  Variable v, u, w, x;
  {
    VariableScopeGuard tower("tower0");
    {
      VariableScopeGuard foo("foo", {.initializer = init});
      v = get_variable("v", Shaped({}));
      VariableScopeGuard bar("bar");
      u = get_variable("u", Shaped({}));
    }
    {
      VariableScopeGuard t(tower.variable_scope(), {.initializer = init});
      w = get_variable("w", Shaped({}));
    }
    x = get_variable("x", Shaped({}));
  }
  EXPECT_EQ(v.initial_value().name(), "tower0/foo/v/Initializer/Const:0");
  EXPECT_EQ(u.initial_value().name(), "tower0/foo/bar/u/Initializer/Const:0");
  EXPECT_EQ(w.initial_value().name(), "tower0/w/Initializer/Const:0");
  EXPECT_EQ(x.initial_value().name(), "tower0/x/Initializer/random_uniform:0");
}

TEST(VariableScope, InitializerInheritanceExplicitly) {
  Graph g;
  Scope root = Scope::root(g);
  Initializer init = init::constant(F32(0.3f));
  Scope tower = root.variable_scope("tower0");
  Scope foo = tower.variable_scope("foo", {.initializer = init});
  Variable v = get_variable(foo, "v", Shaped({}));
  Variable u = get_variable(foo.variable_scope("bar"), "u", Shaped({}));
  Variable w = get_variable(tower.variable_scope(tower.variable_scope(), {.initializer = init}),
                            "w", Shaped({}));
  Variable x = get_variable(tower, "x", Shaped({}));
  EXPECT_EQ(v.initial_value().name(), "tower0/foo/v/Initializer/Const:0");
  EXPECT_EQ(u.initial_value().name(), "tower0/foo/bar/u/Initializer/Const:0");
  EXPECT_EQ(w.initial_value().name(), "tower0/w/Initializer/Const:0");
  EXPECT_EQ(x.initial_value().name(), "tower0/x/Initializer/random_uniform:0");
}

TEST_F(VariableScopeGuards, DtypeInheritanceMatchesCase058) {
  Variable v, u, w, x;
  VariableScope tower;
  {
    VariableScopeGuard t("tower2", {.dtype = DataType::kHalf});
    tower = t.variable_scope();
    v = get_variable("v", Shaped({}));
    VariableScopeGuard inner("inner");
    u = get_variable("u", Shaped({}));
  }
  {
    VariableScopeGuard t(tower);
    w = get_variable("w", Shaped({}));
  }
  {
    VariableScopeGuard t(tower, {.dtype = DataType::kDouble});
    x = get_variable("x", Shaped({}));
  }
  Variable y = get_variable("y", Shaped({}));
  EXPECT_EQ(v.repr(), "<tf.Variable 'tower2/v:0' shape=() dtype=float16_ref>");
  EXPECT_EQ(u.repr(), "<tf.Variable 'tower2/inner/u:0' shape=() dtype=float16_ref>");
  EXPECT_EQ(w.repr(), "<tf.Variable 'tower2/w:0' shape=() dtype=float16_ref>");
  EXPECT_EQ(x.repr(), "<tf.Variable 'tower2/x:0' shape=() dtype=float64_ref>");
  EXPECT_EQ(y.repr(), "<tf.Variable 'y:0' shape=() dtype=float32_ref>");
}

TEST_F(VariableScopeGuards, SettersOnTheObjectAffectLaterVariables) {
  VariableScopeGuard s("s");
  s.variable_scope().set_dtype(DataType::kDouble);
  s.variable_scope().set_initializer(init::zeros());
  Variable v = get_variable("v", Shaped({2}));
  EXPECT_EQ(v.repr(), "<tf.Variable 's/v:0' shape=(2,) dtype=float64_ref>");
  EXPECT_EQ(v.initial_value().name(), "s/v/Initializer/zeros:0");
}

TEST(VariableScope, SubScopesInheritEveryDefaultAndArgumentsOverride) {
  Graph g;
  Scope a = Scope::root(g).variable_scope(
      "a", {.dtype = DataType::kDouble, .caching_device = "/cpu:0", .use_resource = false});
  const VariableScope b = a.variable_scope("b").variable_scope();
  EXPECT_EQ(b.dtype(), DataType::kDouble);
  EXPECT_EQ(b.caching_device(), std::optional<std::string>("/cpu:0"));
  EXPECT_EQ(b.use_resource(), std::optional<bool>(false));
  const VariableScope c =
      a.variable_scope("c", {.dtype = DataType::kHalf, .caching_device = "/gpu:0"})
          .variable_scope();
  EXPECT_EQ(c.dtype(), DataType::kHalf);
  EXPECT_EQ(c.caching_device(), std::optional<std::string>("/gpu:0"));
  EXPECT_EQ(c.use_resource(), std::optional<bool>(false));
}

TEST_F(VariableScopeGuards, AScopeGuardEntersAnExplicitScopeForImplicitCode) {
  Scope explicit_scope = Scope::root(g_).name_scope("ns").variable_scope("vs");
  {
    ScopeGuard guard(explicit_scope);
    EXPECT_EQ(current_scope().name_stack(), "ns/vs");
    EXPECT_EQ(get_variable("w", Shaped({1})).name(), "vs/w:0");
    EXPECT_EQ(ops::constant(F32(1)).name(), "ns/vs/Const:0");
    NameScope inner("inner");
    EXPECT_EQ(inner.name(), "ns/vs/inner/");
  }
  EXPECT_EQ(current_scope().name_stack(), "");
  EXPECT_EQ(current_scope().variable_scope().name(), "");
}

// ---- tf.get_variable_scope() ----

TEST_F(VariableScopeGuards, GetVariableScopeReturnsTheObjectTheGuardYielded) {
  VariableScopeGuard s("s");
  EXPECT_EQ(current_scope().variable_scope().id(), s.variable_scope().id());
  {
    NameScope ns("ns");
    EXPECT_EQ(current_scope().variable_scope().id(), s.variable_scope().id());
  }
  VariableScopeGuard t("t");
  EXPECT_NE(current_scope().variable_scope().id(), s.variable_scope().id());
}

}  // namespace
}  // namespace scopeflow
