// GraphDef export (TF's Graph.as_graph_def) and import (TF 1.15's ImportGraphDef as Python's
// import_graph_def drives it: graph_constructor.cc, importer.py).
#include "scopeflow/io/graph_def.h"

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "scopeflow/base/device.h"
#include "scopeflow/base/error.h"
#include "scopeflow/base/messages.h"
#include "scopeflow/io/tensor_proto.h"
#include "scopeflow/naming/guards.h"
#include "scopeflow/ops/op_registry.h"

namespace scopeflow::io {

namespace {

constexpr std::string_view kColocationPrefix = "loc:@";
constexpr std::string_view kClassAttr = "_class";
constexpr std::string_view kOutputShapesAttr = "_output_shapes";

[[noreturn]] void invalid(std::string msg) { throw Error(Code::kInvalidArgument, std::move(msg)); }

// DataTypeString: TF's C++ names ("float", "float_ref"), which its C++ messages use.
std::string tf_type_name(DataType t) {
  std::string base;
  switch (base_dtype(t)) {
    case DataType::kFloat: base = "float"; break;
    case DataType::kDouble: base = "double"; break;
    case DataType::kHalf: base = "half"; break;
    default: base = dtype_name(base_dtype(t)); break;
  }
  return is_ref(t) ? base + "_ref" : base;
}

// ---- Messages (TF 1.15's wording; graph_constructor.cc, importer.py, op.cc, versions.cc) ----
namespace msg {
// op.cc, OpRegistry::LookUp.
std::string op_not_registered(std::string_view type) {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return fmt::format(
      "Op type not registered '{}' in binary running on {}. Make sure the Op and Kernel are "
      "registered in the binary running in this process. Note that if you are loading a saved "
      "graph which used ops from tf.contrib, accessing (e.g.) `tf.contrib.resampler` should be "
      "done before importing the graph, as contrib ops are lazily registered when the module "
      "is first accessed.",
      type, host);
}
// versions.cc, CheckVersions.
std::string min_consumer_too_high(int min_consumer) {
  return fmt::format(
      "GraphDef min consumer version {} above current version {} for TensorFlow {}.  Please "
      "upgrade TensorFlow.",
      min_consumer, kGraphDefVersion, kTensorFlowVersion);
}
std::string producer_too_low(int producer) {
  return fmt::format(
      "GraphDef producer version {} below min producer {} supported by TensorFlow {}.  Please "
      "regenerate your graph.",
      producer, kGraphDefVersionMinProducer, kTensorFlowVersion);
}
std::string bad_consumer(int v) {
  return fmt::format(
      "GraphDef disallows consumer version {}.  Please upgrade TensorFlow: this version is "
      "likely buggy.",
      v);
}
// graph_constructor.cc.
std::string invalid_prefix(std::string_view prefix) {
  return fmt::format("Imported node name prefix '{}/' would lead to invalid node names", prefix);
}
std::string invalid_node_name(std::string_view name) {
  return fmt::format("Node '{}': Node name contains invalid characters", name);
}
std::string not_unique(std::string_view name) {
  return fmt::format("Node '{}' is not unique", name);
}
std::string no_op(std::string_view name) {
  return fmt::format("Node '{}' does not specify an operation", name);
}
std::string control_order(std::string_view name) {
  return fmt::format("Node '{}': Control dependencies must come after regular dependencies",
                     name);
}
std::string unknown_input(std::string_view node, std::string_view input) {
  return fmt::format("Node '{}': Unknown input node '{}'", node, input);
}
std::string unknown_colocation(std::string_view node, std::string_view target) {
  return fmt::format("Node '{}' expects to be colocated with unknown node '{}'", node, target);
}
std::string cycle(size_t n) { return fmt::format("{} nodes in a cycle", n); }
std::string invalid_output(std::string_view node, int index, std::string_view src, int n) {
  return fmt::format(
      "Node '{}': Connecting to invalid output {} of source node {} which has {} outputs", node,
      index, src, n);
}
std::string output_shapes_count(std::string_view node, int outputs, int shapes) {
  return fmt::format(
      "Node '{}' has {} outputs but the _output_shapes attribute specifies shapes for {} "
      "outputs",
      node, outputs, shapes);
}
std::string output_shapes_inconsistent(std::string_view node, int i, std::string_view detail) {
  return fmt::format(
      "Node '{}' has an _output_shapes attribute inconsistent with the GraphDef for output "
      "#{}: {}",
      node, i, detail);
}
std::string return_node_missing(std::string_view name) {
  return fmt::format("Requested return node '{}' not found in graph def", name);
}
std::string return_tensor_missing(std::string_view name) {
  return fmt::format("Requested return tensor '{}' not found in graph def", name);
}
std::string invalid_return_output(int index, std::string_view node, int n) {
  return fmt::format("Invalid return output {} of node '{}', which has {} output(s)", index, node,
                     n);
}
// importer.py.
std::string missing_input_map_keys(std::string_view keys) {
  return fmt::format("Attempted to map inputs that were not found in graph_def: [{}]", keys);
}
std::string bad_tensor_name(std::string_view name) {
  return fmt::format("Cannot convert '{}' to a tensor name.", name);
}
// scopeflow's own (TF has no equivalent: its values are protos, its maps Python's).
std::string attr_problem(std::string_view node, std::string_view attr, std::string_view what) {
  return fmt::format("Node '{}': attr '{}': {}", node, attr, what);
}
std::string input_count(std::string_view node, std::string_view type, int64_t want, size_t got) {
  return fmt::format("Node '{}': {} takes {} input{}, but the NodeDef gives {}", node, type, want,
                     want == 1 ? "" : "s", got);
}
// graph_constructor.cc, MakeEdge.
std::string incompatible_input(int index, std::string_view node, DataType got,
                               std::string_view src, int src_index, DataType want) {
  return fmt::format("Input {} of node {} was passed {} from {}:{} incompatible with expected {}.",
                     index, node, tf_type_name(got), src, src_index, tf_type_name(want));
}
std::string input_map_other_graph(std::string_view key) {
  return fmt::format("input_map value for '{}' is a tensor of another graph", key);
}
}  // namespace msg

// TF's graph_constructor IsValidNodeName (no internal ops): [A-Za-z0-9.][A-Za-z0-9_./-]*.
bool valid_node_name(std::string_view s) {
  auto first = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.';
  };
  auto rest = [&](char c) { return first(c) || c == '_' || c == '-' || c == '/'; };
  if (s.empty() || !first(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(), rest);
}

// A tensor id as TF's C++ ParseTensorName reads NodeDef inputs: "^x" control (index -1),
// "x:12" output 12, else "x" output 0.
struct TensorId {
  std::string_view name;
  int64_t index = 0;
  bool control() const { return index < 0; }
};

TensorId parse_input(std::string_view s) {
  size_t p = s.size();
  while (p > 1 && s[p - 1] >= '0' && s[p - 1] <= '9') --p;
  if (p > 1 && p < s.size() && s[p - 1] == ':') {
    int64_t index = 0;
    auto [ptr, ec] = std::from_chars(s.data() + p, s.data() + s.size(), index);
    if (ec != std::errc()) index = INT64_MAX;  // too many digits: an invalid output
    (void)ptr;
    return {s.substr(0, p - 1), index};
  }
  if (!s.empty() && s[0] == '^') return {s.substr(1), -1};
  return {s, 0};
}

// Python's _ParseTensorName for input_map keys and return_elements: "x" or "x:<int>".
TensorId parse_python_name(std::string_view s) {
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos) return {s, 0};
  if (s.find(':', colon + 1) != std::string_view::npos) invalid(msg::bad_tensor_name(s));
  std::string_view digits = s.substr(colon + 1);
  int64_t index = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size())
    invalid(msg::bad_tensor_name(s));
  return {s.substr(0, colon), index};
}

