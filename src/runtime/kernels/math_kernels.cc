// CPU kernels of the math ops.
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

void register_math_kernels() {}

}  // namespace scopeflow::runtime::internal
