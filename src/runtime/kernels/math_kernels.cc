// CPU kernels of the math ops: element-wise binary ops with numpy broadcasting, unary ops,
// comparisons, logic, Select, Cast and AddN.
//
// Every kernel reads its dtype attrs once, in its constructor, and keeps a pointer to the
// compute function instantiated for that dtype; `compute` does no attr or string work. Binary
// ops have a same-shape path, a scalar-vs-tensor path and a general path over precomputed
// strides (rank <= 8 after collapsing, no allocation). Large element counts are split across
// the session's Eigen thread pool.
#define EIGEN_USE_THREADS
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <unsupported/Eigen/CXX11/Tensor>

#include "scopeflow/graph/graph.h"
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

namespace {

using Fn = void (*)(KernelContext&);

// ---- dtype sets ----

template <typename T>
constexpr bool kIsReal = std::is_same_v<T, float> || std::is_same_v<T, double>;
template <typename T>
constexpr bool kIsCore = kIsReal<T> || std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>;
template <typename T>
constexpr bool kIsNumber = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;

// A function pointer chosen by dtype; nullptr for dtypes the op has no kernel for.
template <typename F>
Fn pick(DataType t, F&& f) {
  return visit_dtype(t, f, [] { return Fn(nullptr); });
}

[[noreturn]] void no_kernel(std::string_view type, DataType t) {
  fail(Code::kInvalidArgument, "No OpKernel was registered to support Op '" + std::string(type) +
                                   "' with dtype " + dtype_name(t));
}

// Runs f(begin, end) over [0, n), on the thread pool when n is large.
template <typename F>
inline void for_range(KernelContext& ctx, int64_t n, double cycles_per_elem, int bytes_per_elem,
                      F&& f) {
  if (KernelContext::large(n)) {
    ctx.device().parallelFor(
        n, Eigen::TensorOpCost(bytes_per_elem, bytes_per_elem, cycles_per_elem),
        [&f](Eigen::Index b, Eigen::Index e) { f(static_cast<int64_t>(b), static_cast<int64_t>(e)); });
  } else {
    f(int64_t{0}, n);
  }
}

// ---- Binary functors ----
// Each: `ok<T>` (dtypes with a kernel), `Out<T>` (result type), `apply(a, b)`, and optionally
// a `check` over y's values run before computing (integer division by zero, negative powers).

struct AddF {
  template <typename T>
  static constexpr bool ok = kIsNumber<T>;
  template <typename T>
  using Out = T;
  template <typename T>
  static T apply(T a, T b) {
    return static_cast<T>(a + b);
  }
  static constexpr bool kCheck = false;
};
struct SubF {
  template <typename T>
  static constexpr bool ok = kIsNumber<T>;
  template <typename T>
  using Out = T;
  template <typename T>
  static T apply(T a, T b) {
    return static_cast<T>(a - b);
  }
  static constexpr bool kCheck = false;
};
struct MulF {
  template <typename T>
  static constexpr bool ok = kIsNumber<T>;
  template <typename T>
  using Out = T;
  template <typename T>
  static T apply(T a, T b) {
    return static_cast<T>(a * b);
  }
  static constexpr bool kCheck = false;
};
struct RealDivF {
  template <typename T>
  static constexpr bool ok = kIsReal<T>;
  template <typename T>
  using Out = T;
  template <typename T>
  static T apply(T a, T b) {
    return a / b;
  }
  static constexpr bool kCheck = false;
};
struct DivNoNanF {  // DivNoNan: 0 where the divisor is 0
  template <typename T>
  static constexpr bool ok = kIsReal<T>;
  template <typename T>
  using Out = T;
  template <typename T>
  static T apply(T a, T b) {
    return b == T(0) ? T(0) : a / b;
  }
  static constexpr bool kCheck = false;
};
// Integer division helpers: y == 0 is rejected before computing; y == -1 avoids the
// INT_MIN / -1 trap by negating with wrap-around.
template <typename T>
inline T wrap_neg(T a) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(U(0) - static_cast<U>(a));
}
struct DivF {  // Div: C truncation for integers
  template <typename T>
  static constexpr bool ok = kIsNumber<T>;
  template <typename T>
  using Out = T;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      if (b == T(-1)) return wrap_neg(a);
    }
    return static_cast<T>(a / b);
  }
  static constexpr bool kCheck = true;
};
struct FloorDivF {
  template <typename T>
  static constexpr bool ok = kIsNumber<T>;
  template <typename T>
  using Out = T;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_integral_v<T>) {
      if constexpr (std::is_signed_v<T>) {
        if (b == T(-1)) return wrap_neg(a);
        const T q = static_cast<T>(a / b);
        return ((a % b) != 0 && ((a < 0) != (b < 0))) ? static_cast<T>(q - 1) : q;
      } else {
        return static_cast<T>(a / b);
      }
    } else {
      return std::floor(a / b);
    }
  }
  static constexpr bool kCheck = true;
};
struct PowF {
  template <typename T>
  static constexpr bool ok = kIsCore<T>;
  template <typename T>
  using Out = T;
  template <typename T>
  static T apply(T a, T b) {
    if constexpr (std::is_integral_v<T>) {
      // Exponentiation by squaring with wrap-around (y >= 0 was checked).
      using U = std::make_unsigned_t<T>;
      U result = 1, base = static_cast<U>(a);
      for (T e = b; e > 0; e = static_cast<T>(e >> 1)) {
        if (e & 1) result = static_cast<U>(result * base);
        base = static_cast<U>(base * base);
      }
      return static_cast<T>(result);
    } else {
      return std::pow(a, b);
    }
  }
  static constexpr bool kCheck = true;
};
struct MaximumF {
  template <typename T>
  static constexpr bool ok = kIsCore<T>;
  template <typename T>
  using Out = T;
  template <typename T>
  static T apply(T a, T b) {
    return a < b ? b : a;
  }
  static constexpr bool kCheck = false;
};
struct MinimumF {
  template <typename T>
  static constexpr bool ok = kIsCore<T>;
  template <typename T>
  using Out = T;
  template <typename T>
  static T apply(T a, T b) {
    return b < a ? b : a;
  }
  static constexpr bool kCheck = false;
};
struct SquaredDifferenceF {
  template <typename T>
  static constexpr bool ok = kIsCore<T>;
  template <typename T>
  using Out = T;
  template <typename T>
  static T apply(T a, T b) {
    const T d = static_cast<T>(a - b);
    return static_cast<T>(d * d);
  }
  static constexpr bool kCheck = false;
};

