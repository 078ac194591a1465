// Scope: the explicit, immutable value that names ops and variables, and VariableScope,
// TF's mutable variable-scope object.
#pragma once

#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scopeflow/base/dtype.h"
#include "scopeflow/graph/handles.h"
#include "scopeflow/graph/variable.h"

namespace scopeflow {

class Graph;

/// TF's VariableScope object: name, original name scope, reuse and the defaults handed to
/// get_variable. A shared handle: copies refer to the same object, so `reuse_variables()`
/// is seen by every holder, as in TF. Not thread-safe to mutate while another thread reads.
///
///   VariableScope vs = scope.variable_scope("foo").variable_scope();
///   vs.name();                 // "foo"
///   vs.original_name_scope();  // "foo/"
class VariableScope {
 public:
  struct Data {
    std::string name;
    std::string original_name_scope;
    Reuse reuse = Reuse::kFalse;
    std::optional<Initializer> initializer;
    std::optional<Regularizer> regularizer;
    std::optional<Partitioner> partitioner;
    std::optional<CustomGetter> custom_getter;
    std::optional<std::string> caching_device;
    std::optional<bool> use_resource;
    DataType dtype = DataType::kFloat;
  };

  VariableScope() : d_(std::make_shared<Data>()) {}
  explicit VariableScope(std::shared_ptr<Data> d) : d_(std::move(d)) {}

  const std::string& name() const { return d_->name; }
  const std::string& original_name_scope() const { return d_->original_name_scope; }
  Reuse reuse() const { return d_->reuse; }
  /// Sets reuse to True on this object (TF's reuse_variables()).
  void reuse_variables() const { d_->reuse = Reuse::kTrue; }
  DataType dtype() const { return d_->dtype; }
  const std::optional<Initializer>& initializer() const { return d_->initializer; }
  const std::optional<Regularizer>& regularizer() const { return d_->regularizer; }
  const std::optional<Partitioner>& partitioner() const { return d_->partitioner; }
  const std::optional<CustomGetter>& custom_getter() const { return d_->custom_getter; }
  const std::optional<std::string>& caching_device() const { return d_->caching_device; }
  const std::optional<bool>& use_resource() const { return d_->use_resource; }
  void set_initializer(std::optional<Initializer> v) const { d_->initializer = std::move(v); }
  void set_regularizer(std::optional<Regularizer> v) const { d_->regularizer = std::move(v); }
  void set_partitioner(std::optional<Partitioner> v) const { d_->partitioner = std::move(v); }
  void set_custom_getter(std::optional<CustomGetter> v) const { d_->custom_getter = std::move(v); }
  void set_dtype(DataType t) const { d_->dtype = t; }
  void set_caching_device(std::optional<std::string> v) const { d_->caching_device = std::move(v); }
  void set_use_resource(std::optional<bool> v) const { d_->use_resource = v; }

  /// Identity of the underlying object (Python's `is`).
  const Data* id() const { return d_.get(); }
  const std::shared_ptr<Data>& data() const { return d_; }

 private:
  std::shared_ptr<Data> d_;
};

/// Arguments of variable_scope(); unset fields are inherited from the parent (or, when
/// entering by object, from that object).
struct VariableScopeOptions {
  std::optional<Initializer> initializer;
  std::optional<Regularizer> regularizer;
  std::optional<Partitioner> partitioner;
  std::optional<CustomGetter> custom_getter;
  /// kFalse behaves as unset (TF turns reuse=False into None).
  std::optional<Reuse> reuse;
  std::optional<DataType> dtype;
  std::optional<std::string> caching_device;
  std::optional<bool> use_resource;
  bool auxiliary_name_scope = true;
};

namespace internal {
struct ScopeState;
}

/// Where new ops and variables go: a graph, a name scope (op names), a variable scope
/// (variable names, reuse, defaults) and control dependencies. An immutable value, cheap to
/// copy (one shared pointer). Methods return new scopes; every name they take is reserved in
/// the graph's one name table, so explicit code and guard-based code get the same names as
/// TF's Python. A Scope is valid while its graph lives. Thread-safe to share and read.
///
///   Scope root = Scope::root(g);
///   Scope layer = root.name_scope("layer");             // ops: "layer/..."
///   ops::constant(layer, 1.0f).name();                  // "layer/Const:0"
///   Scope vs = root.variable_scope("tower");            // variables "tower/...", ops
///   "tower_1/..."
///
/// Explicit scopes have no exit: a variable scope entered by name resets its sub-scopes'
/// default_name counters when it is entered (TF resets them when the block exits).
class Scope {
 public:
  Scope() = default;
  /// The graph's top: empty name stack, this thread's root variable scope.
  static Scope root(Graph& graph);

