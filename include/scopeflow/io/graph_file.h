// Graph files on disk: binary and text GraphDefs, MetaGraphDefs (.meta) and TensorBoard event
// files, read into a Graph; and a Graph written as a GraphDef file.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "scopeflow/graph/graph.h"
#include "scopeflow/proto/graph.pb.h"
#include "scopeflow/proto/meta_graph.pb.h"

namespace scopeflow::io {

/// What a graph file holds, as read_graph_file detected it.
enum class GraphFileKind {
  kBinaryGraphDef,
  kTextGraphDef,
  kBinaryMetaGraphDef,
  kTextMetaGraphDef,
  kEventFile,  ///< TFRecord-framed tensorflow.Event records
};

/// "binary GraphDef", "text MetaGraphDef", "event file"...
const char* graph_file_kind_name(GraphFileKind kind);

/// A graph file's contents: the GraphDef, plus the MetaGraphDef it came in (when the file, or
/// the event record used, held one).
struct GraphFile {
  GraphFileKind kind;
  tensorflow::GraphDef graph_def;
  std::optional<tensorflow::MetaGraphDef> meta_graph_def;  ///< graph_def moved out of it
};

/// Reads `path`, detecting its kind from its bytes: an event file by its record framing (the
/// last graph_def or meta_graph_def record is used), text by its first field name, and
/// binary GraphDef against MetaGraphDef by which reading gives well-formed nodes (a `.meta`
/// name decides ties). Throws Error naming the file and the problem: kNotFound (missing
/// file: "<path>; No such file or directory"), kDataLoss ("<path>: the file is empty",
/// "<path>: corrupted record at <offset>: ..." / "truncated record at", unparsable bytes, text
/// with the parser's line and column), kInvalidArgument (an event file without a graph).
GraphFile read_graph_file(const std::string& path);
/// The same for bytes already in memory; `name` stands for the path in messages.
GraphFile read_graph_bytes(std::string_view data, const std::string& name);

/// Reads `path` (any kind above) and imports its graph with prefix "" into a new Graph (a
/// MetaGraphDef's collections and variables too, as import_meta_graph does). Import errors
/// are rethrown with the path in front: "<path>: Node 'x': Unknown input node 'y'".
std::unique_ptr<Graph> load_graph_file(const std::string& path);

/// Writes `graph` as a GraphDef (as_graph_def(), nodes in creation order), binary (the
/// deterministic serialization) or text format, to a temporary name beside `path`, then
/// renames it into place. Throws Error(kNotFound / kFailedPrecondition) naming the path when
/// the directory is missing or the write fails.
void save_graph_def(const Graph& graph, const std::string& path, bool as_text);
/// The same for a GraphDef message.
void save_graph_def(const tensorflow::GraphDef& graph_def, const std::string& path, bool as_text);

/// Writes `contents` to a temporary file beside `path` and renames it over `path`.
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace scopeflow::io
