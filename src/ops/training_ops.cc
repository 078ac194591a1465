// Registration (shape functions) of the training ops: ApplyGradientDescent, ApplyMomentum,
// ApplyAdam, ApplyRMSProp, ApplyCenteredRMSProp, ApplyAdagrad. As in TF, the variable and its
// slots are reference inputs; the output is the variable's reference, of the variable's shape
// merged with the slots' and the gradient's; hyper-parameters are scalars. (Floor, which
// exponential_decay's staircase needs, is registered here too.)
#include <fmt/format.h>

#include <initializer_list>

#include "scopeflow/base/error.h"
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::internal {

namespace {

// TF's op_def_library check that every input of attr T has one type.
void check_types(ShapeContext& c, std::initializer_list<const char*> names) {
  const DataType t = c.input_dtype(0);
  int i = 0;
  for (const char* name : names) {
    if (i > 0 && i < c.num_inputs() && c.input_dtype(i) != t)
      throw Error(Code::kTypeMismatch,
                  fmt::format("Input '{}' of '{}' Op has type {} that does not match type {} of "
                              "argument 'var'.",
                              name, c.type(), dtype_name(c.input_dtype(i)), dtype_name(t)));
    ++i;
  }
}

// var, the slots and grad merge; every other input is a scalar.
template <int kRefs, int kScalars>
void apply_shape(ShapeContext& c) {
  PartialShape s = c.input_shape(0);
  for (int i = 1; i < kRefs; ++i) s = c.merge(s, c.input_shape(i));
  for (int i = kRefs; i < kRefs + kScalars; ++i) c.with_rank(c.input_shape(i), 0);
  s = c.merge(s, c.input_shape(kRefs + kScalars));
  c.set_output(0, ref_dtype(c.input_dtype(0)), s);
}

#define SF_TRAINING_SHAPE(fn, refs, scalars, ...)       \
  void fn(ShapeContext& c) {                           \
    check_types(c, {__VA_ARGS__});                     \
    apply_shape<refs, scalars>(c);                     \
  }
SF_TRAINING_SHAPE(gradient_descent_shape, 1, 1, "var", "alpha", "delta")
SF_TRAINING_SHAPE(adagrad_shape, 2, 1, "var", "accum", "lr", "grad")
SF_TRAINING_SHAPE(adam_shape, 3, 6, "var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1",
                  "beta2", "epsilon", "grad")
SF_TRAINING_SHAPE(rmsprop_shape, 3, 4, "var", "ms", "mom", "lr", "rho", "momentum", "epsilon",
                  "grad")
SF_TRAINING_SHAPE(centered_rmsprop_shape, 4, 4, "var", "mg", "ms", "mom", "lr", "rho", "momentum",
                  "epsilon", "grad")
#undef SF_TRAINING_SHAPE

// ApplyMomentum(var, accum, lr, grad, momentum): the scalar sits after grad.
void momentum_shape(ShapeContext& c) {
  check_types(c, {"var", "accum", "lr", "grad", "momentum"});
  PartialShape s = c.merge(c.input_shape(0), c.input_shape(1));
  c.with_rank(c.input_shape(2), 0);
  s = c.merge(s, c.input_shape(3));
  c.with_rank(c.input_shape(4), 0);
  c.set_output(0, ref_dtype(c.input_dtype(0)), s);
}

void unchanged_shape(ShapeContext& c) { c.set_output(0, c.input_dtype(0), c.input_shape(0)); }

}  // namespace

void register_training_ops() {
  register_op({"ApplyGradientDescent", &gradient_descent_shape, 0b1u, true});
  register_op({"ApplyMomentum", &momentum_shape, 0b11u, true});
  register_op({"ApplyAdagrad", &adagrad_shape, 0b11u, true});
  register_op({"ApplyAdam", &adam_shape, 0b111u, true});
  register_op({"ApplyRMSProp", &rmsprop_shape, 0b111u, true});
  register_op({"ApplyCenteredRMSProp", &centered_rmsprop_shape, 0b1111u, true});
  // tf.floor (exponential_decay with staircase=True).
  register_op({"Floor", &unchanged_shape});
}

}  // namespace scopeflow::internal
