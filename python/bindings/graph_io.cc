// Bindings for GraphDef / MetaGraphDef export and import and graph files. Messages cross the
// boundary as serialized bytes: graph_io.py parses them into scopeflow.proto messages.
#include "scopeflow/io/graph_def.h"
#include "scopeflow/io/graph_file.h"
#include "scopeflow/io/meta_graph.h"

#include "common.h"

namespace scopeflow::py_bindings {

namespace {

template <typename Message>
Message parse(const std::string& data, const char* what) {
  Message m;
  if (!m.ParseFromString(data))
    throw Error(Code::kInvalidArgument, std::string("cannot parse the serialized ") + what);
  return m;
}

py::bytes to_bytes(const google::protobuf::MessageLite& m) {
  return py::bytes(io::serialize_deterministic(m));
}

py::object element_to_py(const io::ImportedElement& e) {
  if (const auto* op = std::get_if<Operation>(&e)) return py::cast(*op);
  return py::cast(std::get<Output>(e));
}

py::list elements_to_py(const std::vector<io::ImportedElement>& v) {
  py::list out;
  for (const auto& e : v) out.append(element_to_py(e));
  return out;
}

}  // namespace

void bind_graph_io(py::module_& m) {
  m.def(
      "graph_as_graph_def",
      [](const Graph& g, std::optional<size_t> from_version, bool add_shapes) {
        return to_bytes(io::to_graph_def(g, {.from_version = from_version, .add_shapes = add_shapes}));
      },
      py::arg("graph"), py::arg("from_version") = py::none(), py::arg("add_shapes") = false);
  m.def("node_def", [](const Operation& op) {
    tensorflow::NodeDef nd;
    io::to_node_def(op, &nd);
    return to_bytes(nd);
  });
  m.def("graph_def_version", []() { return io::kGraphDefVersion; });

  // Returns (new ops in creation order, return elements).
  m.def("import_graph_def",
        [](Graph& g, const std::string& data, const std::string& prefix,
           const std::map<std::string, Output>& input_map,
           const std::vector<std::string>& return_elements) {
          const auto gd = parse<tensorflow::GraphDef>(data, "GraphDef");
          io::ImportOptions o;
          o.prefix = prefix;
          o.input_map = input_map;
          o.return_elements = return_elements;
          io::ImportResult r = io::import_graph_def(g, gd, o);
          return py::make_tuple(py::cast(r.operations), elements_to_py(r.return_elements));
        });

  // serialize_other(obj) -> bytes | int | float | None for collection entries that are Python
  // objects.
  m.def("export_meta_graph",
        [](const Graph& g, std::optional<std::string> meta_info_def,
           std::optional<std::string> graph_def, std::optional<std::string> saver_def,
           std::optional<std::vector<std::string>> collection_list,
           const std::string& export_scope, bool clear_devices, py::object serialize_other) {
          io::ExportMetaGraphOptions o;
          if (meta_info_def)
            o.meta_info_def = parse<tensorflow::MetaGraphDef::MetaInfoDef>(*meta_info_def, "MetaInfoDef");
          if (graph_def) o.graph_def = parse<tensorflow::GraphDef>(*graph_def, "GraphDef");
          if (saver_def) o.saver_def = parse<tensorflow::SaverDef>(*saver_def, "SaverDef");
          o.collection_list = std::move(collection_list);
          o.export_scope = export_scope;
          o.clear_devices = clear_devices;
          if (!serialize_other.is_none()) {
            o.serialize_other = [serialize_other](const CollectionItem& item) -> io::CollectionValue {
              py::object r = serialize_other(held(item.user_object));
              if (r.is_none()) return std::monostate{};
              if (py::isinstance<py::bytes>(r)) return r.cast<std::string>();
              if (py::isinstance<py::bool_>(r)) return std::monostate{};
              if (py::isinstance<py::int_>(r)) return r.cast<int64_t>();
              if (py::isinstance<py::float_>(r)) return r.cast<float>();
              return std::monostate{};
            };
          }
          return to_bytes(io::export_meta_graph(g, o));
        });

  // Returns a dict: ops, return_elements, variables, saver_def (bytes or None),
  // other_collections [(key, CollectionDef bytes)].
  m.def("import_meta_graph",
        [](Graph& g, const std::string& data, const std::string& import_scope,
           bool clear_devices, const std::map<std::string, Output>& input_map,
           const std::vector<std::string>& return_elements) {
          const auto meta = parse<tensorflow::MetaGraphDef>(data, "MetaGraphDef");
          io::ImportMetaGraphOptions o;
          o.import_scope = import_scope;
          o.clear_devices = clear_devices;
          o.input_map = input_map;
          o.return_elements = return_elements;
          io::ImportMetaGraphResult r = io::import_meta_graph(g, meta, o);
          py::dict out;
          out["ops"] = py::cast(r.import.operations);
          out["return_elements"] = elements_to_py(r.import.return_elements);
          out["variables"] = py::cast(r.variables);
          out["saver_def"] = r.saver_def ? py::object(to_bytes(*r.saver_def)) : py::none();
          py::list others;
          for (const auto& [key, def] : r.other_collections)
            others.append(py::make_tuple(key, to_bytes(def)));
          out["other_collections"] = others;
          return out;
        });

  // (kind name, GraphDef bytes, MetaGraphDef bytes without its graph_def, or None).
  m.def("read_graph_file", [](const std::string& path) {
    io::GraphFile f = io::read_graph_file(path);
    py::object meta = f.meta_graph_def ? py::object(to_bytes(*f.meta_graph_def)) : py::none();
    return py::make_tuple(io::graph_file_kind_name(f.kind), to_bytes(f.graph_def), meta);
  });
  m.def("load_graph_file", [](const std::string& path) {
    return std::shared_ptr<Graph>(io::load_graph_file(path));
  });
  m.def("save_graph_def", [](const Graph& g, const std::string& path, bool as_text) {
    io::save_graph_def(g, path, as_text);
  });
  m.def("save_graph_def_bytes", [](const std::string& data, const std::string& path, bool as_text) {
    io::save_graph_def(parse<tensorflow::GraphDef>(data, "GraphDef"), path, as_text);
  });
  m.def("write_file_atomically", [](const std::string& path, const py::bytes& data) {
    io::write_file_atomically(path, std::string(data));
  });
}

}  // namespace scopeflow::py_bindings
