// Registration (shape functions) and builders of the math ops: element-wise arithmetic,
// comparisons, logic, Select, Cast and AddN.
#include "scopeflow/ops/math_ops.h"

#include <fmt/format.h>

#include "scopeflow/base/error.h"
#include "scopeflow/base/messages.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/ops/op_registry.h"

namespace scopeflow {

namespace internal {

namespace {

// TF's BroadcastBinaryOpShapeFn.
void broadcast_shape(ShapeContext& c) {
  c.set_output(0, c.input_dtype(0), c.broadcast(c.input_shape(0), c.input_shape(1)));
}
void compare_shape(ShapeContext& c) {
  c.set_output(0, DataType::kBool, c.broadcast(c.input_shape(0), c.input_shape(1)));
}
// Equal/NotEqual: with incompatible_shape_error=false, incompatible static shapes give an
// unknown shape instead of an error (the kernel then returns a scalar).
void equality_shape(ShapeContext& c) {
  if (!c.attr_bool("incompatible_shape_error", true)) {
    try {
      compare_shape(c);
    } catch (const Error&) {
      c.set_output(0, DataType::kBool, PartialShape::unknown());
    }
    return;
  }
  compare_shape(c);
}
void unchanged_shape(ShapeContext& c) { c.set_output(0, c.input_dtype(0), c.input_shape(0)); }
void bool_unchanged_shape(ShapeContext& c) { c.set_output(0, DataType::kBool, c.input_shape(0)); }

void cast_shape(ShapeContext& c) { c.set_output(0, c.attr_type("DstT"), c.input_shape(0)); }

void select_shape(ShapeContext& c) {
  // t and e must have the same shape; cond is a scalar, t's shape, or a vector over t's
  // first dimension (TF 1.15's Select shape function).
  PartialShape data = c.merge(c.input_shape(1), c.input_shape(2));
  const PartialShape cond = c.input_shape(0);
  if (cond.known_rank() && data.known_rank()) {
    const int cond_rank = cond.rank(), data_rank = data.rank();
    if (cond_rank == 0) {
      // any shape
    } else if (cond_rank != 1 || data_rank == 0) {
      data = c.merge(data, cond);
    } else {
      (void)c.merge(cond, PartialShape({data.dim(0)}));
    }
  }
  c.set_output(0, c.input_dtype(1), data);
}

// Merge of two shapes with TF's texts plus AddN's context line.
PartialShape merge_with_context(const ShapeContext& c, const PartialShape& a, const PartialShape& b,
                                int i) {
  if (!a.known_rank()) return b;
  if (!b.known_rank()) return a;
  auto text = [](const PartialShape& s) {
    std::string out = "[";
    for (int k = 0; k < s.rank(); ++k) {
      if (k) out += ",";
      out += s.dim(k) < 0 ? "?" : std::to_string(s.dim(k));
    }
    return out + "]";
  };
  const std::string context = fmt::format("\n\tFrom merging shape {} with other shapes.", i);
  if (a.rank() != b.rank())
    c.fail(
        fmt::format("Shapes must be equal rank, but are {} and {}{}", a.rank(), b.rank(), context));
  PartialShape::Dims d(a.rank(), -1);
  for (int k = 0; k < a.rank(); ++k) {
    const int64_t x = a.dim(k), y = b.dim(k);
    if (x >= 0 && y >= 0 && x != y)
      c.fail(fmt::format(
          "Dimension {} in both shapes must be equal, but are {} and {}. Shapes are {} and {}.{}",
          k, x, y, text(a), text(b), context));
    d[k] = x >= 0 ? x : y;
  }
  return PartialShape(std::move(d));
}

void add_n_shape(ShapeContext& c) {
  const int n = c.num_inputs();
  if (n == 0) c.fail("AddN needs at least one input");
  PartialShape cur = c.input_shape(n - 1);
  for (int i = n - 2; i >= 0; --i) cur = merge_with_context(c, c.input_shape(i), cur, i);
  c.set_output(0, c.input_dtype(0), cur);
}

}  // namespace

void register_math_ops() {
  for (const char* t : {"Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "FloorDiv", "Pow",
                        "Maximum", "Minimum", "SquaredDifference", "DivNoNan"})
    register_op({t, &broadcast_shape});
  for (const char* t :
       {"Neg", "Abs", "Square", "Sqrt", "Rsqrt", "Exp", "Log", "Reciprocal", "Sign"})
    register_op({t, &unchanged_shape});
  for (const char* t : {"Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr"})
    register_op({t, &compare_shape});
  register_op({"Equal", &equality_shape});
  register_op({"NotEqual", &equality_shape});
  register_op({"LogicalNot", &bool_unchanged_shape});
  register_op({"Select", &select_shape});
  register_op({"Cast", &cast_shape});
  register_op({"AddN", &add_n_shape});
  register_op({"Cumsum", &unchanged_shape});
  register_op({"Cumprod", &unchanged_shape});
}

}  // namespace internal

namespace ops {

namespace {

// op_def_library: an input whose fixed type (bool) differs from the tensor given.
std::string input_expected_type(std::string_view arg, std::string_view op_type,
                                std::string_view got, std::string_view want) {
  return fmt::format("Input '{}' of '{}' Op has type {} that does not match expected type of {}.",
                     arg, op_type, got, want);
}
// op_def_library: a list input (AddN's `inputs`) whose tensors differ in dtype.
std::string list_types_mismatch(std::string_view arg, std::string_view op_type,
                                const std::vector<Output>& values) {
  std::string types;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) types += ", ";
    types += dtype_name(base_dtype(values[i].dtype()));
  }
  return fmt::format(
      "Tensors in list passed to '{}' of '{}' Op have types [{}] that don't all "
      "match.",
      arg, op_type, types);
}
std::string add_n_empty() {
  return "inputs must be a list of at least one Tensor/IndexedSlices with the same dtype and "
         "shape";
}

// Converts an argument that must take `want` (inferred from an earlier argument `first`).
Output same_type_input(OpBuilder& b, const Input& in, std::string_view arg, DataType want,
                       std::string_view type, std::string_view first) {
  if (in.is_tensor()) {
    const DataType got = base_dtype(in.tensor().dtype());
    if (got != want)
      throw Error(Code::kTypeMismatch, messages::input_type_mismatch(arg, type, dtype_name(got),
                                                                     dtype_name(want), first));
    return b.input(in, arg);
  }
  if (!detail::literal_converts(in.value().dtype(), want))
    throw Error(Code::kTypeMismatch,
                messages::input_literal_mismatch(dtype_name(want), arg, type,
                                                 detail::literal_text(in.value()),
                                                 detail::python_type_of(in.value().dtype())));
  return b.input(in, arg, want);
}

// Converts an argument of a fixed type (bool for logical ops and Select's condition).
Output fixed_type_input(OpBuilder& b, const Input& in, std::string_view arg, DataType want,
                        std::string_view type) {
  if (in.is_tensor()) {
    const DataType got = base_dtype(in.tensor().dtype());
    if (got != want)
      throw Error(Code::kTypeMismatch,
                  input_expected_type(arg, type, dtype_name(got), dtype_name(want)));
    return b.input(in, arg);
  }
  if (!detail::literal_converts(in.value().dtype(), want))
    throw Error(Code::kTypeMismatch,
                messages::input_literal_mismatch(dtype_name(want), arg, type,
                                                 detail::literal_text(in.value()),
                                                 detail::python_type_of(in.value().dtype())));
  return b.input(in, arg, want);
}

Output binary(const Scope& s, std::string_view type, const Input& x, const Input& y,
              std::string_view name, bool equality = false) {
  OpBuilder b(s, type, name);
  const Output xo = b.input(x, "x");
  const DataType t = base_dtype(xo.dtype());
  (void)same_type_input(b, y, "y", t, type, "x");
  b.attr("T", t);
  if (equality) b.attr("incompatible_shape_error", true);
  return b.finish().output(0);
}

Output unary(const Scope& s, std::string_view type, const Input& x, std::string_view name) {
  OpBuilder b(s, type, name);
  const Output xo = b.input(x, "x");
  return b.attr("T", base_dtype(xo.dtype())).finish().output(0);
}

Output logical(const Scope& s, std::string_view type, const Input& x, const Input* y,
               std::string_view name) {
  OpBuilder b(s, type, name);
  (void)fixed_type_input(b, x, "x", DataType::kBool, type);
  if (y) (void)fixed_type_input(b, *y, "y", DataType::kBool, type);
  return b.finish().output(0);
}

}  // namespace

