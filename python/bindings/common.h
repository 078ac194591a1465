// Shared helpers of the pybind11 bindings: conversions between Python and scopeflow values.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>

#include "scopeflow/scopeflow.h"

namespace scopeflow::py_bindings {

namespace py = pybind11;

/// Holds a Python object inside C++ state (an initializer, a getter...) with a deleter that
/// takes the GIL, so the object can die from any thread.
inline std::shared_ptr<void> hold(py::object obj) {
  return std::shared_ptr<void>(new py::object(std::move(obj)), [](void* p) {
    py::gil_scoped_acquire gil;
    delete static_cast<py::object*>(p);
  });
}
inline py::object held(const std::shared_ptr<void>& p) {
  if (!p) return py::none();
  return *static_cast<py::object*>(p.get());
}

/// None for an unknown rank, else a list with None for unknown dimensions.
inline py::object shape_to_py(const PartialShape& s) {
  if (!s.known_rank()) return py::none();
  py::list l;
  for (int64_t d : s.dims()) l.append(d < 0 ? py::object(py::none()) : py::object(py::int_(d)));
  return l;
}
inline PartialShape shape_from_py(const py::handle& h) {
  if (h.is_none()) return PartialShape::unknown();
  PartialShape::Dims d;
  for (auto item : h) d.push_back(item.is_none() ? -1 : item.cast<int64_t>());
  return PartialShape(std::move(d));
}

/// A Python-side op argument: a graph tensor (Output) or a converted value (Tensor).
inline Input input_from_py(const py::handle& h) {
  if (py::isinstance<Output>(h)) return Input(h.cast<Output>());
  return Input(h.cast<Tensor>(), /*literal=*/true);
}

void bind_base(py::module_& m);
void bind_graph(py::module_& m);
void bind_naming(py::module_& m);
void bind_ops(py::module_& m);
void bind_variables(py::module_& m);
void bind_session(py::module_& m);
void bind_train(py::module_& m);
void bind_viewer(py::module_& m);
void bind_summary(py::module_& m);
void bind_checkpoint(py::module_& m);
void bind_graph_io(py::module_& m);

}  // namespace scopeflow::py_bindings
