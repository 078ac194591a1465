// tf.gradients as TF 1.15's gradients_util._GradientsHelper builds it (graph mode, no while
// loops): the gradient registry, _DefaultGradYs, _PendingCount, the FIFO ready queue,
// _AggregatedGrads (AddN), the per-op `<op>_grad` name scopes and gate_gradients' tuple().
//
// Errors: an op on the path without a registered gradient throws kNotFound (TF raises
// LookupError, which is a KeyError's base class) with TF's text "No gradient defined for
// operation '<name>' (op type: <Type>)". Other TF ValueErrors/TypeErrors map to
// kInvalidArgument / kTypeMismatch with TF's texts.
#include "scopeflow/train/gradients.h"

#include "scopeflow/ops/control_flow_ops.h"

#include <fmt/format.h>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "scopeflow/base/error.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/ops/array_ops.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/ops/op_registry.h"
#include "scopeflow/ops/ops.h"

namespace scopeflow::train {

namespace internal {
// Defined in control_flow_grad.cc: the (pred, branch) of a Switch made by a cond.
std::optional<std::pair<Output, int>> cond_switch_context(Operation op);
}  // namespace internal

namespace {
// control_flow_state.ZerosLikeOutsideLoop(op, i): zeros_like(val, optimize=False), except for
// a Switch inside a cond, whose zeros are made only on the branch that runs: Switch of its
// input on the cond's predicate, an Identity pivot, Shape, and zeros (Const + Fill) that
// depend on the pivot.
Output zeros_like_outside_loop(const Scope& s, Operation op, int i) {
  const Output val = op.output(i);
  auto context = internal::cond_switch_context(op);
  if (!context) return ops::zeros_like(s, val, std::nullopt, "", /*optimize=*/false);
  const auto [pred, branch] = *context;
  const auto sw = ops::switch_(s, op.input(0), pred);
  const Output switch_val = branch == 1 ? sw.first : sw.second;  // outputs[1 - branch]
  const Output pivot = ops::identity(s, switch_val);
  const Output shape = ops::shape(s, switch_val, DataType::kInt32, "", /*optimize=*/false);
  const Scope dependent = s.with_control_dependencies({pivot.op()});
  const Scope zeros = dependent.name_scope("zeros");
  const Output zero = ops::constant(zeros, Tensor(base_dtype(val.dtype()), {}), "Const");
  return ops::fill(dependent, shape, zero, zeros.name_scope_string());
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// Registry

namespace {

struct Registry {
  std::mutex mu;
  // nullptr value: registered as not differentiable.
  std::map<std::string, GradFn, std::less<>> fns;
};

Registry& registry() {
  static Registry* r = new Registry;
  return *r;
}

std::once_flag g_builtin_once;

void ensure_builtin() {
  std::call_once(g_builtin_once, [] {
    internal::register_math_gradients();
    internal::register_array_gradients();
    internal::register_nn_gradients();
    internal::register_control_flow_gradients();
  });
}

// Looks `op_type` up: {found, fn}.
std::pair<bool, GradFn> lookup(std::string_view op_type) {
  ensure_builtin();
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.fns.find(op_type);
  if (it == r.fns.end()) return {false, nullptr};
  return {true, it->second};
}

}  // namespace

void register_gradient(std::string_view op_type, GradFn fn) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.fns[std::string(op_type)] = fn;
}

void register_not_differentiable(std::string_view op_type) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.fns[std::string(op_type)] = nullptr;
}

GradFn find_gradient(std::string_view op_type) { return lookup(op_type).second; }

bool is_not_differentiable(std::string_view op_type) {
  auto [found, fn] = lookup(op_type);
  return found && fn == nullptr;
}

// ---------------------------------------------------------------------------------------------
// gradients()

namespace {

// backprop_util.IsTrainable: float and complex types (ref bit ignored).
bool is_trainable(DataType t) {
  const DataType b = base_dtype(t);
  return b == DataType::kHalf || b == DataType::kFloat || b == DataType::kDouble ||
         b == DataType::kComplex64 || b == DataType::kComplex128 || b == DataType::kResource ||
         b == DataType::kVariant;
}

// _IsBackpropagatable.
bool is_backpropagatable(const Output& t) {
  return is_trainable(t.dtype()) || base_dtype(t.dtype()) == DataType::kBFloat16;
}

// _maybe_colocate_with / _colocate_with_for_gradient(op, uid).
Scope maybe_colocate(const Scope& s, const Operation& op, bool colocate) {
  return colocate ? s.colocate_with(op) : s;
}

// Per-op gradient lists: grads[op][output] = the gradients set for that output (TF's _SetGrad).
struct GradTable {
  absl::flat_hash_map<uint32_t, std::vector<std::vector<Output>>> lists;
  // Filled by _AggregatedGrads: op -> one aggregated gradient per output.
  absl::flat_hash_map<uint32_t, std::vector<Output>> aggregated;

