// CPU kernels of the control flow ops: Switch forwards its data to the taken output and
// marks the other dead; Merge forwards its first live input (dead when none is live).
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

namespace {

void switch_kernel(KernelContext& ctx) {
  const Tensor& pred = ctx.input(1);
  if (!pred.shape().empty())
    fail(Code::kInvalidArgument, "The second input must be a scalar, but it has shape " +
                                     shape_string(pred.shape()));
  const int port = *pred.data<bool>() ? 1 : 0;
  const Value& in = ctx.input_value(0);
  if (in.ref)
    ctx.set_output_ref(port, in.ref, in.ref_owner);
  else
    ctx.set_output(port, in.tensor);
  ctx.set_output_dead(1 - port);
}

void merge_kernel(KernelContext& ctx) {
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (ctx.input_dead(i)) continue;
    ctx.set_output(0, ctx.input(i));
    *ctx.allocate_output(1, DataType::kInt32, {}).data<int32_t>() = i;
    return;
  }
  ctx.set_output_dead(0);
  ctx.set_output_dead(1);
}

}  // namespace

void register_control_flow_kernels() {
  register_kernel_fn("Switch", &switch_kernel);
  register_kernel_fn("RefSwitch", &switch_kernel);
  register_kernel_fn("Merge", &merge_kernel);
}

}  // namespace scopeflow::runtime::internal
