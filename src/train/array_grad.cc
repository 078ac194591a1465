// Gradient functions of the array ops, named as TF 1.15's array_grad.py builds them, and the
// ops those functions need that the engine did not have (registered here with their shape
// functions and CPU kernels, each only when no other family registered it): ShapeN,
// ConcatOffset, Pad, StridedSliceGrad, InvertPermutation, UnsortedSegmentSum, PreventGradient
// and FloorMod (the `%` of _ConcatGradHelper).
#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "../runtime/kernels/array_strided_slice.h"
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

using runtime::fail;
using runtime::KernelContext;
using runtime::shape_string;

int64_t int_at(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DataType::kInt32:
      return t.data<int32_t>()[i];
    case DataType::kInt64:
      return t.data<int64_t>()[i];
    default:
      return static_cast<int64_t>(t.as_double(i));
  }
}

void set_int(Tensor& t, int64_t i, int64_t v) {
  if (t.dtype() == DataType::kInt64)
    t.data<int64_t>()[i] = v;
  else
    t.data<int32_t>()[i] = static_cast<int32_t>(v);
}

std::vector<int64_t> row_major_strides(std::span<const int64_t> shape) {
  std::vector<int64_t> st(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    st[d] = st[d + 1] * shape[d + 1];
  return st;
}

void require_numeric(DataType t, std::string_view op) {
  if (t == DataType::kString)
    fail(Code::kInvalidArgument,
         fmt::format("No OpKernel was registered to support Op '{}' with dtype string", op));
}

// ---- Shape functions ----

void shape_n_shape(ShapeContext& c) {
  const DataType out = c.attr_type("out_type", DataType::kInt32);
  for (int i = 0; i < c.num_inputs(); ++i) {
    const PartialShape s = c.input_shape(i);
    c.set_output(i, out, PartialShape({s.known_rank() ? int64_t{s.rank()} : int64_t{-1}}));
  }
}

void concat_offset_shape(ShapeContext& c) {
  c.with_rank(c.input_shape(0), 0);
  for (int i = 1; i < c.num_inputs(); ++i)
    c.set_output(i - 1, DataType::kInt32, c.with_rank(c.input_shape(i), 1));
}

void pad_shape(ShapeContext& c) {
  const PartialShape in = c.input_shape(0);
  const DataType t = c.input_dtype(0);
  const PartialShape p = c.with_rank(c.input_shape(1), 2);
  int rank = in.known_rank() ? in.rank() : -1;
  if (rank < 0 && p.known_rank() && p.dim(0) >= 0) rank = static_cast<int>(p.dim(0));
  if (rank < 0) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  auto pads = c.input_ints(1);
  PartialShape::Dims d(rank, -1);
  if (pads && static_cast<int>(pads->size()) == 2 * rank) {
    for (int i = 0; i < rank; ++i) {
      const int64_t before = (*pads)[2 * i], after = (*pads)[2 * i + 1];
      if (before < 0 || after < 0)
        c.fail(fmt::format("Paddings must be non-negative: {} {}", before, after));
      if (in.known_rank() && in.dim(i) >= 0) d[i] = in.dim(i) + before + after;
    }
  }
  c.set_output(0, t, PartialShape(std::move(d)));
}

void strided_slice_grad_shape(ShapeContext& c) {
  c.set_output(0, c.input_dtype(4), c.input_as_shape(0));
}

void same_shape(ShapeContext& c) { c.set_output(0, c.input_dtype(0), c.input_shape(0)); }

void unsorted_segment_sum_shape(ShapeContext& c) {
  const PartialShape data = c.input_shape(0);
  const PartialShape ids = c.input_shape(1);
  const DataType t = c.input_dtype(0);
  auto n = c.input_ints(2);
  const int64_t num = n && n->size() == 1 ? (*n)[0] : -1;
  if (!data.known_rank() || !ids.known_rank()) {
    c.set_output(0, t, PartialShape::unknown());
    return;
  }
  PartialShape::Dims d;
  d.push_back(num);
  for (int i = ids.rank(); i < data.rank(); ++i) d.push_back(data.dim(i));
  c.set_output(0, t, PartialShape(std::move(d)));
}

void floor_mod_shape(ShapeContext& c) {
  c.set_output(0, c.input_dtype(0), c.broadcast(c.input_shape(0), c.input_shape(1)));
}

// ---- Kernels ----

void shape_n_kernel(KernelContext& ctx) {
  const DataType out = runtime::attr_type(ctx.op(), "out_type");
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const auto& s = ctx.input(i).shape();
    Tensor& o = ctx.allocate_output(i, out == DataType::kInvalid ? DataType::kInt32 : out,
                                    {static_cast<int64_t>(s.size())});
    for (size_t k = 0; k < s.size(); ++k) set_int(o, static_cast<int64_t>(k), s[k]);
  }
}

