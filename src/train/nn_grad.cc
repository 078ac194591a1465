// Gradient functions of the nn ops, named as TF 1.15's nn_grad.py builds them.
#include "scopeflow/train/gradients.h"

namespace scopeflow::train::internal {

void register_nn_gradients() {}

}  // namespace scopeflow::train::internal
