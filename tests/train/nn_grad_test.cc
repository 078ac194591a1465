// Gradients of the nn ops (TF 1.15 nn_grad.py): graph names and finite-difference checks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "grad_check.h"
#include "scopeflow/ops/array_ops.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/ops/nn_ops.h"
#include "scopeflow/runtime/session.h"
#include "scopeflow/scopeflow.h"
#include "scopeflow/train/gradients.h"
#include "../sf_testing.h"

namespace scopeflow {
namespace {

using Names = std::vector<std::string>;
using testing::CheckGradients;
using testing::CheckGradientsAt;

constexpr DataType kD = DataType::kDouble;

std::vector<Tensor> run_feeds(runtime::Session& sess, std::vector<runtime::Session::Feed> feeds,
                              const Output& fetch) {
  const Output fetches[] = {fetch};
  return sess.run(std::span<const runtime::Session::Feed>(feeds), std::span<const Output>(fetches));
}

// The ops named "gradients/..." in creation order, as "name:Type".
Names grad_ops(const Graph& g) {
  Names out;
  for (const Operation& op : g.get_operations())
    if (op.name().starts_with("gradients/"))
      out.push_back(std::string(op.name()) + ":" + std::string(op.type()));
  return out;
}

std::vector<std::string> input_names(const Operation& op) {
  std::vector<std::string> out;
  for (const Output& o : op.inputs()) out.push_back(o.name());
  return out;
}

Tensor doubles(std::vector<double> v, std::vector<int64_t> shape) {
  Tensor t = Tensor::vector<double>(v);
  return t.reshaped(shape);
}

std::vector<Output> grads_of(const Scope& s, const Output& y, std::vector<Output> xs) {
  Output ys[] = {y};
  return train::gradients(s, ys, xs);
}

TEST(NnGradTest, ReluNamesAndValues) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({2, 3}), "x");
  Output y = ops::relu(s, x);
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(gr[0].name(), "gradients/Relu_grad/ReluGrad:0");
  EXPECT_EQ(input_names(gr[0].op()), (Names{"gradients/Fill:0", "Relu:0"}));
  // Tolerance 1e-6: piecewise linear, no point within h of the kink.
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, doubles({1, -2, 3, -0.5, 0.25, 4}, {2, 3})}}, gr,
                               1e-6));
}

TEST(NnGradTest, Relu6AndElu) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({5}), "x");
  Output y = ops::l2_loss(s, ops::relu6(s, x));
  Tensor v = doubles({-1, 0.5, 3, 5.5, 7}, {5});
  EXPECT_TRUE(CheckGradients(g, y, {{x, v}}, 1e-6));  // piecewise linear times x: 1e-6
  EXPECT_EQ(g.get_operation_by_name("gradients/Relu6_grad/Relu6Grad").type(), "Relu6Grad");

  Graph g2;
  Scope s2 = Scope::root(g2);
  Output x2 = ops::placeholder(s2, kD, PartialShape({5}), "x");
  Output y2 = ops::l2_loss(s2, ops::elu(s2, x2));
  EXPECT_TRUE(CheckGradients(g2, y2, {{x2, v}}, 1e-6));  // smooth: central differences 1e-6
  EXPECT_EQ(g2.get_operation_by_name("gradients/Elu_grad/EluGrad").type(), "EluGrad");
}

TEST(NnGradTest, SoftmaxNames) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({2, 3}), "x");
  Output y = ops::l2_loss(s, ops::softmax(s, x));
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(grad_ops(g), (Names{"gradients/Shape:Const", "gradients/grad_ys_0:Const",
                                "gradients/Fill:Fill", "gradients/L2Loss_grad/mul:Mul",
                                "gradients/Softmax_grad/mul:Mul",
                                "gradients/Softmax_grad/Sum/reduction_indices:Const",
                                "gradients/Softmax_grad/Sum:Sum", "gradients/Softmax_grad/sub:Sub",
                                "gradients/Softmax_grad/mul_1:Mul"}));
  EXPECT_EQ(gr[0].name(), "gradients/Softmax_grad/mul_1:0");
  // Smooth: 1e-6.
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, doubles({1, 2, 3, -1, 0.5, 0}, {2, 3})}}, gr, 1e-6));
}

