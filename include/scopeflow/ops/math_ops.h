// Builders of the math ops (TF's op types, attrs and default names).
//
// add/add_v2/sub/mul/real_div are declared in ops.h; the builders below complete the
// element-wise family. Binary builders convert a literal argument inside the op's name scope
// as `x`/`y` (weakly typed: an int literal converts to a float input), exactly as ops::add.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "scopeflow/graph/input.h"
#include "scopeflow/ops/op_registry.h"
#include "scopeflow/ops/ops.h"

namespace scopeflow::ops {

// ---- Binary, numpy broadcasting ----

/// Div: x / y; integers truncate toward zero (C semantics); integer division by zero fails
/// at run time with "Integer division by zero".
Output div(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
/// FloorDiv: floor(x / y) (integers round toward negative infinity).
Output floor_div(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
/// Pow: x ** y (integers to negative powers fail at run time).
Output pow(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
Output maximum(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
Output minimum(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
/// SquaredDifference: (x - y)^2.
Output squared_difference(const Scope& scope, const Input& x, const Input& y,
                          std::string_view name = "");

// ---- Unary, same shape ----

Output neg(const Scope& scope, const Input& x, std::string_view name = "");
Output abs(const Scope& scope, const Input& x, std::string_view name = "");
Output square(const Scope& scope, const Input& x, std::string_view name = "");
Output sqrt(const Scope& scope, const Input& x, std::string_view name = "");
Output rsqrt(const Scope& scope, const Input& x, std::string_view name = "");
Output exp(const Scope& scope, const Input& x, std::string_view name = "");
Output log(const Scope& scope, const Input& x, std::string_view name = "");
Output reciprocal(const Scope& scope, const Input& x, std::string_view name = "");
Output sign(const Scope& scope, const Input& x, std::string_view name = "");

// ---- Comparisons (broadcasting, bool output) ----

/// Equal/NotEqual carry TF 1.15's `incompatible_shape_error = true` attr.
Output equal(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
Output not_equal(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
Output less(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
Output less_equal(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
Output greater(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
Output greater_equal(const Scope& scope, const Input& x, const Input& y,
                     std::string_view name = "");

// ---- Logical (bool inputs) ----

Output logical_and(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
Output logical_or(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
Output logical_not(const Scope& scope, const Input& x, std::string_view name = "");

// ---- Select, Cast, AddN ----

/// Select(condition, t, e) (TF 1.15's tf.where(cond, x, y)): condition is a scalar, has t's
/// shape, or is a vector over t's first dimension; t and e have the same shape.
Output select(const Scope& scope, const Input& condition, const Input& t, const Input& e,
              std::string_view name = "");
/// tf.cast: opens name_scope(name or "Cast"); when x already has `dtype` (base type) it is
/// returned unchanged and no op is created. float→int truncates toward zero.
Output cast(const Scope& scope, const Input& x, DataType dtype, std::string_view name = "");
/// tf.add_n: AddN over inputs of one dtype and shape (attrs N, T). A single input is
/// returned as is (an Identity named `name` when a name is given). Literals become "Const"s
/// in `scope`. Throws kInvalidArgument for an empty list, kTypeMismatch for mixed dtypes.
Output add_n(const Scope& scope, const std::vector<Input>& inputs, std::string_view name = "");

// ---- Scans ----

/// tf.cumsum(x, axis, exclusive, reverse): Cumsum, same shape as x; exclusive leaves out the
/// current element, reverse scans from the end. Default name "Cumsum" (axis `Cumsum/axis`).
Output cumsum(const Scope& scope, const Input& x, const Input& axis = 0, bool exclusive = false,
              bool reverse = false, std::string_view name = "");
/// tf.cumprod / tf.math.cumprod: Cumprod, as cumsum with products. Default name "Cumprod".
Output cumprod(const Scope& scope, const Input& x, const Input& axis = 0, bool exclusive = false,
               bool reverse = false, std::string_view name = "");

}  // namespace scopeflow::ops
