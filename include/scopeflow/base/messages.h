// TensorFlow 1.15's error texts, one function per message (defined in src/base/messages.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace scopeflow::messages {

// ops.py: name validation.
std::string invalid_scope_name(std::string_view name);
std::string invalid_node_name(std::string_view name);
std::string duplicate_node_name(std::string_view name);
// ops.py: name_scope (v1 class).
std::string name_scope_default_name_not_string(std::string_view type_repr);
std::string name_scope_missing_name(std::string_view name, std::string_view default_name);
// ops.py: Graph._as_graph_element_locked.
std::string operation_not_in_graph(std::string_view name);
std::string tensor_op_not_in_graph(std::string_view name, std::string_view op_name);
std::string tensor_index_out_of_range(std::string_view name, std::string_view op_name,
                                      int num_outputs);
std::string invalid_tensor_name(std::string_view name);
std::string tensor_name_not_operation(std::string_view name);
std::string operation_name_not_tensor(std::string_view name, bool exists);
// op_def_library.py: input type inference.
std::string input_type_mismatch(std::string_view arg, std::string_view op_type,
                                std::string_view got, std::string_view want,
                                std::string_view first_arg);
std::string literal_type_mismatch(std::string_view dtype, std::string_view value,
                                  std::string_view py_type);
std::string input_literal_mismatch(std::string_view dtype, std::string_view arg,
                                   std::string_view op_type, std::string_view value,
                                   std::string_view py_type);
std::string tensor_conversion_dtype(std::string_view requested, std::string_view actual,
                                    std::string_view tensor_repr);
// Shape functions.
std::string dimensions_must_be_equal(int64_t a, int64_t b, std::string_view op_name,
                                     std::string_view op_type, std::string_view shape_a,
                                     std::string_view shape_b);
std::string unstack_axis_out_of_range(int64_t axis, int64_t rank);
std::string concat_rank_mismatch(std::string_view op_name, std::string_view a, std::string_view b);
std::string unstack_cannot_infer_num(std::string_view shape);
// init_ops.py.
std::string variance_scaling_scale();
std::string variance_scaling_mode(std::string_view mode);
std::string variance_scaling_distribution(std::string_view distribution);
std::string partitioner_not_callable(std::string_view repr);
std::string reset_nested_graph();
std::string graph_finalized();
std::string device_unknown_attribute(std::string_view attr, std::string_view spec);
std::string device_bad_number(std::string_view text, std::string_view spec);
// variable_scope.py: variable_scope construction and nesting.
std::string variable_scope_requires_name();
std::string reuse_parameter_invalid();
std::string auxiliary_name_scope_not_bool(std::string_view value);
std::string name_or_scope_wrong_type();
std::string reuse_without_name_or_scope();
std::string improper_variable_scope_nesting();
// variable_scope.py: get_variable.
std::string initializer_dtype_mismatch(std::string_view init_dtype_str, std::string_view dtype_str);
std::string custom_getter_not_callable(std::string_view getter_repr);
std::string constant_initializer_with_shape();
std::string variable_already_exists(std::string_view name, std::string_view defined_at);
std::string share_shape_mismatch(std::string_view name, std::string_view requested,
                                 std::string_view found);
std::string share_dtype_mismatch(std::string_view name, std::string_view requested,
                                 std::string_view found);
std::string variable_does_not_exist(std::string_view name);
std::string initializer_required(std::string_view name, std::string_view dtype_str);
std::string initializer_not_valid();
// variable_scope.py: partitioned variables.
std::string partitioned_shape_not_fully_defined(std::string_view shape);
std::string partitioned_reuse_shape_mismatch(std::string_view name, std::string_view requested,
                                             std::string_view found);
std::string partitioned_reuse_dtype_mismatch(std::string_view name, std::string_view requested,
                                             std::string_view found);
std::string partitioned_reuse_partitions_mismatch(std::string_view name, std::string_view requested,
                                                  std::string_view found);
std::string partitioned_already_exists(std::string_view name);
std::string partitioned_does_not_exist(std::string_view name);
std::string partitioned_single_exists(std::string_view name);
std::string single_partitioned_exists(std::string_view name);
std::string partitions_invalid(std::string_view partitions, std::string_view shape);
std::string partitioned_rank_zero(std::string_view shape);
std::string partitioner_zero_parts(std::string_view partitions);
std::string partitioner_many_axes(std::string_view shape, std::string_view partitions);
std::string on_read_trainable();
// variables.py: RefVariable.
std::string initial_value_required();
std::string initial_value_shape_unknown(std::string_view value);
std::string variable_collections_type(std::string_view value, std::string_view type_repr);
// Python front end (raised by the module, worded as TF words them).
std::string dtype_not_convertible(std::string_view value);
std::string shape_as_list_unknown();
std::string shapes_not_compatible(std::string_view a, std::string_view b);
std::string shape_len_unknown();
std::string shape_iter_unknown();
std::string node_def_unavailable();
std::string tensor_as_bool();
std::string tensor_iter_unknown_shape();
std::string tensor_iter_scalar();
std::string tensor_iter_unknown_first_dim();
std::string different_graphs(std::string_view element, std::string_view original);
std::string object_not_convertible(std::string_view type_repr, std::string_view contents);
std::string operation_to_tensor(std::string_view name, std::string_view dtype);
std::string operation_name_type(std::string_view type);
std::string tensor_name_type(std::string_view type);
std::string graph_element_type(std::string_view type);
std::string scope_name_type();
std::string device_function_unsupported();
std::string control_input_type(std::string_view value);
std::string colocation_reset();
std::string colocation_ignore_existing_unsupported();
std::string constant_shape_mismatch(std::string_view expected, std::string_view got);
std::string too_many_elements(std::string_view needed, std::string_view received);
std::string random_uniform_maxval(std::string_view dtype);
std::string variable_not_iterable();
std::string variable_scope_constructed();
std::string empty_constant_fill(std::string_view shape);
// Misuse of scopeflow's own C++ guards (no TF equivalent).
std::string guard_popped_out_of_order(std::string_view kind);
std::string scope_exited_twice();
std::string graph_mismatch(std::string_view what);

}  // namespace scopeflow::messages
