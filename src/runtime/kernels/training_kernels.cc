// CPU kernels of the training ops: ApplyGradientDescent, ApplyMomentum, ApplyAdam,
// ApplyRMSProp, ApplyCenteredRMSProp, ApplyAdagrad (and Floor).
//
// Each updates its variable and slots in place through their reference inputs (copying a
// buffer first only when a reader of this step still shares it), with TF's formulas
// (core/kernels/training_ops.cc) and TF's validation messages. The element loops are Eigen
// array expressions over mapped buffers: no allocation per step; large variables are split
// across the session's thread pool.
#define EIGEN_USE_THREADS
#include <fmt/format.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <unsupported/Eigen/CXX11/Tensor>

#include "scopeflow/graph/graph.h"
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

namespace {

template <typename T>
using Arr = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <typename T>
using ConstArr = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

// The storage behind ref input i, checked initialized ("Attempting to use uninitialized
// value w"; RMSProp says "variables: " as TF does) and made writable.
Tensor& ref_storage(KernelContext& ctx, int i, const char* uninit = "value ") {
  Tensor* ref = ctx.ref_input(i);
  SF_CHECK(ref != nullptr, "training ops need reference inputs");
  if (!ref->valid())
    fail(Code::kFailedPrecondition, fmt::format("Attempting to use uninitialized {}{}", uninit,
                                                ctx.input_value(i).ref_owner.name()));
  return *ref;
}

Tensor& make_writable(Tensor& t) {
  if (!t.buffer_unique()) t = t.clone();
  return t;
}

// TF's IsLegacyScalar (rank 0, or one element of rank 1) unless `strict`.
void check_scalar(const Tensor& t, const char* what, bool strict = false) {
  const auto& s = t.shape();
  const bool ok = s.empty() || (!strict && s.size() == 1 && s[0] == 1);
  if (!ok)
    fail(Code::kInvalidArgument, fmt::format("{} is not a scalar: {}", what, shape_string(s)));
}

void check_same(const Tensor& a, const Tensor& b, const char* what) {
  if (a.shape() != b.shape())
    fail(Code::kInvalidArgument, fmt::format("{} do not have the same shape{} {}", what,
                                             shape_string(a.shape()), shape_string(b.shape())));
}

template <typename T>
T scalar(const Tensor& t) {
  return *t.data<T>();
}

// Runs f(begin, end) over [0, n), split across the pool when n is large.
template <typename F>
void for_range(KernelContext& ctx, int64_t n, double cycles, int bytes, F&& f) {
  if (KernelContext::large(n)) {
    ctx.device().parallelFor(n, Eigen::TensorOpCost(bytes, bytes, cycles),
                             [&f](Eigen::Index b, Eigen::Index e) {
                               f(static_cast<int64_t>(b), static_cast<int64_t>(e));
                             });
  } else {
    f(int64_t{0}, n);
  }
}

// Float types only (TF registers its CPU kernels for half, float, double, complex).
template <typename F>
void dispatch_real(KernelContext& ctx, DataType t, F&& f) {
  switch (base_dtype(t)) {
    case DataType::kFloat:
      f(float{});
      break;
    case DataType::kDouble:
      f(double{});
      break;
    default:
      fail(Code::kInvalidArgument,
           fmt::format("No OpKernel was registered to support Op '{}' with dtype {}",
                       ctx.op().type(), dtype_name(base_dtype(t))));
  }
}

void finish(KernelContext& ctx) {
  ctx.set_output_ref(0, ctx.ref_input(0), ctx.input_value(0).ref_owner);
}

// ---- ApplyGradientDescent(var, alpha, delta): var -= alpha * delta ----

void apply_gradient_descent(KernelContext& ctx) {
  Tensor& var = ref_storage(ctx, 0);
  const Tensor& alpha = ctx.input(1);
  const Tensor& delta = ctx.input(2);
  check_scalar(alpha, "alpha");
  check_same(var, delta, "var and delta");
  make_writable(var);
  dispatch_real(ctx, var.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T lr = scalar<T>(alpha);
    T* v = var.data<T>();
    const T* g = delta.data<T>();
    for_range(ctx, var.num_elements(), 2, 3 * sizeof(T), [&](int64_t b, int64_t e) {
      Arr<T>(v + b, e - b) -= ConstArr<T>(g + b, e - b) * lr;
    });
  });
  finish(ctx);
}

// ---- ApplyMomentum(var, accum, lr, grad, momentum) ----

