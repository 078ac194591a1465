// CPU kernels of the training ops.
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

void register_training_kernels() {}

}  // namespace scopeflow::runtime::internal
