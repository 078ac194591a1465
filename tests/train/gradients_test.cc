// tf.gradients' core (TF 1.15 gradients_util._GradientsHelper): exact node names and creation
// order, aggregation with AddN, gate_gradients' tuple, stop gradients, unconnected inputs and
// errors. Expected names are TF 1.15's, derived from its source and checked against the TF 1.4
// golden graph `../shared/golden/packt_mlp9_adam_saver/graph_text.pb` where the two agree.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../sf_testing.h"
#include "grad_check.h"
#include "scopeflow/ops/array_ops.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/ops/nn_ops.h"
#include "scopeflow/runtime/session.h"
#include "scopeflow/scopeflow.h"
#include "scopeflow/train/gradients.h"

namespace scopeflow {
namespace {

using runtime::Session;
using testing::CheckGradients;

// Op names created after the first `from` ops.
std::vector<std::string> NamesFrom(const Graph& g, size_t from) {
  std::vector<std::string> all = testing::OpNames(g);
  return std::vector<std::string>(all.begin() + static_cast<ptrdiff_t>(from), all.end());
}

std::vector<std::string> ClassAttr(const Operation& op) {
  auto v = op.attr("_class");
  if (!v) return {};
  return std::get<std::vector<std::string>>(*v);
}

std::vector<std::string> ControlInputNames(const Operation& op) {
  std::vector<std::string> out;
  for (const Operation& c : op.control_inputs()) out.emplace_back(c.name());
  return out;
}

Tensor Doubles(std::vector<int64_t> shape, std::vector<double> v) {
  Tensor t(DataType::kDouble, std::move(shape));
  for (size_t i = 0; i < v.size(); ++i) t.data<double>()[i] = v[i];
  return t;
}

TEST(GradientsTest, RegistryLookups) {
  EXPECT_NE(train::find_gradient("MatMul"), nullptr);
  EXPECT_NE(train::find_gradient("AddV2"), nullptr);
  EXPECT_EQ(train::find_gradient("Less"), nullptr);
  EXPECT_TRUE(train::is_not_differentiable("Less"));
  EXPECT_TRUE(train::is_not_differentiable("LogicalNot"));
  EXPECT_FALSE(train::is_not_differentiable("MatMul"));
  EXPECT_EQ(train::find_gradient("NoSuchOpType"), nullptr);
  EXPECT_FALSE(train::is_not_differentiable("NoSuchOpType"));
}

// grad_ys: Shape (a Const: y's shape is known), grad_ys_0 and Fill, then Sum's reduce-all fast
// path (Reshape of [1, 1], Tile by the Const shape) and Square's Const, Mul, Mul_1.
TEST(GradientsTest, DefaultGradYsAndSumSquareNames) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2, 3}));
  Output y = ops::reduce_sum(s, ops::square(s, x));
  const size_t n = g.num_operations();
  Output ys[] = {y}, xs[] = {x};
  std::vector<Output> dx = train::gradients(s, ys, xs);
  EXPECT_EQ(NamesFrom(g, n),
            (std::vector<std::string>{
                "gradients/Shape", "gradients/grad_ys_0", "gradients/Fill",
                "gradients/Sum_grad/Reshape/shape", "gradients/Sum_grad/Reshape",
                "gradients/Sum_grad/Const", "gradients/Sum_grad/Tile",
                "gradients/Square_grad/Const", "gradients/Square_grad/Mul",
                "gradients/Square_grad/Mul_1"}));
  EXPECT_EQ(g.get_operation_by_name("gradients/Shape").type(), "Const");
  EXPECT_EQ(g.get_operation_by_name("gradients/Fill").type(), "Fill");
  ASSERT_EQ(dx.size(), 1u);
  EXPECT_EQ(dx[0].name(), "gradients/Square_grad/Mul_1:0");
  EXPECT_EQ(dx[0].shape(), PartialShape({2, 3}));
  // Square's Const waits for the incoming gradient (control_dependencies([grad])).
  EXPECT_EQ(ControlInputNames(g.get_operation_by_name("gradients/Square_grad/Const")),
            (std::vector<std::string>{"gradients/Sum_grad/Tile"}));

  // A second call opens `gradients_1`.
  std::vector<Output> dx2 = train::gradients(s, ys, xs);
  EXPECT_EQ(dx2[0].name(), "gradients_1/Square_grad/Mul_1:0");
  train::GradientsOptions named;
  named.name = "my_grads";
  EXPECT_EQ(train::gradients(s, ys, xs, named)[0].name(), "my_grads/Square_grad/Mul_1:0");

  Session sess(g);
  Tensor xv = Doubles({2, 3}, {1, -2, 3, 0.5, 4, -1});
  Tensor got = sess.run({{x, xv}}, {dx[0]})[0];
  for (int i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(got.data<double>()[i], 2 * xv.data<double>()[i]);
}