#define SF_COMPARE(Name, expr, okexpr)  \
  struct Name {                         \
    template <typename T>               \
    static constexpr bool ok = okexpr;  \
    template <typename T>               \
    using Out = bool;                   \
    template <typename T>               \
    static bool apply(T a, T b) {       \
      return expr;                      \
    }                                   \
    static constexpr bool kCheck = false; \
  };
SF_COMPARE(LessF, a < b, kIsNumber<T>)
SF_COMPARE(LessEqualF, a <= b, kIsNumber<T>)
SF_COMPARE(GreaterF, a > b, kIsNumber<T>)
SF_COMPARE(GreaterEqualF, a >= b, kIsNumber<T>)
SF_COMPARE(EqualF, a == b, (kIsNumber<T> || std::is_same_v<T, bool>))
SF_COMPARE(NotEqualF, a != b, (kIsNumber<T> || std::is_same_v<T, bool>))
SF_COMPARE(LogicalAndF, a && b, (std::is_same_v<T, bool>))
SF_COMPARE(LogicalOrF, a || b, (std::is_same_v<T, bool>))
#undef SF_COMPARE

// The run-time checks on y before computing.
template <typename Op, typename T>
inline void check_y(const T* y, int64_t n) {
  if constexpr (Op::kCheck && std::is_integral_v<T>) {
    if constexpr (std::is_same_v<Op, PowF>) {
      if constexpr (std::is_signed_v<T>) {
        for (int64_t i = 0; i < n; ++i)
          if (y[i] < 0)
            fail(Code::kInvalidArgument, "Integers to negative integer powers are not allowed");
      }
    } else {
      for (int64_t i = 0; i < n; ++i)
        if (y[i] == 0) fail(Code::kInvalidArgument, "Integer division by zero");
    }
  } else {
    (void)y;
    (void)n;
  }
}

