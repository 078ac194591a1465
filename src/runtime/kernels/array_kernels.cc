// CPU kernels of the array ops.
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

void register_array_kernels() {}

}  // namespace scopeflow::runtime::internal
