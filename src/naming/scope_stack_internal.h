// The per-graph, per-thread scope state behind the RAII guards and Python's `with` blocks.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scopeflow/naming/scope.h"

namespace scopeflow::internal {

/// TF's _VariableScopeStore.variable_scopes_count: case-sensitive full variable-scope name →
/// how many times it was entered since its parent last closed.
using ScopeCounts = absl::flat_hash_map<std::string, int64_t>;

/// What leaving a variable scope does to the counters.
struct ExitAction {
  enum class Kind { kNone, kClosePrefix, kRestoreCounts };
  Kind kind = Kind::kNone;
  std::string prefix;  // kClosePrefix: zero every counter under "<prefix>/"
  ScopeCounts saved;   // kRestoreCounts: the counters when the scope object was entered
};

/// One entry of a thread's stack: the scope that is current while it is open.
struct Frame {
  uint64_t token = 0;
  enum class Kind { kName, kVariable, kScope } kind = Kind::kScope;
  Scope scope;
  ExitAction exit;
};

/// One thread's scope state for one graph (TF keeps both the name stack and the variable
/// scope store in thread-locals). Touched only by its own thread, so it needs no lock.
struct ThreadScopes {
  std::vector<Frame> frames;
  ScopeCounts counts;
  Scope root;
  uint64_t next_token = 1;
  /// A guard popped out of order; raised (code internal) by the next call that touches it.
  std::string pending_error;
};

/// The counter value for `name` (0 when absent).
inline int64_t count_of(const ScopeCounts& c, const std::string& name) {
  auto it = c.find(name);
  return it == c.end() ? 0 : it->second;
}

/// Zeroes every counter under "<prefix>/" (TF's close_variable_subscopes; all for "").
void close_variable_subscopes(ScopeCounts& counts, const std::string& prefix);

}  // namespace scopeflow::internal
