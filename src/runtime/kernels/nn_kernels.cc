// CPU kernels of the nn ops: BiasAdd, the activations and their gradients, Softmax,
// LogSoftmax and the cross entropies. MatMul, reductions and convolutions live in
// nn_matmul.cc, nn_reduce.cc and nn_conv.cc; all are registered from here.
#define EIGEN_USE_THREADS
#include <fmt/format.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <unsupported/Eigen/CXX11/Tensor>
#include <vector>

#include "nn_internal.h"
#include "scopeflow/graph/graph.h"

namespace scopeflow::runtime::internal {

namespace {

template <typename T>
using Flat = Eigen::TensorMap<Eigen::Tensor<T, 1, Eigen::RowMajor, Eigen::DenseIndex>>;
template <typename T>
using ConstFlat = Eigen::TensorMap<const Eigen::Tensor<T, 1, Eigen::RowMajor, Eigen::DenseIndex>>;
template <typename T>
using Row = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <typename T>
using ConstRow = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

// out = expr, on the pool when large.
template <typename T, typename Expr>
void assign(const KernelContext& ctx, Flat<T>& out, const Expr& e) {
  if (KernelContext::large(out.size()))
    out.device(ctx.device()) = e;
  else
    out = e;
}

// ---- Activations ----

enum class Act { kRelu, kRelu6, kElu, kSigmoid, kTanh };

template <Act kAct>
void activation(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  float_dispatch(x.dtype(), ctx.op().type(), [&](auto tag) {
    using T = decltype(tag);
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    ConstFlat<T> in(x.data<T>(), x.num_elements());
    Flat<T> out(y.data<T>(), y.num_elements());
    if constexpr (kAct == Act::kRelu) assign<T>(ctx, out, in.cwiseMax(T(0)));
    if constexpr (kAct == Act::kRelu6) assign<T>(ctx, out, in.cwiseMax(T(0)).cwiseMin(T(6)));
    if constexpr (kAct == Act::kElu)
      assign<T>(ctx, out, (in < T(0)).select(in.exp() - in.constant(T(1)), in));
    if constexpr (kAct == Act::kSigmoid) assign<T>(ctx, out, in.sigmoid());
    if constexpr (kAct == Act::kTanh) assign<T>(ctx, out, in.tanh());
  });
}

// ReluGrad(gradients, features), Relu6Grad, EluGrad(gradients, outputs): TF's message for
// mismatched sizes.
template <Act kAct>
void activation_grad(KernelContext& ctx) {
  const Tensor& g = ctx.input(0);
  const Tensor& a = ctx.input(1);
  if (g.shape() != a.shape()) fail(Code::kInvalidArgument, "g and a must be the same size");
  float_dispatch(g.dtype(), ctx.op().type(), [&](auto tag) {
    using T = decltype(tag);
    Tensor& y = ctx.allocate_output(0, g.dtype(), g.shape());
    ConstFlat<T> gr(g.data<T>(), g.num_elements()), f(a.data<T>(), a.num_elements());
    Flat<T> out(y.data<T>(), y.num_elements());
    if constexpr (kAct == Act::kRelu) assign<T>(ctx, out, gr * (f > T(0)).template cast<T>());
    if constexpr (kAct == Act::kRelu6)
      assign<T>(ctx, out, gr * ((f > T(0)) && (f < T(6))).template cast<T>());
    if constexpr (kAct == Act::kElu)
      assign<T>(ctx, out, (f < T(0)).select((f + f.constant(T(1))) * gr, gr));
  });
}

// SigmoidGrad(y, dy) = dy * y * (1 - y); TanhGrad(y, dy) = dy * (1 - y * y).
template <Act kAct>
void cwise_grad(KernelContext& ctx) {
  const Tensor& y = ctx.input(0);
  const Tensor& dy = ctx.input(1);
  if (y.shape() != dy.shape())
    fail(Code::kInvalidArgument,
         fmt::format("Inputs to operation {} of type {} must have the same size and shape.  "
                     "Input 0: {} != input 1: {}",
                     ctx.op().name(), ctx.op().type(), shape_string(y.shape()),
                     shape_string(dy.shape())));
  float_dispatch(y.dtype(), ctx.op().type(), [&](auto tag) {
    using T = decltype(tag);
    Tensor& z = ctx.allocate_output(0, y.dtype(), y.shape());
    ConstFlat<T> a(y.data<T>(), y.num_elements()), d(dy.data<T>(), dy.num_elements());
    Flat<T> out(z.data<T>(), z.num_elements());
    if constexpr (kAct == Act::kSigmoid) assign<T>(ctx, out, d * a * (a.constant(T(1)) - a));
    if constexpr (kAct == Act::kTanh) assign<T>(ctx, out, d * (a.constant(T(1)) - a * a));
  });
}

// ---- BiasAdd ----

class BiasAddKernel : public OpKernel {
 public:
  explicit BiasAddKernel(Operation op) : nchw_(attr_string(op, "data_format") == "NCHW") {}
  void compute(KernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const Tensor& bias = ctx.input(1);
    const auto& s = x.shape();
    if (s.size() < 2)
      fail(Code::kInvalidArgument, "Input tensor must be at least 2D: " + shape_string(s));
    if (bias.shape().size() != 1)
      fail(Code::kInvalidArgument, "Biases must be 1D: " + shape_string(bias.shape()));
    const size_t axis = nchw_ ? 1 : s.size() - 1;
    const int64_t channels = s[axis];
    if (bias.shape()[0] != channels)
      fail(Code::kInvalidArgument,
           fmt::format("Must provide as many biases as the {} dimension of the input tensor: {} "
                       "vs. {}",
                       nchw_ ? "channel" : "last", shape_string(bias.shape()), shape_string(s)));
    int64_t inner = 1;  // elements per channel run
    for (size_t i = axis + 1; i < s.size(); ++i) inner *= s[i];
    float_dispatch(x.dtype(), "BiasAdd", [&](auto tag) {
      using T = decltype(tag);
      Tensor& y = ctx.allocate_output(0, x.dtype(), s);
      const T* in = x.data<T>();
      const T* b = bias.data<T>();
      T* out = y.data<T>();
      const int64_t rows = channels == 0 ? 0 : x.num_elements() / (channels * inner);
      nn_parallel_rows(ctx, rows, channels * inner, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          const T* xi = in + r * channels * inner;
          T* yo = out + r * channels * inner;
          if (inner == 1) {
            for (int64_t c = 0; c < channels; ++c) yo[c] = xi[c] + b[c];
          } else {
            for (int64_t c = 0; c < channels; ++c)
              for (int64_t i = 0; i < inner; ++i) yo[c * inner + i] = xi[c * inner + i] + b[c];
          }
        }
      });
    });
  }