void concat_offset_kernel(KernelContext& ctx) {
  const Tensor& dim_t = ctx.input(0);
  if (dim_t.num_elements() != 1)
    fail(Code::kInvalidArgument, fmt::format("Concat dim tensor should be a scalar integer, but "
                                             "got shape {}",
                                             shape_string(dim_t.shape())));
  const int n = ctx.num_inputs() - 1;
  const Tensor& first = ctx.input(1);
  const int64_t rank = first.num_elements();
  int64_t axis = int_at(dim_t, 0);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank)
    fail(Code::kInvalidArgument,
         fmt::format("Concat dim is out of range: {} vs. {}", int_at(dim_t, 0), rank));
  int64_t offset = 0;
  for (int i = 0; i < n; ++i) {
    const Tensor& s = ctx.input(1 + i);
    if (s.num_elements() != rank)
      fail(Code::kInvalidArgument,
           fmt::format("input {} should contain {} elements, but got {}", i, rank,
                       s.num_elements()));
    Tensor& o = ctx.allocate_output(i, DataType::kInt32, {rank});
    for (int64_t k = 0; k < rank; ++k) {
      if (k == axis) {
        o.data<int32_t>()[k] = static_cast<int32_t>(offset);
        offset += int_at(s, k);
      } else {
        if (int_at(s, k) != int_at(first, k))
          fail(Code::kInvalidArgument,
               fmt::format("All dimensions except {} must match. Input {} has shape [{}] and "
                           "doesn't match input 0 with shape [{}].",
                           axis, i, fmt::join(std::span(s.data<int32_t>(), rank), " "),
                           fmt::join(std::span(first.data<int32_t>(), rank), " ")));
        o.data<int32_t>()[k] = 0;
      }
    }
  }
}

void pad_kernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& pads = ctx.input(1);
  require_numeric(in.dtype(), "Pad");
  const auto& s = in.shape();
  const int64_t rank = static_cast<int64_t>(s.size());
  if (pads.shape().size() != 2 || pads.shape()[0] != rank || pads.shape()[1] != 2)
    fail(Code::kInvalidArgument,
         fmt::format("The first dimension of paddings must be the rank of inputs[{},2] {}",
                     rank, shape_string(pads.shape())));
  std::vector<int64_t> out_shape(rank), before(rank);
  for (int64_t d = 0; d < rank; ++d) {
    before[d] = int_at(pads, 2 * d);
    const int64_t after = int_at(pads, 2 * d + 1);
    if (before[d] < 0 || after < 0)
      fail(Code::kInvalidArgument,
           fmt::format("Paddings must be non-negative: {} {}", before[d], after));
    out_shape[d] = s[d] + before[d] + after;
  }
  Tensor& o = ctx.allocate_output(0, in.dtype(), out_shape);
  if (o.byte_size()) std::memset(o.raw(), 0, o.byte_size());
  const int64_t n = in.num_elements();
  if (n == 0) return;
  const size_t es = static_cast<size_t>(dtype_size(in.dtype()));
  const std::vector<int64_t> ost = row_major_strides(out_shape);
  std::vector<int64_t> idx(rank, 0);
  const char* src = static_cast<const char*>(in.raw());
  char* dst = static_cast<char*>(o.raw());
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d) off += (idx[d] + before[d]) * ost[d];
    std::memcpy(dst + off * es, src + i * es, es);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < s[d]) break;
      idx[d] = 0;
    }
  }
}

