// Variables (TF's RefVariable and PartitionedVariable) and the options of get_variable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scopeflow/base/dtype.h"
#include "scopeflow/base/shape.h"
#include "scopeflow/base/tensor.h"
#include "scopeflow/graph/handles.h"
#include "scopeflow/graph/input.h"

namespace scopeflow {

class Graph;
class Scope;

/// TF's reuse setting. A scope's reuse is kFalse, kTrue or kAuto (tf.AUTO_REUSE); an
/// unset std::optional<Reuse> in options means "inherit".
enum class Reuse { kFalse, kTrue, kAuto };

/// tf.VariableSynchronization.
enum class Synchronization { kAuto = 0, kNone = 1, kOnWrite = 2, kOnRead = 3 };

/// A variable of a graph, by index: the VariableV2 op, its Assign initializer and its `read`
/// snapshot. Trivially copyable; valid while its graph lives.
///
///   Variable w = get_variable(scope.variable_scope("layer"), "w", {.shape = {{2, 3}}});
///   w.name();   // "layer/w:0"
class Variable {
 public:
  Variable() = default;
  Variable(const Graph* graph, uint32_t index) : graph_(const_cast<Graph*>(graph)), index_(index) {}

  bool valid() const { return graph_ != nullptr; }
  Graph* graph() const { return graph_; }
  uint32_t index() const { return index_; }

  /// "scope/w:0"
  std::string name() const;
  /// The VariableV2 op.
  Operation op() const;
  /// The Assign op that initializes the variable.
  Operation initializer() const;
  /// The `read` snapshot (Identity) tensor: what the variable means as an op input.
  Output value() const;
  /// The VariableV2 op's output (a `_ref` tensor).
  Output ref() const;
  Output initial_value() const;
  /// The reference dtype, e.g. float32_ref.
  DataType dtype() const;
  const PartialShape& shape() const;
  bool trainable() const;
  /// Where the variable was created: a Python traceback or "file:line" from C++.
  const std::string& defined_at() const;
  /// TF's repr: <tf.Variable 'scope/w:0' shape=(1,) dtype=float32_ref>
  std::string repr() const;

  bool operator==(const Variable& o) const { return graph_ == o.graph_ && index_ == o.index_; }
  bool operator!=(const Variable& o) const { return !(*this == o); }

 private:
  Graph* graph_ = nullptr;
  uint32_t index_ = 0;
};

/// TF's PartitionedVariable: a variable split along one axis into `name/part_<i>` variables.
struct PartitionedVariable {
  std::string name;  ///< no ":0" suffix, e.g. "scope0/name0"
  PartialShape shape;
  DataType dtype = DataType::kInvalid;
  std::vector<Variable> parts;  ///< in offset order
  std::vector<int64_t> partitions;
};

/// Where a part sits in its full variable (TF's _PartitionInfo), given to initializers.
struct PartitionInfo {
  std::vector<int64_t> full_shape;
  std::vector<int64_t> var_offset;
};

/// How a variable gets its initial value: either a callable that builds it (TF initializers
/// such as glorot_uniform; called inside `<var>/Initializer/`), or a value (a tensor already in
/// the graph, or a constant). `user_object` keeps the front end's own object (a Python
/// initializer) so that it can be handed back unchanged.
struct Initializer {
  /// Called with the current scope set to `<var>/Initializer/` (also on the thread's stack).
  using Fn = std::function<Input(const Scope& scope, const PartialShape& shape, DataType dtype,
                                 const PartitionInfo* partition)>;
  Fn fn;
  /// The callable can be called without a shape (TF: every parameter has a default).
  bool accepts_no_args = false;
  std::optional<Output> tensor;
  std::optional<Tensor> value;
  std::shared_ptr<void> user_object;