 private:
  bool nchw_;
};

class BiasAddGradKernel : public OpKernel {
 public:
  explicit BiasAddGradKernel(Operation op) : nchw_(attr_string(op, "data_format") == "NCHW") {}
  void compute(KernelContext& ctx) override {
    const Tensor& g = ctx.input(0);
    const auto& s = g.shape();
    if (s.size() < 2)
      fail(Code::kInvalidArgument, "Input tensor must be at least 2D: " + shape_string(s));
    const size_t axis = nchw_ ? 1 : s.size() - 1;
    const int64_t channels = s[axis];
    int64_t inner = 1;
    for (size_t i = axis + 1; i < s.size(); ++i) inner *= s[i];
    float_dispatch(g.dtype(), "BiasAddGrad", [&](auto tag) {
      using T = decltype(tag);
      Tensor& y = ctx.allocate_output(0, g.dtype(), {channels});
      T* out = y.data<T>();
      std::fill(out, out + channels, T(0));
      const T* in = g.data<T>();
      const int64_t rows = channels == 0 ? 0 : g.num_elements() / (channels * inner);
      for (int64_t r = 0; r < rows; ++r) {
        const T* gi = in + r * channels * inner;
        if (inner == 1) {
          for (int64_t c = 0; c < channels; ++c) out[c] += gi[c];
        } else {
          for (int64_t c = 0; c < channels; ++c)
            out[c] += ConstRow<T>(gi + c * inner, inner).sum();
        }
      }
    });
  }

 private:
  bool nchw_;
};

// ---- Softmax ----

