// TF 1.15's Graph.unique_name (spec §2): counters, suffix scanning, case folding and
// mark_as_used, through NameTable, Graph::unique_name and Scope::unique_name.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using GraphUniqueNameWithGuards = testing::DefaultGraphTest;

std::string Unique(NameTable& t, std::string_view name, bool mark = true) {
  return std::string(t.unique(name, mark));
}

TEST(NameTable, RepeatedNamesGetIncreasingSuffixes) {
  internal::Arena arena;
  NameTable t(&arena);
  EXPECT_EQ(Unique(t, "foo"), "foo");
  EXPECT_EQ(Unique(t, "foo"), "foo_1");
  EXPECT_EQ(Unique(t, "foo"), "foo_2");
}

TEST(NameTable, AGeneratedNameIsItselfReserved) {
  internal::Arena arena;
  NameTable t(&arena);
  EXPECT_EQ(Unique(t, "foo_1"), "foo_1");
  EXPECT_EQ(Unique(t, "foo_1"), "foo_1_1");
  EXPECT_EQ(Unique(t, "foo_1"), "foo_1_2");
}

TEST(NameTable, LookupIsCaseInsensitiveAndKeepsTheCallersCase) {
  internal::Arena arena;
  NameTable t(&arena);
  EXPECT_EQ(Unique(t, "foo"), "foo");
  EXPECT_EQ(Unique(t, "Foo"), "Foo_1");
  EXPECT_TRUE(t.contains("FOO"));
  EXPECT_TRUE(t.contains("foo_1"));
}

TEST(NameTable, MarkAsUsedFalseLeavesTheTableUnchanged) {
  internal::Arena arena;
  NameTable t(&arena);
  EXPECT_EQ(Unique(t, "foo", false), "foo");
  EXPECT_FALSE(t.contains("foo"));
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(Unique(t, "foo"), "foo");
  EXPECT_EQ(Unique(t, "foo", false), "foo_1");
  EXPECT_EQ(Unique(t, "foo", false), "foo_1");
  EXPECT_FALSE(t.contains("foo_1"));
}

TEST(NameTable, OnlyTheFullKeyIsRegistered) {
  internal::Arena arena;
  NameTable t(&arena);
  EXPECT_EQ(Unique(t, "a/b"), "a/b");
  EXPECT_FALSE(t.contains("a"));
  EXPECT_EQ(Unique(t, "a"), "a");
}

// Spec §2 written out directly: a map from lower-cased name to counter.
class ReferenceUniqueName {
 public:
  std::string unique(const std::string& name, bool mark) {
    const std::string base = Lower(name);
    std::string key = base;
    int i = Count(key);
    if (mark) counts_[key] = i + 1;
    if (i > 0) {
      while (counts_.count(key)) key = base + "_" + std::to_string(i++);
      if (mark) counts_[key] = 1;
      return name + "_" + std::to_string(i - 1);
    }
    return name;
  }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  int Count(const std::string& key) const {
    auto it = counts_.find(key);
    return it == counts_.end() ? 0 : it->second;
  }
  std::map<std::string, int> counts_;
};

TEST(NameTable, AgreesWithTheSpecAlgorithmOnRandomRequests) {
  const std::vector<std::string> names = {"foo",   "Foo", "foo_1",   "FOO_1", "foo_2",
                                          "foo_3", "bar", "foo_1_1", "bar_1", "Bar"};
  std::mt19937 rng(1234);
  for (int round = 0; round < 20; ++round) {
    internal::Arena arena;
    NameTable table(&arena);
    ReferenceUniqueName reference;
    for (int step = 0; step < 300; ++step) {
      const std::string& name = names[rng() % names.size()];
      const bool mark = rng() % 4 != 0;
      const std::string want = reference.unique(name, mark);
      ASSERT_EQ(Unique(table, name, mark), want)
          << "round " << round << " step " << step << " name " << name << " mark " << mark;
    }
  }
}

// Conformance case 012.
TEST_F(GraphUniqueNameWithGuards, UniqueNameCounterMatchesCase012) {
  EXPECT_EQ(g_.unique_name("foo", false), "foo");
  EXPECT_EQ(g_.unique_name("foo"), "foo");
  EXPECT_EQ(g_.unique_name("foo", false), "foo_1");
  EXPECT_EQ(g_.unique_name("foo"), "foo_1");
  EXPECT_EQ(g_.unique_name("foo"), "foo_2");
  EXPECT_EQ(g_.unique_name("foo_1"), "foo_1_1");
  EXPECT_EQ(g_.unique_name("foo_1"), "foo_1_2");
  EXPECT_EQ(g_.unique_name("foo_1_2"), "foo_1_2_1");
}

// Conformance case 014 (ops_test testOutOfOrderUniqueName).
TEST(GraphUniqueName, OutOfOrderRequestsSkipTakenSuffixes) {
  Graph g;
  EXPECT_EQ(g.unique_name("foo_2"), "foo_2");
  EXPECT_EQ(g.unique_name("foo"), "foo");
  EXPECT_EQ(g.unique_name("foo"), "foo_1");
  EXPECT_EQ(g.unique_name("foo"), "foo_3");
}

