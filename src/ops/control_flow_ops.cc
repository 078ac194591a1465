// Registration (shape functions) of the control flow ops, their builders and TF 1.x's
// graph-mode cond: a CondContext per branch, installed as the graph's control-flow context
// so that every op a branch creates has its external inputs switched and, when it has no
// inputs, a control edge from the branch's pivot (TF's CondContext.AddValue/_AddOpInternal).
#include "scopeflow/ops/control_flow_ops.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <fmt/format.h>

#include "scopeflow/base/error.h"
#include "scopeflow/graph/graph.h"

namespace scopeflow {

namespace {

void switch_shape(ShapeContext& c) {
  c.with_rank(c.input_shape(1), 0);
  const DataType t = c.input_dtype(0);
  const DataType out = c.type() == "RefSwitch" ? ref_dtype(t) : t;
  c.set_output(0, out, c.input_shape(0));
  c.set_output(1, out, c.input_shape(0));
}

// TF's MergeShape: the first input's shape, dimensions that differ made unknown, unknown
// when ranks differ; value_index is an int32 scalar.
void merge_shape(ShapeContext& c) {
  PartialShape out = c.input_shape(0);
  if (out.known_rank()) {
    for (int i = 1; i < c.num_inputs(); ++i) {
      const PartialShape in = c.input_shape(i);
      if (!in.known_rank() || in.rank() != out.rank()) {
        out = PartialShape::unknown();
        break;
      }
      PartialShape::Dims d(out.dims().begin(), out.dims().end());
      for (int k = 0; k < out.rank(); ++k)
        if (in.dim(k) != d[k]) d[k] = -1;
      out = PartialShape(std::move(d));
    }
  }
  const DataType t = c.input_dtype(0);
  c.set_output(0, c.type() == "RefMerge" ? ref_dtype(t) : t, out);
  c.set_output(1, DataType::kInt32, PartialShape({}));
}

}  // namespace

namespace internal {

void register_control_flow_ops() {
  register_op({"Switch", &switch_shape});
  register_op({"RefSwitch", &switch_shape, /*ref_inputs=*/1u});
  register_op({"Merge", &merge_shape});
}

}  // namespace internal

namespace ops {

namespace {

std::pair<Output, Output> make_switch(const Scope& scope, std::string_view type,
                                      const Output& data, const Output& pred,
                                      std::string_view name) {
  Scope os = scope.name_scope(name.empty() ? std::string_view("Switch") : name);
  const Output ins[] = {data, pred};
  const Attr attrs[] = {{"T", base_dtype(data.dtype())}};
  Operation op = create(os, type, os.name_scope_string(), ins, attrs);
  return {op.output(0), op.output(1)};
}

uint64_t key_of(const Output& o) {
  return (uint64_t{o.op().index()} << 16) | static_cast<uint64_t>(o.index());
}

// Sets the calling thread's control-flow context of a graph for a block (TF's
// ControlFlowContext.Enter/Exit, and the clearing done by control_dependencies(None)).
class ContextGuard {
 public:
  ContextGuard(Graph& g, scopeflow::internal::ControlFlowContext* ctx)
      : g_(g), prev_(g.set_control_flow_context(ctx)) {}
  ~ContextGuard() { g_.set_control_flow_context(prev_); }
  ContextGuard(const ContextGuard&) = delete;
  ContextGuard& operator=(const ContextGuard&) = delete;

 private:
  Graph& g_;
  scopeflow::internal::ControlFlowContext* prev_;
};

// TF's _SwitchRefOrTensor: a Switch (RefSwitch for a reference) colocated with `data`.
std::pair<Output, Output> switch_ref_or_tensor(const Scope& scope, const Output& data,
                                               const Output& pred) {
  Scope s = scope.colocate_with(data.op(), /*ignore_existing=*/true);
  if (is_ref(data.dtype())) return make_switch(s, "RefSwitch", data, pred, "Switch");
  return make_switch(s, "Switch", data, pred, "Switch");
}

// TF's CondContext for one branch.
class CondContext final : public scopeflow::internal::ControlFlowContext {
 public:
  CondContext(Graph& g, Output pred, Output pivot, int branch)
      : g_(g), pred_(pred), pivot_(pivot), branch_(branch) {
    scopeflow::internal::ControlFlowContext* outer = g.control_flow_context();
    if (outer) {
      outer_ = dynamic_cast<CondContext*>(outer);
      if (!outer_)
        throw Error(Code::kUnimplemented, "cond inside an unsupported control-flow context");
    }
    values_.insert(key_of(pred));
    external_.emplace(key_of(pred), pred);
    values_.insert(key_of(pivot));
    mark_op(pivot.op().index());  // pivot.op._set_control_flow_context(self)
  }