  bool callable() const { return static_cast<bool>(fn); }
  static Initializer from_value(Tensor value) {
    Initializer i;
    i.value = std::move(value);
    return i;
  }
  static Initializer from_tensor(Output t) {
    Initializer i;
    i.tensor = t;
    return i;
  }
};

/// Builds a loss for a new variable inside `<var>/Regularizer/`; nullopt means no loss.
struct Regularizer {
  std::function<std::optional<Output>(const Scope& scope, const Variable&)> fn;
  std::shared_ptr<void> user_object;
};

/// Returns how many parts each axis gets (TF's partitioner(shape=, dtype=)).
struct Partitioner {
  std::function<std::vector<int64_t>(const PartialShape& shape, DataType dtype)> fn;
  std::shared_ptr<void> user_object;
};

/// The arguments get_variable passes down to the getter chain (TF's keyword arguments).
struct GetterArgs {
  std::string name;  ///< full name, e.g. "scope/w"
  std::optional<PartialShape> shape;
  std::optional<DataType> dtype;
  std::optional<Initializer> initializer;
  std::optional<Regularizer> regularizer;
  Reuse reuse = Reuse::kFalse;
  std::optional<bool> trainable;
  std::optional<std::vector<std::string>> collections;
  std::optional<std::string> caching_device;
  std::optional<Partitioner> partitioner;
  bool validate_shape = true;
  std::optional<bool> use_resource;
  Synchronization synchronization = Synchronization::kAuto;
  int aggregation = 0;
  /// Renders the creation site recorded on a new variable ("Originally defined at:"); called
  /// only when a variable is created, so lookups of existing ones stay cheap.
  std::function<std::string()> defined_at;
};

/// What get_variable returns: a variable, a partitioned variable, or — through a custom
/// getter — a tensor or any front-end object.
struct VariableResult {
  std::optional<Variable> variable;
  std::optional<PartitionedVariable> partitioned;
  std::optional<Output> tensor;
  std::shared_ptr<void> user_object;
};

/// The next getter in the chain (ultimately the variable store).
using Getter = std::function<VariableResult(const GetterArgs&)>;

/// A custom getter (TF's custom_getter): receives the next getter and the arguments.
struct CustomGetter {
  std::function<VariableResult(const Getter& next, const GetterArgs& args)> fn;
  std::shared_ptr<void> user_object;
};

/// Options of get_variable; unset fields come from the current variable scope.
struct GetVariableOptions {
  std::optional<PartialShape> shape;
  std::optional<DataType> dtype;
  std::optional<Initializer> initializer;
  std::optional<Regularizer> regularizer;
  std::optional<bool> trainable;
  std::optional<std::vector<std::string>> collections;
  std::optional<std::string> caching_device;
  std::optional<Partitioner> partitioner;
  bool validate_shape = true;
  std::optional<bool> use_resource;
  std::optional<CustomGetter> custom_getter;
  Synchronization synchronization = Synchronization::kAuto;
  /// tf.VariableAggregation (NONE=0, SUM=1, MEAN=2, ONLY_FIRST_REPLICA=3), passed to getters.
  int aggregation = 0;
  /// Renders the creation site; set by front ends that know better than
  /// std::source_location (Python's traceback). Called only if a variable is created.
  std::function<std::string()> defined_at;
};

/// Options of tf.Variable.
struct VariableOptions {
  std::string name;  ///< empty: "Variable"
  std::optional<bool> trainable;
  std::optional<std::vector<std::string>> collections;
  bool validate_shape = true;
  std::optional<DataType> dtype;
  Synchronization synchronization = Synchronization::kAuto;
  /// Device of the `read` snapshot; by default it sits on the variable's device.
  std::optional<std::string> caching_device;
  /// Renders the creation site (default: the caller's std::source_location).
  std::function<std::string()> defined_at;
};

}  // namespace scopeflow

#include <source_location>

namespace scopeflow {

/// tf.Variable: ops `<n>/initial_value` (when the value is not already a tensor), `<n>`
/// (VariableV2), `<n>/Assign`, `<n>/read`; the name is options.name (default "Variable")
/// uniquified under the scope's name stack. A callable initial value is built inside
/// `<n>/Initializer/`. Adds the variable to its collections (global, plus trainable).
/// Throws kInvalidArgument with TF's messages (missing initial value, unknown shape).
Variable make_variable(const Scope& scope, const Initializer& initial_value,
                       const VariableOptions& options = {},
                       std::source_location loc = std::source_location::current());
Variable make_variable(const Scope& scope, const Input& initial_value,
                       const VariableOptions& options = {},
                       std::source_location loc = std::source_location::current());

/// tf.get_variable: the variable `<variable scope>/<name>` from the graph's store, created
/// when missing and the scope's reuse allows. The name scope plays no part. Throws
/// kInvalidArgument with TF's exact messages ("Variable x already exists, disallowed. ...",
/// "Trying to share variable ...", "Variable x does not exist, ..."), leaving the graph as it
/// was (apart from names TF also consumes). Throws kTypeMismatch when a custom getter
/// returned something other than a single variable.
Variable get_variable(const Scope& scope, std::string_view name, GetVariableOptions options = {},
                      std::source_location loc = std::source_location::current());
/// The same, returning whatever the getter chain produced (partitioned variables included).
VariableResult get_variable_result(const Scope& scope, std::string_view name,
                                   GetVariableOptions options = {},
                                   std::source_location loc = std::source_location::current());
/// tf.get_variable with a partitioner; returns the PartitionedVariable.
PartitionedVariable get_partitioned_variable(
    const Scope& scope, std::string_view name, GetVariableOptions options,
    std::source_location loc = std::source_location::current());
/// tf.get_local_variable: not trainable, in LOCAL_VARIABLES (plus any given collections).
Variable get_local_variable(const Scope& scope, std::string_view name,
                            GetVariableOptions options = {},
                            std::source_location loc = std::source_location::current());

/// TF's PartitionedVariable.as_tensor(): the parts concatenated along the partitioned axis
/// (`<name>/ConcatPartitions/concat`), then an Identity named `<name>` at the top.
Output partitioned_value(const Scope& scope, const PartitionedVariable& v);

/// Implicit forms in current_scope().
Variable get_variable(std::string_view name, GetVariableOptions options = {},
                      std::source_location loc = std::source_location::current());
Variable make_variable(const Input& initial_value, const VariableOptions& options = {},
                       std::source_location loc = std::source_location::current());

}  // namespace scopeflow
