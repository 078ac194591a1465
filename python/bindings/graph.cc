// Bindings for Graph, Operation, Output and Variable handles, and collections.
#include "common.h"

namespace scopeflow::py_bindings {

namespace {
py::object attr_to_py(const AttrValue& v) {
  return std::visit(
      [](const auto& x) -> py::object {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, DataType>)
          return py::int_(static_cast<int>(x));
        else if constexpr (std::is_same_v<T, PartialShape>)
          return shape_to_py(x);
        else if constexpr (std::is_same_v<T, std::string>)
          return py::bytes(x);
        else if constexpr (std::is_same_v<T, Tensor>)
          return py::cast(x);
        else if constexpr (std::is_same_v<T, std::vector<DataType>>) {
          py::list l;
          for (auto t : x) l.append(static_cast<int>(t));
          return l;
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          py::list l;  // TF returns list(string) attrs as bytes
          for (const auto& s : x) l.append(py::bytes(s));
          return l;
        } else if constexpr (std::is_same_v<T, std::vector<PartialShape>>) {
          py::list l;
          for (auto& s : x) l.append(shape_to_py(s));
          return l;
        } else {
          return py::cast(x);
        }
      },
      v);
}
}  // namespace

void bind_graph(py::module_& m) {
  py::class_<Graph, std::shared_ptr<Graph>>(m, "Graph")
      .def(py::init<>())
      .def_property_readonly("id", &Graph::id)
      .def("num_operations", &Graph::num_operations)
      .def("operation", [](const Graph& g, size_t i) { return g.operation(i); })
      .def("find_operation",
           [](const Graph& g, const std::string& n) { return g.find_operation(n); })
      .def("get_operation_by_name",
           [](const Graph& g, const std::string& n) { return g.get_operation_by_name(n); })
      .def("get_tensor_by_name",
           [](const Graph& g, const std::string& n) { return g.get_tensor_by_name(n); })
      .def("unique_name", &Graph::unique_name, py::arg("name"), py::arg("mark_as_used") = true)
      .def("get_name_scope",
           [](Graph& g) -> py::object {
             Scope s = current_scope(g);
             if (s.name_stack_is_none()) return py::none();
             return py::str(std::string(s.name_stack()));
           })
      .def("collection_keys", &Graph::get_all_collection_keys)
      .def("clear_collection", &Graph::clear_collection)
      .def("num_variables", &Graph::num_variables)
      .def("arena_bytes", &Graph::arena_bytes)
      .def_property("seed", &Graph::seed, &Graph::set_seed)
      .def("finalize", &Graph::finalize)
      .def_property_readonly("finalized", &Graph::finalized);

  py::class_<Operation>(m, "Operation")
      .def_property_readonly("name", [](const Operation& o) { return std::string(o.name()); })
      .def_property_readonly("type", [](const Operation& o) { return std::string(o.type()); })
      .def_property_readonly("device", [](const Operation& o) { return std::string(o.device()); })
      .def_property_readonly("index", &Operation::index)
      .def_property_readonly("num_outputs", &Operation::num_outputs)
      .def("outputs", &Operation::outputs)
      .def("output", &Operation::output)
      .def("inputs", &Operation::inputs)
      .def("control_inputs", &Operation::control_inputs)
      .def("attr",
           [](const Operation& o, const std::string& key) -> py::object {
             std::optional<AttrValue> v = o.attr(key);
             if (!v) {
               throw py::value_error("Operation '" + std::string(o.name()) +
                                     "' has no attr named '" + key + "'.");
             }
             return attr_to_py(*v);
           })
      .def("attr_names",
           [](const Operation& o) {
             std::vector<std::string> names;
             for (auto& [k, v] : o.attrs()) names.emplace_back(k);
             return names;
           })
      .def("repr", &Operation::repr)
      .def("__eq__", [](const Operation& a, const Operation& b) { return a == b; })
      .def("__hash__", [](const Operation& o) { return std::hash<Operation>()(o); });

  py::class_<Output>(m, "Output")
      .def_property_readonly("name", &Output::name)
      .def_property_readonly("op", &Output::op)
      .def_property_readonly("index", &Output::index)
      .def_property_readonly("dtype", [](const Output& o) { return static_cast<int>(o.dtype()); })
      .def_property_readonly("shape", [](const Output& o) { return shape_to_py(o.shape()); })
      .def("set_shape", [](const Output& o, py::object s) { o.set_shape(shape_from_py(s)); })
      .def("str", &Output::str)
      .def("repr", &Output::repr)
      .def("__eq__", [](const Output& a, const Output& b) { return a == b; })
      .def("__hash__", [](const Output& o) { return std::hash<Output>()(o); });

  py::class_<Variable>(m, "Variable")
      .def_property_readonly("index", &Variable::index)
      .def_property_readonly("name", &Variable::name)
      .def_property_readonly("op", &Variable::op)
      .def_property_readonly("initializer", &Variable::initializer)
      .def_property_readonly("value", &Variable::value)
      .def_property_readonly("ref", &Variable::ref)
      .def_property_readonly("initial_value", &Variable::initial_value)
      .def_property_readonly("dtype", [](const Variable& v) { return static_cast<int>(v.dtype()); })
      .def_property_readonly("shape", [](const Variable& v) { return shape_to_py(v.shape()); })
      .def_property_readonly("trainable", &Variable::trainable)
      .def("repr", &Variable::repr);

  py::class_<PartitionedVariable>(m, "PartitionedVariable")
      .def_readonly("name", &PartitionedVariable::name)
      .def_property_readonly("shape",
                             [](const PartitionedVariable& p) { return shape_to_py(p.shape); })
      .def_property_readonly("dtype",
                             [](const PartitionedVariable& p) { return static_cast<int>(p.dtype); })
      .def_readonly("parts", &PartitionedVariable::parts)
      .def_readonly("partitions", &PartitionedVariable::partitions);

  // Collections: Python passes and receives (kind, payload, name) triples so that arbitrary
  // Python objects can live in a collection beside graph elements.
  m.def("add_to_collection",
        [](Graph& g, const std::string& key, py::object item, const std::string& name) {
          CollectionItem c;
          if (py::isinstance<Output>(item))
            c = CollectionItem::of(item.cast<Output>());
          else if (py::isinstance<Operation>(item))
            c = CollectionItem::of(item.cast<Operation>());
          else if (py::isinstance<Variable>(item))
            c = CollectionItem::of(item.cast<Variable>());
          else {
            c.kind = CollectionItem::Kind::kOther;
            c.user_object = hold(item);
            c.user_name = name;
          }
          g.add_to_collection(key, std::move(c));
        });
  m.def("get_collection", [](const Graph& g, const std::string& key) {
    py::list out;
    for (const CollectionItem& c : g.get_collection(key)) {
      switch (c.kind) {
        case CollectionItem::Kind::kOperation:
          out.append(py::cast(c.op));
          break;
        case CollectionItem::Kind::kTensor:
          out.append(py::cast(c.tensor));
          break;
        case CollectionItem::Kind::kVariable:
          out.append(py::cast(c.variable));
          break;
        default:
          out.append(held(c.user_object));
          break;
      }
    }
    return out;
  });

  m.def("default_graph", &default_graph_shared);
  m.def("reset_default_graph", &reset_default_graph);
  m.def("push_default_graph", [](std::shared_ptr<Graph> g) { internal::push_default_graph(g); });
  m.def("pop_default_graph",
        [](const std::shared_ptr<Graph>& g) { internal::pop_default_graph(g.get()); });
  m.def("default_graph_depth", &internal::default_graph_depth);
}

}  // namespace scopeflow::py_bindings
