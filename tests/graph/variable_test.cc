// tf.Variable (spec §10): default and scoped names, the ops it creates, its printed form,
// collections and the initial-value rules.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using testing::F32;
using testing::Named;
using testing::OpNames;
using testing::OpTypes;
using testing::VariableNames;
using TfVariable = testing::DefaultGraphTest;

// Conformance case 022.
TEST_F(TfVariable, DefaultNamesAreUniquifiedVariable) {
  Variable v1 = make_variable(1.0f);
  Variable v2 = make_variable(2.0f);
  Variable v3 = make_variable(3.0f, Named("Variable"));
  EXPECT_EQ(v1.name(), "Variable:0");
  EXPECT_EQ(v2.name(), "Variable_1:0");
  EXPECT_EQ(v3.name(), "Variable_2:0");
  EXPECT_EQ(v1.repr(), "<tf.Variable 'Variable:0' shape=() dtype=float32_ref>");
}

TEST(TfVariableExplicit, DefaultNamesAreUniquifiedVariable) {
  Graph g;
  Scope root = Scope::root(g);
  EXPECT_EQ(make_variable(root, 1.0f).name(), "Variable:0");
  EXPECT_EQ(make_variable(root, 2.0f).name(), "Variable_1:0");
  EXPECT_EQ(make_variable(root, 3.0f, Named("Variable")).name(), "Variable_2:0");
}

// Conformance case 023.
TEST_F(TfVariable, CreatesInitialValueVariableAssignAndRead) {
  Variable v = make_variable(Input({1.0f, 2.0f}), Named("v"));
  EXPECT_EQ(OpNames(g_), (std::vector<std::string>{"v/initial_value", "v", "v/Assign", "v/read"}));
  EXPECT_EQ(OpTypes(g_), (std::vector<std::string>{"Const", "VariableV2", "Assign", "Identity"}));
  EXPECT_EQ(v.initial_value().name(), "v/initial_value:0");
  EXPECT_EQ(v.value().name(), "v/read:0");
  EXPECT_EQ(v.op().name(), "v");
}

TEST(TfVariableExplicit, ATensorInitialValueMakesNoInitialValueOp) {
  Graph g;
  Scope root = Scope::root(g);
  Output init = ops::constant(root, F32(1));
  Variable v = make_variable(root, init, Named("v"));
  EXPECT_EQ(OpNames(g), (std::vector<std::string>{"Const", "v", "v/Assign", "v/read"}));
  EXPECT_EQ(v.initial_value(), init);
}

TEST(TfVariableExplicit, ACallableInitialValueIsBuiltInsideInitializer) {
  Graph g;
  Initializer init;
  init.fn = [](const Scope&, const PartialShape&, DataType, const PartitionInfo*) -> Input {
    return Input(1.0f);
  };
  init.accepts_no_args = true;
  Variable v = make_variable(Scope::root(g), init, Named("v"));
  EXPECT_EQ(v.initial_value().name(), "v/Initializer/initial_value:0");
  EXPECT_EQ(OpNames(g),
            (std::vector<std::string>{"v/Initializer/initial_value", "v", "v/Assign", "v/read"}));
}

TEST(TfVariableExplicit, CreationIgnoresControlDependencies) {
  // RefVariable runs in ops.init_scope(), which clears control dependencies.
  Graph g;
  Scope root = Scope::root(g);
  Output dep = ops::constant(root, F32(0), "dep");
  Scope guarded = root.name_scope("s").with_control_dependencies({dep.op()});
  Variable v = make_variable(guarded, 1.0f, Named("v"));
  EXPECT_EQ(v.name(), "s/v:0");
  for (const Operation& op : g.get_operations()) EXPECT_EQ(op.num_control_inputs(), 0) << op.name();
}

// Conformance case 021.
TEST_F(TfVariable, OpAndInitializerReprs) {
  Output c = ops::constant(F32(1), "c");
  EXPECT_EQ(c.op().repr(), "<tf.Operation 'c' type=Const>");
  EXPECT_EQ(c.op().name(), "c");
  EXPECT_EQ(c.op().type(), "Const");
  Variable v = make_variable(1.0f);
  EXPECT_EQ(v.op().repr(), "<tf.Operation 'Variable' type=VariableV2>");
  EXPECT_EQ(v.initializer().repr(), "<tf.Operation 'Variable/Assign' type=Assign>");
}

