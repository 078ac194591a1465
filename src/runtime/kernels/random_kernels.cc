// CPU kernels of the random ops.
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

void register_random_kernels() {}

}  // namespace scopeflow::runtime::internal
