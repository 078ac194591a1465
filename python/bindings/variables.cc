// Bindings for tf.Variable and tf.get_variable.
#include <pybind11/functional.h>

#include "common.h"

namespace scopeflow::py_bindings {

namespace {
std::optional<std::vector<std::string>> collections_from_py(const py::object& c) {
  if (c.is_none()) return std::nullopt;
  return c.cast<std::vector<std::string>>();
}
}  // namespace

void bind_variables(py::module_& m) {
  m.def("make_variable",
        [](Graph& g, const Initializer& init, const std::string& name, py::object trainable,
           py::object collections, bool validate_shape, py::object dtype, int synchronization,
           std::function<std::string()> defined_at) {
          VariableOptions o;
          o.name = name;
          if (!trainable.is_none()) o.trainable = trainable.cast<bool>();
          o.collections = collections_from_py(collections);
          o.validate_shape = validate_shape;
          if (!dtype.is_none()) o.dtype = static_cast<DataType>(dtype.cast<int>());
          o.synchronization = static_cast<Synchronization>(synchronization);
          o.defined_at = defined_at;
          return make_variable(current_scope(g), init, o);
        });

  m.def("partitioned_value", [](Graph& g, const PartitionedVariable& v) {
    return partitioned_value(current_scope(g), v);
  });
  m.def("get_variable",
        [](Graph& g, const std::string& name, py::object shape, py::object dtype,
           std::optional<Initializer> initializer, std::optional<Regularizer> regularizer,
           py::object trainable, py::object collections, py::object caching_device,
           std::optional<Partitioner> partitioner, bool validate_shape, py::object use_resource,
           std::optional<CustomGetter> custom_getter, int synchronization, int aggregation,
           std::function<std::string()> defined_at) {
          GetVariableOptions o;
          if (!shape.is_none()) o.shape = shape_from_py(shape);
          if (!dtype.is_none()) o.dtype = static_cast<DataType>(dtype.cast<int>());
          o.initializer = std::move(initializer);
          o.regularizer = std::move(regularizer);
          if (!trainable.is_none()) o.trainable = trainable.cast<bool>();
          o.collections = collections_from_py(collections);
          if (!caching_device.is_none()) o.caching_device = caching_device.cast<std::string>();
          o.partitioner = std::move(partitioner);
          o.validate_shape = validate_shape;
          if (!use_resource.is_none()) o.use_resource = use_resource.cast<bool>();
          o.custom_getter = std::move(custom_getter);
          o.synchronization = static_cast<Synchronization>(synchronization);
          o.aggregation = aggregation;
          o.defined_at = defined_at;
          return get_variable_result(current_scope(g), name, std::move(o));
        });
}

}  // namespace scopeflow::py_bindings
