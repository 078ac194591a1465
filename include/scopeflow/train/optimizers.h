// Optimizers with TF 1.15's op types, names and slot variables (`w/Adam`, `w/Adam_1`,
// `beta1_power`, `GradientDescent/update_w/ApplyGradientDescent`), plus global_step and
// learning-rate decay.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scopeflow/graph/handles.h"
#include "scopeflow/graph/input.h"
#include "scopeflow/graph/variable.h"
#include "scopeflow/naming/scope.h"

namespace scopeflow::train {

using GradAndVar = std::pair<Output, Variable>;  ///< an invalid Output: no gradient

/// TF's Optimizer base (optimizer.py): compute_gradients → apply_gradients, with slots made
/// by slot_creator under the variable's name and the update ops in name_scope(name).
class Optimizer {
 public:
  enum class Gate { kNone = 0, kOp = 1, kGraph = 2 };
  virtual ~Optimizer();

  /// Gradients of `loss` for `var_list` (default: the graph's trainable variables and the
  /// TRAINABLE_RESOURCE_VARIABLES collection), in var_list order. TF's errors: "No variables
  /// to optimize." (kInvalidArgument).
  std::vector<GradAndVar> compute_gradients(const Scope& scope, const Output& loss,
                                            std::vector<Variable> var_list = {},
                                            Gate gate = Gate::kOp);
  /// The update op (`name`, default the optimizer's name); increments `global_step` after the
  /// updates when given (then the AssignAdd is the op returned). Adds it to TRAIN_OP. TF's
  /// errors (kInvalidArgument): "No variables provided.", "No gradients provided for any
  /// variable: [...]."
  Operation apply_gradients(const Scope& scope, const std::vector<GradAndVar>& grads_and_vars,
                            std::optional<Variable> global_step = std::nullopt,
                            std::string_view name = "");
  /// compute_gradients + apply_gradients; TF's "No gradients provided for any variable, check
  /// your graph for ops that do not support gradients, between variables [...] and loss ...".
  Operation minimize(const Scope& scope, const Output& loss,
                     std::optional<Variable> global_step = std::nullopt,
                     std::vector<Variable> var_list = {}, std::string_view name = "");

  /// The slot variable `slot_name` of `var` (TF's get_slot), if made.
  std::optional<Variable> get_slot(const Variable& var, std::string_view slot_name) const;
  std::vector<std::string> get_slot_names() const;
  const std::string& name() const { return name_; }

 protected:
  Optimizer(bool use_locking, std::string name);
  // TF's subclass hooks.
  virtual void create_slots(const Scope& scope, const std::vector<Variable>& vars) {}
  virtual void prepare(const Scope& scope) {}
  virtual Operation apply_dense(const Scope& scope, const Output& grad, const Variable& var) = 0;
  virtual Operation finish(const Scope& scope, const std::vector<Operation>& update_ops,
                           std::string_view name_scope);
  /// slot_creator.create_zeros_slot / create_slot_with_initializer under `var`'s name.
  Variable zeros_slot(const Scope& scope, const Variable& var, std::string_view slot_name,
                      std::string_view op_name);
  Variable get_or_make_slot_with_value(const Scope& scope, const Variable& var, double value,
                                       std::string_view slot_name, std::string_view op_name);
  /// slot_creator.create_slot_with_initializer with any initializer (RMSProp's ones).
  Variable get_or_make_slot_with_initializer(const Scope& scope, const Variable& var,
                                             const Initializer& initializer,
                                             std::string_view slot_name, std::string_view op_name);
  /// A non-slot variable (Adam's beta1_power) colocated with the first variable.
  Variable non_slot_variable(const Scope& scope, std::string_view name, double initial,
                             const Variable& colocate_with);

  bool use_locking_;
  std::string name_;
  struct SlotEntry;
  std::vector<std::unique_ptr<SlotEntry>> slots_;
};

/// Learning rates are constants or tensors (an exponential_decay result, a placeholder).
struct LearningRate {
  LearningRate(double v) : value(v) {}  // NOLINT
  LearningRate(Output t) : tensor(t) {}  // NOLINT
  double value = 0;
  Output tensor;
};

std::unique_ptr<Optimizer> gradient_descent(LearningRate learning_rate, bool use_locking = false,
                                            std::string name = "GradientDescent");
std::unique_ptr<Optimizer> momentum(LearningRate learning_rate, double momentum,
                                    bool use_locking = false, std::string name = "Momentum",
                                    bool use_nesterov = false);
std::unique_ptr<Optimizer> adam(LearningRate learning_rate = 0.001, double beta1 = 0.9,
                                double beta2 = 0.999, double epsilon = 1e-8,
                                bool use_locking = false, std::string name = "Adam");
std::unique_ptr<Optimizer> rmsprop(LearningRate learning_rate, double decay = 0.9,
                                   double momentum = 0.0, double epsilon = 1e-10,
                                   bool use_locking = false, bool centered = false,
                                   std::string name = "RMSProp");
std::unique_ptr<Optimizer> adagrad(LearningRate learning_rate,
                                   double initial_accumulator_value = 0.1,
                                   bool use_locking = false, std::string name = "Adagrad");

/// tf.train.get_or_create_global_step(graph): `global_step` (int64 scalar, zeros initializer,
/// not trainable, in GLOBAL_STEP and GLOBAL_VARIABLES).
Variable get_or_create_global_step(Graph& graph);
std::optional<Variable> get_global_step(Graph& graph);
/// tf.train.exponential_decay: lr * rate ^ (step / decay_steps), floored when staircase;
/// name scope "ExponentialDecay" as TF builds it.
Output exponential_decay(const Scope& scope, const Input& learning_rate, const Output& global_step,
                         const Input& decay_steps, const Input& decay_rate, bool staircase = false,
                         std::string_view name = "");

}  // namespace scopeflow::train
