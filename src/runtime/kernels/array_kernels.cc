// CPU kernels of the array ops: Reshape, Shape, Size, Rank, ZerosLike, OnesLike, ExpandDims,
// Squeeze, Pack, Unpack, ConcatV2, Slice, StridedSlice, Transpose, Tile, GatherV2, Fill,
// OneHot, Range, BroadcastGradientArgs.
//
// Data movement is dtype-agnostic: elements are moved as fixed-size words (1/2/4/8/16 bytes)
// or std::string, with memcpy for contiguous runs.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "array_strided_slice.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

namespace {

struct Word16 {
  uint64_t a, b;
};

// Runs f(tag) with tag an element type of the same size as `t`'s elements.
template <typename F>
void by_size(DataType t, std::string_view op, F&& f) {
  if (t == DataType::kString) return f(std::string{});
  switch (dtype_size(t)) {
    case 1:
      return f(uint8_t{});
    case 2:
      return f(uint16_t{});
    case 4:
      return f(uint32_t{});
    case 8:
      return f(uint64_t{});
    case 16:
      return f(Word16{});
    default:
      fail(Code::kInvalidArgument, "No OpKernel was registered to support Op '" +
                                       std::string(op) + "' with dtype " + dtype_name(t));
  }
}

template <typename T>
const T* cdata(const Tensor& t) {
  if constexpr (std::is_same_v<T, std::string>)
    return t.string_data().data();
  else
    return static_cast<const T*>(t.raw());
}
template <typename T>
T* mdata(Tensor& t) {
  if constexpr (std::is_same_v<T, std::string>)
    return t.string_data().data();
  else
    return static_cast<T*>(t.raw());
}
template <typename T>
inline void copy_run(const T* src, int64_t n, T* dst) {
  if constexpr (std::is_same_v<T, std::string>) {
    std::copy_n(src, n, dst);
  } else {
    if (n > 0) std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(T));
  }
}

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

int64_t product(std::span<const int64_t> s, size_t b, size_t e) {
  int64_t p = 1;
  for (size_t i = b; i < e; ++i) p *= s[i];
  return p;
}

std::string join_ints(std::span<const int64_t> v) { return fmt::format("{}", fmt::join(v, ",")); }

// ---- Strided copy: out[i0..ik] = in[begin + i * stride] over `sizes` ----
// Dimensions are coalesced first (a dimension taken whole, with stride 1, merges into the
// one before it), then the innermost dimension is copied as a run when its stride is 1.
struct StridedPlan {
  std::vector<int64_t> dims, begin, strides, sizes;  // scratch, reused across steps
  void build(std::span<const int64_t> in_dims, std::span<const int64_t> b,
             std::span<const int64_t> st, std::span<const int64_t> sz) {
    dims.clear();
    begin.clear();
    strides.clear();
    sizes.clear();
    for (size_t i = 0; i < in_dims.size(); ++i) {
      if (!dims.empty() && st[i] == 1 && b[i] == 0 && sz[i] == in_dims[i] && strides.back() == 1 &&
          true) {
        // Merge whole dimension i into the previous one.
        const int64_t d = in_dims[i];
        dims.back() *= d;
        begin.back() *= d;
        sizes.back() *= d;
        continue;
      }
      dims.push_back(in_dims[i]);
      begin.push_back(b[i]);
      strides.push_back(st[i]);
      sizes.push_back(sz[i]);
    }
  }
};

template <typename T>
void strided_copy(const T* in, StridedPlan& p, T* out) {
  const size_t r = p.dims.size();
  if (r == 0) {
    out[0] = in[0];
    return;
  }
  for (int64_t s : p.sizes)
    if (s == 0) return;
  // Input strides.
  int64_t in_stride[32];
  std::vector<int64_t> big;
  int64_t* is = in_stride;
  if (r > 32) {
    big.resize(r);
    is = big.data();
  }
  is[r - 1] = 1;
  for (size_t i = r - 1; i > 0; --i) is[i - 1] = is[i] * p.dims[i];
  int64_t idx_small[32];
  std::vector<int64_t> idx_big;
  int64_t* idx = idx_small;
  if (r > 32) {
    idx_big.resize(r);
    idx = idx_big.data();
  }
  std::fill(idx, idx + r, 0);
  int64_t base = 0;
  for (size_t i = 0; i < r; ++i) base += p.begin[i] * is[i];
  const int64_t inner = p.sizes[r - 1];
  const int64_t inner_step = p.strides[r - 1] * is[r - 1];
  int64_t off = base;
  while (true) {
    const T* src = in + off;
    if (inner_step == 1) {
      copy_run(src, inner, out);
    } else {
      for (int64_t k = 0; k < inner; ++k) out[k] = src[k * inner_step];
    }
    out += inner;
    // Advance the odometer over dims [0, r-1).
    int d = static_cast<int>(r) - 2;
    for (; d >= 0; --d) {
      off += p.strides[d] * is[d];
      if (++idx[d] < p.sizes[d]) break;
      off -= p.strides[d] * is[d] * p.sizes[d];
      idx[d] = 0;
    }
    if (d < 0) break;
  }
}

// ---- Reshape, ExpandDims, Squeeze: forward the buffer ----