template <bool kLog>
void softmax(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (x.shape().empty())
    fail(Code::kInvalidArgument, "logits must have >= 1 dimension, got " + shape_string(x.shape()));
  float_dispatch(x.dtype(), ctx.op().type(), [&](auto tag) {
    using T = decltype(tag);
    Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
    const int64_t cols = x.shape().back();
    const int64_t rows = cols == 0 ? 0 : x.num_elements() / cols;
    const T* in = x.data<T>();
    T* out = y.data<T>();
    nn_parallel_rows(ctx, rows, cols * 8, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        ConstRow<T> xr(in + r * cols, cols);
        Row<T> yr(out + r * cols, cols);
        const T mx = xr.maxCoeff();
        if constexpr (kLog) {
          yr = xr - mx;
          const T lse = std::log(yr.exp().sum());
          yr -= lse;
        } else {
          yr = (xr - mx).exp();
          yr /= yr.sum();
        }
      }
    });
  });
}

// ---- Cross entropies ----

// loss[r] = sum(labels * (log(sum(exp(shifted))) - shifted)), backprop = softmax - labels.
template <typename T>
void xent_rows(const KernelContext& ctx, int64_t rows, int64_t cols, const T* logits,
               const T* labels, T* loss, T* backprop) {
  nn_parallel_rows(ctx, rows, cols * 10, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      ConstRow<T> l(logits + r * cols, cols), y(labels + r * cols, cols);
      Row<T> bp(backprop + r * cols, cols);
      const T mx = l.maxCoeff();
      bp = l - mx;  // shifted
      const T sum = bp.exp().sum();
      const T log_sum = std::log(sum);
      loss[r] = (y * (log_sum - bp)).sum();
      bp = bp.exp() / sum - y;
    }
  });
}

void softmax_xent(KernelContext& ctx) {
  const Tensor& logits = ctx.input(0);
  const Tensor& labels = ctx.input(1);
  std::vector<int64_t> shape = logits.shape();
  const auto& sl = logits.shape();
  const auto& sy = labels.shape();
  const bool same = sl == sy;
  if (!same) {
    // numpy broadcasting of the two shapes.
    const size_t r = std::max(sl.size(), sy.size());
    shape.assign(r, 1);
    for (size_t i = 0; i < r; ++i) {
      const int64_t a = i + sl.size() >= r ? sl[i + sl.size() - r] : 1;
      const int64_t b = i + sy.size() >= r ? sy[i + sy.size() - r] : 1;
      if (a != b && a != 1 && b != 1)
        fail(Code::kInvalidArgument,
             fmt::format("logits and labels must be broadcastable: logits_size={} labels_size={}",
                         shape_string(sl), shape_string(sy)));
      shape[i] = a == 1 ? b : a;
    }
  }
  if (shape.size() != 2)
    fail(Code::kInvalidArgument,
         "logits and labels must be either 2-dimensional, or broadcasted to be 2-dimensional");
  float_dispatch(logits.dtype(), "SoftmaxCrossEntropyWithLogits", [&](auto tag) {
    using T = decltype(tag);
    const int64_t rows = shape[0], cols = shape[1];
    // Materialize broadcast operands (rare).
    auto expand = [&](const Tensor& t) {
      if (t.shape() == shape) return t;
      Tensor e(t.dtype(), shape);
      const auto& s = t.shape();
      const int64_t tr = s.size() == 2 ? s[0] : 1, tc = s.empty() ? 1 : s.back();
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j)
          e.data<T>()[i * cols + j] =
              t.data<T>()[(tr == 1 ? 0 : i) * tc + (tc == 1 ? 0 : j)];
      return e;
    };
    const Tensor l = same ? logits : expand(logits);
    const Tensor y = same ? labels : expand(labels);
    Tensor& loss = ctx.allocate_output(0, logits.dtype(), {rows});
    Tensor& bp = ctx.allocate_output(1, logits.dtype(), {rows, cols});
    xent_rows<T>(ctx, rows, cols, l.data<T>(), y.data<T>(), loss.data<T>(), bp.data<T>());
  });
}