class StridedSliceGradKernel : public runtime::OpKernel {
 public:
  explicit StridedSliceGradKernel(Operation op)
      : masks_{runtime::attr_int(op, "begin_mask"), runtime::attr_int(op, "end_mask"),
               runtime::attr_int(op, "ellipsis_mask"), runtime::attr_int(op, "new_axis_mask"),
               runtime::attr_int(op, "shrink_axis_mask")} {}
  void compute(KernelContext& ctx) override {
    const Tensor& shape_t = ctx.input(0);
    const Tensor& b = ctx.input(1);
    const Tensor& e = ctx.input(2);
    const Tensor& st = ctx.input(3);
    const Tensor& dy = ctx.input(4);
    require_numeric(dy.dtype(), "StridedSliceGrad");
    if (shape_t.shape().size() != 1)
      fail(Code::kInvalidArgument, fmt::format("shape must be 1-D, got {}",
                                               shape_string(shape_t.shape())));
    std::vector<int64_t> shape(shape_t.num_elements());
    for (int64_t i = 0; i < shape_t.num_elements(); ++i) shape[i] = int_at(shape_t, i);
    if (b.shape().size() != 1 || e.shape().size() != 1 || st.shape().size() != 1 ||
        b.num_elements() != e.num_elements() || b.num_elements() != st.num_elements())
      fail(Code::kInvalidArgument,
           fmt::format("Expected begin, end, and strides to be 1D equal size tensors, but got "
                       "shapes {}, {}, and {} instead.",
                       shape_string(b.shape()), shape_string(e.shape()),
                       shape_string(st.shape())));
    const int64_t n = b.num_elements();
    std::vector<int64_t> begin(n), end(n), strides(n);
    for (int64_t i = 0; i < n; ++i) {
      begin[i] = int_at(b, i);
      end[i] = int_at(e, i);
      strides[i] = int_at(st, i);
    }
    scopeflow::internal::StridedSliceDense dense;
    std::string err =
        scopeflow::internal::validate_strided_slice(&begin, &end, strides, shape, masks_, &dense);
    if (!err.empty()) fail(Code::kInvalidArgument, err);
    if (dense.final_shape != dy.shape())
      fail(Code::kInvalidArgument,
           fmt::format("shape of dy was {} instead of {}", shape_string(dy.shape()),
                       shape_string(dense.final_shape)));
    Tensor& o = ctx.allocate_output(0, dy.dtype(), shape);
    if (o.byte_size()) std::memset(o.raw(), 0, o.byte_size());
    const int64_t count = dy.num_elements();
    if (count == 0) return;
    const int64_t rank = static_cast<int64_t>(shape.size());
    const std::vector<int64_t> ost = row_major_strides(shape);
    const auto& ps = dense.processing_shape;
    std::vector<int64_t> idx(rank, 0);
    const size_t es = static_cast<size_t>(dtype_size(dy.dtype()));
    const char* src = static_cast<const char*>(dy.raw());
    char* dst = static_cast<char*>(o.raw());
    for (int64_t i = 0; i < count; ++i) {
      int64_t off = 0;
      for (int64_t d = 0; d < rank; ++d) off += (dense.begin[d] + idx[d] * dense.strides[d]) * ost[d];
      std::memcpy(dst + off * es, src + i * es, es);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++idx[d] < ps[d]) break;
        idx[d] = 0;
      }
    }
  }

 private:
  scopeflow::internal::StridedSliceMaskAttrs masks_;
};

void invert_permutation_kernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  if (in.shape().size() != 1)
    fail(Code::kInvalidArgument,
         fmt::format("invert_permutation expects a 1D vector. ({})", shape_string(in.shape())));
  const int64_t n = in.num_elements();
  Tensor& o = ctx.allocate_output(0, in.dtype(), {n});
  std::vector<bool> seen(static_cast<size_t>(n), false);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t d = int_at(in, i);
    if (d < 0 || d >= n)
      fail(Code::kInvalidArgument, fmt::format("{} is not between 0 and {}", d, n));
    if (seen[d]) fail(Code::kInvalidArgument, fmt::format("{} is duplicated in the input.", d));
    seen[d] = true;
    set_int(o, d, i);
  }
}