class ReshapeKernel : public OpKernel {
 public:
  explicit ReshapeKernel(Operation) {}
  void compute(KernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    const Tensor& sizes = ctx.input(1);
    if (sizes.shape().size() > 1)
      fail(Code::kInvalidArgument,
           "sizes input must be 1-D, not " + shape_string(sizes.shape()));
    const int64_t n = sizes.num_elements();
    shape_.resize(n);
    int64_t prod = 1, unknown = -1;
    bool sizes_zero = false;
    for (int64_t d = 0; d < n; ++d) {
      const int64_t v = int_at(sizes, d);
      if (v == -1) {
        if (unknown != -1)
          fail(Code::kInvalidArgument,
               fmt::format("Only one input size may be -1, not both {} and {}", unknown, d));
        unknown = d;
        shape_[d] = 1;
      } else if (v < 0) {
        fail(Code::kInvalidArgument,
             fmt::format("Size {} must be non-negative, not {}", d, v));
      } else {
        shape_[d] = v;
        if (v == 0)
          sizes_zero = true;
        else
          prod *= v;
      }
    }
    if (unknown != -1) {
      int64_t in_n = 1;
      bool in_zero = false;
      for (int64_t d : in.shape()) {
        if (d > 0 || !sizes_zero)
          in_n *= d;
        else
          in_zero = true;
      }
      const int64_t missing = prod > 0 ? in_n / prod : 0;
      if (!in_zero && prod * missing != in_n)
        fail(Code::kInvalidArgument,
             fmt::format("Input to reshape is a tensor with {} values, but the requested shape "
                         "requires a multiple of {}",
                         in_n, prod));
      shape_[unknown] = missing;
    }
    int64_t total = 1;
    for (int64_t d : shape_) total *= d;
    if (total != in.num_elements())
      fail(Code::kInvalidArgument,
           fmt::format("Input to reshape is a tensor with {} values, but the requested shape has {}",
                       in.num_elements(), total));
    ctx.set_output(0, in.reshaped(shape_));
  }

 private:
  std::vector<int64_t> shape_;
};

class ExpandDimsKernel : public OpKernel {
 public:
  explicit ExpandDimsKernel(Operation) {}
  void compute(KernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    const Tensor& dim_t = ctx.input(1);
    if (dim_t.num_elements() != 1)
      fail(Code::kInvalidArgument, "'dim' must be a tensor with a single value");
    int64_t dim = int_at(dim_t, 0);
    const int64_t rank = static_cast<int64_t>(in.shape().size());
    if (dim < -1 - rank || dim > rank)
      fail(Code::kInvalidArgument,
           fmt::format("Tried to expand dim index {} for tensor with {} dimensions.", dim, rank));
    if (dim < 0) dim += rank + 1;
    shape_.assign(in.shape().begin(), in.shape().end());
    shape_.insert(shape_.begin() + dim, 1);
    ctx.set_output(0, in.reshaped(shape_));
  }

 private:
  std::vector<int64_t> shape_;
};

class SqueezeKernel : public OpKernel {
 public:
  explicit SqueezeKernel(Operation op) : dims_(attr_ints(op, "squeeze_dims")) {}
  void compute(KernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    const int64_t rank = static_cast<int64_t>(in.shape().size());
    wrapped_.assign(rank, false);
    for (int64_t d : dims_) {
      if (d < -rank || d >= rank)
        fail(Code::kInvalidArgument,
             fmt::format("Tried to squeeze dim index {} for tensor with {} dimensions.", d, rank));
      wrapped_[d < 0 ? d + rank : d] = true;
    }
    shape_.clear();
    for (int64_t i = 0; i < rank; ++i) {
      const int64_t d = in.shape()[i];
      if (wrapped_[i]) {
        if (d != 1)
          fail(Code::kInvalidArgument,
               fmt::format("Can not squeeze dim[{}], expected a dimension of 1, got {}", i, d));
        continue;
      }
      if (dims_.empty() && d == 1) continue;
      shape_.push_back(d);
    }
    ctx.set_output(0, in.reshaped(shape_));
  }

 private:
  std::vector<int64_t> dims_;
  std::vector<bool> wrapped_;
  std::vector<int64_t> shape_;
};

// ---- Shape, Size, Rank ----

class ShapeKernel : public OpKernel {
 public:
  explicit ShapeKernel(Operation op) : out_(attr_type(op, "out_type")) {
    if (out_ == DataType::kInvalid) out_ = DataType::kInt32;
  }
  void compute(KernelContext& ctx) override {
    const auto& s = ctx.input(0).shape();
    const int64_t r = static_cast<int64_t>(s.size());
    Tensor& o = ctx.allocate_output(0, out_, {r});
    for (int64_t i = 0; i < r; ++i) {
      if (out_ == DataType::kInt64) {
        o.data<int64_t>()[i] = s[i];
      } else {
        if (s[i] > std::numeric_limits<int32_t>::max())
          fail(Code::kInvalidArgument,
               fmt::format("Shape output type is 32-bit  but dim {} is {}", i, s[i]));
        o.data<int32_t>()[i] = static_cast<int32_t>(s[i]);
      }
    }
  }

 private:
  DataType out_;
};

class SizeKernel : public OpKernel {
 public:
  explicit SizeKernel(Operation op) : out_(attr_type(op, "out_type")) {
    if (out_ == DataType::kInvalid) out_ = DataType::kInt32;
  }
  void compute(KernelContext& ctx) override {
    const int64_t n = ctx.input(0).num_elements();
    Tensor& o = ctx.allocate_output(0, out_, {});
    if (out_ == DataType::kInt64) {
      o.data<int64_t>()[0] = n;
    } else {
      if (n > std::numeric_limits<int32_t>::max())
        fail(Code::kInvalidArgument,
             fmt::format("Number of elements was larger than representable by 32-bit output "
                         "type"));
      o.data<int32_t>()[0] = static_cast<int32_t>(n);
    }
  }