// Shape equality without a memcmp call (shapes are a handful of dims).
inline bool same_shape(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const int64_t* pa = a.data();
  const int64_t* pb = b.data();
  for (size_t i = 0; i < n; ++i)
    if (pa[i] != pb[i]) return false;
  return true;
}

// ---- Inner loops ----

template <typename Op, typename T, typename R>
inline void loop_vv(const T* a, const T* b, R* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = Op::apply(a[i], b[i]);
}
template <typename Op, typename T, typename R>
inline void loop_sv(T a, const T* b, R* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = Op::apply(a, b[i]);
}
template <typename Op, typename T, typename R>
inline void loop_vs(const T* a, T b, R* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = Op::apply(a[i], b);
}

// ---- General broadcasting ----

constexpr int kMaxRank = 8;

// Output dimensions and per-input element strides (0 on broadcast dimensions), with
// dimensions of size 1 dropped and runs of dimensions broadcast the same way collapsed.
struct BroadcastPlan {
  int rank = 0;
  int64_t dims[kMaxRank];
  int64_t sa[kMaxRank], sb[kMaxRank];
  int out_rank = 0;
  int64_t out_shape[kMaxRank];
};

[[noreturn]] void incompatible(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  fail(Code::kInvalidArgument,
       fmt::format("Incompatible shapes: {} vs. {}", shape_string(a), shape_string(b)));
}

void plan_broadcast(const std::vector<int64_t>& as, const std::vector<int64_t>& bs,
                    BroadcastPlan& p) {
  const int ra = static_cast<int>(as.size()), rb = static_cast<int>(bs.size());
  const int r = std::max(ra, rb);
  if (r > kMaxRank)
    fail(Code::kUnimplemented, fmt::format("Broadcast between {} and {} is not supported yet.",
                                           shape_string(as), shape_string(bs)));
  p.out_rank = r;
  // Per output dimension: size and whether a / b are broadcast along it.
  bool ba[kMaxRank], bb[kMaxRank];
  for (int i = 0; i < r; ++i) {
    const int ia = ra - r + i, ib = rb - r + i;
    const int64_t da = ia >= 0 ? as[ia] : 1, db = ib >= 0 ? bs[ib] : 1;
    int64_t d;
    if (da == db) {
      d = da;
    } else if (da == 1) {
      d = db;
    } else if (db == 1) {
      d = da;
    } else {
      incompatible(as, bs);
    }
    p.out_shape[i] = d;
    ba[i] = da != d;
    bb[i] = db != d;
  }
  // Drop size-1 dimensions, collapse runs with the same broadcast pattern.
  int n = 0;
  bool pa[kMaxRank], pb[kMaxRank];
  for (int i = 0; i < r; ++i) {
    const int64_t d = p.out_shape[i];
    if (d == 1) continue;
    if (n > 0 && pa[n - 1] == ba[i] && pb[n - 1] == bb[i]) {
      p.dims[n - 1] *= d;
    } else {
      p.dims[n] = d;
      pa[n] = ba[i];
      pb[n] = bb[i];
      ++n;
    }
  }
  if (n == 0) {
    p.dims[0] = 1;
    pa[0] = pb[0] = false;
    n = 1;
  }
  p.rank = n;
  int64_t acc_a = 1, acc_b = 1;
  for (int k = n - 1; k >= 0; --k) {
    p.sa[k] = pa[k] ? 0 : acc_a;
    p.sb[k] = pb[k] ? 0 : acc_b;
    if (!pa[k]) acc_a *= p.dims[k];
    if (!pb[k]) acc_b *= p.dims[k];
  }
}