std::string id_string(std::string_view name, int64_t index) {
  if (index < 0) return fmt::format("^{}", name);
  return fmt::format("{}:{}", name, index);
}

// The element type of an empty list attr, which the wire does not record.
enum class ListKind { kInt, kType, kShape, kString };
ListKind empty_list_kind(std::string_view key) {
  static const std::unordered_set<std::string_view> type_lists = {
      "dtypes", "Tout", "Tin", "T", "output_types", "component_types", "Toutput_types",
      "Tcomponents", "Targuments", "Tcaptured", "Tinputs", "Toutputs", "U", "out_types"};
  static const std::unordered_set<std::string_view> shape_lists = {
      "_output_shapes", "output_shapes", "shapes", "element_shapes"};
  if (type_lists.contains(key)) return ListKind::kType;
  if (shape_lists.contains(key)) return ListKind::kShape;
  if (key == "_class") return ListKind::kString;
  return ListKind::kInt;
}


// How many data inputs an op takes (TF's OpDef input_args): a number, or one that depends on
// an attr (N of AddN/ConcatV2/Pack..., the dtypes of SaveV2). nullopt: not known here (ops
// registered later by other layers); their shape functions see what the NodeDef gives.
std::optional<int64_t> expected_inputs(std::string_view type, const std::vector<Attr>& attrs) {
  auto attr_int = [&](std::string_view name) -> std::optional<int64_t> {
    for (const Attr& a : attrs)
      if (a.name == name)
        if (auto* v = std::get_if<int64_t>(&a.value)) return *v;
    return std::nullopt;
  };
  static const std::unordered_map<std::string_view, int> fixed = {
      {"Const", 0}, {"Placeholder", 0}, {"VariableV2", 0}, {"NoOp", 0},
      {"Identity", 1}, {"PlaceholderWithDefault", 1}, {"Shape", 1}, {"Size", 1}, {"Rank", 1},
      {"ZerosLike", 1}, {"OnesLike", 1}, {"StopGradient", 1}, {"PreventGradient", 1},
      {"Neg", 1}, {"Abs", 1}, {"Square", 1}, {"Sqrt", 1}, {"Rsqrt", 1}, {"Exp", 1}, {"Log", 1},
      {"Reciprocal", 1}, {"Sign", 1}, {"Floor", 1}, {"LogicalNot", 1}, {"Cast", 1},
      {"Relu", 1}, {"Relu6", 1}, {"Elu", 1}, {"Sigmoid", 1}, {"Tanh", 1}, {"Softmax", 1},
      {"LogSoftmax", 1}, {"L2Loss", 1}, {"InvertPermutation", 1}, {"Squeeze", 1},
      {"Unpack", 1}, {"BiasAddGrad", 1}, {"MaxPool", 1}, {"AvgPool", 1},
      {"RandomStandardNormal", 1}, {"TruncatedNormal", 1}, {"RandomUniform", 1},
      {"Add", 2}, {"AddV2", 2}, {"Sub", 2}, {"Mul", 2}, {"RealDiv", 2}, {"Div", 2},
      {"FloorDiv", 2}, {"FloorMod", 2}, {"Pow", 2}, {"Maximum", 2}, {"Minimum", 2},
      {"SquaredDifference", 2}, {"DivNoNan", 2}, {"Less", 2}, {"LessEqual", 2},
      {"Greater", 2}, {"GreaterEqual", 2}, {"LogicalAnd", 2}, {"LogicalOr", 2}, {"Equal", 2},
      {"NotEqual", 2}, {"MatMul", 2}, {"BatchMatMul", 2}, {"BatchMatMulV2", 2},
      {"BiasAdd", 2}, {"ReluGrad", 2}, {"Relu6Grad", 2}, {"EluGrad", 2}, {"SigmoidGrad", 2},
      {"TanhGrad", 2}, {"SqrtGrad", 2}, {"RsqrtGrad", 2}, {"ReciprocalGrad", 2},
      {"SoftmaxCrossEntropyWithLogits", 2}, {"SparseSoftmaxCrossEntropyWithLogits", 2},
      {"Sum", 2}, {"Mean", 2}, {"Max", 2}, {"Min", 2}, {"Prod", 2}, {"ArgMax", 2},
      {"ArgMin", 2}, {"Conv2D", 2}, {"Assign", 2}, {"AssignAdd", 2}, {"AssignSub", 2},
      {"Reshape", 2}, {"ExpandDims", 2}, {"Fill", 2}, {"Tile", 2}, {"Transpose", 2},
      {"Switch", 2}, {"RefSwitch", 2}, {"BroadcastGradientArgs", 2}, {"Cumsum", 2},
      {"Cumprod", 2}, {"ListDiff", 2}, {"Pad", 2}, {"AvgPoolGrad", 2},
      {"ScalarSummary", 2}, {"HistogramSummary", 2}, {"ImageSummary", 2},
      {"MergeV2Checkpoints", 2},
      {"RandomUniformInt", 3}, {"Range", 3}, {"Select", 3}, {"Slice", 3}, {"GatherV2", 3},
      {"Conv2DBackpropInput", 3}, {"Conv2DBackpropFilter", 3}, {"MaxPoolGrad", 3},
      {"SplitV", 3}, {"UnsortedSegmentSum", 3}, {"RestoreV2", 3}, {"ShardedFilename", 3},
      {"AudioSummaryV2", 3}, {"TensorSummaryV2", 3}, {"ApplyGradientDescent", 3},
      {"StridedSlice", 4}, {"OneHot", 4}, {"ApplyAdagrad", 4}, {"StridedSliceGrad", 5},
      {"ApplyMomentum", 5}, {"ApplyRMSProp", 8}, {"ApplyCenteredRMSProp", 9},
      {"ApplyAdam", 10}};
  if (auto it = fixed.find(type); it != fixed.end()) return it->second;
  // N inputs: AddN, Pack, Merge, MergeSummary, ShapeN; N + 1: ConcatV2 (axis last),
  // ConcatOffset (concat_dim first); 2N: DynamicStitch (indices, then data).
  static const std::unordered_map<std::string_view, std::pair<int, int>> by_n = {
      {"AddN", {1, 0}}, {"Pack", {1, 0}}, {"Merge", {1, 0}}, {"MergeSummary", {1, 0}},
      {"ShapeN", {1, 0}}, {"ConcatV2", {1, 1}}, {"ConcatOffset", {1, 1}},
      {"DynamicStitch", {2, 0}}};
  if (auto it = by_n.find(type); it != by_n.end()) {
    const std::optional<int64_t> n = attr_int("N");
    if (!n || *n < 0 || *n > INT32_MAX) return -1;  // reported as a missing or bad N
    return it->second.first * *n + it->second.second;
  }
  if (type == "SaveV2") {
    for (const Attr& a : attrs)
      if (a.name == "dtypes")
        if (auto* v = std::get_if<std::vector<DataType>>(&a.value))
          return 3 + static_cast<int64_t>(v->size());
    return -1;
  }
  return std::nullopt;
}

}  // namespace

