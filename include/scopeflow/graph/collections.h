// TF's standard collection keys (tf.GraphKeys) and what a collection holds.
#pragma once

#include <memory>
#include <string>

#include "scopeflow/graph/handles.h"
#include "scopeflow/graph/variable.h"

namespace scopeflow {

/// tf.GraphKeys: the standard collection names.
namespace graph_keys {
inline constexpr const char* kGlobalVariables = "variables";
inline constexpr const char* kLocalVariables = "local_variables";
inline constexpr const char* kMetricVariables = "metric_variables";
inline constexpr const char* kModelVariables = "model_variables";
inline constexpr const char* kTrainableVariables = "trainable_variables";
inline constexpr const char* kSummaries = "summaries";
inline constexpr const char* kQueueRunners = "queue_runners";
inline constexpr const char* kTableInitializers = "table_initializer";
inline constexpr const char* kAssetFilepaths = "asset_filepaths";
inline constexpr const char* kMovingAverageVariables = "moving_average_variables";
inline constexpr const char* kRegularizationLosses = "regularization_losses";
inline constexpr const char* kConcatenatedVariables = "concatenated_variables";
inline constexpr const char* kSavers = "savers";
inline constexpr const char* kWeights = "weights";
inline constexpr const char* kBiases = "biases";
inline constexpr const char* kActivations = "activations";
inline constexpr const char* kUpdateOps = "update_ops";
inline constexpr const char* kLosses = "losses";
inline constexpr const char* kSaveableObjects = "saveable_objects";
inline constexpr const char* kResources = "resources";
inline constexpr const char* kLocalResources = "local_resources";
inline constexpr const char* kTrainableResourceVariables = "trainable_resource_variables";
inline constexpr const char* kInitOp = "init_op";
inline constexpr const char* kLocalInitOp = "local_init_op";
inline constexpr const char* kReadyOp = "ready_op";
inline constexpr const char* kReadyForLocalInitOp = "ready_for_local_init_op";
inline constexpr const char* kSummaryOp = "summary_op";
inline constexpr const char* kGlobalStep = "global_step";
inline constexpr const char* kEvalStep = "eval_step";
inline constexpr const char* kTrainOp = "train_op";
inline constexpr const char* kCondContext = "cond_context";
inline constexpr const char* kWhileContext = "while_context";
inline constexpr const char* kSummaryCollection = "_SUMMARY_V2";
}  // namespace graph_keys

/// One entry of a collection: a graph element, or an opaque front-end object (a Python
/// object added with tf.add_to_collection) with the name it answers to.
struct CollectionItem {
  enum class Kind { kOperation, kTensor, kVariable, kPartitionedVariable, kOther };
  Kind kind = Kind::kOther;
  Operation op;
  Output tensor;
  Variable variable;
  uint32_t partitioned = 0;
  std::shared_ptr<void> user_object;
  std::string user_name;  ///< for kOther: the object's `name`, if any

  static CollectionItem of(Operation op) {
    CollectionItem i;
    i.kind = Kind::kOperation;
    i.op = op;
    return i;
  }
  static CollectionItem of(Output t) {
    CollectionItem i;
    i.kind = Kind::kTensor;
    i.tensor = t;
    return i;
  }
  static CollectionItem of(Variable v) {
    CollectionItem i;
    i.kind = Kind::kVariable;
    i.variable = v;
    return i;
  }
  /// The name `get_collection(key, scope)` matches against.
  std::string name() const;
  bool operator==(const CollectionItem& o) const;
};

}  // namespace scopeflow