 private:
  DataType out_;
};

void rank_kernel(KernelContext& ctx) {
  Tensor& o = ctx.allocate_output(0, DataType::kInt32, {});
  o.data<int32_t>()[0] = static_cast<int32_t>(ctx.input(0).shape().size());
}

// ---- ZerosLike, OnesLike, Fill ----

template <bool kOne>
void fill_like(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& o = ctx.allocate_output(0, in.dtype(), in.shape());
  const int64_t n = o.num_elements();
  if (in.dtype() == DataType::kString) {
    if (kOne)
      fail(Code::kInvalidArgument, "No OpKernel was registered to support Op 'OnesLike' with "
                                   "dtype string");
    for (auto& s : o.string_data()) s.clear();
    return;
  }
  if (!kOne) {
    if (o.byte_size()) std::memset(o.raw(), 0, o.byte_size());
    return;
  }
  dispatch(in.dtype(), ctx.op().type(), [&](auto tag) {
    using T = decltype(tag);
    std::fill_n(o.data<T>(), n, T(1));
  });
}

void fill_kernel(KernelContext& ctx) {
  const Tensor& dims = ctx.input(0);
  const Tensor& value = ctx.input(1);
  if (dims.shape().size() != 1)
    fail(Code::kInvalidArgument, "dims must be a vector, got shape " + shape_string(dims.shape()));
  if (!value.shape().empty())
    fail(Code::kInvalidArgument,
         "value must be a scalar, got shape " + shape_string(value.shape()));
  int64_t shape_buf[16];
  std::vector<int64_t> big;
  const int64_t r = dims.num_elements();
  int64_t* shape = shape_buf;
  if (r > 16) {
    big.resize(r);
    shape = big.data();
  }
  for (int64_t i = 0; i < r; ++i) {
    shape[i] = int_at(dims, i);
    if (shape[i] < 0)
      fail(Code::kInvalidArgument, fmt::format("Dimension {} must be >= 0", shape[i]));
  }
  Tensor& o = ctx.allocate_output(0, value.dtype(), std::span<const int64_t>(shape, r));
  by_size(value.dtype(), "Fill", [&](auto tag) {
    using T = decltype(tag);
    std::fill_n(mdata<T>(o), o.num_elements(), cdata<T>(value)[0]);
  });
}

// ---- Pack, Unpack, ConcatV2 ----

class PackKernel : public OpKernel {
 public:
  explicit PackKernel(Operation op) : axis_(attr_int(op, "axis", 0)) {}
  void compute(KernelContext& ctx) override {
    const int n = ctx.num_inputs();
    const Tensor& first = ctx.input(0);
    const auto& s = first.shape();
    const int64_t expanded = static_cast<int64_t>(s.size()) + 1;
    int64_t axis = axis_ < 0 ? axis_ + expanded : axis_;
    if (axis < 0 || axis >= expanded)
      fail(Code::kInvalidArgument,
           fmt::format("axis = {} not in [{}, {})", axis_, -expanded, expanded));
    for (int i = 1; i < n; ++i)
      if (ctx.input(i).shape() != s || ctx.input(i).dtype() != first.dtype())
        fail(Code::kInvalidArgument,
             fmt::format("Shapes of all inputs must match: values[0].shape = {} != values[{}]"
                         ".shape = {}",
                         shape_string(s), i, shape_string(ctx.input(i).shape())));
    out_shape_.assign(s.begin(), s.end());
    out_shape_.insert(out_shape_.begin() + axis, n);
    Tensor& o = ctx.allocate_output(0, first.dtype(), out_shape_);
    const int64_t before = product(s, 0, axis), after = product(s, axis, s.size());
    by_size(first.dtype(), "Pack", [&](auto tag) {
      using T = decltype(tag);
      T* out = mdata<T>(o);
      for (int i = 0; i < n; ++i) {
        const T* in = cdata<T>(ctx.input(i));
        for (int64_t b = 0; b < before; ++b)
          copy_run(in + b * after, after, out + (b * n + i) * after);
      }
    });
  }

 private:
  int64_t axis_;
  std::vector<int64_t> out_shape_;
};

class UnpackKernel : public OpKernel {
 public:
  explicit UnpackKernel(Operation op)
      : axis_(attr_int(op, "axis", 0)), num_(attr_int(op, "num", 0)) {}
  void compute(KernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    const auto& s = in.shape();
    const int64_t rank = static_cast<int64_t>(s.size());
    const int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
    if (axis < 0 || axis >= rank)
      fail(Code::kInvalidArgument,
           fmt::format("axis = {} not in [{}, {})", axis_, -rank, rank));
    if (s[axis] != num_)
      fail(Code::kInvalidArgument, fmt::format("Input shape axis {} must equal {}, got shape {}",
                                               axis, num_, shape_string(s)));
    out_shape_.assign(s.begin(), s.end());
    out_shape_.erase(out_shape_.begin() + axis);
    const int64_t before = product(s, 0, axis), after = product(s, axis + 1, s.size());
    by_size(in.dtype(), "Unpack", [&](auto tag) {
      using T = decltype(tag);
      const T* src = cdata<T>(in);
      for (int64_t i = 0; i < num_; ++i) {
        Tensor& o = ctx.allocate_output(static_cast<int>(i), in.dtype(), out_shape_);
        T* out = mdata<T>(o);
        for (int64_t b = 0; b < before; ++b)
          copy_run(src + (b * num_ + i) * after, after, out + b * after);
      }
    });
  }

