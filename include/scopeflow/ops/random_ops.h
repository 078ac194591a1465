// Builders of the random ops (TF's op types, attrs and default names) and TF's seed logic.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "scopeflow/graph/graph.h"
#include "scopeflow/graph/input.h"
#include "scopeflow/ops/op_registry.h"
#include "scopeflow/ops/ops.h"

namespace scopeflow::ops {

/// TF's random_seed.get_seed(op_seed) for `graph`: the (seed, seed2) attrs of a random op.
///   graph seed set:  (graph_seed, op_seed or the graph's last op id), both mod 2**31-1;
///   only op seed:    (87654321, op_seed mod 2**31-1);
///   neither:         (0, 0) (TF's (None, None): the kernel seeds itself randomly).
/// A (0, 0) from set seeds becomes (0, 2**31-1), as TF avoids the nondeterministic pair.
std::pair<int64_t, int64_t> get_seed(const Graph& graph, std::optional<int64_t> op_seed);

}  // namespace scopeflow::ops