// The brief's model: loss = reduce_mean(square(matmul(x, w) + b - y)), x and y of unknown
// batch size, so every broadcasting gradient takes the Shape/BroadcastGradientArgs path and
// Mean's factor is computed at run time (Shape_1, Shape_2, Prod, Maximum, floordiv, Cast).
TEST(GradientsTest, LinearRegressionLossExactGraph) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}));
  Output yt = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 1}));
  Variable w = get_variable(s, "w", testing::Shaped({3, 1}));
  Variable b = get_variable(s, "b", testing::Shaped({1}));
  Output pred = ops::operator_add(s, ops::matmul(s, x, w), b);
  Output loss = ops::reduce_mean(s, ops::square(s, ops::operator_sub(s, pred, yt)));
  const size_t n = g.num_operations();
  Output ys[] = {loss}, xs[] = {w.ref(), b.ref()};
  std::vector<Output> grads = train::gradients(s, ys, xs);
  std::vector<std::string> expected = {
      "gradients/Shape", "gradients/grad_ys_0", "gradients/Fill",
      "gradients/Mean_grad/Reshape/shape", "gradients/Mean_grad/Reshape",
      "gradients/Mean_grad/Shape", "gradients/Mean_grad/Tile", "gradients/Mean_grad/Shape_1",
      "gradients/Mean_grad/Shape_2", "gradients/Mean_grad/Const", "gradients/Mean_grad/Prod",
      "gradients/Mean_grad/Const_1", "gradients/Mean_grad/Prod_1",
      "gradients/Mean_grad/Maximum/y", "gradients/Mean_grad/Maximum",
      "gradients/Mean_grad/floordiv", "gradients/Mean_grad/Cast", "gradients/Mean_grad/truediv",
      "gradients/Square_grad/Const", "gradients/Square_grad/Mul", "gradients/Square_grad/Mul_1",
      "gradients/sub_grad/Shape", "gradients/sub_grad/Shape_1",
      "gradients/sub_grad/BroadcastGradientArgs", "gradients/sub_grad/Sum",
      "gradients/sub_grad/Reshape", "gradients/sub_grad/Sum_1", "gradients/sub_grad/Neg",
      "gradients/sub_grad/Reshape_1", "gradients/add_grad/Shape", "gradients/add_grad/Shape_1",
      "gradients/add_grad/BroadcastGradientArgs", "gradients/add_grad/Sum",
      "gradients/add_grad/Reshape", "gradients/add_grad/Sum_1", "gradients/add_grad/Reshape_1",
      "gradients/MatMul_grad/MatMul", "gradients/MatMul_grad/MatMul_1"};
  EXPECT_EQ(NamesFrom(g, n), expected);
  std::vector<std::string> types;
  for (size_t i = n; i < g.num_operations(); ++i)
    types.emplace_back(g.operation(i).type());
  EXPECT_EQ(types, (std::vector<std::string>{
                       "Const", "Const", "Fill", "Const", "Reshape", "Shape", "Tile", "Shape",
                       "Const", "Const", "Prod", "Const", "Prod", "Const", "Maximum", "FloorDiv",
                       "Cast", "RealDiv", "Const", "Mul", "Mul", "Shape", "Shape",
                       "BroadcastGradientArgs", "Sum", "Reshape", "Sum", "Neg", "Reshape",
                       "Shape", "Const", "BroadcastGradientArgs", "Sum", "Reshape", "Sum",
                       "Reshape", "MatMul", "MatMul"}));
  ASSERT_EQ(grads.size(), 2u);
  EXPECT_EQ(grads[0].name(), "gradients/MatMul_grad/MatMul_1:0");
  EXPECT_EQ(grads[1].name(), "gradients/add_grad/Reshape_1:0");
  EXPECT_EQ(grads[0].shape(), PartialShape({3, 1}));
  EXPECT_EQ(grads[1].shape(), PartialShape({1}));
}

