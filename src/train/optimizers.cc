// TF 1.15's optimizers (optimizer.py and its subclasses), global_step (training_util.py)
// and exponential_decay (learning_rate_decay.py over learning_rate_schedule.ExponentialDecay),
// building the graph TF builds, with its names:
//
//   slots        <var>/<Name>[_k] via variable_scope(None, "<var>/<Name>") + get_variable(""),
//                colocated with the variable, under init_scope (no control dependencies)
//   non-slots    Adam's beta1_power/beta2_power: tf.Variable colocated with min(var names)
//   hyper-params <Name>/learning_rate, <Name>/beta1, ... (converted in _prepare)
//   updates      <Name>/update_<var op>/Apply<Kind>, colocated with the variable
//   finish       group(update_ops, name=<Name>/) → NoOp <Name> (Adam first builds
//                <Name>/mul, <Name>/Assign, <Name>/mul_1, <Name>/Assign_1)
//   global_step  finish as <Name>/update, then AssignAdd <Name> (value <Name>/value)
#include "scopeflow/train/optimizers.h"

#include <fmt/format.h>

#include <algorithm>

#include "scopeflow/base/error.h"
#include "scopeflow/graph/collections.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/ops/init_ops.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/ops/op_registry.h"
#include "scopeflow/ops/ops.h"
#include "scopeflow/train/gradients.h"

