// name_scope in both styles (spec §3, §4): nesting, reset, trailing slash, default names,
// name validation and get_name_scope.
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using testing::F32;
using NameScopeGuard = testing::DefaultGraphTest;

std::string OpName(const Output& t) { return std::string(t.op().name()); }

// ---- Nesting and reset (conformance case 035) ----

TEST(NameScope, NestedScopesYieldTheirFullPath) {
  Graph g;
  Scope foo = Scope::root(g).name_scope("foo");
  EXPECT_EQ(foo.name_scope_string(), "foo/");
  EXPECT_EQ(foo.name_stack(), "foo");
  EXPECT_EQ(foo.name_scope("foo2").name_scope_string(), "foo/foo2/");
}

TEST(NameScope, EmptyNameResetsToTheTopAndYieldsEmpty) {
  Graph g;
  Scope foo = Scope::root(g).name_scope("foo");
  Scope empty = foo.name_scope("");
  EXPECT_EQ(empty.name_scope_string(), "");
  EXPECT_EQ(empty.name_stack(), "");
  EXPECT_EQ(empty.name_scope("foo3").name_scope_string(), "foo3/");
}

TEST(NameScope, ReenteringByNameUniquifies) {
  Graph g;
  Scope root = Scope::root(g);
  EXPECT_EQ(root.name_scope("foo").name_scope_string(), "foo/");
  EXPECT_EQ(root.name_scope("foo").name_scope_string(), "foo_1/");
}

TEST_F(NameScopeGuard, NestingAndResetMatchCase035) {
  {
    NameScope foo("foo");
    EXPECT_EQ(foo.name(), "foo/");
    {
      NameScope foo2("foo2");
      EXPECT_EQ(foo2.name(), "foo/foo2/");
    }
    {
      NameScope empty1(std::nullopt);
      EXPECT_EQ(empty1.name(), "");
      NameScope foo3("foo3");
      EXPECT_EQ(foo3.name(), "foo3/");
    }
    {
      NameScope empty2("");
      EXPECT_EQ(empty2.name(), "");
    }
  }
  NameScope foo_again("foo");
  EXPECT_EQ(foo_again.name(), "foo_1/");
}

TEST_F(NameScopeGuard, LeavingRestoresThePreviousScope) {
  NameScope a("a");
  {
    NameScope b("b");
    EXPECT_EQ(current_scope().name_stack(), "a/b");
  }
  EXPECT_EQ(current_scope().name_stack(), "a");
}