// ---- AttrValue ----

void to_attr_value(const AttrValue& value, tensorflow::AttrValue* out, std::string_view key) {
  out->Clear();
  const bool make_tensor_proto = key == "value";
  auto write_tensor = [make_tensor_proto](const Tensor& t, tensorflow::TensorProto* p) {
    if (make_tensor_proto)
      to_tensor_proto(t, p);
    else
      to_typed_tensor_proto(t, p);
  };
  std::visit(
      [out, &write_tensor](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int64_t>) {
          out->set_i(v);
        } else if constexpr (std::is_same_v<T, float>) {
          out->set_f(v);
        } else if constexpr (std::is_same_v<T, bool>) {
          out->set_b(v);
        } else if constexpr (std::is_same_v<T, DataType>) {
          out->set_type(to_proto_dtype(v));
        } else if constexpr (std::is_same_v<T, std::string>) {
          out->set_s(v);
        } else if constexpr (std::is_same_v<T, PartialShape>) {
          to_shape_proto(v, out->mutable_shape());
        } else if constexpr (std::is_same_v<T, Tensor>) {
          write_tensor(v, out->mutable_tensor());
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          auto* l = out->mutable_list();
          for (int64_t x : v) l->add_i(x);
        } else if constexpr (std::is_same_v<T, std::vector<float>>) {
          auto* l = out->mutable_list();
          for (float x : v) l->add_f(x);
        } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
          auto* l = out->mutable_list();
          for (bool x : v) l->add_b(x);
        } else if constexpr (std::is_same_v<T, std::vector<DataType>>) {
          auto* l = out->mutable_list();
          for (DataType x : v) l->add_type(to_proto_dtype(x));
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          auto* l = out->mutable_list();
          for (const std::string& x : v) l->add_s(x);
        } else if constexpr (std::is_same_v<T, std::vector<PartialShape>>) {
          auto* l = out->mutable_list();
          for (const PartialShape& x : v) to_shape_proto(x, l->add_shape());
        } else if constexpr (std::is_same_v<T, std::vector<Tensor>>) {
          auto* l = out->mutable_list();
          for (const Tensor& x : v) write_tensor(x, l->add_tensor());
        }
      },
      value);
}

