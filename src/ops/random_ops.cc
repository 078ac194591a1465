// Registration (shape functions) of the random ops.
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::internal {

void register_random_ops() {}

}  // namespace scopeflow::internal
