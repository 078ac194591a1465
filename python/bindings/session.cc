// Bindings for running graphs: the generic op builder, Session, and numpy conversion.
#include <pybind11/numpy.h>

#include "common.h"

namespace scopeflow::py_bindings {

namespace {

// numpy's format character for a dtype; nullptr when numpy has no plain equivalent.
const char* numpy_format(DataType t) {
  switch (t) {
    case DataType::kFloat:
      return "f4";
    case DataType::kDouble:
      return "f8";
    case DataType::kInt32:
      return "i4";
    case DataType::kInt64:
      return "i8";
    case DataType::kBool:
      return "?";
    case DataType::kUInt8:
      return "u1";
    case DataType::kInt8:
      return "i1";
    case DataType::kInt16:
      return "i2";
    case DataType::kUInt16:
      return "u2";
    case DataType::kUInt32:
      return "u4";
    case DataType::kUInt64:
      return "u8";
    case DataType::kHalf:
      return "f2";
    case DataType::kComplex64:
      return "c8";
    case DataType::kComplex128:
      return "c16";
    default:
      return nullptr;
  }
}

py::object to_numpy(const Tensor& t) {
  std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
  if (t.dtype() == DataType::kString) {
    py::array out(py::dtype("O"), shape);
    py::object flat = out.attr("reshape")(-1);
    const auto& s = t.string_data();
    for (size_t i = 0; i < s.size(); ++i)
      flat.attr("__setitem__")(i, py::bytes(s[i]));
    return out;
  }
  const char* fmt = numpy_format(t.dtype());
  if (!fmt) throw Error(Code::kUnimplemented, "No numpy type for dtype " + dtype_name(t.dtype()));
  py::array out(py::dtype(fmt), shape);
  if (t.byte_size()) std::memcpy(out.mutable_data(), t.raw(), t.byte_size());
  return out;
}

Tensor from_numpy(const py::array& a, DataType dtype) {
  std::vector<int64_t> shape(a.shape(), a.shape() + a.ndim());
  if (dtype == DataType::kString) {
    std::vector<std::string> values;
    for (auto item : a.attr("reshape")(-1)) {
      if (py::isinstance<py::bytes>(item))
        values.push_back(item.cast<std::string>());
      else
        values.push_back(py::str(item).cast<std::string>());
    }
    return Tensor::strings(std::move(values), std::move(shape));
  }
  py::array c = py::array::ensure(a, py::array::c_style | py::array::forcecast);
  Tensor t = Tensor::uninitialized(dtype, shape);
  if (static_cast<size_t>(c.nbytes()) != t.byte_size())
    throw Error(Code::kInvalidArgument, "numpy value has the wrong element size for " +
                                            dtype_name(dtype));
  if (t.byte_size()) std::memcpy(t.raw(), c.data(), t.byte_size());
  return t;
}

// Python attr values: bool, int, float, str, DType, TensorShape, core Tensor, and lists.
AttrValue attr_from_py(const py::handle& v) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::int_>(v)) return v.cast<int64_t>();
  if (py::isinstance<py::float_>(v)) return v.cast<float>();
  if (py::isinstance<py::str>(v) || py::isinstance<py::bytes>(v)) return v.cast<std::string>();
  if (py::isinstance<Tensor>(v)) return v.cast<Tensor>();
  if (py::hasattr(v, "as_datatype_enum"))
    return static_cast<DataType>(v.attr("as_datatype_enum").cast<int>());
  if (py::hasattr(v, "_as_core")) return shape_from_py(v.attr("_as_core")());
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    py::sequence seq = py::reinterpret_borrow<py::sequence>(v);
    if (seq.size() == 0) return std::vector<int64_t>{};
    py::handle first = seq[0];
    if (py::isinstance<py::bool_>(first)) return seq.cast<std::vector<bool>>();
    if (py::isinstance<py::int_>(first)) return seq.cast<std::vector<int64_t>>();
    if (py::isinstance<py::float_>(first)) return seq.cast<std::vector<float>>();
    if (py::isinstance<py::str>(first)) return seq.cast<std::vector<std::string>>();
    if (py::hasattr(first, "as_datatype_enum")) {
      std::vector<DataType> out;
      for (auto x : seq) out.push_back(static_cast<DataType>(x.attr("as_datatype_enum").cast<int>()));
      return out;
    }
    if (py::hasattr(first, "_as_core")) {
      std::vector<PartialShape> out;
      for (auto x : seq) out.push_back(shape_from_py(x.attr("_as_core")()));
      return out;
    }
  }
  throw Error(Code::kTypeMismatch,
              "Unsupported attr value: " + py::repr(v).cast<std::string>());
}

}  // namespace

void bind_session(py::module_& m) {
  m.def(
      "create_op",
      [](Graph& g, const std::string& type, const std::string& name, std::vector<Output> inputs,
         py::dict attrs, std::vector<Operation> control_inputs) {
        std::vector<Attr> as;
        as.reserve(attrs.size());
        for (auto [k, v] : attrs) as.push_back(Attr{k.cast<std::string>(), attr_from_py(v)});
        return ops::create(current_scope(g), type, name, inputs, as, control_inputs).index();
      },
      py::arg("graph"), py::arg("type"), py::arg("name"), py::arg("inputs"), py::arg("attrs"),
      py::arg("control_inputs") = std::vector<Operation>{});
  m.def("registered_op_types", &registered_op_types);
  // tf.cond: each Python branch is called with the cond's scope made current on this thread,
  // so the Python op functions (which build in the current scope) land in the branch.
  m.def("cond", [](Graph& g, const Output& pred, py::function true_fn, py::function false_fn,
                   const std::string& name) {
    auto branch = [](py::function fn) {
      return ops::BranchFn([fn](const Scope& s) {
        ScopeGuard guard(s);
        return fn().cast<std::vector<Output>>();
      });
    };
    return ops::cond(current_scope(g), pred, branch(true_fn), branch(false_fn), name);
  });
  m.def("to_numpy", &to_numpy);
  m.def("from_numpy", [](const py::array& a, int dtype) {
    return from_numpy(a, static_cast<DataType>(dtype));
  });

  py::class_<runtime::Session>(m, "Session")
      .def(py::init<std::shared_ptr<Graph>>())
      .def(
          "run",
          [](runtime::Session& s, const std::vector<Output>& feed_tensors, const py::list& values,
             const std::vector<Output>& fetches, const std::vector<Operation>& targets) {
            std::vector<runtime::Session::Feed> feeds;
            feeds.reserve(feed_tensors.size());
            for (size_t i = 0; i < feed_tensors.size(); ++i) {
              const DataType t = base_dtype(feed_tensors[i].dtype());
              py::handle v = values[i];
              feeds.emplace_back(feed_tensors[i],
                                 py::isinstance<Tensor>(v)
                                     ? v.cast<Tensor>()
                                     : from_numpy(py::array::ensure(v), t));
            }
            std::vector<Tensor> out;
            {
              py::gil_scoped_release release;
              out = s.run(feeds, fetches, targets);
            }
            py::list result;
            for (const Tensor& t : out) result.append(to_numpy(t));
            return result;
          })
      .def("close", &runtime::Session::close)
      .def_property_readonly("num_plans", &runtime::Session::num_plans);
}

}  // namespace scopeflow::py_bindings