  bool valid() const { return s_ != nullptr; }
  Graph& graph() const;
  /// The name stack without trailing slash ("" at the top, TF's get_name_scope()).
  std::string_view name_stack() const;
  /// True inside name_scope(None) / name_scope(""): get_name_scope() is None in TF.
  bool name_stack_is_none() const;
  /// What TF's `with name_scope(...) as s` yields for this scope ("a/b/", "" at the top).
  std::string_view name_scope_string() const;
  const VariableScope& variable_scope() const;
  /// The control inputs every new op gets (all enclosing control-dependency blocks).
  std::vector<Operation> control_dependencies() const;
  /// The merged device spec ops get, e.g. "/job:ps/device:GPU:0" ("" for none).
  std::string_view device() const;

  /// TF's Graph.name_scope(name): "" = top (TF's None); a name ending in "/" is taken as the
  /// absolute stack without uniquifying; otherwise unique_name(name) under this stack.
  /// Throws kInvalidArgument "'<name>' is not a valid scope name".
  Scope name_scope(std::string_view name) const;
  /// TF's tf.name_scope(name, default_name): name if non-null, else default_name.
  Scope name_scope(std::optional<std::string_view> name, std::string_view default_name) const;
  /// Enters the variable scope `name` (TF's variable_scope(name)): opens name_scope(name)
  /// unless options.auxiliary_name_scope is false.
  Scope variable_scope(std::string_view name, const VariableScopeOptions& options = {}) const;
  /// Re-enters a captured variable scope object (TF's variable_scope(vs)).
  Scope variable_scope(const VariableScope& vs, const VariableScopeOptions& options = {}) const;
  /// TF's variable_scope(None, default_name=...): a variable-scope name uniquified by the
  /// per-thread counters. Throws kInvalidArgument "reuse=True cannot be used without a
  /// name_or_scope" when options.reuse is kTrue or kAuto.
  Scope default_variable_scope(std::string_view default_name,
                               const VariableScopeOptions& options = {}) const;
  /// TF's control_dependencies(ops): ops created in the returned scope depend on `ops`,
  /// except those whose data inputs were themselves created inside this block (TF prunes
  /// those as already ordered). Blocks nest. Throws kInvalidArgument for another graph's op.
  Scope with_control_dependencies(const std::vector<Operation>& ops) const;
  /// Clears control dependencies (TF's control_dependencies(None)).
  Scope without_control_dependencies() const;
  /// TF's tf.device(spec): merges `device` into the current spec (inner fields win);
  /// nullopt clears it (tf.device(None)). Throws kInvalidArgument for a malformed spec.
  Scope with_device(std::optional<std::string_view> device) const;
  /// TF's colocate_with(op): ops created in the returned scope get a `_class` attr listing
  /// op's colocation groups ("loc:@<name>", or op's own `_class` entries) and op's device.
  /// With ignore_existing, groups from enclosing colocate_with scopes are dropped.
  Scope colocate_with(const Operation& op, bool ignore_existing = false) const;
  /// The `_class` colocation groups new ops get, sorted ("loc:@w").
  const std::vector<std::string>& colocation_groups() const;

  /// TF's Graph.unique_name under this scope's name stack.
  std::string unique_name(std::string_view name, bool mark_as_used = true) const;

  const internal::ScopeState* state() const { return s_.get(); }
  explicit Scope(std::shared_ptr<const internal::ScopeState> s) : s_(std::move(s)) {}

 private:
  std::shared_ptr<const internal::ScopeState> s_;
};

namespace internal {
/// One `control_dependencies` block: its control inputs and the ops created inside it
/// (guarded by the graph's lock), which TF uses to prune redundant control edges.
struct ControlController {
  std::vector<Operation> inputs;
  absl::flat_hash_set<uint32_t> created;
};

/// The fields of a Scope. Views point into the graph's arena.
struct ScopeState {
  Graph* graph = nullptr;
  std::string_view name_stack;
  std::string_view yielded;  // TF's `as` value of the name scope that made this stack
  bool name_none = false;
  bool stack_is_op_name = false;  // name_stack matches TF's op pattern (checked once, on entry)
  VariableScope var_scope;
  std::vector<std::shared_ptr<ControlController>> controllers;
  std::string_view device;
  std::vector<std::string> colocation;  // `_class` groups for new ops: sorted, unique
};

/// TF's attr scope {"_class": groups}: ops created in the returned scope carry these
/// colocation groups; unlike Scope::colocate_with, the device is left alone.
Scope with_colocation_groups(const Scope& scope, std::vector<std::string> groups);
}  // namespace internal

}  // namespace scopeflow
