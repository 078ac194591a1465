// Graph (spec §1, §11, §12): operation order, lookups by name with TF's messages,
// collections, the default graph, GraphGuard and reset_default_graph.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using testing::CollectionNames;
using testing::F32;
using testing::OpNames;

// ---- Operations ----

TEST(Graph, OperationsAreKeptInCreationOrder) {
  Graph g;
  Scope root = Scope::root(g);
  (void)ops::constant(root, F32(1), "b");
  (void)ops::constant(root, F32(1), "a");
  (void)ops::constant(root.name_scope("s"), F32(1), "c");
  EXPECT_EQ(OpNames(g), (std::vector<std::string>{"b", "a", "s/c"}));
  EXPECT_EQ(g.num_operations(), 3u);
  EXPECT_EQ(g.operation(1).name(), "a");
}

TEST(Graph, FindOperationMatchesTheExactName) {
  Graph g;
  Scope root = Scope::root(g);
  Output c = ops::constant(root, F32(1), "c");
  ASSERT_TRUE(g.find_operation("c").has_value());
  EXPECT_EQ(*g.find_operation("c"), c.op());
  EXPECT_FALSE(g.find_operation("C").has_value());
  EXPECT_FALSE(g.find_operation("d").has_value());
}

TEST(Graph, GraphsAreIndependent) {
  Graph g1, g2;
  Output a = ops::constant(Scope::root(g1), F32(1));
  Output b = ops::constant(Scope::root(g2), F32(1));
  EXPECT_EQ(a.name(), "Const:0");
  EXPECT_EQ(b.name(), "Const:0");
  EXPECT_EQ(a.graph(), &g1);
  EXPECT_EQ(b.graph(), &g2);
  EXPECT_NE(g1.id(), g2.id());
}

TEST(Graph, GraphsHaveSeparateStoresAndCounters) {
  Graph g1, g2;
  Scope r1 = Scope::root(g1), r2 = Scope::root(g2);
  EXPECT_EQ(get_variable(r1, "v", testing::Shaped({1})).name(), "v:0");
  EXPECT_EQ(get_variable(r2, "v", testing::Shaped({1})).name(), "v:0");
  EXPECT_EQ(r1.default_variable_scope("blk").variable_scope().name(), "blk");
  EXPECT_EQ(r2.default_variable_scope("blk").variable_scope().name(), "blk");
  EXPECT_EQ(g1.num_variables(), 1u);
  EXPECT_EQ(g2.num_variables(), 1u);
}

// ---- get_operation_by_name / get_tensor_by_name (ops.py _as_graph_element_locked) ----

TEST(GraphLookup, GetOperationByNameFindsTheOp) {
  Graph g;
  Output c = ops::constant(Scope::root(g), F32(1), "c");
  EXPECT_EQ(g.get_operation_by_name("c"), c.op());
}

TEST(GraphLookup, AMissingOperationIsAKeyError) {
  Graph g;
  SF_EXPECT_ERROR(Code::kNotFound, "The name 'nope' refers to an Operation not in the graph.",
                  g.get_operation_by_name("nope"));
}

TEST(GraphLookup, ATensorNameIsNotAnOperation) {
  Graph g;
  (void)ops::constant(Scope::root(g), F32(1), "c");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Name 'c:0' appears to refer to a Tensor, not a Operation.",
                  g.get_operation_by_name("c:0"));
}

TEST(GraphLookup, GetTensorByNameFindsEachOutput) {
  Graph g;
  Scope root = Scope::root(g);
  std::vector<Output> parts =
      ops::unstack(root, ops::constant(root, Tensor::vector<float>({1, 2, 3})));
  EXPECT_EQ(g.get_tensor_by_name("unstack:2"), parts[2]);
  EXPECT_EQ(g.get_tensor_by_name("Const:0").op().type(), "Const");
}

TEST(GraphLookup, AnOperationNameIsNotATensor) {
  Graph g;
  (void)ops::constant(Scope::root(g), F32(1), "c");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "The name 'c' refers to an Operation, not a Tensor. Tensor names must be of "
                  "the form \"<op_name>:<output_index>\".",
                  g.get_tensor_by_name("c"));
}

