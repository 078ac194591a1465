// CPU kernels of DynamicStitch, ListDiff and SplitV (the index plumbing of TF's reduction,
// Prod and ConcatV2 gradients), with TF 1.15's run-time error texts.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "scopeflow/graph/graph.h"
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

namespace {

int64_t int_at(const Tensor& t, int64_t i) {
  return t.dtype() == DataType::kInt64 ? t.data<int64_t>()[i] : t.data<int32_t>()[i];
}

void set_int(Tensor& t, int64_t i, int64_t v) {
  if (t.dtype() == DataType::kInt64)
    t.data<int64_t>()[i] = v;
  else
    t.data<int32_t>()[i] = static_cast<int32_t>(v);
}

bool starts_with(const std::vector<int64_t>& shape, const std::vector<int64_t>& prefix) {
  if (prefix.size() > shape.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), shape.begin());
}

// Copies `n` elements of `t`'s type (numbers as bytes, strings one by one).
void copy_elements(const Tensor& src, int64_t from, Tensor& dst, int64_t to, int64_t n) {
  if (n <= 0) return;
  if (src.dtype() == DataType::kString) {
    for (int64_t k = 0; k < n; ++k) dst.string_data()[to + k] = src.string_data()[from + k];
    return;
  }
  const size_t es = static_cast<size_t>(dtype_size(src.dtype()));
  std::memcpy(static_cast<char*>(dst.raw()) + to * es,
              static_cast<const char*>(src.raw()) + from * es, static_cast<size_t>(n) * es);
}

// TF's DynamicStitchOpCPU: merged[indices[m][i, ...]] = data[m][i, ..., :].
void dynamic_stitch_kernel(KernelContext& ctx) {
  const int n = ctx.num_inputs() / 2;
  int64_t max_index = -1;
  for (int m = 0; m < n; ++m) {
    const Tensor& idx = ctx.input(m);
    for (int64_t i = 0; i < idx.num_elements(); ++i) max_index = std::max(max_index, int_at(idx, i));
  }
  const Tensor& data0 = ctx.input(n);
  const Tensor& indices0 = ctx.input(0);
  for (int m = 0; m < n; ++m) {
    const Tensor& idx = ctx.input(m);
    const Tensor& data = ctx.input(n + m);
    if (!starts_with(data.shape(), idx.shape()))
      fail(Code::kInvalidArgument,
           fmt::format("data[{}].shape = {} does not start with indices[{}].shape = {}", m,
                       shape_string(data.shape()), m, shape_string(idx.shape())));
    const std::vector<int64_t> extra0(data0.shape().begin() + indices0.shape().size(),
                                      data0.shape().end());
    const std::vector<int64_t> extra(data.shape().begin() + idx.shape().size(),
                                     data.shape().end());
    if (m > 0 && extra != extra0)
      fail(Code::kInvalidArgument,
           fmt::format("Need data[0].shape[{}:] = data[{}].shape[{}:], got data[0].shape = {}, "
                       "data[{}].shape = {}, indices[0].shape = {}, indices[{}].shape = {}",
                       indices0.shape().size(), m, idx.shape().size(),
                       shape_string(data0.shape()), m, shape_string(data.shape()),
                       shape_string(indices0.shape()), m, shape_string(idx.shape())));
  }
  const int64_t first = max_index + 1;
  std::vector<int64_t> out_shape = {first};
  int64_t slice = 1;
  for (size_t d = indices0.shape().size(); d < data0.shape().size(); ++d) {
    out_shape.push_back(data0.shape()[d]);
    slice *= data0.shape()[d];
  }
  Tensor& out = ctx.allocate_output(0, data0.dtype(), out_shape);
  if (out.dtype() != DataType::kString && out.byte_size()) std::memset(out.raw(), 0, out.byte_size());
  for (int m = 0; m < n; ++m) {
    const Tensor& idx = ctx.input(m);
    const Tensor& data = ctx.input(n + m);
    for (int64_t i = 0; i < idx.num_elements(); ++i) {
      const int64_t index = int_at(idx, i);
      if (index < 0 || index >= first)
        fail(Code::kInvalidArgument, fmt::format("indices[{}] is out of range", i));
      copy_elements(data, i * slice, out, index * slice, slice);
    }
  }
}

