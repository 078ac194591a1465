// Builders of the nn ops (TF's op types, attrs and default names): matrix products,
// activations, softmax and losses, reductions, convolution and pooling, and the gradient ops
// the autodiff code builds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scopeflow/graph/input.h"
#include "scopeflow/ops/op_registry.h"
#include "scopeflow/ops/ops.h"

namespace scopeflow::ops {

// ---- Matrix products ----

/// tf.matmul(a, b): MatMul (transpose_a, transpose_b) for matrices; BatchMatMulV2 (adj_x,
/// adj_y) when either input has rank > 2 or unknown rank, as TF 1.15 builds it. Default name
/// "MatMul"; literal inputs become `MatMul/a`, `MatMul/b`.
Output matmul(const Scope& scope, const Input& a, const Input& b, bool transpose_a = false,
              bool transpose_b = false, std::string_view name = "");
/// The raw BatchMatMul op (batch dims must match), default name "BatchMatMul".
Output batch_mat_mul(const Scope& scope, const Input& x, const Input& y, bool adj_x = false,
                     bool adj_y = false, std::string_view name = "");
/// The raw BatchMatMulV2 op (batch dims broadcast), default name "BatchMatMulV2".
Output batch_mat_mul_v2(const Scope& scope, const Input& x, const Input& y, bool adj_x = false,
                        bool adj_y = false, std::string_view name = "");

// ---- Activations ----

/// tf.nn.bias_add(value, bias): BiasAdd (data_format "NHWC" or "NCHW"), default "BiasAdd".
Output bias_add(const Scope& scope, const Input& value, const Input& bias,
                std::string_view data_format = "NHWC", std::string_view name = "");
Output relu(const Scope& scope, const Input& features, std::string_view name = "");
Output relu6(const Scope& scope, const Input& features, std::string_view name = "");
Output elu(const Scope& scope, const Input& features, std::string_view name = "");
/// tf.sigmoid / tf.tanh (math ops in TF, built here): default names "Sigmoid", "Tanh".
Output sigmoid(const Scope& scope, const Input& x, std::string_view name = "");
Output tanh(const Scope& scope, const Input& x, std::string_view name = "");

// ---- Softmax and losses ----

/// tf.nn.softmax(logits) over the last axis. As TF's _softmax, a literal is converted first
/// (a `Const` in the caller's scope), then the op "Softmax" is built.
Output softmax(const Scope& scope, const Input& logits, std::string_view name = "");
Output log_softmax(const Scope& scope, const Input& logits, std::string_view name = "");
/// The raw SoftmaxCrossEntropyWithLogits op: {loss [batch], backprop [batch, classes]}.
std::pair<Output, Output> softmax_cross_entropy_with_logits(const Scope& scope,
                                                            const Input& features,
                                                            const Input& labels,
                                                            std::string_view name = "");
/// The raw SparseSoftmaxCrossEntropyWithLogits op (labels int32 or int64).
std::pair<Output, Output> sparse_softmax_cross_entropy_with_logits(const Scope& scope,
                                                                   const Input& features,
                                                                   const Input& labels,
                                                                   std::string_view name = "");
/// tf.nn.l2_loss(t): sum(t ** 2) / 2, default name "L2Loss".
Output l2_loss(const Scope& scope, const Input& t, std::string_view name = "");

// ---- Reductions ----

/// tf.reduce_sum(input, axis, keepdims): op "Sum". Given axes become `Sum/reduction_indices`
/// (int32); no axes (nullopt) reduce everything through TF's _ReductionDims: a `Const` of
/// range(rank) in the caller's scope when the rank is known, else Rank + Range ops. With no
/// axes and keep_dims false the result is a scalar.
Output reduce_sum(const Scope& scope, const Input& input,
                  std::optional<std::vector<int64_t>> axes = std::nullopt, bool keep_dims = false,
                  std::string_view name = "");
Output reduce_mean(const Scope& scope, const Input& input,
                   std::optional<std::vector<int64_t>> axes = std::nullopt, bool keep_dims = false,
                   std::string_view name = "");
Output reduce_max(const Scope& scope, const Input& input,
                  std::optional<std::vector<int64_t>> axes = std::nullopt, bool keep_dims = false,
                  std::string_view name = "");
Output reduce_min(const Scope& scope, const Input& input,
                  std::optional<std::vector<int64_t>> axes = std::nullopt, bool keep_dims = false,
                  std::string_view name = "");
Output reduce_prod(const Scope& scope, const Input& input,
                   std::optional<std::vector<int64_t>> axes = std::nullopt, bool keep_dims = false,
                   std::string_view name = "");
/// A reduction op ("Sum", "Mean", "Max", "Min", "Prod") with a reduction-indices tensor.
Output reduction(const Scope& scope, std::string_view type, const Input& input,
                 const Input& reduction_indices, bool keep_dims = false,
                 std::string_view name = "");
/// tf.argmax(input, axis=0, output_type=int64): op "ArgMax", axis as `ArgMax/dimension`.
Output argmax(const Scope& scope, const Input& input, int64_t axis = 0,
              DataType output_type = DataType::kInt64, std::string_view name = "");
Output argmin(const Scope& scope, const Input& input, int64_t axis = 0,
              DataType output_type = DataType::kInt64, std::string_view name = "");

// ---- Convolution and pooling (NHWC) ----

/// tf.nn.conv2d(input, filter, strides, padding "SAME"|"VALID"), default name "Conv2D".
Output conv2d(const Scope& scope, const Input& input, const Input& filter,
              const std::vector<int64_t>& strides, std::string_view padding,
              std::string_view data_format = "NHWC",
              const std::vector<int64_t>& dilations = {1, 1, 1, 1}, std::string_view name = "");
Output max_pool(const Scope& scope, const Input& value, const std::vector<int64_t>& ksize,
                const std::vector<int64_t>& strides, std::string_view padding,
                std::string_view data_format = "NHWC", std::string_view name = "");
Output avg_pool(const Scope& scope, const Input& value, const std::vector<int64_t>& ksize,
                const std::vector<int64_t>& strides, std::string_view padding,
                std::string_view data_format = "NHWC", std::string_view name = "");

// ---- Gradient ops (built by the gradient functions) ----

Output relu_grad(const Scope& scope, const Input& gradients, const Input& features,
                 std::string_view name = "");
Output relu6_grad(const Scope& scope, const Input& gradients, const Input& features,
                  std::string_view name = "");
/// EluGrad(gradients, outputs).
Output elu_grad(const Scope& scope, const Input& gradients, const Input& outputs,
                std::string_view name = "");
/// SigmoidGrad(y, dy) / TanhGrad(y, dy).
Output sigmoid_grad(const Scope& scope, const Input& y, const Input& dy,
                    std::string_view name = "");
Output tanh_grad(const Scope& scope, const Input& y, const Input& dy, std::string_view name = "");
Output bias_add_grad(const Scope& scope, const Input& out_backprop,
                     std::string_view data_format = "NHWC", std::string_view name = "");
Output conv2d_backprop_input(const Scope& scope, const Input& input_sizes, const Input& filter,
                             const Input& out_backprop, const std::vector<int64_t>& strides,
                             std::string_view padding, std::string_view data_format = "NHWC",
                             const std::vector<int64_t>& dilations = {1, 1, 1, 1},
                             std::string_view name = "");
Output conv2d_backprop_filter(const Scope& scope, const Input& input, const Input& filter_sizes,
                              const Input& out_backprop, const std::vector<int64_t>& strides,
                              std::string_view padding, std::string_view data_format = "NHWC",
                              const std::vector<int64_t>& dilations = {1, 1, 1, 1},
                              std::string_view name = "");
Output max_pool_grad(const Scope& scope, const Input& orig_input, const Input& orig_output,
                     const Input& grad, const std::vector<int64_t>& ksize,
                     const std::vector<int64_t>& strides, std::string_view padding,
                     std::string_view data_format = "NHWC", std::string_view name = "");
Output avg_pool_grad(const Scope& scope, const Input& orig_input_shape, const Input& grad,
                     const std::vector<int64_t>& ksize, const std::vector<int64_t>& strides,
                     std::string_view padding, std::string_view data_format = "NHWC",
                     std::string_view name = "");

}  // namespace scopeflow::ops
