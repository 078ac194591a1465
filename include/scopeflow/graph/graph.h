// Graph: owns every node, name, variable and collection of one TF1 graph.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "scopeflow/base/arena.h"
#include "scopeflow/base/dtype.h"
#include "scopeflow/base/shape.h"
#include "scopeflow/graph/attr.h"
#include "scopeflow/graph/collections.h"
#include "scopeflow/graph/handles.h"
#include "scopeflow/graph/variable.h"
#include "scopeflow/naming/name_table.h"
#include "scopeflow/naming/scope.h"

namespace scopeflow {

namespace internal {
struct ThreadScopes;

/// One node as stored: fixed size (64 bytes), arrays in the graph's arena. Immutable after
/// creation apart from output shapes (set_shape). Scalar attrs sit inline; others point to
/// an arena copy.
struct NodeData {
  struct Edge {
    uint32_t node;
    uint32_t index;
  };
  struct OutputInfo {
    DataType dtype;
    int32_t rank;         // -1: unknown rank
    const int64_t* dims;  // `rank` entries in the arena; -1 for an unknown dimension
  };
  struct StoredAttr {  // 16 bytes
    enum class Kind : uint8_t { kInt, kFloat, kBool, kType, kOther };
    uint16_t key;  // index into the graph's attr-name table
    Kind kind;
    union {
      int64_t i;
      float f;
      bool b;
      DataType t;
      const AttrValue* other;
    };
  };
  std::string_view name;
  const Edge* inputs = nullptr;
  const uint32_t* control_inputs = nullptr;
  OutputInfo* outputs = nullptr;
  const StoredAttr* attrs = nullptr;
  uint16_t num_inputs = 0, num_control = 0, num_outputs = 0, num_attrs = 0;
  uint32_t device = 0;  // index into the graph's device table; 0 is "no device"
  uint16_t type = 0;    // index into the graph's op-type table
};

/// One op being created while a control-flow context is active (see ControlFlowContext).
struct PendingOp {
  const Scope* scope;                    ///< the scope create_op was given
  std::string_view name;                 ///< the op's full name, already reserved
  std::string_view type;
  std::vector<Output> inputs;            ///< the context may replace entries (same dtypes)
  std::vector<Operation> control_inputs; ///< final control inputs; the context may append
};

/// TF's ControlFlowContext as create_op sees it: while a context is the calling thread's
/// current one for a graph (Graph::set_control_flow_context), every op created in that graph
/// by any builder is stored first, then goes through `add_op` (the graph's lock is not held:
/// the context may create ops, e.g. Switches, which go through the current context in turn
/// and get higher node indices than the op; the inputs and control inputs it leaves in
/// `PendingOp` are written back to the node), then through `op_added`. As in TF, creation
/// order is then not always a topological order: the executor sorts.
class ControlFlowContext {
 public:
  virtual ~ControlFlowContext() = default;
  virtual void add_op(Graph& graph, PendingOp& op) = 0;
  virtual void op_added(Operation op) = 0;
};

/// What the variable store and tf.Variable record for each variable.
struct VariableRecord {
  Operation op;
  Operation initializer;
  Output snapshot;
  Output initial_value;
  DataType dtype = DataType::kInvalid;  // reference dtype
  PartialShape shape;
  bool trainable = true;
  std::string defined_at;
  std::string name;  // "op:0"
};
}  // namespace internal

/// A TF1 graph: operations in creation order, the case-insensitive name table, variables,
/// the variable store (get_variable's map from full name to variable) and collections.
///
/// Ownership: the Graph owns everything structural; handles (Operation, Output, Variable,
/// Scope) are small values valid while the graph lives. Node addresses never move.
///
/// Thread safety: building from several threads at once is safe. Mutations take the graph's
/// lock; each thread has its own scope stack (TF keeps the name stack and the variable-scope
/// store thread-local), while the name table and the store are shared, so two threads never
/// get the same name.
///
///   Graph g;
///   Scope s = Scope::root(g).name_scope("layer");
///   ops::constant(s, 1.0f).name();   // "layer/Const:0"
class Graph {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  /// A process-unique id, never reused.
  uint64_t id() const { return id_; }

