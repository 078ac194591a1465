// Op builders: TF's wrapper shape (name scope, input conversion, op named after the scope),
// attrs and static shapes.
#include "scopeflow/ops/ops.h"

#include <fmt/format.h>

#include <cmath>

#include "scopeflow/base/error.h"
#include "scopeflow/base/messages.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/graph/variable.h"
#include "scopeflow/naming/guards.h"
#include "scopeflow/ops/random_ops.h"

namespace scopeflow::ops {

Scope implicit_scope() { return current_scope(); }

namespace {

using OS = Graph::OutputSpec;

// TF's generated wrappers: `with name_scope(name or OpType) as scope:` ... create_op(scope).
Scope open_op_scope(const Scope& s, std::string_view name, std::string_view default_name) {
  return s.name_scope(name.empty() ? default_name : name);
}

Operation finish(const Scope& op_scope, std::string_view type, std::span<const Output> inputs,
                 std::span<const Attr> attrs, std::span<const OS> outputs) {
  return op_scope.graph().create_op(op_scope, type, op_scope.name_scope_string(), inputs, attrs,
                                    outputs);
}

// numpy broadcasting on static shapes (TF's BroadcastBinaryOpShapeFn); on a mismatch `ok` is
// false and the two offending dimensions are kept for the message.
struct Broadcast {
  PartialShape shape;
  bool ok = true;
  int64_t da = 0, db = 0;
};
Broadcast broadcast(const PartialShape& a, const PartialShape& b) {
  if (!a.known_rank() || !b.known_rank()) return {PartialShape::unknown()};
  const int r = std::max(a.rank(), b.rank());
  PartialShape::Dims d(r, -1);
  for (int i = 0; i < r; ++i) {
    const int ia = a.rank() - r + i, ib = b.rank() - r + i;
    const int64_t da = ia >= 0 ? a.dim(ia) : 1, db = ib >= 0 ? b.dim(ib) : 1;
    if (da == 1)
      d[i] = db;
    else if (db == 1)
      d[i] = da;
    else if (da < 0 || db < 0)
      d[i] = da < 0 ? (db < 0 ? -1 : db) : da;
    else if (da == db)
      d[i] = da;
    else
      return {PartialShape::unknown(), false, da, db};
  }
  return {PartialShape(std::move(d))};
}

[[noreturn]] void throw_broadcast(const Broadcast& b, std::string_view op_name,
                                  std::string_view type, const PartialShape& x,
                                  const PartialShape& y) {
  throw Error(Code::kInvalidArgument, messages::dimensions_must_be_equal(
                                          b.da, b.db, op_name, type, shape_text(x), shape_text(y)));
}

Output binary(const Scope& s, std::string_view type, const Input& x, const Input& y,
              std::string_view name) {
  if (x.is_tensor() && y.is_tensor()) {
    // Fast path: with no value to convert inside the op's name scope, opening that scope and
    // naming the op after it reserves exactly the name create_op reserves for `name`. Errors
    // TF raises inside the scope still consume the name, as there.
    const std::string_view nm = name.empty() ? type : name;
    internal::check_scope_name(s, nm);
    const Output xo = x.tensor(), yo = y.tensor();
    const DataType t = base_dtype(xo.dtype());
    if (base_dtype(yo.dtype()) != t) {
      (void)s.name_scope(nm);
      throw Error(Code::kTypeMismatch,
                  messages::input_type_mismatch("y", type, dtype_name(base_dtype(yo.dtype())),
                                                dtype_name(t), "x"));
    }
    Broadcast b = broadcast(xo.shape(), yo.shape());
    if (!b.ok) throw_broadcast(b, s.name_scope(nm).name_stack(), type, xo.shape(), yo.shape());
    const Output ins[] = {xo, yo};
    const Attr attrs[] = {{"T", t}};
    const OS outs[] = {{t, std::move(b.shape)}};
    return s.graph().create_op(s, type, nm, ins, attrs, outs).output(0);
  }
  Scope os = open_op_scope(s, name, type);
  Output xo = convert_to_tensor(os, x, "x");
  const DataType t = base_dtype(xo.dtype());
  Output yo;
  if (y.is_tensor()) {
    yo = y.tensor();
    if (base_dtype(yo.dtype()) != t)
      throw Error(Code::kTypeMismatch,
                  messages::input_type_mismatch("y", type, dtype_name(base_dtype(yo.dtype())),
                                                dtype_name(t), "x"));
  } else {
    if (!detail::literal_converts(y.value().dtype(), t))
      throw Error(Code::kTypeMismatch,
                  messages::input_literal_mismatch(dtype_name(t), "y", type,
                                                   detail::literal_text(y.value()),
                                                   detail::python_type_of(y.value().dtype())));
    yo = convert_to_tensor(os, y, "y", t);
  }
  Broadcast b = broadcast(xo.shape(), yo.shape());
  if (!b.ok) throw_broadcast(b, os.name_stack(), type, xo.shape(), yo.shape());
  const Output ins[] = {xo, yo};
  const Attr attrs[] = {{"T", t}};
  const OS outs[] = {{t, std::move(b.shape)}};
  return finish(os, type, ins, attrs, outs).output(0);
}

Output binary_operator(const Scope& s, std::string_view type, std::string_view scope_name,
                       const Input& x, const Input& y, bool reflected) {
  // math_ops._OverrideBinaryOperatorHelper: name_scope(None, "add", [x, y]); the Python
  // operand is converted inside with the tensor's dtype, named after its side.
  if (x.is_tensor() && y.is_tensor()) {
    // Nothing to convert inside the scope: the op takes the scope's name, which is exactly
    // the name create_op reserves for `scope_name` (the fast path of binary()).
    return binary(s, type, x, y, scope_name);
  }
  Scope os = s.name_scope(scope_name);
  Output xo, yo;
  if (!reflected) {
    xo = convert_to_tensor(os, x, "x");
    yo = convert_to_tensor(os, y, "y", base_dtype(xo.dtype()));
  } else {
    yo = convert_to_tensor(os, y, "y");
    xo = convert_to_tensor(os, x, "x", base_dtype(yo.dtype()));
  }
  return binary(s, type, xo, yo, os.name_scope_string());
}

}  // namespace

namespace detail {

std::string literal_text(const Tensor& t) {
  if (t.num_elements() == 1 && t.dtype() != DataType::kString) {
    if (t.dtype() == DataType::kBool) return t.as_double(0) != 0 ? "True" : "False";
    return fmt::format("{}", t.as_double(0));
  }
  return t.debug_string();
}

const char* python_type_of(DataType t) {
  if (is_floating(t)) return "float";
  if (t == DataType::kBool) return "bool";
  if (t == DataType::kString) return "str";
  return "int";
}

bool literal_converts(DataType from, DataType to) {
  if (from == to) return true;
  if (from == DataType::kBool || to == DataType::kBool) return false;
  if (from == DataType::kString || to == DataType::kString) return false;
  if (is_integer(from)) return is_integer(to) || is_floating(to) || is_complex(to);
  if (is_floating(from)) return is_floating(to) || is_complex(to);
  return false;
}

}  // namespace detail

Output convert_to_tensor(const Scope& scope, const Input& in, std::string_view name,
                         std::optional<DataType> dtype) {
  if (in.is_tensor()) {
    if (dtype && base_dtype(in.tensor().dtype()) != base_dtype(*dtype))
      throw Error(Code::kInvalidArgument,
                  messages::tensor_conversion_dtype(
                      dtype_name(*dtype), dtype_name(in.tensor().dtype()), in.tensor().repr()));
    return in.tensor();
  }
  Tensor v = in.value();
  if (dtype && base_dtype(*dtype) != v.dtype()) {
    const DataType want = base_dtype(*dtype);
    if (!in.literal() || !detail::literal_converts(v.dtype(), want))
      throw Error(Code::kTypeMismatch,
                  messages::literal_type_mismatch(dtype_name(want), detail::literal_text(v),
                                                  detail::python_type_of(v.dtype())));
    v = v.cast(want);
  }
  return constant(scope, v, name);
}

// ---- array_ops ----

Output constant(const Scope& scope, const Tensor& value, std::string_view name) {
  const Attr attrs[] = {{"value", value}, {"dtype", value.dtype()}};
  const OS outs[] = {{value.dtype(), value.partial_shape()}};
  return scope.graph()
      .create_op(scope, "Const", name.empty() ? "Const" : name, {}, attrs, outs)
      .output(0);
}

Output placeholder(const Scope& scope, DataType dtype, const PartialShape& shape,
                   std::string_view name) {
  Scope os = open_op_scope(scope, name, "Placeholder");
  const Attr attrs[] = {{"dtype", dtype}, {"shape", shape}};
  const OS outs[] = {{dtype, shape}};
  return finish(os, "Placeholder", {}, attrs, outs).output(0);
}

Output identity(const Scope& scope, const Input& input, std::string_view name) {
  Scope os = open_op_scope(scope, name, "Identity");
  Output in = convert_to_tensor(os, input, "input");
  const DataType t = base_dtype(in.dtype());
  const Output ins[] = {in};
  const Attr attrs[] = {{"T", t}};
  const OS outs[] = {{t, in.shape()}};
  return finish(os, "Identity", ins, attrs, outs).output(0);
}

std::vector<Output> unstack(const Scope& scope, const Input& value, int64_t num, int64_t axis,
                            std::string_view name) {
  // array_ops.unstack converts its argument before opening the op's scope.
  Output v = convert_to_tensor(scope, value, "Const");
  const PartialShape& s = v.shape();
  if (s.known_rank()) {
    const int64_t r = s.rank();
    if (axis < -r || axis >= r)
      throw Error(Code::kInvalidArgument, messages::unstack_axis_out_of_range(axis, r));
    if (axis < 0) axis += r;
  }
  if (num < 0) {
    if (!s.known_rank() || s.dim(static_cast<int>(axis)) < 0)
      throw Error(Code::kInvalidArgument, messages::unstack_cannot_infer_num(s.to_string()));
    num = s.dim(static_cast<int>(axis));
  }
  Scope os = open_op_scope(scope, name, "Unpack");
  PartialShape out_shape = PartialShape::unknown();
  if (s.known_rank()) {
    PartialShape::Dims d;
    for (int i = 0; i < s.rank(); ++i)
      if (i != axis) d.push_back(s.dim(i));
    out_shape = PartialShape(std::move(d));
  }
  const DataType t = base_dtype(v.dtype());
  const Output ins[] = {v};
  const Attr attrs[] = {{"num", num}, {"T", t}, {"axis", axis}};
  std::vector<OS> outs(static_cast<size_t>(num), OS{t, out_shape});
  Operation op = finish(os, "Unpack", ins, attrs, outs);
  return op.outputs();
}

namespace {
// The values of an int tensor made by a Const op, if it is one.
std::optional<std::vector<int64_t>> const_ints(const Output& t) {
  if (t.op().type() != "Const") return std::nullopt;
  const Tensor v = std::get<Tensor>(*t.op().attr("value"));
  std::vector<int64_t> out;
  for (int64_t i = 0; i < v.num_elements(); ++i)
    out.push_back(static_cast<int64_t>(v.as_double(i)));
  return out;
}
}  // namespace

Output slice(const Scope& scope, const Input& input, const Input& begin, const Input& size,
             std::string_view name) {
  Scope os = open_op_scope(scope, name, "Slice");
  Output in = convert_to_tensor(os, input, "input");
  Output b = convert_to_tensor(os, begin, "begin", DataType::kInt32);
  Output sz = convert_to_tensor(os, size, "size", DataType::kInt32);
  const PartialShape in_shape = in.shape();
  PartialShape shape = in_shape.known_rank() ? PartialShape::unknown_of_rank(in_shape.rank())
                                             : PartialShape::unknown();
  auto bv = const_ints(b), sv = const_ints(sz);
  if (!in_shape.known_rank() && sv)
    shape = PartialShape::unknown_of_rank(static_cast<int>(sv->size()));
  if (bv && sv && in_shape.known_rank() && static_cast<int>(sv->size()) == in_shape.rank()) {
    PartialShape::Dims d;
    for (int i = 0; i < in_shape.rank(); ++i) {
      const int64_t want = (*sv)[i];
      d.push_back(want >= 0 ? want : (in_shape.dim(i) >= 0 ? in_shape.dim(i) - (*bv)[i] : -1));
    }
    shape = PartialShape(std::move(d));
  }
  const DataType t = base_dtype(in.dtype());
  const Output ins[] = {in, b, sz};
  const Attr attrs[] = {{"T", t}, {"Index", DataType::kInt32}};
  const OS outs[] = {{t, shape}};
  return finish(os, "Slice", ins, attrs, outs).output(0);
}

Output concat(const Scope& scope, const std::vector<Input>& values, int64_t axis,
              std::string_view name) {
  if (values.size() == 1) {
    // array_ops.concat: one value is returned through identity, inside the op's scope.
    Scope os = open_op_scope(scope, name, "concat");
    (void)convert_to_tensor(os, Tensor::scalar(static_cast<int32_t>(axis)), "concat_dim",
                            DataType::kInt32);
    return identity(scope, values[0], os.name_scope_string());
  }
  Scope os = open_op_scope(scope, name, "ConcatV2");
  std::vector<Output> ins;
  DataType t = DataType::kInvalid;
  for (size_t i = 0; i < values.size(); ++i) {
    // A list argument's literals are named after it with their index (`concat/values_1`).
    ins.push_back(
        convert_to_tensor(os, values[i], "values_" + std::to_string(i),
                          t == DataType::kInvalid ? std::nullopt : std::optional<DataType>(t)));
    if (t == DataType::kInvalid) t = base_dtype(ins.back().dtype());
  }
  ins.push_back(
      convert_to_tensor(os, Tensor::scalar(static_cast<int32_t>(axis)), "axis", DataType::kInt32));
  // Shape: the inputs agree off the axis and add up along it.
  PartialShape shape = PartialShape::unknown();
  for (size_t i = 0; i + 1 < ins.size(); ++i) {
    const PartialShape s = ins[i].shape();
    if (!s.known_rank()) {
      shape = PartialShape::unknown();
      break;
    }
    const int64_t r = s.rank();
    const int64_t ax = axis < 0 ? axis + r : axis;
    if (ax < 0 || ax >= r)
      throw Error(Code::kInvalidArgument, messages::unstack_axis_out_of_range(axis, r));
    if (i == 0) {
      shape = s;
      continue;
    }
    if (!shape.known_rank()) continue;
    if (shape.rank() != r)
      throw Error(Code::kInvalidArgument, messages::concat_rank_mismatch(
                                              os.name_stack(), shape.to_string(), s.to_string()));
    PartialShape::Dims d = shape.dims();
    for (int k = 0; k < r; ++k) {
      if (k == ax) {
        d[k] = (d[k] < 0 || s.dim(k) < 0) ? -1 : d[k] + s.dim(k);
      } else if (d[k] < 0) {
        d[k] = s.dim(k);
      } else if (s.dim(k) >= 0 && s.dim(k) != d[k]) {
        throw Error(Code::kInvalidArgument, messages::concat_rank_mismatch(
                                                os.name_stack(), shape.to_string(), s.to_string()));
      }
    }
    shape = PartialShape(std::move(d));
  }
  const Attr attrs[] = {
      {"N", static_cast<int64_t>(values.size())}, {"T", t}, {"Tidx", DataType::kInt32}};
  const OS outs[] = {{t, shape}};
  return finish(os, "ConcatV2", ins, attrs, outs).output(0);
}

Output fill(const Scope& scope, const Input& dims, const Input& value, std::string_view name) {
  Scope os = open_op_scope(scope, name, "Fill");
  Output d = convert_to_tensor(os, dims, "dims", DataType::kInt32);
  Output v = convert_to_tensor(os, value, "value");
  PartialShape shape = PartialShape::unknown();
  if (auto known = const_ints(d)) {
    shape = PartialShape(*known);
  } else if (d.shape().known_rank() && d.shape().rank() == 1 && d.shape().dim(0) >= 0) {
    shape = PartialShape::unknown_of_rank(static_cast<int>(d.shape().dim(0)));
  }
  const DataType t = base_dtype(v.dtype());
  const Output ins[] = {d, v};
  const Attr attrs[] = {{"T", t}, {"index_type", DataType::kInt32}};
  const OS outs[] = {{t, shape}};
  return finish(os, "Fill", ins, attrs, outs).output(0);
}

namespace {
Output filled(const Scope& scope, const std::vector<int64_t>& shape, DataType dtype,
              std::string_view name, std::string_view default_name, double v) {
  Scope os = open_op_scope(scope, name, default_name);
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  Tensor one(dtype, {});
  if (dtype == DataType::kString) {
    one.string_data()[0] = "";
  } else {
    one = Tensor::scalar<double>(v).cast(dtype);
  }
  // array_ops._constant_if_small: a Const below 1000 elements, else Fill.
  if (n < 1000) {
    Tensor t(dtype, shape);
    if (v != 0) t = Tensor::vector(std::vector<double>(static_cast<size_t>(n), v)).cast(dtype);
    Tensor shaped(dtype, shape);
    if (dtype != DataType::kString && t.byte_size())
      std::memcpy(shaped.raw(), t.raw(), t.byte_size());
    return constant(os, shaped, os.name_scope_string());
  }
  std::vector<int32_t> dims(shape.begin(), shape.end());
  Output dims_t = constant(os, Tensor::vector(dims), "shape_as_tensor");
  Output value_t = constant(os, one, "Const");
  const Output ins[] = {dims_t, value_t};
  const Attr attrs[] = {{"T", dtype}, {"index_type", DataType::kInt32}};
  const OS outs[] = {{dtype, PartialShape(shape)}};
  return finish(os, "Fill", ins, attrs, outs).output(0);
}
}  // namespace

Output zeros(const Scope& scope, const std::vector<int64_t>& shape, DataType dtype,
             std::string_view name) {
  return filled(scope, shape, base_dtype(dtype), name, "zeros", 0);
}
Output ones(const Scope& scope, const std::vector<int64_t>& shape, DataType dtype,
            std::string_view name) {
  return filled(scope, shape, base_dtype(dtype), name, "ones", 1);
}

// ---- math_ops ----

Output add(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "Add", x, y, name);
}
Output add_v2(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "AddV2", x, y, name);
}
Output sub(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "Sub", x, y, name);
}
Output mul(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "Mul", x, y, name);
}
Output real_div(const Scope& s, const Input& x, const Input& y, std::string_view name) {
  return binary(s, "RealDiv", x, y, name);
}