// Conformance case 016, explicit style.
TEST(GraphUniqueName, CaseInsensitiveForNamesAndScopes) {
  Graph g;
  Scope root = Scope::root(g);
  EXPECT_EQ(root.unique_name("foo"), "foo");
  EXPECT_EQ(root.unique_name("Foo"), "Foo_1");
  EXPECT_EQ(root.name_scope("bar").name_scope_string(), "bar/");
  Scope bar = root.name_scope("Bar");
  EXPECT_EQ(bar.name_scope_string(), "Bar_1/");
  EXPECT_EQ(ops::constant(bar, testing::F32(0)).name(), "Bar_1/Const:0");
}

// Conformance case 016, guard style.
TEST_F(GraphUniqueNameWithGuards, CaseInsensitiveScopeNamesWithGuards) {
  EXPECT_EQ(g_.unique_name("foo"), "foo");
  EXPECT_EQ(g_.unique_name("Foo"), "Foo_1");
  {
    NameScope s1("bar");
    EXPECT_EQ(s1.name(), "bar/");
  }
  NameScope s2("Bar");
  EXPECT_EQ(s2.name(), "Bar_1/");
  EXPECT_EQ(ops::constant(testing::F32(0)).name(), "Bar_1/Const:0");
}

// Conformance case 013, explicit style.
TEST(GraphUniqueName, NestedScopesPrefixTheNameExplicitly) {
  Graph g;
  Scope root = Scope::root(g);
  EXPECT_EQ(root.unique_name("foo"), "foo");
  Scope bar = root.name_scope("bar");
  EXPECT_EQ(bar.unique_name("foo"), "bar/foo");
  EXPECT_EQ(bar.unique_name("foo"), "bar/foo_1");
  EXPECT_EQ(bar.name_scope("").unique_name("foo"), "foo_1");
  EXPECT_EQ(bar.name_scope("baz").unique_name("foo"), "bar/baz/foo");
  EXPECT_EQ(bar.name_scope("baz").unique_name("foo"), "bar/baz_1/foo");
  EXPECT_EQ(root.name_scope("bar").name_scope("baz").unique_name("foo"), "bar_1/baz/foo");
  EXPECT_EQ(root.unique_name("bar"), "bar_2");
}

// Conformance case 013, guard style: Graph::unique_name uses the thread's current scope.
TEST_F(GraphUniqueNameWithGuards, GraphUniqueNameUsesTheCurrentNameScope) {
  EXPECT_EQ(g_.unique_name("foo"), "foo");
  {
    NameScope bar("bar");
    EXPECT_EQ(g_.unique_name("foo"), "bar/foo");
    EXPECT_EQ(g_.unique_name("foo"), "bar/foo_1");
    {
      NameScope none(std::nullopt);
      EXPECT_EQ(g_.unique_name("foo"), "foo_1");
    }
    {
      NameScope baz("baz");
      EXPECT_EQ(g_.unique_name("foo"), "bar/baz/foo");
    }
    {
      NameScope baz("baz");
      EXPECT_EQ(g_.unique_name("foo"), "bar/baz_1/foo");
    }
  }
  {
    NameScope bar("bar");
    NameScope baz("baz");
    EXPECT_EQ(g_.unique_name("foo"), "bar_1/baz/foo");
  }
  EXPECT_EQ(g_.unique_name("bar"), "bar_2");
}

// Conformance case 070.
TEST_F(GraphUniqueNameWithGuards, UniqueNameUnderAVariableScopeFollowsTheNameScope) {
  NameScope l0("l0");
  VariableScopeGuard l1("l1");
  {
    NameScope s("l1");
    EXPECT_EQ(s.name(), "l0/l1/l1/");
    EXPECT_EQ(g_.unique_name("foo", false), "l0/l1/l1/foo");
    EXPECT_EQ(g_.unique_name("foo"), "l0/l1/l1/foo");
  }
  NameScope s("l2");
  EXPECT_EQ(s.name(), "l0/l1/l2/");
  EXPECT_EQ(g_.unique_name("foo"), "l0/l1/l2/foo");
}

TEST(GraphUniqueName, AScopeMakesALaterOpWithItsNameTakeASuffix) {
  Graph g;
  Scope root = Scope::root(g);
  (void)root.name_scope("x");
  EXPECT_EQ(ops::constant(root, testing::F32(1), "x").name(), "x_1:0");
}

TEST(GraphUniqueName, AnOpMakesALaterScopeWithItsNameTakeASuffix) {
  Graph g;
  Scope root = Scope::root(g);
  EXPECT_EQ(ops::constant(root, testing::F32(1), "x").name(), "x:0");
  EXPECT_EQ(root.name_scope("x").name_scope_string(), "x_1/");
}

TEST(GraphUniqueName, CreatingANestedNameDoesNotRegisterItsParent) {
  Graph g;
  Scope root = Scope::root(g);
  EXPECT_EQ(ops::constant(root, testing::F32(1), "a/b").name(), "a/b:0");
  EXPECT_EQ(root.unique_name("a", false), "a");
  EXPECT_EQ(root.name_scope("a").name_scope_string(), "a/");
}

TEST(GraphUniqueName, MarkAsUsedFalseDoesNotReserveUnderAScope) {
  Graph g;
  Scope s = Scope::root(g).name_scope("s");
  EXPECT_EQ(s.unique_name("c", false), "s/c");
  EXPECT_EQ(s.unique_name("c", false), "s/c");
  EXPECT_EQ(ops::constant(s, testing::F32(1), "c").name(), "s/c:0");
  EXPECT_EQ(s.unique_name("c", false), "s/c_1");
}

}  // namespace
}  // namespace scopeflow
