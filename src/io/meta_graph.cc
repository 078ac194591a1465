// MetaGraphDef export and import (TF's meta_graph.py: export_scoped_meta_graph,
// create_meta_graph_def, add_collection_def, import_scoped_meta_graph).
#include "scopeflow/io/meta_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>
#include <unordered_map>

#include "scopeflow/base/error.h"
#include "scopeflow/base/messages.h"
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::io {

namespace {

// TF's GraphKeys._VARIABLE_COLLECTIONS plus global_step: collections of Variables, written
// as VariableDef bytes.
bool variable_collection(std::string_view key) {
  static const std::set<std::string_view> keys = {
      graph_keys::kGlobalVariables,        graph_keys::kLocalVariables,
      graph_keys::kMetricVariables,        graph_keys::kModelVariables,
      graph_keys::kTrainableVariables,     graph_keys::kMovingAverageVariables,
      graph_keys::kConcatenatedVariables,  graph_keys::kTrainableResourceVariables,
      graph_keys::kGlobalStep};
  return keys.contains(key);
}

std::string trim_slash(std::string_view scope) {
  std::string s(scope);
  if (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// TF's ops.strip_name_scope: removes "<scope>/" after an optional "^" or "loc:@".
std::string strip_name_scope(std::string_view name, std::string_view export_scope) {
  const std::string scope = trim_slash(export_scope);
  if (scope.empty()) return std::string(name);
  for (std::string_view lead : {std::string_view("^"), std::string_view("loc:@"), std::string_view("")}) {
    if (name.substr(0, lead.size()) != lead) continue;
    std::string_view rest = name.substr(lead.size());
    if (rest.substr(0, scope.size()) != scope || rest.size() <= scope.size() ||
        rest[scope.size()] != '/')
      continue;
    rest.remove_prefix(scope.size());
    while (!rest.empty() && rest[0] == '/') rest.remove_prefix(1);
    return std::string(lead) + std::string(rest);
  }
  return std::string(name);
}

// TF's ops.prepend_name_scope: "<scope>/" after an optional "^" or "loc:@".
std::string prepend_name_scope(std::string_view name, std::string_view import_scope) {
  const std::string scope = trim_slash(import_scope);
  if (scope.empty()) return std::string(name);
  for (std::string_view lead : {std::string_view("^"), std::string_view("loc:@")})
    if (name.substr(0, lead.size()) == lead)
      return fmt::format("{}{}/{}", lead, scope, name.substr(lead.size()));
  return fmt::format("{}/{}", scope, name);
}

// The export_scope/clear_devices rewrite of one NodeDef (TF's meta_graph._node_def): names
// stripped, inputs from outside the scope marked "$unbound_inputs_".
void rewrite_node(tensorflow::NodeDef* node, std::string_view scope, bool clear_devices) {
  if (!scope.empty()) {
    node->set_name(strip_name_scope(node->name(), scope));
    for (std::string& in : *node->mutable_input()) {
      const bool control = !in.empty() && in[0] == '^';
      std::string_view bare = control ? std::string_view(in).substr(1) : std::string_view(in);
      if (bare.starts_with(scope))
        in = strip_name_scope(in, scope);
      else
        in = fmt::format("{}$unbound_inputs_{}", control ? "^" : "", bare);
    }
    auto it = node->mutable_attr()->find("_class");
    if (it != node->mutable_attr()->end()) {
      // Colocation with ops outside the scope is dropped.
      auto* values = it->second.mutable_list()->mutable_s();
      google::protobuf::RepeatedPtrField<std::string> kept;
      for (const std::string& v : *values) {
        const size_t at = v.find('@');
        if (at == std::string::npos || !std::string_view(v).substr(at + 1).starts_with(scope))
          continue;
        kept.Add(strip_name_scope(v, scope));
      }
      values->Swap(&kept);
    }
  }
  if (clear_devices) node->clear_device();
}

std::string item_name(const CollectionItem& item) {
  switch (item.kind) {
    case CollectionItem::Kind::kOperation:
      return std::string(item.op.name());
    case CollectionItem::Kind::kTensor:
      return item.tensor.name();
    case CollectionItem::Kind::kVariable:
      return item.variable.name();
    default:
      return item.user_name;
  }
}

// Fills one collection_def entry; false when the collection cannot be written (TF logs a
// warning and leaves it out).
bool add_collection(const std::vector<CollectionItem>& items, std::string_view key,
                    const ExportMetaGraphOptions& o, tensorflow::CollectionDef* out) {
  const std::string& scope = o.export_scope;
  auto in_scope = [&](const CollectionItem& item) {
    if (scope.empty() || item.kind == CollectionItem::Kind::kOther) return true;
    return item_name(item).starts_with(scope);
  };
  if (variable_collection(key)) {
    for (const CollectionItem& item : items) {
      if (!in_scope(item)) continue;
      if (item.kind == CollectionItem::Kind::kVariable) {
        out->mutable_bytes_list()->add_value(to_variable_def(item.variable, scope).SerializeAsString());
      } else if (item.kind == CollectionItem::Kind::kOther && o.serialize_other) {
        CollectionValue v = o.serialize_other(item);
        if (auto* s = std::get_if<std::string>(&v)) out->mutable_bytes_list()->add_value(*s);
        else if (!std::holds_alternative<std::monostate>(v)) return false;
      } else {
        return false;
      }
    }
    return out->kind_case() != tensorflow::CollectionDef::KIND_NOT_SET;
  }
  // The first entry decides the kind (TF's _get_kind_name).
  const CollectionItem* first = nullptr;
  for (const CollectionItem& item : items)
    if (in_scope(item)) {
      first = &item;
      break;
    }
  if (!first) return false;
  if (first->kind != CollectionItem::Kind::kOther) {
    for (const CollectionItem& item : items) {
      if (!in_scope(item)) continue;
      if (item.kind == CollectionItem::Kind::kOther || item.kind == CollectionItem::Kind::kPartitionedVariable)
        return false;
      out->mutable_node_list()->add_value(strip_name_scope(item_name(item), scope));
    }
    return true;
  }
  if (!o.serialize_other) return false;
  for (const CollectionItem& item : items) {
    if (item.kind != CollectionItem::Kind::kOther) return false;
    CollectionValue v = o.serialize_other(item);
    if (auto* s = std::get_if<std::string>(&v)) {
      if (out->kind_case() != tensorflow::CollectionDef::KIND_NOT_SET && !out->has_bytes_list())
        return false;
      out->mutable_bytes_list()->add_value(*s);
    } else if (auto* i = std::get_if<int64_t>(&v)) {
      if (out->kind_case() != tensorflow::CollectionDef::KIND_NOT_SET && !out->has_int64_list())
        return false;
      out->mutable_int64_list()->add_value(*i);
    } else if (auto* f = std::get_if<float>(&v)) {
      if (out->kind_case() != tensorflow::CollectionDef::KIND_NOT_SET && !out->has_float_list())
        return false;
      out->mutable_float_list()->add_value(*f);
    } else {
      return false;
    }
  }
  return out->kind_case() != tensorflow::CollectionDef::KIND_NOT_SET;
}

}  // namespace

tensorflow::VariableDef to_variable_def(const Variable& v, std::string_view export_scope) {
  tensorflow::VariableDef d;
  d.set_variable_name(strip_name_scope(v.name(), export_scope));
  if (v.initial_value().valid())
    d.set_initial_value_name(strip_name_scope(v.initial_value().name(), export_scope));
  d.set_trainable(v.trainable());
  d.set_initializer_name(strip_name_scope(v.initializer().name(), export_scope));
  d.set_snapshot_name(strip_name_scope(v.value().name(), export_scope));
  return d;
}

tensorflow::MetaGraphDef export_meta_graph(const Graph& graph, const ExportMetaGraphOptions& o) {
  tensorflow::MetaGraphDef meta;
  if (o.meta_info_def) *meta.mutable_meta_info_def() = *o.meta_info_def;
  auto* info = meta.mutable_meta_info_def();
  info->set_tensorflow_version(kTensorFlowVersion);
  info->set_tensorflow_git_version("scopeflow");

  tensorflow::GraphDef* gd = meta.mutable_graph_def();
  if (o.graph_def)
    *gd = *o.graph_def;
  else
    *gd = to_graph_def(graph, GraphDefOptions{.add_shapes = true});
  if (!o.export_scope.empty() || o.clear_devices) {
    google::protobuf::RepeatedPtrField<tensorflow::NodeDef> kept;
    for (tensorflow::NodeDef& node : *gd->mutable_node()) {
      if (!o.export_scope.empty() && !node.name().starts_with(o.export_scope)) continue;
      rewrite_node(&node, o.export_scope, o.clear_devices);
      kept.Add(std::move(node));
    }
    gd->mutable_node()->Swap(&kept);
  }

  if (info->stripped_op_list().op_size() == 0) {
    std::set<std::string> types;
    for (const auto& node : gd->node()) types.insert(node.op());
    auto* list = info->mutable_stripped_op_list();
    for (const std::string& t : types) {
      tensorflow::OpDef* def = list->add_op();
      def->set_name(t);
      if (const OpDef* ours = find_op_def(t); ours && ours->stateful) def->set_is_stateful(true);
    }
  }
  if (o.saver_def) *meta.mutable_saver_def() = *o.saver_def;

  const std::vector<std::string> keys =
      o.collection_list ? *o.collection_list : graph.get_all_collection_keys();
  for (const std::string& key : keys) {
    const std::vector<CollectionItem> items = graph.get_collection(key);
    if (items.empty()) continue;
    tensorflow::CollectionDef def;
    if (add_collection(items, key, o, &def)) (*meta.mutable_collection_def())[key] = std::move(def);
  }
  return meta;
}

ImportMetaGraphResult import_meta_graph(Graph& graph, const tensorflow::MetaGraphDef& meta,
                                        const ImportMetaGraphOptions& o) {
  const std::string scope = trim_slash(o.import_scope);
  const auto& collections = meta.collection_def();

  // TF refuses a graph whose unbound inputs are not all mapped.
  if (auto it = collections.find("unbound_inputs"); it != collections.end()) {
    std::vector<std::string> values;
    const tensorflow::CollectionDef& c = it->second;
    if (c.has_node_list()) values.assign(c.node_list().value().begin(), c.node_list().value().end());
    if (c.has_bytes_list()) values.assign(c.bytes_list().value().begin(), c.bytes_list().value().end());
    std::vector<std::string> mapped;
    for (const auto& [k, v] : o.input_map) mapped.push_back(k);
    std::vector<std::string> sorted_values = values;
    std::sort(sorted_values.begin(), sorted_values.end());
    if (!values.empty() && sorted_values != mapped) {
      std::string missing;
      for (const std::string& v : values)
        if (!o.input_map.contains(v)) missing += (missing.empty() ? "" : ",") + v;
      throw Error(Code::kInvalidArgument,
                  fmt::format("Graph contains unbound inputs: {}. Must provide these inputs "
                              "through input_map.",
                              missing));
    }
  }

  // Every name a collection refers to must exist once the graph is imported: checked first,
  // so that a bad collection leaves the graph as it was.
  std::set<std::string, std::less<>> gdef_names;
  for (const auto& n : meta.graph_def().node()) gdef_names.insert(prepend_name_scope(n.name(), scope));
  auto resolvable = [&](const std::string& name) {
    std::string op_name = name;
    if (auto c = op_name.find(':'); c != std::string::npos) op_name.resize(c);
    return gdef_names.contains(op_name) || graph.find_operation(op_name).has_value();
  };
  auto missing_name = [&](const std::string& name) {
    return Error(Code::kNotFound,
                 name.find(':') == std::string::npos
                     ? messages::operation_not_in_graph(name)
                     : messages::tensor_op_not_in_graph(name, name.substr(0, name.find(':'))));
  };
  std::vector<std::pair<std::string, const tensorflow::CollectionDef*>> sorted;
  for (const auto& kv : collections) sorted.emplace_back(kv.first, &kv.second);
  std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::unordered_map<std::string, tensorflow::VariableDef> var_defs;  // by serialized bytes
  std::set<std::string> trainable_bytes;
  for (const auto& [key, def] : sorted) {
    if (key == "unbound_inputs") continue;
    if (def->has_node_list()) {
      for (const std::string& v : def->node_list().value())
        if (!resolvable(prepend_name_scope(v, scope))) throw missing_name(prepend_name_scope(v, scope));
    } else if (def->has_bytes_list() && variable_collection(key)) {
      for (const std::string& bytes : def->bytes_list().value()) {
        if (key == graph_keys::kTrainableVariables) trainable_bytes.insert(bytes);
        if (var_defs.contains(bytes)) continue;
        tensorflow::VariableDef vd;
        if (!vd.ParseFromString(bytes))
          throw Error(Code::kInvalidArgument,
                      fmt::format("Collection '{}' holds an entry that is not a VariableDef", key));
        for (const std::string* n : {&vd.variable_name(), &vd.initializer_name(), &vd.snapshot_name()})
          if (!resolvable(prepend_name_scope(*n, scope))) throw missing_name(prepend_name_scope(*n, scope));
        if (!vd.initial_value_name().empty() && !resolvable(prepend_name_scope(vd.initial_value_name(), scope)))
          throw missing_name(prepend_name_scope(vd.initial_value_name(), scope));
        var_defs.emplace(bytes, std::move(vd));
      }
    }
  }

  ImportMetaGraphResult result;
  if (meta.has_saver_def()) result.saver_def = meta.saver_def();
  ImportOptions io;
  io.prefix = scope;
  io.input_map = o.input_map;
  io.return_elements = o.return_elements;
  if (o.clear_devices) {
    tensorflow::GraphDef gd = meta.graph_def();
    for (auto& n : *gd.mutable_node()) n.clear_device();
    result.import = import_graph_def(graph, gd, io);
  } else {
    result.import = import_graph_def(graph, meta.graph_def(), io);
  }

  // Collections, in key order as TF restores them.
  std::unordered_map<std::string, Variable> made;  // by VariableDef bytes
  auto element = [&](const std::string& name) -> CollectionItem {
    if (name.find(':') != std::string::npos) return CollectionItem::of(graph.get_tensor_by_name(name));
    return CollectionItem::of(graph.get_operation_by_name(name));
  };
  for (const auto& [key, def] : sorted) {
    if (key == "unbound_inputs") continue;
    if (def->has_bytes_list() && variable_collection(key)) {
      for (const std::string& bytes : def->bytes_list().value()) {
        auto it = made.find(bytes);
        if (it == made.end()) {
          const tensorflow::VariableDef& vd = var_defs.at(bytes);
          internal::VariableRecord rec;
          const Output var = graph.get_tensor_by_name(prepend_name_scope(vd.variable_name(), scope));
          rec.op = var.op();
          rec.initializer = graph.get_operation_by_name(prepend_name_scope(vd.initializer_name(), scope));
          rec.snapshot = graph.get_tensor_by_name(prepend_name_scope(vd.snapshot_name(), scope));
          if (!vd.initial_value_name().empty())
            rec.initial_value = graph.get_tensor_by_name(prepend_name_scope(vd.initial_value_name(), scope));
          rec.dtype = ref_dtype(var.dtype());
          rec.shape = var.shape();
          // Older files have no `trainable`: membership of trainable_variables says it.
          rec.trainable = vd.trainable() || trainable_bytes.contains(bytes);
          rec.defined_at = "  (imported from a MetaGraphDef)\n";
          rec.name = var.name();
          Variable v = graph.add_variable_record(std::move(rec));
          it = made.emplace(bytes, v).first;
          result.variables.push_back(v);
        }
        graph.add_to_collection(key, CollectionItem::of(it->second));
      }
    } else if (def->has_node_list()) {
      for (const std::string& v : def->node_list().value())
        graph.add_to_collection(key, element(prepend_name_scope(v, scope)));
    } else if (def->kind_case() != tensorflow::CollectionDef::KIND_NOT_SET) {
      result.other_collections.emplace_back(key, *def);
    }
  }
  return result;
}

}  // namespace scopeflow::io
