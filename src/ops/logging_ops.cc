// Logging and assertion ops: Assert, Print.
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::internal {

void register_logging_ops() {}

}  // namespace scopeflow::internal