// Conformance case 066.
TEST_F(TfVariable, ReprShowsTheReferenceDtype) {
  Variable a = make_variable(Input(int32_t{1}));
  Variable b = make_variable(Input({1.0f, 2.0f}));
  Tensor bools(DataType::kBool, {2, 1});
  bools.data<bool>()[0] = true;
  Variable c = make_variable(Input(bools, /*literal=*/true));
  EXPECT_EQ(a.repr(), "<tf.Variable 'Variable:0' shape=() dtype=int32_ref>");
  EXPECT_EQ(b.repr(), "<tf.Variable 'Variable_1:0' shape=(2,) dtype=float32_ref>");
  EXPECT_EQ(c.repr(), "<tf.Variable 'Variable_2:0' shape=(2, 1) dtype=bool_ref>");
  EXPECT_EQ(dtype_str(a.dtype()), "<dtype: 'int32_ref'>");
  EXPECT_EQ(dtype_str(base_dtype(a.dtype())), "<dtype: 'int32'>");
  EXPECT_EQ(b.shape().to_string(), "(2,)");
}

TEST_F(TfVariable, TheSnapshotHasTheBaseDtype) {
  Variable v = make_variable(1.0f);
  EXPECT_EQ(v.ref().dtype(), ref_dtype(DataType::kFloat));
  EXPECT_EQ(v.value().dtype(), DataType::kFloat);
  EXPECT_EQ(v.value().str(), "Tensor(\"Variable/read:0\", shape=(), dtype=float32)");
}

// Conformance cases 010 and 011 live in seed_examples_test.cc; these are their neighbours.
TEST_F(TfVariable, NameScopesPrefixTheName) {
  NameScope s("hidden");
  EXPECT_EQ(make_variable(5.0f, Named("alpha")).name(), "hidden/alpha:0");
  EXPECT_EQ(make_variable(5.0f).name(), "hidden/Variable:0");
}

TEST_F(TfVariable, VariableScopeReuseHasNoEffect) {
  VariableScopeGuard s("s", {.reuse = Reuse::kTrue});
  EXPECT_EQ(make_variable(1.0f, Named("v")).name(), "s/v:0");
  EXPECT_EQ(make_variable(1.0f, Named("v")).name(), "s/v_1:0");
}

TEST_F(TfVariable, ATrailingSlashNameIsAbsolute) {
  NameScope s("s");
  Variable v = make_variable(1.0f, Named("t/"));
  EXPECT_EQ(v.name(), "t:0");
  EXPECT_EQ(v.value().name(), "t/read:0");
}

TEST(TfVariableExplicit, AnUnderscoreNameFailsOnlyAtTheTop) {
  // tf.Variable opens name_scope(name, "Variable"): the name is checked as a scope name.
  Graph g;
  Scope root = Scope::root(g);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_v' is not a valid scope name",
                  make_variable(root, 1.0f, Named("_v")));
  EXPECT_EQ(g.num_operations(), 0u);
  EXPECT_EQ(make_variable(root.name_scope("s"), 1.0f, Named("_v")).name(), "s/_v:0");
}

TEST_F(TfVariable, TheRefTensorPrintsTheRefDtype) {
  Variable v = make_variable(Input({1.0f}), Named("v"));
  EXPECT_EQ(v.ref().name(), "v:0");
  EXPECT_EQ(v.ref().str(), "Tensor(\"v:0\", shape=(1,), dtype=float32_ref)");
  EXPECT_EQ(v.ref().repr(), "<tf.Tensor 'v:0' shape=(1,) dtype=float32_ref>");
}

// ---- Collections (conformance case 059; spec §10) ----

TEST_F(TfVariable, GlobalAndTrainableByDefault) {
  (void)get_variable("a", testing::Shaped({1}));
  GetVariableOptions frozen = testing::Shaped({1});
  frozen.trainable = false;
  (void)get_variable("b", frozen);
  (void)make_variable(1.0f, Named("c"));
  VariableOptions d = Named("d");
  d.trainable = false;
  (void)make_variable(1.0f, d);
  EXPECT_EQ(VariableNames(g_, graph_keys::kGlobalVariables),
            (std::vector<std::string>{"a:0", "b:0", "c:0", "d:0"}));
  EXPECT_EQ(VariableNames(g_, graph_keys::kTrainableVariables),
            (std::vector<std::string>{"a:0", "c:0"}));
  EXPECT_EQ(std::string(graph_keys::kGlobalVariables) + " " + graph_keys::kTrainableVariables +
                " " + graph_keys::kLocalVariables,
            "variables trainable_variables local_variables");
}

