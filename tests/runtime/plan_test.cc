// What a run executes: stateless ops needed only through control edges are elided (nothing
// can observe them), while state changes, unfed placeholders and tf.cond keep TF's behaviour.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scopeflow/scopeflow.h"
#include "../sf_testing.h"

namespace scopeflow {
namespace {

using runtime::Session;

std::vector<std::string> Names(const std::vector<Operation>& ops) {
  std::vector<std::string> out;
  for (const Operation& op : ops) out.emplace_back(op.name());
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(PlanTest, TupleGatedGradientOfAnInputIsNotComputed) {
  // loss = sum((x @ w)^2): minimize's gradient of MatMul builds dL/dx (MatMul) and dL/dw
  // (MatMul_1), gated by a tuple; only dL/dw reaches the update.
  Graph g;
  Scope root = Scope::root(g);
  GetVariableOptions o;
  o.shape = PartialShape({2, 1});
  o.initializer = init::constant(Tensor::vector<float>({0.5f, -0.5f}));
  Variable w = get_variable(root, "w", o);
  Output x = ops::placeholder(root, DataType::kFloat, PartialShape({-1, 2}), "x");
  Output loss = ops::reduce_sum(root, ops::square(root, ops::matmul(root, x, w)));
  Operation train_op = train::gradient_descent(0.1)->minimize(root, loss);
  ASSERT_TRUE(g.find_operation("gradients/MatMul_grad/MatMul").has_value());
  ASSERT_TRUE(g.find_operation("gradients/MatMul_grad/tuple/group_deps").has_value());

  Session sess(g);
  sess.run(w.initializer());
  Tensor xv = Tensor::vector<float>({1, 2, 3, 4}).reshaped(std::vector<int64_t>{2, 2});
  const Session::Feed feeds[] = {{x, xv}};
  const Operation targets[] = {train_op};
  const std::vector<std::string> ran = Names(sess.planned_ops(feeds, {}, targets));
  EXPECT_FALSE(Has(ran, "gradients/MatMul_grad/MatMul"));
  EXPECT_FALSE(Has(ran, "gradients/MatMul_grad/tuple/group_deps"));
  EXPECT_TRUE(Has(ran, "gradients/MatMul_grad/MatMul_1"));
  EXPECT_TRUE(Has(ran, "GradientDescent/update_w/ApplyGradientDescent"));
  // Fetching dL/dx itself computes it.
  const Output dx = g.get_tensor_by_name("gradients/MatMul_grad/tuple/control_dependency:0");
  const Output fetches[] = {dx};
  EXPECT_TRUE(Has(Names(sess.planned_ops(feeds, fetches)), "gradients/MatMul_grad/MatMul"));

  // The update is the same as with every gradient computed: w -= 0.1 * 2 x^T (x w).
  sess.run(feeds, {}, targets);
  const Tensor wv = sess.run(w.value());
  // x w = [0.5 - 1, 1.5 - 2] = [-0.5, -0.5]; x^T (x w) = [-2, -3]; w - 0.2 * that.
  EXPECT_FLOAT_EQ(wv.data<float>()[0], 0.5f + 0.4f);
  EXPECT_FLOAT_EQ(wv.data<float>()[1], -0.5f + 0.6f);
}

TEST(PlanTest, StateChangesBehindAControlOnlyOpStillRun) {
  Graph g;
  Scope root = Scope::root(g);
  Variable v = make_variable(root, ops::constant(root, Tensor::scalar<float>(0.0f)));
  // assign -> identity (stateless, read by nobody) -> control input of the fetched constant.
  Output assign = ops::assign(root, v.ref(), ops::constant(root, Tensor::scalar<float>(7.0f)));
  Output after = ops::identity(root, assign, "after_assign");
  Output c = ops::constant(root.with_control_dependencies({after.op()}),
                           Tensor::scalar<float>(1.0f), "c");
  Session sess(g);
  sess.run(v.initializer());
  const Output fetches[] = {c};
  const std::vector<std::string> ran = Names(sess.planned_ops({}, fetches));
  EXPECT_FALSE(Has(ran, "after_assign"));
  EXPECT_TRUE(Has(ran, "Assign"));
  sess.run(c);
  EXPECT_EQ(sess.run(v.value()).data<float>()[0], 7.0f);
}

TEST(PlanTest, AnUnfedPlaceholderBehindAControlOnlyOpIsStillReported) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::placeholder(root, DataType::kFloat, PartialShape({2}), "x");
  Output sq = ops::square(root, x);
  Output c = ops::constant(root.with_control_dependencies({sq.op()}), Tensor::scalar<float>(1.0f));
  Session sess(g);
  try {
    sess.run(c);
    FAIL() << "expected an error";
  } catch (const runtime::OpError& e) {
    EXPECT_EQ(std::string(e.detail()),
              "You must feed a value for placeholder tensor 'x' with dtype float and shape [2]");
  }
}

}  // namespace
}  // namespace scopeflow