// The same model in float64 with placeholders for w and b: finite differences.
TEST(GradientsTest, LinearRegressionLossFiniteDifferences) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({-1, 3}));
  Output yt = ops::placeholder(s, DataType::kDouble, PartialShape({-1, 1}));
  Output w = ops::placeholder(s, DataType::kDouble, PartialShape({3, 1}));
  Output b = ops::placeholder(s, DataType::kDouble, PartialShape({1}));
  Output pred = ops::operator_add(s, ops::matmul(s, x, w), b);
  Output loss = ops::reduce_mean(s, ops::square(s, ops::operator_sub(s, pred, yt)));
  // tol 1e-6: a quadratic loss, central differences are exact up to rounding.
  EXPECT_TRUE(CheckGradients(
      g, loss,
      {{x, Doubles({4, 3}, {1, 2, 3, -1, 0.5, 2, 0, 1, -2, 3, 1, 1})},
       {yt, Doubles({4, 1}, {1, -1, 2, 0.5})},
       {w, Doubles({3, 1}, {0.1, -0.3, 0.7})},
       {b, Doubles({1}, {0.25})}},
      1e-6));
}

// Several uses of one tensor are summed with AddN in the gradients scope, colocated with the
// first summand's op; one use passes through unchanged.
TEST(GradientsTest, AggregatesWithAddN) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2}));
  Output a = ops::operator_mul(s, x, x);  // mul
  Output y = ops::operator_mul(s, a, a);  // mul_1
  const size_t n = g.num_operations();
  Output ys[] = {y}, xs[] = {x};
  std::vector<Output> dx = train::gradients(s, ys, xs);
  std::vector<std::string> names = NamesFrom(g, n);
  // float64: no Mul fast path, shapes fold to Consts.
  std::vector<std::string> expected = {
      "gradients/Shape", "gradients/grad_ys_0", "gradients/Fill",
      "gradients/mul_1_grad/Shape", "gradients/mul_1_grad/Shape_1",
      "gradients/mul_1_grad/BroadcastGradientArgs", "gradients/mul_1_grad/Mul",
      "gradients/mul_1_grad/Sum", "gradients/mul_1_grad/Reshape", "gradients/mul_1_grad/Mul_1",
      "gradients/mul_1_grad/Sum_1", "gradients/mul_1_grad/Reshape_1", "gradients/AddN",
      "gradients/mul_grad/Shape", "gradients/mul_grad/Shape_1",
      "gradients/mul_grad/BroadcastGradientArgs", "gradients/mul_grad/Mul",
      "gradients/mul_grad/Sum", "gradients/mul_grad/Reshape", "gradients/mul_grad/Mul_1",
      "gradients/mul_grad/Sum_1", "gradients/mul_grad/Reshape_1", "gradients/AddN_1"};
  EXPECT_EQ(names, expected);
  Operation addn = g.get_operation_by_name("gradients/AddN");
  EXPECT_EQ(addn.type(), "AddN");
  EXPECT_EQ(addn.input(0).name(), "gradients/mul_1_grad/Reshape:0");
  EXPECT_EQ(addn.input(1).name(), "gradients/mul_1_grad/Reshape_1:0");
  EXPECT_EQ(ClassAttr(addn), (std::vector<std::string>{"loc:@gradients/mul_1_grad/Reshape"}));
  EXPECT_EQ(dx[0].name(), "gradients/AddN_1:0");
  // y = x^4: dy/dx = 4 x^3. tol 1e-6.
  EXPECT_TRUE(CheckGradients(g, y, {{x, Doubles({2}, {1.5, -0.5})}}, 1e-6));
}

