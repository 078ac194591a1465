// Op builders (spec §5, §6): default names, op types, attrs, inputs converted inside the op's
// scope, Python operators, multi-output names, printed forms and static shapes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using testing::F32;
using testing::FloatTensor;
using testing::OpNames;
using testing::Shaped;
using Ops = testing::DefaultGraphTest;

// ---- Default names and types (conformance cases 018, 019) ----

TEST_F(Ops, DefaultNamesAndTypesMatchCase018) {
  Output x = ops::placeholder(DataType::kFloat, PartialShape({2}));
  Output y = ops::constant(Tensor::vector<float>({1, 2}));
  Output z = ops::add(x, y);
  Output m = ops::mul(x, y);
  Output z2 = ops::add(x, y);
  EXPECT_EQ(x.name(), "Placeholder:0");
  EXPECT_EQ(y.name(), "Const:0");
  EXPECT_EQ(z.name(), "Add:0");
  EXPECT_EQ(m.name(), "Mul:0");
  EXPECT_EQ(z2.name(), "Add_1:0");
  EXPECT_EQ(z.op().type(), "Add");
  EXPECT_EQ(m.op().type(), "Mul");
  EXPECT_EQ(x.op().type(), "Placeholder");
  EXPECT_EQ(y.op().type(), "Const");
}

TEST(OpsExplicit, DefaultNamesForEachWrapper) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::constant(root, F32(1));
  EXPECT_EQ(ops::identity(root, x).name(), "Identity:0");
  EXPECT_EQ(ops::sub(root, x, x).name(), "Sub:0");
  EXPECT_EQ(ops::add_v2(root, x, x).name(), "AddV2:0");
  EXPECT_EQ(ops::unstack(root, ops::constant(root, Tensor::vector<float>({1, 2})))[0].name(),
            "unstack:0");
  EXPECT_EQ(ops::unstack(root, ops::constant(root, Tensor::vector<float>({1, 2})))[0].op().type(),
            "Unpack");
}

TEST_F(Ops, OperatorsUseLowerCaseNamesMatchesCase019) {
  Output x = ops::constant(F32(1));
  Output y = ops::constant(F32(2));
  Output s = x + y;
  Output p = x * y;
  Output d = x - y;
  EXPECT_EQ(s.name(), "add:0");
  EXPECT_EQ(p.name(), "mul:0");
  EXPECT_EQ(d.name(), "sub:0");
  Output t = ops::add(x, y);
  Output u = x + y;
  EXPECT_EQ(t.name(), "Add_1:0");
  EXPECT_EQ(u.name(), "add_2:0");
}

TEST_F(Ops, PlusBuildsAddV2AndTfAddBuildsAdd) {
  Output x = ops::constant(F32(1));
  EXPECT_EQ((x + x).op().type(), "AddV2");
  EXPECT_EQ((x * x).op().type(), "Mul");
  EXPECT_EQ((x - x).op().type(), "Sub");
  EXPECT_EQ(ops::add(x, x).op().type(), "Add");
}

TEST(OpsExplicit, OperatorFunctionsNameLikePythonOperators) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::constant(root, F32(1));
  EXPECT_EQ(ops::operator_add(root, x, x).name(), "add:0");
  EXPECT_EQ(ops::operator_mul(root, x, x).name(), "mul:0");
  EXPECT_EQ(ops::operator_sub(root, x, x).name(), "sub:0");
  EXPECT_EQ(ops::operator_truediv(root, x, x).name(), "truediv:0");
  EXPECT_EQ(ops::add(root, x, x).name(), "Add_1:0");
}

// ---- Inputs converted inside the op's scope ----

TEST_F(Ops, APythonRightOperandIsConvertedAsY) {
  Output x = ops::constant(F32(1));
  Output s = x + 1.0f;
  EXPECT_EQ(OpNames(g_), (std::vector<std::string>{"Const", "add/y", "add"}));
  EXPECT_EQ(s.op().input(1).name(), "add/y:0");
}