Output operator_add(const Scope& s, const Input& x, const Input& y, bool reflected) {
  return binary_operator(s, "AddV2", "add", x, y, reflected);
}
Output operator_sub(const Scope& s, const Input& x, const Input& y, bool reflected) {
  return binary_operator(s, "Sub", "sub", x, y, reflected);
}
Output operator_mul(const Scope& s, const Input& x, const Input& y, bool reflected) {
  return binary_operator(s, "Mul", "mul", x, y, reflected);
}
Output operator_truediv(const Scope& s, const Input& x, const Input& y, bool reflected) {
  return binary_operator(s, "RealDiv", "truediv", x, y, reflected);
}

// ---- random_ops ----

namespace {
Output random_raw(const Scope& scope, std::string_view type, const Input& shape, DataType dtype,
                  int64_t seed, int64_t seed2, std::string_view name) {
  Scope os = open_op_scope(scope, name, type);
  Output sh = convert_to_tensor(os, shape, "shape", DataType::kInt32);
  PartialShape out = PartialShape::unknown();
  if (auto known = const_ints(sh)) out = PartialShape(*known);
  const Output ins[] = {sh};
  const Attr attrs[] = {
      {"seed", seed}, {"seed2", seed2}, {"dtype", dtype}, {"T", DataType::kInt32}};
  const OS outs[] = {{dtype, out}};
  return finish(os, type, ins, attrs, outs).output(0);
}

Tensor shape_value(const std::vector<int64_t>& shape) {
  return Tensor::vector(std::vector<int32_t>(shape.begin(), shape.end()));
}

}  // namespace

