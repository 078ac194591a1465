// The GEMM behind MatMul, the batch products and the convolutions (Eigen's own; measured
// against OpenBLAS, see bench/mlp_bench.cc), and the MatMul/BatchMatMul(V2) kernels.
#define EIGEN_USE_THREADS
#include <fmt/format.h>

#include <Eigen/Dense>
#include <unsupported/Eigen/CXX11/Tensor>
#include <vector>

#include "nn_internal.h"
#include "scopeflow/graph/graph.h"

namespace scopeflow::runtime::internal {

namespace {
// Products of at least this many multiply-adds are split across the pool (below it the
// threads cost more than they save on 2 cores).
constexpr int64_t kThreadedGemmMacs = int64_t{1} << 25;
}  // namespace

template <typename T>
void nn_gemm(const KernelContext& ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
             const T* a, const T* b, T* c, bool accumulate) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate) std::fill(c, c + m * n, T(0));
    return;
  }
  if (m * n * k >= kThreadedGemmMacs && ctx.device_ != nullptr) {
    using In = Eigen::TensorMap<const Eigen::Tensor<T, 2, Eigen::RowMajor, Eigen::DenseIndex>>;
    using Out = Eigen::TensorMap<Eigen::Tensor<T, 2, Eigen::RowMajor, Eigen::DenseIndex>>;
    In A(a, ta ? k : m, ta ? m : k), B(b, tb ? n : k, tb ? k : n);
    Out C(c, m, n);
    Eigen::array<Eigen::IndexPair<Eigen::DenseIndex>, 1> dims{
        Eigen::IndexPair<Eigen::DenseIndex>(ta ? 0 : 1, tb ? 1 : 0)};
    if (accumulate)
      C.device(ctx.device()) += A.contract(B, dims);
    else
      C.device(ctx.device()) = A.contract(B, dims);
    return;
  }
  using RM = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const RM> A(a, ta ? k : m, ta ? m : k), B(b, tb ? n : k, tb ? k : n);
  Eigen::Map<RM> C(c, m, n);
  const T beta = accumulate ? T(1) : T(0);
  auto run = [&](const auto& x, const auto& y) {
    if (beta == T(0))
      C.noalias() = x * y;
    else
      C.noalias() += x * y;
  };
  if (!ta && !tb)
    run(A, B);
  else if (ta && !tb)
    run(A.transpose(), B);
  else if (!ta && tb)
    run(A, B.transpose());
  else
    run(A.transpose(), B.transpose());
}

template void nn_gemm<float>(const KernelContext&, bool, bool, int64_t, int64_t, int64_t,
                             const float*, const float*, float*, bool);
template void nn_gemm<double>(const KernelContext&, bool, bool, int64_t, int64_t, int64_t,
                              const double*, const double*, double*, bool);

void nn_parallel_rows(const KernelContext& ctx, int64_t n, int64_t cost_per_row,
                      const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (ctx.device_ == nullptr || !KernelContext::large(n * cost_per_row) || n == 1) {
    fn(0, n);
    return;
  }
  ctx.device().parallelFor(
      n, Eigen::TensorOpCost(0, 0, static_cast<double>(cost_per_row)),
      [&](Eigen::Index b, Eigen::Index e) { fn(b, e); });
}

namespace {

class MatMulKernel : public OpKernel {
 public:
  explicit MatMulKernel(Operation op)
      : ta_(attr_bool(op, "transpose_a")), tb_(attr_bool(op, "transpose_b")) {}
  void compute(KernelContext& ctx) override {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    if (a.shape().size() != 2)
      fail(Code::kInvalidArgument,
           "In[0] is not a matrix. Instead it has shape " + shape_string(a.shape()));
    if (b.shape().size() != 2)
      fail(Code::kInvalidArgument,
           "In[1] is not a matrix. Instead it has shape " + shape_string(b.shape()));
    const int64_t m = a.shape()[ta_ ? 1 : 0], k = a.shape()[ta_ ? 0 : 1];
    const int64_t kb = b.shape()[tb_ ? 1 : 0], n = b.shape()[tb_ ? 0 : 1];
    if (k != kb)
      fail(Code::kInvalidArgument,
           fmt::format("Matrix size-incompatible: In[0]: {}, In[1]: {}", shape_string(a.shape()),
                       shape_string(b.shape())));
    float_dispatch(a.dtype(), "MatMul", [&](auto tag) {
      using T = decltype(tag);
      Tensor& out = ctx.allocate_output(0, a.dtype(), {m, n});
      nn_gemm<T>(ctx, ta_, tb_, m, n, k, a.data<T>(), b.data<T>(), out.data<T>());
    });
  }