TEST_F(TfVariable, EmptyCollectionsWithTrainableGoOnlyToTrainables) {
  VariableOptions o = Named("v");
  o.collections = std::vector<std::string>{};
  (void)make_variable(1.0f, o);
  EXPECT_TRUE(g_.variables(graph_keys::kGlobalVariables).empty());
  EXPECT_EQ(VariableNames(g_, graph_keys::kTrainableVariables), (std::vector<std::string>{"v:0"}));
}

TEST_F(TfVariable, OnReadSynchronizationIsNotTrainable) {
  VariableOptions o = Named("v");
  o.synchronization = Synchronization::kOnRead;
  Variable v = make_variable(1.0f, o);
  EXPECT_FALSE(v.trainable());
  EXPECT_TRUE(g_.variables(graph_keys::kTrainableVariables).empty());
}

// ---- Initial value rules ----

TEST_F(TfVariable, AnInitialValueIsRequired) {
  SF_EXPECT_ERROR(Code::kInvalidArgument, "initial_value must be specified.",
                  make_variable(current_scope(), Initializer{}));
}

TEST_F(TfVariable, AnInitialValueOfUnknownShapeIsRejected) {
  Output p = ops::placeholder(DataType::kFloat);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "initial_value must have a shape specified: Tensor(\"Placeholder:0\", "
                  "dtype=float32)",
                  make_variable(p));
}

TEST_F(TfVariable, WithoutValidateShapeAnUnknownShapeIsAllowed) {
  Output p = ops::placeholder(DataType::kFloat);
  VariableOptions o;
  o.validate_shape = false;
  Variable v = make_variable(p, o);
  EXPECT_EQ(v.repr(), "<tf.Variable 'Variable:0' shape=<unknown> dtype=float32_ref>");
}

}  // namespace
}  // namespace scopeflow

namespace scopeflow {
namespace {
std::vector<std::string> ClassOf(const Operation& op) {
  auto v = op.attr("_class");
  return v ? std::get<std::vector<std::string>>(*v) : std::vector<std::string>{};
}

TEST(Colocation, AVariablesInitializerOpsAssignAndReadCarryItsClass) {
  // TF 1.x GraphDefs (see ../shared/golden/packt_mlp9_adam_saver): an initializer built from a
  // callable runs under the attr scope {_class: loc:@w}, which covers VariableV2 too; Assign
  // (a ref input) and read (colocate_with) sit beside the variable.
  Graph g;
  Scope root = Scope::root(g);
  Variable w = get_variable(root, "w", {.shape = PartialShape({2})});
  const std::vector<std::string> loc_w = {"loc:@w"};
  EXPECT_EQ(ClassOf(w.initial_value().op()), loc_w);
  EXPECT_EQ(ClassOf(w.op()), loc_w);
  EXPECT_EQ(ClassOf(w.initializer()), loc_w);
  EXPECT_EQ(ClassOf(w.value().op()), loc_w);
  Variable b = make_variable(root, Input(1.0f), VariableOptions{.name = "b"});
  EXPECT_EQ(ClassOf(b.initial_value().op()), std::vector<std::string>{});
  EXPECT_EQ(ClassOf(b.op()), std::vector<std::string>{});
  EXPECT_EQ(ClassOf(b.initializer()), std::vector<std::string>{"loc:@b"});
}

TEST(Colocation, ColocateWithTakesTheOpsGroupsAndDevice) {
  Graph g;
  Scope root = Scope::root(g);
  Output a = ops::constant(root.with_device("/gpu:0"), Tensor::scalar(1.0f), "a");
  Scope beside = root.with_device("/cpu:0").colocate_with(a.op());
  Output c = ops::identity(beside, a, "c");
  EXPECT_EQ(ClassOf(c.op()), std::vector<std::string>{"loc:@a"});
  EXPECT_EQ(c.op().device(), "/device:GPU:0");
  // Colocating with c follows c's own groups, not its name.
  Output d = ops::identity(root.colocate_with(c.op()), a, "d");
  EXPECT_EQ(ClassOf(d.op()), std::vector<std::string>{"loc:@a"});
  Output e = ops::identity(beside.colocate_with(d.op(), /*ignore_existing=*/false), a, "e");
  EXPECT_EQ(ClassOf(e.op()), std::vector<std::string>{"loc:@a"});
}
}  // namespace
}  // namespace scopeflow
