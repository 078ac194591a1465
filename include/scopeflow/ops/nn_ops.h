// Builders of the nn ops (TF's op types, attrs and default names).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "scopeflow/graph/input.h"
#include "scopeflow/ops/op_registry.h"
#include "scopeflow/ops/ops.h"

namespace scopeflow::ops {}  // namespace scopeflow::ops
