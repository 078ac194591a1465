// Gradient functions of the nn ops, named as TF 1.15's nn_grad.py builds them.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scopeflow/base/error.h"
#include "scopeflow/ops/array_ops.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/ops/nn_ops.h"
#include "scopeflow/ops/ops.h"
#include "scopeflow/runtime/kernel.h"
#include "scopeflow/train/gradients.h"

namespace scopeflow::train::internal {

namespace {

using runtime::attr_ints;
using runtime::attr_string;

std::string data_format_of(Operation op) {
  std::string f = attr_string(op, "data_format");
  return f.empty() ? std::string("NHWC") : f;
}

// ---- Activations ----

std::vector<Output> relu_grad(const Scope& s, Operation op, std::span<const Output> g) {
  return {ops::relu_grad(s, g[0], op.output(0))};
}

std::vector<Output> relu6_grad(const Scope& s, Operation op, std::span<const Output> g) {
  return {ops::relu6_grad(s, g[0], op.output(0))};
}

std::vector<Output> elu_grad(const Scope& s, Operation op, std::span<const Output> g) {
  return {ops::elu_grad(s, g[0], op.output(0))};
}

// ---- Softmax and losses ----

// grad_x = (grad_softmax - sum(grad_softmax * softmax, -1, keepdims)) * softmax
std::vector<Output> softmax_grad(const Scope& s, Operation op, std::span<const Output> g) {
  Output softmax = op.output(0);
  Output prod = ops::operator_mul(s, g[0], softmax);
  Output sum_channels = ops::reduce_sum(s, prod, std::vector<int64_t>{-1}, /*keep_dims=*/true);
  Output diff = ops::operator_sub(s, g[0], sum_channels);
  return {ops::operator_mul(s, diff, softmax)};
}

// grad - sum(grad, -1, keepdims) * exp(log_softmax)
std::vector<Output> log_softmax_grad(const Scope& s, Operation op, std::span<const Output> g) {
  Output softmax = ops::exp(s, op.output(0));
  Output sum = ops::reduce_sum(s, g[0], std::vector<int64_t>{-1}, /*keep_dims=*/true);
  return {ops::operator_sub(s, g[0], ops::operator_mul(s, sum, softmax))};
}

std::vector<Output> bias_add_grad(const Scope& s, Operation op, std::span<const Output> g) {
  return {g[0], ops::bias_add_grad(s, g[0], data_format_of(op))};
}

// TF's _BroadcastMul: expand_dims(vec, -1) * mat.
Output broadcast_mul(const Scope& s, const Output& vec, const Output& mat) {
  return ops::operator_mul(s, ops::expand_dims(s, vec, -1), mat);
}

// TF's IsZero introspection: a ZerosLike/Zeros op, or a constant that is all zeros.
bool is_zero(const Output& t) {
  Operation op = t.op();
  if (op.type() == "ZerosLike" || op.type() == "Zeros") return true;
  auto all_zero = [](const Operation& c) {
    if (c.type() != "Const") return false;
    auto v = c.attr("value");
    if (!v || !std::holds_alternative<Tensor>(*v)) return false;
    const Tensor& value = std::get<Tensor>(*v);
    if (value.dtype() == DataType::kString) return false;
    for (int64_t i = 0; i < value.num_elements(); ++i)
      if (value.as_double(i) != 0) return false;
    return true;
  };
  if (op.type() == "Const") return all_zero(op);
  if (op.type() == "Fill") return all_zero(op.input(1).op());
  return false;
}

std::vector<Output> softmax_xent_grad(const Scope& s, Operation op, std::span<const Output> g) {
  const Output& grad_loss = g[0];
  const Output& grad_grad = g.size() > 1 ? g[1] : Output();
  Output softmax_grad_out = op.output(1);
  Output grad;
  if (grad_loss.valid()) grad = broadcast_mul(s, grad_loss, softmax_grad_out);
  Output logits = op.input(0);
  if (grad_grad.valid() && !is_zero(grad_grad)) {
    Output softmax = ops::softmax(s, logits);
    // (Each builder call on its own line: C++ leaves argument evaluation order open, and the
    // creation order decides the names.)
    Output gg3 = ops::expand_dims(s, grad_grad, 1);
    Output sm3 = ops::expand_dims(s, softmax, 2);
    Output mm = ops::matmul(s, gg3, sm3);
    Output sq = ops::squeeze(s, mm, {1});
    Output term = ops::operator_mul(s, ops::operator_sub(s, grad_grad, sq), softmax);
    grad = grad.valid() ? ops::operator_add(s, grad, term) : term;
  }
  Output labels_grad;
  if (grad_loss.valid())
    labels_grad = broadcast_mul(s, grad_loss, ops::neg(s, ops::log_softmax(s, logits)));
  return {grad, labels_grad};
}

std::vector<Output> sparse_softmax_xent_grad(const Scope& s, Operation op,
                                             std::span<const Output> g) {
  if (!g[0].valid()) return {Output(), Output()};
  ops::OpBuilder b(s, "PreventGradient", "");
  Output in = b.input(op.output(1), "input");
  Output prevented =
      b.attr("T", base_dtype(in.dtype()))
          .attr("message",
                std::string("Currently there is no way to take the second derivative of "
                            "sparse_softmax_cross_entropy_with_logits due to the fused "
                            "implementation's interaction with tf.gradients()"))
          .finish()
          .output(0);
  return {broadcast_mul(s, g[0], prevented), Output()};
}

std::vector<Output> l2_loss_grad(const Scope& s, Operation op, std::span<const Output> g) {
  return {ops::operator_mul(s, op.input(0), g[0])};
}

// ---- Convolution and pooling ----

std::vector<int64_t> dilations_of(Operation op) {
  std::vector<int64_t> d = attr_ints(op, "dilations");
  if (d.empty()) d = {1, 1, 1, 1};
  return d;
}

std::vector<Output> conv2d_grad(const Scope& s, Operation op, std::span<const Output> g) {
  // array_ops.shape_n([input, filter])
  ops::OpBuilder b(s, "ShapeN", "");
  b.add(op.input(0)).add(op.input(1));
  Operation shape_n = b.attr("N", int64_t{2})
                          .attr("T", base_dtype(op.input(0).dtype()))
                          .attr("out_type", DataType::kInt32)
                          .finish();
  const std::vector<int64_t> strides = attr_ints(op, "strides");
  const std::string padding = attr_string(op, "padding");
  const std::string format = data_format_of(op);
  const std::vector<int64_t> dilations = dilations_of(op);
  Output dx = ops::conv2d_backprop_input(s, shape_n.output(0), op.input(1), g[0], strides,
                                         padding, format, dilations);
  Output dw = ops::conv2d_backprop_filter(s, op.input(0), shape_n.output(1), g[0], strides,
                                          padding, format, dilations);
  return {dx, dw};
}

std::vector<Output> max_pool_grad(const Scope& s, Operation op, std::span<const Output> g) {
  return {ops::max_pool_grad(s, op.input(0), op.output(0), g[0], attr_ints(op, "ksize"),
                             attr_ints(op, "strides"), attr_string(op, "padding"),
                             data_format_of(op))};
}

std::vector<Output> avg_pool_grad(const Scope& s, Operation op, std::span<const Output> g) {
  Output shape = ops::shape(s, op.input(0));
  return {ops::avg_pool_grad(s, shape, g[0], attr_ints(op, "ksize"), attr_ints(op, "strides"),
                             attr_string(op, "padding"), data_format_of(op))};
}

}  // namespace

void register_nn_gradients() {
  register_gradient("Relu", &relu_grad);
  register_gradient("Relu6", &relu6_grad);
  register_gradient("Elu", &elu_grad);
  register_gradient("Softmax", &softmax_grad);
  register_gradient("LogSoftmax", &log_softmax_grad);
  register_gradient("BiasAdd", &bias_add_grad);
  register_gradient("SoftmaxCrossEntropyWithLogits", &softmax_xent_grad);
  register_gradient("SparseSoftmaxCrossEntropyWithLogits", &sparse_softmax_xent_grad);
  register_gradient("L2Loss", &l2_loss_grad);
  register_gradient("Conv2D", &conv2d_grad);
  register_gradient("MaxPool", &max_pool_grad);
  register_gradient("AvgPool", &avg_pool_grad);
}

}  // namespace scopeflow::train::internal