TEST(GraphLookup, AnUnknownNameWithoutColonLooksLikeAnInvalidOperationName) {
  Graph g;
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "The name 'nope' looks like an (invalid) Operation name, not a Tensor. Tensor "
                  "names must be of the form \"<op_name>:<output_index>\".",
                  g.get_tensor_by_name("nope"));
}

TEST(GraphLookup, AMalformedTensorNameIsAValueError) {
  Graph g;
  (void)ops::constant(Scope::root(g), F32(1), "c");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "The name 'c:x' looks a like a Tensor name, but is not a valid one. Tensor "
                  "names must be of the form \"<op_name>:<output_index>\".",
                  g.get_tensor_by_name("c:x"));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "The name 'c:0:1' looks a like a Tensor name, but is not a valid one. Tensor "
                  "names must be of the form \"<op_name>:<output_index>\".",
                  g.get_tensor_by_name("c:0:1"));
}

TEST(GraphLookup, ATensorOfAMissingOperationIsAKeyError) {
  Graph g;
  SF_EXPECT_ERROR(Code::kNotFound,
                  "The name 'nope:0' refers to a Tensor which does not exist. The operation, "
                  "'nope', does not exist in the graph.",
                  g.get_tensor_by_name("nope:0"));
}

TEST(GraphLookup, AnOutputIndexPastTheEndIsAKeyError) {
  Graph g;
  (void)ops::constant(Scope::root(g), F32(1), "c");
  SF_EXPECT_ERROR(Code::kNotFound,
                  "The name 'c:1' refers to a Tensor which does not exist. The operation, 'c', "
                  "exists but only has 1 outputs.",
                  g.get_tensor_by_name("c:1"));
}

TEST(GraphLookup, ANegativeIndexCountsFromTheEndAsInPython) {
  // _as_graph_element_locked returns op.outputs[int(out_n)], a Python list index.
  Graph g;
  Scope root = Scope::root(g);
  std::vector<Output> parts =
      ops::unstack(root, ops::constant(root, Tensor::vector<float>({1, 2, 3})));
  EXPECT_EQ(g.get_tensor_by_name("unstack:-1"), parts[2]);
  SF_EXPECT_ERROR(Code::kNotFound,
                  "The name 'unstack:-4' refers to a Tensor which does not exist. The operation, "
                  "'unstack', exists but only has 3 outputs.",
                  g.get_tensor_by_name("unstack:-4"));
}

TEST(GraphLookup, AnOpNamedByAScopeStringIsFound) {
  // Conformance case 037: the op takes exactly the scope's path.
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::constant(root, F32(1));
  Scope layer = root.name_scope("layer");
  Output out = ops::identity(layer, x, layer.name_scope_string());
  EXPECT_EQ(g.get_operation_by_name("layer"), out.op());
  EXPECT_EQ(g.get_tensor_by_name("layer:0"), out);
  Scope upper = root.name_scope("Other");
  Output other = ops::identity(upper, x, "other/");
  EXPECT_EQ(g.get_operation_by_name("other"), other.op());
}

TEST(GraphLookup, LookupsAreCaseSensitive) {
  Graph g;
  (void)ops::constant(Scope::root(g), F32(1), "c");
  SF_EXPECT_ERROR(Code::kNotFound, "The name 'C' refers to an Operation not in the graph.",
                  g.get_operation_by_name("C"));
}

// ---- Collections (spec §11) ----

TEST(GraphCollections, ItemsKeepInsertionOrder) {
  Graph g;
  Scope root = Scope::root(g);
  Output b = ops::constant(root, F32(1), "b");
  Output a = ops::constant(root, F32(1), "a");
  g.add_to_collection(graph_keys::kLosses, CollectionItem::of(b));
  g.add_to_collection(graph_keys::kLosses, CollectionItem::of(a));
  g.add_to_collection(graph_keys::kLosses, CollectionItem::of(a.op()));
  EXPECT_EQ(CollectionNames(g, graph_keys::kLosses), (std::vector<std::string>{"b:0", "a:0", "a"}));
}

