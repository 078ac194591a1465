// Tests of the scope tree (naming/scope_tree.h): name splitting, counting, and a real graph.
#include "scopeflow/naming/scope_tree.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using Views = std::vector<std::string_view>;

TEST(SplitScopePath, SplitsOnEverySlash) {
  EXPECT_EQ(split_scope_path("a/b/Add"), (Views{"a", "b", "Add"}));
  EXPECT_EQ(split_scope_path("Const"), (Views{"Const"}));
  EXPECT_EQ(split_scope_path(""), Views{});
}

TEST(SplitScopePath, KeepsEmptyComponentsOfReenteredScopes) {
  // name_scope("foo5//") makes the stack "foo5/", so its ops are "foo5//<op>".
  EXPECT_EQ(split_scope_path("foo5//Const"), (Views{"foo5", "", "Const"}));
}

TEST(ScopeOfName, IsEverythingBeforeTheLastSlash) {
  EXPECT_EQ(scope_of_name("layer/MatMul"), "layer");
  EXPECT_EQ(scope_of_name("layer/w/read"), "layer/w");
  EXPECT_EQ(scope_of_name("Const"), "");
  EXPECT_EQ(scope_of_name("foo5//Const"), "foo5/");
}

TEST(BuildScopeTree, CountsOpsInTheirScopeAndEveryAncestor) {
  const Views ops = {"Const", "a/Const", "a/w", "a/b/Add", "a/b/Add/y"};
  const Views vars = {"a/w"};
  const ScopeNode root = build_scope_tree(ops, vars);

  EXPECT_EQ(root.name, "");
  EXPECT_EQ(root.path, "");
  EXPECT_EQ(root.ops_here, 1);
  EXPECT_EQ(root.ops_total, 5);
  EXPECT_EQ(root.variables_here, 0);
  EXPECT_EQ(root.variables_total, 1);
  ASSERT_EQ(root.children.size(), 1u);

  const ScopeNode& a = root.children[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.path, "a");
  EXPECT_EQ(a.ops_here, 2);  // a/Const, a/w
  EXPECT_EQ(a.ops_total, 4);
  EXPECT_EQ(a.variables_here, 1);
  EXPECT_EQ(a.variables_total, 1);
  ASSERT_EQ(a.children.size(), 1u);

  const ScopeNode& b = a.children[0];
  EXPECT_EQ(b.name, "b");
  EXPECT_EQ(b.path, "a/b");
  EXPECT_EQ(b.ops_here, 1);  // a/b/Add
  EXPECT_EQ(b.ops_total, 2);
  EXPECT_EQ(b.variables_total, 0);
  ASSERT_EQ(b.children.size(), 1u);

  // An op is a scope too once something is named under it.
  const ScopeNode& add = b.children[0];
  EXPECT_EQ(add.name, "Add");
  EXPECT_EQ(add.path, "a/b/Add");
  EXPECT_EQ(add.ops_here, 1);
  EXPECT_EQ(add.ops_total, 1);
  EXPECT_TRUE(add.children.empty());

  EXPECT_EQ(root.descendant_count(), 3);
  EXPECT_EQ(a.descendant_count(), 2);
  EXPECT_EQ(add.descendant_count(), 0);
}

TEST(BuildScopeTree, ChildrenComeInOrderOfTheirFirstOp) {
  const Views ops = {"z/x", "m/deep/op", "a/y", "m/op", "z/deep/op"};
  const ScopeNode root = build_scope_tree(ops, {});
  ASSERT_EQ(root.children.size(), 3u);
  EXPECT_EQ(root.children[0].path, "z");
  EXPECT_EQ(root.children[1].path, "m");
  EXPECT_EQ(root.children[2].path, "a");
  EXPECT_EQ(root.ops_here, 0);
  EXPECT_EQ(root.children[0].ops_total, 2);
  EXPECT_EQ(root.children[1].ops_here, 1);
  EXPECT_EQ(root.children[1].ops_total, 2);
  ASSERT_EQ(root.children[1].children.size(), 1u);
  EXPECT_EQ(root.children[1].children[0].path, "m/deep");
}

TEST(BuildScopeTree, EmptyComponentIsAScopeWithAnEmptyName) {
  const Views ops = {"foo5/Const", "foo5//Const"};
  const ScopeNode root = build_scope_tree(ops, {});
  ASSERT_EQ(root.children.size(), 1u);
  const ScopeNode& foo5 = root.children[0];
  EXPECT_EQ(foo5.ops_here, 1);
  EXPECT_EQ(foo5.ops_total, 2);
  ASSERT_EQ(foo5.children.size(), 1u);
  EXPECT_EQ(foo5.children[0].name, "");
  EXPECT_EQ(foo5.children[0].path, "foo5/");
  EXPECT_EQ(foo5.children[0].ops_here, 1);
}