AttrValue from_attr_value(const tensorflow::AttrValue& v, std::string_view key) {
  using V = tensorflow::AttrValue;
  switch (v.value_case()) {
    case V::kS:
      return v.s();
    case V::kI:
      return static_cast<int64_t>(v.i());
    case V::kF:
      return v.f();
    case V::kB:
      return v.b();
    case V::kType:
      return from_proto_dtype(v.type());
    case V::kShape:
      return from_shape_proto(v.shape());
    case V::kTensor:
      return from_tensor_proto(v.tensor());
    case V::kList: {
      const auto& l = v.list();
      // A list holds one kind; the first non-empty field decides.
      if (l.s_size()) return std::vector<std::string>(l.s().begin(), l.s().end());
      if (l.i_size()) return std::vector<int64_t>(l.i().begin(), l.i().end());
      if (l.f_size()) return std::vector<float>(l.f().begin(), l.f().end());
      if (l.b_size()) return std::vector<bool>(l.b().begin(), l.b().end());
      if (l.type_size()) {
        std::vector<DataType> out;
        for (int t : l.type()) out.push_back(from_proto_dtype(t));
        return out;
      }
      if (l.shape_size()) {
        std::vector<PartialShape> out;
        for (const auto& s : l.shape()) out.push_back(from_shape_proto(s));
        return out;
      }
      if (l.tensor_size()) {
        std::vector<Tensor> out;
        for (const auto& t : l.tensor()) out.push_back(from_tensor_proto(t));
        return out;
      }
      if (l.func_size())
        throw Error(Code::kUnimplemented, "function-valued attrs are not supported");
      switch (empty_list_kind(key)) {
        case ListKind::kType:
          return std::vector<DataType>{};
        case ListKind::kShape:
          return std::vector<PartialShape>{};
        case ListKind::kString:
          return std::vector<std::string>{};
        case ListKind::kInt:
          return std::vector<int64_t>{};
      }
      return std::vector<int64_t>{};
    }
    case V::kFunc:
    case V::kPlaceholder:
      throw Error(Code::kUnimplemented, "function-valued attrs are not supported");
    case V::VALUE_NOT_SET:
      break;
  }
  invalid("AttrValue has no value");
}

std::string serialize_deterministic(const google::protobuf::MessageLite& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!message.SerializeToCodedStream(&coded))
      throw Error(Code::kInvalidArgument,
                  fmt::format("Cannot serialize a {} ({} bytes; the limit is 2 GB)",
                              message.GetTypeName(), message.ByteSizeLong()));
  }
  return out;
}

// ---- Export ----

void to_node_def(Operation op, tensorflow::NodeDef* out, bool add_shapes) {
  out->Clear();
  out->set_name(std::string(op.name()));
  out->set_op(std::string(op.type()));
  const int n = op.num_inputs();
  for (int i = 0; i < n; ++i) {
    const Output in = op.input(i);
    if (in.index() == 0)
      out->add_input(std::string(in.op().name()));
    else
      out->add_input(fmt::format("{}:{}", in.op().name(), in.index()));
  }
  // Control inputs sorted by name, as TF's Graph::ToGraphDef writes them (since TF 1.10).
  const int nc = op.num_control_inputs();
  if (nc > 0) {
    std::vector<std::string_view> controls;
    controls.reserve(static_cast<size_t>(nc));
    for (int i = 0; i < nc; ++i) controls.push_back(op.control_input(i).name());
    std::sort(controls.begin(), controls.end());
    for (std::string_view c : controls) out->add_input(fmt::format("^{}", c));
  }
  if (!op.device().empty()) out->set_device(std::string(op.device()));
  auto* attrs = out->mutable_attr();
  for (const auto& [key, value] : op.attrs())
    to_attr_value(value, &(*attrs)[std::string(key)], key);
  if (add_shapes && op.num_outputs() > 0) {
    auto* list = (*attrs)[std::string(kOutputShapesAttr)].mutable_list();
    for (int i = 0; i < op.num_outputs(); ++i) to_shape_proto(op.output(i).shape(), list->add_shape());
  }
}

