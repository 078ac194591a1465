// The implicit door: RAII guards over the per-thread scope stack, and current_scope().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "scopeflow/naming/scope.h"

namespace scopeflow {

class Graph;

namespace internal {
struct Pushed;
}

/// The scope implicit code builds in: the top of this thread's stack for `graph`, or the
/// graph's root. Throws kInternal when a guard of this thread was destroyed out of order.
Scope current_scope(Graph& graph);
/// current_scope(default_graph()).
Scope current_scope();

/// Makes a graph the thread's default for its lifetime (TF's `with g.as_default():`).
/// Non-copyable, non-movable; must be destroyed on the thread that made it.
class GraphGuard {
 public:
  [[nodiscard]] explicit GraphGuard(Graph& graph);
  [[nodiscard]] explicit GraphGuard(std::shared_ptr<Graph> graph);
  ~GraphGuard();
  GraphGuard(const GraphGuard&) = delete;
  GraphGuard& operator=(const GraphGuard&) = delete;

 private:
  const Graph* graph_;
};

/// Base of the scope guards: pushes one frame on construction, pops it on destruction.
/// A pop that does not find its own frame on top is recorded and raised (code internal) by
/// the next call that touches this thread's stack; destructors never throw.
class ScopeGuardBase {
 public:
  ScopeGuardBase(const ScopeGuardBase&) = delete;
  ScopeGuardBase& operator=(const ScopeGuardBase&) = delete;
  ~ScopeGuardBase();
  /// The scope that is current while the guard lives.
  const Scope& scope() const { return scope_; }

 protected:
  ScopeGuardBase() = default;
  /// Takes ownership of a pushed frame: it is popped when the guard dies.
  void adopt(Graph& graph, internal::Pushed pushed);
  Graph* graph_ = nullptr;
  uint64_t token_ = 0;
  Scope scope_;
};

/// TF's `with tf.name_scope(name) as s:` on the default graph (or `graph`). nullopt or ""
/// resets to the top; a trailing "/" re-enters a captured scope.
///
///   NameScope a("a");        // a.name() == "a/"
///   NameScope b("b");        // b.name() == "a/b/"
class NameScope : public ScopeGuardBase {
 public:
  [[nodiscard]] explicit NameScope(std::optional<std::string_view> name);
  [[nodiscard]] NameScope(Graph& graph, std::optional<std::string_view> name);
  /// TF's name_scope(name, default_name).
  [[nodiscard]] NameScope(std::optional<std::string_view> name, std::string_view default_name);
  /// What `as s` yields: "a/b/", or "" at the top.
  std::string name() const { return std::string(scope_.name_scope_string()); }
};

/// TF's `with tf.variable_scope(...) as vs:`. Leaving restores the counters as TF does
/// (a scope entered by name zeroes its sub-scopes' default_name counters; one entered by
/// object restores the counters it found).
///
///   VariableScopeGuard t("tower");   // t.variable_scope().name() == "tower"
class VariableScopeGuard : public ScopeGuardBase {
 public:
  [[nodiscard]] explicit VariableScopeGuard(std::string_view name,
                                            const VariableScopeOptions& options = {});
  [[nodiscard]] explicit VariableScopeGuard(const VariableScope& scope,
                                            const VariableScopeOptions& options = {});
  /// TF's variable_scope(None, default_name=...).
  [[nodiscard]] static std::unique_ptr<VariableScopeGuard> with_default_name(
      std::string_view default_name, const VariableScopeOptions& options = {});
  [[nodiscard]] VariableScopeGuard(Graph& graph, std::string_view name,
                                   const VariableScopeOptions& options = {});
  const VariableScope& variable_scope() const { return scope_.variable_scope(); }

 private:
  VariableScopeGuard() = default;
};

/// Enters an explicit Scope for implicit-style code (and for callbacks), then leaves it.
class ScopeGuard : public ScopeGuardBase {
 public:
  [[nodiscard]] explicit ScopeGuard(const Scope& scope);
};

namespace internal {
/// The stack operations behind the guards and Python's context managers.
/// push_* return a token; pop_scope(token) throws kFailedPrecondition "Improper nesting of
/// variable_scope." when a variable scope is not on top, and kInternal for other misuse.
struct Pushed {
  uint64_t token;
  Scope scope;
};
Pushed push_scope(const Scope& scope);
Pushed push_name_scope(Graph& graph, std::optional<std::string_view> name);
Pushed push_variable_scope(Graph& graph, std::string_view name, const VariableScopeOptions& o);
Pushed push_variable_scope(Graph& graph, const VariableScope& vs, const VariableScopeOptions& o);
Pushed push_default_variable_scope(Graph& graph, std::string_view default_name,
                                   const VariableScopeOptions& o);
void pop_scope(Graph& graph, uint64_t token);
bool pop_scope_noexcept(Graph& graph, uint64_t token) noexcept;
/// Validation TF does before a name scope is entered.
void check_scope_name(const Scope& parent, std::string_view name);
bool valid_op_name(std::string_view name);
bool valid_scope_name(std::string_view name);
}  // namespace internal

}  // namespace scopeflow