TEST_F(NameScopeGuard, AnExceptionLeavingTheBlockRestoresTheScope) {
  try {
    NameScope a("a");
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(current_scope().name_stack(), "");
  EXPECT_EQ(ops::constant(F32(1)).name(), "Const:0");
}

// ---- Trailing slash (conformance case 036) ----

TEST(NameScope, TrailingSlashReentersWithoutUniquifying) {
  Graph g;
  Scope root = Scope::root(g);
  Scope foo = root.name_scope("foo/");
  EXPECT_EQ(foo.name_scope_string(), "foo/");
  EXPECT_EQ(foo.name_stack(), "foo");
  EXPECT_EQ(foo.name_scope("foo4").name_scope_string(), "foo/foo4/");
  Scope foo5 = foo.name_scope("foo5//");
  EXPECT_EQ(foo5.name_scope_string(), "foo5//");
  EXPECT_EQ(foo5.name_scope("foo6").name_scope_string(), "foo5//foo6/");
  Scope slash = foo.name_scope("/");
  EXPECT_EQ(slash.name_scope_string(), "/");
  EXPECT_EQ(slash.name_stack(), "");
  EXPECT_FALSE(slash.name_stack_is_none());
  EXPECT_EQ(foo.name_scope("a//b/c").name_scope_string(), "foo/a//b/c/");
}

TEST_F(NameScopeGuard, TrailingSlashMatchesCase036) {
  NameScope outer("foo/");
  EXPECT_EQ(outer.name(), "foo/");
  {
    NameScope foo4("foo4");
    EXPECT_EQ(foo4.name(), "foo/foo4/");
  }
  {
    NameScope foo5("foo5//");
    EXPECT_EQ(foo5.name(), "foo5//");
    NameScope foo6("foo6");
    EXPECT_EQ(foo6.name(), "foo5//foo6/");
  }
  {
    NameScope foo7("/");
    EXPECT_EQ(foo7.name(), "/");
  }
  NameScope foo9("a//b/c");
  EXPECT_EQ(foo9.name(), "foo/a//b/c/");
}

TEST(NameScope, TrailingSlashDoesNotRegisterTheName) {
  Graph g;
  Scope root = Scope::root(g);
  EXPECT_EQ(root.name_scope("bar/").name_scope_string(), "bar/");
  EXPECT_EQ(root.unique_name("bar", false), "bar");
  EXPECT_EQ(root.name_scope("bar").name_scope_string(), "bar/");
}

// Conformance case 038.
TEST(NameScope, ReenteringACapturedScopeContinuesItsNumbering) {
  Graph g;
  Scope nested = Scope::root(g).name_scope("nested");
  Output a = ops::constant(nested, F32(10), "c");
  Output b = ops::constant(nested.name_scope("inner"), F32(20), "c");
  Scope inner1 = nested.name_scope("inner");
  Output c = ops::constant(inner1, F32(30), "c");
  Scope again = inner1.name_scope(nested.name_scope_string());
  Output d = ops::constant(again, F32(40), "d");
  Output e = ops::constant(again.name_scope(""), F32(50), "e");
  EXPECT_EQ(OpName(a), "nested/c");
  EXPECT_EQ(OpName(b), "nested/inner/c");
  EXPECT_EQ(OpName(c), "nested/inner_1/c");
  EXPECT_EQ(OpName(d), "nested/d");
  EXPECT_EQ(OpName(e), "e");
}

TEST_F(NameScopeGuard, ReenteringACapturedScopeMatchesCase038) {
  Output a, b, c, d, e;
  {
    NameScope nested("nested");
    const std::string scope = nested.name();
    a = ops::constant(F32(10), "c");
    {
      NameScope inner("inner");
      b = ops::constant(F32(20), "c");
    }
    {
      NameScope inner("inner");
      c = ops::constant(F32(30), "c");
      NameScope again(scope);
      d = ops::constant(F32(40), "d");
      NameScope top("");
      e = ops::constant(F32(50), "e");
    }
  }
  EXPECT_EQ(OpName(a), "nested/c");
  EXPECT_EQ(OpName(b), "nested/inner/c");
  EXPECT_EQ(OpName(c), "nested/inner_1/c");
  EXPECT_EQ(OpName(d), "nested/d");
  EXPECT_EQ(OpName(e), "e");
}

TEST(NameScope, ReenteredScopeNumbersOpsAfterTheExistingOnes) {
  Graph g;
  Scope root = Scope::root(g);
  Scope bar = root.name_scope("bar");
  EXPECT_EQ(ops::constant(bar, F32(1)).name(), "bar/Const:0");
  EXPECT_EQ(ops::constant(bar, F32(1)).name(), "bar/Const_1:0");
  EXPECT_EQ(root.name_scope("bar").name_scope_string(), "bar_1/");
  EXPECT_EQ(ops::constant(root.name_scope("bar/"), F32(1)).name(), "bar/Const_2:0");
}

// Conformance case 037.
TEST(NameScope, TheYieldedStringNamesAnOpExactlyTheScopePath) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::constant(root, F32(1));
  Scope layer = root.name_scope("layer");
  Output h = ops::identity(layer, x);
  Output out = ops::identity(layer, h, layer.name_scope_string());
  EXPECT_EQ(h.name(), "layer/Identity:0");
  EXPECT_EQ(out.name(), "layer:0");
  EXPECT_EQ(ops::constant(root, F32(2), "layer").name(), "layer_1:0");
}