void unsorted_segment_sum_kernel(KernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  const Tensor& ids = ctx.input(1);
  const Tensor& num_t = ctx.input(2);
  if (num_t.num_elements() != 1)
    fail(Code::kInvalidArgument, fmt::format("num_segments should be a scalar, not shape {}",
                                             shape_string(num_t.shape())));
  const int64_t num = int_at(num_t, 0);
  const auto& ds = data.shape();
  const auto& is = ids.shape();
  bool prefix = is.size() <= ds.size();
  for (size_t i = 0; prefix && i < is.size(); ++i) prefix = is[i] == ds[i];
  if (!prefix)
    fail(Code::kInvalidArgument,
         fmt::format("data.shape = {} does not start with segment_ids.shape = {}",
                     shape_string(ds), shape_string(is)));
  std::vector<int64_t> out_shape = {num};
  for (size_t i = is.size(); i < ds.size(); ++i) out_shape.push_back(ds[i]);
  const int64_t n_ids = ids.num_elements();
  int64_t inner = 1;
  for (size_t i = is.size(); i < ds.size(); ++i) inner *= ds[i];
  runtime::dispatch(data.dtype(), "UnsortedSegmentSum", [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      fail(Code::kInvalidArgument,
           "No OpKernel was registered to support Op 'UnsortedSegmentSum' with dtype bool");
    } else {
      Tensor& o = ctx.allocate_output(0, data.dtype(), out_shape);
      T* out = o.data<T>();
      for (int64_t k = 0; k < o.num_elements(); ++k) out[k] = T{};
      const T* in = data.data<T>();
      for (int64_t i = 0; i < n_ids; ++i) {
        const int64_t id = int_at(ids, i);
        if (id < 0) continue;
        if (id >= num)
          fail(Code::kInvalidArgument,
               fmt::format("segment_ids[{}] = {} is out of range [0, {})", i, id, num));
        for (int64_t k = 0; k < inner; ++k) out[id * inner + k] += in[i * inner + k];
      }
    }
  });
}

void prevent_gradient_kernel(KernelContext& ctx) { ctx.set_output(0, ctx.input(0)); }

// FloorMod for equal shapes or a scalar operand (what the gradient code builds).
void floor_mod_kernel(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& y = ctx.input(1);
  const bool xs = x.num_elements() == 1 && x.shape().empty();
  const bool ys = y.num_elements() == 1 && y.shape().empty();
  if (!(x.shape() == y.shape() || xs || ys))
    fail(Code::kInvalidArgument, fmt::format("Incompatible shapes: {} vs. {}",
                                             shape_string(x.shape()), shape_string(y.shape())));
  const std::vector<int64_t> shape = xs ? y.shape() : x.shape();
  runtime::dispatch(x.dtype(), "FloorMod", [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      fail(Code::kInvalidArgument,
           "No OpKernel was registered to support Op 'FloorMod' with dtype bool");
    } else {
      Tensor& o = ctx.allocate_output(0, x.dtype(), shape);
      const int64_t n = o.num_elements();
      for (int64_t i = 0; i < n; ++i) {
        const T a = x.data<T>()[xs ? 0 : i];
        const T b = y.data<T>()[ys ? 0 : i];
        if constexpr (std::is_floating_point_v<T>) {
          T r = std::fmod(a, b);
          if (r != 0 && ((r < 0) != (b < 0))) r += b;
          o.data<T>()[i] = r;
        } else {
          if (b == 0) fail(Code::kInvalidArgument, "Integer division by zero");
          T r = static_cast<T>(a % b);
          if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
          o.data<T>()[i] = r;
        }
      }
    }
  });
}


// ---- Gradient functions ----

// TF's _ReshapeToInput: reshape(grad, shape(op.inputs[0])).
Output reshape_to_input(const Scope& s, Operation op, const Output& grad) {
  return ops::reshape(s, grad, ops::shape(s, op.input(0)));
}

std::vector<Output> identity_grad(const Scope&, Operation, std::span<const Output> g) {
  return {g[0]};
}

std::vector<Output> reshape_grad(const Scope& s, Operation op, std::span<const Output> g) {
  return {reshape_to_input(s, op, g[0]), Output()};
}

