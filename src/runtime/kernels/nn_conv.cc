// CPU kernels of Conv2D (im2col + GEMM), its two backprops, MaxPool, AvgPool and their
// gradients. NHWC only (TF's CPU kernels are NHWC only too); TF's SAME/VALID arithmetic.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "nn_internal.h"
#include "scopeflow/graph/graph.h"

namespace scopeflow::runtime::internal {

namespace {

// One spatial dimension: output size and padding before (TF's GetWindowedOutputSizeVerboseV2).
struct Window {
  int64_t in, size, stride, dilation, out, pad;
};

Window window(int64_t in, int64_t size, int64_t stride, int64_t dilation, bool same) {
  Window w{in, size, stride, dilation, 0, 0};
  const int64_t eff = (size - 1) * dilation + 1;
  if (same) {
    w.out = (in + stride - 1) / stride;
    w.pad = std::max<int64_t>((w.out - 1) * stride + eff - in, 0) / 2;
  } else {
    w.out = (in - eff + stride) / stride;
    if (w.out < 0)
      fail(Code::kInvalidArgument,
           fmt::format("Computed output size would be negative: {} [input_size: {}, "
                       "effective_filter_size: {}, stride: {}]",
                       w.out, in, eff, stride));
  }
  return w;
}

// Attrs shared by the convolution kernels, read once.
struct ConvAttrs {
  explicit ConvAttrs(Operation op, bool pool) : type(op.type()) {
    strides = attr_ints(op, "strides");
    ksize = attr_ints(op, "ksize");
    dilations = attr_ints(op, "dilations");
    if (dilations.empty()) dilations = {1, 1, 1, 1};
    const std::string p = attr_string(op, "padding");
    const std::string f = attr_string(op, "data_format");
    if (f == "NCHW")
      fail(Code::kInvalidArgument,
           pool ? fmt::format("Default {}ingOp only supports NHWC on device type CPU",
                              type == "MaxPool" || type == "MaxPoolGrad" ? "MaxPool" : "AvgPool")
                : "Generic conv implementation only supports NHWC tensor format for now.");
    if (p != "SAME" && p != "VALID")
      fail(Code::kUnimplemented, fmt::format("{} supports only SAME and VALID padding", type));
    same = p == "SAME";
    if (strides.size() != 4 || strides[0] != 1 || strides[3] != 1)
      fail(Code::kUnimplemented,
           pool ? "Pooling is not yet supported on the batch dimension."
                : "Current implementation does not yet support strides in the batch and depth "
                  "dimensions.");
    if (pool && (ksize.size() != 4 || ksize[0] != 1 || ksize[3] != 1))
      fail(Code::kUnimplemented, "Pooling is not yet supported on the batch or depth dimension.");
    if (dilations.size() != 4 || dilations[0] != 1 || dilations[3] != 1)
      fail(Code::kUnimplemented,
           "Current implementation does not yet support dilations in the batch and depth "
           "dimensions.");
  }
  std::string type;
  std::vector<int64_t> strides, ksize, dilations;
  bool same = false;
};

std::vector<int64_t> shape_input(const Tensor& t, const char* what) {
  if (t.shape().size() != 1 || t.num_elements() != 4)
    fail(Code::kInvalidArgument,
         fmt::format("{} must be a 1-D tensor of 4 elements, got shape {}", what,
                     shape_string(t.shape())));
  std::vector<int64_t> v(4);
  for (int i = 0; i < 4; ++i)
    v[i] = t.dtype() == DataType::kInt64 ? t.data<int64_t>()[i] : t.data<int32_t>()[i];
  return v;
}

// The geometry of one convolution: input [N,H,W,C], filter [FH,FW,C,OC], output [N,OH,OW,OC].
struct ConvGeom {
  int64_t n, c, oc;
  Window h, w;
  int64_t rows() const { return n * h.out * w.out; }
  int64_t k() const { return h.size * w.size * c; }
  bool pointwise() const {
    return h.size == 1 && w.size == 1 && h.stride == 1 && w.stride == 1 && h.pad == 0 &&
           w.pad == 0;
  }
};

ConvGeom conv_geom(const ConvAttrs& a, const std::vector<int64_t>& in,
                   const std::vector<int64_t>& f) {
  if (in.size() != 4)
    fail(Code::kInvalidArgument, "input must be 4-dimensional" + shape_string(in));
  if (f.size() != 4)
    fail(Code::kInvalidArgument, "filter must be 4-dimensional: " + shape_string(f));
  if (in[3] != f[2])
    fail(Code::kInvalidArgument,
         fmt::format("input and filter must have the same depth: {} vs {}", in[3], f[2]));
  ConvGeom g;
  g.n = in[0];
  g.c = in[3];
  g.oc = f[3];
  g.h = window(in[1], f[0], a.strides[1], a.dilations[1], a.same);
  g.w = window(in[2], f[1], a.strides[2], a.dilations[2], a.same);
  return g;
}

// Rows [r0, r1) of the patch matrix: row (n, oh, ow) holds the FH*FW*C inputs under the
// filter (zeros in the padding).
template <typename T>
void im2col(const ConvGeom& g, const T* in, int64_t r0, int64_t r1, T* cols) {
  const int64_t K = g.k();
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t ow = r % g.w.out, oh = (r / g.w.out) % g.h.out, n = r / (g.w.out * g.h.out);
    T* dst = cols + (r - r0) * K;
    for (int64_t fh = 0; fh < g.h.size; ++fh) {
      const int64_t ih = oh * g.h.stride - g.h.pad + fh * g.h.dilation;
      for (int64_t fw = 0; fw < g.w.size; ++fw, dst += g.c) {
        const int64_t iw = ow * g.w.stride - g.w.pad + fw * g.w.dilation;
        if (ih < 0 || ih >= g.h.in || iw < 0 || iw >= g.w.in) {
          std::fill(dst, dst + g.c, T(0));
        } else {
          const T* src = in + ((n * g.h.in + ih) * g.w.in + iw) * g.c;
          std::copy(src, src + g.c, dst);
        }
      }
    }
  }
}

// The inverse: adds rows [r0, r1) of a patch-gradient matrix into the input gradient.
template <typename T>
void col2im(const ConvGeom& g, const T* cols, int64_t r0, int64_t r1, T* in) {
  const int64_t K = g.k();
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t ow = r % g.w.out, oh = (r / g.w.out) % g.h.out, n = r / (g.w.out * g.h.out);
    const T* src = cols + (r - r0) * K;
    for (int64_t fh = 0; fh < g.h.size; ++fh) {
      const int64_t ih = oh * g.h.stride - g.h.pad + fh * g.h.dilation;
      for (int64_t fw = 0; fw < g.w.size; ++fw, src += g.c) {
        const int64_t iw = ow * g.w.stride - g.w.pad + fw * g.w.dilation;
        if (ih < 0 || ih >= g.h.in || iw < 0 || iw >= g.w.in) continue;
        T* dst = in + ((n * g.h.in + ih) * g.w.in + iw) * g.c;
        for (int64_t c = 0; c < g.c; ++c) dst[c] += src[c];
      }
    }
  }
}