  /// Description of the outputs of a new op.
  struct OutputSpec {
    DataType dtype;
    PartialShape shape;
  };

  /// TF's Graph.create_op: names the op `name` under the scope's name stack (uniquified),
  /// or exactly `name` without its slash when it ends in "/". Adds the scope's control
  /// dependencies. Throws kInvalidArgument "'<name>' is not a valid node name" (after the
  /// name was reserved, as TF) or "Duplicate node name in graph: '<name>'".
  Operation create_op(const Scope& scope, std::string_view type, std::string_view name,
                      std::span<const Output> inputs, std::span<const Attr> attrs,
                      std::span<const OutputSpec> outputs,
                      std::span<const Operation> control_inputs = {});

  /// Unique name under the calling thread's current name scope (TF's Graph.unique_name).
  std::string unique_name(std::string_view name, bool mark_as_used = true);
  /// Reserves/uniquifies a full name (no stack prefix). Returns an interned view.
  std::string_view unique_full_name(std::string_view full_name, bool mark_as_used = true);
  /// Interns a string in the graph's arena (no reservation).
  std::string_view intern(std::string_view s);

  size_t num_operations() const { return num_nodes_.load(std::memory_order_acquire); }
  Operation operation(size_t i) const { return Operation(this, static_cast<uint32_t>(i)); }
  std::vector<Operation> get_operations() const;
  /// The op named exactly `name`, if any.
  std::optional<Operation> find_operation(std::string_view name) const;
  /// Throws kNotFound with TF's message when absent, kInvalidArgument for a tensor name.
  Operation get_operation_by_name(std::string_view name) const;
  /// "op:index"; TF's messages for malformed or missing names.
  Output get_tensor_by_name(std::string_view name) const;

  // Collections (TF's add_to_collection / get_collection). Insertion order is kept.
  void add_to_collection(std::string_view key, CollectionItem item);
  void add_to_collections(std::span<const std::string> keys, const CollectionItem& item);
  /// Items of `key`; with `scope`, those whose name matches it at the start (Python's
  /// re.match, here std::regex with match_continuous).
  std::vector<CollectionItem> get_collection(std::string_view key,
                                             std::optional<std::string_view> scope = {}) const;
  std::vector<std::string> get_all_collection_keys() const;
  void clear_collection(std::string_view key);
  /// Variables in a collection, filtered as get_collection.
  std::vector<Variable> variables(std::string_view key = graph_keys::kGlobalVariables,
                                  std::optional<std::string_view> scope = {}) const;

  // Variables.
  size_t num_variables() const;
  /// The get_variable store: the variable created under full name `key`.
  std::optional<Variable> stored_variable(std::string_view key) const;
  const PartitionedVariable* stored_partitioned_variable(std::string_view key) const;

  /// TF's Graph.finalize(): from now on creating an op throws kFailedPrecondition
  /// "Graph is finalized and cannot be modified." (a RuntimeError in Python).
  void finalize() { finalized_.store(true, std::memory_order_release); }
  bool finalized() const { return finalized_.load(std::memory_order_acquire); }

  /// TF's graph-level random seed (tf.set_random_seed); nullopt when unset.
  std::optional<int64_t> seed() const;
  void set_seed(std::optional<int64_t> seed);

  /// The calling thread's current control-flow context for this graph (null outside
  /// tf.cond branches); set returns the previous one. Not owned.
  internal::ControlFlowContext* control_flow_context() const;
  internal::ControlFlowContext* set_control_flow_context(internal::ControlFlowContext* ctx);

  /// Bytes held by the graph's arena (names, node arrays), for memory figures.
  size_t arena_bytes() const;