std::vector<Output> squeeze_grad(const Scope& s, Operation op, std::span<const Output> g) {
  return {reshape_to_input(s, op, g[0])};
}

std::vector<Output> pack_grad(const Scope& s, Operation op, std::span<const Output> g) {
  return ops::unstack(s, g[0], runtime::attr_int(op, "N"), runtime::attr_int(op, "axis"));
}

std::vector<Output> unpack_grad(const Scope& s, Operation op, std::span<const Output> g) {
  std::vector<Input> values;
  for (int i = 0; i < op.num_outputs(); ++i)
    values.emplace_back(g[i].valid() ? g[i] : ops::zeros_like(s, op.output(i)));
  return {ops::stack(s, values, runtime::attr_int(op, "axis"))};
}

// TF's x % y operator: FloorMod in name_scope("mod").
Output floor_mod(const Scope& s, const Output& x, const Output& y) {
  ops::OpBuilder b(s, "FloorMod", "mod");
  Output xx = b.input(x, "x");
  b.input(y, "y", xx.dtype());
  return b.attr("T", base_dtype(xx.dtype())).finish().output(0);
}

// TF 1.15's _ConcatGradHelper for a dense gradient: ConcatOffset + Slice per input, or past 16
// inputs stack/Slice/Squeeze of the sizes and one SplitV.
std::vector<Output> concat_v2_grad(const Scope& s, Operation op, std::span<const Output> g) {
  const int n = op.num_inputs() - 1;
  if (n == 1) return {g[0], Output()};
  std::vector<Output> out;
  if (!g[0].valid()) {
    out.resize(static_cast<size_t>(n) + 1);
    return out;
  }
  Output concat_dim = op.input(n);
  Output non_neg = floor_mod(s, concat_dim, ops::rank(s, op.input(0)));
  std::vector<Output> sizes;
  bool fully_known = true;
  for (int i = 0; i < n; ++i) {
    Output sh = ops::shape(s, op.input(i));
    if (sh.op().type() != "Const") {
      fully_known = false;
      break;
    }
    sizes.push_back(sh);
  }
  if (!fully_known) {
    ops::OpBuilder b(s, "ShapeN", "");
    for (int i = 0; i < n; ++i) b.add(op.input(i));
    Operation sn = b.attr("N", int64_t{n})
                       .attr("T", base_dtype(op.input(0).dtype()))
                       .attr("out_type", DataType::kInt32)
                       .finish();
    sizes = sn.outputs();
  }
  if (n > 16) {
    // sizes = squeeze(slice(stack(sizes, axis=1), [non_neg_concat_dim, 0], [1, -1])), then
    // split(grad, sizes, non_neg_concat_dim): a SplitV named "split".
    std::vector<Input> parts(sizes.begin(), sizes.end());
    Output stacked = ops::stack(s, parts, 1);
    Scope ss = s.name_scope("Slice");
    // The list [tensor, 0] is auto-packed inside the op's scope: `Slice/begin/1`, `Slice/begin`.
    Output begin = ops::stack(ss, {non_neg, Input(0)}, 0, "begin");
    Output size = ops::constant(ss, Tensor::vector<int32_t>({1, -1}), "size");
    const Output slice_in[] = {stacked, begin, size};
    const Attr slice_attrs[] = {{"T", DataType::kInt32}, {"Index", DataType::kInt32}};
    Output sliced =
        ops::create(ss, "Slice", ss.name_scope_string(), slice_in, slice_attrs).output(0);
    Output squeezed = ops::squeeze(s, sliced);
    out = ops::split_v(s, g[0], squeezed, non_neg, n);
    out.emplace_back();
    return out;
  }
  ops::OpBuilder cb(s, "ConcatOffset", "");
  cb.add(non_neg);
  for (const Output& sz : sizes) cb.add(sz);
  Operation offset = cb.attr("N", int64_t{n}).finish();
  for (int i = 0; i < n; ++i) out.push_back(ops::slice(s, g[0], offset.output(i), sizes[i]));
  out.emplace_back();
  return out;
}