Output div(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "Div", x, y, name);
}
Output floor_div(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "FloorDiv", x, y, name);
}
Output pow(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "Pow", x, y, name);
}
Output maximum(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "Maximum", x, y, name);
}
Output minimum(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "Minimum", x, y, name);
}
Output squared_difference(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "SquaredDifference", x, y, name);
}

Output neg(const Scope& s, const Input& x, std::string_view name) {
  return unary(s, "Neg", x, name);
}
Output abs(const Scope& s, const Input& x, std::string_view name) {
  return unary(s, "Abs", x, name);
}
Output square(const Scope& s, const Input& x, std::string_view name) {
  return unary(s, "Square", x, name);
}
Output sqrt(const Scope& s, const Input& x, std::string_view name) {
  return unary(s, "Sqrt", x, name);
}
Output rsqrt(const Scope& s, const Input& x, std::string_view name) {
  return unary(s, "Rsqrt", x, name);
}
Output exp(const Scope& s, const Input& x, std::string_view name) {
  return unary(s, "Exp", x, name);
}
Output log(const Scope& s, const Input& x, std::string_view name) {
  return unary(s, "Log", x, name);
}
Output reciprocal(const Scope& s, const Input& x, std::string_view name) {
  return unary(s, "Reciprocal", x, name);
}
Output sign(const Scope& s, const Input& x, std::string_view name) {
  return unary(s, "Sign", x, name);
}