 private:
  int64_t axis_, num_;
  std::vector<int64_t> out_shape_;
};

class ConcatV2Kernel : public OpKernel {
 public:
  explicit ConcatV2Kernel(Operation) {}
  void compute(KernelContext& ctx) override {
    const int n = ctx.num_inputs() - 1;
    const Tensor& axis_t = ctx.input(n);
    if (!axis_t.shape().empty())
      fail(Code::kInvalidArgument,
           "Concat dim tensor should be a scalar integer, but got shape " +
               shape_string(axis_t.shape()));
    const Tensor& first = ctx.input(0);
    const auto& s0 = first.shape();
    const int64_t rank = static_cast<int64_t>(s0.size());
    const int64_t axis_v = int_at(axis_t, 0);
    const int64_t axis = axis_v < 0 ? axis_v + rank : axis_v;
    if (axis < 0 || axis >= rank)
      fail(Code::kInvalidArgument,
           fmt::format("ConcatOp : Expected concatenating dimensions in the range [{}, {}), but "
                       "got {}",
                       -rank, rank, axis_v));
    int64_t total = 0;
    for (int i = 0; i < n; ++i) {
      const auto& s = ctx.input(i).shape();
      if (static_cast<int64_t>(s.size()) != rank)
        fail(Code::kInvalidArgument,
             fmt::format("ConcatOp : Ranks of all input tensors should match: shape[0] = {} vs. "
                         "shape[{}] = {}",
                         shape_string(s0), i, shape_string(s)));
      for (int64_t k = 0; k < rank; ++k)
        if (k != axis && s[k] != s0[k])
          fail(Code::kInvalidArgument,
               fmt::format("ConcatOp : Dimensions of inputs should match: shape[0] = {} vs. "
                           "shape[{}] = {}",
                           shape_string(s0), i, shape_string(s)));
      total += s[axis];
    }
    out_shape_.assign(s0.begin(), s0.end());
    out_shape_[axis] = total;
    Tensor& o = ctx.allocate_output(0, first.dtype(), out_shape_);
    const int64_t outer = product(s0, 0, axis), inner = product(s0, axis + 1, s0.size());
    const int64_t row = total * inner;
    by_size(first.dtype(), "ConcatV2", [&](auto tag) {
      using T = decltype(tag);
      T* out = mdata<T>(o);
      int64_t col = 0;
      for (int i = 0; i < n; ++i) {
        const Tensor& t = ctx.input(i);
        const int64_t chunk = t.shape()[axis] * inner;
        const T* in = cdata<T>(t);
        for (int64_t r = 0; r < outer; ++r) copy_run(in + r * chunk, chunk, out + r * row + col);
        col += chunk;
      }
    });
  }

 private:
  std::vector<int64_t> out_shape_;
};

// ---- Slice, StridedSlice ----

class SliceKernel : public OpKernel {
 public:
  explicit SliceKernel(Operation) {}
  void compute(KernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    const Tensor& b = ctx.input(1);
    const Tensor& sz = ctx.input(2);
    const auto& s = in.shape();
    const int64_t rank = static_cast<int64_t>(s.size());
    if (b.shape().size() != 1 || sz.shape().size() != 1 || b.num_elements() != rank ||
        sz.num_elements() != rank)
      fail(Code::kInvalidArgument,
           fmt::format("Expected begin and size arguments to be 1-D tensors of size {}, but got "
                       "shapes {} and {} instead.",
                       rank, shape_string(b.shape()), shape_string(sz.shape())));
    begin_.resize(rank);
    size_.resize(rank);
    ones_.assign(rank, 1);
    for (int64_t i = 0; i < rank; ++i) {
      const int64_t bi = int_at(b, i);
      int64_t si = int_at(sz, i);
      if (si == -1) si = s[i] - bi;
      if (s[i] == 0) {
        if (bi != 0 || si != 0)
          fail(Code::kInvalidArgument,
               fmt::format("Expected begin[{0}] == 0 (got {1}) and size[{0}] == 0 (got {2}) when "
                           "input.dim_size({0}) == 0",
                           i, bi, si));
      } else {
        if (bi < 0 || bi > s[i])
          fail(Code::kInvalidArgument,
               fmt::format("Expected begin[{}] in [0, {}], but got {}", i, s[i], bi));
        if (si < 0 || bi + si > s[i])
          fail(Code::kInvalidArgument,
               fmt::format("Expected size[{}] in [0, {}], but got {}", i, s[i] - bi, si));
      }
      begin_[i] = bi;
      size_[i] = si;
    }
    if (size_ == s) {
      ctx.set_output(0, in);
      return;
    }
    Tensor& o = ctx.allocate_output(0, in.dtype(), size_);
    plan_.build(s, begin_, ones_, size_);
    by_size(in.dtype(), "Slice",
            [&](auto tag) { strided_copy(cdata<decltype(tag)>(in), plan_, mdata<decltype(tag)>(o)); });
  }

 private:
  std::vector<int64_t> begin_, size_, ones_;
  StridedPlan plan_;
};