TEST_F(Ops, AReflectedPythonOperandIsConvertedAsX) {
  Output x = ops::constant(F32(1));
  Output s = 1.0f + x;
  Output m = 3.0f * x;
  EXPECT_EQ(OpNames(g_), (std::vector<std::string>{"Const", "add/x", "add", "mul/x", "mul"}));
  EXPECT_EQ(s.op().input(0).name(), "add/x:0");
  EXPECT_EQ(m.op().input(0).name(), "mul/x:0");
}

TEST_F(Ops, TfAddConvertsAPythonValueAsAddY) {
  Output x = ops::constant(F32(1));
  Output z = ops::add(x, 3.0f);
  EXPECT_EQ(OpNames(g_), (std::vector<std::string>{"Const", "Add/y", "Add"}));
  EXPECT_EQ(z.op().input(1).name(), "Add/y:0");
}

TEST_F(Ops, AVariableOperandIsItsSnapshotWithoutANewOp) {
  Variable v = make_variable(1.0f, testing::Named("v"));
  const size_t before = g_.num_operations();
  Output s = v.value() + 1.0f;
  EXPECT_EQ(g_.num_operations(), before + 2);
  EXPECT_EQ(s.op().input(0).name(), "v/read:0");
  EXPECT_EQ(s.name(), "add:0");
  Output t = ops::add(v, v);
  EXPECT_EQ(t.op().input(0).name(), "v/read:0");
  EXPECT_EQ(t.op().input(1).name(), "v/read:0");
}

TEST_F(Ops, AnIntLiteralConvertsToAFloatInput) {
  Output x = ops::constant(F32(1));
  Output z = ops::add(x, Input({3}));
  EXPECT_EQ(z.op().input(1).dtype(), DataType::kFloat);
  EXPECT_EQ(z.dtype(), DataType::kFloat);
}

TEST(OpsExplicit, APythonFirstOperandOfTfAddIsConvertedAsAddX) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::constant(root, F32(1));
  Output z = ops::add(root, 2.0f, x);
  EXPECT_EQ(z.op().input(0).name(), "Add/x:0");
  EXPECT_EQ(z.op().input(1), x);
}

TEST(OpsExplicit, AnIntFirstOperandFixesTheTypeBeforeTheTensorIsSeen) {
  // _apply_op_helper converts x first (int32), then rejects the float32 tensor y.
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::constant(root, F32(1));
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Input 'y' of 'Add' Op has type float32 that does not match type int32 of "
                  "argument 'x'.",
                  ops::add(root, Input(int32_t{1}), x));
}

TEST_F(Ops, AnIntLiteralOnEitherSideOfAnOperatorTakesTheTensorsType) {
  Output x = ops::constant(F32(1));
  Output s = x + Input(int32_t{2});
  Output r = Input(int32_t{1}) + x;
  EXPECT_EQ(s.op().input(1).name(), "add/y:0");
  EXPECT_EQ(s.op().input(1).dtype(), DataType::kFloat);
  EXPECT_EQ(r.op().input(0).name(), "add_1/x:0");
  EXPECT_EQ(r.op().input(0).dtype(), DataType::kFloat);
}

TEST_F(Ops, AFloatLiteralDoesNotConvertToAnIntTensor) {
  Output i = ops::constant(testing::I32(1));
  SF_EXPECT_ERROR(Code::kTypeMismatch, "Expected int32, got 1.5 of type 'float' instead.",
                  i + 1.5f);
}

TEST_F(Ops, TensorsOfDifferentTypesAreATypeError) {
  Output x = ops::constant(F32(1));
  Output i = ops::constant(testing::I32(1));
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Input 'y' of 'Add' Op has type int32 that does not match type float32 of "
                  "argument 'x'.",
                  ops::add(x, i));
}

