// Gradients through tf.cond and raw Switch/Merge (TF 1.15 control_flow_grad.py): the
// `cond_grad` Switch/Merge pairs, values on both branches and finite differences.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "grad_check.h"
#include "scopeflow/ops/array_ops.h"
#include "scopeflow/ops/control_flow_ops.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/ops/nn_ops.h"
#include "scopeflow/runtime/session.h"
#include "scopeflow/scopeflow.h"
#include "scopeflow/train/gradients.h"
#include "../sf_testing.h"

namespace scopeflow {
namespace {

using Names = std::vector<std::string>;
using runtime::Session;
using testing::CheckGradients;

constexpr DataType kD = DataType::kDouble;

std::vector<Tensor> run_feeds(runtime::Session& sess, std::vector<runtime::Session::Feed> feeds,
                              const Output& fetch) {
  const Output fetches[] = {fetch};
  return sess.run(std::span<const runtime::Session::Feed>(feeds), std::span<const Output>(fetches));
}

std::vector<std::string> input_names(const Operation& op) {
  std::vector<std::string> out;
  for (const Output& o : op.inputs()) out.push_back(o.name());
  return out;
}

Tensor doubles(std::vector<double> v) { return Tensor::vector<double>(v); }

// loss = l2_loss(cond(p, relu(x), squeeze(expand_dims(x)))) with x entering both branches.
struct CondNet {
  Graph g;
  Output x, p, out, loss;
  std::vector<Output> grads;
  explicit CondNet(std::optional<bool> const_pred = std::nullopt) {
    Scope s = Scope::root(g);
    x = ops::placeholder(s, kD, PartialShape({4}), "x");
    p = const_pred ? ops::constant(s, Tensor::scalar(*const_pred), "p")
                   : ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
    out = ops::cond(
        s, p, [&](const Scope& cs) { return ops::relu(cs, x); },
        [&](const Scope& cs) { return ops::squeeze(cs, ops::expand_dims(cs, x, 0), {0}); });
    loss = ops::l2_loss(s, out);
    Output ys[] = {loss};
    Output xs[] = {x};
    grads = train::gradients(s, ys, xs);
  }
};

TEST(CondGradTest, MergeAndSwitchGradNames) {
  CondNet n;
  Graph& g = n.g;
  // _MergeGrad: a Switch of the gradient on the cond's pred_id, colocated with the gradient.
  Operation mg = g.get_operation_by_name("gradients/cond/Merge_grad/cond_grad");
  EXPECT_EQ(mg.type(), "Switch");
  EXPECT_EQ(input_names(mg), (Names{"gradients/L2Loss_grad/mul:0", "cond/pred_id:0"}));
  auto cls = mg.attr("_class");
  ASSERT_TRUE(cls.has_value());
  EXPECT_EQ(std::get<std::vector<std::string>>(*cls),
            (Names{"loc:@gradients/L2Loss_grad/mul"}));
  // The true branch's ops get the Switch's output 1, the false branch's output 0.
  EXPECT_EQ(input_names(g.get_operation_by_name("gradients/cond/Relu_grad/ReluGrad")),
            (Names{"gradients/cond/Merge_grad/cond_grad:1", "cond/Relu:0"}));
  EXPECT_EQ(input_names(g.get_operation_by_name("gradients/cond/Squeeze_grad/Reshape")),
            (Names{"gradients/cond/Merge_grad/cond_grad:0", "gradients/cond/Squeeze_grad/Shape:0"}));
  // _SwitchGrad in a cond context: Merge(grad, zeros) named cond_grad.
  Operation sg_t = g.get_operation_by_name("gradients/cond/Relu/Switch_grad/cond_grad");
  EXPECT_EQ(sg_t.type(), "Merge");
  EXPECT_EQ(sg_t.num_inputs(), 2);
  EXPECT_EQ(sg_t.input(1).name(), "gradients/cond/Relu_grad/ReluGrad:0");
  Operation sg_f = g.get_operation_by_name("gradients/cond/ExpandDims/Switch_grad/cond_grad");
  EXPECT_EQ(sg_f.type(), "Merge");
  EXPECT_EQ(sg_f.input(0).name(), "gradients/cond/ExpandDims_grad/Reshape:0");
  // Both branch gradients are summed for x.
  EXPECT_EQ(n.grads[0].op().type(), "AddN");
}

TEST(CondGradTest, ValuesOnBothBranches) {
  CondNet n;
  Session sess(n.g);
  Tensor xv = doubles({1, -2, 3, -0.5});
  auto t = run_feeds(sess, {{n.x, xv}, {n.p, Tensor::scalar(true)}}, n.grads[0]);
  EXPECT_EQ(t[0].debug_string(), Tensor(doubles({1, 0, 3, 0})).debug_string());
  auto f = run_feeds(sess, {{n.x, xv}, {n.p, Tensor::scalar(false)}}, n.grads[0]);
  EXPECT_EQ(f[0].debug_string(), Tensor(doubles({1, -2, 3, -0.5})).debug_string());
}

TEST(CondGradTest, FiniteDifferences) {
  // Piecewise quadratic away from relu's kink: 1e-6.
  for (bool branch : {true, false}) {
    CondNet n(branch);
    EXPECT_TRUE(testing::CheckGradientsAt(n.g, n.loss, {{n.x, doubles({1, -2, 3, -0.5})}},
                                          n.grads, 1e-6))
        << "branch " << branch;
  }
}

TEST(CondGradTest, BranchReturningExternalTensor) {
  // A branch that returns an outside tensor goes through cond/Switch_1 (_ProcessOutputTensor).
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({3}), "x");
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  Output out = ops::cond(
      s, p, [&](const Scope&) { return x; }, [&](const Scope& cs) { return ops::relu(cs, x); });
  Output loss = ops::l2_loss(s, out);
  Output ys[] = {loss};
  Output xs[] = {x};
  auto gr = train::gradients(s, ys, xs);
  EXPECT_EQ(g.get_operation_by_name("gradients/cond/Switch_1_grad/cond_grad").type(), "Merge");
  Session sess(g);
  Tensor xv = doubles({1, -2, 3});
  auto t = run_feeds(sess, {{x, xv}, {p, Tensor::scalar(true)}}, gr[0]);
  EXPECT_EQ(t[0].debug_string(), Tensor(doubles({1, -2, 3})).debug_string());
  auto f = run_feeds(sess, {{x, xv}, {p, Tensor::scalar(false)}}, gr[0]);
  EXPECT_EQ(f[0].debug_string(), Tensor(doubles({1, 0, 3})).debug_string());
}

TEST(CondGradTest, RawSwitchMergeOutsideCond) {
  // Switch/Merge built directly (no cond context): _MergeGrad switches on
  // Equal(value_index, i), _SwitchGrad switches each gradient on the predicate and merges.
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({3}), "x");
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  auto [f, t] = ops::switch_(s, x, p);
  Output m = ops::merge(s, {ops::relu(s, f), t}).first;
  Output loss = ops::l2_loss(s, m);
  Output ys[] = {loss};
  Output xs[] = {x};
  auto gr = train::gradients(s, ys, xs);
  EXPECT_EQ(input_names(g.get_operation_by_name("gradients/Merge_grad/Equal")),
            (Names{"Merge:1", "gradients/Merge_grad/Equal/y:0"}));
  EXPECT_EQ(input_names(g.get_operation_by_name("gradients/Merge_grad/Switch")),
            (Names{"gradients/L2Loss_grad/mul:0", "gradients/Merge_grad/Equal:0"}));
  EXPECT_EQ(input_names(g.get_operation_by_name("gradients/Merge_grad/Switch_1")),
            (Names{"gradients/L2Loss_grad/mul:0", "gradients/Merge_grad/Equal_1:0"}));
  EXPECT_EQ(gr[0].name(), "gradients/Switch_grad/Merge:0");
  EXPECT_EQ(input_names(gr[0].op()),
            (Names{"gradients/Switch_grad/Switch:0", "gradients/Switch_grad/Switch_1:1"}));
  Session sess(g);
  Tensor xv = doubles({1, -2, 3});
  auto rt = run_feeds(sess, {{x, xv}, {p, Tensor::scalar(true)}}, gr[0]);
  EXPECT_EQ(rt[0].debug_string(), Tensor(doubles({1, -2, 3})).debug_string());
  auto rf = run_feeds(sess, {{x, xv}, {p, Tensor::scalar(false)}}, gr[0]);
  EXPECT_EQ(rf[0].debug_string(), Tensor(doubles({1, 0, 3})).debug_string());
}

