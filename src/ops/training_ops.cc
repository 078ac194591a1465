// Registration (shape functions) of the training ops (ApplyGradientDescent, ApplyAdam, ...).
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::internal {

void register_training_ops() {}

}  // namespace scopeflow::internal