// gate_gradients: each op's input gradients go through tuple(): `tuple/group_deps` (NoOp on
// all gradient ops) and one `tuple/control_dependency[_i]` Identity per gradient, colocated
// with it (the golden graph's `gradients/add_grad/tuple/...`).
TEST(GradientsTest, GateGradientsTuple) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 2}));
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({2}));
  Output y = ops::add(s, a, b);
  const size_t n = g.num_operations();
  train::GradientsOptions opt;
  opt.gate_gradients = true;
  Output ys[] = {y}, xs[] = {a, b};
  std::vector<Output> grads = train::gradients(s, ys, xs, opt);
  EXPECT_EQ(NamesFrom(g, n),
            (std::vector<std::string>{
                "gradients/Shape", "gradients/grad_ys_0", "gradients/Fill",
                "gradients/Add_grad/Shape", "gradients/Add_grad/Shape_1",
                "gradients/Add_grad/BroadcastGradientArgs", "gradients/Add_grad/Sum",
                "gradients/Add_grad/Reshape", "gradients/Add_grad/Sum_1",
                "gradients/Add_grad/Reshape_1", "gradients/Add_grad/tuple/group_deps",
                "gradients/Add_grad/tuple/control_dependency",
                "gradients/Add_grad/tuple/control_dependency_1"}));
  // y's shape is not known: grad_ys' shape is a Shape op.
  EXPECT_EQ(g.get_operation_by_name("gradients/Shape").type(), "Shape");
  Operation gd = g.get_operation_by_name("gradients/Add_grad/tuple/group_deps");
  EXPECT_EQ(gd.type(), "NoOp");
  EXPECT_EQ(ControlInputNames(gd), (std::vector<std::string>{"gradients/Add_grad/Reshape",
                                                             "gradients/Add_grad/Reshape_1"}));
  Operation cd1 = g.get_operation_by_name("gradients/Add_grad/tuple/control_dependency_1");
  EXPECT_EQ(cd1.type(), "Identity");
  EXPECT_EQ(cd1.input(0).name(), "gradients/Add_grad/Reshape_1:0");
  EXPECT_EQ(ControlInputNames(cd1),
            (std::vector<std::string>{"gradients/Add_grad/tuple/group_deps"}));
  EXPECT_EQ(ClassAttr(cd1), (std::vector<std::string>{"loc:@gradients/Add_grad/Reshape_1"}));
  EXPECT_EQ(grads[0].name(), "gradients/Add_grad/tuple/control_dependency:0");
  EXPECT_EQ(grads[1].name(), "gradients/Add_grad/tuple/control_dependency_1:0");
  EXPECT_EQ(grads[1].shape(), PartialShape({2}));
}

TEST(GradientsTest, ColocateGradientsWithOps) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, 2}));
  Output y = ops::tanh(s, x);
  train::GradientsOptions opt;
  opt.colocate_gradients_with_ops = true;
  Output ys[] = {y}, xs[] = {x};
  std::vector<Output> dx = train::gradients(s, ys, xs, opt);
  EXPECT_EQ(dx[0].name(), "gradients/Tanh_grad/TanhGrad:0");
  EXPECT_EQ(ClassAttr(dx[0].op()), (std::vector<std::string>{"loc:@Tanh"}));
  EXPECT_EQ(ClassAttr(g.get_operation_by_name("gradients/Fill")), (std::vector<std::string>{"loc:@Tanh"}));
}