  CondContext* outer() const { return outer_; }

  // Where AddValue creates its Switches: the name scope of the op being added (TF creates
  // them while the op's wrapper scope is open, e.g. "cond/add/Switch"), without control
  // dependencies.
  struct SwitchPlace {
    const Scope* scope;
    std::string_view op_name;  // "" → *scope as is
    Scope get() const {
      Scope s = op_name.empty() ? *scope : scope->name_scope(std::string(op_name) + "/");
      return s.without_control_dependencies();
    }
  };

  // TF's CondContext.AddValue.
  Output add_value(const Output& val, const SwitchPlace& place) {
    const uint64_t k = key_of(val);
    if (values_.contains(k)) {
      auto it = external_.find(k);
      return it == external_.end() ? val : it->second;
    }
    values_.insert(k);
    Output result = val;
    if (outer_) {
      result = outer_->add_value(val, place);
      values_.insert(key_of(result));
      external_.insert_or_assign(key_of(result), result);
    }
    {
      ContextGuard none(g_, nullptr);  // control_dependencies(None) clears the context too
      auto sw = switch_ref_or_tensor(place.get(), result, pred_);
      result = branch_ ? sw.second : sw.first;
    }
    mark_op(result.op().index());
    for (CondContext* c = this; c; c = c->outer_) c->values_.insert(key_of(result));
    external_.insert_or_assign(k, result);
    return result;
  }

  // TF's _AddOpInternal, before the node is stored.
  void add_op(Graph&, scopeflow::internal::PendingOp& op) override {
    if (op.inputs.empty()) {
      bool internal_control = false;
      for (const Operation& c : op.control_inputs)
        if (ops_.contains(c.index())) internal_control = true;
      if (!internal_control) op.control_inputs.push_back(pivot_.op());
      return;
    }
    const SwitchPlace place{op.scope, op.name};
    for (Output& x : op.inputs) {
      const Output real = add_value(x, place);
      if (real != x) x = real;
    }
  }

  // The op belongs to this context; its outputs are seen here and in every outer context.
  void op_added(Operation op) override {
    mark_op(op.index());
    for (int i = 0; i < op.num_outputs(); ++i)
      for (CondContext* c = this; c; c = c->outer_) c->values_.insert(key_of(op.output(i)));
  }

  // TF's _ProcessOutputTensor: a branch result created outside the branch is switched here
  // (in the cond's scope: "cond/Switch_1").
  Output process_output(const Scope& cond_scope, const Output& val) {
    const uint64_t k = key_of(val);
    Output real = val;
    if (!values_.contains(k)) {
      values_.insert(k);
      if (outer_) {
        real = outer_->add_value(val, SwitchPlace{&cond_scope, ""});
        values_.insert(key_of(real));
        external_.insert_or_assign(key_of(real), real);
      }
      auto sw = switch_ref_or_tensor(cond_scope, real, pred_);
      real = branch_ ? sw.second : sw.first;
      external_.insert_or_assign(k, real);
    } else {
      auto it = external_.find(k);
      if (it != external_.end()) real = it->second;
    }
    return real;
  }

  // TF's ExitResult: the results are known to the outer context.
  void exit_result(const std::vector<Output>& res) {
    if (outer_)
      for (const Output& x : res) outer_->values_.insert(key_of(x));
  }

 private:
  void mark_op(uint32_t op) {
    for (CondContext* c = this; c; c = c->outer_) c->ops_.insert(op);
  }

