// Op builders with TF's op types, attrs and default names. Each is written once against an
// explicit `const Scope&`; the implicit forms (no scope argument) build in current_scope().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scopeflow/base/tensor.h"
#include "scopeflow/graph/handles.h"
#include "scopeflow/graph/input.h"
#include "scopeflow/graph/variable.h"
#include "scopeflow/naming/scope.h"

namespace scopeflow::ops {

// ---- Building blocks shared by every op ----

/// TF's convert_to_tensor inside `scope`: a tensor passes through (a variable becomes its
/// snapshot); a value becomes a `Const` named `name`. With `dtype`, a literal int converts to
/// a float type; otherwise a mismatch throws kTypeMismatch.
Output convert_to_tensor(const Scope& scope, const Input& in, std::string_view name = "Const",
                         std::optional<DataType> dtype = std::nullopt);

/// TF's generated-wrapper shape: opens name_scope(name or default_name) under `scope`,
/// converts each input inside it (`Add/y`) with a shared type for inputs of one type attr,
/// then creates the op named exactly after that scope. Used by every op below.
struct OpSpec {
  std::string_view type;
  std::string_view name;          ///< "" → default_name (or type)
  std::string_view default_name;  ///< "" → type
};

namespace detail {
/// How TF shows a literal in conversion errors: "2.5", "True", or the tensor's summary.
std::string literal_text(const Tensor& t);
/// The Python type of a literal of `t`: "float", "int", "bool" or "str".
const char* python_type_of(DataType t);
/// Whether a weakly typed literal of `from` converts to `to` (TF: ints to floats yes, floats
/// to ints no, bools only to bool).
bool literal_converts(DataType from, DataType to);
}  // namespace detail

// ---- array_ops ----

/// Const: `tf.constant(value, name=)`; named `name` under the scope (no name scope opened).
Output constant(const Scope& scope, const Tensor& value, std::string_view name = "Const");
/// Placeholder of `dtype` and `shape` (unknown rank by default).
Output placeholder(const Scope& scope, DataType dtype,
                   const PartialShape& shape = PartialShape::unknown(), std::string_view name = "");
/// Identity: same value, same shape; a ref input gives a non-ref output.
Output identity(const Scope& scope, const Input& input, std::string_view name = "");
/// Unpack (tf.unstack): splits along `axis` into `num` outputs (inferred from the shape when
/// num < 0); default name "unstack". Throws kInvalidArgument when num cannot be inferred.
std::vector<Output> unstack(const Scope& scope, const Input& value, int64_t num = -1,
                            int64_t axis = 0, std::string_view name = "unstack");
/// Slice(input, begin, size): size -1 takes the rest of that dimension. Default name "Slice".
Output slice(const Scope& scope, const Input& input, const Input& begin, const Input& size,
             std::string_view name = "");
/// tf.concat(values, axis): ConcatV2 named "concat"; a single value is an Identity (as TF).
/// Throws kInvalidArgument when ranks or the non-axis dimensions disagree.
Output concat(const Scope& scope, const std::vector<Input>& values, int64_t axis,
              std::string_view name = "concat");
/// Fill(dims, value).
Output fill(const Scope& scope, const Input& dims, const Input& value, std::string_view name = "");
/// tf.zeros(shape, dtype): a Const when small (< 1000 elements), else Fill; named "zeros".
Output zeros(const Scope& scope, const std::vector<int64_t>& shape, DataType dtype,
             std::string_view name = "");
Output ones(const Scope& scope, const std::vector<int64_t>& shape, DataType dtype,
            std::string_view name = "");

// ---- math_ops ----

/// Add (tf.add): x + y with broadcasting.
Output add(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
/// AddV2: what Python's `+` builds in TF 1.15.
Output add_v2(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
/// Sub (tf.subtract).
Output sub(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
/// Mul (tf.multiply).
Output mul(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");
/// RealDiv (tf.realdiv / Python's `/` on floats).
Output real_div(const Scope& scope, const Input& x, const Input& y, std::string_view name = "");

/// Python's binary operators: name_scope(None, "add"|"sub"|"mul"|"truediv"), the other
/// operand converted inside as `y` (or `x` when `reflected`, i.e. `1.0 + t`).
Output operator_add(const Scope& scope, const Input& x, const Input& y, bool reflected = false);
Output operator_sub(const Scope& scope, const Input& x, const Input& y, bool reflected = false);
Output operator_mul(const Scope& scope, const Input& x, const Input& y, bool reflected = false);
Output operator_truediv(const Scope& scope, const Input& x, const Input& y, bool reflected = false);

// ---- random_ops ----

/// RandomUniform(shape) in [0, 1).
Output random_uniform_raw(const Scope& scope, const Input& shape, DataType dtype, int64_t seed = 0,
                          int64_t seed2 = 0, std::string_view name = "");
/// tf.random_uniform(shape, minval, maxval): ops shape, min, max, RandomUniform, sub, mul and
/// the final Add named "random_uniform".
Output random_uniform(const Scope& scope, const std::vector<int64_t>& shape, double minval,
                      double maxval, DataType dtype, std::optional<int64_t> seed = std::nullopt,
                      std::string_view name = "");
/// tf.random_normal(shape, mean, stddev): shape, mean, stddev, RandomStandardNormal, mul, add
/// named "random_normal".
Output random_normal(const Scope& scope, const std::vector<int64_t>& shape, double mean,
                     double stddev, DataType dtype, std::optional<int64_t> seed = std::nullopt,
                     std::string_view name = "");
/// tf.truncated_normal: as random_normal with TruncatedNormal, named "truncated_normal".
Output truncated_normal(const Scope& scope, const std::vector<int64_t>& shape, double mean,
                        double stddev, DataType dtype, std::optional<int64_t> seed = std::nullopt,
                        std::string_view name = "");

// ---- state_ops ----

/// VariableV2: a mutable buffer; its output has the ref dtype.
Output variable_v2(const Scope& scope, const PartialShape& shape, DataType dtype,
                   std::string_view name = "");
/// Assign(ref, value): output is the ref.
Output assign(const Scope& scope, const Output& ref, const Input& value, bool validate_shape = true,
              std::string_view name = "");

// ---- Implicit forms: same ops in current_scope() ----
// Generated by one macro so that the two doors cannot drift apart.
#define SF_IMPLICIT_OP(ret, fn, params, args) \
  inline ret fn params { return fn args; }
Scope implicit_scope();
SF_IMPLICIT_OP(Output, constant, (const Tensor& v, std::string_view name = "Const"),
               (implicit_scope(), v, name))
SF_IMPLICIT_OP(Output, placeholder,
               (DataType t, const PartialShape& s = PartialShape::unknown(),
                std::string_view name = ""),
               (implicit_scope(), t, s, name))
SF_IMPLICIT_OP(Output, identity, (const Input& x, std::string_view name = ""),
               (implicit_scope(), x, name))
SF_IMPLICIT_OP(Output, add, (const Input& x, const Input& y, std::string_view name = ""),
               (implicit_scope(), x, y, name))
SF_IMPLICIT_OP(Output, add_v2, (const Input& x, const Input& y, std::string_view name = ""),
               (implicit_scope(), x, y, name))
SF_IMPLICIT_OP(Output, sub, (const Input& x, const Input& y, std::string_view name = ""),
               (implicit_scope(), x, y, name))
SF_IMPLICIT_OP(Output, mul, (const Input& x, const Input& y, std::string_view name = ""),
               (implicit_scope(), x, y, name))
SF_IMPLICIT_OP(std::vector<Output>, unstack,
               (const Input& v, int64_t num = -1, int64_t axis = 0,
                std::string_view name = "unstack"),
               (implicit_scope(), v, num, axis, name))
#undef SF_IMPLICIT_OP

}  // namespace scopeflow::ops

namespace scopeflow {
/// Python's operators on tensors, in current_scope(): `a + b` is named "add" (op AddV2).
Output operator+(const Output& x, const Input& y);
Output operator+(const Input& x, const Output& y);
Output operator+(const Output& x, const Output& y);
Output operator-(const Output& x, const Input& y);
Output operator-(const Input& x, const Output& y);
Output operator-(const Output& x, const Output& y);
Output operator*(const Output& x, const Input& y);
Output operator*(const Input& x, const Output& y);
Output operator*(const Output& x, const Output& y);
/// A variable stands for its snapshot (`v/read:0`), as in TF's operator overloads.
Output operator+(const Variable& x, const Input& y);
Output operator+(const Input& x, const Variable& y);
Output operator-(const Variable& x, const Input& y);
Output operator-(const Input& x, const Variable& y);
Output operator*(const Variable& x, const Input& y);
Output operator*(const Input& x, const Variable& y);
Output operator+(const Variable& x, const Variable& y);
Output operator-(const Variable& x, const Variable& y);
Output operator*(const Variable& x, const Variable& y);
}  // namespace scopeflow
