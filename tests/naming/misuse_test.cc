// Misuse of the RAII guards and the scope stack: out-of-order destruction is reported with
// code internal by the next call that touches the stack, and variable scopes must nest.
#include <gtest/gtest.h>

#include <memory>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using testing::F32;
using GuardMisuse = testing::DefaultGraphTest;

TEST_F(GuardMisuse, OutOfOrderNameScopesAreReportedByCurrentScope) {
  auto a = std::make_unique<NameScope>("a");
  auto b = std::make_unique<NameScope>("b");
  a.reset();  // b is still open
  SF_EXPECT_CODE(Code::kInternal, (void)current_scope());
  b.reset();
}

TEST_F(GuardMisuse, OutOfOrderVariableScopesAreReportedByTheNextGuard) {
  auto outer = std::make_unique<VariableScopeGuard>("outer");
  auto inner = std::make_unique<VariableScopeGuard>("inner");
  outer.reset();
  SF_EXPECT_CODE(Code::kInternal, NameScope s("next"));
  inner.reset();
}

TEST_F(GuardMisuse, OutOfOrderGuardsAreReportedByAnImplicitOp) {
  auto a = std::make_unique<NameScope>("a");
  auto b = std::make_unique<VariableScopeGuard>("b");
  a.reset();
  const size_t before = g_.num_operations();
  SF_EXPECT_CODE(Code::kInternal, ops::constant(F32(1)));
  EXPECT_EQ(g_.num_operations(), before);
  b.reset();
}

TEST_F(GuardMisuse, OutOfOrderGuardsAreReportedByGetVariable) {
  auto a = std::make_unique<VariableScopeGuard>("a");
  auto b = std::make_unique<NameScope>("b");
  a.reset();
  SF_EXPECT_CODE(Code::kInternal, get_variable("w", testing::Shaped({1})));
  EXPECT_EQ(g_.num_variables(), 0u);
  b.reset();
}

TEST_F(GuardMisuse, OutOfOrderGuardsAreReportedByGraphUniqueName) {
  auto a = std::make_unique<NameScope>("a");
  auto b = std::make_unique<NameScope>("b");
  a.reset();
  SF_EXPECT_CODE(Code::kInternal, g_.unique_name("x"));
  b.reset();
}

TEST_F(GuardMisuse, OutOfOrderGuardsAreReportedByAScopeGuard) {
  Scope explicit_scope = Scope::root(g_).name_scope("e");
  auto a = std::make_unique<NameScope>("a");
  auto b = std::make_unique<NameScope>("b");
  a.reset();
  SF_EXPECT_CODE(Code::kInternal, ScopeGuard s(explicit_scope));
  b.reset();
}

TEST_F(GuardMisuse, InOrderHeapGuardsRaiseNothing) {
  auto a = std::make_unique<NameScope>("a");
  auto b = std::make_unique<VariableScopeGuard>("b");
  b.reset();
  a.reset();
  EXPECT_EQ(current_scope().name_stack(), "");
  EXPECT_EQ(ops::constant(F32(1)).name(), "Const:0");
}

TEST(GuardMisuseAcrossGraphs, AMisuseIsRecordedOnItsOwnGraph) {
  Graph g1, g2;
  auto a = std::make_unique<NameScope>(g1, "a");
  auto b = std::make_unique<NameScope>(g1, "b");
  a.reset();
  EXPECT_EQ(current_scope(g2).name_stack(), "");
  SF_EXPECT_CODE(Code::kInternal, (void)current_scope(g1));
  b.reset();
}

TEST(ScopeStackNesting, PoppingAnOuterVariableScopeIsImproperNesting) {
  Graph g;
  internal::Pushed outer = internal::push_variable_scope(g, "outer", {});
  internal::Pushed inner = internal::push_variable_scope(g, "inner", {});
  SF_EXPECT_ERROR(Code::kFailedPrecondition, "Improper nesting of variable_scope.",
                  internal::pop_scope(g, outer.token));
  internal::pop_scope(g, inner.token);
  internal::pop_scope(g, outer.token);
  EXPECT_EQ(current_scope(g).variable_scope().name(), "");
}

TEST(ScopeStackNesting, PushedScopesAreCurrentUntilPopped) {
  Graph g;
  internal::Pushed ns = internal::push_name_scope(g, "a");
  EXPECT_EQ(ns.scope.name_scope_string(), "a/");
  internal::Pushed vs = internal::push_variable_scope(g, "v", {});
  EXPECT_EQ(current_scope(g).name_stack(), "a/v");
  EXPECT_EQ(current_scope(g).variable_scope().name(), "v");
  internal::pop_scope(g, vs.token);
  internal::pop_scope(g, ns.token);
  EXPECT_EQ(current_scope(g).name_stack(), "");
}

TEST(ScopeStackNesting, LeavingByObjectRestoresCountersThroughTheStack) {
  Graph g;
  internal::Pushed outer = internal::push_variable_scope(g, "outer", {});
  VariableScope vs = outer.scope.variable_scope();
  internal::Pushed again = internal::push_variable_scope(g, vs, {});
  internal::Pushed blk = internal::push_default_variable_scope(g, "blk", {});
  EXPECT_EQ(blk.scope.variable_scope().name(), "outer/blk");
  internal::pop_scope(g, blk.token);
  internal::pop_scope(g, again.token);
  internal::Pushed blk2 = internal::push_default_variable_scope(g, "blk", {});
  EXPECT_EQ(blk2.scope.variable_scope().name(), "outer/blk");
  internal::pop_scope(g, blk2.token);
  internal::pop_scope(g, outer.token);
}

}  // namespace
}  // namespace scopeflow