namespace scopeflow::train {

struct Optimizer::SlotEntry {
  std::string slot_name;  ///< "m", "v", "momentum"...; empty for a non-slot variable
  std::string non_slot;   ///< "beta1_power"... for non-slot variables
  Variable primary;       ///< the slot's variable (invalid for non-slot variables)
  const Graph* graph = nullptr;
  Variable slot;
};

namespace {

// TF's group(*deps, name=name): name_scope(name, "group_deps") and a NoOp named after it
// with the deps as control inputs.
Operation group(const Scope& scope, const std::vector<Operation>& deps,
                std::optional<std::string_view> name = std::nullopt) {
  Scope s = scope.name_scope(name, "group_deps");
  return ops::create(s.with_control_dependencies(deps), "NoOp", s.name_scope_string(), {}, {});
}

// TF's control_flow_ops.tuple(tensors): tuple/group_deps and tuple/control_dependency[_k].
std::vector<Output> tuple(const Scope& scope, const std::vector<Output>& tensors) {
  Scope s = scope.name_scope(std::nullopt, "tuple");
  std::vector<Operation> gating;
  for (const Output& t : tensors)
    if (t.valid() && std::find(gating.begin(), gating.end(), t.op()) == gating.end())
      gating.push_back(t.op());
  if (gating.empty()) return tensors;
  std::sort(gating.begin(), gating.end(),
            [](const Operation& a, const Operation& b) { return a.index() < b.index(); });
  const Operation gate = group(s, gating);
  std::vector<Output> out;
  out.reserve(tensors.size());
  for (const Output& t : tensors) {
    if (!t.valid()) {
      out.push_back(t);
      continue;
    }
    Scope cs = s.name_scope(std::nullopt, "control_dependency");
    Scope inner = cs.colocate_with(t.op()).with_control_dependencies({gate});
    out.push_back(ops::identity(inner, t, cs.name_scope_string()));
  }
  return out;
}

// math_ops.cast of a tensor: the tensor itself when it has the type (no name scope).
Output cast_tensor(const Scope& scope, const Output& t, DataType dtype) {
  if (base_dtype(t.dtype()) == base_dtype(dtype)) return t;
  return ops::cast(scope, t, dtype);
}

// math_ops.cast of a variable: TF opens name_scope("Cast") even when no Cast is needed (a
// RefVariable is not a Tensor, so cast's early return does not apply).
Output cast_variable(const Scope& scope, const Variable& v, DataType dtype) {
  if (base_dtype(v.dtype()) != base_dtype(dtype)) return ops::cast(scope, v, dtype);
  (void)scope.name_scope("Cast");
  return v.value();
}

// RefVariable.assign(value, use_locking): state_ops.assign with use_locking passed through
// (Variable.assign defaults it to False, where the Assign op's own default is True).
// op_def_library colocates the op with its ref input.
Output variable_assign(const Scope& scope, const Variable& var, const Output& value,
                       bool use_locking) {
  Scope os = scope.colocate_with(var.op()).name_scope("Assign");
  const DataType t = base_dtype(var.dtype());
  const Output ins[] = {var.ref(), value};
  const Attr attrs[] = {{"T", t}, {"validate_shape", true}, {"use_locking", use_locking}};
  return ops::create(os, "Assign", os.name_scope_string(), ins, attrs).output(0);
}

// A training op as gen_training_ops builds it: name_scope(type), colocated with every ref
// input, attrs T and use_locking.
Operation apply_op(const Scope& scope, std::string_view type, const std::vector<Output>& inputs,
                   int num_refs, bool use_locking, std::vector<Attr> extra = {}) {
  Scope os = scope.name_scope(type);
  Scope cs = os;
  for (int i = 0; i < num_refs; ++i) cs = cs.colocate_with(inputs[i].op());
  std::vector<Attr> attrs = {{"T", base_dtype(inputs[0].dtype())}, {"use_locking", use_locking}};
  for (Attr& a : extra) attrs.push_back(std::move(a));
  return ops::create(cs, type, os.name_scope_string(), inputs, attrs);
}

// state_ops.assign_add(ref, value, name): AssignAdd colocated with ref, value `<name>/value`.
Operation assign_add(const Scope& scope, const Variable& ref, const Input& value,
                     std::string_view name) {
  Scope os = scope.name_scope(name.empty() ? std::optional<std::string_view>() : name, "AssignAdd");
  const DataType t = base_dtype(ref.dtype());
  Output v = ops::convert_to_tensor(os, value, "value", t);
  Scope cs = os.colocate_with(ref.op());
  const Output ins[] = {ref.ref(), v};
  const Attr attrs[] = {{"T", t}, {"use_locking", false}};
  return ops::create(cs, "AssignAdd", os.name_scope_string(), ins, attrs);
}

// A hyper-parameter converted in _prepare: the given tensor, or a float32 Const `name`.
Output hyper(const Scope& scope, const LearningRate& lr, std::string_view name) {
  if (lr.tensor.valid()) return lr.tensor;
  return ops::convert_to_tensor(scope, Input(lr.value), name);
}
Output hyper(const Scope& scope, double v, std::string_view name) {
  return ops::convert_to_tensor(scope, Input(v), name);
}

// TF's repr of a DType: "tf.float32".
std::string tf_dtype(DataType t) { return "tf." + dtype_name(base_dtype(t)); }

// Optimizer._assert_valid_dtypes (float16, bfloat16, float32, float64; TF prints its set).
void assert_valid_dtype(DataType dtype, const std::string& name) {
  const DataType t = base_dtype(dtype);
  if (t == DataType::kFloat || t == DataType::kDouble || t == DataType::kHalf ||
      t == DataType::kBFloat16)
    return;
  throw Error(Code::kInvalidArgument,
              fmt::format("Invalid type {} for {}, expected: [tf.float32, tf.float64, "
                          "tf.float16, tf.bfloat16].",
                          tf_dtype(t), name));
}

// Python's repr of ["<tf.Variable ...>", ...] (the strings hold single quotes: repr uses
// double quotes).
std::string variable_list(const std::vector<Variable>& vars) {
  std::string out = "[";
  for (size_t i = 0; i < vars.size(); ++i) {
    if (i) out += ", ";
    out += "\"" + vars[i].repr() + "\"";
  }
  return out + "]";
}

Tensor scalar_of(DataType t, double v) {
  if (base_dtype(t) == DataType::kDouble) return Tensor::scalar(v);
  return Tensor::scalar(static_cast<float>(v));
}

}  // namespace

// ---- Optimizer ----

Optimizer::Optimizer(bool use_locking, std::string name)
    : use_locking_(use_locking), name_(std::move(name)) {
  if (name_.empty()) throw Error(Code::kInvalidArgument, "Must specify the optimizer name");
}

Optimizer::~Optimizer() = default;

std::vector<GradAndVar> Optimizer::compute_gradients(const Scope& scope, const Output& loss,
                                                     std::vector<Variable> var_list, Gate gate) {
  assert_valid_dtype(loss.dtype(), loss.name());
  Graph& g = scope.graph();
  if (var_list.empty()) {
    var_list = g.variables(graph_keys::kTrainableVariables);
    for (const Variable& v : g.variables(graph_keys::kTrainableResourceVariables))
      var_list.push_back(v);
  }
  if (var_list.empty()) throw Error(Code::kInvalidArgument, "No variables to optimize.");
  std::vector<Output> refs;
  refs.reserve(var_list.size());
  for (const Variable& v : var_list) refs.push_back(v.ref());
  GradientsOptions options;
  options.gate_gradients = gate == Gate::kOp;
  const Output ys[] = {loss};
  std::vector<Output> grads = gradients(scope, ys, refs, options);
  if (gate == Gate::kGraph) grads = tuple(scope, grads);
  std::vector<GradAndVar> out;
  out.reserve(var_list.size());
  for (size_t i = 0; i < var_list.size(); ++i) {
    const Output g_i = i < grads.size() ? grads[i] : Output();
    if (g_i.valid()) assert_valid_dtype(var_list[i].dtype(), var_list[i].name());
    out.emplace_back(g_i, var_list[i]);
  }
  return out;
}

Operation Optimizer::apply_gradients(const Scope& scope,
                                     const std::vector<GradAndVar>& grads_and_vars,
                                     std::optional<Variable> global_step, std::string_view name) {
  if (grads_and_vars.empty()) throw Error(Code::kInvalidArgument, "No variables provided.");
  std::vector<Variable> var_list, all;
  for (const auto& [g, v] : grads_and_vars) {
    all.push_back(v);
    if (g.valid()) var_list.push_back(v);
  }
  if (var_list.empty())
    throw Error(Code::kInvalidArgument,
                fmt::format("No gradients provided for any variable: {}.", variable_list(all)));
  // init_scope: the enclosing name scope stays, control dependencies go.
  create_slots(scope.without_control_dependencies(), var_list);

  Scope ns = scope.name_scope(name.empty() ? std::optional<std::string_view>() : name, name_);
  const std::string ns_name(ns.name_scope_string());
  prepare(ns);
  std::vector<Operation> update_ops;
  for (const auto& [g, v] : grads_and_vars) {
    if (!g.valid()) continue;
    Scope us = ns.name_scope("update_" + std::string(v.op().name())).colocate_with(v.op());
    update_ops.push_back(apply_dense(us, g, v));
  }
  Operation apply_updates;
  if (!global_step) {
    apply_updates = finish(ns, update_ops, ns_name);
  } else {
    const Operation f = finish(ns, update_ops, "update");
    Scope gs = ns.with_control_dependencies({f}).colocate_with(global_step->op());
    apply_updates = assign_add(gs, *global_step, Input(1), ns_name);
  }
  Graph& g = scope.graph();
  const CollectionItem item = CollectionItem::of(apply_updates);
  bool present = false;
  for (const CollectionItem& i : g.get_collection(graph_keys::kTrainOp)) present |= i == item;
  if (!present) g.add_to_collection(graph_keys::kTrainOp, item);
  return apply_updates;
}

Operation Optimizer::minimize(const Scope& scope, const Output& loss,
                              std::optional<Variable> global_step, std::vector<Variable> var_list,
                              std::string_view name) {
  std::vector<GradAndVar> gv = compute_gradients(scope, loss, std::move(var_list));
  bool any = false;
  std::vector<Variable> all;
  for (const auto& [g, v] : gv) {
    any |= g.valid();
    all.push_back(v);
  }
  if (!any)
    throw Error(Code::kInvalidArgument,
                fmt::format("No gradients provided for any variable, check your graph for ops "
                            "that do not support gradients, between variables {} and loss {}.",
                            variable_list(all), loss.str()));
  return apply_gradients(scope, gv, global_step, name);
}

Operation Optimizer::finish(const Scope& scope, const std::vector<Operation>& update_ops,
                            std::string_view name_scope) {
  return group(scope, update_ops, name_scope);
}

std::optional<Variable> Optimizer::get_slot(const Variable& var, std::string_view slot_name) const {
  for (const auto& e : slots_)
    if (e->non_slot.empty() && e->primary == var && e->slot_name == slot_name) return e->slot;
  return std::nullopt;
}

std::vector<std::string> Optimizer::get_slot_names() const {
  std::vector<std::string> names;
  for (const auto& e : slots_)
    if (e->non_slot.empty() &&
        std::find(names.begin(), names.end(), e->slot_name) == names.end())
      names.push_back(e->slot_name);
  std::sort(names.begin(), names.end());
  return names;
}

Variable Optimizer::get_or_make_slot_with_initializer(const Scope& scope, const Variable& var,
                                                      const Initializer& initializer,
                                                      std::string_view slot_name,
                                                      std::string_view op_name) {
  if (auto s = get_slot(var, slot_name)) return *s;
  if (!var.shape().fully_defined())
    throw Error(Code::kUnimplemented,
                fmt::format("slots of variables of partially known shape ({}) are not supported",
                            var.name()));
  // slot_creator.create_slot_with_initializer: variable_scope(None, "<var>/<op_name>"), then
  // get_variable("") (full name "<scope>/", taken as is) colocated with the variable.
  Scope vs = scope.default_variable_scope(std::string(var.op().name()) + "/" +
                                          std::string(op_name));
  GetVariableOptions o;
  o.shape = var.shape();
  o.dtype = base_dtype(var.dtype());
  o.initializer = initializer;
  o.trainable = false;
  o.use_resource = false;
  o.partitioner = Partitioner{};  // _create_slot_var clears the scope's partitioner
  Variable slot = get_variable(vs.colocate_with(var.op()), "", std::move(o));
  auto e = std::make_unique<SlotEntry>();
  e->slot_name = std::string(slot_name);
  e->primary = var;
  e->graph = var.graph();
  e->slot = slot;
  slots_.push_back(std::move(e));
  return slot;
}

Variable Optimizer::zeros_slot(const Scope& scope, const Variable& var, std::string_view slot_name,
                               std::string_view op_name) {
  return get_or_make_slot_with_initializer(scope, var, init::zeros(), slot_name, op_name);
}

Variable Optimizer::get_or_make_slot_with_value(const Scope& scope, const Variable& var,
                                                double value, std::string_view slot_name,
                                                std::string_view op_name) {
  return get_or_make_slot_with_initializer(scope, var, init::constant(scalar_of(var.dtype(), value)),
                                           slot_name, op_name);
}

Variable Optimizer::non_slot_variable(const Scope& scope, std::string_view name, double initial,
                                      const Variable& colocate_with) {
  for (const auto& e : slots_)
    if (e->non_slot == name && e->graph == colocate_with.graph()) return e->slot;
  VariableOptions o;
  o.name = std::string(name);
  o.trainable = false;
  Variable v = make_variable(scope.colocate_with(colocate_with.op()), Input(initial), o);
  auto e = std::make_unique<SlotEntry>();
  e->non_slot = std::string(name);
  e->graph = colocate_with.graph();
  e->slot = v;
  slots_.push_back(std::move(e));
  return v;
}

// ---- The optimizers ----

namespace {

class GradientDescentOptimizer : public Optimizer {
 public:
  GradientDescentOptimizer(LearningRate lr, bool use_locking, std::string name)
      : Optimizer(use_locking, std::move(name)), lr_(lr) {}

