// Bindings for dtypes, shapes, runtime tensors and the message catalogue.
#include <pybind11/numpy.h>

#include "common.h"
#include "scopeflow/base/messages.h"

namespace scopeflow::py_bindings {

void bind_base(py::module_& m) {
  m.def("dtype_name", [](int t) { return dtype_name(static_cast<DataType>(t)); });
  m.def("dtype_from_name", [](const std::string& n) -> py::object {
    auto t = dtype_from_name(n);
    if (!t) return py::none();
    return py::int_(static_cast<int>(*t));
  });
  m.def("dtype_is_floating", [](int t) { return is_floating(static_cast<DataType>(t)); });
  m.def("dtype_is_integer", [](int t) { return is_integer(static_cast<DataType>(t)); });
  m.def("dtype_is_complex", [](int t) { return is_complex(static_cast<DataType>(t)); });
  m.def("dtype_is_quantized", [](int t) { return is_quantized(static_cast<DataType>(t)); });
  m.def("dtype_size", [](int t) { return dtype_size(static_cast<DataType>(t)); });
  m.def("shape_str", [](py::object s) { return shape_from_py(s).to_string(); });
  m.def("shape_compatible", [](py::object a, py::object b) {
    return shape_from_py(a).compatible_with(shape_from_py(b));
  });

  py::class_<Tensor>(m, "Tensor")
      .def_property_readonly("dtype", [](const Tensor& t) { return static_cast<int>(t.dtype()); })
      .def_property_readonly("shape", [](const Tensor& t) { return t.shape(); })
      .def("__repr__", [](const Tensor& t) { return t.debug_string(); })
      .def("numpy_bytes",
           [](const Tensor& t) {
             return py::bytes(static_cast<const char*>(t.raw()), t.byte_size());
           })
      .def("strings", [](const Tensor& t) { return t.string_data(); });
  // A numeric tensor from raw bytes in row-major order (numpy's tobytes()).
  m.def("make_tensor", [](int dtype, std::vector<int64_t> shape, const py::bytes& data) {
    Tensor t(static_cast<DataType>(dtype), std::move(shape));
    std::string_view bytes = data;
    if (bytes.size() != t.byte_size())
      throw Error(Code::kInvalidArgument, "tensor data size does not match its shape");
    if (!bytes.empty()) std::memcpy(t.raw(), bytes.data(), bytes.size());
    return t;
  });
  // Python scalars, the most common literal, without a trip through numpy.
  m.def("scalar_float32", [](double v) { return Tensor::scalar(static_cast<float>(v)); });
  m.def("scalar_int32", [](int32_t v) { return Tensor::scalar(v); });
  m.def("scalar_bool", [](bool v) { return Tensor::scalar(v); });
  m.def("make_string_tensor", [](std::vector<std::string> values, std::vector<int64_t> shape) {
    return Tensor::strings(std::move(values), std::move(shape));
  });

  auto msg = m.def_submodule("messages", "TensorFlow's error texts (C++ catalogue)");
  msg.def("name_scope_default_name_not_string", &messages::name_scope_default_name_not_string);
  msg.def("name_scope_missing_name", &messages::name_scope_missing_name);
  msg.def("variable_scope_requires_name", &messages::variable_scope_requires_name);
  msg.def("reuse_parameter_invalid", &messages::reuse_parameter_invalid);
  msg.def("auxiliary_name_scope_not_bool", &messages::auxiliary_name_scope_not_bool);
  msg.def("name_or_scope_wrong_type", &messages::name_or_scope_wrong_type);
  msg.def("custom_getter_not_callable", &messages::custom_getter_not_callable);
  msg.def("variable_collections_type", &messages::variable_collections_type);
  msg.def("reset_nested_graph", &messages::reset_nested_graph);
  msg.def("literal_type_mismatch", &messages::literal_type_mismatch);
  msg.def("tensor_conversion_dtype", &messages::tensor_conversion_dtype);
  msg.def("initial_value_required", &messages::initial_value_required);
  msg.def("dtype_not_convertible", &messages::dtype_not_convertible);
  msg.def("shape_as_list_unknown", &messages::shape_as_list_unknown);
  msg.def("shapes_not_compatible", &messages::shapes_not_compatible);
  msg.def("shape_len_unknown", &messages::shape_len_unknown);
  msg.def("shape_iter_unknown", &messages::shape_iter_unknown);
  msg.def("node_def_unavailable", &messages::node_def_unavailable);
  msg.def("tensor_as_bool", &messages::tensor_as_bool);
  msg.def("tensor_iter_unknown_shape", &messages::tensor_iter_unknown_shape);
  msg.def("tensor_iter_scalar", &messages::tensor_iter_scalar);
  msg.def("tensor_iter_unknown_first_dim", &messages::tensor_iter_unknown_first_dim);
  msg.def("different_graphs", &messages::different_graphs);
  msg.def("object_not_convertible", &messages::object_not_convertible);
  msg.def("operation_to_tensor", &messages::operation_to_tensor);
  msg.def("operation_name_type", &messages::operation_name_type);
  msg.def("tensor_name_type", &messages::tensor_name_type);
  msg.def("graph_element_type", &messages::graph_element_type);
  msg.def("scope_name_type", &messages::scope_name_type);
  msg.def("device_function_unsupported", &messages::device_function_unsupported);
  msg.def("control_input_type", &messages::control_input_type);
  msg.def("colocation_reset", &messages::colocation_reset);
  msg.def("colocation_ignore_existing_unsupported",
          &messages::colocation_ignore_existing_unsupported);
  msg.def("constant_shape_mismatch", &messages::constant_shape_mismatch);
  msg.def("too_many_elements", &messages::too_many_elements);
  msg.def("random_uniform_maxval", &messages::random_uniform_maxval);
  msg.def("variable_not_iterable", &messages::variable_not_iterable);
  msg.def("variable_scope_constructed", &messages::variable_scope_constructed);
}

}  // namespace scopeflow::py_bindings
