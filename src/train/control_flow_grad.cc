// Gradient functions of the control flow ops, named as TF 1.15's control_flow_grad.py builds them.
#include "scopeflow/train/gradients.h"

namespace scopeflow::train::internal {

void register_control_flow_gradients() {}

}  // namespace scopeflow::train::internal