tensorflow::GraphDef to_graph_def(const Graph& graph, const GraphDefOptions& options) {
  tensorflow::GraphDef gd;
  const size_t n = graph.num_operations();
  const size_t first = options.from_version ? std::min(*options.from_version, n) : 0;
  gd.mutable_node()->Reserve(static_cast<int>(n - first));
  for (size_t i = first; i < n; ++i)
    to_node_def(graph.operation(i), gd.add_node(), options.add_shapes);
  gd.mutable_versions()->set_producer(kGraphDefVersion);
  return gd;
}

// ---- Import ----

namespace {

// One input of a node to import, resolved.
struct InputRef {
  enum class Kind { kImported, kExisting } kind;
  int node = -1;          // kImported: GraphDef index of the source
  int64_t index = 0;      // output index; -1 for a control input
  Output existing;        // kExisting: the mapped tensor (its op for a control input)
  std::string_view text;  // the input as written, for messages
};

struct NodePlan {
  std::string name;  // final name (prefixed, uniquified)
  std::string_view type;
  std::vector<InputRef> inputs;  // data inputs first, then control inputs
  size_t num_data = 0;
  std::vector<Attr> attrs;  // `_output_shapes` removed, `_class` prefixed
  std::optional<std::vector<PartialShape>> output_shapes;
  std::string device;  // final device
  std::vector<std::string> colocation;  // loc:@ targets other than the node itself
};

struct Plan {
  std::vector<NodePlan> nodes;  // by GraphDef index
  std::vector<int> order;       // creation order
  struct Return {
    bool is_tensor;
    int node = -1;      // GraphDef index, or -1 when mapped
    int64_t index = 0;
    Output mapped;
    std::string text;
  };
  std::vector<Return> returns;
};

struct IdKey {
  std::string name;
  int64_t index;
  bool operator<(const IdKey& o) const {
    return name != o.name ? name < o.name : index < o.index;
  }
};

void check_versions(const tensorflow::VersionDef& v) {
  if (v.producer() < kGraphDefVersionMinProducer) invalid(msg::producer_too_low(v.producer()));
  if (v.min_consumer() > kGraphDefVersion) invalid(msg::min_consumer_too_high(v.min_consumer()));
  for (int b : v.bad_consumers())
    if (b == kGraphDefVersion) invalid(msg::bad_consumer(b));
}

// Every name of `graph` and every prefix of one at a '/' (TF's existing_nodes_ and
// existing_prefixes_).
std::unordered_set<std::string_view> existing_names(const Graph& graph) {
  std::unordered_set<std::string_view> names;
  const size_t n = graph.num_operations();
  names.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    std::string_view name = graph.operation(i).name();
    names.insert(name);
    for (size_t p = name.find('/'); p != std::string_view::npos; p = name.find('/', p + 1))
      names.insert(name.substr(0, p));
  }
  return names;
}