TEST_F(Ops, AFailedWrapperStillConsumesItsScopeName) {
  Output x = ops::constant(F32(1));
  Output i = ops::constant(testing::I32(1));
  const size_t before = g_.num_operations();
  SF_EXPECT_CODE(Code::kTypeMismatch, ops::add(x, i));
  EXPECT_EQ(g_.num_operations(), before);
  EXPECT_EQ(ops::add(x, x).name(), "Add_1:0");
}

// ---- Explicit names ----

TEST_F(Ops, CaseInsensitiveOpNamesMatchCase015) {
  Output a = ops::constant(F32(1), "A");
  Output b = ops::constant(F32(1), "a");
  Output c = ops::constant(F32(1), "A");
  EXPECT_EQ(a.name() + " " + b.name() + " " + c.name(), "A:0 a_1:0 A_2:0");
}

TEST_F(Ops, ExplicitNamesVersusGeneratedMatchCase017) {
  Output a = ops::constant(F32(1), "foo_1");
  Output b = ops::constant(F32(1), "foo");
  Output c = ops::constant(F32(1), "foo");
  Output d = ops::constant(F32(1), "foo_1");
  EXPECT_EQ(a.op().name(), "foo_1");
  EXPECT_EQ(b.op().name(), "foo");
  EXPECT_EQ(c.op().name(), "foo_2");
  EXPECT_EQ(d.op().name(), "foo_1_1");
}

TEST(OpsExplicit, ATrailingSlashNameIsUsedAsIsAndNotRegistered) {
  Graph g;
  Scope s = Scope::root(g).name_scope("s");
  Output t = ops::constant(s, F32(1), "trailing/");
  EXPECT_EQ(t.name(), "trailing:0");
  EXPECT_EQ(Scope::root(g).unique_name("trailing", false), "trailing");
}

TEST(OpsExplicit, CreateOpDefaultsTheNameToTheType) {
  Graph g;
  Scope s = Scope::root(g).name_scope("s");
  const Graph::OutputSpec out[] = {{DataType::kFloat, PartialShape()}};
  Operation a = g.create_op(s, "FloatOutput", "", {}, {}, out);
  Operation b = g.create_op(s, "FloatOutput", "", {}, {}, out);
  EXPECT_EQ(a.name(), "s/FloatOutput");
  EXPECT_EQ(b.name(), "s/FloatOutput_1");
}

// ---- Multi-output ops (conformance case 069) ----

TEST_F(Ops, MultiOutputTensorsAreNumberedMatchesCase069) {
  std::vector<Output> parts = ops::unstack(ops::constant(Tensor::vector<float>({1, 2, 3})));
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].name(), "unstack:0");
  EXPECT_EQ(parts[1].name(), "unstack:1");
  EXPECT_EQ(parts[2].name(), "unstack:2");
  NameScope s("s");
  std::vector<Output> ab =
      ops::unstack(ops::constant(Tensor::vector<int32_t>({1, 2})), -1, 0, "pair");
  ASSERT_EQ(ab.size(), 2u);
  EXPECT_EQ(ab[0].name(), "s/pair:0");
  EXPECT_EQ(ab[1].name(), "s/pair:1");
  EXPECT_EQ(ab[0].op().name(), "s/pair");
  EXPECT_EQ(ab[1].op(), ab[0].op());
}

TEST_F(Ops, UnstackNeedsAKnownDimension) {
  Output p = ops::placeholder(DataType::kFloat);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "Cannot infer num from shape <unknown>", ops::unstack(p));
}

TEST_F(Ops, UnstackOutputsDropTheAxis) {
  std::vector<Output> rows = ops::unstack(ops::constant(Tensor(DataType::kFloat, {2, 3})));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].shape().to_string(), "(3,)");
  std::vector<Output> cols = ops::unstack(ops::constant(Tensor(DataType::kFloat, {2, 3})), -1, 1);
  ASSERT_EQ(cols.size(), 3u);
  EXPECT_EQ(cols[0].shape().to_string(), "(2,)");
}