TEST(GradientsTest, GivenGradYsBecomeIdentity) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2}));
  Output gy = ops::placeholder(s, DataType::kDouble, PartialShape({2}));
  Output y = ops::neg(s, x);
  const size_t n = g.num_operations();
  train::GradientsOptions opt;
  opt.grad_ys = {gy};
  Output ys[] = {y}, xs[] = {x};
  std::vector<Output> dx = train::gradients(s, ys, xs, opt);
  EXPECT_EQ(NamesFrom(g, n), (std::vector<std::string>{"gradients/grad_ys_0",
                                                      "gradients/Neg_grad/Neg"}));
  EXPECT_EQ(g.get_operation_by_name("gradients/grad_ys_0").type(), "Identity");
  Session sess(g);
  Tensor got = sess.run({{x, Doubles({2}, {1, 2})}, {gy, Doubles({2}, {3, -4})}}, {dx[0]})[0];
  EXPECT_EQ(got.data<double>()[0], -3);
  EXPECT_EQ(got.data<double>()[1], 4);

  train::GradientsOptions bad;
  bad.grad_ys = {gy, gy};
  SF_EXPECT_ERROR(Code::kInvalidArgument, "Passed 2 grad_ys for 1 ys",
                  train::gradients(s, ys, xs, bad));
}

TEST(GradientsTest, UnconnectedAndIntegerPathsGiveNoGradient) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2}));
  Output z = ops::placeholder(s, DataType::kDouble, PartialShape({2}));
  // Through int32: not backpropagatable (TF's _IsBackpropagatable), so x is unconnected.
  Output y = ops::cast(s, ops::cast(s, x, DataType::kInt32), DataType::kDouble);
  Output y2 = ops::operator_add(s, y, z);
  const size_t n = g.num_operations();
  Output ys[] = {y2}, xs[] = {x, z};
  std::vector<Output> grads = train::gradients(s, ys, xs);
  ASSERT_EQ(grads.size(), 2u);
  EXPECT_FALSE(grads[0].valid());
  EXPECT_TRUE(grads[1].valid());
  // Nothing is built for the Cast ops.
  for (const std::string& name : NamesFrom(g, n))
    EXPECT_EQ(name.find("Cast_grad"), std::string::npos) << name;
}

TEST(GradientsTest, NotDifferentiableAndStopGradients) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2}));
  Output h = ops::square(s, x);
  Output y = ops::operator_mul(s, h, x);  // x^3
  Output ys[] = {y}, xs[] = {x};
  // stop_gradients=[h]: h is a constant, dy/dx = h.
  train::GradientsOptions opt;
  opt.stop_gradients = {h};
  std::vector<Output> dx = train::gradients(s, ys, xs, opt);
  Session sess(g);
  Tensor got = sess.run({{x, Doubles({2}, {2, -3})}}, {dx[0]})[0];
  EXPECT_DOUBLE_EQ(got.data<double>()[0], 4);
  EXPECT_DOUBLE_EQ(got.data<double>()[1], 9);
  // Without it: 3 x^2. tol 1e-6.
  EXPECT_TRUE(CheckGradients(g, y, {{x, Doubles({2}, {2, -3})}}, 1e-6));
  // StopGradient ops stop the flow: x is unconnected.
  Output ys2[] = {ops::create(s, "StopGradient", "StopGradient", std::vector<Output>{x},
                              std::vector<Attr>{{"T", DataType::kDouble}})
                      .output(0)};
  EXPECT_FALSE(train::gradients(s, ys2, xs)[0].valid());
}

void NoGradTestShape(ShapeContext& c) { c.set_output(0, c.input_dtype(0), c.input_shape(0)); }

TEST(GradientsTest, NoGradientDefinedError) {
  register_op({"SfTestNoGradient", &NoGradTestShape});
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2}));
  Output t = ops::create(s, "SfTestNoGradient", "odd", std::vector<Output>{x},
                         std::vector<Attr>{{"T", DataType::kFloat}})
                 .output(0);
  Output y = ops::neg(s, t);
  Output ys[] = {y}, xs[] = {x};
  // TF raises LookupError; scopeflow uses kNotFound.
  SF_EXPECT_ERROR(Code::kNotFound,
                  "No gradient defined for operation 'odd' (op type: SfTestNoGradient)",
                  train::gradients(s, ys, xs));
}