class StridedSliceKernel : public OpKernel {
 public:
  explicit StridedSliceKernel(Operation op)
      : masks_{attr_int(op, "begin_mask"), attr_int(op, "end_mask"),
               attr_int(op, "ellipsis_mask"), attr_int(op, "new_axis_mask"),
               attr_int(op, "shrink_axis_mask")} {}
  void compute(KernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    const Tensor& b = ctx.input(1);
    const Tensor& e = ctx.input(2);
    const Tensor& st = ctx.input(3);
    if (b.shape().size() != 1 || e.shape().size() != 1 || st.shape().size() != 1 ||
        b.num_elements() != e.num_elements() || b.num_elements() != st.num_elements())
      fail(Code::kInvalidArgument,
           fmt::format("Expected begin, end, and strides to be 1D equal size tensors, but got "
                       "shapes {}, {}, and {} instead.",
                       shape_string(b.shape()), shape_string(e.shape()),
                       shape_string(st.shape())));
    const int64_t n = b.num_elements();
    if (n > 64)
      fail(Code::kInvalidArgument, fmt::format("Requires number of dimensions <= 64, got {}", n));
    begin_.resize(n);
    end_.resize(n);
    strides_.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      begin_[i] = int_at(b, i);
      end_[i] = int_at(e, i);
      strides_[i] = int_at(st, i);
    }
    std::string err = scopeflow::internal::validate_strided_slice(&begin_, &end_, strides_,
                                                                  in.shape(), masks_, &dense_);
    if (!err.empty()) fail(Code::kInvalidArgument, err);
    if (dense_.is_identity) {
      ctx.set_output(0, in.reshaped(dense_.final_shape));
      return;
    }
    Tensor& o = ctx.allocate_output(0, in.dtype(), dense_.final_shape);
    if (o.num_elements() == 0) return;
    plan_.build(in.shape(), dense_.begin, dense_.strides, dense_.processing_shape);
    by_size(in.dtype(), "StridedSlice",
            [&](auto tag) { strided_copy(cdata<decltype(tag)>(in), plan_, mdata<decltype(tag)>(o)); });
  }

 private:
  scopeflow::internal::StridedSliceMaskAttrs masks_;
  std::vector<int64_t> begin_, end_, strides_;
  scopeflow::internal::StridedSliceDense dense_;
  StridedPlan plan_;
};

// ---- Transpose ----

class TransposeKernel : public OpKernel {
 public:
  explicit TransposeKernel(Operation) {}
  void compute(KernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    const Tensor& perm_t = ctx.input(1);
    if (perm_t.shape().size() != 1)
      fail(Code::kInvalidArgument, "perm must be a vector, not " + shape_string(perm_t.shape()));
    const auto& s = in.shape();
    const int64_t dims = static_cast<int64_t>(s.size());
    if (perm_t.num_elements() != dims)
      fail(Code::kInvalidArgument,
           fmt::format("transpose expects a vector of size {}. But input(1) is a vector of size {}",
                       dims, perm_t.num_elements()));
    perm_.resize(dims);
    seen_.assign(dims, false);
    for (int64_t i = 0; i < dims; ++i) perm_[i] = int_at(perm_t, i);
    for (int64_t i = 0; i < dims; ++i) {
      const int64_t d = perm_[i];
      if (d < 0 || d >= dims)
        fail(Code::kInvalidArgument, fmt::format("{} is out of range [0 .. {})", d, dims));
      seen_[d] = true;
    }
    for (int64_t i = 0; i < dims; ++i)
      if (!seen_[i])
        fail(Code::kInvalidArgument,
             fmt::format("{} is missing from {{{}}}.", i, join_ints(perm_)));
    out_shape_.resize(dims);
    for (int64_t i = 0; i < dims; ++i) out_shape_[i] = s[perm_[i]];
    // Only size>1 dimensions matter: if they keep their order the data is unchanged.
    bool trivial = true;
    int64_t last = -1;
    for (int64_t i = 0; i < dims; ++i) {
      if (s[perm_[i]] == 1) continue;
      if (perm_[i] < last) trivial = false;
      last = perm_[i];
    }
    if (trivial || in.num_elements() == 0) {
      if (in.num_elements() == 0) {
        ctx.allocate_output(0, in.dtype(), out_shape_);
        return;
      }
      ctx.set_output(0, in.reshaped(out_shape_));
      return;
    }
    Tensor& o = ctx.allocate_output(0, in.dtype(), out_shape_);
    // Coalesce: drop size-1 dims, merge input dims that stay adjacent in the output.
    in_dims_.clear();
    cperm_.clear();
    {
      // Map of kept input dims.
      std::vector<int64_t>& keep = scratch_;
      keep.assign(dims, -1);
      int64_t k = 0;
      for (int64_t i = 0; i < dims; ++i)
        if (s[i] != 1) keep[i] = k++;
      std::vector<int64_t> p, d;
      for (int64_t i = 0; i < dims; ++i)
        if (s[perm_[i]] != 1) p.push_back(keep[perm_[i]]);
      for (int64_t i = 0; i < dims; ++i)
        if (s[i] != 1) d.push_back(s[i]);
      // Merge runs p[j+1] == p[j] + 1.
      std::vector<int64_t> group_of(d.size(), -1);
      std::vector<std::vector<int64_t>> groups;
      for (size_t j = 0; j < p.size(); ++j) {
        if (j > 0 && p[j] == p[j - 1] + 1)
          groups.back().push_back(p[j]);
        else
          groups.push_back({p[j]});
      }
      // Groups ordered by their first input dim give the coalesced input dims.
      std::vector<size_t> order(groups.size());
      for (size_t g = 0; g < groups.size(); ++g) order[g] = g;
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return groups[a][0] < groups[b][0]; });
      std::vector<int64_t> rank_of(groups.size());
      for (size_t r = 0; r < order.size(); ++r) rank_of[order[r]] = static_cast<int64_t>(r);
      in_dims_.resize(groups.size());
      for (size_t r = 0; r < order.size(); ++r) {
        int64_t sz = 1;
        for (int64_t x : groups[order[r]]) sz *= d[x];
        in_dims_[r] = sz;
      }
      for (size_t g = 0; g < groups.size(); ++g) cperm_.push_back(rank_of[g]);
    }
    by_size(in.dtype(), "Transpose",
            [&](auto tag) { transpose(cdata<decltype(tag)>(in), mdata<decltype(tag)>(o)); });
  }

 private:
  template <typename T>
  void transpose(const T* in, T* out) {
    const size_t r = in_dims_.size();
    std::vector<int64_t> is(r), os_dims(r), ostride(r), idx(r, 0);
    is[r - 1] = 1;
    for (size_t i = r - 1; i > 0; --i) is[i - 1] = is[i] * in_dims_[i];
    for (size_t i = 0; i < r; ++i) {
      os_dims[i] = in_dims_[cperm_[i]];
      ostride[i] = is[cperm_[i]];  // input stride of output dim i
    }
    // The two innermost output dims are done in blocks for cache locality.
    const int64_t A = os_dims[r - 2], B = os_dims[r - 1];
    const int64_t sa = ostride[r - 2], sb = ostride[r - 1];
    constexpr int64_t kBlock = 32;
    int64_t off = 0;
    while (true) {
      const T* src = in + off;
      for (int64_t a0 = 0; a0 < A; a0 += kBlock) {
        const int64_t a1 = std::min(A, a0 + kBlock);
        for (int64_t b0 = 0; b0 < B; b0 += kBlock) {
          const int64_t b1 = std::min(B, b0 + kBlock);
          for (int64_t a = a0; a < a1; ++a) {
            T* o = out + a * B;
            const T* si = src + a * sa;
            for (int64_t bb = b0; bb < b1; ++bb) o[bb] = si[bb * sb];
          }
        }
      }
      out += A * B;
      int d = static_cast<int>(r) - 3;
      for (; d >= 0; --d) {
        off += ostride[d];
        if (++idx[d] < os_dims[d]) break;
        off -= ostride[d] * os_dims[d];
        idx[d] = 0;
      }
      if (d < 0) break;
    }
  }

  std::vector<int64_t> perm_, out_shape_, in_dims_, cperm_, scratch_;
  std::vector<bool> seen_;
};

