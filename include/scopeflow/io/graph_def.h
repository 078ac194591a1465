// Graph <-> tensorflow::GraphDef: TF's as_graph_def() and import_graph_def().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "scopeflow/graph/attr.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/graph/handles.h"
#include "scopeflow/proto/attr_value.pb.h"
#include "scopeflow/proto/graph.pb.h"
#include "scopeflow/proto/node_def.pb.h"

namespace scopeflow::io {

/// TF 1.15's TF_GRAPH_DEF_VERSION (the `versions.producer` it writes) and its minimum
/// consumer; "1.15.0" is the TensorFlow version scopeflow matches.
inline constexpr int kGraphDefVersion = 134;
inline constexpr int kGraphDefVersionMinConsumer = 0;
inline constexpr int kGraphDefVersionMinProducer = 0;
inline constexpr const char* kTensorFlowVersion = "1.15.0";

/// Options of Graph.as_graph_def.
struct GraphDefOptions {
  /// Only ops created after the graph had this many ops (TF's `from_version`).
  std::optional<size_t> from_version;
  /// Adds `_output_shapes` (list(shape), one per output) to every node that has outputs.
  bool add_shapes = false;
};

/// TF's Graph.as_graph_def(): one NodeDef per op in creation order (name, op, inputs "x",
/// "x:1", then "^c" control inputs sorted by name as TF's ToGraphDef sorts them, device, every attr with TF's AttrValue encoding, tensors
/// as io::to_tensor_proto writes them) and versions { producer: 134 }. Serialize with
/// deterministic serialization for sorted attr maps (serialize_deterministic does).
tensorflow::GraphDef to_graph_def(const Graph& graph, const GraphDefOptions& options = {});
/// One op as a NodeDef (cleared first).
void to_node_def(Operation op, tensorflow::NodeDef* out, bool add_shapes = false);

/// AttrValue encodings. Tensors of a `value` attr (Const) are written as make_tensor_proto
/// writes them (io::to_tensor_proto); other tensor attrs, which in TF graphs are op-def
/// defaults written by TF's C++, in the typed form (io::to_typed_tensor_proto).
/// from_attr_value throws Error(kInvalidArgument) for an AttrValue
/// without a value or with a bad tensor/shape/type, and Error(kUnimplemented) for function
/// attrs (func, placeholder), which TF1 graphs do not use. An empty list has no element type
/// on the wire; `key` picks one (list(type) for "dtypes", "Tout", ..., list(shape) for
/// "_output_shapes", "output_shapes", list(string) for "_class", else list(int)).
void to_attr_value(const AttrValue& value, tensorflow::AttrValue* out,
                   std::string_view key = "value");
AttrValue from_attr_value(const tensorflow::AttrValue& value, std::string_view key = {});

/// The bytes of a message with deterministic serialization (map entries sorted by key), as
/// TF's SerializeToString(deterministic=True).
std::string serialize_deterministic(const google::protobuf::MessageLite& message);

/// Options of import_graph_def (TF's ImportGraphDefOptions as Python's import_graph_def
/// fills them).
struct ImportOptions {
  /// Prepended with "/" to every imported name, input and `loc:@` colocation value. Python's
  /// import_graph_def passes its name scope ("import" by default, uniquified); "" imports
  /// names as they are (uniquified against the graph's existing ones as TF does: "a_1").
  std::string prefix;
  /// Replaces inputs of imported nodes: "x:0" (or "x") -> a tensor of the target graph;
  /// "^x" -> control input on an op (give that op's output 0 or any of its outputs).
  std::map<std::string, Output> input_map;
  /// Names in the GraphDef to return: "x" an Operation, "x:0" a tensor (mapped ones give
  /// the tensor they were mapped to).
  std::vector<std::string> return_elements;
};

/// An imported element of return_elements.
using ImportedElement = std::variant<Operation, Output>;

struct ImportResult {
  std::vector<Operation> operations;  ///< the new ops, in creation order
  std::vector<ImportedElement> return_elements;
};

/// TF 1.15's import_graph_def into `graph`: checks versions, names, inputs, colocation
/// groups, op types and attrs, then creates the nodes through the op registry (so shape
/// inference runs and the executor can run them), in TF's order (the lowest-index NodeDef
/// whose inputs exist comes next, so a GraphDef already in creation order keeps it). Attrs
/// are kept as given except `_output_shapes`, which refines the inferred shapes and is then
/// dropped, as TF's importer does. Imported names are marked used in the name table
/// (afterwards a new op "a" is "a_1"). Devices: the node's device merged into the calling
/// thread's current device scope; an op colocated with another gets that op's device.
///
/// All or nothing: every error is found before the graph changes (a dry run imports into
/// a scratch graph first), and the graph is left as it was. Errors use TF's messages as
/// kInvalidArgument (a ValueError in Python), e.g. "Node 'x': Unknown input node 'y'",
/// "Attempted to map inputs that were not found in graph_def: [y:0]", and kNotFound for
/// "Op type not registered 'Foo' in binary running on <host>. ...".
ImportResult import_graph_def(Graph& graph, const tensorflow::GraphDef& graph_def,
                              const ImportOptions& options = {});

}  // namespace scopeflow::io