// The golden TF graph: the 9-layer MLP of packt_mlp9_adam_saver (TF 1.4.1), trained with
// Adam (gate_gradients=GATE_OP). Every `gradients/layer...` node (names and types, in order)
// must match: MatMul/Add/Sigmoid gradients and their tuples. The loss part differs (we build
// a plain reduce_mean(abs(prediction - y)) instead of tf.losses.absolute_difference).
TEST(GradientsTest, GoldenMlp9LayerGradientNodes) {
  const std::filesystem::path golden =
      std::filesystem::path(__FILE__).parent_path() /
      "../../../shared/golden/packt_mlp9_adam_saver/graph_text.pb";
  if (!std::filesystem::exists(golden)) GTEST_SKIP() << "no golden files";
  std::vector<std::pair<std::string, std::string>> want;
  {
    std::ifstream in(golden);
    std::string line, name;
    int depth = 0;
    while (std::getline(in, line)) {
      const size_t p = line.find_first_not_of(' ');
      if (p == std::string::npos) continue;
      std::string t = line.substr(p);
      if (t == "node {") depth = 1;
      if (p == 2 && t.rfind("name: \"", 0) == 0) name = t.substr(7, t.size() - 8);
      if (p == 2 && t.rfind("op: \"", 0) == 0 && depth == 1) {
        if (name.rfind("gradients/layer", 0) == 0) want.emplace_back(name, t.substr(5, t.size() - 6));
      }
    }
  }
  ASSERT_GT(want.size(), 100u);

  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 2}));
  Output yt = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 1}));
  const int widths[] = {2, 5, 10, 12, 14, 15, 12, 8, 5, 1};
  Output h = x;
  std::vector<Output> vars;
  for (int l = 1; l <= 9; ++l) {
    Scope ls = s.variable_scope("layer" + std::to_string(l));
    Variable w = get_variable(ls, "W", testing::Shaped({widths[l - 1], widths[l]}));
    Variable b = get_variable(ls, "b", testing::Shaped({widths[l]}));
    vars.push_back(w.ref());
    vars.push_back(b.ref());
    Output z = ops::add(ls, ops::matmul(ls, h, w), b, l == 9 ? "prediction" : "");
    h = l == 9 ? z : ops::sigmoid(ls, z);
  }
  Output loss = ops::reduce_mean(s, ops::abs(s, ops::sub(s, h, yt)));
  train::GradientsOptions opt;
  opt.gate_gradients = true;
  Output ys[] = {loss};
  std::vector<Output> grads = train::gradients(s, ys, vars, opt);
  std::vector<std::pair<std::string, std::string>> got;
  for (const Operation& op : g.get_operations())
    if (op.name().rfind("gradients/layer", 0) == 0)
      got.emplace_back(std::string(op.name()), std::string(op.type()));
  EXPECT_EQ(got, want);
  ASSERT_EQ(grads.size(), 18u);
  EXPECT_EQ(grads[0].name(), "gradients/layer1/MatMul_grad/tuple/control_dependency_1:0");
  EXPECT_EQ(grads[1].name(), "gradients/layer1/Add_grad/tuple/control_dependency_1:0");
  EXPECT_EQ(grads[17].name(), "gradients/layer9/prediction_grad/tuple/control_dependency_1:0");
  // control_dependencies([grad]) adds nothing when grad is itself an input (as in the golden).
  Operation sg = g.get_operation_by_name("gradients/layer8/Sigmoid_grad/SigmoidGrad");
  EXPECT_EQ(sg.num_control_inputs(), 0);
  EXPECT_EQ(sg.input(1).name(), "gradients/layer9/MatMul_grad/tuple/control_dependency:0");
}

}  // namespace
}  // namespace scopeflow
