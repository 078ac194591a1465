// CPU kernels of the reductions (Sum, Mean, Max, Min, Prod), ArgMax/ArgMin and L2Loss.
// A reduction first merges adjacent dimensions that are all reduced or all kept; the common
// layouts ([K,R], [R,K], [K,R,K], [R,K,R], [R]) then run as Eigen reductions, anything else
// as a plain loop.
#define EIGEN_USE_THREADS
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <unsupported/Eigen/CXX11/Tensor>
#include <vector>

#include "nn_internal.h"
#include "scopeflow/graph/graph.h"

namespace scopeflow::runtime::internal {

namespace {

enum class Red { kSum, kMean, kMax, kMin, kProd };

// The reductions run on float, double, int32 and int64 only.
template <typename F>
void reduce_dispatch(DataType t, std::string_view op_type, F&& f) {
  dispatch(t, op_type, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> ||
                  std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
      f(tag);
    } else {
      fail_no_kernel(op_type, t);
    }
  });
}

template <Red kRed, typename T>
auto eigen_reducer() {
  if constexpr (kRed == Red::kSum) return Eigen::internal::SumReducer<T>();
  if constexpr (kRed == Red::kMean) return Eigen::internal::SumReducer<T>();  // divided after
  if constexpr (kRed == Red::kMax) return Eigen::internal::MaxReducer<T>();
  if constexpr (kRed == Red::kMin) return Eigen::internal::MinReducer<T>();
  if constexpr (kRed == Red::kProd) return Eigen::internal::ProdReducer<T>();
}

template <Red kRed, typename T>
T identity() {
  if constexpr (kRed == Red::kSum || kRed == Red::kMean) return T(0);
  if constexpr (kRed == Red::kProd) return T(1);
  if constexpr (kRed == Red::kMax)
    return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                : std::numeric_limits<T>::lowest();
  if constexpr (kRed == Red::kMin)
    return std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                                : std::numeric_limits<T>::max();
}

template <Red kRed, typename T>
T combine(T a, T b) {
  if constexpr (kRed == Red::kSum || kRed == Red::kMean) return a + b;
  if constexpr (kRed == Red::kProd) return a * b;
  if constexpr (kRed == Red::kMax) return b > a ? b : a;
  if constexpr (kRed == Red::kMin) return b < a ? b : a;
}

template <Red kRed, typename T, int N, int R>
void eigen_reduce(const KernelContext& ctx, const T* in, T* out, const std::vector<int64_t>& dims,
                  const Eigen::array<Eigen::DenseIndex, R>& axes, int64_t out_n) {
  Eigen::array<Eigen::DenseIndex, N> d{};
  for (int i = 0; i < N; ++i) d[i] = dims[i];
  Eigen::TensorMap<const Eigen::Tensor<T, N, Eigen::RowMajor, Eigen::DenseIndex>> x(in, d);
  Eigen::array<Eigen::DenseIndex, N - R> o{};
  for (int i = 0, k = 0; i < N; ++i) {
    bool reduced = false;
    for (int j = 0; j < R; ++j) reduced |= axes[j] == i;
    if (!reduced) o[k++] = d[i];
  }
  Eigen::TensorMap<Eigen::Tensor<T, N - R, Eigen::RowMajor, Eigen::DenseIndex>> y(out, o);
  (void)out_n;
  if (KernelContext::large(x.size()))
    y.device(ctx.device()) = x.reduce(axes, eigen_reducer<kRed, T>());
  else
    y = x.reduce(axes, eigen_reducer<kRed, T>());
}

// Full reduction to a scalar.
template <Red kRed, typename T>
void eigen_reduce_all(const KernelContext& ctx, const T* in, int64_t n, T* out) {
  Eigen::TensorMap<const Eigen::Tensor<T, 1, Eigen::RowMajor, Eigen::DenseIndex>> x(in, n);
  Eigen::TensorMap<Eigen::Tensor<T, 0, Eigen::RowMajor, Eigen::DenseIndex>> y(out);
  Eigen::array<Eigen::DenseIndex, 1> axes{0};
  if (KernelContext::large(n))
    y.device(ctx.device()) = x.reduce(axes, eigen_reducer<kRed, T>());
  else
    y = x.reduce(axes, eigen_reducer<kRed, T>());
}