Plan make_plan(Graph& graph, const tensorflow::GraphDef& gd, const ImportOptions& options) {
  check_versions(gd.versions());
  std::string prefix = options.prefix;
  if (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!prefix.empty() && !valid_node_name(prefix)) invalid(msg::invalid_prefix(prefix));

  // input_map: keys parsed as Python does, values from this graph.
  std::map<IdKey, Output> input_map;
  for (const auto& [key, value] : options.input_map) {
    TensorId id = !key.empty() && key[0] == '^' ? TensorId{std::string_view(key).substr(1), -1}
                                                : parse_python_name(key);
    if (!value.valid() || value.graph() != &graph) invalid(msg::input_map_other_graph(key));
    input_map[IdKey{std::string(id.name), id.index}] = value;
  }

  const int n = gd.node_size();
  Plan plan;
  plan.nodes.resize(static_cast<size_t>(n));
  std::unordered_map<std::string_view, int> index_of;
  index_of.reserve(static_cast<size_t>(n));

  // BuildNodeIndex: names, uniqueness, op types, control inputs last.
  for (int i = 0; i < n; ++i) {
    const tensorflow::NodeDef& nd = gd.node(i);
    if (!valid_node_name(nd.name())) invalid(msg::invalid_node_name(nd.name()));
    if (!index_of.emplace(nd.name(), i).second) invalid(msg::not_unique(nd.name()));
    if (nd.op().empty()) invalid(msg::no_op(nd.name()));
    bool in_control = false;
    for (const std::string& in : nd.input()) {
      if (!in.empty() && in[0] == '^')
        in_control = true;
      else if (in_control)
        invalid(msg::control_order(nd.name()));
    }
  }

  // InitFromEdges: every input names a node of the GraphDef, or is mapped.
  std::vector<int> pending(static_cast<size_t>(n), 0);
  std::vector<std::vector<int>> consumers(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const tensorflow::NodeDef& nd = gd.node(i);
    NodePlan& p = plan.nodes[i];
    p.type = nd.op();
    std::set<IdKey> mapped_controls;
    for (const std::string& text : nd.input()) {
      const TensorId id = parse_input(text);
      auto m = input_map.empty() ? input_map.end()
                                 : input_map.find(IdKey{std::string(id.name), id.index});
      if (m != input_map.end()) {
        InputRef ref{InputRef::Kind::kExisting, -1, id.index, m->second, text};
        if (id.control()) {
          // Two inputs remapped to the same control input keep one (RemapNodeDefInputs).
          IdKey target{std::string(m->second.op().name()), -1};
          if (!mapped_controls.insert(target).second) continue;
        }
        p.inputs.push_back(ref);
        if (!id.control()) ++p.num_data;
        continue;
      }
      auto it = index_of.find(id.name);
      if (it == index_of.end()) invalid(msg::unknown_input(nd.name(), text));
      p.inputs.push_back(InputRef{InputRef::Kind::kImported, it->second, id.index, {}, text});
      if (!id.control()) ++p.num_data;
      consumers[static_cast<size_t>(it->second)].push_back(i);
      ++pending[static_cast<size_t>(i)];
    }
  }

  // Colocation constraints name nodes of the GraphDef (before prefixing).
  for (int i = 0; i < n; ++i) {
    const tensorflow::NodeDef& nd = gd.node(i);
    auto it = nd.attr().find(std::string(kClassAttr));
    if (it == nd.attr().end()) continue;
    for (const std::string& c : it->second.list().s()) {
      std::string_view s(c);
      if (s.substr(0, kColocationPrefix.size()) != kColocationPrefix) continue;
      s.remove_prefix(kColocationPrefix.size());
      if (!index_of.contains(s)) invalid(msg::unknown_colocation(nd.name(), s));
    }
  }

  // Op types and attrs.
  for (int i = 0; i < n; ++i) {
    const tensorflow::NodeDef& nd = gd.node(i);
    const OpDef* def = find_op_def(nd.op());
    if (!def || !def->shape) throw Error(Code::kNotFound, msg::op_not_registered(nd.op()));
    NodePlan& p = plan.nodes[i];
    // Sorted keys: the order TF's attr map serializes in, so export reproduces it.
    std::vector<const std::string*> keys;
    keys.reserve(nd.attr().size());
    for (const auto& kv : nd.attr()) keys.push_back(&kv.first);
    std::sort(keys.begin(), keys.end(), [](auto* a, auto* b) { return *a < *b; });
    for (const std::string* key : keys) {
      const tensorflow::AttrValue& v = nd.attr().at(*key);
      AttrValue value;
      try {
        value = from_attr_value(v, *key);
      } catch (const Error& e) {
        throw Error(e.code(), msg::attr_problem(nd.name(), *key, e.what()));
      }
      if (*key == kOutputShapesAttr) {
        if (auto* shapes = std::get_if<std::vector<PartialShape>>(&value)) {
          p.output_shapes = std::move(*shapes);
          continue;
        }
        invalid(msg::attr_problem(nd.name(), *key, "expected a list of shapes"));
      }
      if (*key == kClassAttr) {
        if (auto* groups = std::get_if<std::vector<std::string>>(&value)) {
          for (std::string& g : *groups) {
            if (std::string_view(g).substr(0, kColocationPrefix.size()) != kColocationPrefix)
              continue;
            if (!prefix.empty())
              g = fmt::format("{}{}/{}", kColocationPrefix, prefix,
                              std::string_view(g).substr(kColocationPrefix.size()));
            p.colocation.push_back(g.substr(kColocationPrefix.size()));
          }
        }
      }
      p.attrs.push_back(Attr{*key, std::move(value)});
    }
    // The number of data inputs must be the op's (TF's ValidateNodeDef); shape functions
    // read inputs by position.
    if (const std::optional<int64_t> want = expected_inputs(p.type, p.attrs)) {
      if (*want < 0)
        invalid(fmt::format("Node '{}': {} needs a valid attr '{}'", nd.name(), p.type,
                            p.type == "SaveV2" ? "dtypes" : "N"));
      if (static_cast<int64_t>(p.num_data) != *want)
        invalid(msg::input_count(nd.name(), p.type, *want, p.num_data));
    }
  }

  // Creation order: the lowest-index NodeDef whose inputs all exist (TF's sorted ready_).
  std::set<int> ready;
  for (int i = 0; i < n; ++i)
    if (pending[static_cast<size_t>(i)] == 0) ready.insert(i);
  plan.order.reserve(static_cast<size_t>(n));
  while (!ready.empty()) {
    const int o = *ready.begin();
    ready.erase(ready.begin());
    plan.order.push_back(o);
    for (int c : consumers[static_cast<size_t>(o)])
      if (--pending[static_cast<size_t>(c)] == 0) ready.insert(c);
  }
  if (plan.order.size() < static_cast<size_t>(n))
    invalid(msg::cycle(static_cast<size_t>(n) - plan.order.size()));

  // Names: prefixed, then made unique against the graph's names (TF's UniquifyNames).
  std::unordered_set<std::string_view> existing = existing_names(graph);
  std::unordered_set<std::string> gdef_names;
  if (!prefix.empty()) {
    for (int i = 0; i < n; ++i) {
      std::string full = fmt::format("{}/{}", prefix, gd.node(i).name());
      for (size_t p = full.find('/'); p != std::string::npos; p = full.find('/', p + 1))
        gdef_names.insert(full.substr(0, p));
      gdef_names.insert(std::move(full));
    }
  } else {
    for (int i = 0; i < n; ++i) {
      const std::string& full = gd.node(i).name();
      for (size_t p = full.find('/'); p != std::string::npos; p = full.find('/', p + 1))
        gdef_names.insert(full.substr(0, p));
      gdef_names.insert(full);
    }
  }
  for (int i : plan.order) {
    const std::string& orig = gd.node(i).name();
    std::string name = prefix.empty() ? orig : fmt::format("{}/{}", prefix, orig);
    if (existing.contains(name)) {
      std::string candidate;
      for (int count = 1;; ++count) {
        candidate = fmt::format("{}_{}", name, count);
        if (!existing.contains(candidate) && !gdef_names.contains(candidate)) break;
      }
      name = std::move(candidate);
    }
    plan.nodes[i].name = std::move(name);
  }

  // Devices (importer.py's _ProcessNewOps): a node's own device inside the caller's device
  // scope; a node colocated with another op takes that op's device ("" if it has none).
  Scope caller = current_scope(graph);
  std::unordered_map<std::string_view, int> final_index;
  for (int i = 0; i < n; ++i) final_index.emplace(plan.nodes[i].name, i);
  for (int i : plan.order) {
    NodePlan& p = plan.nodes[i];
    std::erase(p.colocation, p.name);
    if (!p.colocation.empty()) continue;
    const std::string& dev = gd.node(i).device();
    p.device = dev.empty() ? std::string(caller.device())
                           : std::string(caller.with_device(dev).device());
  }
  for (int i : plan.order) {
    NodePlan& p = plan.nodes[i];
    if (p.colocation.empty()) continue;
    for (const std::string& target : p.colocation) {
      std::string_view dev;
      if (auto it = final_index.find(target); it != final_index.end()) {
        dev = plan.nodes[it->second].device;
      } else if (auto op = graph.find_operation(target)) {
        dev = op->device();
      } else {
        invalid(fmt::format(
            "Specified colocation to an op that does not exist during import: {} in {}", target,
            p.name));
      }
      if (!dev.empty()) {
        p.device = DeviceSpec::parse(dev).to_string();
        break;
      }
    }
  }

  // Return elements.
  for (const std::string& r : options.return_elements) {
    Plan::Return ret;
    ret.text = r;
    ret.is_tensor = r.find(':') != std::string::npos;
    if (ret.is_tensor) {
      TensorId id = parse_python_name(r);
      ret.index = id.index;
      auto m = input_map.find(IdKey{std::string(id.name), id.index});
      if (m != input_map.end()) {
        ret.mapped = m->second;
      } else {
        auto it = index_of.find(id.name);
        if (it == index_of.end())
          invalid(msg::return_tensor_missing(id_string(id.name, id.index)));
        ret.node = it->second;
      }
    } else {
      auto it = index_of.find(r);
      if (it == index_of.end()) invalid(msg::return_node_missing(r));
      ret.node = it->second;
    }
    plan.returns.push_back(std::move(ret));
  }
  return plan;
}