 protected:
  void prepare(const Scope& scope) override { lr_t_ = hyper(scope, lr_, "learning_rate"); }
  Operation apply_dense(const Scope& scope, const Output& grad, const Variable& var) override {
    const DataType t = base_dtype(var.dtype());
    return apply_op(scope, "ApplyGradientDescent",
                    {var.ref(), cast_tensor(scope, lr_t_, t), grad}, 1, use_locking_);
  }

 private:
  LearningRate lr_;
  Output lr_t_;
};

class MomentumOptimizer : public Optimizer {
 public:
  MomentumOptimizer(LearningRate lr, double momentum, bool use_locking, std::string name,
                    bool use_nesterov)
      : Optimizer(use_locking, std::move(name)),
        lr_(lr),
        momentum_(momentum),
        nesterov_(use_nesterov) {}

 protected:
  void create_slots(const Scope& scope, const std::vector<Variable>& vars) override {
    for (const Variable& v : vars) zeros_slot(scope, v, "momentum", name_);
  }
  void prepare(const Scope& scope) override {
    lr_t_ = hyper(scope, lr_, "learning_rate");
    momentum_t_ = hyper(scope, momentum_, "momentum");
  }
  Operation apply_dense(const Scope& scope, const Output& grad, const Variable& var) override {
    const DataType t = base_dtype(var.dtype());
    const Variable mom = *get_slot(var, "momentum");
    const Output lr = cast_tensor(scope, lr_t_, t);
    const Output m = cast_tensor(scope, momentum_t_, t);
    return apply_op(scope, "ApplyMomentum", {var.ref(), mom.ref(), lr, grad, m}, 2, use_locking_,
                    {{"use_nesterov", nesterov_}});
  }

