// Bindings for tf.summary: the summary op builders (in the current scope of the given graph),
// the event-file writer and reader. File errors become tf.errors classes, as TF raises them.
#include "common.h"
#include "scopeflow/io/events.h"
#include "scopeflow/ops/summary_ops.h"

namespace scopeflow::py_bindings {

namespace {

summary::Options options_from_py(const std::optional<std::vector<std::string>>& collections,
                                 const std::optional<std::string>& family) {
  summary::Options o;
  o.collections = collections;
  o.family = family;
  return o;
}

// Runs `f`; a damaged or missing file raises tf.errors.DataLossError / NotFoundError (what
// TF's record reader raises), other errors take the module's usual translation.
template <typename F>
auto file_call(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    const char* cls = e.code() == Code::kDataLoss   ? "DataLossError"
                      : e.code() == Code::kNotFound ? "NotFoundError"
                                                    : nullptr;
    if (!cls) throw;
    py::object type = py::module_::import("scopeflow.errors").attr(cls);
    py::object err = type(py::none(), py::none(), std::string(e.what()));
    PyErr_SetObject(type.ptr(), err.ptr());
    throw py::error_already_set();
  }
}

std::string_view view(const py::bytes& b) {
  char* data = nullptr;
  Py_ssize_t size = 0;
  PyBytes_AsStringAndSize(b.ptr(), &data, &size);
  return std::string_view(data, static_cast<size_t>(size));
}

}  // namespace

void bind_summary(py::module_& m) {
  using Collections = std::optional<std::vector<std::string>>;
  m.def("summary_scalar", [](Graph& g, const std::string& name, py::object tensor,
                             Collections collections, std::optional<std::string> family) {
    return summary::scalar(current_scope(g), name, input_from_py(tensor),
                           options_from_py(collections, family));
  });
  m.def("summary_histogram", [](Graph& g, const std::string& name, py::object values,
                                Collections collections, std::optional<std::string> family) {
    return summary::histogram(current_scope(g), name, input_from_py(values),
                              options_from_py(collections, family));
  });
  m.def("summary_image",
        [](Graph& g, const std::string& name, py::object tensor, int64_t max_outputs,
           Collections collections, std::optional<std::string> family) {
          return summary::image(current_scope(g), name, input_from_py(tensor), max_outputs,
                                options_from_py(collections, family));
        });
  m.def("summary_audio", [](Graph& g, const std::string& name, py::object tensor,
                            py::object sample_rate, int64_t max_outputs, Collections collections,
                            std::optional<std::string> family) {
    return summary::audio(current_scope(g), name, input_from_py(tensor), input_from_py(sample_rate),
                          max_outputs, options_from_py(collections, family));
  });
  m.def("summary_tensor",
        [](Graph& g, const std::string& name, py::object tensor, const py::bytes& metadata,
           Collections collections, std::optional<std::string> family) {
          return summary::tensor_summary(current_scope(g), name, input_from_py(tensor),
                                         view(metadata), options_from_py(collections, family));
        });
  m.def("summary_merge",
        [](Graph& g, const std::vector<Output>& inputs, const std::vector<std::string>& collections,
           std::optional<std::string> name) {
          std::optional<std::string_view> n;
          if (name) n = *name;
          return summary::merge(current_scope(g), inputs, collections, n);
        });
  m.def("summary_merge_all",
        [](Graph& g, const std::string& key, std::optional<std::string> scope,
           std::optional<std::string> name) -> std::optional<Output> {
          std::optional<std::string_view> s, n;
          if (scope) s = *scope;
          if (name) n = *name;
          return summary::merge_all(current_scope(g), key, s, n);
        });
  m.def("summary_clean_tag", &summary::clean_tag);

  py::class_<io::EventWriter>(m, "EventWriter")
      .def(py::init([](const std::string& logdir, const std::string& suffix) {
             return file_call([&] { return std::make_unique<io::EventWriter>(logdir, suffix); });
           }),
           py::arg("logdir"), py::arg("filename_suffix") = "")
      .def_property_readonly("path", &io::EventWriter::path)
      .def_property_readonly("logdir", &io::EventWriter::logdir)
      .def_property_readonly("closed", &io::EventWriter::closed)
      .def_property_readonly("num_events", &io::EventWriter::num_events)
      .def("add_serialized_event",
           [](io::EventWriter& w, const py::bytes& event) {
             file_call([&] { w.add_serialized_event(view(event)); });
           })
      .def("add_summary",
           [](io::EventWriter& w, const py::bytes& summary, int64_t step) {
             file_call([&] { w.add_summary(view(summary), step); });
           })
      .def("add_graph",
           [](io::EventWriter& w, const py::bytes& graph_def, int64_t step) {
             file_call([&] { w.add_graph(view(graph_def), step); });
           })
      .def("add_meta_graph",
           [](io::EventWriter& w, const py::bytes& meta_graph_def, int64_t step) {
             file_call([&] { w.add_meta_graph(view(meta_graph_def), step); });
           })
      .def("write_out", [](io::EventWriter& w) { file_call([&] { w.write_out(); }); })
      .def("flush",
           [](io::EventWriter& w) {
             file_call([&] {
               py::gil_scoped_release unlocked;  // the write and fsync
               w.flush();
             });
           })
      .def("close", [](io::EventWriter& w) {
        file_call([&] {
          py::gil_scoped_release unlocked;
          w.close();
        });
      });

  // Lazy reading: one serialized Event per call, None at the end.
  py::class_<io::EventReader>(m, "EventReader")
      .def(py::init([](const std::string& path) {
        return file_call([&] { return std::make_unique<io::EventReader>(path); });
      }))
      .def_property_readonly("path", &io::EventReader::path)
      .def_property_readonly("record_offset", &io::EventReader::record_offset)
      .def("next_serialized", [](io::EventReader& r) -> py::object {
        std::string record;
        const bool ok = file_call([&] { return r.next_serialized(record); });
        if (!ok) return py::none();
        return py::bytes(record);
      });
}

}  // namespace scopeflow::py_bindings
