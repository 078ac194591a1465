// The _core extension module: registers every binding area and the exception translator.
#include "common.h"

namespace scopeflow::py_bindings {
namespace {
void translate(const Error& e) {
  switch (e.code()) {
    case Code::kInvalidArgument:
    case Code::kAlreadyExists:
      PyErr_SetString(PyExc_ValueError, e.what());
      return;
    case Code::kTypeMismatch:
      PyErr_SetString(PyExc_TypeError, e.what());
      return;
    case Code::kNotFound:
      PyErr_SetString(PyExc_KeyError, e.what());
      return;
    case Code::kOutOfRange:
      PyErr_SetString(PyExc_IndexError, e.what());
      return;
    case Code::kUnimplemented:
      PyErr_SetString(PyExc_NotImplementedError, e.what());
      return;
    case Code::kFailedPrecondition:
    case Code::kDataLoss:
    case Code::kInternal:
      PyErr_SetString(PyExc_RuntimeError, e.what());
      return;
  }
  PyErr_SetString(PyExc_RuntimeError, e.what());
}
}  // namespace
}  // namespace scopeflow::py_bindings

PYBIND11_MODULE(_core, m) {
  using namespace scopeflow::py_bindings;
  m.doc() = "scopeflow's C++ core (use the `scopeflow` package, not this module)";
  // Raised with (code, message, node, full text) for kernel errors in Session.run.
  static PyObject* op_error_type =
      PyErr_NewException("scopeflow._core.OpError", PyExc_RuntimeError, nullptr);
  m.attr("OpError") = py::handle(op_error_type);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const scopeflow::runtime::OpError& e) {
      // Session.run's kernel errors: session.py turns these into tf.errors classes.
      py::tuple args = py::make_tuple(static_cast<int>(e.run_code()), e.detail(), e.node(),
                                      std::string(e.what()));
      PyErr_SetObject(op_error_type, args.ptr());
    } catch (const scopeflow::Error& e) {
      translate(e);
    }
  });
  bind_base(m);
  bind_graph(m);
  bind_naming(m);
  bind_ops(m);
  bind_variables(m);
  bind_session(m);
  bind_train(m);
  bind_viewer(m);
  bind_summary(m);
  bind_checkpoint(m);
  bind_graph_io(m);
}