// TF's ListDiffOp: the values of x not in y, in x's order, and their positions in x.
void list_diff_kernel(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& y = ctx.input(1);
  if (x.shape().size() != 1) fail(Code::kInvalidArgument, "x should be a 1D vector.");
  if (y.shape().size() != 1) fail(Code::kInvalidArgument, "y should be a 1D vector.");
  const DataType idx_t = attr_type(ctx.op(), "out_idx") == DataType::kInt64 ? DataType::kInt64
                                                                            : DataType::kInt32;
  const int64_t nx = x.num_elements();
  if (idx_t == DataType::kInt32 && nx > std::numeric_limits<int32_t>::max())
    fail(Code::kInvalidArgument, "x too large for int32 indexing");
  std::vector<int64_t> keep;
  if (x.dtype() == DataType::kString) {
    const auto& xs = x.string_data();
    const auto& ys = y.string_data();
    for (int64_t i = 0; i < nx; ++i)
      if (std::find(ys.begin(), ys.end(), xs[i]) == ys.end()) keep.push_back(i);
  } else {
    dispatch(x.dtype(), "ListDiff", [&](auto tag) {
      using T = decltype(tag);
      const T* xv = x.data<T>();
      const T* yv = y.data<T>();
      std::vector<T> ys(yv, yv + y.num_elements());
      std::sort(ys.begin(), ys.end());
      for (int64_t i = 0; i < nx; ++i)
        if (!std::binary_search(ys.begin(), ys.end(), xv[i])) keep.push_back(i);
    });
  }
  const int64_t m = static_cast<int64_t>(keep.size());
  Tensor& out = ctx.allocate_output(0, x.dtype(), {m});
  Tensor& idx = ctx.allocate_output(1, idx_t, {m});
  for (int64_t k = 0; k < m; ++k) {
    copy_elements(x, keep[k], out, k, 1);
    set_int(idx, k, keep[k]);
  }
}

// TF's SplitVOp: pieces of `value` along split_dim with the given sizes (one may be -1).
void split_v_kernel(KernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& sizes_t = ctx.input(1);
  const Tensor& dim_t = ctx.input(2);
  const int num = ctx.num_outputs();
  if (dim_t.num_elements() != 1)
    fail(Code::kInvalidArgument, "split_dim_tensor must have exactly one element.");
  const int64_t rank = static_cast<int64_t>(in.shape().size());
  const int64_t dim_orig = int_at(dim_t, 0);
  const int64_t dim = dim_orig < 0 ? dim_orig + rank : dim_orig;
  if (sizes_t.shape().size() != 1 || sizes_t.num_elements() != num)
    fail(Code::kInvalidArgument,
         fmt::format("size of the split_tensor must be 1-D and have the same elements as "
                     "outputs got {} -D and {} elements",
                     sizes_t.shape().size(), sizes_t.num_elements()));
  std::vector<int64_t> sizes(static_cast<size_t>(num));
  for (int i = 0; i < num; ++i) sizes[i] = int_at(sizes_t, i);
  if (num <= 0)
    fail(Code::kInvalidArgument,
         fmt::format("Number of ways to split should be > 0, but got {}", num));
  if (dim < 0 || dim >= rank)
    fail(Code::kInvalidArgument,
         fmt::format("-input rank(-{}) <= split_dim < input rank ({}), but got {}", rank, rank,
                     dim_orig));
  const int64_t along = in.shape()[dim];
  if (num == 1) {
    if (sizes[0] != along)
      fail(Code::kInvalidArgument,
           fmt::format("If there is only one output, it must have the same size as the input. "
                       "Input size: {} output size: {}",
                       along, sizes[0]));
    ctx.set_output(0, in);
    return;
  }
  int neg_one = -1;
  int64_t determined = 0;
  for (int i = 0; i < num; ++i) {
    if (sizes[i] == -1) {
      if (neg_one != -1) fail(Code::kInvalidArgument, "There can only be one -1 in the input.");
      neg_one = i;
    } else {
      determined += sizes[i];
    }
  }
  bool bad_size = false;
  for (int i = 0; i < num; ++i) bad_size |= sizes[i] < -1;
  if (bad_size || !((neg_one == -1 && determined == along) || (neg_one >= 0 && determined <= along)))
    fail(Code::kInvalidArgument,
         fmt::format("Determined shape must either match input shape along split_dim exactly if "
                     "fully specified, or be less than the size of the input along split_dim "
                     "if not fully specified.  Got: {}",
                     determined));
  if (neg_one >= 0) sizes[neg_one] = along - determined;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= in.shape()[d];
  for (int64_t d = dim + 1; d < rank; ++d) inner *= in.shape()[d];
  int64_t offset = 0;
  for (int i = 0; i < num; ++i) {
    std::vector<int64_t> shape = in.shape();
    shape[dim] = sizes[i];
    Tensor& o = ctx.allocate_output(i, in.dtype(), shape);
    const int64_t run = sizes[i] * inner;
    for (int64_t b = 0; b < outer; ++b)
      copy_elements(in, (b * along + offset) * inner, o, b * run, run);
    offset += sizes[i];
  }
}

}  // namespace

void register_stitch_kernels() {
  register_kernel_fn("DynamicStitch", &dynamic_stitch_kernel);
  register_kernel_fn("ListDiff", &list_diff_kernel);
  register_kernel_fn("SplitV", &split_v_kernel);
}

}  // namespace scopeflow::runtime::internal