// Rows [r0, r1) of the output (a row = the innermost collapsed dimension).
template <typename Op, typename T, typename R>
void broadcast_rows(const BroadcastPlan& p, const T* a, const T* b, R* out, int64_t r0,
                    int64_t r1) {
  const int last = p.rank - 1;
  const int64_t inner = p.dims[last];
  const int64_t ia_in = p.sa[last], ib_in = p.sb[last];
  int64_t idx[kMaxRank] = {};
  int64_t offa = 0, offb = 0;
  int64_t rem = r0;
  for (int k = last - 1; k >= 0; --k) {
    idx[k] = rem % p.dims[k];
    rem /= p.dims[k];
    offa += idx[k] * p.sa[k];
    offb += idx[k] * p.sb[k];
  }
  R* o = out + r0 * inner;
  for (int64_t row = r0; row < r1; ++row, o += inner) {
    if (ia_in && ib_in) {
      loop_vv<Op>(a + offa, b + offb, o, inner);
    } else if (ia_in) {
      loop_vs<Op>(a + offa, b[offb], o, inner);
    } else {
      loop_sv<Op>(a[offa], b + offb, o, inner);
    }
    for (int k = last - 1; k >= 0; --k) {
      offa += p.sa[k];
      offb += p.sb[k];
      if (++idx[k] < p.dims[k]) break;
      offa -= p.sa[k] * p.dims[k];
      offb -= p.sb[k] * p.dims[k];
      idx[k] = 0;
    }
  }
}

template <typename Op, typename T>
void binary_compute(KernelContext& ctx) {
  using R = typename Op::template Out<T>;
  constexpr double kCycles = 1.0;
  constexpr int kBytes = static_cast<int>(2 * sizeof(T) + sizeof(R));
  const Tensor& x = ctx.input(0);
  const Tensor& y = ctx.input(1);
  const std::vector<int64_t>& xs = x.shape();
  const std::vector<int64_t>& ys = y.shape();
  const T* a = x.data<T>();
  const T* b = y.data<T>();
  const int64_t nx = x.num_elements(), ny = y.num_elements();
  if (same_shape(xs, ys)) {
    if (nx) check_y<Op>(b, ny);
    R* out = ctx.allocate_output(0, dtype_of<R>(), xs).template data<R>();
    for_range(ctx, nx, kCycles, kBytes,
              [=](int64_t s, int64_t e) { loop_vv<Op>(a + s, b + s, out + s, e - s); });
    return;
  }
  if (ny == 1 && ys.size() <= xs.size()) {
    if (nx) check_y<Op>(b, 1);
    R* out = ctx.allocate_output(0, dtype_of<R>(), xs).template data<R>();
    const T bv = *b;
    for_range(ctx, nx, kCycles, kBytes,
              [=](int64_t s, int64_t e) { loop_vs<Op>(a + s, bv, out + s, e - s); });
    return;
  }
  if (nx == 1 && xs.size() <= ys.size()) {
    if (ny) check_y<Op>(b, ny);
    R* out = ctx.allocate_output(0, dtype_of<R>(), ys).template data<R>();
    const T av = *a;
    for_range(ctx, ny, kCycles, kBytes,
              [=](int64_t s, int64_t e) { loop_sv<Op>(av, b + s, out + s, e - s); });
    return;
  }
  BroadcastPlan p;
  plan_broadcast(xs, ys, p);
  Tensor& t = ctx.allocate_output(
      0, dtype_of<R>(), std::span<const int64_t>(p.out_shape, static_cast<size_t>(p.out_rank)));
  const int64_t n = t.num_elements();
  if (n == 0) return;
  check_y<Op>(b, ny);
  R* out = t.template data<R>();
  const int64_t inner = p.dims[p.rank - 1];
  const int64_t rows = n / inner;
  if (KernelContext::large(n) && rows > 1) {
    ctx.device().parallelFor(
        rows,
        Eigen::TensorOpCost(kBytes * inner, kBytes * inner, kCycles * static_cast<double>(inner)),
        [&](Eigen::Index s, Eigen::Index e) { broadcast_rows<Op>(p, a, b, out, s, e); });
  } else {
    broadcast_rows<Op>(p, a, b, out, 0, rows);
  }
}