 private:
  LearningRate lr_;
  double momentum_;
  bool nesterov_;
  Output lr_t_, momentum_t_;
};

class AdamOptimizer : public Optimizer {
 public:
  AdamOptimizer(LearningRate lr, double beta1, double beta2, double epsilon, bool use_locking,
                std::string name)
      : Optimizer(use_locking, std::move(name)),
        lr_(lr),
        beta1_(beta1),
        beta2_(beta2),
        epsilon_(epsilon) {}

 protected:
  void create_slots(const Scope& scope, const std::vector<Variable>& vars) override {
    const Variable first = *std::min_element(
        vars.begin(), vars.end(),
        [](const Variable& a, const Variable& b) { return a.name() < b.name(); });
    non_slot_variable(scope, "beta1_power", beta1_, first);
    non_slot_variable(scope, "beta2_power", beta2_, first);
    for (const Variable& v : vars) {
      zeros_slot(scope, v, "m", name_);
      zeros_slot(scope, v, "v", name_);
    }
  }
  void prepare(const Scope& scope) override {
    lr_t_ = hyper(scope, lr_, "learning_rate");
    beta1_t_ = hyper(scope, beta1_, "beta1");
    beta2_t_ = hyper(scope, beta2_, "beta2");
    epsilon_t_ = hyper(scope, epsilon_, "epsilon");
  }
  Operation apply_dense(const Scope& scope, const Output& grad, const Variable& var) override {
    const DataType t = base_dtype(var.dtype());
    const Variable m = *get_slot(var, "m"), v = *get_slot(var, "v");
    const auto [b1p, b2p] = beta_accumulators(var.graph());
    const Output b1p_t = cast_variable(scope, b1p, t);
    const Output b2p_t = cast_variable(scope, b2p, t);
    const Output lr = cast_tensor(scope, lr_t_, t);
    const Output b1 = cast_tensor(scope, beta1_t_, t);
    const Output b2 = cast_tensor(scope, beta2_t_, t);
    const Output eps = cast_tensor(scope, epsilon_t_, t);
    return apply_op(scope, "ApplyAdam",
                    {var.ref(), m.ref(), v.ref(), b1p_t, b2p_t, lr, b1, b2, eps, grad}, 3,
                    use_locking_, {{"use_nesterov", false}});
  }
  Operation finish(const Scope& scope, const std::vector<Operation>& update_ops,
                   std::string_view name_scope) override {
    const auto [b1p, b2p] = beta_accumulators(&scope.graph());
    Scope cs = scope.with_control_dependencies(update_ops).colocate_with(b1p.op());
    // beta1_power.assign(beta1_power * beta1_t, use_locking=self._use_locking).
    const Output m1 = ops::operator_mul(cs, b1p.value(), beta1_t_);
    const Output u1 = variable_assign(cs, b1p, m1, use_locking_);
    const Output m2 = ops::operator_mul(cs, b2p.value(), beta2_t_);
    const Output u2 = variable_assign(cs, b2p, m2, use_locking_);
    std::vector<Operation> all = update_ops;
    all.push_back(u1.op());
    all.push_back(u2.op());
    return group(scope, all, name_scope);
  }

