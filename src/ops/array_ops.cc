// Registration (shape functions) of the array ops.
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::internal {

void register_array_ops() {}

}  // namespace scopeflow::internal