// ---- Printed forms (conformance cases 020, 021) ----

TEST_F(Ops, TensorStrAndReprMatchCase020) {
  Output c = ops::constant(FloatTensor({2, 2}, {1, 2, 3, 4}));
  EXPECT_EQ(c.str(), "Tensor(\"Const:0\", shape=(2, 2), dtype=float32)");
  EXPECT_EQ(c.repr(), "<tf.Tensor 'Const:0' shape=(2, 2) dtype=float32>");
  Output p = ops::placeholder(DataType::kFloat, PartialShape({-1, 3}), "inp");
  EXPECT_EQ(p.str(), "Tensor(\"inp:0\", shape=(?, 3), dtype=float32)");
  Output q = ops::placeholder(DataType::kInt32);
  EXPECT_EQ(q.str(), "Tensor(\"Placeholder:0\", dtype=int32)");
  EXPECT_EQ(q.repr(), "<tf.Tensor 'Placeholder:0' shape=<unknown> dtype=int32>");
}

TEST_F(Ops, OperationReprNamesTypeAndName) {
  Output c = ops::constant(F32(1), "c");
  EXPECT_EQ(c.op().repr(), "<tf.Operation 'c' type=Const>");
  EXPECT_EQ(ops::identity(c).op().repr(), "<tf.Operation 'Identity' type=Identity>");
}

TEST(OpsExplicit, ADeviceIsPrintedWhenSet) {
  Graph g;
  Output c = ops::constant(Scope::root(g).with_device("/device:CPU:0"), F32(1));
  EXPECT_EQ(c.str(), "Tensor(\"Const:0\", shape=(), dtype=float32, device=/device:CPU:0)");
}

// ---- Attributes ----

TEST_F(Ops, ConstCarriesValueAndDtype) {
  Output c = ops::constant(Tensor::vector<int32_t>({1, 2}));
  ASSERT_TRUE(c.op().attr("dtype"));
  EXPECT_EQ(std::get<DataType>(*c.op().attr("dtype")), DataType::kInt32);
  ASSERT_TRUE(c.op().attr("value"));
  const Tensor value = std::get<Tensor>(*c.op().attr("value"));
  EXPECT_EQ(value.shape(), (std::vector<int64_t>{2}));
  EXPECT_EQ(value.data<int32_t>()[1], 2);
  EXPECT_EQ(c.dtype(), DataType::kInt32);
}

TEST_F(Ops, PlaceholderCarriesDtypeAndShape) {
  Output p = ops::placeholder(DataType::kFloat, PartialShape({-1, 3}));
  EXPECT_EQ(std::get<DataType>(*p.op().attr("dtype")), DataType::kFloat);
  EXPECT_EQ(std::get<PartialShape>(*p.op().attr("shape")), PartialShape({-1, 3}));
}

TEST_F(Ops, BinaryOpsCarryT) {
  Output x = ops::constant(F32(1));
  EXPECT_EQ(std::get<DataType>(*ops::add(x, x).op().attr("T")), DataType::kFloat);
  EXPECT_EQ(std::get<DataType>(*(x * x).op().attr("T")), DataType::kFloat);
}

TEST_F(Ops, IdentityOfARefGivesTheBaseDtype) {
  Variable v = make_variable(1.0f);
  Output i = ops::identity(v.ref());
  EXPECT_EQ(i.dtype(), DataType::kFloat);
  EXPECT_EQ(v.ref().dtype(), ref_dtype(DataType::kFloat));
}

TEST_F(Ops, InputsAreRecordedInOrder) {
  Output x = ops::constant(F32(1), "x");
  Output y = ops::constant(F32(2), "y");
  Operation op = ops::sub(x, y).op();
  ASSERT_EQ(op.num_inputs(), 2);
  EXPECT_EQ(op.input(0), x);
  EXPECT_EQ(op.input(1), y);
}

// ---- Static shapes ----

