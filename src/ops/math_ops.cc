// Registration (shape functions) of the math ops.
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::internal {

void register_math_ops() {}

}  // namespace scopeflow::internal