TEST(NnGradTest, LogSoftmax) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({2, 3}), "x");
  Output y = ops::l2_loss(s, ops::log_softmax(s, x));
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(grad_ops(g), (Names{"gradients/Shape:Const", "gradients/grad_ys_0:Const",
                                "gradients/Fill:Fill", "gradients/L2Loss_grad/mul:Mul",
                                "gradients/LogSoftmax_grad/Exp:Exp",
                                "gradients/LogSoftmax_grad/Sum/reduction_indices:Const",
                                "gradients/LogSoftmax_grad/Sum:Sum",
                                "gradients/LogSoftmax_grad/mul:Mul",
                                "gradients/LogSoftmax_grad/sub:Sub"}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, doubles({1, 2, 3, -1, 0.5, 0}, {2, 3})}}, gr, 1e-6));
}

TEST(NnGradTest, BiasAdd) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({2, 3}), "x");
  Output b = ops::placeholder(s, kD, PartialShape({3}), "b");
  Output y = ops::l2_loss(s, ops::bias_add(s, x, b));
  auto gr = grads_of(s, y, {x, b});
  EXPECT_EQ(gr[0].name(), "gradients/L2Loss_grad/mul:0");
  EXPECT_EQ(gr[1].name(), "gradients/BiasAdd_grad/BiasAddGrad:0");
  // Quadratic: central differences are exact up to rounding, 1e-6.
  EXPECT_TRUE(CheckGradientsAt(
      g, y, {{x, doubles({1, 2, 3, -1, 0.5, 0}, {2, 3})}, {b, doubles({0.1, -0.2, 0.3}, {3})}},
      gr, 1e-6));
}

TEST(NnGradTest, SoftmaxCrossEntropyWithLogits) {
  Graph g;
  Scope s = Scope::root(g);
  Output logits = ops::placeholder(s, kD, PartialShape({2, 3}), "logits");
  Output labels = ops::placeholder(s, kD, PartialShape({2, 3}), "labels");
  auto [loss, backprop] = ops::softmax_cross_entropy_with_logits(s, logits, labels);
  auto gr = grads_of(s, loss, {logits, labels});
  EXPECT_EQ(grad_ops(g),
            (Names{"gradients/Shape:Const", "gradients/grad_ys_0:Const", "gradients/Fill:Fill",
                   "gradients/zeros_like:ZerosLike",
                   "gradients/SoftmaxCrossEntropyWithLogits_grad/ExpandDims/dim:Const",
                   "gradients/SoftmaxCrossEntropyWithLogits_grad/ExpandDims:ExpandDims",
                   "gradients/SoftmaxCrossEntropyWithLogits_grad/mul:Mul",
                   "gradients/SoftmaxCrossEntropyWithLogits_grad/LogSoftmax:LogSoftmax",
                   "gradients/SoftmaxCrossEntropyWithLogits_grad/Neg:Neg",
                   "gradients/SoftmaxCrossEntropyWithLogits_grad/ExpandDims_1/dim:Const",
                   "gradients/SoftmaxCrossEntropyWithLogits_grad/ExpandDims_1:ExpandDims",
                   "gradients/SoftmaxCrossEntropyWithLogits_grad/mul_1:Mul"}));
  // Smooth: 1e-6.
  EXPECT_TRUE(CheckGradientsAt(g, loss,
                               {{logits, doubles({1, 2, 3, -1, 0.5, 0}, {2, 3})},
                                {labels, doubles({0.2, 0.3, 0.5, 1, 0, 0}, {2, 3})}},
                               gr, 1e-6));
}