// ---- Tile ----

class TileKernel : public OpKernel {
 public:
  explicit TileKernel(Operation) {}
  void compute(KernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    const Tensor& m = ctx.input(1);
    const auto& s = in.shape();
    const int64_t r = static_cast<int64_t>(s.size());
    if (m.shape().size() != 1 || m.num_elements() != r)
      fail(Code::kInvalidArgument,
           fmt::format("Expected multiples argument to be a vector of length {} but got length {}",
                       r, m.shape().empty() ? int64_t{0} : m.shape()[0]));
    mult_.resize(r);
    out_shape_.resize(r);
    bool identity = true;
    for (int64_t i = 0; i < r; ++i) {
      mult_[i] = int_at(m, i);
      if (mult_[i] < 0)
        fail(Code::kInvalidArgument,
             fmt::format("Expected multiples[{}] >= 0, but got {}", i, mult_[i]));
      out_shape_[i] = s[i] * mult_[i];
      identity &= mult_[i] == 1;
    }
    if (identity) {
      ctx.set_output(0, in);
      return;
    }
    Tensor& o = ctx.allocate_output(0, in.dtype(), out_shape_);
    if (o.num_elements() == 0) return;
    out_stride_.resize(r);
    in_stride_.resize(r);
    out_stride_[r - 1] = in_stride_[r - 1] = 1;
    for (int64_t i = r - 1; i > 0; --i) {
      out_stride_[i - 1] = out_stride_[i] * out_shape_[i];
      in_stride_[i - 1] = in_stride_[i] * s[i];
    }
    by_size(in.dtype(), "Tile", [&](auto tag) {
      using T = decltype(tag);
      tile<T>(cdata<T>(in), mdata<T>(o), 0, s);
    });
  }

 private:
  // Fills the output block of dimension d from the input block: the first s[d] slices
  // recursively, then copies of that contiguous run.
  template <typename T>
  void tile(const T* in, T* out, size_t d, const std::vector<int64_t>& s) {
    const size_t r = s.size();
    if (d == r - 1) {
      copy_run(in, s[d], out);
    } else {
      for (int64_t i = 0; i < s[d]; ++i)
        tile<T>(in + i * in_stride_[d], out + i * out_stride_[d], d + 1, s);
    }
    const int64_t run = s[d] * out_stride_[d];
    for (int64_t k = 1; k < mult_[d]; ++k) copy_run(out, run, out + k * run);
  }

  std::vector<int64_t> mult_, out_shape_, out_stride_, in_stride_;
};

// ---- GatherV2 ----