// Equal/NotEqual with incompatible_shape_error=false: incompatible shapes give a scalar.
template <typename Op, typename T>
void equality_lenient_compute(KernelContext& ctx) {
  const std::vector<int64_t>& xs = ctx.input(0).shape();
  const std::vector<int64_t>& ys = ctx.input(1).shape();
  const size_t r = std::max(xs.size(), ys.size());
  bool compatible = true;
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < xs.size() ? xs[xs.size() - 1 - i] : 1;
    const int64_t db = i < ys.size() ? ys[ys.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1) compatible = false;
  }
  if (compatible) return binary_compute<Op, T>(ctx);
  Tensor& out = ctx.allocate_output(0, DataType::kBool, {});
  *out.data<bool>() = std::is_same_v<Op, NotEqualF>;
}

template <typename Op>
class BinaryKernel final : public OpKernel {
 public:
  explicit BinaryKernel(Operation op) : type_(op.type()) {
    dtype_ = fixed_bool_ ? DataType::kBool : attr_type(op, "T");
    const bool lenient = !attr_bool(op, "incompatible_shape_error", true);
    fn_ = pick(dtype_, [lenient](auto tag) -> Fn {
      using T = decltype(tag);
      if constexpr (Op::template ok<T>) {
        if constexpr (std::is_same_v<Op, EqualF> || std::is_same_v<Op, NotEqualF>)
          if (lenient) return &equality_lenient_compute<Op, T>;
        return &binary_compute<Op, T>;
      } else {
        (void)lenient;
        return nullptr;
      }
    });
  }
  void compute(KernelContext& ctx) override {
    if (!fn_) no_kernel(type_, dtype_);
    fn_(ctx);
  }

 private:
  static constexpr bool fixed_bool_ =
      std::is_same_v<Op, LogicalAndF> || std::is_same_v<Op, LogicalOrF>;
  std::string type_;
  DataType dtype_;
  Fn fn_ = nullptr;
};

// ---- Unary ----

struct NegF {
  template <typename T>
  static constexpr bool ok = kIsCore<T>;
  template <typename T>
  static T apply(T a) {
    if constexpr (std::is_integral_v<T>) return wrap_neg(a);
    return -a;
  }
};
struct AbsF {
  template <typename T>
  static constexpr bool ok = kIsCore<T>;
  template <typename T>
  static T apply(T a) {
    if constexpr (std::is_integral_v<T>) return a < 0 ? wrap_neg(a) : a;
    return std::abs(a);
  }
};
struct SquareF {
  template <typename T>
  static constexpr bool ok = kIsCore<T>;
  template <typename T>
  static T apply(T a) {
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      return static_cast<T>(static_cast<U>(a) * static_cast<U>(a));
    }
    return a * a;
  }
};
struct SqrtF {
  template <typename T>
  static constexpr bool ok = kIsReal<T>;
  template <typename T>
  static T apply(T a) {
    return std::sqrt(a);
  }
};
struct RsqrtF {
  template <typename T>
  static constexpr bool ok = kIsReal<T>;
  template <typename T>
  static T apply(T a) {
    return T(1) / std::sqrt(a);
  }
};
struct ExpF {
  template <typename T>
  static constexpr bool ok = kIsReal<T>;
  template <typename T>
  static T apply(T a) {
    return std::exp(a);
  }
};
struct LogF {
  template <typename T>
  static constexpr bool ok = kIsReal<T>;
  template <typename T>
  static T apply(T a) {
    return std::log(a);
  }
};
struct ReciprocalF {
  template <typename T>
  static constexpr bool ok = kIsReal<T>;
  template <typename T>
  static T apply(T a) {
    return T(1) / a;
  }
};
struct SignF {
  template <typename T>
  static constexpr bool ok = kIsCore<T>;
  template <typename T>
  static T apply(T a) {
    return static_cast<T>((T(0) < a) - (a < T(0)));
  }
};
struct LogicalNotF {
  template <typename T>
  static constexpr bool ok = std::is_same_v<T, bool>;
  template <typename T>
  static T apply(T a) {
    return !a;
  }
};

