// Registration (shape functions) of the control flow ops.
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::internal {

void register_control_flow_ops() {}

}  // namespace scopeflow::internal
