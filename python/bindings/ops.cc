// Bindings for op builders: each runs in the current scope of the given graph.
#include "common.h"

namespace scopeflow::py_bindings {

namespace {
// A new single-output op's output with its op index, so Python wraps it without lookups.
py::tuple fresh(const Output& o) { return py::make_tuple(o, o.op().index()); }
}  // namespace

void bind_ops(py::module_& m) {
  m.def("constant", [](Graph& g, const Tensor& v, const std::string& name) {
    return fresh(ops::constant(current_scope(g), v, name));
  });
  m.def("convert_to_tensor",
        [](Graph& g, py::object v, const std::string& name, std::optional<int> dtype) {
          std::optional<DataType> t;
          if (dtype) t = static_cast<DataType>(*dtype);
          return ops::convert_to_tensor(current_scope(g), input_from_py(v), name, t);
        });
  m.def("placeholder", [](Graph& g, int dtype, py::object shape, const std::string& name) {
    return fresh(ops::placeholder(current_scope(g), static_cast<DataType>(dtype),
                                  shape_from_py(shape), name));
  });
  m.def("identity", [](Graph& g, py::object x, const std::string& name) {
    return fresh(ops::identity(current_scope(g), input_from_py(x), name));
  });
  m.def("unstack", [](Graph& g, py::object v, int64_t num, int64_t axis, const std::string& name) {
    return ops::unstack(current_scope(g), input_from_py(v), num, axis, name);
  });
  m.def("fill", [](Graph& g, py::object dims, py::object value, const std::string& name) {
    return ops::fill(current_scope(g), input_from_py(dims), input_from_py(value), name);
  });
  m.def("zeros", [](Graph& g, std::vector<int64_t> shape, int dtype, const std::string& name) {
    return ops::zeros(current_scope(g), shape, static_cast<DataType>(dtype), name);
  });
  m.def("ones", [](Graph& g, std::vector<int64_t> shape, int dtype, const std::string& name) {
    return ops::ones(current_scope(g), shape, static_cast<DataType>(dtype), name);
  });

  using Binary = Output (*)(const Scope&, const Input&, const Input&, std::string_view);
  auto binary = [&m](const char* py_name, Binary fn) {
    // Two tensors, the common case, first: pybind11 matches it without generic conversions.
    m.def(py_name, [fn](Graph& g, const Output& x, const Output& y, const std::string& name) {
      return fresh(fn(current_scope(g), x, y, name));
    });
    m.def(py_name, [fn](Graph& g, py::object x, py::object y, const std::string& name) {
      return fresh(fn(current_scope(g), input_from_py(x), input_from_py(y), name));
    });
  };
  binary("add", &ops::add);
  binary("add_v2", &ops::add_v2);
  binary("sub", &ops::sub);
  binary("mul", &ops::mul);
  binary("real_div", &ops::real_div);

  using Operator = Output (*)(const Scope&, const Input&, const Input&, bool);
  auto op = [&m](const char* py_name, Operator fn) {
    m.def(py_name, [fn](Graph& g, const Output& x, const Output& y, bool reflected) {
      return fresh(fn(current_scope(g), x, y, reflected));
    });
    m.def(py_name, [fn](Graph& g, py::object x, py::object y, bool reflected) {
      return fresh(fn(current_scope(g), input_from_py(x), input_from_py(y), reflected));
    });
  };
  op("operator_add", &ops::operator_add);
  op("operator_sub", &ops::operator_sub);
  op("operator_mul", &ops::operator_mul);
  op("operator_truediv", &ops::operator_truediv);

  m.def("random_uniform", [](Graph& g, std::vector<int64_t> shape, double lo, double hi, int dtype,
                             std::optional<int64_t> seed, const std::string& name) {
    return ops::random_uniform(current_scope(g), shape, lo, hi, static_cast<DataType>(dtype), seed,
                               name);
  });
  m.def("random_normal", [](Graph& g, std::vector<int64_t> shape, double mean, double sd, int dtype,
                            std::optional<int64_t> seed, const std::string& name) {
    return ops::random_normal(current_scope(g), shape, mean, sd, static_cast<DataType>(dtype), seed,
                              name);
  });
  m.def("truncated_normal", [](Graph& g, std::vector<int64_t> shape, double mean, double sd,
                               int dtype, std::optional<int64_t> seed, const std::string& name) {
    return ops::truncated_normal(current_scope(g), shape, mean, sd, static_cast<DataType>(dtype),
                                 seed, name);
  });
  m.def("assign", [](Graph& g, const Output& ref, py::object value, bool validate_shape,
                     const std::string& name) {
    return ops::assign(current_scope(g), ref, input_from_py(value), validate_shape, name);
  });
}

}  // namespace scopeflow::py_bindings
