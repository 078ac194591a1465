// Registration (shape functions) of the nn ops.
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::internal {

void register_nn_ops() {}

}  // namespace scopeflow::internal