// Creates the planned nodes in `graph`. `existing` maps a tensor of the target graph to the
// tensor to use (the identity, or a stand-in in the dry run's scratch graph).
std::vector<Operation> execute(Graph& graph, const Plan& plan,
                               const std::function<Output(const Output&)>& existing,
                               bool mark_names) {
  std::vector<Operation> created(plan.nodes.size());
  std::vector<Operation> in_order;
  in_order.reserve(plan.order.size());
  std::vector<Output> inputs;
  std::vector<Operation> controls;
  for (int i : plan.order) {
    const NodePlan& p = plan.nodes[static_cast<size_t>(i)];
    inputs.clear();
    controls.clear();
    for (const InputRef& in : p.inputs) {
      if (in.kind == InputRef::Kind::kExisting) {
        Output t = existing(in.existing);
        if (in.index < 0)
          controls.push_back(t.op());
        else
          inputs.push_back(t);
        continue;
      }
      Operation src = created[static_cast<size_t>(in.node)];
      if (in.index < 0) {
        controls.push_back(src);
        continue;
      }
      if (in.index >= src.num_outputs())
        invalid(msg::invalid_output(p.name, static_cast<int>(std::min<int64_t>(in.index, INT32_MAX)),
                                    src.name(), src.num_outputs()));
      inputs.push_back(src.output(static_cast<int>(in.index)));
    }
    if (const OpDef* def = find_op_def(p.type); def && def->ref_inputs) {
      for (size_t k = 0; k < inputs.size() && k < 32; ++k) {
        if (!(def->ref_inputs & (1u << k)) || is_ref(inputs[k].dtype())) continue;
        invalid(msg::incompatible_input(static_cast<int>(k), p.name, inputs[k].dtype(),
                                        inputs[k].op().name(), inputs[k].index(),
                                        ref_dtype(inputs[k].dtype())));
      }
    }
    auto st = std::make_shared<internal::ScopeState>();
    st->graph = &graph;
    st->device = p.device;
    Scope scope(std::move(st));
    if (mark_names && graph.unique_full_name(p.name, false) == p.name)
      graph.unique_full_name(p.name, true);  // TF: _names_in_use[name.lower()] = 1 if unused
    Operation op = ops::create(scope, p.type, p.name + "/", inputs, p.attrs, controls);
    created[static_cast<size_t>(i)] = op;
    in_order.push_back(op);
    if (p.output_shapes) {
      const auto& shapes = *p.output_shapes;
      if (static_cast<int>(shapes.size()) != op.num_outputs())
        invalid(msg::output_shapes_count(p.name, op.num_outputs(), static_cast<int>(shapes.size())));
      for (size_t k = 0; k < shapes.size(); ++k) {
        try {
          op.output(static_cast<int>(k)).set_shape(shapes[k]);
        } catch (const Error& e) {
          invalid(msg::output_shapes_inconsistent(p.name, static_cast<int>(k), e.what()));
        }
      }
    }
  }
  return in_order;
}