std::vector<Output> slice_grad(const Scope& s, Operation op, std::span<const Output> g) {
  Output input_vec = op.input(0);
  Output begin_vec = op.input(1);
  Output input_rank = ops::rank(s, input_vec);
  Output slice_size = ops::shape(s, op.output(0));
  Output shape = ops::stack(s, {input_rank, 1});
  Output before_pad = ops::reshape(s, begin_vec, shape);
  Output diff = ops::operator_sub(
      s, ops::operator_sub(s, ops::shape(s, input_vec), slice_size), begin_vec);
  Output after_pad = ops::reshape(s, diff, shape);
  Output paddings = ops::concat(s, {before_pad, after_pad}, 1);
  ops::OpBuilder b(s, "Pad", "");
  Output x = b.input(g[0], "input");
  Output p = b.input(paddings, "paddings");
  Output padded = b.attr("T", base_dtype(x.dtype()))
                      .attr("Tpaddings", base_dtype(p.dtype()))
                      .finish()
                      .output(0);
  return {padded, Output(), Output()};
}

std::vector<Output> strided_slice_grad(const Scope& s, Operation op, std::span<const Output> g) {
  Output begin = op.input(1), end = op.input(2), strides = op.input(3);
  Output x = ops::shape(s, op.input(0), base_dtype(begin.dtype()));
  ops::OpBuilder b(s, "StridedSliceGrad", "");
  b.add(x).add(begin).add(end).add(strides);
  Output dy = b.input(g[0], "dy");
  Output r = b.attr("T", base_dtype(dy.dtype()))
                 .attr("Index", base_dtype(begin.dtype()))
                 .attr("begin_mask", runtime::attr_int(op, "begin_mask"))
                 .attr("end_mask", runtime::attr_int(op, "end_mask"))
                 .attr("ellipsis_mask", runtime::attr_int(op, "ellipsis_mask"))
                 .attr("new_axis_mask", runtime::attr_int(op, "new_axis_mask"))
                 .attr("shrink_axis_mask", runtime::attr_int(op, "shrink_axis_mask"))
                 .finish()
                 .output(0);
  return {r, Output(), Output(), Output()};
}

std::vector<Output> transpose_grad(const Scope& s, Operation op, std::span<const Output> g) {
  ops::OpBuilder b(s, "InvertPermutation", "");
  Output p = b.input(op.input(1), "x");
  Output inv = b.attr("T", base_dtype(p.dtype())).finish().output(0);
  return {ops::transpose(s, g[0], inv), Output()};
}

std::vector<Output> tile_grad(const Scope& s, Operation op, std::span<const Output> g) {
  Output multiples = op.input(1);
  Output input_shape = ops::shape(s, op.input(0), base_dtype(multiples.dtype()));
  Output stacked = ops::stack(s, {multiples, input_shape});
  Output split_shape = ops::reshape(s, ops::transpose(s, stacked), Input(Tensor::vector<int32_t>({-1}), /*literal=*/true));
  Output axes = ops::range(s, 0, ops::size(s, split_shape), 2);
  Output input_grad = ops::reduction(s, "Sum", ops::reshape(s, g[0], split_shape), axes);
  // Sum over a tensor of axes has an unknown static shape; TF sets the input's.
  PartialShape want = op.input(0).shape();
  if (input_grad.shape().compatible_with(want)) input_grad.set_shape(want);
  return {input_grad, Output()};
}

// A reduction over tensor axes (tf.reduce_sum(x, axes_tensor)).
std::vector<Output> fill_grad(const Scope& s, Operation, std::span<const Output> g) {
  return {Output(), ops::reduce_sum(s, g[0])};
}

// The value of a Const scalar, if `t` is one.
std::optional<int64_t> const_scalar(const Output& t) {
  if (t.op().type() != "Const") return std::nullopt;
  auto v = t.op().attr("value");
  if (!v || !std::holds_alternative<Tensor>(*v)) return std::nullopt;
  const Tensor& x = std::get<Tensor>(*v);
  if (x.num_elements() != 1) return std::nullopt;
  return static_cast<int64_t>(x.as_double(0));
}