 private:
  std::pair<Variable, Variable> beta_accumulators(const Graph* g) const {
    Variable b1, b2;
    for (const auto& e : slots_) {
      if (e->graph != g) continue;
      if (e->non_slot == "beta1_power") b1 = e->slot;
      if (e->non_slot == "beta2_power") b2 = e->slot;
    }
    return {b1, b2};
  }

  LearningRate lr_;
  double beta1_, beta2_, epsilon_;
  Output lr_t_, beta1_t_, beta2_t_, epsilon_t_;
};

class RMSPropOptimizer : public Optimizer {
 public:
  RMSPropOptimizer(LearningRate lr, double decay, double momentum, double epsilon,
                   bool use_locking, bool centered, std::string name)
      : Optimizer(use_locking, std::move(name)),
        lr_(lr),
        decay_(decay),
        momentum_(momentum),
        epsilon_(epsilon),
        centered_(centered) {}

 protected:
  void create_slots(const Scope& scope, const std::vector<Variable>& vars) override {
    for (const Variable& v : vars) {
      get_or_make_slot_with_initializer(scope, v, init::ones(), "rms", name_);
      if (centered_) zeros_slot(scope, v, "mg", name_);
      zeros_slot(scope, v, "momentum", name_);
    }
  }
  void prepare(const Scope& scope) override {
    lr_t_ = hyper(scope, lr_, "learning_rate");
    decay_t_ = hyper(scope, decay_, "decay");
    momentum_t_ = hyper(scope, momentum_, "momentum");
    epsilon_t_ = hyper(scope, epsilon_, "epsilon");
  }
  Operation apply_dense(const Scope& scope, const Output& grad, const Variable& var) override {
    const DataType t = base_dtype(var.dtype());
    const Variable rms = *get_slot(var, "rms"), mom = *get_slot(var, "momentum");
    const Output lr = cast_tensor(scope, lr_t_, t);
    const Output decay = cast_tensor(scope, decay_t_, t);
    const Output momentum = cast_tensor(scope, momentum_t_, t);
    const Output eps = cast_tensor(scope, epsilon_t_, t);
    if (centered_) {
      const Variable mg = *get_slot(var, "mg");
      return apply_op(scope, "ApplyCenteredRMSProp",
                      {var.ref(), mg.ref(), rms.ref(), mom.ref(), lr, decay, momentum, eps, grad},
                      4, use_locking_);
    }
    return apply_op(scope, "ApplyRMSProp",
                    {var.ref(), rms.ref(), mom.ref(), lr, decay, momentum, eps, grad}, 3,
                    use_locking_);
  }