template <Red kRed>
class ReductionKernel : public OpKernel {
 public:
  explicit ReductionKernel(Operation op) : keep_dims_(attr_bool(op, "keep_dims")) {}

  void compute(KernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const Tensor& axes_t = ctx.input(1);
    const auto& s = x.shape();
    const int rank = static_cast<int>(s.size());
    if (axes_t.shape().size() > 1)
      fail(Code::kInvalidArgument,
           "reduction_indices must be a scalar or a vector, got shape " +
               shape_string(axes_t.shape()));
    std::vector<bool> reduced(rank, false);
    for (int64_t i = 0; i < axes_t.num_elements(); ++i) {
      const int64_t a = axes_t.dtype() == DataType::kInt64 ? axes_t.data<int64_t>()[i]
                                                           : axes_t.data<int32_t>()[i];
      if (a < -rank || a >= rank)
        fail(Code::kInvalidArgument,
             fmt::format("Invalid reduction dimension ({} for input with {} dimension(s)", a,
                         rank));
      reduced[a < 0 ? a + rank : a] = true;
    }
    std::vector<int64_t> out_shape;
    int64_t out_n = 1, red_n = 1;
    for (int i = 0; i < rank; ++i) {
      if (reduced[i]) {
        red_n *= s[i];
        if (keep_dims_) out_shape.push_back(1);
      } else {
        out_n *= s[i];
        out_shape.push_back(s[i]);
      }
    }
    // Merge adjacent dimensions of the same kind, dropping 1s.
    std::vector<int64_t> dims;
    std::vector<bool> kinds;
    for (int i = 0; i < rank; ++i) {
      if (s[i] == 1) continue;
      if (!kinds.empty() && kinds.back() == reduced[i]) {
        dims.back() *= s[i];
      } else {
        dims.push_back(s[i]);
        kinds.push_back(reduced[i]);
      }
    }
    reduce_dispatch(x.dtype(), ctx.op().type(), [&](auto tag) {
      using T = decltype(tag);
      Tensor& y = ctx.allocate_output(0, x.dtype(), out_shape);
      const T* in = x.data<T>();
      T* out = y.data<T>();
      if (out_n == 0) return;
      if (red_n == 0) {
        T v = identity<kRed, T>();
        if constexpr (kRed == Red::kMean && std::numeric_limits<T>::has_quiet_NaN)
          v = std::numeric_limits<T>::quiet_NaN();
        std::fill(out, out + out_n, v);
        return;
      }
      const size_t nd = dims.size();
      if (nd == 0 || (nd == 1 && !kinds[0])) {
        std::copy(in, in + out_n, out);  // nothing to reduce
      } else if (nd == 1) {
        eigen_reduce_all<kRed, T>(ctx, in, dims[0], out);
      } else if (nd == 2) {
        eigen_reduce<kRed, T, 2, 1>(ctx, in, out, dims, {kinds[0] ? 0 : 1}, out_n);
      } else if (nd == 3 && !kinds[0]) {
        eigen_reduce<kRed, T, 3, 1>(ctx, in, out, dims, {1}, out_n);
      } else if (nd == 3) {
        eigen_reduce<kRed, T, 3, 2>(ctx, in, out, dims, {0, 2}, out_n);
      } else {
        generic(in, out, dims, kinds, out_n);
      }
      if constexpr (kRed == Red::kMean) {
        const T count = static_cast<T>(red_n);
        for (int64_t i = 0; i < out_n; ++i) out[i] /= count;
      }
    });
  }

 private:
  // Any layout: walk the input once, each element folded into its output slot.
  template <typename T>
  static void generic(const T* in, T* out, const std::vector<int64_t>& dims,
                      const std::vector<bool>& kinds, int64_t out_n) {
    const size_t nd = dims.size();
    std::vector<int64_t> ostride(nd, 0);
    int64_t st = 1;
    for (size_t i = nd; i-- > 0;) {
      if (!kinds[i]) {
        ostride[i] = st;
        st *= dims[i];
      }
    }
    std::fill(out, out + out_n, identity<kRed, T>());
    std::vector<int64_t> idx(nd, 0);
    int64_t total = 1;
    for (int64_t d : dims) total *= d;
    int64_t o = 0;
    for (int64_t i = 0; i < total; ++i) {
      out[o] = combine<kRed, T>(out[o], in[i]);
      for (size_t k = nd; k-- > 0;) {
        o += ostride[k];
        if (++idx[k] < dims[k]) break;
        o -= ostride[k] * dims[k];
        idx[k] = 0;
      }
    }
  }

