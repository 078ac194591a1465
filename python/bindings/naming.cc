// Bindings for scopes: VariableScope objects, the callbacks they carry, and the push/pop
// pairs behind Python's `with tf.name_scope(...)` and `with tf.variable_scope(...)`.
#include <pybind11/functional.h>

#include "common.h"

namespace scopeflow::py_bindings {

namespace {
std::optional<Reuse> reuse_from_py(const py::object& r) {
  if (r.is_none()) return std::nullopt;
  return static_cast<Reuse>(r.cast<int>());
}

VariableScopeOptions options_from_py(const py::dict& d) {
  VariableScopeOptions o;
  auto get = [&](const char* k) -> py::object {
    return d.contains(k) ? py::reinterpret_borrow<py::object>(d[k]) : py::none();
  };
  if (auto v = get("initializer"); !v.is_none()) o.initializer = v.cast<Initializer>();
  if (auto v = get("regularizer"); !v.is_none()) o.regularizer = v.cast<Regularizer>();
  if (auto v = get("partitioner"); !v.is_none()) o.partitioner = v.cast<Partitioner>();
  if (auto v = get("custom_getter"); !v.is_none()) o.custom_getter = v.cast<CustomGetter>();
  o.reuse = reuse_from_py(get("reuse"));
  if (auto v = get("dtype"); !v.is_none()) o.dtype = static_cast<DataType>(v.cast<int>());
  if (auto v = get("caching_device"); !v.is_none()) o.caching_device = v.cast<std::string>();
  if (auto v = get("use_resource"); !v.is_none()) o.use_resource = v.cast<bool>();
  if (auto v = get("auxiliary_name_scope"); !v.is_none()) o.auxiliary_name_scope = v.cast<bool>();
  return o;
}

py::object part_info_to_py(const PartitionInfo* p) {
  if (!p) return py::none();
  return py::make_tuple(p->full_shape, p->var_offset);
}
}  // namespace

void bind_naming(py::module_& m) {
  py::class_<Initializer>(m, "Initializer")
      // thunk(shape list or None, dtype int or None, (full_shape, offset) or None) returns an
      // Output or a Tensor; it runs with `<var>/Initializer/` as the current scope.
      .def_static("from_callable",
                  [](py::function thunk, bool accepts_no_args, py::object user) {
                    Initializer i;
                    i.accepts_no_args = accepts_no_args;
                    i.user_object = hold(user);
                    i.fn = [thunk](const Scope&, const PartialShape& shape, DataType dtype,
                                   const PartitionInfo* part) -> Input {
                      py::object dt = dtype == DataType::kInvalid
                                          ? py::object(py::none())
                                          : py::object(py::int_(static_cast<int>(dtype)));
                      py::object sh =
                          shape.fully_defined() ? shape_to_py(shape) : py::object(py::none());
                      py::object r = thunk(sh, dt, part_info_to_py(part));
                      return input_from_py(r);
                    };
                    return i;
                  })
      .def_static("from_tensor",
                  [](const Output& t, py::object user) {
                    Initializer i = Initializer::from_tensor(t);
                    i.user_object = hold(user);
                    return i;
                  })
      .def_static("from_value",
                  [](const Tensor& v, py::object user) {
                    Initializer i = Initializer::from_value(v);
                    i.user_object = hold(user);
                    return i;
                  })
      .def("with_user",
           [](Initializer i, py::object user) {
             i.user_object = hold(user);
             return i;
           })
      .def("callable", &Initializer::callable)
      .def_property_readonly("user", [](const Initializer& i) { return held(i.user_object); })
      // Calls a built-in initializer directly (Python's `init(shape, dtype)`), building in the
      // current scope of `graph`.
      .def("__call__", [](const Initializer& i, Graph& g, py::object shape, int dtype) {
        if (!i.callable()) throw Error(Code::kTypeMismatch, "initializer is not callable");
        Scope s = current_scope(g);
        Input in = i.fn(s, shape_from_py(shape), static_cast<DataType>(dtype), nullptr);
        return ops::convert_to_tensor(s, in, "Const", static_cast<DataType>(dtype));
      });
  m.def("init_variance_scaling", &init::variance_scaling);
  m.def("init_zeros", &init::zeros);
  m.def("init_ones", &init::ones);
  m.def("init_constant", &init::constant);
  m.def("init_random_uniform", &init::random_uniform);
  m.def("init_random_normal", &init::random_normal);
  m.def("init_truncated_normal", &init::truncated_normal);

  py::class_<Regularizer>(m, "Regularizer")
      .def_static("from_callable",
                  [](py::function thunk, py::object user) {
                    Regularizer r;
                    r.user_object = hold(user);
                    r.fn = [thunk](const Scope&, const Variable& v) -> std::optional<Output> {
                      py::object out = thunk(v);
                      if (out.is_none()) return std::nullopt;
                      return out.cast<Output>();
                    };
                    return r;
                  })
      .def_property_readonly("user", [](const Regularizer& r) { return held(r.user_object); });

  py::class_<Partitioner>(m, "Partitioner")
      .def_static("from_callable",
                  [](py::function thunk, py::object user) {
                    Partitioner p;
                    p.user_object = hold(user);
                    p.fn = [thunk](const PartialShape& shape, DataType dtype) {
                      return thunk(shape_to_py(shape), static_cast<int>(dtype))
                          .cast<std::vector<int64_t>>();
                    };
                    return p;
                  })
      .def_property_readonly("user", [](const Partitioner& p) { return held(p.user_object); });

  py::class_<GetterArgs>(m, "GetterArgs")
      .def(py::init<>())
      .def_readwrite("name", &GetterArgs::name)
      .def_property(
          "shape",
          [](const GetterArgs& a) -> py::object {
            if (!a.shape) return py::none();
            return shape_to_py(*a.shape);
          },
          [](GetterArgs& a, py::object s) {
            if (s.is_none())
              a.shape.reset();
            else
              a.shape = shape_from_py(s);
          })
      .def_property(
          "dtype",
          [](const GetterArgs& a) -> py::object {
            if (!a.dtype) return py::none();
            return py::int_(static_cast<int>(*a.dtype));
          },
          [](GetterArgs& a, py::object d) {
            if (d.is_none())
              a.dtype.reset();
            else
              a.dtype = static_cast<DataType>(d.cast<int>());
          })
      .def_readwrite("initializer", &GetterArgs::initializer)
      .def_readwrite("regularizer", &GetterArgs::regularizer)
      .def_property(
          "reuse", [](const GetterArgs& a) { return static_cast<int>(a.reuse); },
          [](GetterArgs& a, int r) { a.reuse = static_cast<Reuse>(r); })
      .def_readwrite("trainable", &GetterArgs::trainable)
      .def_readwrite("collections", &GetterArgs::collections)
      .def_readwrite("caching_device", &GetterArgs::caching_device)
      .def_readwrite("partitioner", &GetterArgs::partitioner)
      .def_readwrite("validate_shape", &GetterArgs::validate_shape)
      .def_readwrite("use_resource", &GetterArgs::use_resource)
      .def_property(
          "synchronization",
          [](const GetterArgs& a) { return static_cast<int>(a.synchronization); },
          [](GetterArgs& a, int s) { a.synchronization = static_cast<Synchronization>(s); })
      .def_readwrite("aggregation", &GetterArgs::aggregation)
      .def_readwrite("defined_at", &GetterArgs::defined_at);

  py::class_<VariableResult>(m, "VariableResult")
      .def(py::init<>())
      .def_readwrite("variable", &VariableResult::variable)
      .def_readwrite("partitioned", &VariableResult::partitioned)
      .def_readwrite("tensor", &VariableResult::tensor)
      .def_property(
          "user", [](const VariableResult& r) { return held(r.user_object); },
          [](VariableResult& r, py::object o) { r.user_object = o.is_none() ? nullptr : hold(o); });

  py::class_<CustomGetter>(m, "CustomGetter")
      // thunk(next, args) returns a VariableResult; `next` is a callable taking GetterArgs.
      .def_static("from_callable",
                  [](py::function thunk, py::object user) {
                    CustomGetter c;
                    c.user_object = hold(user);
                    c.fn = [thunk](const Getter& next, const GetterArgs& args) {
                      return thunk(py::cpp_function(Getter(next)), args).cast<VariableResult>();
                    };
                    return c;
                  })
      .def_property_readonly("user", [](const CustomGetter& c) { return held(c.user_object); });

  py::class_<VariableScope>(m, "VariableScope")
      .def_property_readonly(
          "id", [](const VariableScope& v) { return reinterpret_cast<uintptr_t>(v.id()); })
      .def_property_readonly("name", &VariableScope::name)
      .def_property_readonly("original_name_scope", &VariableScope::original_name_scope)
      .def_property_readonly("reuse",
                             [](const VariableScope& v) { return static_cast<int>(v.reuse()); })
      .def("reuse_variables", &VariableScope::reuse_variables)
      .def_property_readonly("dtype",
                             [](const VariableScope& v) { return static_cast<int>(v.dtype()); })
      .def_property_readonly("initializer",
                             [](const VariableScope& v) -> py::object {
                               return v.initializer() ? held(v.initializer()->user_object)
                                                      : py::none();
                             })
      .def_property_readonly("regularizer",
                             [](const VariableScope& v) -> py::object {
                               return v.regularizer() ? held(v.regularizer()->user_object)
                                                      : py::none();
                             })
      .def_property_readonly("partitioner",
                             [](const VariableScope& v) -> py::object {
                               return v.partitioner() ? held(v.partitioner()->user_object)
                                                      : py::none();
                             })
      .def_property_readonly("custom_getter",
                             [](const VariableScope& v) -> py::object {
                               return v.custom_getter() ? held(v.custom_getter()->user_object)
                                                        : py::none();
                             })
      .def_property_readonly("caching_device",
                             [](const VariableScope& v) -> py::object {
                               return v.caching_device() ? py::cast(*v.caching_device())
                                                         : py::none();
                             })
      .def_property_readonly("use_resource",
                             [](const VariableScope& v) -> py::object {
                               return v.use_resource() ? py::cast(*v.use_resource()) : py::none();
                             })
      .def("set_initializer",
           [](const VariableScope& v, std::optional<Initializer> i) { v.set_initializer(i); })
      .def("set_regularizer",
           [](const VariableScope& v, std::optional<Regularizer> r) { v.set_regularizer(r); })
      .def("set_partitioner",
           [](const VariableScope& v, std::optional<Partitioner> p) { v.set_partitioner(p); })
      .def("set_custom_getter",
           [](const VariableScope& v, std::optional<CustomGetter> c) { v.set_custom_getter(c); })
      .def("set_dtype",
           [](const VariableScope& v, int t) { v.set_dtype(static_cast<DataType>(t)); })
      .def("set_caching_device",
           [](const VariableScope& v, std::optional<std::string> d) { v.set_caching_device(d); })
      .def("set_use_resource",
           [](const VariableScope& v, std::optional<bool> u) { v.set_use_resource(u); });

  m.def("current_variable_scope", [](Graph& g) { return current_scope(g).variable_scope(); });
  m.def("push_name_scope", [](Graph& g, std::optional<std::string> name) {
    internal::Pushed p =
        internal::push_name_scope(g, name ? std::optional<std::string_view>(*name) : std::nullopt);
    return py::make_tuple(p.token, std::string(p.scope.name_scope_string()));
  });
  m.def("push_variable_scope", [](Graph& g, py::object name_or_scope, py::dict options) {
    VariableScopeOptions o = options_from_py(options);
    internal::Pushed p =
        py::isinstance<VariableScope>(name_or_scope)
            ? internal::push_variable_scope(g, name_or_scope.cast<VariableScope>(), o)
            : internal::push_variable_scope(g, name_or_scope.cast<std::string>(), o);
    return py::make_tuple(p.token, p.scope.variable_scope());
  });
  m.def("push_default_variable_scope",
        [](Graph& g, const std::string& default_name, py::dict options) {
          internal::Pushed p =
              internal::push_default_variable_scope(g, default_name, options_from_py(options));
          return py::make_tuple(p.token, p.scope.variable_scope());
        });
  m.def("pop_scope", [](Graph& g, uint64_t token) { internal::pop_scope(g, token); });
  m.def("push_device", [](Graph& g, std::optional<std::string> device) {
    Scope s = current_scope(g).with_device(device ? std::optional<std::string_view>(*device)
                                                  : std::nullopt);
    return internal::push_scope(s).token;
  });
  m.def("push_colocation", [](Graph& g, const Operation& op, bool ignore_existing) {
    return internal::push_scope(current_scope(g).colocate_with(op, ignore_existing)).token;
  });
  m.def("push_control_dependencies", [](Graph& g, std::optional<std::vector<Operation>> ops) {
    Scope cur = current_scope(g);
    Scope s = ops ? cur.with_control_dependencies(*ops) : cur.without_control_dependencies();
    return internal::push_scope(s).token;
  });
}

}  // namespace scopeflow::py_bindings