// Patch rows per chunk: about 8 MB of patches at a time.
int64_t chunk_rows(int64_t k, size_t elem) {
  return std::max<int64_t>(1, static_cast<int64_t>((size_t{8} << 20) / (elem * std::max<int64_t>(k, 1))));
}

class Conv2DKernel : public OpKernel {
 public:
  explicit Conv2DKernel(Operation op) : a_(op, false) {}
  void compute(KernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const Tensor& f = ctx.input(1);
    const ConvGeom g = conv_geom(a_, x.shape(), f.shape());
    float_dispatch(x.dtype(), "Conv2D", [&](auto tag) {
      using T = decltype(tag);
      Tensor& y = ctx.allocate_output(0, x.dtype(), {g.n, g.h.out, g.w.out, g.oc});
      const int64_t rows = g.rows(), K = g.k();
      if (rows == 0 || g.oc == 0) return;
      if (g.pointwise()) {
        nn_gemm<T>(ctx, false, false, rows, g.oc, K, x.data<T>(), f.data<T>(), y.data<T>());
        return;
      }
      const int64_t chunk = chunk_rows(K, sizeof(T));
      std::vector<T> cols(static_cast<size_t>(std::min(chunk, rows) * K));
      for (int64_t r0 = 0; r0 < rows; r0 += chunk) {
        const int64_t r1 = std::min(rows, r0 + chunk);
        im2col<T>(g, x.data<T>(), r0, r1, cols.data());
        nn_gemm<T>(ctx, false, false, r1 - r0, g.oc, K, cols.data(), f.data<T>(),
                   y.data<T>() + r0 * g.oc);
      }
    });
  }