TEST_F(NameScopeGuard, TheYieldedStringNamesAnOpMatchesCase037) {
  Output x = ops::constant(F32(1));
  Output h, out;
  {
    NameScope layer("layer");
    h = ops::identity(x);
    out = ops::identity(h, layer.name());
  }
  EXPECT_EQ(h.name(), "layer/Identity:0");
  EXPECT_EQ(out.name(), "layer:0");
  EXPECT_EQ(ops::constant(F32(2), "layer").name(), "layer_1:0");
}

// ---- Default names (conformance case 039) ----

TEST(NameScope, DefaultNameIsUsedWhenNameIsNull) {
  Graph g;
  Scope root = Scope::root(g);
  Scope s1 = root.name_scope(std::nullopt, "default");
  EXPECT_EQ(s1.name_scope_string(), "default/");
  EXPECT_EQ(s1.name_scope(std::nullopt, "default2").name_scope_string(), "default/default2/");
  EXPECT_EQ(root.name_scope(std::nullopt, "default").name_scope_string(), "default_1/");
  EXPECT_EQ(root.name_scope("given", "default").name_scope_string(), "given/");
  EXPECT_EQ(root.name_scope("", "default").name_scope_string(), "");
}

TEST_F(NameScopeGuard, DefaultNamesMatchCase039) {
  {
    NameScope s1(std::nullopt, "default");
    EXPECT_EQ(s1.name(), "default/");
    NameScope s2(std::nullopt, "default2");
    EXPECT_EQ(s2.name(), "default/default2/");
  }
  {
    NameScope s3(std::nullopt, "default");
    EXPECT_EQ(s3.name(), "default_1/");
  }
  {
    NameScope s4("given", "default");
    EXPECT_EQ(s4.name(), "given/");
  }
  NameScope s5("", "default");
  EXPECT_EQ(s5.name(), "");
}

// ---- get_name_scope (conformance case 068) ----

TEST_F(NameScopeGuard, GetNameScopeReturnsTheStackWithoutSlash) {
  {
    NameScope s1("scope1");
    {
      NameScope s2("scope2");
      EXPECT_EQ(current_scope().name_stack(), "scope1/scope2");
    }
    VariableScopeGuard vs("vs");
    EXPECT_EQ(current_scope().name_stack(), "scope1/vs");
  }
  EXPECT_EQ(current_scope().name_stack(), "");
}

TEST(NameScope, GetNameScopeIsNoneOnlyInsideAResetScope) {
  Graph g;
  Scope root = Scope::root(g);
  EXPECT_FALSE(root.name_stack_is_none());
  EXPECT_TRUE(root.name_scope("").name_stack_is_none());
  EXPECT_TRUE(root.name_scope("a").name_scope("").name_stack_is_none());
  EXPECT_FALSE(root.name_scope("a").name_stack_is_none());
}

TEST_F(NameScopeGuard, GetNameScopeIsNoneInsideNameScopeNone) {
  EXPECT_FALSE(current_scope().name_stack_is_none());
  NameScope none(std::nullopt);
  EXPECT_TRUE(current_scope().name_stack_is_none());
  EXPECT_EQ(current_scope().name_stack(), "");
}

// ---- Validation (conformance cases 040, 041) ----

TEST(NameScopeValidation, TopLevelNamesUseTheOpPattern) {
  Graph g;
  Scope root = Scope::root(g);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'foo:0' is not a valid scope name",
                  root.name_scope("foo:0"));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_bar' is not a valid scope name",
                  root.name_scope("_bar"));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'a b' is not a valid scope name",
                  root.name_scope("a b"));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'-x' is not a valid scope name", root.name_scope("-x"));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'/' is not a valid scope name", root.name_scope("/"));
}

TEST(NameScopeValidation, TopLevelNamesMayStartWithADigitOrADot) {
  Graph g;
  Scope root = Scope::root(g);
  EXPECT_EQ(root.name_scope("1a").name_scope_string(), "1a/");
  EXPECT_EQ(root.name_scope(".x").name_scope_string(), ".x/");
  EXPECT_EQ(root.name_scope("a-b.c_d").name_scope_string(), "a-b.c_d/");
  EXPECT_EQ(ops::constant(root, F32(1), ".c").name(), ".c:0");
}