Output unsorted_segment_sum(const Scope& s, const Output& data, const Output& ids,
                            const Output& num) {
  ops::OpBuilder b(s, "UnsortedSegmentSum", "");
  Output d = b.input(data, "data");
  Output i = b.input(ids, "segment_ids");
  Output n = b.input(num, "num_segments");
  return b.attr("T", base_dtype(d.dtype()))
      .attr("Tindices", base_dtype(i.dtype()))
      .attr("Tnumsegments", base_dtype(n.dtype()))
      .finish()
      .output(0);
}

// One element of a Python list given to array_ops.concat(values, 0): a vector tensor, a
// one-tensor list `[t]` (packed), or the literal `[0]`.
struct ConcatPart {
  Output t;
  bool zero_literal = false;
};

// array_ops.concat(values, 0) where values mixes tensors and Python lists: converted inside
// the op's scope as TF's op_def_library does (`values_<i>`: a Pack for `[tensor]`, a Const
// for `[0]`), then `axis`.
Output concat_of_parts(const Scope& s, const std::vector<ConcatPart>& parts) {
  Scope os = s.name_scope("concat");
  std::vector<Output> ins;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string name = "values_" + std::to_string(i);
    if (parts[i].zero_literal) {
      ins.push_back(ops::constant(os, Tensor::vector<int32_t>({0}), name));
    } else if (parts[i].t.shape().rank() == 0) {
      ins.push_back(ops::stack(os, {parts[i].t}, 0, name));
    } else {
      ins.push_back(parts[i].t);
    }
  }
  ins.push_back(ops::constant(os, Tensor::scalar<int32_t>(0), "axis"));
  const Attr attrs[] = {{"N", static_cast<int64_t>(parts.size())},
                        {"T", DataType::kInt32},
                        {"Tidx", DataType::kInt32}};
  return ops::create(os, "ConcatV2", os.name_scope_string(), ins, attrs).output(0);
}

// TF 1.15's _GatherV2Grad. TF returns IndexedSlices(values, indices, params_shape) for
// axis 0; scopeflow has no IndexedSlices, so the dense equivalent is built right away:
// UnsortedSegmentSum(values, indices, params_shape[0]) (extra nodes `strided_slice_1`,
// `UnsortedSegmentSum` that TF creates later, where the slices are densified).
std::vector<Output> gather_v2_grad(const Scope& s, Operation op, std::span<const Output> g) {
  Output params = op.input(0);
  Output params_shape;
  {
    Scope cs = s.colocate_with(params.op());
    params_shape = ops::cast(cs, ops::shape(cs, params, DataType::kInt64), DataType::kInt32);
  }
  Output indices = op.input(1);
  Output indices_size = ops::expand_dims(s, ops::size(s, indices), 0);
  auto axis_static = const_scalar(op.input(2));
  if (!axis_static)
    throw Error(Code::kUnimplemented, "GatherV2 gradient needs a constant axis");
  int64_t axis = *axis_static;
  if (axis < 0 && params.shape().known_rank()) axis += params.shape().rank();
  using ops::SliceItem;
  if (axis == 0) {
    Output tail = ops::strided_slice_from_spec(s, params_shape, {SliceItem::slice(1)});
    Output values_shape = ops::concat(s, {indices_size, tail}, 0);
    Output values = ops::reshape(s, g[0], values_shape);
    Output idx = ops::reshape(s, indices, indices_size);
    Output num = ops::strided_slice_from_spec(s, params_shape, {SliceItem::index(0)});
    return {unsorted_segment_sum(s, values, idx, num), Output(), Output()};
  }
  Output outer_shape =
      ops::strided_slice_from_spec(s, params_shape, {SliceItem::slice(std::nullopt, axis)});
  Output outer_dims = ops::size(s, outer_shape);
  Output inner_shape = ops::strided_slice_from_spec(
      s, ops::strided_slice_from_spec(s, params_shape, {SliceItem::slice(axis)}),
      {SliceItem::slice(1)});
  Output inner_dims = ops::size(s, inner_shape);
  Output outer_axes = ops::range(s, 0, outer_dims, 1);
  // One builder call per statement: the creation order decides the names.
  Output start = ops::operator_add(s, outer_dims, 1);
  Output limit = ops::operator_add(s, outer_dims, 1);
  limit = ops::operator_add(s, limit, inner_dims);
  Output inner_axes = ops::range(s, start, limit, 1);
  Output values_shape = ops::concat(s, {outer_shape, indices_size, inner_shape}, 0);
  Output values = ops::reshape(s, g[0], values_shape);
  Output idx = ops::reshape(s, indices, indices_size);
  Output transpose_dims = concat_of_parts(s, {{outer_dims}, {outer_axes}, {inner_axes}});
  Output values_t = ops::transpose(s, values, transpose_dims);
  Output num = ops::strided_slice_from_spec(s, params_shape, {SliceItem::index(axis)});
  Output params_grad = unsorted_segment_sum(s, values_t, idx, num);
  Output outer_plus_one = ops::operator_add(s, outer_axes, 1);
  Output invert = concat_of_parts(s, {{outer_plus_one, false}, {Output(), true}, {inner_axes}});
  return {ops::transpose(s, params_grad, invert), Output(), Output()};
}