TEST(GraphCollections, GetCollectionReturnsACopy) {
  Graph g;
  Output a = ops::constant(Scope::root(g), F32(1), "a");
  g.add_to_collection("k", CollectionItem::of(a));
  std::vector<CollectionItem> items = g.get_collection("k");
  items.clear();
  EXPECT_EQ(g.get_collection("k").size(), 1u);
}

TEST(GraphCollections, AMissingKeyIsEmpty) {
  Graph g;
  EXPECT_TRUE(g.get_collection("nothing").empty());
  EXPECT_TRUE(g.get_all_collection_keys().empty());
}

TEST(GraphCollections, ScopeFilterIsARegexMatchAtTheStart) {
  Graph g;
  Scope root = Scope::root(g);
  for (const char* name : {"foo/a", "foo_/a", "foobar/a", "xfoo/a", "bar/foo"}) {
    g.add_to_collection("k", CollectionItem::of(ops::constant(root, F32(1), name)));
  }
  EXPECT_EQ(CollectionNames(g, "k", "foo"),
            (std::vector<std::string>{"foo/a:0", "foo_/a:0", "foobar/a:0"}));
  EXPECT_EQ(CollectionNames(g, "k", "foo/"), (std::vector<std::string>{"foo/a:0"}));
  EXPECT_EQ(CollectionNames(g, "k", "f.o_"), (std::vector<std::string>{"foo_/a:0"}));
  EXPECT_EQ(
      CollectionNames(g, "k", ".*foo"),
      (std::vector<std::string>{"foo/a:0", "foo_/a:0", "foobar/a:0", "xfoo/a:0", "bar/foo:0"}));
}

TEST(GraphCollections, AddToCollectionsAddsOncePerDistinctKey) {
  Graph g;
  Output a = ops::constant(Scope::root(g), F32(1), "a");
  const std::vector<std::string> keys = {"x", "y", "x"};
  g.add_to_collections(keys, CollectionItem::of(a));
  EXPECT_EQ(g.get_collection("x").size(), 1u);
  EXPECT_EQ(g.get_collection("y").size(), 1u);
}

TEST(GraphCollections, ReusedVariablesAreNotAddedAgain) {
  Graph g;
  Scope root = Scope::root(g);
  (void)get_variable(root.variable_scope("foo"), "v", testing::Shaped({1}));
  (void)get_variable(root.variable_scope("foo", {.reuse = Reuse::kTrue}), "v");
  EXPECT_EQ(g.get_collection(graph_keys::kGlobalVariables).size(), 1u);
  EXPECT_EQ(g.get_collection(graph_keys::kTrainableVariables).size(), 1u);
}

TEST(GraphCollections, ClearCollectionEmptiesIt) {
  Graph g;
  Output a = ops::constant(Scope::root(g), F32(1), "a");
  g.add_to_collection("k", CollectionItem::of(a));
  g.clear_collection("k");
  EXPECT_TRUE(g.get_collection("k").empty());
}

TEST(GraphCollections, StandardKeysHaveTensorFlowsStrings) {
  EXPECT_STREQ(graph_keys::kGlobalVariables, "variables");
  EXPECT_STREQ(graph_keys::kLocalVariables, "local_variables");
  EXPECT_STREQ(graph_keys::kTrainableVariables, "trainable_variables");
  EXPECT_STREQ(graph_keys::kModelVariables, "model_variables");
  EXPECT_STREQ(graph_keys::kRegularizationLosses, "regularization_losses");
  EXPECT_STREQ(graph_keys::kUpdateOps, "update_ops");
  EXPECT_STREQ(graph_keys::kLosses, "losses");
  EXPECT_STREQ(graph_keys::kSummaries, "summaries");
}

// ---- Default graph, GraphGuard, reset_default_graph (spec §12) ----

TEST(DefaultGraph, GraphGuardMakesAGraphTheDefault) {
  Graph g;
  {
    GraphGuard guard(g);
    EXPECT_EQ(&default_graph(), &g);
    EXPECT_EQ(ops::constant(F32(1)).graph(), &g);
  }
  EXPECT_NE(&default_graph(), &g);
}

