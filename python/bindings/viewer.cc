// Bindings of the graph viewer (viewer/html.h): HTML pages and DOT text of a graph.
#include "common.h"
#include "scopeflow/viewer/html.h"

namespace scopeflow::py_bindings {

void bind_viewer(py::module_& m) {
  m.def(
      "viewer_write_html",
      [](const Graph& g, const std::string& path, const std::string& title) {
        viewer::write_html(g, path, {.title = title});
      },
      py::arg("graph"), py::arg("path"), py::arg("title") = "");
  m.def(
      "viewer_render_html",
      [](const Graph& g, const std::string& title) {
        return viewer::render_html(g, {.title = title});
      },
      py::arg("graph"), py::arg("title") = "");
  m.def("viewer_render_dot", &viewer::render_dot, py::arg("graph"));
}

}  // namespace scopeflow::py_bindings
