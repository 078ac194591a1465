// Gradient functions of the math ops, named as TF 1.15's math_grad.py builds them.
//
// Notes on fidelity (TF 1.15 graph mode):
// - Add/AddV2/Sub/Mul take TF's fast path when x, y and grad have the same fully defined
//   shape (_ShapesFullySpecifiedAndEqual): Add returns grad twice, Sub grad and Neg, Mul (for
//   float32/int32 only, as TF) `Mul`, `Mul_1`. Otherwise: Shape, Shape_1,
//   BroadcastGradientArgs, then Sum/Reshape per input. TF 1.4 (the packt golden graph) always
//   took the broadcasting path; shapes fold to Consts as array_ops.shape(optimize=True) does.
// - Sum: TF's reduce-all fast path (Reshape of `[1]*rank`, Tile by a Const or a Shape), and for
//   a fully known input shape with constant axes the statically computed kept-dims/tile
//   multiples (Reshape/shape, Tile/multiples Consts). Any other Sum/Mean/Max/Min needs TF's
//   reduced_shape (DynamicStitch, not an op here) and throws kUnimplemented.
// - Max/Min: TF builds reduced_shape with DynamicStitch; here the kept-dims shape is a Const
//   (`Const`) computed statically, so those node names differ from TF's.
// - Sqrt, Rsqrt and Reciprocal use the SqrtGrad/RsqrtGrad/ReciprocalGrad ops, which this file
//   registers (op + CPU kernel) until math_ops.cc / math_kernels.cc provide them.
#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string>
#include <type_traits>
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

// The constant axes of a reduction, normalized to [0, rank), or nullopt.
std::optional<std::vector<int64_t>> const_axes(const Output& axes_t, int rank) {
  const Output ins[] = {axes_t};
  ShapeContext c("", "", ins, {});
  auto v = c.input_ints(0);
  if (!v) return std::nullopt;
  for (int64_t& a : *v)
    if (a < 0) a += rank;
  return v;
}

// _SumGrad's result for reduction op `op` (Sum or Mean).
Output sum_grad_value(const Scope& s, Operation op, const Output& grad_in) {
  Output input = op.input(0);
  const PartialShape in_shape = input.shape();
  Output grad = grad_in;
  if (in_shape.known_rank()) {
    const int rank = in_shape.rank();
    if (auto axes = const_axes(op.input(1), rank)) {
      bool all = static_cast<int>(axes->size()) == rank;
      for (size_t i = 0; all && i < axes->size(); ++i)
        all = (*axes)[i] == static_cast<int64_t>(i);
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
        // reduced_shape and _safe_shape_div evaluated statically.
        std::vector<int64_t> kept = dims_of(in_shape), tile(static_cast<size_t>(rank), 1);
        for (int64_t a : *axes) kept[static_cast<size_t>(a)] = 1;
        for (size_t i = 0; i < kept.size(); ++i)
          tile[i] = in_shape.dims()[i] / std::max<int64_t>(kept[i], 1);
        grad = ops::reshape(s, grad, Tensor(int32_vector(kept)));
        return ops::tile(s, grad, Tensor(int32_vector(tile)));
      }
    }
  }
  throw Error(Code::kUnimplemented,
              fmt::format("Gradient of {} '{}' needs a statically known input shape and axes "
                          "(TF's reduced_shape uses DynamicStitch)",
                          op.type(), op.name()));
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
    Output mx = ops::maximum(s, po, 1);
    factor = ops::floor_div(s, pi, mx, "floordiv");
  }
  // math_ops.truediv(sum_grad, cast(factor, dtype)).
  Output cf = ops::cast(s, factor, dt(sum_grad));
  Scope ts = s.name_scope("truediv");
  const Output ins[] = {sum_grad, cf};
  const Attr attrs[] = {{"T", dt(sum_grad)}};
  return {ops::create(ts, "RealDiv", ts.name_scope_string(), ins, attrs).output(0), Output()};
}

Out min_or_max_grad(const Scope& s, Operation op, Grads g) {
  Output input = op.input(0), grad = g[0];
  const PartialShape in_shape = input.shape();
  const bool keep = op.attr("keep_dims") && std::get<bool>(*op.attr("keep_dims"));
  Output y = op.output(0);
  Output kept_shape;
  Output input_shape = ops::shape(s, input);
  (void)input_shape;
  if (!keep) {
    std::optional<std::vector<int64_t>> axes;
    if (in_shape.fully_defined()) axes = const_axes(op.input(1), in_shape.rank());
    if (!axes)
      throw Error(Code::kUnimplemented,
                  fmt::format("Gradient of {} '{}' needs a statically known input shape and "
                              "axes (TF's reduced_shape uses DynamicStitch)",
                              op.type(), op.name()));
    std::vector<int64_t> kept = dims_of(in_shape);
    for (int64_t a : *axes) kept[static_cast<size_t>(a)] = 1;
    kept_shape = ops::constant(s, int32_vector(kept), "Const");
    y = ops::reshape(s, y, kept_shape);
    grad = ops::reshape(s, grad, kept_shape);
  } else {
    kept_shape = ops::shape(s, y);
  }
  Output eq = ops::equal(s, y, input);
  Output indicators = ops::cast(s, eq, dt(grad));
  Output num_selected =
      ops::reshape(s, ops::reduction(s, "Sum", indicators, op.input(1)), kept_shape);
  Output d = ops::operator_truediv(s, indicators, num_selected);
  return {ops::operator_mul(s, d, grad), Output()};
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
