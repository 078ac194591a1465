// Builders of the control flow ops (TF's op types, attrs and default names) and TF 1.x's
// graph-mode tf.cond (Switch/Merge with a CondContext per branch).
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "scopeflow/graph/input.h"
#include "scopeflow/ops/op_registry.h"
#include "scopeflow/ops/ops.h"

namespace scopeflow::ops {

/// TF's control_flow_ops.switch: Switch(data, pred) in name_scope(name or "Switch"); returns
/// {output_false, output_true}. At run time the untaken output is dead.
std::pair<Output, Output> switch_(const Scope& scope, const Output& data, const Output& pred,
                                  std::string_view name = "");
/// RefSwitch: as switch_ for a reference `data` (a VariableV2); outputs are references.
std::pair<Output, Output> ref_switch(const Scope& scope, const Output& data, const Output& pred,
                                     std::string_view name = "");
/// TF's control_flow_ops.merge: Merge(inputs) in name_scope(name or "Merge"); returns
/// {output, value_index}. Forwards the first live input.
std::pair<Output, Output> merge(const Scope& scope, const std::vector<Output>& inputs,
                                std::string_view name = "");

/// A branch of cond: called once, with the cond's scope ("cond/"), while the branch's
/// context is active; every op it creates (through any builder) belongs to the branch.
using BranchFn = std::function<std::vector<Output>(const Scope&)>;
using BranchFn1 = std::function<Output(const Scope&)>;

/// TF 1.15's v1 tf.cond(pred, true_fn, false_fn, name): name_scope(name or "cond"),
/// Switch(pred, pred), switch_t/switch_f/pred_id, each branch in its CondContext (external
/// tensors through Switches created on demand, input-less ops controlled by the pivot), one
/// Merge per result. Throws kInvalidArgument (TF's ValueError) for empty or mismatched
/// results.
std::vector<Output> cond(const Scope& scope, const Output& pred, const BranchFn& true_fn,
                         const BranchFn& false_fn, std::string_view name = "");
/// cond with one result per branch.
Output cond(const Scope& scope, const Output& pred, const BranchFn1& true_fn,
            const BranchFn1& false_fn, std::string_view name = "");

}  // namespace scopeflow::ops
