// Summary ops (TF 1.15's ScalarSummary, HistogramSummary, ImageSummary, AudioSummaryV2,
// TensorSummaryV2, MergeSummary) and the tf.summary functions that name them.
//
// Each op outputs a scalar string: a serialized tensorflow.Summary, which EventWriter
// (scopeflow/io/events.h) writes to an event file.
//
//   Scope root = Scope::root(g);
//   Output loss = ...;
//   summary::scalar(root.name_scope("train"), "loss", loss);  // op train/loss, tag "train/loss"
//   std::optional<Output> merged = summary::merge_all(root);  // Merge/MergeSummary
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scopeflow/base/tensor.h"
#include "scopeflow/graph/collections.h"
#include "scopeflow/graph/handles.h"
#include "scopeflow/graph/input.h"
#include "scopeflow/naming/scope.h"

namespace scopeflow {

namespace ops {

// The raw ops (TF's gen_logging_ops): an op scope `name` (or the op type), literals converted
// inside it under their argument names (`<op>/tags`). Inputs of the wrong type throw
// kTypeMismatch with TF's op_def_library text.

/// ScalarSummary(tags, values): one simple_value per tag; tags and values of one shape. T is a
/// real number type.
Output scalar_summary(const Scope& scope, const Input& tags, const Input& values,
                      std::string_view name = "");
/// HistogramSummary(tag, values): TF's histogram of `values` (any shape, real numbers).
Output histogram_summary(const Scope& scope, const Input& tag, const Input& values,
                         std::string_view name = "");
/// ImageSummary(tag, tensor [batch, h, w, c] of uint8/float/half/double), up to `max_images`
/// PNG images tagged "<tag>/image/<i>" (or "<tag>/image" when max_images is 1). Float images
/// are scaled as TF scales them; non-finite pixels get `bad_color` (default opaque red).
Output image_summary(const Scope& scope, const Input& tag, const Input& tensor,
                     int64_t max_images = 3, std::optional<Tensor> bad_color = std::nullopt,
                     std::string_view name = "");
/// AudioSummaryV2(tag, tensor [batch, frames(, channels)] float, sample_rate): 16-bit WAV clips.
Output audio_summary_v2(const Scope& scope, const Input& tag, const Input& tensor,
                        const Input& sample_rate, int64_t max_outputs = 3,
                        std::string_view name = "");
/// TensorSummaryV2(tag, tensor, serialized_summary_metadata): the tensor as a TensorProto.
Output tensor_summary_v2(const Scope& scope, const Input& tag, const Input& tensor,
                         const Input& serialized_summary_metadata, std::string_view name = "");
/// MergeSummary(inputs): the union of the inputs' values. Running it with two values of one
/// tag fails: "Duplicate tag <tag> found in summary inputs".
Output merge_summary(const Scope& scope, const std::vector<Output>& inputs,
                     std::string_view name = "");

}  // namespace ops

/// tf.summary (TF 1.15 tensorflow/python/summary/summary.py): each function opens TF's
/// summary_scope — name_scope(name, or "<family>/<name>"), the tag being that scope without
/// its trailing "/" (prefixed by "<family>/" with a family) — creates the op named after the
/// scope itself, and adds it to `collections` (default: {"summaries"}).
namespace summary {

struct Options {
  /// Collection keys for the op; nullopt = {GraphKeys.SUMMARIES}.
  std::optional<std::vector<std::string>> collections;
  /// Tag prefix (TensorBoard's tab); also a name scope under the current one.
  std::optional<std::string> family;
};

/// TF's summary_op_util.clean_tag: characters other than [-/\w.] become "_" (non-ASCII bytes
/// are kept, as Python's Unicode \w keeps letters), then leading "/" are dropped.
std::string clean_tag(std::string_view name);

/// tf.summary.scalar(name, tensor).
Output scalar(const Scope& scope, std::string_view name, const Input& tensor,
              const Options& options = {});
/// tf.summary.histogram(name, values) (default scope name "HistogramSummary" for name "").
Output histogram(const Scope& scope, std::string_view name, const Input& values,
                 const Options& options = {});
/// tf.summary.image(name, tensor, max_outputs=3).
Output image(const Scope& scope, std::string_view name, const Input& tensor,
             int64_t max_outputs = 3, const Options& options = {});
/// tf.summary.audio(name, tensor, sample_rate, max_outputs=3): sample_rate converted to a
/// float `sample_rate` constant inside the summary scope.
Output audio(const Scope& scope, std::string_view name, const Input& tensor,
             const Input& sample_rate, int64_t max_outputs = 3, const Options& options = {});
/// tf.summary.tensor_summary(name, tensor, summary_metadata=serialized SummaryMetadata).
Output tensor_summary(const Scope& scope, std::string_view name, const Input& tensor,
                      std::string_view serialized_summary_metadata = "",
                      const Options& options = {});
/// tf.summary.merge(inputs, collections=None, name=None): MergeSummary inside
/// name_scope(name, "Merge") — `Merge/MergeSummary` without a name. `collections` defaults to
/// none here (as TF).
Output merge(const Scope& scope, const std::vector<Output>& inputs,
             const std::vector<std::string>& collections = {},
             std::optional<std::string_view> name = std::nullopt);
/// tf.summary.merge_all(key, scope): merge of the collection `key` (filtered by the regex
/// `scope_filter` as get_collection does); nullopt when the collection is empty.
std::optional<Output> merge_all(const Scope& scope, std::string_view key = graph_keys::kSummaries,
                                std::optional<std::string_view> scope_filter = std::nullopt,
                                std::optional<std::string_view> name = std::nullopt);

}  // namespace summary

}  // namespace scopeflow
