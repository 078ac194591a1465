// CPU kernels of the nn ops.
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

void register_nn_kernels() {}

}  // namespace scopeflow::runtime::internal