Output random_uniform_raw(const Scope& scope, const Input& shape, DataType dtype, int64_t seed,
                          int64_t seed2, std::string_view name) {
  return random_raw(scope, "RandomUniform", shape, dtype, seed, seed2, name);
}

namespace {
Output literal(const Scope& s, double v, DataType dtype, std::string_view name) {
  return constant(s, Tensor::scalar<double>(v).cast(dtype), name);
}
}  // namespace

Output random_uniform(const Scope& scope, const std::vector<int64_t>& shape, double minval,
                      double maxval, DataType dtype, std::optional<int64_t> seed,
                      std::string_view name) {
  Scope os = open_op_scope(scope, name, "random_uniform");
  Output sh = constant(os, shape_value(shape), "shape");
  Output lo = literal(os, minval, dtype, "min");
  Output hi = literal(os, maxval, dtype, "max");
  auto [s1, s2] = get_seed(os.graph(), seed);
  Output rnd = random_uniform_raw(os, sh, dtype, s1, s2, "");
  Output range = operator_sub(os, hi, lo);
  Output scaled = operator_mul(os, rnd, range);
  Output out = add(os, scaled, lo, os.name_scope_string());
  return out;
}

namespace {
// random_normal and truncated_normal: shape, mean, stddev, the random op, `rnd * stddev` (mul)
// and the final Add named after the scope.
Output scaled_normal(const Scope& scope, std::string_view type, std::string_view default_name,
                     const std::vector<int64_t>& shape, double mean, double stddev, DataType dtype,
                     std::optional<int64_t> seed, std::string_view name) {
  Scope os = open_op_scope(scope, name, default_name);
  Output sh = constant(os, shape_value(shape), "shape");
  Output m = literal(os, mean, dtype, "mean");
  Output sd = literal(os, stddev, dtype, "stddev");
  auto [s1, s2] = get_seed(os.graph(), seed);
  Output rnd = random_raw(os, type, sh, dtype, s1, s2, "");
  Output scaled = operator_mul(os, rnd, sd);
  return add(os, scaled, m, os.name_scope_string());
}
}  // namespace

