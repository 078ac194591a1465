// MetaGraphDef export and import: TF's export_meta_graph / import_meta_graph (the graph with
// shapes, the op list, collections and the SaverDef).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "scopeflow/graph/collections.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/io/graph_def.h"
#include "scopeflow/proto/meta_graph.pb.h"
#include "scopeflow/proto/saver.pb.h"
#include "scopeflow/proto/variable.pb.h"

namespace scopeflow::io {

/// A collection entry that is not a graph element (a front end's own object, kind kOther),
/// as the front end serializes it: bytes (bytes_list), an int (int64_list), a float
/// (float_list); monostate skips the entry.
using CollectionValue = std::variant<std::monostate, std::string, int64_t, float>;

/// Options of export_meta_graph (TF's export_scoped_meta_graph + create_meta_graph_def).
struct ExportMetaGraphOptions {
  /// Starting meta_info_def; tensorflow_version / tensorflow_git_version are overwritten, as
  /// TF does, and an empty stripped_op_list is filled from the graph's op types.
  std::optional<tensorflow::MetaGraphDef::MetaInfoDef> meta_info_def;
  /// Used instead of the graph's own as_graph_def(add_shapes=true).
  std::optional<tensorflow::GraphDef> graph_def;
  std::optional<tensorflow::SaverDef> saver_def;
  /// Collections to write; nullopt: every collection of the graph.
  std::optional<std::vector<std::string>> collection_list;
  /// Only nodes under this name scope, with the scope stripped from names, inputs and
  /// colocation values (and from collection entries).
  std::string export_scope;
  bool clear_devices = false;
  /// Serializes kOther entries; without it they are skipped.
  std::function<CollectionValue(const CollectionItem&)> serialize_other;
};

/// TF's tf.train.export_meta_graph: meta_info_def {stripped_op_list (the op types used,
/// sorted; each OpDef carries what scopeflow's registry knows: name, is_stateful),
/// tensorflow_version "1.15.0", tensorflow_git_version}, graph_def with `_output_shapes`,
/// saver_def, collection_def: variables collections as bytes_list of VariableDef
/// (variable_name "w:0", initial_value_name, initializer_name "w/Assign", snapshot_name
/// "w/read:0", trainable), ops/tensors as node_list of names, other entries through
/// serialize_other. Empty collections are left out.
tensorflow::MetaGraphDef export_meta_graph(const Graph& graph,
                                           const ExportMetaGraphOptions& options = {});

/// A variable as its VariableDef (names with `export_scope` stripped).
tensorflow::VariableDef to_variable_def(const Variable& v, std::string_view export_scope = {});

/// Options of import_meta_graph.
struct ImportMetaGraphOptions {
  /// Name scope prepended to every imported name ("" for none).
  std::string import_scope;
  bool clear_devices = false;
  std::map<std::string, Output> input_map;
  std::vector<std::string> return_elements;
};

struct ImportMetaGraphResult {
  ImportResult import;
  /// The variables rebuilt from the variables collections, in the order they were made
  /// (collections in key order: trainable_variables before variables).
  std::vector<Variable> variables;
  std::optional<tensorflow::SaverDef> saver_def;
  /// Collections left to the front end: bytes_list collections that are not variables
  /// (cond_context, savers, summaries written as bytes...), int64_list and float_list ones,
  /// in key order. Keys of node_list and variable collections are restored in the graph.
  std::vector<std::pair<std::string, tensorflow::CollectionDef>> other_collections;
};

/// TF's import_scoped_meta_graph: imports graph_def (prefix = import_scope; devices cleared
/// on request), then restores collections in key order: VariableDef bytes become Variables
/// over the imported VariableV2/Assign/read nodes (one Variable per distinct VariableDef, so
/// `variables` and `trainable_variables` share them; a VariableDef without `trainable` is
/// trainable when listed in trainable_variables), node_list names become ops or tensors.
/// Errors as import_graph_def; a collection naming a missing node throws kNotFound with
/// TF's "The name 'x' refers to an Operation not in the graph." wording. All or nothing for
/// the graph; collections are added after the nodes.
ImportMetaGraphResult import_meta_graph(Graph& graph, const tensorflow::MetaGraphDef& meta,
                                        const ImportMetaGraphOptions& options = {});

}  // namespace scopeflow::io