  /// Per-graph state that a later layer keeps with the graph (TF keeps such caches as private
  /// Graph attributes, e.g. `_reduced_shape_cache`): the `T` stored under `key`, created
  /// (default-constructed) on first use and destroyed with the graph. T guards itself if it
  /// is used from several threads.
  template <typename T>
  T& extension(std::string_view key) {
    std::lock_guard lock(mu_);
    std::shared_ptr<void>& slot = extensions_[std::string(key)];
    if (!slot) slot = std::make_shared<T>();
    return *static_cast<T*>(slot.get());
  }

  // ---- Internal interface (used by scopeflow's own layers; not for users) ----
  const internal::NodeData& node(uint32_t i) const { return nodes_[i]; }
  std::string_view device_name(uint32_t id) const { return devices_[id]; }
  std::string_view type_name(uint16_t id) const { return types_[id]; }
  std::string_view attr_name(uint16_t id) const { return attr_keys_[id]; }
  /// Stores a shape's dimensions in the arena (caller holds the lock).
  void store_shape(internal::NodeData::OutputInfo& info, const PartialShape& shape);
  internal::NodeData& mutable_node(uint32_t i) { return nodes_[i]; }
  const internal::VariableRecord& variable_record(uint32_t i) const { return variables_[i]; }
  internal::ThreadScopes& thread_scopes();
  std::mutex& mutex() const { return mu_; }
  Variable add_variable_record(internal::VariableRecord rec);
  void store_variable(std::string_view key, Variable v);
  void store_partitioned_variable(std::string_view key, PartitionedVariable v);
  internal::Arena& arena() { return arena_; }

 private:
  uint64_t id_;
  std::atomic<bool> finalized_{false};
  std::optional<int64_t> seed_;
  mutable std::mutex mu_;
  internal::Arena arena_;
  NameTable names_;
  internal::StableVector<internal::NodeData> nodes_;
  std::atomic<size_t> num_nodes_{0};
  absl::flat_hash_map<std::string_view, uint32_t> unregistered_nodes_;  // names made with "x/"
  uint16_t intern_small(internal::StableVector<std::string_view>& table, std::string_view s);
  internal::StableVector<std::string_view> types_;       // interned op type strings
  internal::StableVector<std::string_view> attr_keys_;   // interned attr names
  std::vector<std::string_view> type_list_, attr_list_;  // the same, scanned under the lock
  uint16_t last_type_ = 0, last_attr_ = 0;               // the last hits of those scans
  internal::StableVector<std::string_view> devices_;     // device table; [0] is ""
  absl::flat_hash_map<std::string_view, uint32_t> device_ids_;
  internal::StableVector<internal::VariableRecord> variables_;
  std::atomic<size_t> num_variables_{0};
  absl::flat_hash_map<std::string, uint32_t> var_store_;
  std::vector<PartitionedVariable> partitioned_;
  absl::flat_hash_map<std::string, uint32_t> partitioned_store_;
  std::vector<std::string> collection_keys_;
  absl::flat_hash_map<std::string, std::vector<CollectionItem>> collections_;
  absl::flat_hash_map<std::thread::id, std::unique_ptr<internal::ThreadScopes>> threads_;
  absl::flat_hash_map<std::string, std::shared_ptr<void>> extensions_;
};

/// The calling thread's default graph: the innermost GraphGuard's graph, or the process-wide
/// global default graph (created on first use).
Graph& default_graph();
std::shared_ptr<Graph> default_graph_shared();
/// Replaces the global default graph with a new one (TF's reset_default_graph). Throws
/// kFailedPrecondition when a GraphGuard is open on this thread.
void reset_default_graph();

namespace internal {
/// The thread-local stack of default graphs (GraphGuard and Python's as_default use it).
void push_default_graph(std::shared_ptr<Graph> g);
void pop_default_graph(const Graph* g) noexcept;
size_t default_graph_depth();
}  // namespace internal

}  // namespace scopeflow