template <typename Op, typename T>
void unary_compute(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const T* a = x.data<T>();
  const int64_t n = x.num_elements();
  T* out = ctx.allocate_output(0, dtype_of<T>(), x.shape()).template data<T>();
  constexpr double kCycles = kIsReal<T> && !std::is_same_v<Op, NegF> ? 8.0 : 1.0;
  for_range(ctx, n, kCycles, static_cast<int>(2 * sizeof(T)), [=](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i) out[i] = Op::apply(a[i]);
  });
}

template <typename Op>
class UnaryKernel final : public OpKernel {
 public:
  explicit UnaryKernel(Operation op) : type_(op.type()) {
    dtype_ = std::is_same_v<Op, LogicalNotF> ? DataType::kBool : attr_type(op, "T");
    fn_ = pick(dtype_, [](auto tag) -> Fn {
      using T = decltype(tag);
      if constexpr (Op::template ok<T>)
        return &unary_compute<Op, T>;
      else
        return nullptr;
    });
  }
  void compute(KernelContext& ctx) override {
    if (!fn_) no_kernel(type_, dtype_);
    fn_(ctx);
  }

 private:
  std::string type_;
  DataType dtype_;
  Fn fn_ = nullptr;
};

// ---- Select ----

template <typename T>
void select_compute(KernelContext& ctx) {
  const Tensor& cond = ctx.input(0);
  const Tensor& then = ctx.input(1);
  const Tensor& els = ctx.input(2);
  const auto& cs = cond.shape();
  const auto& ts = then.shape();
  const auto& es = els.shape();
  if (cs.empty()) {
    if (ts != es)
      fail(Code::kInvalidArgument,
           fmt::format("'then' and 'else' must have the same size.  but received: {} vs. {}",
                       shape_string(ts), shape_string(es)));
    ctx.set_output(0, *cond.data<bool>() ? then : els);
    return;
  }
  const bool* c = cond.data<bool>();
  const T* t = then.data<T>();
  const T* e = els.data<T>();
  if (cs.size() == 1 && ts.size() != 1) {
    if (ts.empty())
      fail(Code::kInvalidArgument,
           fmt::format("'then' must be at least a vector, but saw shape: {}", shape_string(ts)));
    if (ts[0] != cs[0])
      fail(Code::kInvalidArgument,
           fmt::format("Number of batches of 'then' must match size of 'cond', but saw: {} vs. {}",
                       ts[0], cs[0]));
    if (ts != es)
      fail(Code::kInvalidArgument,
           fmt::format("'then' and 'else' must have the same size.  but received: {} vs. {}",
                       shape_string(ts), shape_string(es)));
    Tensor& o = ctx.allocate_output(0, dtype_of<T>(), ts);
    T* out = o.data<T>();
    const int64_t batch = cs[0];
    const int64_t inner = batch ? o.num_elements() / batch : 0;
    for (int64_t i = 0; i < batch; ++i) {
      const T* src = (c[i] ? t : e) + i * inner;
      std::copy(src, src + inner, out + i * inner);
    }
    return;
  }
  const std::vector<int64_t>* shapes[3] = {&cs, &ts, &es};
  for (int i = 1; i < 3; ++i)
    if (*shapes[i] != cs)
      fail(Code::kInvalidArgument,
           fmt::format("Inputs to operation {} of type Select must have the same size and "
                       "shape.  Input 0: {} != input {}: {}",
                       ctx.op().name(), shape_string(cs), i, shape_string(*shapes[i])));
  T* out = ctx.allocate_output(0, dtype_of<T>(), ts).template data<T>();
  for_range(ctx, then.num_elements(), 1.0, static_cast<int>(3 * sizeof(T) + 1),
            [=](int64_t s, int64_t en) {
              for (int64_t i = s; i < en; ++i) out[i] = c[i] ? t[i] : e[i];
            });
}