TEST_F(Ops, BroadcastingMatchingShapes) {
  Output a = ops::placeholder(DataType::kFloat, PartialShape({2, 3}));
  Output b = ops::placeholder(DataType::kFloat, PartialShape({3}));
  EXPECT_EQ((a + b).shape().to_string(), "(2, 3)");
  Output c = ops::placeholder(DataType::kFloat, PartialShape({2, 1}));
  Output d = ops::placeholder(DataType::kFloat, PartialShape({1, 3}));
  EXPECT_EQ((c * d).shape().to_string(), "(2, 3)");
  EXPECT_EQ(ops::add(a, 1.0f).shape().to_string(), "(2, 3)");
}

TEST_F(Ops, BroadcastingWithUnknownDimensions) {
  Output a = ops::placeholder(DataType::kFloat, PartialShape({-1, 3}));
  Output b = ops::placeholder(DataType::kFloat, PartialShape({1}));
  EXPECT_EQ((a + b).shape().to_string(), "(?, 3)");
  Output c = ops::placeholder(DataType::kFloat, PartialShape({2, 1}));
  EXPECT_EQ((a + c).shape().to_string(), "(2, 3)");
}

TEST_F(Ops, AnUnknownRankGivesAnUnknownShape) {
  Output a = ops::placeholder(DataType::kFloat);
  Output b = ops::placeholder(DataType::kFloat, PartialShape({2}));
  Output sum = a + b;
  EXPECT_EQ(sum.shape().to_string(), "<unknown>");
  EXPECT_EQ(sum.str(), "Tensor(\"add:0\", dtype=float32)");
}

TEST_F(Ops, IncompatibleShapesFailShapeInference) {
  Output a = ops::placeholder(DataType::kFloat, PartialShape({2}));
  Output b = ops::placeholder(DataType::kFloat, PartialShape({3}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimensions must be equal, but are 2 and 3 for 'add' (op: 'AddV2') with input "
                  "shapes: [2], [3].",
                  a + b);
}

TEST_F(Ops, IdentityKeepsTheShape) {
  Output a = ops::placeholder(DataType::kFloat, PartialShape({-1, 3}));
  EXPECT_EQ(ops::identity(a).shape(), PartialShape({-1, 3}));
}

TEST_F(Ops, SetShapeNarrowsAndRejectsIncompatibleShapes) {
  Output a = ops::placeholder(DataType::kFloat, PartialShape({-1, 3}));
  a.set_shape(PartialShape({2, 3}));
  EXPECT_EQ(a.shape().to_string(), "(2, 3)");
  SF_EXPECT_CODE(Code::kInvalidArgument, a.set_shape(PartialShape({4, 3})));
  EXPECT_EQ(a.shape().to_string(), "(2, 3)");
}

// ---- Composite ops ----

TEST_F(Ops, SmallZerosAreOneConstNamedZeros) {
  Output z = ops::zeros(current_scope(), {2, 3}, DataType::kFloat);
  EXPECT_EQ(OpNames(g_), (std::vector<std::string>{"zeros"}));
  EXPECT_EQ(z.op().type(), "Const");
  EXPECT_EQ(z.shape().to_string(), "(2, 3)");
}

TEST_F(Ops, LargeZerosAreAFill) {
  Output z = ops::zeros(current_scope(), {10, 100}, DataType::kFloat);
  EXPECT_EQ(OpNames(g_),
            (std::vector<std::string>{"zeros/shape_as_tensor", "zeros/Const", "zeros"}));
  EXPECT_EQ(z.op().type(), "Fill");
  EXPECT_EQ(z.shape().to_string(), "(10, 100)");
}

TEST_F(Ops, RandomUniformBuildsShapeMinMaxRandomSubMulAdd) {
  Output r = ops::random_uniform(current_scope(), {2}, -1.0, 1.0, DataType::kFloat);
  EXPECT_EQ(OpNames(g_), (std::vector<std::string>{
                             "random_uniform/shape", "random_uniform/min", "random_uniform/max",
                             "random_uniform/RandomUniform", "random_uniform/sub",
                             "random_uniform/mul", "random_uniform"}));
  EXPECT_EQ(r.shape().to_string(), "(2,)");
  EXPECT_EQ(g_.operation(3).type(), "RandomUniform");
  EXPECT_EQ(g_.operation(4).type(), "Sub");
  EXPECT_EQ(g_.operation(5).type(), "Mul");
}

// ---- Control dependencies ----

TEST(OpsExplicit, ControlDependenciesAreAddedToNewOps) {
  Graph g;
  Scope root = Scope::root(g);
  Output a = ops::constant(root, F32(1), "a");
  Output b = ops::constant(root.with_control_dependencies({a.op()}), F32(2), "b");
  ASSERT_EQ(b.op().num_control_inputs(), 1);
  EXPECT_EQ(b.op().control_input(0), a.op());
  Output c = ops::identity(root.with_control_dependencies({a.op()}), a);
  EXPECT_EQ(c.op().num_control_inputs(), 0);
}

}  // namespace
}  // namespace scopeflow