std::vector<Output> prevent_gradient_grad(const Scope&, Operation op, std::span<const Output>) {
  throw Error(Code::kNotFound,
              "Gradient explicitly disabled. Reason: " + runtime::attr_string(op, "message"));
}

}  // namespace

void register_array_gradients() {
  register_gradient("Identity", &identity_grad);
  register_gradient("PlaceholderWithDefault", &identity_grad);
  register_gradient("Reshape", &reshape_grad);
  register_gradient("ExpandDims", &reshape_grad);
  register_gradient("Squeeze", &squeeze_grad);
  register_gradient("Pack", &pack_grad);
  register_gradient("Unpack", &unpack_grad);
  register_gradient("ConcatV2", &concat_v2_grad);
  register_gradient("Slice", &slice_grad);
  register_gradient("StridedSlice", &strided_slice_grad);
  register_gradient("Transpose", &transpose_grad);
  register_gradient("Tile", &tile_grad);
  register_gradient("GatherV2", &gather_v2_grad);
  register_gradient("Fill", &fill_grad);
  register_gradient("PreventGradient", &prevent_gradient_grad);
  for (const char* t : {"StopGradient", "Const", "Shape", "ShapeN", "Size", "Rank", "ZerosLike",
                        "OnesLike", "OneHot", "Range", "BroadcastGradientArgs", "ConcatOffset",
                        "InvertPermutation"})
    register_not_differentiable(t);
}

}  // namespace scopeflow::train::internal

// The ops the gradient functions build that no op family has: registered with the built-in
// ops and kernels (op_registry.cc and kernel.cc call these), so that graphs can use them
// before any gradient is taken.
namespace scopeflow::internal {
void register_gradient_support_ops() {
  using namespace scopeflow::train::internal;
  register_op({"ShapeN", &shape_n_shape});
  register_op({"ConcatOffset", &concat_offset_shape});
  register_op({"Pad", &pad_shape});
  register_op({"StridedSliceGrad", &strided_slice_grad_shape});
  register_op({"InvertPermutation", &same_shape});
  register_op({"UnsortedSegmentSum", &unsorted_segment_sum_shape});
  register_op({"PreventGradient", &same_shape});
  register_op({"FloorMod", &floor_mod_shape});
  register_math_gradient_support_ops();
}
}  // namespace scopeflow::internal

namespace scopeflow::runtime::internal {
void register_gradient_support_kernels() {
  using namespace scopeflow::train::internal;
  register_kernel_fn("ShapeN", &shape_n_kernel);
  register_kernel_fn("ConcatOffset", &concat_offset_kernel);
  register_kernel_fn("Pad", &pad_kernel);
  register_kernel("StridedSliceGrad", [](Operation op) -> std::unique_ptr<OpKernel> {
    return std::make_unique<StridedSliceGradKernel>(op);
  });
  register_kernel_fn("InvertPermutation", &invert_permutation_kernel);
  register_kernel_fn("UnsortedSegmentSum", &unsorted_segment_sum_kernel);
  register_kernel_fn("PreventGradient", &prevent_gradient_kernel);
  register_kernel_fn("FloorMod", &floor_mod_kernel);
  register_math_gradient_support_kernels();
}
}  // namespace scopeflow::runtime::internal