class SelectKernel final : public OpKernel {
 public:
  explicit SelectKernel(Operation op) {
    dtype_ = attr_type(op, "T");
    fn_ = pick(dtype_, [](auto tag) -> Fn { return &select_compute<decltype(tag)>; });
  }
  void compute(KernelContext& ctx) override {
    if (!fn_) no_kernel("Select", dtype_);
    fn_(ctx);
  }

 private:
  DataType dtype_;
  Fn fn_ = nullptr;
};

// ---- Cast ----

template <typename S, typename D>
inline D cast_one(S v) {
  if constexpr (std::is_same_v<D, bool>) {
    return v != S(0);
  } else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>) {
    // Truncation toward zero; NaN and out-of-range values give the type's minimum (as the
    // x86 conversion instructions TF relies on do) instead of undefined behaviour.
    constexpr S lo = static_cast<S>(std::numeric_limits<D>::min());
    constexpr S hi = -static_cast<S>(std::numeric_limits<D>::min());  // 2^(bits-1)
    if constexpr (std::is_signed_v<D>) {
      if (!(v >= lo && v < hi)) return std::numeric_limits<D>::min();
      return static_cast<D>(v);
    } else {
      if (!(v > S(-1) && v < static_cast<S>(std::numeric_limits<D>::max()) + S(1))) return D(0);
      return static_cast<D>(v);
    }
  } else {
    return static_cast<D>(v);
  }
}

template <typename S, typename D>
void cast_compute(KernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if constexpr (std::is_same_v<S, D>) {
    ctx.set_output(0, x);
  } else {
    const S* a = x.data<S>();
    D* out = ctx.allocate_output(0, dtype_of<D>(), x.shape()).template data<D>();
    for_range(ctx, x.num_elements(), 1.0, static_cast<int>(sizeof(S) + sizeof(D)),
              [=](int64_t s, int64_t e) {
                for (int64_t i = s; i < e; ++i) out[i] = cast_one<S, D>(a[i]);
              });
  }
}

class CastKernel final : public OpKernel {
 public:
  explicit CastKernel(Operation op) {
    src_ = attr_type(op, "SrcT");
    dst_ = attr_type(op, "DstT");
    const DataType dst = dst_;
    fn_ = pick(src_, [dst](auto stag) -> Fn {
      using S = decltype(stag);
      return pick(dst, [](auto dtag) -> Fn { return &cast_compute<S, decltype(dtag)>; });
    });
  }
  void compute(KernelContext& ctx) override {
    if (!fn_)
      fail(Code::kUnimplemented, fmt::format("Cast {} to {} is not supported", dtype_name(src_),
                                             dtype_name(dst_)));
    fn_(ctx);
  }

 private:
  DataType src_, dst_;
  Fn fn_ = nullptr;
};

// ---- AddN ----

template <typename T>
void add_n_compute(KernelContext& ctx) {
  const int n = ctx.num_inputs();
  const Tensor& x0 = ctx.input(0);
  for (int i = 1; i < n; ++i)
    if (ctx.input(i).shape() != x0.shape())
      fail(Code::kInvalidArgument,
           fmt::format("Inputs to operation {} of type {} must have the same size and shape.  "
                       "Input 0: {} != input {}: {}",
                       ctx.op().name(), ctx.op().type(), shape_string(x0.shape()), i,
                       shape_string(ctx.input(i).shape())));
  T* out = ctx.allocate_output(0, dtype_of<T>(), x0.shape()).template data<T>();
  const int64_t size = x0.num_elements();
  if (n == 1) {
    std::copy(x0.data<T>(), x0.data<T>() + size, out);
    return;
  }
  for_range(ctx, size, static_cast<double>(n), static_cast<int>((n + 1) * sizeof(T)),
            [&ctx, n, out](int64_t s, int64_t e) {
              const T* a = ctx.input(0).data<T>();
              const T* b = ctx.input(1).data<T>();
              for (int64_t i = s; i < e; ++i) out[i] = static_cast<T>(a[i] + b[i]);
              for (int k = 2; k < n; ++k) {
                const T* c = ctx.input(k).data<T>();
                for (int64_t i = s; i < e; ++i) out[i] = static_cast<T>(out[i] + c[i]);
              }
            });
}

