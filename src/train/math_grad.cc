// Gradient functions of the math ops, named as TF 1.15's math_grad.py builds them.
//
// Notes on fidelity (TF 1.15 graph mode):
// - Add/AddV2/Sub/Mul take TF's fast path when x, y and grad have the same fully defined
//   shape (_ShapesFullySpecifiedAndEqual): Add returns grad twice, Sub grad and Neg, Mul (for
//   float32/int32 only, as TF) `Mul`, `Mul_1`. Otherwise: Shape, Shape_1,
//   BroadcastGradientArgs, then Sum/Reshape per input. TF 1.4 (the packt golden graph) always
//   took the broadcasting path; shapes fold to Consts as array_ops.shape(optimize=True) does.
// - Sum/Mean: _SumGrad's three paths (reduce-all fast path; fully known shape with constant
//   axes through the graph-level reduced_shape cache; reduced_shape with DynamicStitch
//   otherwise); Max/Min: _MinOrMaxGrad, always through reduced_shape; Prod: _ProdGrad
//   (ListDiff, Cumprod, InvertPermutation, with its index ops on "/device:CPU:0").
// - Sqrt, Rsqrt and Reciprocal use the SqrtGrad/RsqrtGrad/ReciprocalGrad ops, which this file
//   registers (op + CPU kernel) until math_ops.cc / math_kernels.cc provide them.
#include <fmt/format.h>

#include <cmath>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "scopeflow/base/error.h"
#include "scopeflow/ops/array_ops.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/ops/nn_ops.h"
#include "scopeflow/ops/op_registry.h"
#include "scopeflow/ops/ops.h"
#include "scopeflow/runtime/kernel.h"
#include "scopeflow/train/gradients.h"

