// Gradient functions of the control flow ops, named as TF 1.15's control_flow_grad.py builds
// them for tf.cond (no while loops).
//
// TF asks each op for its ControlFlowContext; scopeflow's CondContexts live only while a cond
// is built, so the context is read back from the graph's structure, which tf.cond fixes:
//  - a Switch belongs to a cond branch when its predicate is the cond's `pred_id` Identity
//    (CondContext.AddValue and _ProcessOutputTensor switch on pred_id; the cond's own
//    Switch(pred, pred) and user Switches take the raw predicate and have no context);
//  - a Merge built by tf.cond is `<cond scope>/Merge[_k]` next to `<cond scope>/pred_id`,
//    and its first input comes from the false branch, whose context predicate is pred_id.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scopeflow/graph/graph.h"
#include "scopeflow/ops/control_flow_ops.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/ops/ops.h"
#include "scopeflow/train/gradients.h"

namespace scopeflow::train::internal {

std::optional<std::pair<Output, int>> cond_switch_context(Operation op);

namespace {

bool is_pred_id(const Output& t) {
  Operation op = t.op();
  if (op.type() != "Identity") return false;
  std::string_view name = op.name();
  const size_t slash = name.rfind('/');
  return (slash == std::string_view::npos ? name : name.substr(slash + 1)) == "pred_id";
}

// The cond predicate (`pred_id`) of the context a Merge's inputs come from, if the Merge was
// built by tf.cond.
std::optional<Output> merge_cond_pred(Operation merge) {
  if (merge.num_inputs() != 2) return std::nullopt;
  std::string_view name = merge.name();
  const size_t slash = name.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string pred_name = std::string(name.substr(0, slash)) + "/pred_id";
  std::optional<Operation> pred = merge.graph()->find_operation(pred_name);
  if (!pred || pred->type() != "Identity") return std::nullopt;
  return pred->output(0);
}

// TF's _SwitchRefOrTensor(data, pred, name): colocated with data, RefSwitch for a reference.
std::pair<Output, Output> switch_ref_or_tensor(const Scope& s, const Output& data,
                                               const Output& pred, std::string_view name) {
  Scope cs = s.colocate_with(data.op(), /*ignore_existing=*/true);
  if (is_ref(data.dtype())) return ops::ref_switch(cs, data, pred, name);
  return ops::switch_(cs, data, pred, name);
}

std::vector<Output> switch_grad(const Scope& s, Operation op, std::span<const Output> g) {
  const Output& g0 = g[0];
  const Output& g1 = g.size() > 1 ? g[1] : Output();
  if (cond_switch_context(op)) {
    // The untaken branch's gradient is the zeros gradients() built under a Switch on the
    // predicate (ZerosLikeOutsideLoop); without it (non-trainable dtypes) there is none.
    if (!g0.valid() || !g1.valid()) return {Output(), Output()};
    return {ops::merge(s, {g0, g1}, "cond_grad").first, Output()};
  }
  if (!g0.valid() && !g1.valid()) return {Output(), Output()};
  Output pred = op.input(1);
  Output false_grad = g0.valid() ? ops::switch_(s, g0, pred).first : Output();
  Output true_grad = g1.valid() ? ops::switch_(s, g1, pred).second : Output();
  if (!false_grad.valid()) return {true_grad, Output()};
  if (!true_grad.valid()) return {false_grad, Output()};
  return {ops::merge(s, {false_grad, true_grad}).first, Output()};
}

std::vector<Output> merge_grad(const Scope& s, Operation op, std::span<const Output> g) {
  const Output& grad = g[0];
  std::vector<Output> out(static_cast<size_t>(op.num_inputs()));
  if (!grad.valid()) return out;
  if (auto pred = merge_cond_pred(op)) {
    auto [f, t] = switch_ref_or_tensor(s, grad, *pred, "cond_grad");
    return {f, t};
  }
  std::vector<Output> conds;
  for (int i = 0; i < op.num_inputs(); ++i) conds.push_back(ops::equal(s, op.output(1), i));
  for (int i = 0; i < op.num_inputs(); ++i)
    out[i] = switch_ref_or_tensor(s, grad, conds[i], "Switch").second;
  return out;
}

}  // namespace

/// For a Switch that tf.cond created inside a branch (TF: op._get_control_flow_context() is
/// a CondContext): the context's predicate (`pred_id`) and branch (1 = true, the output the
/// branch reads). nullopt for Switches outside any cond context.
std::optional<std::pair<Output, int>> cond_switch_context(Operation op) {
  if (op.type() != "Switch" && op.type() != "RefSwitch") return std::nullopt;
  if (op.num_inputs() != 2 || !is_pred_id(op.input(1))) return std::nullopt;
  // The branch is the output the branch's ops consume.
  Graph& g = *op.graph();
  bool uses0 = false, uses1 = false;
  const size_t n = g.num_operations();
  for (size_t i = 0; i < n; ++i) {  // consumers may precede a capture Switch
    Operation c = g.operation(i);
    for (int k = 0; k < c.num_inputs(); ++k) {
      Output in = c.input(k);
      if (in.op() == op) (in.index() == 0 ? uses0 : uses1) = true;
    }
  }
  const int branch = uses1 && !uses0 ? 1 : (uses0 && !uses1 ? 0 : 1);
  return std::make_pair(op.input(1), branch);
}

void register_control_flow_gradients() {
  register_gradient("Switch", &switch_grad);
  register_gradient("RefSwitch", &switch_grad);
  register_gradient("Merge", &merge_grad);
}

}  // namespace scopeflow::train::internal