Output random_normal(const Scope& scope, const std::vector<int64_t>& shape, double mean,
                     double stddev, DataType dtype, std::optional<int64_t> seed,
                     std::string_view name) {
  return scaled_normal(scope, "RandomStandardNormal", "random_normal", shape, mean, stddev, dtype,
                       seed, name);
}

Output truncated_normal(const Scope& scope, const std::vector<int64_t>& shape, double mean,
                        double stddev, DataType dtype, std::optional<int64_t> seed,
                        std::string_view name) {
  return scaled_normal(scope, "TruncatedNormal", "truncated_normal", shape, mean, stddev, dtype,
                       seed, name);
}

// ---- state_ops ----

Output variable_v2(const Scope& scope, const PartialShape& shape, DataType dtype,
                   std::string_view name) {
  Scope os = open_op_scope(scope, name, "VariableV2");
  const Attr attrs[] = {{"shape", shape},
                        {"dtype", base_dtype(dtype)},
                        {"container", std::string()},
                        {"shared_name", std::string()}};
  const OS outs[] = {{ref_dtype(dtype), shape}};
  return finish(os, "VariableV2", {}, attrs, outs).output(0);
}

Output assign(const Scope& scope, const Output& ref, const Input& value, bool validate_shape,
              std::string_view name) {
  // op_def_library: an op with a ref input is built colocated with that input.
  Scope os = open_op_scope(scope.colocate_with(ref.op()), name, "Assign");
  Output v = convert_to_tensor(os, value, "value", base_dtype(ref.dtype()));
  PartialShape shape = validate_shape ? ref.shape().merge_with(v.shape()) : v.shape();
  const Output ins[] = {ref, v};
  const Attr attrs[] = {
      {"T", base_dtype(ref.dtype())}, {"validate_shape", validate_shape}, {"use_locking", true}};
  const OS outs[] = {{ref_dtype(ref.dtype()), shape}};
  return finish(os, "Assign", ins, attrs, outs).output(0);
}

}  // namespace scopeflow::ops