TEST(DefaultGraph, GraphGuardsNest) {
  Graph g1, g2;
  GraphGuard outer(g1);
  {
    GraphGuard inner(g2);
    EXPECT_EQ(&default_graph(), &g2);
  }
  EXPECT_EQ(&default_graph(), &g1);
}

TEST(DefaultGraph, EachGraphHasItsOwnScopeStack) {
  Graph g1, g2;
  GraphGuard outer(g1);
  NameScope a("a");
  {
    GraphGuard inner(g2);
    EXPECT_EQ(current_scope().name_stack(), "");
    EXPECT_EQ(ops::constant(F32(1)).name(), "Const:0");
  }
  EXPECT_EQ(current_scope().name_stack(), "a");
  EXPECT_EQ(ops::constant(F32(1)).name(), "a/Const:0");
}

TEST(DefaultGraph, ResetReplacesTheGlobalDefaultGraph) {
  reset_default_graph();
  Graph* before = &default_graph();
  EXPECT_EQ(ops::constant(F32(1)).name(), "Const:0");
  EXPECT_EQ(ops::constant(F32(1)).name(), "Const_1:0");
  reset_default_graph();
  EXPECT_NE(&default_graph(), before);
  EXPECT_EQ(default_graph().num_operations(), 0u);
  EXPECT_EQ(ops::constant(F32(1)).name(), "Const:0");
  reset_default_graph();
}

TEST(DefaultGraph, ResetGivesAFreshStoreAndScopeState) {
  reset_default_graph();
  (void)get_variable("v", testing::Shaped({1}));
  { VariableScopeGuard s("s"); }
  reset_default_graph();
  EXPECT_FALSE(default_graph().stored_variable("v").has_value());
  EXPECT_EQ(get_variable("v", testing::Shaped({1})).name(), "v:0");
  auto d = VariableScopeGuard::with_default_name("s");
  EXPECT_EQ(d->variable_scope().name(), "s");
  EXPECT_EQ(d->variable_scope().original_name_scope(), "s/");
  d.reset();
  reset_default_graph();
}

TEST(DefaultGraph, ResetInsideAGraphGuardIsRejected) {
  Graph g;
  GraphGuard guard(g);
  SF_EXPECT_ERROR(Code::kFailedPrecondition,
                  "Do not use tf.reset_default_graph() to clear nested graphs. If you need a "
                  "cleared graph, exit the nesting and create a new graph.",
                  reset_default_graph());
  EXPECT_EQ(&default_graph(), &g);
}

TEST(DefaultGraph, OldHandlesKeepPointingAtTheirGraph) {
  reset_default_graph();
  std::shared_ptr<Graph> old = default_graph_shared();
  Output c = ops::constant(F32(1), "c");
  reset_default_graph();
  EXPECT_EQ(c.graph(), old.get());
  EXPECT_NE(&default_graph(), old.get());
  EXPECT_EQ(c.name(), "c:0");
  EXPECT_EQ(old->num_operations(), 1u);
}

TEST(DefaultGraph, ASharedGraphGuardKeepsTheGraphAlive) {
  auto g = std::make_shared<Graph>();
  GraphGuard guard(g);
  EXPECT_EQ(default_graph_shared().get(), g.get());
}

}  // namespace
}  // namespace scopeflow

namespace scopeflow {
namespace {
TEST(GraphFinalize, AFinalizedGraphRefusesNewOpsButKeepsItsNames) {
  Graph g;
  Scope root = Scope::root(g);
  Output c = ops::constant(root, Tensor::scalar(1.0f), "c");
  g.finalize();
  EXPECT_TRUE(g.finalized());
  SF_EXPECT_ERROR(Code::kFailedPrecondition, "Graph is finalized and cannot be modified.",
                  ops::constant(root, Tensor::scalar(2.0f), "d"));
  EXPECT_EQ(g.num_operations(), 1u);
  EXPECT_EQ(g.get_operation_by_name("c"), c.op());
}
}  // namespace
}  // namespace scopeflow