 private:
  LearningRate lr_;
  double decay_, momentum_, epsilon_;
  bool centered_;
  Output lr_t_, decay_t_, momentum_t_, epsilon_t_;
};

class AdagradOptimizer : public Optimizer {
 public:
  AdagradOptimizer(LearningRate lr, double initial, bool use_locking, std::string name)
      : Optimizer(use_locking, std::move(name)), lr_(lr), initial_(initial) {
    if (!(initial > 0))
      throw Error(Code::kInvalidArgument,
                  fmt::format("initial_accumulator_value must be positive: {}", initial));
  }

 protected:
  void create_slots(const Scope& scope, const std::vector<Variable>& vars) override {
    for (const Variable& v : vars)
      get_or_make_slot_with_value(scope, v, initial_, "accumulator", name_);
  }
  void prepare(const Scope& scope) override { lr_t_ = hyper(scope, lr_, "learning_rate"); }
  Operation apply_dense(const Scope& scope, const Output& grad, const Variable& var) override {
    const DataType t = base_dtype(var.dtype());
    const Variable acc = *get_slot(var, "accumulator");
    return apply_op(scope, "ApplyAdagrad", {var.ref(), acc.ref(), cast_tensor(scope, lr_t_, t), grad},
                    2, use_locking_, {{"update_slots", true}});
  }