TEST(CondGradTest, NestedCond) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({3}), "x");
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  Output q = ops::placeholder(s, DataType::kBool, PartialShape({}), "q");
  Output out = ops::cond(
      s, p,
      [&](const Scope& cs) {
        return ops::cond(
            cs, q, [&](const Scope& c2) { return ops::relu(c2, x); },
            [&](const Scope& c2) { return ops::identity(c2, x); });
      },
      [&](const Scope& cs) { return ops::elu(cs, x); });
  Output loss = ops::l2_loss(s, out);
  Output ys[] = {loss};
  Output xs[] = {x};
  auto gr = train::gradients(s, ys, xs);
  EXPECT_EQ(input_names(g.get_operation_by_name("gradients/cond/cond/Merge_grad/cond_grad")),
            (Names{"gradients/cond/Merge_grad/cond_grad:1", "cond/cond/pred_id:0"}));
  Session sess(g);
  Tensor xv = doubles({1, -2, 3});
  auto run = [&](bool pv, bool qv) {
    return run_feeds(sess, {{x, xv}, {p, Tensor::scalar(pv)}, {q, Tensor::scalar(qv)}}, gr[0])[0];
  };
  EXPECT_EQ(run(true, true).debug_string(), Tensor(doubles({1, 0, 3})).debug_string());
  EXPECT_EQ(run(true, false).debug_string(), Tensor(doubles({1, -2, 3})).debug_string());
  Tensor e = run(false, true);
  EXPECT_NEAR(e.data<double>()[0], 1.0, 1e-12);
  EXPECT_NEAR(e.data<double>()[1], (std::exp(-2.0) - 1) * std::exp(-2.0), 1e-12);
  EXPECT_NEAR(e.data<double>()[2], 3.0, 1e-12);
}

}  // namespace
}  // namespace scopeflow