namespace scopeflow {
namespace {
TEST(VariableOperators, AVariableOperandStandsForItsSnapshot) {
  Graph g;
  GraphGuard as_default(g);
  Variable v = get_variable("v", {.shape = PartialShape({2})});
  Output a = v + 1.0f;
  Output b = 3.0f * v;
  EXPECT_EQ(a.name(), "add:0");
  EXPECT_EQ(a.op().input(0).name(), "v/read:0");
  EXPECT_EQ(a.op().input(1).name(), "add/y:0");
  EXPECT_EQ(b.op().input(0).name(), "mul/x:0");
  EXPECT_EQ(b.op().input(1).name(), "v/read:0");
  EXPECT_EQ((v - v).name(), "sub:0");
}
}  // namespace
}  // namespace scopeflow

namespace scopeflow {
namespace {
TEST(SliceOp, StaticShapeFollowsConstantBeginAndSize) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::placeholder(root, DataType::kFloat, PartialShape({4, -1, 3}), "x");
  Output s =
      ops::slice(root, x, Tensor::vector<int32_t>({1, 0, 0}), Tensor::vector<int32_t>({2, -1, -1}));
  EXPECT_EQ(s.name(), "Slice:0");
  EXPECT_EQ(s.shape(), PartialShape({2, -1, 3}));
  EXPECT_EQ(s.op().input(1).name(), "Slice/begin:0");
  EXPECT_EQ(s.op().input(2).name(), "Slice/size:0");
  EXPECT_EQ(std::get<DataType>(*s.op().attr("Index")), DataType::kInt32);
}
}  // namespace
}  // namespace scopeflow

namespace scopeflow {
namespace {
TEST(ConcatOp, ShapesAddAlongTheAxisAndOneValueIsAnIdentity) {
  Graph g;
  Scope root = Scope::root(g);
  Output a = ops::placeholder(root, DataType::kFloat, PartialShape({2, 3}), "a");
  Output b = ops::placeholder(root, DataType::kFloat, PartialShape({-1, 3}), "b");
  Output c = ops::concat(root, {a, b}, 0);
  EXPECT_EQ(c.name(), "concat:0");
  EXPECT_EQ(c.op().type(), "ConcatV2");
  EXPECT_EQ(c.shape(), PartialShape({-1, 3}));
  EXPECT_EQ(c.op().input(2).name(), "concat/axis:0");
  Output d = ops::concat(root, {a, a}, 1);
  EXPECT_EQ(d.shape(), PartialShape({2, 6}));
  Output one = ops::concat(root, {a}, 0);
  EXPECT_EQ(one.name(), "concat_2:0");
  EXPECT_EQ(one.op().type(), "Identity");
}
}  // namespace
}  // namespace scopeflow