namespace scopeflow::train::internal {

namespace {

using Grads = std::span<const Output>;
using Out = std::vector<Output>;

DataType dt(const Output& t) { return base_dtype(t.dtype()); }

std::vector<int64_t> dims_of(const PartialShape& s) {
  return std::vector<int64_t>(s.dims().begin(), s.dims().end());
}

Output const_of(const Scope& s, double v, DataType type, std::string_view name = "Const") {
  return ops::constant(s, Tensor::scalar<double>(v).cast(type), name);
}

Tensor int32_vector(const std::vector<int64_t>& v) {
  std::vector<int32_t> w(v.begin(), v.end());
  return Tensor::vector(w);
}

// _ShapesFullySpecifiedAndEqual(x, y, grad).
bool same_full_shapes(const Output& x, const Output& y, const Output& g) {
  const PartialShape a = x.shape(), b = y.shape(), c = g.shape();
  return a.fully_defined() && a == b && a == c;
}

// reshape(reduce_sum(g, r), s).
Output sum_reshape(const Scope& s, const Output& g, const Output& r, const Output& shape) {
  return ops::reshape(s, ops::reduction(s, "Sum", g, r), shape);
}

struct Bcast {
  Output sx, sy, rx, ry;
};

// sx = shape(x); sy = shape(y); rx, ry = broadcast_gradient_args(sx, sy).
Bcast bcast(const Scope& s, const Output& x, const Output& y) {
  Bcast b;
  b.sx = ops::shape(s, x);
  b.sy = ops::shape(s, y);
  std::tie(b.rx, b.ry) = ops::broadcast_gradient_args(s, b.sx, b.sy);
  return b;
}

// gen_math_ops.mat_mul (always MatMul, whatever the ranks).
Output mat_mul(const Scope& s, const Output& a, const Output& b, bool ta, bool tb) {
  ops::OpBuilder bld(s, "MatMul", "");
  Output x = bld.input(a, "a");
  bld.input(b, "b", x.dtype());
  return bld.attr("transpose_a", ta).attr("transpose_b", tb).attr("T", dt(x)).finish().output(0);
}

// A raw binary op named after `name_scope` (math_ops.div_no_nan's shape).
Output scoped_binary(const Scope& s, std::string_view type, std::string_view scope_name,
                     const Output& x, const Output& y) {
  Scope os = s.name_scope(scope_name);
  const Output ins[] = {x, y};
  const Attr attrs[] = {{"T", dt(x)}};
  return ops::create(os, type, os.name_scope_string(), ins, attrs).output(0);
}

// gen_math_ops.<unary>_grad(y, dy) named after the op type.
Output unary_grad_op(const Scope& s, std::string_view type, const Output& y, const Output& dy) {
  const Output ins[] = {y, dy};
  const Attr attrs[] = {{"T", dt(y)}};
  return ops::create(s, type, type, ins, attrs).output(0);
}

// array_ops.zeros(shape_tensor, dtype): name_scope "zeros", Const "zeros/Const", Fill "zeros".
Output zeros_of_shape(const Scope& s, const Output& shape, DataType type) {
  Scope zs = s.name_scope("zeros");
  Output zero = const_of(zs, 0, type);
  return ops::fill(s, shape, zero, zs.name_scope_string());
}

// ---- Binary arithmetic ----

Out add_grad(const Scope& s, Operation op, Grads g) {
  Output x = op.input(0), y = op.input(1), grad = g[0];
  if (same_full_shapes(x, y, grad)) return {grad, grad};
  Bcast b = bcast(s, x, y);
  Output gx = sum_reshape(s, grad, b.rx, b.sx);
  Output gy = sum_reshape(s, grad, b.ry, b.sy);
  return {gx, gy};
}

Out sub_grad(const Scope& s, Operation op, Grads g) {
  Output x = op.input(0), y = op.input(1), grad = g[0];
  if (same_full_shapes(x, y, grad)) return {grad, ops::neg(s, grad)};
  Bcast b = bcast(s, x, y);
  Output gx = sum_reshape(s, grad, b.rx, b.sx);
  Output sum1 = ops::reduction(s, "Sum", grad, b.ry);
  Output gy = ops::reshape(s, ops::neg(s, sum1), b.sy);
  return {gx, gy};
}

Out mul_grad(const Scope& s, Operation op, Grads g) {
  Output x = op.input(0), y = op.input(1), grad = g[0];
  if (same_full_shapes(x, y, grad) &&
      (dt(grad) == DataType::kInt32 || dt(grad) == DataType::kFloat)) {
    Output gx = ops::mul(s, grad, y);
    return {gx, ops::mul(s, grad, x)};
  }
  Bcast b = bcast(s, x, y);
  Output gx = sum_reshape(s, ops::mul(s, grad, y), b.rx, b.sx);
  Output gy = sum_reshape(s, ops::mul(s, x, grad), b.ry, b.sy);
  return {gx, gy};
}

// RealDiv / Div / DivNoNan share one structure, differing in the division they build.
template <Output (*Divide)(const Scope&, const Output&, const Output&)>
Out div_like_grad(const Scope& s, Operation op, Grads g) {
  Output x = op.input(0), y = op.input(1), grad = g[0];
  Bcast b = bcast(s, x, y);
  Output gx = sum_reshape(s, Divide(s, grad, y), b.rx, b.sx);
  Output negx = ops::neg(s, x);
  Output d1 = Divide(s, negx, y);
  Output d2 = Divide(s, d1, y);
  Output gy = sum_reshape(s, ops::operator_mul(s, grad, d2), b.ry, b.sy);
  return {gx, gy};
}
Output realdiv_fn(const Scope& s, const Output& a, const Output& b) {
  return ops::real_div(s, a, b);
}
Output truediv_fn(const Scope& s, const Output& a, const Output& b) {
  return ops::operator_truediv(s, a, b);
}
Output div_no_nan_fn(const Scope& s, const Output& a, const Output& b) {
  return scoped_binary(s, "DivNoNan", "div_no_nan", a, b);
}

Out none2_grad(const Scope&, Operation, Grads) { return {Output(), Output()}; }

Out pow_grad(const Scope& s, Operation op, Grads g) {
  Output x = op.input(0), y = op.input(1), z = op.output(0), grad = g[0];
  Bcast b = bcast(s, x, y);
  Output ym1 = ops::operator_sub(s, y, 1);
  Output p = ops::pow(s, x, ym1);
  Output m = ops::mul(s, y, p);
  Output gx = sum_reshape(s, ops::mul(s, grad, m), b.rx, b.sx);
  Output mask = ops::greater(s, x, 0);
  Output safe_x = ops::select(s, mask, x, ops::ones_like(s, x));
  Output logx = ops::log(s, safe_x);
  Output log_x = ops::select(s, mask, logx, ops::zeros_like(s, x));
  Output m2 = ops::mul(s, z, log_x);
  Output gy = sum_reshape(s, ops::mul(s, grad, m2), b.ry, b.sy);
  return {gx, gy};
}

template <bool kMax>
Out max_min_grad(const Scope& s, Operation op, Grads g) {
  Output x = op.input(0), y = op.input(1), grad = g[0];
  Output sx = ops::shape(s, x), sy = ops::shape(s, y);
  Output gradshape = ops::shape(s, grad);
  Output zeros = zeros_of_shape(s, gradshape, dt(grad));
  Output xmask = kMax ? ops::greater_equal(s, x, y) : ops::less_equal(s, x, y);
  auto [rx, ry] = ops::broadcast_gradient_args(s, sx, sy);
  Output xgrad = ops::select(s, xmask, grad, zeros);
  Output ygrad = ops::select(s, xmask, zeros, grad);
  Output gx = sum_reshape(s, xgrad, rx, sx);
  Output gy = sum_reshape(s, ygrad, ry, sy);
  return {gx, gy};
}

Out squared_difference_grad(const Scope& s, Operation op, Grads g) {
  Output x = op.input(0), y = op.input(1), grad = g[0];
  Bcast b = bcast(s, x, y);
  Scope cs = s.with_control_dependencies({grad.op()});
  // math_ops.scalar_mul(2.0, grad) * (x - y)
  Output two = const_of(cs, 2.0, dt(grad), "scalar");
  Output sg = ops::mul(cs, two, grad);
  Output diff = ops::operator_sub(cs, x, y);
  Output x_grad = ops::operator_mul(cs, sg, diff);
  Output gx = sum_reshape(s, x_grad, b.rx, b.sx);
  Output r = sum_reshape(s, x_grad, b.ry, b.sy);
  return {gx, ops::neg(s, r)};
}

// ---- Unary ----

Out neg_grad(const Scope& s, Operation, Grads g) { return {ops::neg(s, g[0])}; }

Out abs_grad(const Scope& s, Operation op, Grads g) {
  Output sign = ops::sign(s, op.input(0));
  return {ops::operator_mul(s, g[0], sign)};
}

Out square_grad(const Scope& s, Operation op, Grads g) {
  Output x = op.input(0), grad = g[0];
  Scope cs = s.with_control_dependencies({grad.op()});
  Output two = const_of(cs, 2.0, dt(x));
  Output m = ops::mul(cs, x, two);
  return {ops::mul(cs, grad, m)};
}

Out sqrt_grad(const Scope& s, Operation op, Grads g) {
  return {unary_grad_op(s, "SqrtGrad", op.output(0), g[0])};
}
Out rsqrt_grad(const Scope& s, Operation op, Grads g) {
  return {unary_grad_op(s, "RsqrtGrad", op.output(0), g[0])};
}
Out reciprocal_grad(const Scope& s, Operation op, Grads g) {
  return {unary_grad_op(s, "ReciprocalGrad", op.output(0), g[0])};
}

Out exp_grad(const Scope& s, Operation op, Grads g) {
  Scope cs = s.with_control_dependencies({g[0].op()});
  return {ops::operator_mul(cs, g[0], op.output(0))};
}

Out log_grad(const Scope& s, Operation op, Grads g) {
  Scope cs = s.with_control_dependencies({g[0].op()});
  Output r = ops::reciprocal(cs, op.input(0));
  return {ops::operator_mul(cs, g[0], r)};
}

Out sign_grad(const Scope& s, Operation op, Grads) { return {ops::zeros_like(s, op.input(0))}; }

Out sigmoid_grad(const Scope& s, Operation op, Grads g) {
  Scope cs = s.with_control_dependencies({g[0].op()});
  return {ops::sigmoid_grad(cs, op.output(0), g[0])};
}

Out tanh_grad(const Scope& s, Operation op, Grads g) {
  Scope cs = s.with_control_dependencies({g[0].op()});
  return {ops::tanh_grad(cs, op.output(0), g[0])};
}

// ---- Select, Cast, AddN ----

Out select_grad(const Scope& s, Operation op, Grads g) {
  Output c = op.input(0), x = op.input(1), grad = g[0];
  Output zeros = ops::zeros_like(s, x);
  Output gx = ops::select(s, c, grad, zeros);
  Output gy = ops::select(s, c, zeros, grad);
  return {Output(), gx, gy};
}

bool castable(DataType t) {
  return t == DataType::kHalf || t == DataType::kFloat || t == DataType::kDouble ||
         t == DataType::kBFloat16 || t == DataType::kComplex64 || t == DataType::kComplex128;
}

Out cast_grad(const Scope& s, Operation op, Grads g) {
  const DataType src = dt(op.input(0)), dst = dt(g[0]);
  if (castable(src) && castable(dst)) return {ops::cast(s, g[0], src)};
  return {Output()};
}

Out add_n_grad(const Scope&, Operation op, Grads g) {
  return Out(static_cast<size_t>(op.num_inputs()), g[0]);
}

// ---- Reductions ----

// tensor_util.constant_value as TF 1.15 defines it: only subgraphs of Const, Shape, Size,
// Rank, Range, Cast, ConcatV2, Pack, Fill, Identity and StopGradient are folded.
bool tf_constant_foldable(const Output& t, int depth = 0) {
  if (depth > 32) return false;
  const Operation op = t.op();
  const std::string_view type = op.type();
  if (type == "Const") return true;
  if (type == "Shape" || type == "Size" || type == "Rank") return true;
  if (type != "Range" && type != "Cast" && type != "ConcatV2" && type != "Pack" &&
      type != "Fill" && type != "Identity" && type != "StopGradient")
    return false;
  for (int i = 0; i < op.num_inputs(); ++i)
    if (!tf_constant_foldable(op.input(i), depth + 1)) return false;
  return true;
}

std::optional<Tensor> tf_constant_value(const Output& t) {
  if (!tf_constant_foldable(t)) return std::nullopt;
  return ops::constant_value(t);
}

std::vector<int64_t> int_values(const Tensor& t) {
  std::vector<int64_t> v(static_cast<size_t>(t.num_elements()));
  for (int64_t i = 0; i < t.num_elements(); ++i) v[i] = static_cast<int64_t>(t.as_double(i));
  return v;
}

Tensor int_vector(const std::vector<int64_t>& v, DataType t) {
  Tensor out(t, {static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) {
    if (t == DataType::kInt64)
      out.data<int64_t>()[i] = v[i];
    else
      out.data<int32_t>()[i] = static_cast<int32_t>(v[i]);
  }
  return out;
}

// Python's `x % y` on tensors: FloorMod named "mod".
Output floor_mod(const Scope& s, const Output& x, const Output& y) {
  Scope os = s.name_scope("mod");
  const Output ins[] = {x, y};
  const Attr attrs[] = {{"T", dt(x)}};
  return ops::create(os, "FloorMod", os.name_scope_string(), ins, attrs).output(0);
}

// math_ops.cast(<Python tuple>, int32): name_scope "Cast", the tuple converted as `Cast/x`
// (an empty tuple converts to float32) and a Cast op named after the scope when needed.
Output cast_literal_to_int32(const Scope& s, const Tensor& value) {
  Scope cs = s.name_scope("Cast");
  Output x = ops::constant(cs, value, "x");
  if (value.dtype() == DataType::kInt32) return x;
  const Output ins[] = {x};
  const Attr attrs[] = {
      {"SrcT", value.dtype()}, {"DstT", DataType::kInt32}, {"Truncate", false}};
  return ops::create(cs, "Cast", cs.name_scope_string(), ins, attrs).output(0);
}

// TF 1.15's math_ops.reduced_shape once its arguments are int32 tensors:
//   input_rank = size(input_shape); axes = (axes + input_rank) % input_rank
//   dynamic_stitch([range(input_rank), axes], [input_shape, fill(shape(axes), 1)])
// Ops: Size, add, mod, Shape, range/start, range/delta, range, Fill/value, Fill,
// DynamicStitch (Size and Shape are Consts when their input shapes are known).
Output reduced_shape_of_int32(const Scope& s, const Output& input_shape, const Output& axes_in) {
  Output input_rank = ops::size(s, input_shape);
  Output sum = ops::operator_add(s, axes_in, input_rank);
  Output axes = floor_mod(s, sum, input_rank);
  Output axes_shape = ops::shape(s, axes);
  Output r = ops::range(s, 0, input_rank);
  Output ones = ops::fill(s, axes_shape, 1);
  return ops::dynamic_stitch(s, {r, axes}, {input_shape, ones});
}

// math_ops.reduced_shape(input_shape, axes) for tensors (cast(x, int32) is x for int32).
Output reduced_shape(const Scope& s, const Output& input_shape, const Output& axes) {
  Output in = ops::cast(s, input_shape, DataType::kInt32);
  Output ax = ops::cast(s, axes, DataType::kInt32);
  return reduced_shape_of_int32(s, in, ax);
}

// _safe_shape_div(x, y) = x // maximum(y, 1): Maximum/y, Maximum, floordiv.
Output safe_shape_div(const Scope& s, const Input& x, const Output& y) {
  Output m = ops::maximum(s, y, 1);
  return ops::floor_div(s, x, m, "floordiv");
}

// TF's graph._reduced_shape_cache: the (input shape, axes) pairs whose reduced_shape and
// tile scaling _SumGrad already evaluated in a graph. TF builds the reduced_shape ops only on
// the first gradient of a given pair in a graph; later ones just reshape and tile. Keyed by
// the graph's never-reused id; entries are a few integers per (shape, axes) pair.
// TF's graph._reduced_shape_cache: which (input shape, axes) pairs already had their
// reduced_shape ops built in this graph.
struct ReducedShapeKeys {
  std::mutex mu;
  std::unordered_set<std::string> seen;
  // True the first time `key` is seen.
  bool first_use(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu);
    return seen.insert(key).second;
  }
};

// _SumGrad's result for reduction op `op` (Sum or Mean), TF 1.15 graph mode:
// - axes == range(rank) (the same 1-D vector): Reshape to [1]*rank (`Reshape/shape`), Tile by a
//   Const of the input shape (`Const`) or by `Shape`;
// - input shape fully defined, other constant axes: on the graph's first gradient of that
//   (shape, axes) pair, reduced_shape and _safe_shape_div on the Python tuples (Cast/x,
//   Cast_1/x, Size, add, mod, Shape, range, Fill, DynamicStitch, Maximum/x, Maximum/y,
//   Maximum, floordiv/x, floordiv: evaluated by TF, left in the graph); then Reshape and Tile
//   by Consts (`Reshape/shape`, `Tile/multiples`);
// - otherwise Shape, then (colocated with it) reduced_shape and _safe_shape_div, Reshape, Tile.
Output sum_grad_value(const Scope& s, Operation op, const Output& grad_in) {
  Output input = op.input(0);
  const PartialShape in_shape = input.shape();
  Output grad = grad_in;
  if (in_shape.known_rank()) {
    if (auto axes_t = tf_constant_value(op.input(1))) {
      const int rank = in_shape.rank();
      const std::vector<int64_t> axes = int_values(*axes_t);
      bool all = axes_t->shape().size() == 1 && static_cast<int>(axes.size()) == rank;
      for (size_t i = 0; all && i < axes.size(); ++i) all = axes[i] == static_cast<int64_t>(i);
      if (all) {
        std::vector<int64_t> ones(static_cast<size_t>(rank), 1);
        grad = ops::reshape(s, grad, Tensor(int32_vector(ones)));
        Output input_shape;
        if (in_shape.fully_defined())
          input_shape = ops::constant(s, int32_vector(dims_of(in_shape)), "Const");
        else
          input_shape = ops::shape(s, input);
        return ops::tile(s, grad, input_shape);
      }
      if (in_shape.fully_defined()) {
        const std::vector<int64_t> dims = dims_of(in_shape);
        std::vector<int64_t> kept = dims, tile(dims.size(), 1);
        for (int64_t a : axes) {
          const int64_t k = ((a % rank) + rank) % rank;
          kept[static_cast<size_t>(k)] = 1;
        }
        for (size_t i = 0; i < kept.size(); ++i) tile[i] = dims[i] / std::max<int64_t>(kept[i], 1);
        const std::string key = fmt::format("{}|{}:{}", fmt::join(dims, ","),
                                            dtype_name(axes_t->dtype()), fmt::join(axes, ","));
        if (s.graph().extension<ReducedShapeKeys>("train/reduced_shape_cache").first_use(key)) {
          // tuple(axes.reshape(-1)) keeps the Const's dtype; () converts to float32.
          Tensor axes_lit = axes.empty() ? Tensor(DataType::kFloat, {0})
                                         : int_vector(axes, axes_t->dtype());
          Output shape_in = cast_literal_to_int32(s, Tensor(int32_vector(dims)));
          Output axes_in = cast_literal_to_int32(s, axes_lit);
          (void)reduced_shape_of_int32(s, shape_in, axes_in);
          Output m = ops::maximum(s, Tensor(int32_vector(kept)), 1);
          (void)ops::floor_div(s, Tensor(int32_vector(dims)), m, "floordiv");
        }
        grad = ops::reshape(s, grad, Tensor(int32_vector(kept)));
        return ops::tile(s, grad, Tensor(int32_vector(tile)));
      }
    }
  }
  Output input_shape = ops::shape(s, input);
  Output kept, tile_scaling;
  {
    Scope cs = s.colocate_with(input_shape.op());
    kept = reduced_shape(cs, input_shape, op.input(1));
    tile_scaling = safe_shape_div(cs, input_shape, kept);
  }
  grad = ops::reshape(s, grad, kept);
  return ops::tile(s, grad, tile_scaling);
}

Out sum_grad(const Scope& s, Operation op, Grads g) {
  return {sum_grad_value(s, op, g[0]), Output()};
}

Out mean_grad(const Scope& s, Operation op, Grads g) {
  Output sum_grad = sum_grad_value(s, op, g[0]);
  const PartialShape in = op.input(0).shape(), out = op.output(0).shape();
  Output factor;
  if (in.fully_defined() && out.fully_defined()) {
    const int64_t f = in.num_elements() / std::max<int64_t>(out.num_elements(), 1);
    factor = const_of(s, static_cast<double>(f), dt(sum_grad));
  } else {
    Output is = ops::shape(s, op.input(0));
    Output os = ops::shape(s, op.output(0));
    Output pi = ops::reduce_prod(s, is);
    Output po = ops::reduce_prod(s, os);
    factor = safe_shape_div(s, pi, po);
  }
  // math_ops.truediv(sum_grad, cast(factor, dtype)).
  Output cf = ops::cast(s, factor, dt(sum_grad));
  Scope ts = s.name_scope("truediv");
  const Output ins[] = {sum_grad, cf};
  const Attr attrs[] = {{"T", dt(sum_grad)}};
  return {ops::create(ts, "RealDiv", ts.name_scope_string(), ins, attrs).output(0), Output()};
}

// TF 1.15's _MinOrMaxGrad (no keep_dims shortcut in 1.15): Shape, reduced_shape, Reshape (y),
// Reshape_1 (grad), Equal, Cast, Sum, Reshape_2, truediv, mul.
Out min_or_max_grad(const Scope& s, Operation op, Grads g) {
  Output input = op.input(0);
  Output input_shape = ops::shape(s, input);
  Output kept = reduced_shape(s, input_shape, op.input(1));
  Output y = ops::reshape(s, op.output(0), kept);
  Output grad = ops::reshape(s, g[0], kept);
  Output eq = ops::equal(s, y, input);
  Output indicators = ops::cast(s, eq, dt(grad));
  Output sum = ops::reduction(s, "Sum", indicators, op.input(1));
  Output num_selected = ops::reshape(s, sum, kept);
  Output d = ops::operator_truediv(s, indicators, num_selected);
  return {ops::operator_mul(s, d, grad), Output()};
}

// reshape(t, (a, b)) with two scalar tensors: the tuple is auto-packed inside the op's scope
// (`Reshape/shape`, a Pack), as op_def_library converts it.
Output reshape_to_pair(const Scope& s, const Output& t, const Output& a, const Output& b) {
  Scope rs = s.name_scope("Reshape");
  Output shape = ops::stack(rs, {a, b}, 0, "shape");
  const Output ins[] = {t, shape};
  const Attr attrs[] = {{"T", dt(t)}, {"Tshape", dt(shape)}};
  return ops::create(rs, "Reshape", rs.name_scope_string(), ins, attrs).output(0);
}

// TF 1.15's _ProdGrad: the product of everything but each entry, as the product of an
// exclusive cumprod from the left and one from the right over the reduced dimensions packed
// into one (no division, so zeros are fine). The index bookkeeping runs under
// ops.device("/cpu:0") as TF places it.
Out prod_grad(const Scope& s, Operation op, Grads g) {
  Output x = op.input(0);
  Output input_shape = ops::shape(s, x);
  Output reduction_indices = ops::reshape(s, op.input(1), Tensor::vector<int32_t>({-1}));
  Output kept = reduced_shape(s, input_shape, op.input(1));
  Output tile_scaling = safe_shape_div(s, input_shape, kept);
  Output grad = ops::reshape(s, g[0], kept);
  grad = ops::tile(s, grad, tile_scaling);
  Output perm, reduced_num, other_num;
  {
    Scope cpu = s.with_device("/cpu:0");
    Output rank = ops::rank(cpu, x);
    Output sum = ops::operator_add(cpu, reduction_indices, rank);
    Output ri = floor_mod(cpu, sum, rank);
    Output reduced = ops::cast(cpu, ri, DataType::kInt32);
    Output idx = ops::range(cpu, 0, rank);
    Output other = ops::setdiff1d(cpu, idx, reduced).first;
    perm = ops::concat(cpu, {reduced, other}, 0);
    reduced_num = ops::reduce_prod(cpu, ops::gather(cpu, input_shape, reduced));
    other_num = ops::reduce_prod(cpu, ops::gather(cpu, input_shape, other));
  }
  Output permuted = ops::transpose(s, x, perm);
  Output permuted_shape = ops::shape(s, permuted);
  Output reshaped = reshape_to_pair(s, permuted, reduced_num, other_num);
  Output left = ops::cumprod(s, reshaped, 0, /*exclusive=*/true, /*reverse=*/false);
  Output right = ops::cumprod(s, reshaped, 0, /*exclusive=*/true, /*reverse=*/true);
  // math_ops.conj returns real tensors unchanged.
  Output y = ops::reshape(s, ops::operator_mul(s, left, right), permuted_shape);
  Output inv = ops::invert_permutation(s, perm);
  Output out = ops::operator_mul(s, grad, ops::transpose(s, y, inv));
  return {ops::reshape(s, out, input_shape), Output()};
}

// TF 1.15's _CumsumGrad: cumsum(grad, axis, exclusive, reverse=not reverse).
Out cumsum_grad(const Scope& s, Operation op, Grads g) {
  const bool exclusive = runtime::attr_bool(op, "exclusive");
  const bool reverse = runtime::attr_bool(op, "reverse");
  return {ops::cumsum(s, g[0], op.input(1), exclusive, !reverse), Output()};
}

// TF 1.15's _CumprodGrad: cumsum(cumprod(x) * grad, reverse=not reverse) / x (as in TF, not
// defined where x has zeros).
Out cumprod_grad(const Scope& s, Operation op, Grads g) {
  Output x = op.input(0), axis = op.input(1);
  const bool exclusive = runtime::attr_bool(op, "exclusive");
  const bool reverse = runtime::attr_bool(op, "reverse");
  Output prod = ops::cumprod(s, x, axis, exclusive, reverse);
  Output m = ops::operator_mul(s, prod, g[0]);
  Output out = ops::cumsum(s, m, axis, exclusive, !reverse);
  return {ops::operator_truediv(s, out, x), Output()};
}

// ---- Matrix products ----

Out matmul_grad(const Scope& s, Operation op, Grads g) {
  auto flag = [&](const char* k) {
    auto v = op.attr(k);
    return v && std::get<bool>(*v);
  };
  const bool ta = flag("transpose_a"), tb = flag("transpose_b");
  Output a = op.input(0), b = op.input(1), grad = g[0];
  Output ga, gb;
  if (!ta && !tb) {
    ga = mat_mul(s, grad, b, false, true);
    gb = mat_mul(s, a, grad, true, false);
  } else if (!ta && tb) {
    ga = mat_mul(s, grad, b, false, false);
    gb = mat_mul(s, grad, a, true, false);
  } else if (ta && !tb) {
    ga = mat_mul(s, b, grad, false, true);
    gb = mat_mul(s, a, grad, false, false);
  } else {
    ga = mat_mul(s, b, grad, true, true);
    gb = mat_mul(s, grad, a, true, true);
  }
  return {ga, gb};
}

Out batch_matmul_v2_grad(const Scope& s, Operation op, Grads g) {
  auto flag = [&](const char* k) {
    auto v = op.attr(k);
    return v && std::get<bool>(*v);
  };
  const bool ax = flag("adj_x"), ay = flag("adj_y");
  Output x = op.input(0), y = op.input(1), grad = g[0];
  Output gx, gy;
  if (!ax) {
    if (!ay) {
      gx = ops::matmul(s, grad, y, false, true);
      gy = ops::matmul(s, x, grad, true, false);
    } else {
      gx = ops::matmul(s, grad, y, false, false);
      gy = ops::matmul(s, grad, x, true, false);
    }
  } else {
    if (!ay) {
      gx = ops::matmul(s, y, grad, false, true);
      gy = ops::matmul(s, x, grad, false, false);
    } else {
      gx = ops::matmul(s, y, grad, true, true);
      gy = ops::matmul(s, grad, x, true, true);
    }
  }
  const PartialShape sxs = x.shape(), sys = y.shape();
  if (!(sxs.fully_defined() && sys.fully_defined() && sxs == sys)) {
    Output sx = ops::shape(s, x), sy = ops::shape(s, y);
    using ops::SliceItem;
    Output bx = ops::strided_slice_from_spec(s, sx, {SliceItem::slice(std::nullopt, -2)});
    Output by = ops::strided_slice_from_spec(s, sy, {SliceItem::slice(std::nullopt, -2)});
    auto [rx, ry] = ops::broadcast_gradient_args(s, bx, by);
    gx = sum_reshape(s, gx, rx, sx);
    gy = sum_reshape(s, gy, ry, sy);
  }
  return {gx, gy};
}

// ---- SqrtGrad / RsqrtGrad / ReciprocalGrad ops (registered with the built-in ops below) ----

void merge_both_shape(ShapeContext& c) {
  c.set_output(0, c.input_dtype(0), c.merge(c.input_shape(0), c.input_shape(1)));
}

template <int kKind>  // 0 SqrtGrad, 1 RsqrtGrad, 2 ReciprocalGrad
void unary_grad_kernel(runtime::KernelContext& ctx) {
  const Tensor& y = ctx.input(0);
  const Tensor& dy = ctx.input(1);
  static constexpr const char* kNames[] = {"SqrtGrad", "RsqrtGrad", "ReciprocalGrad"};
  if (y.shape() != dy.shape())
    runtime::fail(Code::kInvalidArgument,
                  fmt::format("Incompatible shapes: {} vs. {}", runtime::shape_string(y.shape()),
                              runtime::shape_string(dy.shape())));
  Tensor& out = ctx.allocate_output(0, y.dtype(), y.shape());
  runtime::dispatch(y.dtype(), kNames[kKind], [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      const T* a = y.data<T>();
      const T* d = dy.data<T>();
      T* o = out.data<T>();
      for (int64_t i = 0; i < y.num_elements(); ++i) {
        if constexpr (kKind == 0) o[i] = d[i] * T(0.5) / a[i];
        if constexpr (kKind == 1) o[i] = d[i] * T(-0.5) * a[i] * a[i] * a[i];
        if constexpr (kKind == 2) o[i] = -d[i] * a[i] * a[i];
      }
    } else {
      runtime::fail(Code::kInvalidArgument,
                    std::string("No OpKernel was registered to support Op '") + kNames[kKind] +
                        "' with dtype " + dtype_name(y.dtype()));
    }
  });
}

}  // namespace