class MomentumKernel : public OpKernel {
 public:
  explicit MomentumKernel(Operation op) : nesterov_(attr_bool(op, "use_nesterov", false)) {}
  void compute(KernelContext& ctx) override {
    Tensor& var = ref_storage(ctx, 0);
    Tensor& accum = ref_storage(ctx, 1);
    const Tensor& lr_t = ctx.input(2);
    const Tensor& grad = ctx.input(3);
    const Tensor& mom_t = ctx.input(4);
    check_scalar(lr_t, "lr");
    check_same(var, accum, "var and accum");
    check_same(var, grad, "var and grad");
    check_scalar(mom_t, "momentum");
    make_writable(var);
    make_writable(accum);
    dispatch_real(ctx, var.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T lr = scalar<T>(lr_t), mu = scalar<T>(mom_t);
      T* v = var.data<T>();
      T* a = accum.data<T>();
      const T* g = grad.data<T>();
      for_range(ctx, var.num_elements(), 6, 4 * sizeof(T), [&](int64_t b, int64_t e) {
        Arr<T> va(v + b, e - b), aa(a + b, e - b);
        ConstArr<T> ga(g + b, e - b);
        aa = aa * mu + ga;
        if (nesterov_) {
          va -= ga * lr + aa * mu * lr;
        } else {
          va -= aa * lr;
        }
      });
    });
    finish(ctx);
  }

 private:
  bool nesterov_;
};

// ---- ApplyAdam(var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad) ----

class AdamKernel : public OpKernel {
 public:
  explicit AdamKernel(Operation op) : nesterov_(attr_bool(op, "use_nesterov", false)) {}
  void compute(KernelContext& ctx) override {
    Tensor& var = ref_storage(ctx, 0);
    Tensor& m = ref_storage(ctx, 1);
    Tensor& v = ref_storage(ctx, 2);
    static constexpr const char* kScalars[] = {"beta1_power", "beta2_power", "lr",
                                               "beta1",       "beta2",       "epsilon"};
    for (int i = 0; i < 6; ++i) check_scalar(ctx.input(3 + i), kScalars[i]);
    const Tensor& grad = ctx.input(9);
    check_same(var, m, "var and m");
    check_same(var, v, "var and v");
    check_same(var, grad, "var and grad");
    make_writable(var);
    make_writable(m);
    make_writable(v);
    dispatch_real(ctx, var.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T b1p = scalar<T>(ctx.input(3)), b2p = scalar<T>(ctx.input(4));
      const T lr = scalar<T>(ctx.input(5)), b1 = scalar<T>(ctx.input(6));
      const T b2 = scalar<T>(ctx.input(7)), eps = scalar<T>(ctx.input(8));
      const T alpha = lr * std::sqrt(T(1) - b2p) / (T(1) - b1p);
      T* pv = var.data<T>();
      T* pm = m.data<T>();
      T* ps = v.data<T>();
      const T* pg = grad.data<T>();
      for_range(ctx, var.num_elements(), 12, 5 * sizeof(T), [&](int64_t b, int64_t e) {
        Arr<T> va(pv + b, e - b), ma(pm + b, e - b), sa(ps + b, e - b);
        ConstArr<T> ga(pg + b, e - b);
        ma += (ga - ma) * (T(1) - b1);
        sa += (ga.square() - sa) * (T(1) - b2);
        if (nesterov_) {
          va -= ((ga * (T(1) - b1) + b1 * ma) * alpha) / (sa.sqrt() + eps);
        } else {
          va -= (ma * alpha) / (sa.sqrt() + eps);
        }
      });
    });
    finish(ctx);
  }

 private:
  bool nesterov_;
};

// ---- ApplyRMSProp(var, ms, mom, lr, rho, momentum, epsilon, grad) ----

void apply_rms_prop(KernelContext& ctx) {
  Tensor& var = ref_storage(ctx, 0, "variables: ");
  Tensor& ms = ref_storage(ctx, 1, "variables: ");
  Tensor& mom = ref_storage(ctx, 2, "variables: ");
  check_scalar(ctx.input(3), "lr", true);
  check_scalar(ctx.input(4), "rho", true);
  check_scalar(ctx.input(5), "momentum", true);
  check_scalar(ctx.input(6), "epsilon", true);
  const Tensor& grad = ctx.input(7);
  check_same(var, ms, "var and ms");
  check_same(var, mom, "var and mom");
  check_same(var, grad, "var and grad");
  make_writable(var);
  make_writable(ms);
  make_writable(mom);
  dispatch_real(ctx, var.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T lr = scalar<T>(ctx.input(3)), rho = scalar<T>(ctx.input(4));
    const T mu = scalar<T>(ctx.input(5)), eps = scalar<T>(ctx.input(6));
    T* pv = var.data<T>();
    T* pms = ms.data<T>();
    T* pmom = mom.data<T>();
    const T* pg = grad.data<T>();
    for_range(ctx, var.num_elements(), 12, 5 * sizeof(T), [&](int64_t b, int64_t e) {
      Arr<T> va(pv + b, e - b), msa(pms + b, e - b), moma(pmom + b, e - b);
      ConstArr<T> ga(pg + b, e - b);
      msa += (ga.square() - msa) * (T(1) - rho);
      moma = moma * mu + (ga * lr) / (msa + eps).sqrt();
      va -= moma;
    });
  });
  finish(ctx);
}

