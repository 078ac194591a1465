// Summary ops: ScalarSummary, HistogramSummary, ImageSummary, AudioSummaryV2, TensorSummaryV2,
// MergeSummary (TF 1.15 tensorflow/core/ops/logging_ops.cc), their builders, and tf.summary's
// naming (tensorflow/python/summary/summary.py, tensorflow/python/ops/summary_op_util.py).
#include "scopeflow/ops/summary_ops.h"

#include <fmt/format.h>

#include "scopeflow/base/messages.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/ops/op_registry.h"
#include "scopeflow/ops/ops.h"

namespace scopeflow {

namespace internal {
namespace {
// Every summary op outputs one serialized Summary (TF's ScalarShape).
void scalar_string_shape(ShapeContext& c) { c.set_output(0, DataType::kString, PartialShape({})); }
}  // namespace

void register_summary_ops() {
  for (const char* type : {"ScalarSummary", "HistogramSummary", "ImageSummary", "AudioSummaryV2",
                           "TensorSummaryV2", "MergeSummary"})
    register_op({type, &scalar_string_shape});
}
}  // namespace internal

namespace ops {
namespace {

// TF's realnumbertype, in TF's order (types.h kRealNumberTypes as op_def_library lists them).
constexpr DataType kRealNumberTypes[] = {DataType::kFloat, DataType::kDouble,   DataType::kInt32,
                                         DataType::kUInt8, DataType::kInt16,    DataType::kInt8,
                                         DataType::kInt64, DataType::kBFloat16, DataType::kUInt16,
                                         DataType::kHalf,  DataType::kUInt32,   DataType::kUInt64};
constexpr DataType kImageTypes[] = {DataType::kUInt8, DataType::kFloat, DataType::kHalf,
                                    DataType::kDouble};

// op_def_library._SatisfiesTypeConstraint.
void check_allowed(DataType t, std::span<const DataType> allowed, std::string_view param) {
  for (DataType a : allowed)
    if (a == t) return;
  std::string names;
  for (DataType a : allowed) names += (names.empty() ? "" : ", ") + dtype_name(a);
  throw Error(Code::kTypeMismatch,
              fmt::format("Value passed to parameter '{}' has DataType {} not in list of allowed "
                          "values: {}",
                          param, dtype_name(t), names));
}

// A fixed-type input (tag: string): a tensor of another type is op_def_library's TypeError, a
// literal of another type convert_to_tensor's.
void check_fixed(const Input& in, std::string_view arg, DataType want, std::string_view op_type) {
  if (in.is_tensor() && base_dtype(in.dtype()) != want)
    throw Error(Code::kTypeMismatch,
                fmt::format("Input '{}' of '{}' Op has type {} that does not match expected type "
                            "of {}.",
                            arg, op_type, dtype_name(base_dtype(in.dtype())), dtype_name(want)));
  if (!in.is_tensor() && in.value().dtype() != want &&
      !(in.literal() && detail::literal_converts(in.value().dtype(), want)))
    throw Error(Code::kTypeMismatch,
                messages::literal_type_mismatch(dtype_name(want), detail::literal_text(in.value()),
                                                detail::python_type_of(in.value().dtype())));
}

// op_def_library's attr minimum check.
void check_minimum(int64_t value, int64_t minimum, std::string_view attr, std::string_view op) {
  if (value < minimum)
    throw Error(Code::kInvalidArgument,
                fmt::format("Attr '{}' of '{}' Op passed {} less than minimum {}.", attr, op, value,
                            minimum));
}

// ImageSummary's default bad_color: opaque red.
Tensor default_bad_color() {
  Tensor t(DataType::kUInt8, {4});
  uint8_t* p = t.data<uint8_t>();
  p[0] = 255, p[1] = 0, p[2] = 0, p[3] = 255;
  return t;
}

}  // namespace

// Types are checked before anything is built, so a failed call leaves the graph as it was.

Output scalar_summary(const Scope& scope, const Input& tags, const Input& values,
                      std::string_view name) {
  check_fixed(tags, "tags", DataType::kString, "ScalarSummary");
  check_allowed(base_dtype(values.dtype()), kRealNumberTypes, "values");
  OpBuilder b(scope, "ScalarSummary", name);
  b.input(tags, "tags", DataType::kString);
  Output v = b.input(values, "values");
  return b.attr("T", base_dtype(v.dtype())).finish().output(0);
}

Output histogram_summary(const Scope& scope, const Input& tag, const Input& values,
                         std::string_view name) {
  check_fixed(tag, "tag", DataType::kString, "HistogramSummary");
  check_allowed(base_dtype(values.dtype()), kRealNumberTypes, "values");
  OpBuilder b(scope, "HistogramSummary", name);
  b.input(tag, "tag", DataType::kString);
  Output v = b.input(values, "values");
  return b.attr("T", base_dtype(v.dtype())).finish().output(0);
}

Output image_summary(const Scope& scope, const Input& tag, const Input& tensor, int64_t max_images,
                     std::optional<Tensor> bad_color, std::string_view name) {
  check_minimum(max_images, 1, "max_images", "ImageSummary");
  check_fixed(tag, "tag", DataType::kString, "ImageSummary");
  check_allowed(base_dtype(tensor.dtype()), kImageTypes, "tensor");
  OpBuilder b(scope, "ImageSummary", name);
  b.input(tag, "tag", DataType::kString);
  Output t = b.input(tensor, "tensor");
  return b.attr("max_images", max_images)
      .attr("T", base_dtype(t.dtype()))
      .attr("bad_color", bad_color ? *bad_color : default_bad_color())
      .finish()
      .output(0);
}

Output audio_summary_v2(const Scope& scope, const Input& tag, const Input& tensor,
                        const Input& sample_rate, int64_t max_outputs, std::string_view name) {
  check_minimum(max_outputs, 1, "max_outputs", "AudioSummaryV2");
  check_fixed(tag, "tag", DataType::kString, "AudioSummaryV2");
  check_fixed(tensor, "tensor", DataType::kFloat, "AudioSummaryV2");
  check_fixed(sample_rate, "sample_rate", DataType::kFloat, "AudioSummaryV2");
  OpBuilder b(scope, "AudioSummaryV2", name);
  b.input(tag, "tag", DataType::kString);
  b.input(tensor, "tensor", DataType::kFloat);
  b.input(sample_rate, "sample_rate", DataType::kFloat);
  return b.attr("max_outputs", max_outputs).finish().output(0);
}

Output tensor_summary_v2(const Scope& scope, const Input& tag, const Input& tensor,
                         const Input& serialized_summary_metadata, std::string_view name) {
  check_fixed(tag, "tag", DataType::kString, "TensorSummaryV2");
  check_fixed(serialized_summary_metadata, "serialized_summary_metadata", DataType::kString,
              "TensorSummaryV2");
  OpBuilder b(scope, "TensorSummaryV2", name);
  b.input(tag, "tag", DataType::kString);
  Output t = b.input(tensor, "tensor");
  b.input(serialized_summary_metadata, "serialized_summary_metadata", DataType::kString);
  return b.attr("T", base_dtype(t.dtype())).finish().output(0);
}

Output merge_summary(const Scope& scope, const std::vector<Output>& inputs, std::string_view name) {
  if (inputs.empty())
    throw Error(Code::kInvalidArgument,
                "List argument 'inputs' to 'MergeSummary' Op with length 0 shorter than minimum "
                "length 1.");
  bool mismatch = false;
  std::string observed;
  for (const Output& in : inputs) {
    mismatch |= base_dtype(in.dtype()) != DataType::kString;
    observed += (observed.empty() ? "" : ", ") + dtype_name(base_dtype(in.dtype()));
  }
  if (mismatch)
    throw Error(Code::kTypeMismatch,
                fmt::format("Tensors in list passed to 'inputs' of 'MergeSummary' Op have types "
                            "[{}] that do not match expected type string.",
                            observed));
  OpBuilder b(scope, "MergeSummary", name);
  for (const Output& in : inputs) b.add(in);
  return b.attr("N", static_cast<int64_t>(inputs.size())).finish().output(0);
}

}  // namespace ops

namespace summary {
namespace {

bool tag_char(unsigned char c) {
  return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-' || c == '/' || c == '.';
}

// summary_op_util.summary_scope: the scope the op is named after and the tag it writes.
struct SummaryScope {
  Scope scope;
  std::string op_name;  // the scope string, "a/loss/": the op takes it as its exact name
  std::string tag;
};

SummaryScope summary_scope(const Scope& outer, std::string_view name,
                           const std::optional<std::string>& family,
                           std::string_view default_name = "") {
  const std::string n = clean_tag(name);
  std::optional<std::string> fam;
  if (family) fam = clean_tag(*family);
  const std::string base = fam ? *fam + "/" + n : n;
  // An empty name is TF's None: the default name, or TF's error when there is none.
  if (base.empty() && default_name.empty())
    throw Error(Code::kInvalidArgument, messages::name_scope_missing_name("None", "None"));
  SummaryScope s;
  s.scope = base.empty() ? outer.name_scope(std::nullopt, default_name) : outer.name_scope(base);
  s.op_name = std::string(s.scope.name_scope_string());
  std::string_view tag = s.op_name;
  while (!tag.empty() && tag.back() == '/') tag.remove_suffix(1);
  s.tag = fam ? *fam + "/" + std::string(tag) : std::string(tag);
  return s;
}

Tensor string_scalar(std::string s) { return Tensor::strings({std::move(s)}, {}); }

Output collect(const Output& val, const Options& options) {
  static const std::vector<std::string> kDefault = {graph_keys::kSummaries};
  const std::vector<std::string>& keys = options.collections ? *options.collections : kDefault;
  for (const std::string& k : keys) val.graph()->add_to_collection(k, CollectionItem::of(val));
  return val;
}

}  // namespace

std::string clean_tag(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (!tag_char(static_cast<unsigned char>(c))) c = '_';
  const size_t first = out.find_first_not_of('/');
  return first == std::string::npos ? std::string() : out.substr(first);
}

Output scalar(const Scope& scope, std::string_view name, const Input& tensor,
              const Options& options) {
  SummaryScope s = summary_scope(scope, name, options.family);
  return collect(ops::scalar_summary(s.scope, string_scalar(s.tag), tensor, s.op_name), options);
}

Output histogram(const Scope& scope, std::string_view name, const Input& values,
                 const Options& options) {
  SummaryScope s = summary_scope(scope, name, options.family, "HistogramSummary");
  return collect(ops::histogram_summary(s.scope, string_scalar(s.tag), values, s.op_name), options);
}

Output image(const Scope& scope, std::string_view name, const Input& tensor, int64_t max_outputs,
             const Options& options) {
  SummaryScope s = summary_scope(scope, name, options.family);
  return collect(ops::image_summary(s.scope, string_scalar(s.tag), tensor, max_outputs,
                                    std::nullopt, s.op_name),
                 options);
}

Output audio(const Scope& scope, std::string_view name, const Input& tensor,
             const Input& sample_rate, int64_t max_outputs, const Options& options) {
  SummaryScope s = summary_scope(scope, name, options.family);
  // summary.audio converts sample_rate before the op converts its own arguments.
  Output rate = ops::convert_to_tensor(s.scope, sample_rate, "sample_rate", DataType::kFloat);
  return collect(
      ops::audio_summary_v2(s.scope, string_scalar(s.tag), tensor, rate, max_outputs, s.op_name),
      options);
}

Output tensor_summary(const Scope& scope, std::string_view name, const Input& tensor,
                      std::string_view serialized_summary_metadata, const Options& options) {
  SummaryScope s = summary_scope(scope, name, options.family);
  return collect(
      ops::tensor_summary_v2(s.scope, string_scalar(s.tag), tensor,
                             string_scalar(std::string(serialized_summary_metadata)), s.op_name),
      options);
}

Output merge(const Scope& scope, const std::vector<Output>& inputs,
             const std::vector<std::string>& collections, std::optional<std::string_view> name) {
  std::optional<std::string> cleaned;
  if (name) cleaned = clean_tag(*name);
  const Scope ms = cleaned ? scope.name_scope(std::optional<std::string_view>(*cleaned), "Merge")
                           : scope.name_scope(std::nullopt, "Merge");
  Output val = ops::merge_summary(ms, inputs, cleaned ? std::string_view(*cleaned) : "");
  Options o;
  o.collections = collections;
  return collect(val, o);
}

std::optional<Output> merge_all(const Scope& scope, std::string_view key,
                                std::optional<std::string_view> scope_filter,
                                std::optional<std::string_view> name) {
  std::vector<Output> inputs;
  for (const CollectionItem& item : scope.graph().get_collection(key, scope_filter)) {
    if (item.kind == CollectionItem::Kind::kTensor) {
      inputs.push_back(item.tensor);
    } else {
      throw Error(Code::kTypeMismatch,
                  fmt::format("merge_all: the collection '{}' holds '{}', which is not a summary "
                              "tensor",
                              key, item.name()));
    }
  }
  if (inputs.empty()) return std::nullopt;
  return merge(scope, inputs, {}, name);
}

}  // namespace summary

}  // namespace scopeflow
