// Bindings for V2 checkpoints: BundleReader/BundleWriter for saver.py's NewCheckpointReader,
// list_variables and load_variable. Failures raise _core.CheckpointError(tf_code, message),
// which saver.py turns into the tf.errors class TF raises.
#include "scopeflow/io/checkpoint.h"

#include <memory>

#include "common.h"

namespace scopeflow::py_bindings {

namespace {

PyObject* checkpoint_error_type = nullptr;

// TF's error codes (tf.errors.*: NOT_FOUND 5, DATA_LOSS 15, ...).
int tf_code(Code c) {
  switch (c) {
    case Code::kInvalidArgument:
    case Code::kTypeMismatch:
      return 3;
    case Code::kNotFound:
      return 5;
    case Code::kAlreadyExists:
      return 6;
    case Code::kFailedPrecondition:
      return 9;
    case Code::kOutOfRange:
      return 11;
    case Code::kUnimplemented:
      return 12;
    case Code::kDataLoss:
      return 15;
    case Code::kInternal:
      return 13;
  }
  return 2;  // UNKNOWN
}

// Runs `f`, turning a scopeflow::Error into _core.CheckpointError(code, message).
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    py::tuple args = py::make_tuple(tf_code(e.code()), std::string(e.what()));
    PyErr_SetObject(checkpoint_error_type, args.ptr());
    throw py::error_already_set();
  }
}

}  // namespace

void bind_checkpoint(py::module_& m) {
  checkpoint_error_type =
      PyErr_NewException("scopeflow._core.CheckpointError", PyExc_RuntimeError, nullptr);
  m.attr("CheckpointError") = py::handle(checkpoint_error_type);

  m.def("checkpoint_exists", [](const std::string& p) { return io::checkpoint_exists(p); });
  m.def("checkpoint_index_path", [](const std::string& p) { return io::checkpoint_index_path(p); });
  m.def("checkpoint_data_path", [](const std::string& p, int shard, int num) {
    return io::checkpoint_data_path(p, shard, num);
  });

  py::class_<io::BundleReader, std::shared_ptr<io::BundleReader>>(m, "BundleReader")
      .def(py::init([](const std::string& prefix) {
             return guarded([&] {
               py::gil_scoped_release nogil;
               return std::make_shared<io::BundleReader>(prefix);
             });
           }),
           py::arg("prefix"))
      .def_property_readonly("prefix", &io::BundleReader::prefix)
      .def("keys",
           [](const io::BundleReader& r) {
             std::vector<std::string> out;
             out.reserve(r.entries().size());
             for (const io::BundleEntry& e : r.entries()) out.push_back(e.key);
             return out;
           })
      // (key, dtype enum, shape, number of slices) per entry, sorted by key.
      .def("entries",
           [](const io::BundleReader& r) {
             py::list out;
             for (const io::BundleEntry& e : r.entries())
               out.append(py::make_tuple(e.key, static_cast<int>(e.dtype), e.shape, e.num_slices));
             return out;
           })
      .def("contains", &io::BundleReader::contains)
      .def("read",
           [](const io::BundleReader& r, const std::string& key) {
             return guarded([&] {
               py::gil_scoped_release nogil;
               return r.read(key);
             });
           })
      .def("debug_string", [](const io::BundleReader& r) { return py::bytes(r.debug_string()); });

  // Writes a checkpoint from (key, Tensor) pairs (tests and tools; the Saver writes through
  // the SaveV2 kernel).
  m.def(
      "write_checkpoint",
      [](const std::string& prefix, const std::vector<std::pair<std::string, Tensor>>& tensors,
         bool sync) {
        guarded([&] {
          py::gil_scoped_release nogil;
          io::BundleWriter w(prefix, io::BundleWriterOptions{.sync = sync});
          for (const auto& [k, t] : tensors) w.add(k, t);
          w.finish();
          return 0;
        });
      },
      py::arg("prefix"), py::arg("tensors"), py::arg("sync") = true);
}

}  // namespace scopeflow::py_bindings