void sparse_softmax_xent(KernelContext& ctx) {
  const Tensor& logits = ctx.input(0);
  const Tensor& labels = ctx.input(1);
  const auto& sl = logits.shape();
  const auto& sy = labels.shape();
  if (sl.size() != 2)
    fail(Code::kInvalidArgument, "logits must be 2-D, but got shape " + shape_string(sl));
  if (sy.size() != 1)
    fail(Code::kInvalidArgument, "labels must be 1-D, but got shape " + shape_string(sy));
  if (sl[0] != sy[0])
    fail(Code::kInvalidArgument,
         fmt::format("logits and labels must have the same first dimension, got logits shape {} "
                     "and labels shape {}",
                     shape_string(sl), shape_string(sy)));
  if (sl[1] == 0)
    fail(Code::kInvalidArgument,
         "Must have at least one class, but got logits shape " + shape_string(sl));
  const int64_t rows = sl[0], cols = sl[1];
  std::vector<int64_t> idx(static_cast<size_t>(rows));
  if (labels.dtype() == DataType::kInt32) {
    for (int64_t i = 0; i < rows; ++i) idx[i] = labels.data<int32_t>()[i];
  } else if (labels.dtype() == DataType::kInt64) {
    for (int64_t i = 0; i < rows; ++i) idx[i] = labels.data<int64_t>()[i];
  } else {
    fail(Code::kInvalidArgument,
         "No OpKernel was registered to support Op 'SparseSoftmaxCrossEntropyWithLogits' with "
         "dtype " + dtype_name(labels.dtype()));
  }
  for (int64_t i = 0; i < rows; ++i) {
    if (idx[i] < 0 || idx[i] >= cols)
      fail(Code::kInvalidArgument,
           fmt::format("Received a label value of {} which is outside the valid range of [0, "
                       "{}).  Label values: {}",
                       idx[i], cols, fmt::join(idx, " ")));
  }
  float_dispatch(logits.dtype(), "SparseSoftmaxCrossEntropyWithLogits", [&](auto tag) {
    using T = decltype(tag);
    Tensor& loss = ctx.allocate_output(0, logits.dtype(), {rows});
    Tensor& bpt = ctx.allocate_output(1, logits.dtype(), {rows, cols});
    const T* in = logits.data<T>();
    T* lo = loss.data<T>();
    T* bpo = bpt.data<T>();
    nn_parallel_rows(ctx, rows, cols * 10, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        ConstRow<T> l(in + r * cols, cols);
        Row<T> bp(bpo + r * cols, cols);
        const T mx = l.maxCoeff();
        bp = l - mx;
        const T shifted_label = bp[idx[r]];
        const T sum = bp.exp().sum();
        lo[r] = std::log(sum) - shifted_label;
        bp = bp.exp() / sum;
        bp[idx[r]] -= T(1);
      }
    });
  });
}

template <typename K>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<K>(op);
}

}  // namespace

void register_nn_kernels() {
  register_kernel_fn("Relu", &activation<Act::kRelu>);
  register_kernel_fn("Relu6", &activation<Act::kRelu6>);
  register_kernel_fn("Elu", &activation<Act::kElu>);
  register_kernel_fn("Sigmoid", &activation<Act::kSigmoid>);
  register_kernel_fn("Tanh", &activation<Act::kTanh>);
  register_kernel_fn("ReluGrad", &activation_grad<Act::kRelu>);
  register_kernel_fn("Relu6Grad", &activation_grad<Act::kRelu6>);
  register_kernel_fn("EluGrad", &activation_grad<Act::kElu>);
  register_kernel_fn("SigmoidGrad", &cwise_grad<Act::kSigmoid>);
  register_kernel_fn("TanhGrad", &cwise_grad<Act::kTanh>);
  register_kernel("BiasAdd", &make<BiasAddKernel>);
  register_kernel("BiasAddGrad", &make<BiasAddGradKernel>);
  register_kernel_fn("Softmax", &softmax<false>);
  register_kernel_fn("LogSoftmax", &softmax<true>);
  register_kernel_fn("SoftmaxCrossEntropyWithLogits", &softmax_xent);
  register_kernel_fn("SparseSoftmaxCrossEntropyWithLogits", &sparse_softmax_xent);
  register_nn_matmul_kernels();
  register_nn_reduce_kernels();
  register_nn_conv_kernels();
}

}  // namespace scopeflow::runtime::internal
