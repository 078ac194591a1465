// Kernels of the logging and assertion ops: Assert, Print.
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

void register_logging_kernels() {}

}  // namespace scopeflow::runtime::internal