TEST(NnGradTest, SoftmaxCrossEntropySecondOrderTerm) {
  // A gradient flowing into the backprop output adds TF's softmax-derivative term.
  Graph g;
  Scope s = Scope::root(g);
  Output logits = ops::placeholder(s, kD, PartialShape({2, 3}), "logits");
  Output labels = ops::constant(s, doubles({0.2, 0.3, 0.5, 1, 0, 0}, {2, 3}), "labels");
  auto [loss, backprop] = ops::softmax_cross_entropy_with_logits(s, logits, labels);
  // Through the grad function directly, with both output gradients given.
  Output gl = ops::placeholder(s, kD, PartialShape({2}), "gl");
  Output gg = ops::placeholder(s, kD, PartialShape({2, 3}), "gg");
  train::GradFn fn = train::find_gradient("SoftmaxCrossEntropyWithLogits");
  ASSERT_NE(fn, nullptr);
  const Output in[] = {gl, gg};
  auto out = fn(s.name_scope("xent_grad"), loss.op(), std::span<const Output>(in, 2));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].name(), "xent_grad/add:0");
  EXPECT_EQ(g.get_operation_by_name("xent_grad/MatMul").type(), "BatchMatMulV2");
  EXPECT_EQ(g.get_operation_by_name("xent_grad/Squeeze").type(), "Squeeze");
  EXPECT_EQ(input_names(g.get_operation_by_name("xent_grad/ExpandDims_1")),
            (Names{"gg:0", "xent_grad/ExpandDims_1/dim:0"}));
  EXPECT_EQ(input_names(g.get_operation_by_name("xent_grad/ExpandDims_2")),
            (Names{"xent_grad/Softmax:0", "xent_grad/ExpandDims_2/dim:0"}));
  EXPECT_EQ(input_names(g.get_operation_by_name("xent_grad/mul_2")),
            (Names{"xent_grad/ExpandDims_3:0", "xent_grad/Neg:0"}));
  runtime::Session sess(g);
  Tensor lv = doubles({1, 2, 3, -1, 0.5, 0}, {2, 3});
  Tensor glv = doubles({0.5, -1}, {2});
  Tensor ggv = doubles({0.1, 0.2, -0.3, 0.4, 0, 1}, {2, 3});
  auto r = run_feeds(sess, {{logits, lv}, {gl, glv}, {gg, ggv}}, out[0]);
  // Expected: gl*(softmax - labels) + (gg - sum(gg*softmax)) * softmax.
  for (int b = 0; b < 2; ++b) {
    double m = -1e9, z = 0, sm[3], dot = 0;
    for (int k = 0; k < 3; ++k) m = std::max(m, lv.data<double>()[b * 3 + k]);
    for (int k = 0; k < 3; ++k) z += std::exp(lv.data<double>()[b * 3 + k] - m);
    for (int k = 0; k < 3; ++k) sm[k] = std::exp(lv.data<double>()[b * 3 + k] - m) / z;
    for (int k = 0; k < 3; ++k) dot += ggv.data<double>()[b * 3 + k] * sm[k];
    const double lab[2][3] = {{0.2, 0.3, 0.5}, {1, 0, 0}};
    for (int k = 0; k < 3; ++k) {
      double want = glv.data<double>()[b] * (sm[k] - lab[b][k]) +
                    (ggv.data<double>()[b * 3 + k] - dot) * sm[k];
      EXPECT_NEAR(r[0].data<double>()[b * 3 + k], want, 1e-12);
    }
  }
}

TEST(NnGradTest, SparseSoftmaxCrossEntropyWithLogits) {
  Graph g;
  Scope s = Scope::root(g);
  Output logits = ops::placeholder(s, kD, PartialShape({2, 3}), "logits");
  Output labels = ops::constant(s, Tensor::vector<int32_t>({2, 0}), "labels");
  auto [loss, backprop] = ops::sparse_softmax_cross_entropy_with_logits(s, logits, labels);
  auto gr = grads_of(s, loss, {logits});
  const std::string p = "gradients/SparseSoftmaxCrossEntropyWithLogits_grad/";
  EXPECT_EQ(grad_ops(g), (Names{"gradients/Shape:Const", "gradients/grad_ys_0:Const",
                                "gradients/Fill:Fill", "gradients/zeros_like:ZerosLike",
                                p + "PreventGradient:PreventGradient", p + "ExpandDims/dim:Const",
                                p + "ExpandDims:ExpandDims", p + "mul:Mul"}));
  auto msg = g.get_operation_by_name(p + "PreventGradient").attr("message");
  ASSERT_TRUE(msg.has_value());
  EXPECT_EQ(std::get<std::string>(*msg),
            "Currently there is no way to take the second derivative of "
            "sparse_softmax_cross_entropy_with_logits due to the fused implementation's "
            "interaction with tf.gradients()");
  EXPECT_TRUE(CheckGradientsAt(g, loss, {{logits, doubles({1, 2, 3, -1, 0.5, 0}, {2, 3})}}, gr,
                               1e-6));  // smooth: 1e-6
  // The second derivative is refused, as TF's LookupError.
  EXPECT_TRUE(testing::ThrowsError(
      [&] {
        Output ys[] = {gr[0]};
        Output xs[] = {logits};
        train::gradients(s, ys, xs);
      },
      Code::kNotFound,
      "Gradient explicitly disabled. Reason: Currently there is no way to take the second "
      "derivative of sparse_softmax_cross_entropy_with_logits due to the fused "
      "implementation's interaction with tf.gradients()"));
}

