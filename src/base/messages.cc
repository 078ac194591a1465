// TensorFlow 1.15's error texts. Each function names the TF function whose message it mirrors.
#include "scopeflow/base/messages.h"

#include <fmt/format.h>

namespace scopeflow::messages {

namespace {
// Python's repr() of a str: single quotes unless the text holds one and no double quote.
std::string py_repr(std::string_view s) {
  const bool use_double =
      s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos;
  const char q = use_double ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == q) {
      out += '\\';
      out += c;
    } else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  out += q;
  return out;
}
}  // namespace

// ops.py Graph.name_scope: _VALID_SCOPE_NAME_REGEX / _VALID_OP_NAME_REGEX check.
std::string invalid_scope_name(std::string_view name) {
  return fmt::format("'{}' is not a valid scope name", name);
}
// ops.py Operation.__init__: _VALID_OP_NAME_REGEX check.
std::string invalid_node_name(std::string_view name) {
  return fmt::format("'{}' is not a valid node name", name);
}
// c_api TF_FinishOperation, re-raised as ValueError by ops._create_c_op.
std::string duplicate_node_name(std::string_view name) {
  return fmt::format("Duplicate node name in graph: '{}'", name);
}
// ops.py name_scope.__init__ (v1).
std::string name_scope_default_name_not_string(std::string_view type_repr) {
  return fmt::format(
      "`default_name` type ({}) is not a string type. You likely meant to pass this into the "
      "`values` kwarg.",
      type_repr);
}
// ops.py name_scope.__enter__ (v1).
std::string name_scope_missing_name(std::string_view name, std::string_view default_name) {
  return fmt::format("At least one of name ({}) and default_name ({}) must be provided.", name,
                     default_name);
}
// ops.py Graph._as_graph_element_locked.
std::string operation_not_in_graph(std::string_view name) {
  return fmt::format("The name {} refers to an Operation not in the graph.", py_repr(name));
}
std::string tensor_op_not_in_graph(std::string_view name, std::string_view op_name) {
  return fmt::format(
      "The name {} refers to a Tensor which does not exist. The operation, {}, does not exist "
      "in the graph.",
      py_repr(name), py_repr(op_name));
}
std::string tensor_index_out_of_range(std::string_view name, std::string_view op_name,
                                      int num_outputs) {
  return fmt::format(
      "The name {} refers to a Tensor which does not exist. The operation, {}, exists but only "
      "has {} outputs.",
      py_repr(name), py_repr(op_name), num_outputs);
}
std::string invalid_tensor_name(std::string_view name) {
  return fmt::format(
      "The name {} looks a like a Tensor name, but is not a valid one. Tensor names must be of "
      "the form \"<op_name>:<output_index>\".",
      py_repr(name));
}
std::string tensor_name_not_operation(std::string_view name) {
  return fmt::format("Name {} appears to refer to a Tensor, not a Operation.", py_repr(name));
}
std::string operation_name_not_tensor(std::string_view name, bool exists) {
  if (exists) {
    return fmt::format(
        "The name {} refers to an Operation, not a Tensor. Tensor names must be of the form "
        "\"<op_name>:<output_index>\".",
        py_repr(name));
  }
  return fmt::format(
      "The name {} looks like an (invalid) Operation name, not a Tensor. Tensor names must be "
      "of the form \"<op_name>:<output_index>\".",
      py_repr(name));
}
// op_def_library.py _apply_op_helper: inputs sharing a type attr.
std::string input_type_mismatch(std::string_view arg, std::string_view op_type,
                                std::string_view got, std::string_view want,
                                std::string_view first_arg) {
  return fmt::format(
      "Input '{}' of '{}' Op has type {} that does not match type {} of argument '{}'.", arg,
      op_type, got, want, first_arg);
}
// tensor_util._AssertCompatible.
std::string literal_type_mismatch(std::string_view dtype, std::string_view value,
                                  std::string_view py_type) {
  return fmt::format("Expected {}, got {} of type '{}' instead.", dtype, value, py_type);
}
// op_def_library._apply_op_helper: a value that cannot become the input's type.
std::string input_literal_mismatch(std::string_view dtype, std::string_view arg,
                                   std::string_view op_type, std::string_view value,
                                   std::string_view py_type) {
  return fmt::format(
      "Expected {0} passed to parameter '{1}' of op '{2}', got {3} of type '{4}' instead. "
      "Error: {5}",
      dtype, arg, op_type, value, py_type, literal_type_mismatch(dtype, value, py_type));
}
// ops.convert_to_tensor on a tensor of another dtype.
std::string tensor_conversion_dtype(std::string_view requested, std::string_view actual,
                                    std::string_view tensor_repr) {
  return fmt::format("Tensor conversion requested dtype {} for Tensor with dtype {}: {}", requested,
                     actual, tensor_repr);
}
// common_shape_fns BroadcastBinaryOpOutputShapeFn, through the C API.
std::string dimensions_must_be_equal(int64_t a, int64_t b, std::string_view op_name,
                                     std::string_view op_type, std::string_view shape_a,
                                     std::string_view shape_b) {
  return fmt::format(
      "Dimensions must be equal, but are {} and {} for '{}' (op: '{}') with input shapes: {}, "
      "{}.",
      a, b, op_name, op_type, shape_a, shape_b);
}
// array_ops ConcatV2 shape function, through the C API.
std::string concat_rank_mismatch(std::string_view op_name, std::string_view a, std::string_view b) {
  return fmt::format("Shapes {} and {} are not compatible for '{}' (op: 'ConcatV2')", a, b,
                     op_name);
}
// array_ops.unstack.
std::string unstack_axis_out_of_range(int64_t axis, int64_t rank) {
  return fmt::format("axis = {} not in [{}, {})", axis, -rank, rank);
}
std::string unstack_cannot_infer_num(std::string_view shape) {
  return fmt::format("Cannot infer num from shape {}", shape);
}
// init_ops.VarianceScaling.__init__.
std::string variance_scaling_scale() { return "`scale` must be positive float."; }
std::string variance_scaling_mode(std::string_view mode) {
  return fmt::format("Invalid `mode` argument: {}", mode);
}
std::string variance_scaling_distribution(std::string_view distribution) {
  return fmt::format("Invalid `distribution` argument: {}", distribution);
}
// variable_scope._VariableStore._true_getter.
std::string partitioner_not_callable(std::string_view repr) {
  return fmt::format("Partitioner must be callable, but received: {}", repr);
}
// device_spec.DeviceSpec.parse_from_string.
std::string device_unknown_attribute(std::string_view attr, std::string_view spec) {
  return fmt::format("Unknown attribute: '{}' in '{}'", attr, spec);
}
std::string device_bad_number(std::string_view text, std::string_view spec) {
  return fmt::format("invalid literal for int() with base 10: '{}' (in device '{}')", text, spec);
}
// ops.Graph._check_not_finalized.
std::string graph_finalized() { return "Graph is finalized and cannot be modified."; }
// ops.reset_default_graph.
std::string reset_nested_graph() {
  return "Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared "
         "graph, exit the nesting and create a new graph.";
}
// variable_scope.py variable_scope.__init__.
std::string variable_scope_requires_name() {
  return "If default_name is None then name_or_scope is required";
}
std::string reuse_parameter_invalid() {
  return "The reuse parameter must be True or False or None.";
}
std::string auxiliary_name_scope_not_bool(std::string_view value) {
  return fmt::format("The auxiliary_name_scope must be `True` or `False`, while get {}", value);
}
// variable_scope.py _pure_variable_scope.__init__ / variable_scope.__enter__.
std::string name_or_scope_wrong_type() {
  return "VariableScope: name_or_scope must be a string or VariableScope.";
}
std::string reuse_without_name_or_scope() {
  return "reuse=True cannot be used without a name_or_scope";
}
// variable_scope.py _pure_variable_scope.__exit__.
std::string improper_variable_scope_nesting() { return "Improper nesting of variable_scope."; }
// variable_scope.py VariableScope.get_variable.
std::string initializer_dtype_mismatch(std::string_view init_dtype_str,
                                       std::string_view dtype_str) {
  return fmt::format("Initializer type '{}' and explicit dtype '{}' don't match.", init_dtype_str,
                     dtype_str);
}
// variable_scope.py _VariableStore.get_variable.
std::string custom_getter_not_callable(std::string_view getter_repr) {
  return fmt::format("Passed a custom_getter which is not callable: {}", getter_repr);
}
// variable_scope.py _VariableStore._get_single_variable.
std::string constant_initializer_with_shape() {
  return "If initializer is a constant, do not specify shape.";
}
std::string variable_already_exists(std::string_view name, std::string_view defined_at) {
  return fmt::format(
      "Variable {} already exists, disallowed. Did you mean to set reuse=True or "
      "reuse=tf.AUTO_REUSE in VarScope? Originally defined at:\n\n{}",
      name, defined_at);
}
std::string share_shape_mismatch(std::string_view name, std::string_view requested,
                                 std::string_view found) {
  return fmt::format("Trying to share variable {}, but specified shape {} and found shape {}.",
                     name, requested, found);
}
std::string share_dtype_mismatch(std::string_view name, std::string_view requested,
                                 std::string_view found) {
  return fmt::format("Trying to share variable {}, but specified dtype {} and found dtype {}.",
                     name, requested, found);
}
std::string variable_does_not_exist(std::string_view name) {
  return fmt::format(
      "Variable {} does not exist, or was not created with tf.get_variable(). Did you mean to "
      "set reuse=tf.AUTO_REUSE in VarScope?",
      name);
}
// variable_scope.py _VariableStore._get_default_initializer.
std::string initializer_required(std::string_view name, std::string_view dtype_str) {
  return fmt::format("An initializer for variable {} of {} is required", name, dtype_str);
}
std::string initializer_not_valid() {
  return "The initializer passed is not valid. It should be a callable with no arguments and the "
         "shape should not be provided or an instance of `tf.keras.initializers.*' and `shape` "
         "should be fully defined.";
}
// variable_scope.py _VariableStore._get_partitioned_variable.
std::string partitioned_shape_not_fully_defined(std::string_view shape) {
  return fmt::format(
      "Shape of a new partitioned variable must be fully defined, but instead was {}.", shape);
}
std::string partitioned_reuse_shape_mismatch(std::string_view name, std::string_view requested,
                                             std::string_view found) {
  return fmt::format(
      "Trying to reuse partitioned variable {}, but specified shape {} and found shape {}.", name,
      requested, found);
}
std::string partitioned_reuse_dtype_mismatch(std::string_view name, std::string_view requested,
                                             std::string_view found) {
  return fmt::format(
      "Trying to reuse partitioned variable {}, but specified dtype {} and found dtype {}.", name,
      requested, found);
}
std::string partitioned_reuse_partitions_mismatch(std::string_view name, std::string_view requested,
                                                  std::string_view found) {
  return fmt::format(
      "Trying to reuse partitioned variable {}, but specified partitions {} and found "
      "partitions {}.",
      name, requested, found);
}
std::string partitioned_already_exists(std::string_view name) {
  return fmt::format(
      "Partitioned variable with name {} already exists. Did you mean to set reuse=True or "
      "reuse=tf.AUTO_REUSE in VarScope?",
      name);
}
std::string partitioned_does_not_exist(std::string_view name) {
  return fmt::format(
      "PartitionedVariable {} does not exist, or was not created with tf.get_variable(). Did "
      "you mean to set reuse=False or reuse=tf.AUTO_REUSE in VarScope?",
      name);
}
std::string partitioned_single_exists(std::string_view name) {
  return fmt::format(
      "A partitioner was provided, but an unpartitioned version of the variable was found: {}.  "
      "Perhaps a variable of the same name was already created without partitioning?",
      name);
}
std::string single_partitioned_exists(std::string_view name) {
  return fmt::format(
      "No partitioner was provided, but a partitioned version of the variable was found: "
      "{}/part_0. Perhaps a variable of the same name was already created with partitioning?",
      name);
}
std::string partitioned_rank_zero(std::string_view shape) {
  return fmt::format("A partitioned Variable must have rank at least 1, shape: {}", shape);
}
std::string partitioner_zero_parts(std::string_view partitions) {
  return fmt::format("Partitioner returned zero partitions for some axes: {}", partitions);
}
std::string partitioner_many_axes(std::string_view shape, std::string_view partitions) {
  return fmt::format("Can only slice a variable along one dimension: shape: {}, partitioning: {}",
                     shape, partitions);
}
// variables.py validate_synchronization_aggregation_trainable.
std::string on_read_trainable() {
  return "Synchronization value can be set to VariableSynchronization.ON_READ only for "
         "non-trainable variables. You have specified trainable=True and "
         "synchronization=VariableSynchronization.ON_READ.";
}
// variable_scope.py _get_slice_dim_and_num_slices / _call_partitioner.
std::string partitions_invalid(std::string_view partitions, std::string_view shape) {
  return fmt::format(
      "Partitioner returned a partition list that does not match the Variable's rank: {} vs. {}",
      partitions, shape);
}
// variables.py RefVariable._init_from_args.
std::string initial_value_required() { return "initial_value must be specified."; }
std::string initial_value_shape_unknown(std::string_view value) {
  return fmt::format("initial_value must have a shape specified: {}", value);
}
std::string variable_collections_type(std::string_view value, std::string_view type_repr) {
  return fmt::format(
      "collections argument to Variable constructor must be a list, tuple, or set. Got {} of "
      "type {}",
      value, type_repr);
}
// dtypes.as_dtype.
std::string dtype_not_convertible(std::string_view value) {
  return fmt::format("Cannot convert value {} to a TensorFlow DType.", value);
}
// tensor_shape.TensorShape.as_list.
std::string shape_as_list_unknown() {
  return "as_list() is not defined on an unknown TensorShape.";
}
// tensor_shape.TensorShape.merge_with.
std::string shapes_not_compatible(std::string_view a, std::string_view b) {
  return fmt::format("Shapes {} and {} are not compatible", a, b);
}
// tensor_shape.TensorShape.__len__.
std::string shape_len_unknown() { return "Cannot take the length of Shape with unknown rank."; }
// tensor_shape.TensorShape.__iter__.
std::string shape_iter_unknown() { return "Cannot iterate over a shape with unknown rank."; }
// scopeflow: not built yet.
std::string node_def_unavailable() { return "node_def arrives with GraphDef export (issue #5)"; }
// scopeflow: not built yet.
// ops.Tensor.__bool__.
std::string tensor_as_bool() {
  return "Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` instead "
         "of `if t:` to test if a tensor is defined, and use TensorFlow ops such as tf.cond to "
         "execute subgraphs conditioned on the value of a tensor.";
}
// ops.Tensor.__iter__.
std::string tensor_iter_unknown_shape() {
  return "Cannot iterate over a tensor with unknown shape.";
}
// ops.Tensor.__iter__.
std::string tensor_iter_scalar() { return "Cannot iterate over a scalar tensor."; }
// ops.Tensor.__iter__.
std::string tensor_iter_unknown_first_dim() {
  return "Cannot iterate over a tensor with unknown first dimension.";
}
// ops._get_graph_from_inputs.
std::string different_graphs(std::string_view element, std::string_view original) {
  return fmt::format("{} must be from the same graph as {}.", element, original);
}
// tensor_util.make_tensor_proto.
std::string object_not_convertible(std::string_view type_repr, std::string_view contents) {
  return fmt::format(
      "Failed to convert object of type {} to Tensor. Contents: {}. Consider casting elements to a "
      "supported type.",
      type_repr, contents);
}
// ops.internal_convert_to_tensor.
std::string operation_to_tensor(std::string_view name, std::string_view dtype) {
  return fmt::format(
      "Can't convert Operation '{}' to Tensor (target dtype={}, name=None, as_ref=False)", name,
      dtype);
}
// ops.Graph.get_operation_by_name.
std::string operation_name_type(std::string_view type) {
  return fmt::format("Operation names are strings (or similar), not {}.", type);
}
// ops.Graph.get_tensor_by_name.
std::string tensor_name_type(std::string_view type) {
  return fmt::format("Tensor names are strings (or similar), not {}.", type);
}
// ops.Graph._as_graph_element_locked.
std::string graph_element_type(std::string_view type) {
  return fmt::format("Can not convert a {} into a Tensor or Operation.", type);
}
// re.match on a non-string scope name.
std::string scope_name_type() { return "expected string or bytes-like object"; }
// scopeflow: not built yet.
std::string device_function_unsupported() {
  return "device functions are not supported yet; pass a device string";
}
// ops.Graph.control_dependencies.
std::string control_input_type(std::string_view value) {
  return fmt::format("Control input must be Operation or Tensor: {}", value);
}
// ops.Graph._colocate_with_for_gradient.
std::string colocation_reset() {
  return "Trying to reset colocation (op is None) but ignore_existing is not True";
}
// scopeflow: not built yet.
std::string colocation_ignore_existing_unsupported() {
  return "colocate_with(None, ignore_existing=True) is not supported";
}
// constant_op.constant_v1 (verify_shape).
std::string constant_shape_mismatch(std::string_view expected, std::string_view got) {
  return fmt::format("Expected Tensor's shape: {}, got {}.", expected, got);
}
// tensor_util.make_tensor_proto.
std::string too_many_elements(std::string_view needed, std::string_view received) {
  return fmt::format("Too many elements provided. Needed at most {}, but received {}", needed,
                     received);
}
// random_ops.random_uniform.
std::string random_uniform_maxval(std::string_view dtype) {
  return fmt::format("Must specify maxval for integer dtype {}", dtype);
}
// variables.RefVariable.__iter__.
std::string variable_not_iterable() { return "'Variable' object is not iterable."; }
// scopeflow: VariableScope is not built directly.
std::string variable_scope_constructed() {
  return "VariableScope objects come from tf.variable_scope() and tf.get_variable_scope()";
}
// scopeflow: constant_initializer with no values for a non-empty shape.
std::string empty_constant_fill(std::string_view shape) {
  return fmt::format("An empty constant cannot fill a tensor of shape {}", shape);
}
// scopeflow's own guards.
std::string guard_popped_out_of_order(std::string_view kind) {
  return fmt::format(
      "A {} guard was destroyed while a scope entered after it was still open; scopes must close "
      "in the reverse order of opening",
      kind);
}
// ops.py _get_graph_from_inputs (here: against the graph the op is being built in).
std::string scope_exited_twice() { return "scope exited twice or on another thread"; }
std::string graph_mismatch(std::string_view what) {
  return fmt::format("{} must be from the same graph as the scope it is used in.", what);
}

}  // namespace scopeflow::messages