 private:
  LearningRate lr_;
  double initial_;
  Output lr_t_;
};

}  // namespace

std::unique_ptr<Optimizer> gradient_descent(LearningRate learning_rate, bool use_locking,
                                            std::string name) {
  return std::make_unique<GradientDescentOptimizer>(learning_rate, use_locking, std::move(name));
}

std::unique_ptr<Optimizer> momentum(LearningRate learning_rate, double momentum, bool use_locking,
                                    std::string name, bool use_nesterov) {
  return std::make_unique<MomentumOptimizer>(learning_rate, momentum, use_locking, std::move(name),
                                             use_nesterov);
}

std::unique_ptr<Optimizer> adam(LearningRate learning_rate, double beta1, double beta2,
                                double epsilon, bool use_locking, std::string name) {
  return std::make_unique<AdamOptimizer>(learning_rate, beta1, beta2, epsilon, use_locking,
                                         std::move(name));
}

std::unique_ptr<Optimizer> rmsprop(LearningRate learning_rate, double decay, double momentum,
                                   double epsilon, bool use_locking, bool centered,
                                   std::string name) {
  return std::make_unique<RMSPropOptimizer>(learning_rate, decay, momentum, epsilon, use_locking,
                                            centered, std::move(name));
}

std::unique_ptr<Optimizer> adagrad(LearningRate learning_rate, double initial_accumulator_value,
                                   bool use_locking, std::string name) {
  return std::make_unique<AdagradOptimizer>(learning_rate, initial_accumulator_value, use_locking,
                                            std::move(name));
}

// ---- global_step ----

std::optional<Variable> get_global_step(Graph& graph) {
  const std::vector<CollectionItem> items = graph.get_collection(graph_keys::kGlobalStep);
  if (items.size() > 1) return std::nullopt;  // TF logs "Multiple tensors in global_step collection."
  if (items.size() == 1) {
    if (items[0].kind == CollectionItem::Kind::kVariable) return items[0].variable;
    return std::nullopt;
  }
  for (const Variable& v : graph.variables(graph_keys::kGlobalVariables))
    if (v.name() == "global_step:0") return v;
  return std::nullopt;
}

Variable get_or_create_global_step(Graph& graph) {
  if (auto v = get_global_step(graph)) return *v;
  // training_util.create_global_step: get_variable in the graph's top name scope.
  Scope top = Scope::root(graph).name_scope("");
  GetVariableOptions o;
  o.shape = PartialShape(std::vector<int64_t>{});
  o.dtype = DataType::kInt64;
  o.initializer = init::zeros();
  o.trainable = false;
  o.aggregation = 3;  // VariableAggregation.ONLY_FIRST_REPLICA
  o.collections = std::vector<std::string>{graph_keys::kGlobalVariables, graph_keys::kGlobalStep};
  return get_variable(top, graph_keys::kGlobalStep, std::move(o));
}

// ---- exponential_decay ----

namespace {
// math_ops.cast of an argument: a tensor of the type passes through; anything else opens
// name_scope("Cast") (a literal becomes `Cast/x`, cast only when its type differs).
Output cast_input(const Scope& scope, const Input& in, DataType dtype) {
  if (in.is_tensor()) return cast_tensor(scope, in.tensor(), dtype);
  return ops::cast(scope, in, dtype);
}
}  // namespace

Output exponential_decay(const Scope& scope, const Input& learning_rate, const Output& global_step,
                         const Input& decay_steps, const Input& decay_rate, bool staircase,
                         std::string_view name) {
  Scope s = scope.name_scope(name.empty() ? std::optional<std::string_view>() : name,
                             "ExponentialDecay");
  const Output lr = ops::convert_to_tensor(s, learning_rate, "initial_learning_rate");
  const DataType t = base_dtype(lr.dtype());
  const Output steps = cast_input(s, decay_steps, t);
  const Output rate = cast_input(s, decay_rate, t);
  const Output step = cast_input(s, global_step, t);
  Output p = ops::operator_truediv(s, step, steps);
  if (staircase) {
    Scope fs = s.name_scope("Floor");
    const Output ins[] = {p};
    const Attr attrs[] = {{"T", t}};
    p = ops::create(fs, "Floor", fs.name_scope_string(), ins, attrs).output(0);
  }
  return ops::mul(s, lr, ops::pow(s, rate, p), s.name_scope_string());
}

}  // namespace scopeflow::train