  bool keep_dims_;
};

template <bool kMax>
class ArgKernel : public OpKernel {
 public:
  explicit ArgKernel(Operation op) : out_type_(attr_type(op, "output_type")) {
    if (out_type_ == DataType::kInvalid) out_type_ = DataType::kInt64;
  }
  void compute(KernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const Tensor& d = ctx.input(1);
    if (d.num_elements() != 1)
      fail(Code::kInvalidArgument,
           "dim must be a scalar, but received tensor of shape: " + shape_string(d.shape()));
    const int64_t dim = d.dtype() == DataType::kInt64 ? d.data<int64_t>()[0] : d.data<int32_t>()[0];
    const auto& s = x.shape();
    const int rank = static_cast<int>(s.size());
    if (dim < -rank || dim >= rank)
      fail(Code::kInvalidArgument,
           fmt::format("Expected dimension in the range [{}, {}), but got {}", -rank, rank, dim));
    const int axis = static_cast<int>(dim < 0 ? dim + rank : dim);
    if (s[axis] == 0)
      fail(Code::kInvalidArgument,
           fmt::format("Reduction axis {} is empty in shape {}", dim, shape_string(s)));
    std::vector<int64_t> out_shape;
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < rank; ++i) {
      if (i != axis) out_shape.push_back(s[i]);
      if (i < axis) outer *= s[i];
      if (i > axis) inner *= s[i];
    }
    const int64_t len = s[axis];
    reduce_dispatch(x.dtype(), ctx.op().type(), [&](auto tag) {
      using T = decltype(tag);
      const T* in = x.data<T>();
      auto run = [&](auto otag) {
        using O = decltype(otag);
        Tensor& y = ctx.allocate_output(0, out_type_, out_shape);
        O* out = y.data<O>();
        nn_parallel_rows(ctx, outer, len * inner, [&](int64_t o0, int64_t o1) {
          std::vector<T> best(static_cast<size_t>(inner));
          for (int64_t o = o0; o < o1; ++o) {
            const T* base = in + o * len * inner;
            O* res = out + o * inner;
            for (int64_t i = 0; i < inner; ++i) {
              best[i] = base[i];
              res[i] = 0;
            }
            for (int64_t j = 1; j < len; ++j) {
              const T* row = base + j * inner;
              for (int64_t i = 0; i < inner; ++i) {
                if (kMax ? row[i] > best[i] : row[i] < best[i]) {
                  best[i] = row[i];
                  res[i] = static_cast<O>(j);
                }
              }
            }
          }
        });
      };
      if (out_type_ == DataType::kInt32)
        run(int32_t{});
      else
        run(int64_t{});
    });
  }

 private:
  DataType out_type_;
};

void l2_loss(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  float_dispatch(x.dtype(), "L2Loss", [&](auto tag) {
    using T = decltype(tag);
    Tensor& y = ctx.allocate_output(0, x.dtype(), {});
    Eigen::TensorMap<const Eigen::Tensor<T, 1, Eigen::RowMajor, Eigen::DenseIndex>> in(
        x.data<T>(), x.num_elements());
    Eigen::TensorMap<Eigen::Tensor<T, 0, Eigen::RowMajor, Eigen::DenseIndex>> out(y.data<T>());
    if (KernelContext::large(x.num_elements()))
      out.device(ctx.device()) = (in.square() * T(0.5)).sum();
    else
      out = (in.square() * T(0.5)).sum();
  });
}

template <typename K>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<K>(op);
}

}  // namespace

void register_nn_reduce_kernels() {
  register_kernel("Sum", &make<ReductionKernel<Red::kSum>>);
  register_kernel("Mean", &make<ReductionKernel<Red::kMean>>);
  register_kernel("Max", &make<ReductionKernel<Red::kMax>>);
  register_kernel("Min", &make<ReductionKernel<Red::kMin>>);
  register_kernel("Prod", &make<ReductionKernel<Red::kProd>>);
  register_kernel("ArgMax", &make<ArgKernel<true>>);
  register_kernel("ArgMin", &make<ArgKernel<false>>);
  register_kernel_fn("L2Loss", &l2_loss);
}

}  // namespace scopeflow::runtime::internal