Output equal(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "Equal", x, y, name, /*equality=*/true);
}
Output not_equal(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "NotEqual", x, y, name, /*equality=*/true);
}
Output less(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "Less", x, y, name);
}
Output less_equal(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "LessEqual", x, y, name);
}
Output greater(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "Greater", x, y, name);
}
Output greater_equal(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "GreaterEqual", x, y, name);
}

Output logical_and(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return logical(s, "LogicalAnd", x, &y, name);
}
Output logical_or(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return logical(s, "LogicalOr", x, &y, name);
}
Output logical_not(const Scope& s, const Input& x, std::string_view name) {
  return logical(s, "LogicalNot", x, nullptr, name);
}

Output select(const Scope& s, const Input& condition, const Input& t, const Input& e,
              std::string_view name) {
  OpBuilder b(s, "Select", name);
  (void)fixed_type_input(b, condition, "condition", DataType::kBool, "Select");
  const Output to = b.input(t, "t");
  const DataType dt = base_dtype(to.dtype());
  (void)same_type_input(b, e, "e", dt, "Select", "t");
  return b.attr("T", dt).finish().output(0);
}

Output cast(const Scope& s, const Input& x, DataType dtype, std::string_view name) {
  // math_ops.cast returns a tensor of the right type before opening its name scope.
  if (x.is_tensor() && base_dtype(x.tensor().dtype()) == base_dtype(dtype)) return x.tensor();
  OpBuilder b(s, "Cast", name);
  const Output xo = b.input(x, "x");
  const DataType src = base_dtype(xo.dtype()), dst = base_dtype(dtype);
  if (src == dst) return xo;
  return b.attr("SrcT", src).attr("DstT", dst).attr("Truncate", false).finish().output(0);
}

Output add_n(const Scope& s, const std::vector<Input>& inputs, std::string_view name) {
  if (inputs.empty()) throw Error(Code::kInvalidArgument, add_n_empty());
  std::vector<Output> values;
  values.reserve(inputs.size());
  for (const Input& in : inputs) values.push_back(convert_to_tensor(s, in, "Const"));
  if (values.size() == 1) {
    if (!name.empty()) return identity(s, values[0], name);
    return values[0];
  }
  // op_def_library checks the list's types inside the op's name scope (the name is taken).
  OpBuilder b(s, "AddN", name);
  const DataType t = base_dtype(values[0].dtype());
  for (const Output& v : values)
    if (base_dtype(v.dtype()) != t)
      throw Error(Code::kTypeMismatch, list_types_mismatch("inputs", "AddN", values));
  for (const Output& v : values) b.add(v);
  return b.attr("N", static_cast<int64_t>(values.size())).attr("T", t).finish().output(0);
}

namespace {
Output scan(const Scope& s, std::string_view type, const Input& x, const Input& axis,
            bool exclusive, bool reverse, std::string_view name) {
  // math_ops.cumsum/cumprod: name_scope(name, type), x converted as `x`, then the op (its
  // literal axis converted inside the same scope as `axis`).
  OpBuilder b(s, type, name);
  const Output xo = b.input(x, "x");
  const Output a = axis.is_tensor() || axis.value().dtype() == DataType::kInt64
                       ? b.input(axis, "axis")
                       : b.input(axis, "axis", DataType::kInt32);
  const DataType at = base_dtype(a.dtype());
  if (at != DataType::kInt32 && at != DataType::kInt64)
    throw Error(Code::kTypeMismatch,
                fmt::format("Value passed to parameter 'axis' has DataType {} not in list of "
                            "allowed values: int32, int64",
                            dtype_name(at)));
  return b.attr("exclusive", exclusive)
      .attr("reverse", reverse)
      .attr("T", base_dtype(xo.dtype()))
      .attr("Tidx", at)
      .finish()
      .output(0);
}
}  // namespace

Output cumsum(const Scope& s, const Input& x, const Input& axis, bool exclusive, bool reverse,
              std::string_view name) {
  return scan(s, "Cumsum", x, axis, exclusive, reverse, name);
}
Output cumprod(const Scope& s, const Input& x, const Input& axis, bool exclusive, bool reverse,
               std::string_view name) {
  return scan(s, "Cumprod", x, axis, exclusive, reverse, name);
}

}  // namespace ops
}  // namespace scopeflow