  void set(const Output& t, const Output& grad) {
    auto& v = lists[t.op().index()];
    if (v.empty()) v.resize(static_cast<size_t>(t.op().num_outputs()));
    v[static_cast<size_t>(t.index())].push_back(grad);
  }
};

// _MultiDeviceAddN (one device group per distinct device, sorted; each AddN colocated with
// its first summand's op, ignoring enclosing colocation).
Output multi_device_add_n(const Scope& scope, const std::vector<Output>& grads) {
  std::map<std::string, std::vector<Output>> by_device;
  for (const Output& g : grads) by_device[std::string(g.op().device())].push_back(g);
  std::vector<Input> summands;
  for (auto& [dev, ts] : by_device) {
    Scope cs = scope.colocate_with(ts.front().op(), /*ignore_existing=*/true);
    std::vector<Input> ins(ts.begin(), ts.end());
    summands.emplace_back(ops::add_n(cs, ins));
  }
  return ops::add_n(scope, summands);
}

// control_flow_ops.group(*ops) for ops on one device: NoOp "group_deps" with control inputs.
Operation group_deps(const Scope& scope, const std::vector<Operation>& deps) {
  Scope gs = scope.name_scope("group_deps");
  Scope cs = gs.with_control_dependencies(deps);
  return ops::create(cs, "NoOp", gs.name_scope_string(), {}, {});
}

// control_flow_ops.tuple(tensors): gate every tensor on a NoOp of all their ops.
std::vector<Output> tuple(const Scope& scope, const std::vector<Output>& tensors) {
  Scope ts = scope.name_scope("tuple");
  std::vector<Operation> gating;
  for (const Output& t : tensors)
    if (t.valid()) gating.push_back(t.op());
  std::sort(gating.begin(), gating.end(),
            [](const Operation& a, const Operation& b) { return a.index() < b.index(); });
  gating.erase(std::unique(gating.begin(), gating.end()), gating.end());
  // group() sorts its inputs by device: several devices build a 2-level tree, which we do
  // not reproduce (every gradient op of one call normally shares a device).
  Operation gate = group_deps(ts, gating);
  std::vector<Output> out;
  for (const Output& t : tensors) {
    if (!t.valid()) {
      out.emplace_back();
      continue;
    }
    // with_dependencies([gate], t): name_scope "control_dependency", colocate_with(t),
    // control_dependencies([gate]), Identity.
    Scope ds = ts.name_scope("control_dependency");
    Scope cs = ds.colocate_with(t.op()).with_control_dependencies({gate});
    const Output ins[] = {t};
    const Attr attrs[] = {{"T", base_dtype(t.dtype())}};
    out.push_back(ops::create(cs, "Identity", ds.name_scope_string(), ins, attrs).output(0));
  }
  return out;
}

std::string shape_str(const PartialShape& s) { return s.to_string(); }

}  // namespace

std::vector<Output> gradients(const Scope& scope, std::span<const Output> ys_in,
                              std::span<const Output> xs_in, const GradientsOptions& options) {
  const std::vector<Output> ys(ys_in.begin(), ys_in.end());
  const std::vector<Output> xs(xs_in.begin(), xs_in.end());
  std::vector<Output> grad_ys_in = options.grad_ys;
  if (grad_ys_in.empty()) grad_ys_in.resize(ys.size());
  if (grad_ys_in.size() != ys.size())
    throw Error(Code::kInvalidArgument,
                fmt::format("Passed {} grad_ys for {} ys", grad_ys_in.size(), ys.size()));
  for (const Output& y : ys)
    if (!y.valid()) throw Error(Code::kInvalidArgument, "gradients: invalid y");
  for (const Output& x : xs)
    if (!x.valid()) throw Error(Code::kInvalidArgument, "gradients: invalid x");

  Graph& g = scope.graph();
  const Scope grad_scope = scope.name_scope(options.name.empty() ? "gradients" : options.name);
  // gradient_uid = graph.unique_name("uid"): reserves "<grad scope>/uid".
  (void)grad_scope.unique_name("uid");
  const bool colocate = options.colocate_gradients_with_ops;

  // ---- _DefaultGradYs ----
  std::vector<Output> grad_ys;
  for (size_t i = 0; i < ys.size(); ++i) {
    const Output& y = ys[i];
    const Output& gy = grad_ys_in[i];
    Scope cs = maybe_colocate(grad_scope, y.op(), colocate);
    const std::string gname = fmt::format("grad_ys_{}", i);
    if (!gy.valid()) {
      if (is_complex(y.dtype()))
        throw Error(Code::kTypeMismatch,
                    fmt::format("Gradients of complex tensors must set grad_ys (y.dtype = {})",
                                dtype_name(base_dtype(y.dtype()))));
      Output sh = ops::shape(cs, y);
      Output one = ops::constant(cs, Tensor::scalar<double>(1).cast(base_dtype(y.dtype())), gname);
      grad_ys.push_back(ops::fill(cs, sh, one));
      continue;
    }
    const DataType yt = base_dtype(y.dtype()), gt = base_dtype(gy.dtype());
    if ((is_floating(yt) || is_integer(yt)) && !(is_floating(gt) || is_integer(gt)))
      throw Error(Code::kTypeMismatch,
                  fmt::format("Gradient type {} generated for real or integer tensor {} with "
                              "type {} must be real or integer",
                              dtype_name(gt), y.name(), dtype_name(yt)));
    if (is_complex(yt) && !is_complex(gt))
      throw Error(Code::kTypeMismatch,
                  fmt::format("Gradient type {} generated for complex tensor {} with type {} "
                              "must be real",
                              dtype_name(gt), y.name(), dtype_name(yt)));
    grad_ys.push_back(ops::identity(cs, gy, gname));
  }

  // Consumers of every tensor (the graph keeps no reverse edges).
  const size_t n_ops = g.num_operations();
  absl::flat_hash_map<Output, std::vector<Operation>> consumers;
  for (size_t i = 0; i < n_ops; ++i) {
    Operation op = g.operation(i);
    for (int k = 0; k < op.num_inputs(); ++k) consumers[op.input(k)].push_back(op);
  }

  // ---- _PendingCount ----
  absl::flat_hash_set<uint32_t> reached;
  {
    std::deque<Operation> q;
    for (const Output& x : xs) q.push_back(x.op());
    while (!q.empty()) {
      Operation op = q.front();
      q.pop_front();
      if (!reached.insert(op.index()).second) continue;
      for (int k = 0; k < op.num_outputs(); ++k) {
        Output out = op.output(k);
        if (!is_backpropagatable(out)) continue;
        auto it = consumers.find(out);
        if (it == consumers.end()) continue;
        for (const Operation& c : it->second) q.push_back(c);
      }
    }
  }
  absl::flat_hash_set<uint32_t> reachable_to;
  for (const Output& y : ys)
    if (reached.contains(y.op().index())) reachable_to.insert(y.op().index());
  absl::flat_hash_set<uint32_t> between;
  std::vector<Operation> between_list;
  {
    std::deque<Operation> q;
    for (const Output& y : ys) q.push_back(y.op());
    while (!q.empty()) {
      Operation op = q.front();
      q.pop_front();
      if (reached.erase(op.index()) == 0) continue;
      between.insert(op.index());
      between_list.push_back(op);
      for (int k = 0; k < op.num_inputs(); ++k) q.push_back(op.input(k).op());
    }
  }
  absl::flat_hash_map<uint32_t, int> pending;
  for (const Operation& op : between_list)
    for (int k = 0; k < op.num_inputs(); ++k) {
      Operation in = op.input(k).op();
      if (between.contains(in.index())) ++pending[in.index()];
    }

  GradTable grads;
  for (size_t i = 0; i < ys.size(); ++i) grads.set(ys[i], grad_ys[i]);

  std::deque<Operation> queue;
  {
    absl::flat_hash_set<uint32_t> to_ops_set;
    for (const Output& y : ys) {
      Operation op = y.op();
      const bool ready = pending[op.index()] == 0;
      if (ready && !to_ops_set.contains(op.index()) && reachable_to.contains(op.index())) {
        to_ops_set.insert(op.index());
        queue.push_back(op);
      }
    }
  }

  // ---- _StopOps ----
  absl::flat_hash_set<uint32_t> stop_ops;
  for (const Output& x : xs) {
    Operation op = x.op();
    bool is_stop = true;
    for (int k = 0; k < op.num_inputs(); ++k) {
      auto it = pending.find(op.input(k).op().index());
      if (it != pending.end() && it->second > 0) {
        is_stop = false;
        break;
      }
    }
    if (is_stop) stop_ops.insert(op.index());
  }
  for (const Output& s : options.stop_gradients) stop_ops.insert(s.op().index());

  while (!queue.empty()) {
    Operation op = queue.front();
    queue.pop_front();
    const Scope op_scope = maybe_colocate(grad_scope, op, colocate);

    // ---- _AggregatedGrads ----
    const int n_out = op.num_outputs();
    std::vector<Output> out_grads(static_cast<size_t>(n_out));
    {
      auto it = grads.lists.find(op.index());
      if (it != grads.lists.end()) {
        for (int i = 0; i < n_out; ++i) {
          const std::vector<Output>& gl = it->second[static_cast<size_t>(i)];
          if (gl.empty()) continue;
          if (gl.size() < 2) {
            out_grads[static_cast<size_t>(i)] = gl[0];
          } else {
            out_grads[static_cast<size_t>(i)] = multi_device_add_n(op_scope, gl);
          }
        }
      }
      grads.aggregated[op.index()] = out_grads;
    }

    bool has_out_grads = false;
    for (const Output& o : out_grads) has_out_grads = has_out_grads || o.valid();

    GradFn grad_fn = nullptr;
    if (has_out_grads && !stop_ops.contains(op.index()) && op.num_inputs() > 0) {
      // ops.get_gradient_function: ops without inputs have none (and need none).
      auto [found, fn] = lookup(op.type());
      if (!found)
        throw Error(Code::kNotFound, fmt::format("No gradient defined for operation '{}' (op "
                                                 "type: {})",
                                                 op.name(), op.type()));
      grad_fn = fn;
    }

    std::vector<Output> in_grads(static_cast<size_t>(op.num_inputs()));
    if (grad_fn && has_out_grads) {
      for (int i = 0; i < n_out; ++i) {
        Output& og = out_grads[static_cast<size_t>(i)];
        if (!og.valid() && is_trainable(op.output(i).dtype())) {
          og = zeros_like_outside_loop(op_scope, op, i);
        }
      }
      const Scope fn_scope = op_scope.name_scope(std::string(op.name()) + "_grad");
      in_grads = grad_fn(fn_scope, op, out_grads);
      // _VerifyGeneratedGradients.
      if (static_cast<int>(in_grads.size()) != op.num_inputs())
        throw Error(Code::kInvalidArgument,
                    fmt::format("Num gradients {} generated for op {} do not match num inputs {}",
                                in_grads.size(), op.repr(), op.num_inputs()));
      int n_valid = 0;
      for (const Output& o : in_grads) n_valid += o.valid() ? 1 : 0;
      if (options.gate_gradients && n_valid > 1) {
        // ops.device(None) + _colocate_with_for_gradient(None, uid, ignore_existing=True).
        Scope ts = scopeflow::internal::with_colocation_groups(fn_scope.with_device(std::nullopt), {});
        in_grads = tuple(ts, in_grads);
      }
    }

    for (int i = 0; i < op.num_inputs(); ++i) {
      const Output& in_grad = in_grads[static_cast<size_t>(i)];
      if (!in_grad.valid()) continue;
      const Output t_in = op.input(i);
      if (base_dtype(t_in.dtype()) != DataType::kResource) {
        try {
          in_grad.set_shape(t_in.shape());
        } catch (const Error&) {
          throw Error(Code::kInvalidArgument,
                      fmt::format("Incompatible shapes between op input and calculated input "
                                  "gradient.  Forward operation: {}.  Input index: {}. Original "
                                  "input shape: {}.  Calculated input gradient shape: {}",
                                  op.name(), i, shape_str(t_in.shape()),
                                  shape_str(in_grad.shape())));
        }
      }
      grads.set(t_in, in_grad);
    }

    // ---- _UpdatePendingAndEnqueueReady ----
    for (int k = 0; k < op.num_inputs(); ++k) {
      Operation in = op.input(k).op();
      if (--pending[in.index()] == 0) queue.push_back(in);
    }
  }

  // ---- _GetGrad ----
  std::vector<Output> result;
  for (const Output& x : xs) {
    auto it = grads.aggregated.find(x.op().index());
    if (it == grads.aggregated.end()) {
      result.emplace_back();
      continue;
    }
    result.push_back(it->second[static_cast<size_t>(x.index())]);
  }
  return result;
}

}  // namespace scopeflow::train