// ---- ApplyCenteredRMSProp(var, mg, ms, mom, lr, rho, momentum, epsilon, grad) ----

void apply_centered_rms_prop(KernelContext& ctx) {
  Tensor& var = ref_storage(ctx, 0, "variables: ");
  Tensor& mg = ref_storage(ctx, 1, "variables: ");
  Tensor& ms = ref_storage(ctx, 2, "variables: ");
  Tensor& mom = ref_storage(ctx, 3, "variables: ");
  check_scalar(ctx.input(4), "lr", true);
  check_scalar(ctx.input(5), "rho", true);
  check_scalar(ctx.input(6), "momentum", true);
  check_scalar(ctx.input(7), "epsilon", true);
  const Tensor& grad = ctx.input(8);
  check_same(var, mg, "var and mg");
  check_same(var, ms, "var and ms");
  check_same(var, mom, "var and mom");
  check_same(var, grad, "var and grad");
  make_writable(var);
  make_writable(mg);
  make_writable(ms);
  make_writable(mom);
  dispatch_real(ctx, var.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T lr = scalar<T>(ctx.input(4)), rho = scalar<T>(ctx.input(5));
    const T mu = scalar<T>(ctx.input(6)), eps = scalar<T>(ctx.input(7));
    T* pv = var.data<T>();
    T* pmg = mg.data<T>();
    T* pms = ms.data<T>();
    T* pmom = mom.data<T>();
    const T* pg = grad.data<T>();
    for_range(ctx, var.num_elements(), 16, 6 * sizeof(T), [&](int64_t b, int64_t e) {
      Arr<T> va(pv + b, e - b), mga(pmg + b, e - b), msa(pms + b, e - b), moma(pmom + b, e - b);
      ConstArr<T> ga(pg + b, e - b);
      msa += (ga.square() - msa) * (T(1) - rho);
      mga += (ga - mga) * (T(1) - rho);
      moma = moma * mu + (ga * lr) / ((msa - mga.square()) + eps).sqrt();
      va -= moma;
    });
  });
  finish(ctx);
}

// ---- ApplyAdagrad(var, accum, lr, grad): accum += grad^2; var -= lr * grad / sqrt(accum) ----

class AdagradKernel : public OpKernel {
 public:
  explicit AdagradKernel(Operation op) : update_slots_(attr_bool(op, "update_slots", true)) {}
  void compute(KernelContext& ctx) override {
    Tensor& var = ref_storage(ctx, 0);
    Tensor& accum = ref_storage(ctx, 1);
    const Tensor& lr_t = ctx.input(2);
    const Tensor& grad = ctx.input(3);
    check_scalar(lr_t, "lr");
    check_same(var, accum, "var and accum");
    check_same(var, grad, "var and grad");
    make_writable(var);
    if (update_slots_) make_writable(accum);
    dispatch_real(ctx, var.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T lr = scalar<T>(lr_t);
      T* pv = var.data<T>();
      T* pa = accum.data<T>();
      const T* pg = grad.data<T>();
      for_range(ctx, var.num_elements(), 8, 4 * sizeof(T), [&](int64_t b, int64_t e) {
        Arr<T> va(pv + b, e - b), aa(pa + b, e - b);
        ConstArr<T> ga(pg + b, e - b);
        if (update_slots_) aa += ga.square();
        va -= ga * lr * aa.rsqrt();
      });
    });
    finish(ctx);
  }

 private:
  bool update_slots_;
};

// ---- Floor ----

void floor_kernel(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor& out = ctx.allocate_output(0, x.dtype(), x.shape());
  dispatch_real(ctx, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    ConstArr<T> xa(x.data<T>(), x.num_elements());
    Arr<T>(out.data<T>(), x.num_elements()) = xa.floor();
  });
}

template <typename K>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<K>(op);
}

}  // namespace

void register_training_kernels() {
  register_kernel_fn("ApplyGradientDescent", &apply_gradient_descent);
  register_kernel("ApplyMomentum", &make<MomentumKernel>);
  register_kernel("ApplyAdam", &make<AdamKernel>);
  register_kernel_fn("ApplyRMSProp", &apply_rms_prop);
  register_kernel_fn("ApplyCenteredRMSProp", &apply_centered_rms_prop);
  register_kernel("ApplyAdagrad", &make<AdagradKernel>);
  register_kernel_fn("Floor", &floor_kernel);
}

}  // namespace scopeflow::runtime::internal