class AddNKernel final : public OpKernel {
 public:
  explicit AddNKernel(Operation op) {
    dtype_ = attr_type(op, "T");
    fn_ = pick(dtype_, [](auto tag) -> Fn {
      using T = decltype(tag);
      if constexpr (kIsNumber<T>)
        return &add_n_compute<T>;
      else
        return nullptr;
    });
  }
  void compute(KernelContext& ctx) override {
    if (!fn_) no_kernel("AddN", dtype_);
    fn_(ctx);
  }

 private:
  DataType dtype_;
  Fn fn_ = nullptr;
};

template <typename K>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<K>(op);
}

}  // namespace

void register_math_kernels() {
  register_kernel("Add", &make<BinaryKernel<AddF>>);
  register_kernel("AddV2", &make<BinaryKernel<AddF>>);
  register_kernel("Sub", &make<BinaryKernel<SubF>>);
  register_kernel("Mul", &make<BinaryKernel<MulF>>);
  register_kernel("RealDiv", &make<BinaryKernel<RealDivF>>);
  register_kernel("DivNoNan", &make<BinaryKernel<DivNoNanF>>);
  register_kernel("Div", &make<BinaryKernel<DivF>>);
  register_kernel("FloorDiv", &make<BinaryKernel<FloorDivF>>);
  register_kernel("Pow", &make<BinaryKernel<PowF>>);
  register_kernel("Maximum", &make<BinaryKernel<MaximumF>>);
  register_kernel("Minimum", &make<BinaryKernel<MinimumF>>);
  register_kernel("SquaredDifference", &make<BinaryKernel<SquaredDifferenceF>>);
  register_kernel("Less", &make<BinaryKernel<LessF>>);
  register_kernel("LessEqual", &make<BinaryKernel<LessEqualF>>);
  register_kernel("Greater", &make<BinaryKernel<GreaterF>>);
  register_kernel("GreaterEqual", &make<BinaryKernel<GreaterEqualF>>);
  register_kernel("Equal", &make<BinaryKernel<EqualF>>);
  register_kernel("NotEqual", &make<BinaryKernel<NotEqualF>>);
  register_kernel("LogicalAnd", &make<BinaryKernel<LogicalAndF>>);
  register_kernel("LogicalOr", &make<BinaryKernel<LogicalOrF>>);
  register_kernel("Neg", &make<UnaryKernel<NegF>>);
  register_kernel("Abs", &make<UnaryKernel<AbsF>>);
  register_kernel("Square", &make<UnaryKernel<SquareF>>);
  register_kernel("Sqrt", &make<UnaryKernel<SqrtF>>);
  register_kernel("Rsqrt", &make<UnaryKernel<RsqrtF>>);
  register_kernel("Exp", &make<UnaryKernel<ExpF>>);
  register_kernel("Log", &make<UnaryKernel<LogF>>);
  register_kernel("Reciprocal", &make<UnaryKernel<ReciprocalF>>);
  register_kernel("Sign", &make<UnaryKernel<SignF>>);
  register_kernel("LogicalNot", &make<UnaryKernel<LogicalNotF>>);
  register_kernel("Select", &make<SelectKernel>);
  register_kernel("Cast", &make<CastKernel>);
  register_kernel("AddN", &make<AddNKernel>);
}

}  // namespace scopeflow::runtime::internal
