// CPU kernels of the control flow ops.
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

void register_control_flow_kernels() {}

}  // namespace scopeflow::runtime::internal