namespace scopeflow {

namespace {
Scope scope_of(const Output& t) { return current_scope(*t.graph()); }
}  // namespace

Output operator+(const Output& x, const Input& y) { return ops::operator_add(scope_of(x), x, y); }
Output operator+(const Input& x, const Output& y) {
  return ops::operator_add(scope_of(y), x, y, /*reflected=*/true);
}
Output operator+(const Output& x, const Output& y) { return ops::operator_add(scope_of(x), x, y); }
Output operator-(const Output& x, const Input& y) { return ops::operator_sub(scope_of(x), x, y); }
Output operator-(const Input& x, const Output& y) {
  return ops::operator_sub(scope_of(y), x, y, /*reflected=*/true);
}
Output operator-(const Output& x, const Output& y) { return ops::operator_sub(scope_of(x), x, y); }
Output operator*(const Output& x, const Input& y) { return ops::operator_mul(scope_of(x), x, y); }
Output operator*(const Input& x, const Output& y) {
  return ops::operator_mul(scope_of(y), x, y, /*reflected=*/true);
}
Output operator*(const Output& x, const Output& y) { return ops::operator_mul(scope_of(x), x, y); }
Output operator+(const Variable& x, const Input& y) { return x.value() + y; }
Output operator+(const Input& x, const Variable& y) { return x + y.value(); }
Output operator-(const Variable& x, const Input& y) { return x.value() - y; }
Output operator-(const Input& x, const Variable& y) { return x - y.value(); }
Output operator*(const Variable& x, const Input& y) { return x.value() * y; }
Output operator*(const Input& x, const Variable& y) { return x * y.value(); }
Output operator+(const Variable& x, const Variable& y) { return x.value() + y.value(); }
Output operator-(const Variable& x, const Variable& y) { return x.value() - y.value(); }
Output operator*(const Variable& x, const Variable& y) { return x.value() * y.value(); }

}  // namespace scopeflow