TEST_F(NameScopeGuard, InvalidScopeNamesMatchCase040) {
  for (const char* name : {"foo:0", "_bar", "a b"}) {
    SF_EXPECT_ERROR(Code::kInvalidArgument, "'" + std::string(name) + "' is not a valid scope name",
                    NameScope s(name));
  }
  EXPECT_EQ(current_scope().name_stack(), "");
  NameScope foo("foo/");
  NameScope bar("_bar");
  EXPECT_EQ(bar.name(), "foo/_bar/");
}

TEST(NameScopeValidation, NestedNamesUseTheLooserScopePattern) {
  Graph g;
  Scope s = Scope::root(g).name_scope("s");
  EXPECT_EQ(s.name_scope("_x").name_scope_string(), "s/_x/");
  EXPECT_EQ(s.name_scope("-x").name_scope_string(), "s/-x/");
  EXPECT_EQ(s.name_scope(".x").name_scope_string(), "s/.x/");
}

TEST(NameScopeValidation, ColonsAndSpacesFailEvenWhenNested) {
  Graph g;
  Scope s = Scope::root(g).name_scope("s");
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'a:b' is not a valid scope name", s.name_scope("a:b"));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'a b' is not a valid scope name", s.name_scope("a b"));
}

TEST(NameScopeValidation, TheNameIsCheckedAsGivenNotAsTheFullPath) {
  // "_x" alone fails at the top but passes nested, although "s/_x" would pass the op pattern.
  Graph g;
  Scope root = Scope::root(g);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_x' is not a valid scope name", root.name_scope("_x"));
  EXPECT_EQ(root.name_scope("s").name_scope("_x").name_scope_string(), "s/_x/");
}

TEST(NameScopeValidation, AFailedScopeRegistersNothing) {
  Graph g;
  Scope root = Scope::root(g);
  Scope s = root.name_scope("s");
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'x y' is not a valid scope name", s.name_scope("x y"));
  EXPECT_EQ(s.unique_name("x y", false), "s/x y");
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'-x' is not a valid scope name", root.name_scope("-x"));
  EXPECT_EQ(root.unique_name("-x", false), "-x");
  EXPECT_EQ(g.num_operations(), 0u);
}

TEST(NameScopeValidation, ConstantNamesAreCheckedInFullAgainstTheOpPattern) {
  Graph g;
  Scope root = Scope::root(g);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_c' is not a valid node name",
                  ops::constant(root, F32(1), "_c"));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'a b' is not a valid node name",
                  ops::constant(root, F32(1), "a b"));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'c:0' is not a valid node name",
                  ops::constant(root, F32(1), "c:0"));
  EXPECT_EQ(ops::constant(root.name_scope("s"), F32(1), "_c").name(), "s/_c:0");
}

TEST(NameScopeValidation, WrapperOpsCheckTheirNameAsAScopeFirst) {
  Graph g;
  Scope root = Scope::root(g);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_p' is not a valid scope name",
                  ops::placeholder(root, DataType::kFloat, PartialShape::unknown(), "_p"));
  EXPECT_EQ(ops::placeholder(root.name_scope("s"), DataType::kFloat, PartialShape::unknown(), "_p")
                .name(),
            "s/_p:0");
}

TEST_F(NameScopeGuard, InvalidNodeVersusScopeNamesMatchCase041) {
  for (const char* name : {"_c", "a b", "c:0"}) {
    SF_EXPECT_ERROR(Code::kInvalidArgument, "'" + std::string(name) + "' is not a valid node name",
                    ops::constant(F32(1), name));
  }
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_p' is not a valid scope name",
                  ops::placeholder(DataType::kFloat, PartialShape::unknown(), "_p"));
  NameScope s("s");
  EXPECT_EQ(ops::constant(F32(1), "_c").name(), "s/_c:0");
  EXPECT_EQ(ops::placeholder(DataType::kFloat, PartialShape::unknown(), "_p").name(), "s/_p:0");
}

}  // namespace
}  // namespace scopeflow