TEST(NnGradTest, L2Loss) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({4}), "x");
  Output y = ops::l2_loss(s, x);
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(gr[0].name(), "gradients/L2Loss_grad/mul:0");
  EXPECT_EQ(input_names(gr[0].op()), (Names{"x:0", "gradients/Fill:0"}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, doubles({1, -2, 3, 0.5}, {4})}}, gr, 1e-6));
}

TEST(NnGradTest, Conv2D) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({1, 4, 4, 2}), "x");
  Output w = ops::placeholder(s, kD, PartialShape({2, 2, 2, 3}), "w");
  Output c = ops::conv2d(s, x, w, {1, 2, 1, 1}, "SAME");
  Output y = ops::l2_loss(s, c);
  auto gr = grads_of(s, y, {x, w});
  EXPECT_EQ(grad_ops(g), (Names{"gradients/Shape:Const", "gradients/grad_ys_0:Const",
                                "gradients/Fill:Fill", "gradients/L2Loss_grad/mul:Mul",
                                "gradients/Conv2D_grad/ShapeN:ShapeN",
                                "gradients/Conv2D_grad/Conv2DBackpropInput:Conv2DBackpropInput",
                                "gradients/Conv2D_grad/Conv2DBackpropFilter:"
                                "Conv2DBackpropFilter"}));
  EXPECT_EQ(input_names(gr[0].op()),
            (Names{"gradients/Conv2D_grad/ShapeN:0", "w:0", "gradients/L2Loss_grad/mul:0"}));
  EXPECT_EQ(input_names(gr[1].op()),
            (Names{"x:0", "gradients/Conv2D_grad/ShapeN:1", "gradients/L2Loss_grad/mul:0"}));
  std::vector<double> xv(32), wv(24);
  for (int i = 0; i < 32; ++i) xv[i] = 0.1 * ((i * 7) % 11) - 0.5;
  for (int i = 0; i < 24; ++i) wv[i] = 0.05 * ((i * 5) % 13) - 0.3;
  // Quadratic in each input: 1e-6.
  EXPECT_TRUE(CheckGradientsAt(
      g, y, {{x, doubles(xv, {1, 4, 4, 2})}, {w, doubles(wv, {2, 2, 2, 3})}}, gr, 1e-6));
}

TEST(NnGradTest, MaxPoolAndAvgPool) {
  std::vector<double> xv(32);
  for (int i = 0; i < 32; ++i) xv[i] = 0.37 * ((i * 7) % 17) - 2;  // distinct maxima
  {
    Graph g;
    Scope s = Scope::root(g);
    Output x = ops::placeholder(s, kD, PartialShape({1, 4, 4, 2}), "x");
    Output y = ops::l2_loss(s, ops::max_pool(s, x, {1, 2, 2, 1}, {1, 2, 2, 1}, "VALID"));
    auto gr = grads_of(s, y, {x});
    EXPECT_EQ(gr[0].name(), "gradients/MaxPool_grad/MaxPoolGrad:0");
    EXPECT_EQ(input_names(gr[0].op()),
              (Names{"x:0", "MaxPool:0", "gradients/L2Loss_grad/mul:0"}));
    EXPECT_TRUE(CheckGradientsAt(g, y, {{x, doubles(xv, {1, 4, 4, 2})}}, gr, 1e-6));
  }
  {
    Graph g;
    Scope s = Scope::root(g);
    Output x = ops::placeholder(s, kD, PartialShape({1, 4, 4, 2}), "x");
    Output y = ops::l2_loss(s, ops::avg_pool(s, x, {1, 2, 2, 1}, {1, 1, 1, 1}, "SAME"));
    auto gr = grads_of(s, y, {x});
    EXPECT_EQ(gr[0].name(), "gradients/AvgPool_grad/AvgPoolGrad:0");
    EXPECT_EQ(input_names(gr[0].op()),
              (Names{"gradients/AvgPool_grad/Shape:0", "gradients/L2Loss_grad/mul:0"}));
    EXPECT_EQ(g.get_operation_by_name("gradients/AvgPool_grad/Shape").type(), "Const");
    EXPECT_TRUE(CheckGradientsAt(g, y, {{x, doubles(xv, {1, 4, 4, 2})}}, gr, 1e-6));
  }
}

}  // namespace
}  // namespace scopeflow
