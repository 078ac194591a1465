// Symbolic gradients as TF 1.15 builds them: tf.gradients' graph and names
// (`gradients/<op>_grad/...`, `gradients/AddN`, `gradients/grad_ys_0`, `gradients/Fill`).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scopeflow/graph/handles.h"
#include "scopeflow/naming/scope.h"

namespace scopeflow::train {

/// A gradient function (TF's @ops.RegisterGradient): called while the scope is
/// `<gradients scope>/<op name>_grad/`, with the forward op and one gradient per op output
/// (an invalid Output where no gradient flows). Returns one gradient per op input (an invalid
/// Output for "None").
using GradFn = std::vector<Output> (*)(const Scope& scope, Operation op,
                                       std::span<const Output> grads);

void register_gradient(std::string_view op_type, GradFn fn);
/// TF's ops.NotDifferentiable: no gradient flows through ops of this type.
void register_not_differentiable(std::string_view op_type);
/// The gradient function of `op_type`, or nullptr (not registered, or not differentiable).
GradFn find_gradient(std::string_view op_type);
bool is_not_differentiable(std::string_view op_type);

struct GradientsOptions {
  /// Initial gradients, one per y (invalid entries: ones, TF's `grad_ys_<i>` via Fill).
  std::vector<Output> grad_ys;
  std::string name = "gradients";
  bool colocate_gradients_with_ops = false;
  /// Group each op's input gradients with tuple() (what optimizers' GATE_OP does).
  bool gate_gradients = false;
  /// Tensors treated as constants (TF's stop_gradients).
  std::vector<Output> stop_gradients;
};

/// TF 1.15's tf.gradients(ys, xs, grad_ys): d(sum ys)/d xs, one Output per x (invalid when x
/// does not influence ys). A variable is passed as its reference output (`Variable::ref()`);
/// uses of a tensor by several ops are summed with AddN, as TF aggregates them.
std::vector<Output> gradients(const Scope& scope, std::span<const Output> ys,
                              std::span<const Output> xs, const GradientsOptions& options = {});

namespace internal {
// Each family registers its gradients once (find_gradient calls these on first use).
void register_math_gradients();
void register_array_gradients();
void register_nn_gradients();
void register_control_flow_gradients();
}  // namespace internal

}  // namespace scopeflow::train