  Graph& g_;
  Output pred_, pivot_;
  int branch_;
  CondContext* outer_ = nullptr;
  absl::flat_hash_set<uint64_t> values_;          // tensors seen in this context
  absl::flat_hash_map<uint64_t, Output> external_;  // external tensor → its switched value
  absl::flat_hash_set<uint32_t> ops_;             // ops in this context or a nested one
};

// TF's BuildCondBranch + ExitResult, inside the branch's context.
std::vector<Output> build_branch(Graph& g, CondContext& ctx, const Scope& cs, const BranchFn& fn) {
  ContextGuard enter(g, &ctx);
  std::vector<Output> original = fn(cs);
  std::vector<Output> result;
  result.reserve(original.size());
  for (const Output& v : original) {
    if (v.graph() != &g)
      throw Error(Code::kInvalidArgument,
                  fmt::format("Tensor {} must be from the same graph as the cond.", v.name()));
    result.push_back(ctx.process_output(cs, v));
  }
  ctx.exit_result(result);
  return result;
}

}  // namespace

std::pair<Output, Output> switch_(const Scope& scope, const Output& data, const Output& pred,
                                  std::string_view name) {
  return make_switch(scope, "Switch", data, pred, name);
}

std::pair<Output, Output> ref_switch(const Scope& scope, const Output& data, const Output& pred,
                                     std::string_view name) {
  return make_switch(scope, "RefSwitch", data, pred, name);
}

std::pair<Output, Output> merge(const Scope& scope, const std::vector<Output>& inputs,
                                std::string_view name) {
  if (inputs.empty()) throw Error(Code::kInvalidArgument, "inputs must be a list of at least one Tensor");
  Scope os = scope.name_scope(name.empty() ? std::string_view("Merge") : name);
  const Attr attrs[] = {{"T", base_dtype(inputs[0].dtype())},
                        {"N", static_cast<int64_t>(inputs.size())}};
  Operation op = create(os, "Merge", os.name_scope_string(), inputs, attrs);
  return {op.output(0), op.output(1)};
}

std::vector<Output> cond(const Scope& scope, const Output& pred, const BranchFn& true_fn,
                         const BranchFn& false_fn, std::string_view name) {
  Graph& g = scope.graph();
  Scope cs = name.empty() ? scope.name_scope(std::nullopt, "cond") : scope.name_scope(name);
  auto [p_2, p_1] = switch_(cs, pred, pred);
  Output pivot_1 = identity(cs, p_1, "switch_t");
  Output pivot_2 = identity(cs, p_2, "switch_f");
  Output pred_id = identity(cs, pred, "pred_id");

  (void)cs.unique_name("cond_text");  // CondContext's name, reserved as TF does
  CondContext context_t(g, pred_id, pivot_1, 1);
  std::vector<Output> res_t = build_branch(g, context_t, cs, true_fn);

  (void)cs.unique_name("cond_text");
  CondContext context_f(g, pred_id, pivot_2, 0);
  std::vector<Output> res_f = build_branch(g, context_f, cs, false_fn);

  if (res_t.size() != res_f.size())
    throw Error(Code::kInvalidArgument,
                fmt::format("The two structures don't have the same number of elements. First "
                            "structure has {} elements, second structure has {} elements.",
                            res_t.size(), res_f.size()));
  if (res_t.empty())
    throw Error(Code::kInvalidArgument, "true_fn and false_fn must return at least one result.");
  for (size_t i = 0; i < res_t.size(); ++i)
    if (base_dtype(res_t[i].dtype()) != base_dtype(res_f[i].dtype()))
      throw Error(Code::kInvalidArgument,
                  fmt::format("Outputs of true_fn and false_fn must have the same type: {}, {}",
                              dtype_name(base_dtype(res_t[i].dtype())),
                              dtype_name(base_dtype(res_f[i].dtype()))));
  std::vector<Output> merges;
  merges.reserve(res_t.size());
  for (size_t i = 0; i < res_t.size(); ++i) merges.push_back(merge(cs, {res_f[i], res_t[i]}).first);
  return merges;
}

Output cond(const Scope& scope, const Output& pred, const BranchFn1& true_fn,
            const BranchFn1& false_fn, std::string_view name) {
  BranchFn t = [&](const Scope& s) { return std::vector<Output>{true_fn(s)}; };
  BranchFn f = [&](const Scope& s) { return std::vector<Output>{false_fn(s)}; };
  return cond(scope, pred, t, f, name)[0];
}

}  // namespace ops
}  // namespace scopeflow