TEST(BuildScopeTree, RepeatedNamesCountEachTime) {
  const Views ops = {"s/a", "s/a"};
  const ScopeNode root = build_scope_tree(ops, {});
  ASSERT_EQ(root.children.size(), 1u);
  EXPECT_EQ(root.children[0].ops_here, 2);
  EXPECT_EQ(root.ops_total, 2);
}

TEST(BuildScopeTree, EmptyGraphIsARootAlone) {
  const ScopeNode root = build_scope_tree(Views{}, Views{});
  EXPECT_EQ(root.ops_total, 0);
  EXPECT_EQ(root.variables_total, 0);
  EXPECT_TRUE(root.children.empty());
  EXPECT_EQ(root.descendant_count(), 0);
}

TEST(ScopeNodeFind, FollowsComponentBoundaries) {
  const Views ops = {"ab/x", "a/b/c/x", "foo5//Const"};
  const ScopeNode root = build_scope_tree(ops, {});
  EXPECT_EQ(root.find(""), &root);
  ASSERT_NE(root.find("a/b/c"), nullptr);
  EXPECT_EQ(root.find("a/b/c")->name, "c");
  ASSERT_NE(root.find("ab"), nullptr);
  EXPECT_EQ(root.find("ab")->ops_here, 1);
  ASSERT_NE(root.find("foo5/"), nullptr);
  EXPECT_EQ(root.find("foo5/")->name, "");
  EXPECT_EQ(root.find("a/b/c/x"), nullptr);  // an op, not a scope
  EXPECT_EQ(root.find("a/b/"), nullptr);
  EXPECT_EQ(root.find("abc"), nullptr);
}

// A real graph. Op names follow TF 1.15: tf.Variable(2.0, name="v") in name scope "s" makes
// s/v/initial_value (Const), s/v (VariableV2), s/v/Assign and s/v/read.
TEST(BuildScopeTreeOfGraph, CountsTfVariableOpsUnderTheNameScope) {
  Graph g;
  GraphGuard as_default(g);
  Output c = ops::constant(Tensor::scalar(1.0f));  // Const
  {
    NameScope s("s");
    make_variable(2.0f, {.name = "v"});
    ops::add(c, c);  // s/Add
  }
  const ScopeNode root = build_scope_tree(g);
  EXPECT_EQ(root.ops_here, 1);
  EXPECT_EQ(root.ops_total, 6);
  EXPECT_EQ(root.variables_here, 0);
  EXPECT_EQ(root.variables_total, 1);
  ASSERT_EQ(root.children.size(), 1u);

  const ScopeNode& s = root.children[0];
  EXPECT_EQ(s.path, "s");
  EXPECT_EQ(s.ops_here, 2);  // s/v, s/Add
  EXPECT_EQ(s.ops_total, 5);
  EXPECT_EQ(s.variables_here, 1);
  EXPECT_EQ(s.variables_total, 1);
  ASSERT_EQ(s.children.size(), 1u);

  const ScopeNode& v = s.children[0];
  EXPECT_EQ(v.path, "s/v");
  EXPECT_EQ(v.ops_here, 3);  // initial_value, Assign, read
  EXPECT_EQ(v.ops_total, 3);
  EXPECT_EQ(v.variables_total, 0);
}

// tf.get_variable("w", initializer=c) inside name_scope("outer"): the variable ignores the name
// scope, and a tensor initializer adds no ops, so the ops are w (VariableV2), w/Assign and
// w/read; the variable counts at the root, beside its op "w".
TEST(BuildScopeTreeOfGraph, CountsGetVariableWhereItsOpIsNotWhereItWasCalled) {
  Graph g;
  GraphGuard as_default(g);
  Output c = ops::constant(Tensor::scalar(1.0f), "c");
  {
    NameScope outer("outer");
    get_variable("w", {.initializer = Initializer::from_tensor(c)});
    ops::identity(c);  // outer/Identity
  }
  const ScopeNode root = build_scope_tree(g);
  EXPECT_EQ(root.ops_here, 2);  // c, w
  EXPECT_EQ(root.ops_total, 5);
  EXPECT_EQ(root.variables_here, 1);
  EXPECT_EQ(root.variables_total, 1);
  ASSERT_EQ(root.children.size(), 2u);
  EXPECT_EQ(root.children[0].path, "w");
  EXPECT_EQ(root.children[0].ops_here, 2);  // w/Assign, w/read
  EXPECT_EQ(root.children[0].variables_total, 0);
  EXPECT_EQ(root.children[1].path, "outer");
  EXPECT_EQ(root.children[1].ops_total, 1);
  EXPECT_EQ(root.children[1].variables_total, 0);
}

}  // namespace
}  // namespace scopeflow