std::string slice_debug_string(std::span<const int64_t> shape, int64_t flat) {
  if (shape.empty()) return "";
  if (shape.size() == 1) return fmt::format("[{}]", flat);
  std::vector<int64_t> idx(shape.size());
  for (size_t i = shape.size(); i-- > 0;) {
    idx[i] = flat % shape[i];
    flat /= shape[i];
  }
  return fmt::format("[{}]", join_ints(idx));
}

class GatherV2Kernel : public OpKernel {
 public:
  explicit GatherV2Kernel(Operation) {}
  void compute(KernelContext& ctx) override {
    const Tensor& params = ctx.input(0);
    const Tensor& indices = ctx.input(1);
    const Tensor& axis_t = ctx.input(2);
    if (axis_t.num_elements() != 1)
      fail(Code::kInvalidArgument,
           "axis must be scalar, but got shape " + shape_string(axis_t.shape()));
    const auto& ps = params.shape();
    const int64_t rank = static_cast<int64_t>(ps.size());
    const int64_t axis_v = int_at(axis_t, 0);
    if (axis_v < -rank || axis_v >= rank)
      fail(Code::kInvalidArgument,
           fmt::format("Expected axis in the range [{}, {}), but got {}", -rank, rank, axis_v));
    const int64_t axis = axis_v < 0 ? axis_v + rank : axis_v;
    const int64_t outer = product(ps, 0, axis), limit = ps[axis],
                  inner = product(ps, axis + 1, ps.size());
    const int64_t n = indices.num_elements();
    out_shape_.assign(ps.begin(), ps.begin() + axis);
    out_shape_.insert(out_shape_.end(), indices.shape().begin(), indices.shape().end());
    out_shape_.insert(out_shape_.end(), ps.begin() + axis + 1, ps.end());
    idx_.resize(n);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t v = int_at(indices, k);
      if (v < 0 || v >= limit)
        fail(Code::kInvalidArgument,
             fmt::format("indices{} = {} is not in [0, {})",
                         slice_debug_string(indices.shape(), k), v, limit));
      idx_[k] = v;
    }
    Tensor& o = ctx.allocate_output(0, params.dtype(), out_shape_);
    by_size(params.dtype(), "GatherV2", [&](auto tag) {
      using T = decltype(tag);
      const T* src = cdata<T>(params);
      T* out = mdata<T>(o);
      for (int64_t b = 0; b < outer; ++b) {
        const T* base = src + b * limit * inner;
        for (int64_t k = 0; k < n; ++k) {
          copy_run(base + idx_[k] * inner, inner, out);
          out += inner;
        }
      }
    });
  }

 private:
  std::vector<int64_t> out_shape_, idx_;
};

// ---- OneHot ----

class OneHotKernel : public OpKernel {
 public:
  explicit OneHotKernel(Operation op) : axis_(attr_int(op, "axis", -1)) {}
  void compute(KernelContext& ctx) override {
    const Tensor& indices = ctx.input(0);
    const Tensor& depth_t = ctx.input(1);
    const Tensor& on = ctx.input(2);
    const Tensor& off = ctx.input(3);
    const int64_t idims = static_cast<int64_t>(indices.shape().size());
    if (!depth_t.shape().empty())
      fail(Code::kInvalidArgument,
           "depth must be a scalar, but got: " + shape_string(depth_t.shape()));
    if (!on.shape().empty())
      fail(Code::kInvalidArgument,
           "on_value must be a scalar, but got: " + shape_string(on.shape()));
    if (!off.shape().empty())
      fail(Code::kInvalidArgument,
           "off_value must be a scalar, but got: " + shape_string(off.shape()));
    const int64_t axis = axis_ == -1 ? idims : axis_;
    if (axis < 0 || axis > idims)
      fail(Code::kInvalidArgument,
           fmt::format("Expected axis to be -1 or between [0, {}).  But received: {}", idims,
                       axis_));
    const int64_t depth = int_at(depth_t, 0);
    if (depth < 0)
      fail(Code::kInvalidArgument, fmt::format("depth must be non-negative, got: {}", depth));
    const auto& is = indices.shape();
    out_shape_.assign(is.begin(), is.end());
    out_shape_.insert(out_shape_.begin() + axis, depth);
    Tensor& o = ctx.allocate_output(0, on.dtype(), out_shape_);
    const int64_t prefix = product(is, 0, axis), suffix = product(is, axis, is.size());
    by_size(on.dtype(), "OneHot", [&](auto tag) {
      using T = decltype(tag);
      const T on_v = cdata<T>(on)[0], off_v = cdata<T>(off)[0];
      T* out = mdata<T>(o);
      std::fill_n(out, o.num_elements(), off_v);
      for (int64_t p = 0; p < prefix; ++p)
        for (int64_t s = 0; s < suffix; ++s) {
          const int64_t v = int_at(indices, p * suffix + s);
          if (v >= 0 && v < depth) out[(p * depth + v) * suffix + s] = on_v;
        }
    });
  }

 private:
  int64_t axis_;
  std::vector<int64_t> out_shape_;
};

// ---- Range ----