 private:
  ConvAttrs a_;
};

class Conv2DBackpropInputKernel : public OpKernel {
 public:
  explicit Conv2DBackpropInputKernel(Operation op) : a_(op, false) {}
  void compute(KernelContext& ctx) override {
    const std::vector<int64_t> in_shape = shape_input(ctx.input(0), "input_sizes");
    const Tensor& f = ctx.input(1);
    const Tensor& dy = ctx.input(2);
    const ConvGeom g = conv_geom(a_, in_shape, f.shape());
    check_out_backprop(g, dy);
    float_dispatch(f.dtype(), "Conv2DBackpropInput", [&](auto tag) {
      using T = decltype(tag);
      Tensor& dx = ctx.allocate_output(0, f.dtype(), in_shape);
      const int64_t rows = g.rows(), K = g.k();
      if (g.pointwise()) {
        nn_gemm<T>(ctx, false, true, rows, K, g.oc, dy.data<T>(), f.data<T>(), dx.data<T>());
        return;
      }
      std::fill(dx.data<T>(), dx.data<T>() + dx.num_elements(), T(0));
      const int64_t chunk = chunk_rows(K, sizeof(T));
      std::vector<T> cols(static_cast<size_t>(std::min(chunk, rows) * K));
      for (int64_t r0 = 0; r0 < rows; r0 += chunk) {
        const int64_t r1 = std::min(rows, r0 + chunk);
        nn_gemm<T>(ctx, false, true, r1 - r0, K, g.oc, dy.data<T>() + r0 * g.oc, f.data<T>(),
                   cols.data());
        col2im<T>(g, cols.data(), r0, r1, dx.data<T>());
      }
    });
  }

  static void check_out_backprop(const ConvGeom& g, const Tensor& dy) {
    const std::vector<int64_t> want{g.n, g.h.out, g.w.out, g.oc};
    if (dy.shape() != want)
      fail(Code::kInvalidArgument,
           fmt::format("Conv2DBackprop: out_backprop has shape {}, but the convolution gives {}",
                       shape_string(dy.shape()), shape_string(want)));
  }

 private:
  ConvAttrs a_;
};

class Conv2DBackpropFilterKernel : public OpKernel {
 public:
  explicit Conv2DBackpropFilterKernel(Operation op) : a_(op, false) {}
  void compute(KernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const std::vector<int64_t> f_shape = shape_input(ctx.input(1), "filter_sizes");
    const Tensor& dy = ctx.input(2);
    const ConvGeom g = conv_geom(a_, x.shape(), f_shape);
    Conv2DBackpropInputKernel::check_out_backprop(g, dy);
    float_dispatch(x.dtype(), "Conv2DBackpropFilter", [&](auto tag) {
      using T = decltype(tag);
      Tensor& df = ctx.allocate_output(0, x.dtype(), f_shape);
      const int64_t rows = g.rows(), K = g.k();
      std::fill(df.data<T>(), df.data<T>() + df.num_elements(), T(0));
      if (g.pointwise()) {
        nn_gemm<T>(ctx, true, false, K, g.oc, rows, x.data<T>(), dy.data<T>(), df.data<T>());
        return;
      }
      const int64_t chunk = chunk_rows(K, sizeof(T));
      std::vector<T> cols(static_cast<size_t>(std::min(chunk, rows) * K));
      for (int64_t r0 = 0; r0 < rows; r0 += chunk) {
        const int64_t r1 = std::min(rows, r0 + chunk);
        im2col<T>(g, x.data<T>(), r0, r1, cols.data());
        nn_gemm<T>(ctx, true, false, K, g.oc, r1 - r0, cols.data(), dy.data<T>() + r0 * g.oc,
                   df.data<T>(), /*accumulate=*/true);
      }
    });
  }