// Restores the thread's control-flow context of a graph on scope exit.
class ClearControlFlow {
 public:
  explicit ClearControlFlow(Graph& g) : g_(g), saved_(g.set_control_flow_context(nullptr)) {}
  ~ClearControlFlow() { g_.set_control_flow_context(saved_); }
  ClearControlFlow(const ClearControlFlow&) = delete;
  ClearControlFlow& operator=(const ClearControlFlow&) = delete;

 private:
  Graph& g_;
  internal::ControlFlowContext* saved_;
};

}  // namespace

ImportResult import_graph_def(Graph& graph, const tensorflow::GraphDef& gd,
                              const ImportOptions& options) {
  if (graph.finalized()) throw Error(Code::kFailedPrecondition, messages::graph_finalized());
  const Plan plan = make_plan(graph, gd, options);

  // Dry run in a scratch graph: shape functions, output indices and `_output_shapes` are
  // checked before the target changes. Mapped tensors become stand-ins with the same dtypes
  // and shapes (Consts keep their value, which shape functions may read).
  {
    std::vector<Operation> dry;
    Graph scratch;
    std::unordered_map<uint32_t, Operation> stand_ins;
    Scope root = Scope::root(scratch);
    // Stand-in names must not collide with imported ones.
    std::string base = "stand_in";
    for (bool clash = true; clash;) {
      clash = false;
      for (const NodePlan& p : plan.nodes)
        if (p.name == base || p.name.starts_with(base + "/")) clash = true;
      if (clash) base += "_";
    }
    auto stand_in = [&](const Output& t) -> Output {
      Operation src = t.op();
      auto it = stand_ins.find(src.index());
      if (it == stand_ins.end()) {
        std::vector<Graph::OutputSpec> specs;
        for (int k = 0; k < src.num_outputs(); ++k)
          specs.push_back({src.output(k).dtype(), src.output(k).shape()});
        std::vector<Attr> attrs;
        std::string_view type = "_ImportStandIn";
        if (src.type() == "Const") {
          type = "Const";
          for (auto& [k, v] : src.attrs()) attrs.push_back(Attr{std::string(k), v});
        }
        Operation op = scratch.create_op(root, type, fmt::format("{}/{}/", base, src.index()), {},
                                         attrs, specs);
        it = stand_ins.emplace(src.index(), op).first;
      }
      return it->second.output(t.index() < 0 ? 0 : t.index());
    };
    dry = execute(scratch, plan, stand_in, /*mark_names=*/false);
    std::unordered_map<std::string_view, Operation> dry_by_name;  // by GraphDef name
    for (size_t k = 0; k < plan.order.size(); ++k)
      dry_by_name.emplace(gd.node(plan.order[k]).name(), dry[k]);
    // input_map keys must name outputs of the GraphDef: TF reports the others, sorted.
    std::map<IdKey, bool> keys;
    for (const auto& [key, value] : options.input_map) {
      TensorId id = !key.empty() && key[0] == '^' ? TensorId{std::string_view(key).substr(1), -1}
                                                  : parse_python_name(key);
      keys[IdKey{std::string(id.name), id.index}] = true;
    }
    std::string missing;
    for (const auto& [key, unused] : keys) {
      auto it = dry_by_name.find(key.name);
      if (it != dry_by_name.end() && key.index < it->second.num_outputs()) continue;
      missing += (missing.empty() ? "" : ", ") + id_string(key.name, key.index);
    }
    if (!missing.empty()) invalid(msg::missing_input_map_keys(missing));
    for (const Plan::Return& r : plan.returns) {
      if (r.node < 0 || !r.is_tensor) continue;
      const Operation op = dry_by_name.at(gd.node(r.node).name());
      if (r.index < 0 || r.index >= op.num_outputs())
        invalid(msg::invalid_return_output(static_cast<int>(std::min<int64_t>(r.index, INT32_MAX)),
                                           gd.node(r.node).name(), op.num_outputs()));
    }
  }

  ClearControlFlow no_cf(graph);
  ImportResult result;
  result.operations =
      execute(graph, plan, [](const Output& t) { return t; }, /*mark_names=*/true);
  std::unordered_map<int, Operation> by_index;
  for (size_t k = 0; k < plan.order.size(); ++k) by_index[plan.order[k]] = result.operations[k];
  for (const Plan::Return& r : plan.returns) {
    if (r.node < 0) {
      result.return_elements.emplace_back(r.mapped);
      continue;
    }
    Operation op = by_index.at(r.node);
    if (!r.is_tensor) {
      result.return_elements.emplace_back(op);
      continue;
    }
    result.return_elements.emplace_back(op.output(static_cast<int>(r.index)));
  }
  return result;
}

}  // namespace scopeflow::io