 private:
  bool ta_, tb_;
};

template <bool kV2>
class BatchMatMulKernel : public OpKernel {
 public:
  explicit BatchMatMulKernel(Operation op)
      : adj_x_(attr_bool(op, "adj_x")), adj_y_(attr_bool(op, "adj_y")) {}
  void compute(KernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const Tensor& y = ctx.input(1);
    const auto& sx = x.shape();
    const auto& sy = y.shape();
    const int rx = static_cast<int>(sx.size()), ry = static_cast<int>(sy.size());
    if (!kV2 && rx != ry)
      fail(Code::kInvalidArgument,
           fmt::format("In[0] and In[1] has different ndims: {} vs. {}", shape_string(sx),
                       shape_string(sy)));
    if (rx < 2) fail(Code::kInvalidArgument, fmt::format("In[0] ndims must be >= 2: {}", rx));
    if (ry < 2) fail(Code::kInvalidArgument, fmt::format("In[1] ndims must be >= 2: {}", ry));
    // Batch dims: equal (V1) or broadcast (V2).
    const int rb = std::max(rx, ry) - 2;
    std::vector<int64_t> batch(rb), bx(rb), by(rb);
    for (int i = 0; i < rb; ++i) {
      const int ix = rx - 2 - rb + i, iy = ry - 2 - rb + i;
      bx[i] = ix >= 0 ? sx[ix] : 1;
      by[i] = iy >= 0 ? sy[iy] : 1;
      if (bx[i] == by[i] || (kV2 && (bx[i] == 1 || by[i] == 1))) {
        batch[i] = bx[i] == 1 ? by[i] : bx[i];
      } else if (kV2) {
        fail(Code::kInvalidArgument,
             fmt::format("In[0] and In[1] must have compatible batch dimensions: {} vs. {}",
                         shape_string(sx), shape_string(sy)));
      } else {
        fail(Code::kInvalidArgument,
             fmt::format("In[0].dim({}) and In[1].dim({}) must be the same: {} vs {}", i, i,
                         shape_string(sx), shape_string(sy)));
      }
    }
    const int64_t m = adj_x_ ? sx[rx - 1] : sx[rx - 2], k = adj_x_ ? sx[rx - 2] : sx[rx - 1];
    const int64_t ky = adj_y_ ? sy[ry - 1] : sy[ry - 2], n = adj_y_ ? sy[ry - 2] : sy[ry - 1];
    if (k != ky)
      fail(Code::kInvalidArgument,
           fmt::format("In[0] mismatch In[1] shape: {} vs. {}: {} {} {} {}", k, ky,
                       shape_string(sx), shape_string(sy), adj_x_ ? 1 : 0, adj_y_ ? 1 : 0));
    std::vector<int64_t> out_shape = batch;
    out_shape.push_back(m);
    out_shape.push_back(n);
    int64_t nb = 1;
    for (int64_t d : batch) nb *= d;
    float_dispatch(x.dtype(), ctx.op().type(), [&](auto tag) {
      using T = decltype(tag);
      Tensor& out = ctx.allocate_output(0, x.dtype(), out_shape);
      const T* px = x.data<T>();
      const T* py = y.data<T>();
      T* po = out.data<T>();
      std::vector<int64_t> idx(rb, 0);
      for (int64_t bi = 0; bi < nb; ++bi) {
        int64_t ox = 0, oy = 0;
        for (int i = 0; i < rb; ++i) {
          ox = ox * bx[i] + (bx[i] == 1 ? 0 : idx[i]);
          oy = oy * by[i] + (by[i] == 1 ? 0 : idx[i]);
        }
        nn_gemm<T>(ctx, adj_x_, adj_y_, m, n, k, px + ox * m * k, py + oy * k * n,
                   po + bi * m * n);
        for (int i = rb - 1; i >= 0; --i) {
          if (++idx[i] < batch[i]) break;
          idx[i] = 0;
        }
      }
    });
  }

 private:
  bool adj_x_, adj_y_;
};

template <typename K>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<K>(op);
}

}  // namespace

void register_nn_matmul_kernels() {
  register_kernel("MatMul", &make<MatMulKernel>);
  register_kernel("BatchMatMul", &make<BatchMatMulKernel<false>>);
  register_kernel("BatchMatMulV2", &make<BatchMatMulKernel<true>>);
}

}  // namespace scopeflow::runtime::internal