 private:
  ConvAttrs a_;
};

// ---- Pools ----

struct PoolGeom {
  int64_t n, c;
  Window h, w;
};

PoolGeom pool_geom(const ConvAttrs& a, const std::vector<int64_t>& s) {
  if (s.size() != 4) fail(Code::kInvalidArgument, "input must be 4-dimensional");
  return PoolGeom{s[0], s[3], window(s[1], a.ksize[1], a.strides[1], 1, a.same),
                  window(s[2], a.ksize[2], a.strides[2], 1, a.same)};
}

// Calls fn(out_index_base, in_index_bases...) per output position: for output (n, oh, ow),
// visits the window's in-range input positions.
template <typename F>
void for_each_window(const KernelContext& ctx, const PoolGeom& g, F&& fn) {
  nn_parallel_rows(ctx, g.n, g.h.out * g.w.out * g.c * g.h.size * g.w.size,
                   [&](int64_t n0, int64_t n1) {
                     for (int64_t n = n0; n < n1; ++n)
                       for (int64_t oh = 0; oh < g.h.out; ++oh) {
                         const int64_t h0 = std::max<int64_t>(oh * g.h.stride - g.h.pad, 0);
                         const int64_t h1 =
                             std::min(oh * g.h.stride - g.h.pad + g.h.size, g.h.in);
                         for (int64_t ow = 0; ow < g.w.out; ++ow) {
                           const int64_t w0 = std::max<int64_t>(ow * g.w.stride - g.w.pad, 0);
                           const int64_t w1 =
                               std::min(ow * g.w.stride - g.w.pad + g.w.size, g.w.in);
                           fn(n, ((n * g.h.out + oh) * g.w.out + ow) * g.c, h0, h1, w0, w1);
                         }
                       }
                   });
}

template <bool kMax>
class PoolKernel : public OpKernel {
 public:
  explicit PoolKernel(Operation op) : a_(op, true) {}
  void compute(KernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const PoolGeom g = pool_geom(a_, x.shape());
    float_dispatch(x.dtype(), ctx.op().type(), [&](auto tag) {
      using T = decltype(tag);
      Tensor& y = ctx.allocate_output(0, x.dtype(), {g.n, g.h.out, g.w.out, g.c});
      const T* in = x.data<T>();
      T* out = y.data<T>();
      for_each_window(ctx, g, [&](int64_t n, int64_t o, int64_t h0, int64_t h1, int64_t w0,
                                  int64_t w1) {
        T* dst = out + o;
        std::fill(dst, dst + g.c, kMax ? std::numeric_limits<T>::lowest() : T(0));
        for (int64_t ih = h0; ih < h1; ++ih)
          for (int64_t iw = w0; iw < w1; ++iw) {
            const T* src = in + ((n * g.h.in + ih) * g.w.in + iw) * g.c;
            for (int64_t c = 0; c < g.c; ++c) {
              if constexpr (kMax)
                dst[c] = src[c] > dst[c] ? src[c] : dst[c];
              else
                dst[c] += src[c];
            }
          }
        if constexpr (!kMax) {
          const T count = static_cast<T>((h1 - h0) * (w1 - w0));
          for (int64_t c = 0; c < g.c; ++c) dst[c] /= count;
        }
      });
    });
  }

 private:
  ConvAttrs a_;
};

