// Gradient functions of the math ops, named as TF 1.15's math_grad.py builds them.
#include "scopeflow/train/gradients.h"

namespace scopeflow::train::internal {

void register_math_gradients() {}

}  // namespace scopeflow::train::internal