void register_math_gradients() {

  register_gradient("Add", &add_grad);
  register_gradient("AddV2", &add_grad);
  register_gradient("Sub", &sub_grad);
  register_gradient("Mul", &mul_grad);
  register_gradient("RealDiv", &div_like_grad<&realdiv_fn>);
  register_gradient("Div", &div_like_grad<&truediv_fn>);
  register_gradient("DivNoNan", &div_like_grad<&div_no_nan_fn>);
  register_gradient("FloorDiv", &none2_grad);
  register_gradient("Pow", &pow_grad);
  register_gradient("Maximum", &max_min_grad<true>);
  register_gradient("Minimum", &max_min_grad<false>);
  register_gradient("SquaredDifference", &squared_difference_grad);
  register_gradient("Neg", &neg_grad);
  register_gradient("Abs", &abs_grad);
  register_gradient("Square", &square_grad);
  register_gradient("Sqrt", &sqrt_grad);
  register_gradient("Rsqrt", &rsqrt_grad);
  register_gradient("Exp", &exp_grad);
  register_gradient("Log", &log_grad);
  register_gradient("Reciprocal", &reciprocal_grad);
  register_gradient("Sign", &sign_grad);
  register_gradient("Sigmoid", &sigmoid_grad);
  register_gradient("Tanh", &tanh_grad);
  register_gradient("Select", &select_grad);
  register_gradient("Cast", &cast_grad);
  register_gradient("AddN", &add_n_grad);
  register_gradient("Sum", &sum_grad);
  register_gradient("Mean", &mean_grad);
  register_gradient("Max", &min_or_max_grad);
  register_gradient("Min", &min_or_max_grad);
  register_gradient("Prod", &prod_grad);
  register_gradient("Cumsum", &cumsum_grad);
  register_gradient("Cumprod", &cumprod_grad);
  register_gradient("MatMul", &matmul_grad);
  register_gradient("BatchMatMulV2", &batch_matmul_v2_grad);
  register_gradient("ArgMax", &none2_grad);
  register_gradient("ArgMin", &none2_grad);

  for (const char* t : {"Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual",
                        "LogicalAnd", "LogicalOr", "LogicalNot", "RandomUniform",
                        "RandomStandardNormal", "TruncatedNormal", "RandomUniformInt"})
    register_not_differentiable(t);
}

}  // namespace scopeflow::train::internal

namespace scopeflow::internal {
void register_math_gradient_support_ops() {
  for (const char* t : {"SqrtGrad", "RsqrtGrad", "ReciprocalGrad"})
    register_op({t, &scopeflow::train::internal::merge_both_shape});
}
}  // namespace scopeflow::internal

namespace scopeflow::runtime::internal {
void register_math_gradient_support_kernels() {
  using scopeflow::train::internal::unary_grad_kernel;
  register_kernel_fn("SqrtGrad", &unary_grad_kernel<0>);
  register_kernel_fn("RsqrtGrad", &unary_grad_kernel<1>);
  register_kernel_fn("ReciprocalGrad", &unary_grad_kernel<2>);
}
}  // namespace scopeflow::runtime::internal
