// Registration of the state and basic graph ops: Const, Placeholder, PlaceholderWithDefault,
// Identity, NoOp, VariableV2, Assign, AssignAdd, AssignSub.
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::internal {

namespace {
void const_shape(ShapeContext& c) {
  const AttrValue* v = c.attr("value");
  const Tensor* t = v ? std::get_if<Tensor>(v) : nullptr;
  if (!t) c.fail("Const needs a tensor `value`");
  c.set_output(0, t->dtype(), t->partial_shape());
}
void placeholder_shape(ShapeContext& c) {
  c.set_output(0, c.attr_type("dtype"), c.attr_shape("shape"));
}
void placeholder_with_default_shape(ShapeContext& c) {
  const PartialShape want = c.attr_shape("shape");
  const PartialShape given = c.input_shape(0);
  if (!want.compatible_with(given))
    c.fail("Shapes must be compatible: the default has shape " + given.to_string() +
           " and the placeholder " + want.to_string());
  c.set_output(0, c.input_dtype(0), want);
}
void identity_shape(ShapeContext& c) { c.set_output(0, c.input_dtype(0), c.input_shape(0)); }
void no_op_shape(ShapeContext&) {}
void variable_shape(ShapeContext& c) {
  c.set_output(0, ref_dtype(c.attr_type("dtype")), c.attr_shape("shape"));
}
void assign_shape(ShapeContext& c) {
  const bool validate = c.attr_bool("validate_shape", true);
  const PartialShape s = validate ? c.merge(c.input_shape(0), c.input_shape(1)) : c.input_shape(1);
  c.set_output(0, ref_dtype(c.input_dtype(0)), s);
}
void assign_update_shape(ShapeContext& c) {
  c.set_output(0, ref_dtype(c.input_dtype(0)), c.merge(c.input_shape(0), c.input_shape(1)));
}
}  // namespace

void register_state_ops() {
  register_op({"Const", &const_shape});
  register_op({"Placeholder", &placeholder_shape});
  register_op({"PlaceholderWithDefault", &placeholder_with_default_shape});
  register_op({"Identity", &identity_shape});
  register_op({"StopGradient", &identity_shape});
  register_op({"NoOp", &no_op_shape});
  register_op({"VariableV2", &variable_shape, 0, /*stateful=*/true});
  register_op({"Assign", &assign_shape, 1u, true});
  register_op({"AssignAdd", &assign_update_shape, 1u, true});
  register_op({"AssignSub", &assign_update_shape, 1u, true});
}

}  // namespace scopeflow::internal