class MaxPoolGradKernel : public OpKernel {
 public:
  explicit MaxPoolGradKernel(Operation op) : a_(op, true) {}
  void compute(KernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const Tensor& grad = ctx.input(2);
    const PoolGeom g = pool_geom(a_, x.shape());
    const std::vector<int64_t> want{g.n, g.h.out, g.w.out, g.c};
    if (grad.shape() != want || ctx.input(1).shape() != want)
      fail(Code::kInvalidArgument,
           fmt::format("MaxPoolGrad: orig_output and grad must have shape {}, got {} and {}",
                       shape_string(want), shape_string(ctx.input(1).shape()),
                       shape_string(grad.shape())));
    float_dispatch(x.dtype(), "MaxPoolGrad", [&](auto tag) {
      using T = decltype(tag);
      Tensor& dx = ctx.allocate_output(0, x.dtype(), x.shape());
      const T* in = x.data<T>();
      const T* gr = grad.data<T>();
      T* out = dx.data<T>();
      std::fill(out, out + dx.num_elements(), T(0));
      // Each image's windows only touch that image: parallel over the batch is safe.
      for_each_window(ctx, g, [&](int64_t n, int64_t o, int64_t h0, int64_t h1, int64_t w0,
                                  int64_t w1) {
        for (int64_t c = 0; c < g.c; ++c) {
          int64_t best = -1;
          T best_v = std::numeric_limits<T>::lowest();
          for (int64_t ih = h0; ih < h1; ++ih)
            for (int64_t iw = w0; iw < w1; ++iw) {
              const int64_t i = ((n * g.h.in + ih) * g.w.in + iw) * g.c + c;
              if (best < 0 || in[i] > best_v) {
                best = i;
                best_v = in[i];
              }
            }
          if (best >= 0) out[best] += gr[o + c];
        }
      });
    });
  }

 private:
  ConvAttrs a_;
};

class AvgPoolGradKernel : public OpKernel {
 public:
  explicit AvgPoolGradKernel(Operation op) : a_(op, true) {}
  void compute(KernelContext& ctx) override {
    const std::vector<int64_t> in_shape = shape_input(ctx.input(0), "orig_input_shape");
    const Tensor& grad = ctx.input(1);
    const PoolGeom g = pool_geom(a_, in_shape);
    const std::vector<int64_t> want{g.n, g.h.out, g.w.out, g.c};
    if (grad.shape() != want)
      fail(Code::kInvalidArgument,
           fmt::format("AvgPoolGrad: grad must have shape {}, got {}", shape_string(want),
                       shape_string(grad.shape())));
    float_dispatch(grad.dtype(), "AvgPoolGrad", [&](auto tag) {
      using T = decltype(tag);
      Tensor& dx = ctx.allocate_output(0, grad.dtype(), in_shape);
      const T* gr = grad.data<T>();
      T* out = dx.data<T>();
      std::fill(out, out + dx.num_elements(), T(0));
      for_each_window(ctx, g, [&](int64_t n, int64_t o, int64_t h0, int64_t h1, int64_t w0,
                                  int64_t w1) {
        const T count = static_cast<T>((h1 - h0) * (w1 - w0));
        for (int64_t ih = h0; ih < h1; ++ih)
          for (int64_t iw = w0; iw < w1; ++iw) {
            T* dst = out + ((n * g.h.in + ih) * g.w.in + iw) * g.c;
            for (int64_t c = 0; c < g.c; ++c) dst[c] += gr[o + c] / count;
          }
      });
    });
  }

 private:
  ConvAttrs a_;
};

template <typename K>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<K>(op);
}

}  // namespace

void register_nn_conv_kernels() {
  register_kernel("Conv2D", &make<Conv2DKernel>);
  register_kernel("Conv2DBackpropInput", &make<Conv2DBackpropInputKernel>);
  register_kernel("Conv2DBackpropFilter", &make<Conv2DBackpropFilterKernel>);
  register_kernel("MaxPool", &make<PoolKernel<true>>);
  register_kernel("AvgPool", &make<PoolKernel<false>>);
  register_kernel("MaxPoolGrad", &make<MaxPoolGradKernel>);
  register_kernel("AvgPoolGrad", &make<AvgPoolGradKernel>);
}

}  // namespace scopeflow::runtime::internal