void range_kernel(KernelContext& ctx) {
  const char* names[] = {"start", "limit", "delta"};
  for (int i = 0; i < 3; ++i)
    if (!ctx.input(i).shape().empty())
      fail(Code::kInvalidArgument, fmt::format("{} must be a scalar, not shape {}", names[i],
                                               shape_string(ctx.input(i).shape())));
  const DataType t = ctx.input(0).dtype();
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const T start = ctx.input(0).data<T>()[0], limit = ctx.input(1).data<T>()[0],
            delta = ctx.input(2).data<T>()[0];
    if (delta == 0) fail(Code::kInvalidArgument, fmt::format("Requires delta != 0: {}", delta));
    if (delta > 0) {
      if (start > limit)
        fail(Code::kInvalidArgument,
             fmt::format("Requires start <= limit when delta > 0: {}/{}", start, limit));
    } else if (start < limit) {
      fail(Code::kInvalidArgument,
           fmt::format("Requires start >= limit when delta < 0: {}/{}", start, limit));
    }
    int64_t size;
    if constexpr (std::is_integral_v<T>) {
      const int64_t span = std::abs(static_cast<int64_t>(limit) - static_cast<int64_t>(start));
      const int64_t d = std::abs(static_cast<int64_t>(delta));
      size = (span + d - 1) / d;
    } else {
      size = static_cast<int64_t>(std::ceil(std::abs((limit - start) / delta)));
    }
    Tensor& o = ctx.allocate_output(0, t, {size});
    T* out = o.data<T>();
    T val = start;
    for (int64_t i = 0; i < size; ++i) {
      out[i] = val;
      val += delta;
    }
  };
  switch (t) {
    case DataType::kInt32:
      return run(int32_t{});
    case DataType::kInt64:
      return run(int64_t{});
    case DataType::kFloat:
      return run(float{});
    case DataType::kDouble:
      return run(double{});
    default:
      fail(Code::kInvalidArgument,
           "No OpKernel was registered to support Op 'Range' with dtype " + dtype_name(t));
  }
}

// ---- BroadcastGradientArgs ----

class BroadcastGradientArgsKernel : public OpKernel {
 public:
  explicit BroadcastGradientArgsKernel(Operation) {}
  void compute(KernelContext& ctx) override {
    for (int i = 0; i < 2; ++i)
      if (ctx.input(i).shape().size() != 1)
        fail(Code::kInvalidArgument, fmt::format("In[{}] must be a vector.{}", i,
                                                 shape_string(ctx.input(i).shape())));
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    x_.resize(a.num_elements());
    y_.resize(b.num_elements());
    for (int64_t i = 0; i < a.num_elements(); ++i) x_[i] = int_at(a, i);
    for (int64_t i = 0; i < b.num_elements(); ++i) y_[i] = int_at(b, i);
    r0_.clear();
    r1_.clear();
    if (x_ != y_) {
      const size_t n = std::max(x_.size(), y_.size());
      for (size_t i = 0; i < n; ++i) {
        // Aligned from the right; missing leading dims are 1.
        const int64_t xi = i + x_.size() >= n ? x_[i + x_.size() - n] : 1;
        const int64_t yi = i + y_.size() >= n ? y_[i + y_.size() - n] : 1;
        if (xi != yi && xi != 1 && yi != 1)
          fail(Code::kInvalidArgument, fmt::format("Incompatible shapes: {} vs. {}",
                                                   shape_string(x_), shape_string(y_)));
        if (xi == 1) r0_.push_back(static_cast<int64_t>(i));
        if (yi == 1) r1_.push_back(static_cast<int64_t>(i));
      }
    }
    const DataType t = a.dtype();
    for (int k = 0; k < 2; ++k) {
      const std::vector<int64_t>& r = k == 0 ? r0_ : r1_;
      Tensor& o = ctx.allocate_output(k, t, {static_cast<int64_t>(r.size())});
      for (size_t i = 0; i < r.size(); ++i) {
        if (t == DataType::kInt64)
          o.data<int64_t>()[i] = r[i];
        else
          o.data<int32_t>()[i] = static_cast<int32_t>(r[i]);
      }
    }
  }

 private:
  std::vector<int64_t> x_, y_, r0_, r1_;
};

template <typename K>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<K>(op);
}

}  // namespace

// array_stitch_kernels.cc and scan_kernels.cc.
void register_stitch_kernels();
void register_scan_kernels();

void register_array_kernels() {
  register_stitch_kernels();
  register_scan_kernels();
  register_kernel("Reshape", &make<ReshapeKernel>);
  register_kernel("ExpandDims", &make<ExpandDimsKernel>);
  register_kernel("Squeeze", &make<SqueezeKernel>);
  register_kernel("Shape", &make<ShapeKernel>);
  register_kernel("Size", &make<SizeKernel>);
  register_kernel_fn("Rank", &rank_kernel);
  register_kernel_fn("ZerosLike", &fill_like<false>);
  register_kernel_fn("OnesLike", &fill_like<true>);
  register_kernel_fn("Fill", &fill_kernel);
  register_kernel("Pack", &make<PackKernel>);
  register_kernel("Unpack", &make<UnpackKernel>);
  register_kernel("ConcatV2", &make<ConcatV2Kernel>);
  register_kernel("Slice", &make<SliceKernel>);
  register_kernel("StridedSlice", &make<StridedSliceKernel>);
  register_kernel("Transpose", &make<TransposeKernel>);
  register_kernel("Tile", &make<TileKernel>);
  register_kernel("GatherV2", &make<GatherV2Kernel>);
  register_kernel("OneHot", &make<OneHotKernel>);
  register_kernel_fn("Range", &range_kernel);
  register_kernel("BroadcastGradientArgs", &make<BroadcastGradientArgsKernel>);
}

}  // namespace scopeflow::runtime::internal
