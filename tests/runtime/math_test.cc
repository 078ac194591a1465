// The math ops family: element-wise binary ops with broadcasting, unary ops, comparisons,
// logic, Select, Cast and AddN. Kernels are checked against naive loops on random inputs;
// shape functions on known, partly known and unknown shapes; errors verbatim.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>

#include "../sf_testing.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/runtime/kernel.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using runtime::OpError;
using runtime::RunCode;
using runtime::Session;
using Shape = std::vector<int64_t>;

// ---- Helpers ----

int64_t NumElements(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

// numpy broadcasting of two full shapes (empty optional when incompatible).
std::optional<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i + a.size() >= r ? a[i + a.size() - r] : 1;
    const int64_t db = i + b.size() >= r ? b[i + b.size() - r] : 1;
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// The flat index into an input of shape `in` for output element `flat` of shape `out`.
int64_t SourceIndex(const Shape& in, const Shape& out, int64_t flat) {
  int64_t idx = 0, stride = 1;
  for (int i = static_cast<int>(out.size()) - 1; i >= 0; --i) {
    const int64_t coord = flat % out[i];
    flat /= out[i];
    const int j = i - static_cast<int>(out.size() - in.size());
    if (j >= 0) {
      if (in[j] != 1) idx += coord * stride;
      stride *= in[j];
    }
  }
  return idx;
}

template <typename T>
Tensor Random(const Shape& shape, std::mt19937& rng, T lo, T hi, bool nonzero = false) {
  Tensor t(dtype_of<T>(), shape);
  T* d = t.data<T>();
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    if constexpr (std::is_same_v<T, bool>) {
      d[i] = (rng() & 1) != 0;
    } else if constexpr (std::is_floating_point_v<T>) {
      d[i] = std::uniform_real_distribution<T>(lo, hi)(rng);
      if (nonzero && d[i] == 0) d[i] = 1;
    } else {
      d[i] = static_cast<T>(std::uniform_int_distribution<int64_t>(lo, hi)(rng));
      if (nonzero && d[i] == 0) d[i] = 1;
    }
  }
  return t;
}

template <typename T>
bool Close(T got, T want) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(want)) return std::isnan(got);
    if (std::isinf(want)) return got == want;
    const T tol = std::is_same_v<T, float> ? T(2e-5) : T(1e-12);
    return std::abs(got - want) <= tol * std::max(T(1), std::abs(want));
  } else {
    return got == want;
  }
}

// Runs `fetch` feeding the given placeholders; returns the single result.
Tensor RunGraph(Graph& g, std::vector<std::pair<Output, Tensor>> feeds, const Output& fetch) {
  Session sess(g);
  std::vector<Session::Feed> f(feeds.begin(), feeds.end());
  return sess.run(f, std::span<const Output>(&fetch, 1)).at(0);
}

// Expects the run to fail with `code` and TF's message `detail`.
::testing::AssertionResult RunFails(Session& sess, std::vector<Session::Feed> feeds,
                                    const Output& fetch, RunCode code, std::string_view detail) {
  try {
    sess.run(feeds, std::span<const Output>(&fetch, 1));
  } catch (const OpError& e) {
    if (e.run_code() == code && e.detail() == detail) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "got \"" << e.detail() << "\" (code "
                                         << static_cast<int>(e.run_code()) << ")";
  }
  return ::testing::AssertionFailure() << "did not fail; expected \"" << detail << "\"";
}

using BinaryBuilder = std::function<Output(const Scope&, const Output&, const Output&)>;

// The broadcasting cases every binary op is run on.
const std::vector<std::pair<Shape, Shape>>& BroadcastCases() {
  static const std::vector<std::pair<Shape, Shape>> cases = {
      {{}, {}},
      {{4}, {4}},
      {{4}, {}},
      {{}, {4}},
      {{1}, {2, 2}},          // 1-element vs higher rank
      {{2, 3}, {1, 1, 1}},    // a 1-element operand of higher rank
      {{2, 3}, {3}},
      {{3}, {2, 3}},
      {{2, 1, 3}, {4, 1}},
      {{3, 1}, {1, 3}},
      {{5, 1, 7}, {1, 6, 1}},
      {{2, 3, 4, 5}, {3, 1, 5}},
      {{2, 1, 2, 1, 2, 1, 2, 3}, {1, 2, 1, 2, 1, 2, 1, 3}},  // rank 8
      {{0, 3}, {3}},
      {{2, 0}, {1}},
      {{0}, {}},
      {{2, 0, 3}, {2, 1, 3}},
      {{40000}, {40000}},  // large: thread pool
      {{40000}, {}},
      {{}, {40000}},
      {{300, 200}, {200}},  // large general broadcast
      {{300, 1}, {1, 200}},
  };
  return cases;
}

// Checks op(x, y) == ref(x, y) elementwise on random inputs for every broadcasting case, with
// placeholders of unknown shape and of fully known shape (static shape checked too).
template <typename T, typename R, typename Ref>
void CheckBinary(const BinaryBuilder& build, Ref ref, T lo, T hi, bool y_nonzero = false,
                 T ylo = T(0), T yhi = T(0), bool y_range = false) {
  std::mt19937 rng(1234);
  for (const auto& [sa, sb] : BroadcastCases()) {
    SCOPED_TRACE(::testing::Message() << "shapes " << PartialShape(sa).to_string() << " "
                                      << PartialShape(sb).to_string() << " dtype "
                                      << dtype_name(dtype_of<T>()));
    const Shape out_shape = *BroadcastShapes(sa, sb);
    Tensor a = Random<T>(sa, rng, lo, hi);
    Tensor b = y_range ? Random<T>(sb, rng, ylo, yhi, y_nonzero)
                       : Random<T>(sb, rng, lo, hi, y_nonzero);
    for (bool known : {false, true}) {
      Graph g;
      Scope s = Scope::root(g);
      Output x = ops::placeholder(s, dtype_of<T>(),
                                  known ? PartialShape(sa) : PartialShape::unknown(), "x");
      Output y = ops::placeholder(s, dtype_of<T>(),
                                  known ? PartialShape(sb) : PartialShape::unknown(), "y");
      Output z = build(s, x, y);
      EXPECT_EQ(z.dtype(), dtype_of<R>());
      EXPECT_EQ(z.shape(), known ? PartialShape(out_shape) : PartialShape::unknown());
      Session sess(g);
      // Twice: the second run reuses the output buffer.
      for (int rep = 0; rep < 2; ++rep) {
        Tensor out = sess.run({{x, a}, {y, b}}, {z})[0];
        ASSERT_EQ(out.shape(), out_shape);
        ASSERT_EQ(out.dtype(), dtype_of<R>());
        const R* o = out.data<R>();
        int bad = 0;
        for (int64_t i = 0; i < out.num_elements() && bad < 5; ++i) {
          const T av = a.data<T>()[SourceIndex(sa, out_shape, i)];
          const T bv = b.data<T>()[SourceIndex(sb, out_shape, i)];
          const R want = ref(av, bv);
          if (!Close<R>(o[i], want)) {
            ++bad;
            ADD_FAILURE() << "element " << i << ": f(" << +av << ", " << +bv << ") = " << +o[i]
                          << ", want " << +want;
          }
        }
      }
    }
  }
}

// ---- Binary arithmetic ----

template <typename T>
void CheckArithmetic() {
  const T lo = std::is_floating_point_v<T> ? T(-4) : T(-50);
  const T hi = std::is_floating_point_v<T> ? T(4) : T(50);
  CheckBinary<T, T>([](const Scope& s, const Output& x, const Output& y) { return ops::add(s, x, y); },
                    [](T a, T b) { return T(a + b); }, lo, hi);
  CheckBinary<T, T>(
      [](const Scope& s, const Output& x, const Output& y) { return ops::add_v2(s, x, y); },
      [](T a, T b) { return T(a + b); }, lo, hi);
  CheckBinary<T, T>([](const Scope& s, const Output& x, const Output& y) { return ops::sub(s, x, y); },
                    [](T a, T b) { return T(a - b); }, lo, hi);
  CheckBinary<T, T>([](const Scope& s, const Output& x, const Output& y) { return ops::mul(s, x, y); },
                    [](T a, T b) { return T(a * b); }, lo, hi);
  CheckBinary<T, T>(
      [](const Scope& s, const Output& x, const Output& y) { return ops::maximum(s, x, y); },
      [](T a, T b) { return a > b ? a : b; }, lo, hi);
  CheckBinary<T, T>(
      [](const Scope& s, const Output& x, const Output& y) { return ops::minimum(s, x, y); },
      [](T a, T b) { return a < b ? a : b; }, lo, hi);
  CheckBinary<T, T>(
      [](const Scope& s, const Output& x, const Output& y) {
        return ops::squared_difference(s, x, y);
      },
      [](T a, T b) { return T((a - b) * (a - b)); }, lo, hi);
  // Div: real division for floats, truncation toward zero for integers.
  CheckBinary<T, T>(
      [](const Scope& s, const Output& x, const Output& y) { return ops::div(s, x, y); },
      [](T a, T b) {
        if constexpr (std::is_floating_point_v<T>) return T(a / b);
        return static_cast<T>(std::trunc(static_cast<double>(a) / static_cast<double>(b)));
      },
      lo, hi, /*y_nonzero=*/true);
  // FloorDiv: rounds toward negative infinity.
  CheckBinary<T, T>(
      [](const Scope& s, const Output& x, const Output& y) { return ops::floor_div(s, x, y); },
      [](T a, T b) {
        if constexpr (std::is_floating_point_v<T>) return T(std::floor(a / b));
        return static_cast<T>(std::floor(static_cast<double>(a) / static_cast<double>(b)));
      },
      lo, hi, /*y_nonzero=*/true);
  // Pow: small non-negative exponents for integers.
  if constexpr (std::is_floating_point_v<T>) {
    CheckBinary<T, T>(
        [](const Scope& s, const Output& x, const Output& y) { return ops::pow(s, x, y); },
        [](T a, T b) { return T(std::pow(a, b)); }, T(0.1), T(3), false, T(-3), T(3), true);
  } else {
    CheckBinary<T, T>(
        [](const Scope& s, const Output& x, const Output& y) { return ops::pow(s, x, y); },
        [](T a, T b) {
          T r = 1;
          for (T i = 0; i < b; ++i) r = T(r * a);
          return r;
        },
        T(-9), T(9), false, T(0), T(6), true);
  }
}

TEST(MathBinaryTest, FloatMatchesReference) { CheckArithmetic<float>(); }
TEST(MathBinaryTest, DoubleMatchesReference) { CheckArithmetic<double>(); }
TEST(MathBinaryTest, Int32MatchesReference) { CheckArithmetic<int32_t>(); }
TEST(MathBinaryTest, Int64MatchesReference) { CheckArithmetic<int64_t>(); }

template <typename T>
void CheckRealDiv() {
  CheckBinary<T, T>(
      [](const Scope& s, const Output& x, const Output& y) { return ops::real_div(s, x, y); },
      [](T a, T b) { return T(a / b); }, T(-4), T(4), true);
}
TEST(MathBinaryTest, RealDivMatchesReference) {
  CheckRealDiv<float>();
  CheckRealDiv<double>();
}

TEST(MathBinaryTest, IntegerDivisionSemantics) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::constant(s, Tensor::vector<int32_t>({7, -7, 7, -7, 0, 6}), "x");
  Output y = ops::constant(s, Tensor::vector<int32_t>({2, 2, -2, -2, 3, -3}), "y");
  Session sess(g);
  Tensor d = sess.run(ops::div(s, x, y));
  Tensor f = sess.run(ops::floor_div(s, x, y));
  const std::vector<int32_t> want_d = {3, -3, -3, 3, 0, -2}, want_f = {3, -4, -4, 3, 0, -2};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(d.data<int32_t>()[i], want_d[i]) << i;
    EXPECT_EQ(f.data<int32_t>()[i], want_f[i]) << i;
  }
  // INT_MIN / -1 wraps instead of trapping.
  Output m = ops::constant(s, Tensor::scalar<int32_t>(std::numeric_limits<int32_t>::min()), "m");
  EXPECT_EQ(sess.run(ops::div(s, m, -1)).data<int32_t>()[0], std::numeric_limits<int32_t>::min());
  // Float FloorDiv floors.
  Output a = ops::constant(s, Tensor::vector<float>({-7.5f, 7.5f}), "a");
  Tensor ff = sess.run(ops::floor_div(s, a, 2.0f));
  EXPECT_EQ(ff.data<float>()[0], -4.0f);
  EXPECT_EQ(ff.data<float>()[1], 3.0f);
}

TEST(MathBinaryTest, IntegerDivisionByZeroFails) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kInt32, PartialShape::unknown(), "x");
  Output y = ops::placeholder(s, DataType::kInt32, PartialShape::unknown(), "y");
  Output d = ops::div(s, x, y);
  Output f = ops::floor_div(s, x, y);
  Session sess(g);
  Tensor xs = Tensor::vector<int32_t>({1, 2, 3});
  Tensor ys = Tensor::vector<int32_t>({1, 0, 3});
  EXPECT_TRUE(RunFails(sess, {{x, xs}, {y, ys}}, d, RunCode::kInvalidArgument,
                       "Integer division by zero"));
  EXPECT_TRUE(RunFails(sess, {{x, xs}, {y, ys}}, f, RunCode::kInvalidArgument,
                       "Integer division by zero"));
  // Scalar divisor and broadcasting paths check too.
  EXPECT_TRUE(RunFails(sess, {{x, xs}, {y, Tensor::scalar<int32_t>(0)}}, d,
                       RunCode::kInvalidArgument, "Integer division by zero"));
  EXPECT_TRUE(RunFails(sess, {{x, Tensor(DataType::kInt32, {2, 3})}, {y, Tensor(DataType::kInt32, {2, 1})}},
                       d, RunCode::kInvalidArgument, "Integer division by zero"));
  // The node is named in the error.
  try {
    sess.run({{x, xs}, {y, ys}}, {d});
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.node(), "Div");
  }
  // Floats divide by zero to inf.
  Graph g2;
  Scope s2 = Scope::root(g2);
  Output q = ops::div(s2, ops::constant(s2, Tensor::scalar(1.0f)), 0.0f);
  EXPECT_TRUE(std::isinf(Session(g2).run(q).data<float>()[0]));
}

TEST(MathBinaryTest, IntegerNegativePowerFails) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kInt64, PartialShape::unknown(), "x");
  Output p = ops::pow(s, x, ops::constant(s, Tensor::vector<int64_t>({2, -1}), "e"));
  Session sess(g);
  EXPECT_TRUE(RunFails(sess, {{x, Tensor::vector<int64_t>({3, 3})}}, p, RunCode::kInvalidArgument,
                       "Integers to negative integer powers are not allowed"));
}

TEST(MathBinaryTest, IncompatibleRuntimeShapes) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "x");
  Output y = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "y");
  Output z = ops::add(s, x, y);
  Output c = ops::less(s, x, y);
  Session sess(g);
  EXPECT_TRUE(RunFails(sess, {{x, Tensor(DataType::kFloat, {2})}, {y, Tensor(DataType::kFloat, {3})}},
                       z, RunCode::kInvalidArgument, "Incompatible shapes: [2] vs. [3]"));
  EXPECT_TRUE(RunFails(sess,
                       {{x, Tensor(DataType::kFloat, {2, 3})}, {y, Tensor(DataType::kFloat, {4, 1, 2})}},
                       c, RunCode::kInvalidArgument, "Incompatible shapes: [2,3] vs. [4,1,2]"));
  // Rank 9: same shapes and scalars work; general broadcasting stops at rank 8, as TF's
  // kernels stop at a fixed rank.
  const Shape r9 = {2, 1, 2, 1, 2, 1, 2, 1, 2}, r9b = {1, 2, 1, 2, 1, 2, 1, 2, 1};
  EXPECT_EQ(sess.run({{x, Tensor(DataType::kFloat, r9)}, {y, Tensor(DataType::kFloat, r9)}}, {z})[0]
                .shape(),
            r9);
  EXPECT_TRUE(RunFails(sess, {{x, Tensor(DataType::kFloat, r9)}, {y, Tensor(DataType::kFloat, r9b)}},
                       z, RunCode::kUnimplemented,
                       "Broadcast between [2,1,2,1,2,1,2,1,2] and [1,2,1,2,1,2,1,2,1] is not "
                       "supported yet."));
  // Still usable, and the output changes shape between steps.
  Tensor r = sess.run({{x, Tensor(DataType::kFloat, {2, 1})}, {y, Tensor(DataType::kFloat, {3})}}, {z})[0];
  EXPECT_EQ(r.shape(), (Shape{2, 3}));
  r = sess.run({{x, Tensor::scalar(1.0f)}, {y, Tensor::scalar(2.0f)}}, {z})[0];
  EXPECT_EQ(r.shape(), Shape{});
  EXPECT_EQ(r.data<float>()[0], 3.0f);
}

TEST(MathBinaryTest, UnsupportedDtypeHasNoKernel) {
  Graph g;
  Scope s = Scope::root(g);
  Output i = ops::constant(s, Tensor::vector<int32_t>({4, 9}), "i");
  Output b = ops::constant(s, Tensor::vector<bool>({true, false}), "b");
  Session sess(g);
  EXPECT_TRUE(RunFails(sess, {}, ops::real_div(s, i, i), RunCode::kInvalidArgument,
                       "No OpKernel was registered to support Op 'RealDiv' with dtype int32"));
  EXPECT_TRUE(RunFails(sess, {}, ops::sqrt(s, i), RunCode::kInvalidArgument,
                       "No OpKernel was registered to support Op 'Sqrt' with dtype int32"));
  EXPECT_TRUE(RunFails(sess, {}, ops::add(s, b, b), RunCode::kInvalidArgument,
                       "No OpKernel was registered to support Op 'Add' with dtype bool"));
  EXPECT_TRUE(RunFails(sess, {}, ops::less(s, b, b), RunCode::kInvalidArgument,
                       "No OpKernel was registered to support Op 'Less' with dtype bool"));
}

// ---- Comparisons and logic ----

template <typename T>
void CheckComparisons() {
  // A narrow range so that equal values occur.
  const T lo = T(-3), hi = T(3);
  auto cmp = [&](auto build, auto ref) { CheckBinary<T, bool>(build, ref, lo, hi); };
  cmp([](const Scope& s, const Output& x, const Output& y) { return ops::equal(s, x, y); },
      [](T a, T b) { return a == b; });
  cmp([](const Scope& s, const Output& x, const Output& y) { return ops::not_equal(s, x, y); },
      [](T a, T b) { return a != b; });
  cmp([](const Scope& s, const Output& x, const Output& y) { return ops::less(s, x, y); },
      [](T a, T b) { return a < b; });
  cmp([](const Scope& s, const Output& x, const Output& y) { return ops::less_equal(s, x, y); },
      [](T a, T b) { return a <= b; });
  cmp([](const Scope& s, const Output& x, const Output& y) { return ops::greater(s, x, y); },
      [](T a, T b) { return a > b; });
  cmp([](const Scope& s, const Output& x, const Output& y) { return ops::greater_equal(s, x, y); },
      [](T a, T b) { return a >= b; });
}

TEST(MathCompareTest, FloatMatchesReference) { CheckComparisons<float>(); }
TEST(MathCompareTest, Int32MatchesReference) { CheckComparisons<int32_t>(); }
TEST(MathCompareTest, Int64MatchesReference) { CheckComparisons<int64_t>(); }
TEST(MathCompareTest, DoubleMatchesReference) { CheckComparisons<double>(); }

TEST(MathCompareTest, EqualOnBoolAndLogicalOps) {
  CheckBinary<bool, bool>(
      [](const Scope& s, const Output& x, const Output& y) { return ops::equal(s, x, y); },
      [](bool a, bool b) { return a == b; }, false, true);
  CheckBinary<bool, bool>(
      [](const Scope& s, const Output& x, const Output& y) { return ops::not_equal(s, x, y); },
      [](bool a, bool b) { return a != b; }, false, true);
  CheckBinary<bool, bool>(
      [](const Scope& s, const Output& x, const Output& y) { return ops::logical_and(s, x, y); },
      [](bool a, bool b) { return a && b; }, false, true);
  CheckBinary<bool, bool>(
      [](const Scope& s, const Output& x, const Output& y) { return ops::logical_or(s, x, y); },
      [](bool a, bool b) { return a || b; }, false, true);
}

TEST(MathCompareTest, EqualCarriesIncompatibleShapeErrorAttr) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2}), "x");
  Output e = ops::equal(s, x, 1.0f);
  EXPECT_EQ(e.op().type(), "Equal");
  auto attr = e.op().attr("incompatible_shape_error");
  ASSERT_TRUE(attr.has_value());
  EXPECT_TRUE(std::get<bool>(*attr));
  EXPECT_EQ(e.op().name(), "Equal");
  EXPECT_EQ(e.op().input(1).op().name(), "Equal/y");
  EXPECT_EQ(ops::not_equal(s, x, x).op().name(), "NotEqual");
  // Lenient Equal built directly: incompatible shapes give a scalar False.
  Output y = ops::placeholder(s, DataType::kFloat, PartialShape({3}), "y");
  const Output ins[] = {x, y};
  const Attr attrs[] = {{"T", DataType::kFloat}, {"incompatible_shape_error", false}};
  Output lenient = ops::create(s, "Equal", "lenient", ins, attrs).output(0);
  EXPECT_EQ(lenient.shape(), PartialShape::unknown());
  Session sess(g);
  Tensor r = sess.run({{x, Tensor(DataType::kFloat, {2})}, {y, Tensor(DataType::kFloat, {3})}},
                      {lenient})[0];
  EXPECT_EQ(r.shape(), Shape{});
  EXPECT_FALSE(r.data<bool>()[0]);
}

TEST(MathCompareTest, LogicalNot) {
  Graph g;
  Scope s = Scope::root(g);
  std::mt19937 rng(7);
  Tensor v = Random<bool>({3, 5}, rng, false, true);
  Output x = ops::placeholder(s, DataType::kBool, PartialShape({-1, 5}), "x");
  Output n = ops::logical_not(s, x);
  EXPECT_EQ(n.op().name(), "LogicalNot");
  EXPECT_EQ(n.shape(), PartialShape({-1, 5}));
  EXPECT_EQ(n.dtype(), DataType::kBool);
  Tensor r = RunGraph(g, {{x, v}}, n);
  for (int i = 0; i < 15; ++i) EXPECT_EQ(r.data<bool>()[i], !v.data<bool>()[i]);
}

TEST(MathCompareTest, LogicalOpsNeedBool) {
  Graph g;
  Scope s = Scope::root(g);
  Output f = ops::placeholder(s, DataType::kFloat, PartialShape({2}), "f");
  Output b = ops::placeholder(s, DataType::kBool, PartialShape({2}), "b");
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Input 'x' of 'LogicalAnd' Op has type float32 that does not match expected "
                  "type of bool.",
                  ops::logical_and(s, f, b));
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Input 'y' of 'LogicalOr' Op has type float32 that does not match expected "
                  "type of bool.",
                  ops::logical_or(s, b, f));
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Expected bool passed to parameter 'y' of op 'LogicalAnd', got 1 of type 'int' "
                  "instead. Error: Expected bool, got 1 of type 'int' instead.",
                  ops::logical_and(s, b, 1));
  Output ok = ops::logical_and(s, b, true);
  EXPECT_EQ(ok.op().input(1).op().name(), "LogicalAnd_2/y");
}

// ---- Unary ----

template <typename T, typename Ref>
void CheckUnary(Output (*build)(const Scope&, const Input&, std::string_view), Ref ref, T lo,
                T hi) {
  std::mt19937 rng(99);
  for (const Shape& shape : std::vector<Shape>{{}, {4}, {2, 3}, {0}, {2, 0, 3}, {50000}}) {
    Graph g;
    Scope s = Scope::root(g);
    Output x = ops::placeholder(s, dtype_of<T>(), PartialShape::unknown_of_rank(
                                                      static_cast<int>(shape.size())),
                                "x");
    Output y = build(s, x, "");
    EXPECT_EQ(y.dtype(), dtype_of<T>());
    EXPECT_EQ(y.shape(), x.shape());
    Tensor v = Random<T>(shape, rng, lo, hi);
    Tensor r = RunGraph(g, {{x, v}}, y);
    ASSERT_EQ(r.shape(), shape);
    for (int64_t i = 0; i < r.num_elements(); ++i)
      ASSERT_TRUE(Close<T>(r.data<T>()[i], ref(v.data<T>()[i])))
          << y.op().type() << " of " << +v.data<T>()[i] << " = " << +r.data<T>()[i];
  }
}

template <typename T>
void CheckSignedUnary() {
  const T lo = T(-20), hi = T(20);
  CheckUnary<T>(&ops::neg, [](T a) { return T(-a); }, lo, hi);
  CheckUnary<T>(&ops::abs, [](T a) { return a < 0 ? T(-a) : a; }, lo, hi);
  CheckUnary<T>(&ops::square, [](T a) { return T(a * a); }, lo, hi);
  CheckUnary<T>(&ops::sign, [](T a) { return a > 0 ? T(1) : a < 0 ? T(-1) : T(0); }, lo, hi);
}

template <typename T>
void CheckRealUnary() {
  CheckUnary<T>(&ops::sqrt, [](T a) { return T(std::sqrt(a)); }, T(0), T(100));
  CheckUnary<T>(&ops::rsqrt, [](T a) { return T(1 / std::sqrt(a)); }, T(0.01), T(100));
  CheckUnary<T>(&ops::exp, [](T a) { return T(std::exp(a)); }, T(-10), T(10));
  CheckUnary<T>(&ops::log, [](T a) { return T(std::log(a)); }, T(0.001), T(100));
  CheckUnary<T>(&ops::reciprocal, [](T a) { return T(1 / a); }, T(-5), T(5));
}

TEST(MathUnaryTest, FloatMatchesReference) {
  CheckSignedUnary<float>();
  CheckRealUnary<float>();
}
TEST(MathUnaryTest, DoubleMatchesReference) {
  CheckSignedUnary<double>();
  CheckRealUnary<double>();
}
TEST(MathUnaryTest, IntsMatchReference) {
  CheckSignedUnary<int32_t>();
  CheckSignedUnary<int64_t>();
}

TEST(MathUnaryTest, SpecialValues) {
  Graph g;
  Scope s = Scope::root(g);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Output x = ops::constant(s, Tensor::vector<float>({-1.0f, 0.0f, nan}), "x");
  Session sess(g);
  Tensor sq = sess.run(ops::sqrt(s, x));
  EXPECT_TRUE(std::isnan(sq.data<float>()[0]));
  Tensor lg = sess.run(ops::log(s, x));
  EXPECT_TRUE(std::isinf(lg.data<float>()[1]) && lg.data<float>()[1] < 0);
  Tensor sg = sess.run(ops::sign(s, x));
  EXPECT_EQ(sg.data<float>()[0], -1.0f);
  EXPECT_EQ(sg.data<float>()[1], 0.0f);
  Tensor rc = sess.run(ops::reciprocal(s, x));
  EXPECT_TRUE(std::isinf(rc.data<float>()[1]));
}

TEST(MathUnaryTest, BuildersNameAndConvert) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::neg(s, 3.0f);
  EXPECT_EQ(a.op().name(), "Neg");
  EXPECT_EQ(a.op().input(0).op().name(), "Neg/x");
  EXPECT_EQ(ops::neg(s, a).op().name(), "Neg_1");
  EXPECT_EQ(ops::exp(s, a, "e").op().name(), "e");
  EXPECT_EQ(ops::square(s, a).op().type(), "Square");
  EXPECT_EQ(ops::rsqrt(s, a).op().name(), "Rsqrt");
  EXPECT_EQ(ops::reciprocal(s, a).op().name(), "Reciprocal");
  EXPECT_EQ(std::get<DataType>(*a.op().attr("T")), DataType::kFloat);
  EXPECT_EQ(Session(g).run(a).data<float>()[0], -3.0f);
  // Unknown rank stays unknown.
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "u");
  EXPECT_EQ(ops::abs(s, u).shape(), PartialShape::unknown());
}

// ---- Shape functions and builders of binary ops ----

TEST(MathShapeTest, BroadcastShapeFunction) {
  Graph g;
  Scope s = Scope::root(g);
  auto ph = [&](PartialShape shape) { return ops::placeholder(s, DataType::kFloat, shape); };
  EXPECT_EQ(ops::add(s, ph({2, 3}), ph({3})).shape(), PartialShape({2, 3}));
  EXPECT_EQ(ops::sub(s, ph({2, 1}), ph({1, 3})).shape(), PartialShape({2, 3}));
  EXPECT_EQ(ops::mul(s, ph({}), ph({4, 5})).shape(), PartialShape({4, 5}));
  EXPECT_EQ(ops::maximum(s, ph({-1, 3}), ph({2, 1})).shape(), PartialShape({2, 3}));
  EXPECT_EQ(ops::minimum(s, ph({-1, 3}), ph({-1, 1})).shape(), PartialShape({-1, 3}));
  EXPECT_EQ(ops::pow(s, ph({-1}), ph({1})).shape(), PartialShape({-1}));
  EXPECT_EQ(ops::div(s, ph({-1}), ph({5})).shape(), PartialShape({5}));
  EXPECT_EQ(ops::floor_div(s, ph({7, 1}), ph({-1})).shape(), PartialShape({7, -1}));
  EXPECT_EQ(ops::squared_difference(s, ph(PartialShape::unknown()), ph({3})).shape(),
            PartialShape::unknown());
  EXPECT_EQ(ops::real_div(s, ph({2}), ph(PartialShape::unknown())).shape(),
            PartialShape::unknown());
  EXPECT_EQ(ops::add_v2(s, ph({0, 1}), ph({3})).shape(), PartialShape({0, 3}));
  Output lt = ops::less(s, ph({2, 1}), ph({4}));
  EXPECT_EQ(lt.shape(), PartialShape({2, 4}));
  EXPECT_EQ(lt.dtype(), DataType::kBool);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimensions must be equal, but are 2 and 3 for 'Add_1' (op: 'Add') with input "
                  "shapes: [2], [3].",
                  ops::add(s, ph({2}), ph({3})));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimensions must be equal, but are 4 and 5 for 'Div_1' (op: 'Div') with input "
                  "shapes: [?,4], [5].",
                  ops::div(s, ph({-1, 4}), ph({5})));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimensions must be equal, but are 2 and 3 for 'GreaterEqual' (op: "
                  "'GreaterEqual') with input shapes: [2], [3].",
                  ops::greater_equal(s, ph({2}), ph({3})));
}

TEST(MathShapeTest, BinaryBuildersNamesAndTypes) {
  Graph g;
  Scope s = Scope::root(g);
  Output f = ops::placeholder(s, DataType::kFloat, PartialShape({2}), "f");
  Output i = ops::placeholder(s, DataType::kInt32, PartialShape({2}), "i");
  Output d = ops::div(s, f, 2);  // weakly typed int literal becomes float
  EXPECT_EQ(d.op().name(), "Div");
  EXPECT_EQ(d.op().type(), "Div");
  EXPECT_EQ(d.op().input(1).op().name(), "Div/y");
  EXPECT_EQ(d.op().input(1).dtype(), DataType::kFloat);
  EXPECT_EQ(ops::div(s, f, f).op().name(), "Div_1");
  EXPECT_EQ(ops::floor_div(s, i, 3).op().name(), "FloorDiv");
  EXPECT_EQ(ops::pow(s, 2.0f, f).op().input(0).op().name(), "Pow/x");
  EXPECT_EQ(ops::maximum(s, f, f, "mx").op().name(), "mx");
  EXPECT_EQ(ops::minimum(s, f, f).op().name(), "Minimum");
  EXPECT_EQ(ops::squared_difference(s, f, f).op().name(), "SquaredDifference");
  EXPECT_EQ(std::get<DataType>(*d.op().attr("T")), DataType::kFloat);
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Input 'y' of 'Maximum' Op has type int32 that does not match type float32 of "
                  "argument 'x'.",
                  ops::maximum(s, f, i));
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Expected int32 passed to parameter 'y' of op 'Pow', got 2.5 of type 'float' "
                  "instead. Error: Expected int32, got 2.5 of type 'float' instead.",
                  ops::pow(s, i, 2.5f));
  // A literal x is converted first (int32), so a float y mismatches as in TF.
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Input 'y' of 'Minimum' Op has type float32 that does not match type int32 of "
                  "argument 'x'.",
                  ops::minimum(s, 1, f));
  // The result runs.
  Tensor r = RunGraph(g, {{f, Tensor::vector<float>({3, -5})}}, d);
  EXPECT_EQ(r.data<float>()[0], 1.5f);
  EXPECT_EQ(r.data<float>()[1], -2.5f);
}

// ---- Select ----

template <typename T>
void CheckSelect(const Shape& cond_shape, const Shape& shape) {
  std::mt19937 rng(5);
  Graph g;
  Scope s = Scope::root(g);
  Output c = ops::placeholder(s, DataType::kBool, PartialShape::unknown(), "c");
  Output t = ops::placeholder(s, dtype_of<T>(), PartialShape::unknown(), "t");
  Output e = ops::placeholder(s, dtype_of<T>(), PartialShape::unknown(), "e");
  Output o = ops::select(s, c, t, e);
  Tensor cv = Random<bool>(cond_shape, rng, false, true);
  Tensor tv = Random<T>(shape, rng, T(-9), T(9));
  Tensor ev = Random<T>(shape, rng, T(-9), T(9));
  Tensor r = RunGraph(g, {{c, cv}, {t, tv}, {e, ev}}, o);
  ASSERT_EQ(r.shape(), shape);
  const int64_t n = NumElements(shape);
  const int64_t per = cond_shape.empty() ? n : (shape.empty() ? 1 : n / std::max<int64_t>(1, NumElements(cond_shape)));
  for (int64_t i = 0; i < n; ++i) {
    const bool cb = cond_shape.empty() ? cv.data<bool>()[0] : cv.data<bool>()[per ? i / per : 0];
    const T want = cb ? tv.data<T>()[i] : ev.data<T>()[i];
    ASSERT_EQ(r.data<T>()[i], want) << i;
  }
}

TEST(MathSelectTest, MatchesReference) {
  CheckSelect<float>({2, 3}, {2, 3});
  CheckSelect<int32_t>({5}, {5});
  CheckSelect<double>({}, {4, 2});
  CheckSelect<int64_t>({3}, {3, 4});      // vector condition over the first dimension
  CheckSelect<float>({3}, {3, 2, 2});
  CheckSelect<bool>({6}, {6});
  CheckSelect<float>({0}, {0, 3});
  CheckSelect<float>({40000}, {40000});  // large
}

TEST(MathSelectTest, ShapeFunction) {
  Graph g;
  Scope s = Scope::root(g);
  auto b = [&](PartialShape shape) { return ops::placeholder(s, DataType::kBool, shape); };
  auto f = [&](PartialShape shape) { return ops::placeholder(s, DataType::kFloat, shape); };
  Output o = ops::select(s, b({2, 3}), f({-1, 3}), f({2, -1}));
  EXPECT_EQ(o.op().name(), "Select");
  EXPECT_EQ(o.shape(), PartialShape({2, 3}));
  EXPECT_EQ(o.dtype(), DataType::kFloat);
  EXPECT_EQ(ops::select(s, b({}), f({4, 5}), f({4, 5})).shape(), PartialShape({4, 5}));
  EXPECT_EQ(ops::select(s, b({4}), f({-1, 5}), f({-1, 5})).shape(), PartialShape({-1, 5}));
  EXPECT_EQ(ops::select(s, b(PartialShape::unknown()), f({3}), f(PartialShape::unknown())).shape(),
            PartialShape({3}));
  EXPECT_EQ(ops::select(s, b({-1, -1}), f(PartialShape::unknown()), f({-1, 2})).shape(),
            PartialShape({-1, 2}));
  EXPECT_EQ(ops::select(s, b({2, 7}), f(PartialShape::unknown()), f(PartialShape::unknown())).shape(),
            PartialShape::unknown());
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimension 0 in both shapes must be equal, but are 2 and 3. Shapes are [2] and "
                  "[3]. for 'Select_6' (op: 'Select') with input shapes: [2], [2], [3].",
                  ops::select(s, b({2}), f({2}), f({3})));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimension 0 in both shapes must be equal, but are 3 and 4. Shapes are [3] and "
                  "[4]. for 'Select_7' (op: 'Select') with input shapes: [3], [4,2], [4,2].",
                  ops::select(s, b({3}), f({4, 2}), f({4, 2})));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shapes must be equal rank, but are 1 and 2 for 'Select_8' (op: 'Select') with "
                  "input shapes: [2,2], [2], [2].",
                  ops::select(s, b({2, 2}), f({2}), f({2})));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shapes must be equal rank, but are 0 and 1 for 'Select_9' (op: 'Select') with "
                  "input shapes: [3], [], [].",
                  ops::select(s, b({3}), f({}), f({})));
}

TEST(MathSelectTest, BuilderTypes) {
  Graph g;
  Scope s = Scope::root(g);
  Output c = ops::placeholder(s, DataType::kBool, PartialShape({2}), "c");
  Output f = ops::placeholder(s, DataType::kFloat, PartialShape({2}), "f");
  Output i = ops::placeholder(s, DataType::kInt32, PartialShape({2}), "i");
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Input 'condition' of 'Select' Op has type float32 that does not match "
                  "expected type of bool.",
                  ops::select(s, f, f, f));
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Input 'e' of 'Select' Op has type int32 that does not match type float32 of "
                  "argument 't'.",
                  ops::select(s, c, f, i));
  Output o = ops::select(s, c, f, Input({0, 1}));  // an int literal list becomes float
  EXPECT_EQ(o.op().name(), "Select_2");
  EXPECT_EQ(o.op().input(2).op().name(), "Select_2/e");
  EXPECT_EQ(o.op().input(2).dtype(), DataType::kFloat);
  EXPECT_EQ(std::get<DataType>(*o.op().attr("T")), DataType::kFloat);
}

TEST(MathSelectTest, KernelErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output c = ops::placeholder(s, DataType::kBool, PartialShape::unknown(), "c");
  Output t = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "t");
  Output e = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "e");
  Output o = ops::select(s, c, t, e, "sel");
  Session sess(g);
  auto F = [](Shape sh) { return Tensor(DataType::kFloat, sh); };
  auto B = [](Shape sh) { return Tensor(DataType::kBool, sh); };
  EXPECT_TRUE(RunFails(sess, {{c, B({2})}, {t, F({2})}, {e, F({3})}}, o, RunCode::kInvalidArgument,
                       "Inputs to operation sel of type Select must have the same size and "
                       "shape.  Input 0: [2] != input 2: [3]"));
  EXPECT_TRUE(RunFails(sess, {{c, B({2, 2})}, {t, F({2, 3})}, {e, F({2, 3})}}, o,
                       RunCode::kInvalidArgument,
                       "Inputs to operation sel of type Select must have the same size and "
                       "shape.  Input 0: [2,2] != input 1: [2,3]"));
  EXPECT_TRUE(RunFails(sess, {{c, B({3})}, {t, F({2, 3})}, {e, F({2, 3})}}, o,
                       RunCode::kInvalidArgument,
                       "Number of batches of 'then' must match size of 'cond', but saw: 2 vs. 3"));
  EXPECT_TRUE(RunFails(sess, {{c, B({2})}, {t, F({2, 3})}, {e, F({2, 4})}}, o,
                       RunCode::kInvalidArgument,
                       "'then' and 'else' must have the same size.  but received: [2,3] vs. [2,4]"));
  EXPECT_TRUE(RunFails(sess, {{c, B({2})}, {t, F({})}, {e, F({})}}, o, RunCode::kInvalidArgument,
                       "'then' must be at least a vector, but saw shape: []"));
  EXPECT_TRUE(RunFails(sess, {{c, B({})}, {t, F({2})}, {e, F({1})}}, o, RunCode::kInvalidArgument,
                       "'then' and 'else' must have the same size.  but received: [2] vs. [1]"));
}

// ---- Cast ----

template <typename S, typename D>
void CheckCast(S lo, S hi) {
  std::mt19937 rng(11);
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, dtype_of<S>(), PartialShape({-1, 3}), "x");
  Output y = ops::cast(s, x, dtype_of<D>());
  EXPECT_EQ(y.dtype(), dtype_of<D>());
  EXPECT_EQ(y.shape(), PartialShape({-1, 3}));
  Tensor v = Random<S>({7, 3}, rng, lo, hi);
  if constexpr (std::is_floating_point_v<S>) {
    v.data<S>()[0] = S(2.7);
    v.data<S>()[1] = S(-2.7);
    v.data<S>()[2] = S(0);
  }
  Tensor r = RunGraph(g, {{x, v}}, y);
  ASSERT_EQ(r.shape(), (Shape{7, 3}));
  for (int i = 0; i < 21; ++i) {
    const S a = v.data<S>()[i];
    D want;
    if constexpr (std::is_same_v<D, bool>)
      want = a != S(0);
    else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>)
      want = static_cast<D>(std::trunc(a));
    else
      want = static_cast<D>(a);
    ASSERT_EQ(r.data<D>()[i], want) << i << ": " << +a;
  }
}

TEST(MathCastTest, MatchesReference) {
  CheckCast<float, int32_t>(-100, 100);
  CheckCast<float, int64_t>(-100, 100);
  CheckCast<double, int32_t>(-100, 100);
  CheckCast<float, double>(-100, 100);
  CheckCast<double, float>(-100, 100);
  CheckCast<int32_t, float>(-100, 100);
  CheckCast<int64_t, int32_t>(-100, 100);
  CheckCast<int32_t, int64_t>(-100, 100);
  CheckCast<float, bool>(-2, 2);
  CheckCast<int32_t, bool>(-2, 2);
  CheckCast<bool, float>(false, true);
  CheckCast<bool, int32_t>(false, true);
  CheckCast<bool, int64_t>(false, true);
  CheckCast<double, bool>(-1, 1);
}

TEST(MathCastTest, FloatToIntTruncatesTowardZero) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::constant(s, Tensor::vector<float>({2.9f, -2.9f, 0.5f, -0.5f}), "x");
  Tensor r = Session(g).run(ops::cast(s, x, DataType::kInt32));
  EXPECT_EQ(r.data<int32_t>()[0], 2);
  EXPECT_EQ(r.data<int32_t>()[1], -2);
  EXPECT_EQ(r.data<int32_t>()[2], 0);
  EXPECT_EQ(r.data<int32_t>()[3], 0);
}

TEST(MathCastTest, BuilderFollowsTfCast) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2}), "x");
  // Same dtype: x itself, no op created and no name scope taken (TF 1.15's math_ops.cast
  // returns a tensor of the target dtype before opening its scope).
  const size_t before = g.get_operations().size();
  EXPECT_EQ(ops::cast(s, x, DataType::kFloat).name(), "x:0");
  EXPECT_EQ(g.get_operations().size(), before);
  Output c = ops::cast(s, x, DataType::kInt32);
  EXPECT_EQ(c.op().name(), "Cast");
  EXPECT_EQ(c.op().type(), "Cast");
  EXPECT_EQ(std::get<DataType>(*c.op().attr("SrcT")), DataType::kFloat);
  EXPECT_EQ(std::get<DataType>(*c.op().attr("DstT")), DataType::kInt32);
  EXPECT_FALSE(std::get<bool>(*c.op().attr("Truncate")));
  // A literal is converted inside the scope as `x`.
  Output l = ops::cast(s, 3, DataType::kFloat, "to_float");
  EXPECT_EQ(l.op().name(), "to_float");
  EXPECT_EQ(l.op().input(0).op().name(), "to_float/x");
  EXPECT_EQ(Session(g).run(l).data<float>()[0], 3.0f);
  // A literal already of the target dtype is the Const itself.
  Output k = ops::cast(s, 2.0f, DataType::kFloat);
  EXPECT_EQ(k.op().name(), "Cast_1/x");
  EXPECT_EQ(k.op().type(), "Const");
}

// ---- AddN ----

template <typename T>
void CheckAddN(int n, const Shape& shape) {
  std::mt19937 rng(21);
  Graph g;
  Scope s = Scope::root(g);
  std::vector<Input> ins;
  std::vector<Output> phs;
  std::vector<Tensor> vals;
  std::vector<std::pair<Output, Tensor>> feeds;
  for (int i = 0; i < n; ++i) {
    phs.push_back(ops::placeholder(s, dtype_of<T>(), PartialShape::unknown(), "p" + std::to_string(i)));
    ins.emplace_back(phs.back());
    vals.push_back(Random<T>(shape, rng, T(-50), T(50)));
    feeds.emplace_back(phs.back(), vals.back());
  }
  Output sum = ops::add_n(s, ins);
  Tensor r = RunGraph(g, feeds, sum);
  ASSERT_EQ(r.shape(), shape);
  for (int64_t k = 0; k < r.num_elements(); ++k) {
    T want = 0;
    for (int i = 0; i < n; ++i) want = T(want + vals[i].data<T>()[k]);
    ASSERT_TRUE(Close<T>(r.data<T>()[k], want)) << k;
  }
}

TEST(MathAddNTest, MatchesReference) {
  CheckAddN<float>(2, {3, 4});
  CheckAddN<float>(5, {7});
  CheckAddN<double>(3, {});
  CheckAddN<int32_t>(4, {2, 2});
  CheckAddN<int64_t>(2, {0, 3});
  CheckAddN<float>(3, {50000});
}

TEST(MathAddNTest, BuilderShapesAndErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "a");
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({2, -1}), "b");
  Output i = ops::placeholder(s, DataType::kInt32, PartialShape({2, 3}), "i");
  Output sum = ops::add_n(s, {a, b, a});
  EXPECT_EQ(sum.op().name(), "AddN");
  EXPECT_EQ(sum.op().type(), "AddN");
  EXPECT_EQ(sum.shape(), PartialShape({2, 3}));
  EXPECT_EQ(std::get<int64_t>(*sum.op().attr("N")), 3);
  EXPECT_EQ(std::get<DataType>(*sum.op().attr("T")), DataType::kFloat);
  EXPECT_EQ(ops::add_n(s, {a, b}, "total").op().name(),
            "total");
  // One input: returned as is, or an Identity when named.
  EXPECT_EQ(ops::add_n(s, {a}).name(), "a:0");
  Output named = ops::add_n(s, {a}, "single");
  EXPECT_EQ(named.op().type(), "Identity");
  EXPECT_EQ(named.op().name(), "single");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "inputs must be a list of at least one Tensor/IndexedSlices with the same dtype "
                  "and shape",
                  ops::add_n(s, {}));
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Tensors in list passed to 'inputs' of 'AddN' Op have types [float32, int32] "
                  "that don't all match.",
                  ops::add_n(s, {a, i}));
  Output c = ops::placeholder(s, DataType::kFloat, PartialShape({4, 3}), "c");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimension 0 in both shapes must be equal, but are 2 and 4. Shapes are [2,?] "
                  "and [4,3].\n\tFrom merging shape 1 with other shapes. for 'AddN_2' (op: "
                  "'AddN') with input shapes: [?,3], [2,?], [4,3].",
                  ops::add_n(s, {a, b, c}));
  Output r1 = ops::placeholder(s, DataType::kFloat, PartialShape({3}), "r1");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shapes must be equal rank, but are 1 and 2\n\tFrom merging shape 0 with other "
                  "shapes. for 'AddN_3' (op: 'AddN') with input shapes: [3], [4,3].",
                  ops::add_n(s, {r1, c}));
  EXPECT_EQ(ops::add_n(s, {a, Output(ops::placeholder(s, DataType::kFloat))}).shape(),
            PartialShape({-1, 3}));
  // Literals become Consts in the caller's scope.
  Output lit = ops::add_n(s, {1.0f, 2.0f});
  EXPECT_EQ(lit.op().input(0).op().name(), "Const");
  EXPECT_EQ(Session(g).run(lit).data<float>()[0], 3.0f);
}

TEST(MathAddNTest, KernelShapeMismatch) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "a");
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "b");
  Output sum = ops::add_n(s, {a, b}, "total");
  Session sess(g);
  EXPECT_TRUE(RunFails(sess, {{a, Tensor(DataType::kFloat, {2})}, {b, Tensor(DataType::kFloat, {3})}},
                       sum, RunCode::kInvalidArgument,
                       "Inputs to operation total of type AddN must have the same size and shape.  "
                       "Input 0: [2] != input 1: [3]"));
}

// ---- Registration ----

TEST(MathRegistryTest, EveryOpHasShapeFunctionAndKernel) {
  for (const char* t :
       {"Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "FloorDiv", "Pow", "Maximum", "Minimum",
        "SquaredDifference", "Neg", "Abs", "Square", "Sqrt", "Rsqrt", "Exp", "Log", "Reciprocal",
        "Sign", "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
        "LogicalOr", "LogicalNot", "Select", "Cast", "AddN"}) {
    const OpDef* def = find_op_def(t);
    ASSERT_NE(def, nullptr) << t;
    EXPECT_NE(def->shape, nullptr) << t;
    EXPECT_FALSE(def->stateful) << t;
    EXPECT_NE(runtime::find_kernel(t), nullptr) << t;
  }
}

// ---- A long chain of tiny ops (the benchmark's shape) ----

TEST(MathChainTest, LongChainOfTinyAdds) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({4}), "x");
  Output cur = x;
  for (int i = 0; i < 2000; ++i) cur = ops::add(s, cur, x);
  Session sess(g);
  for (int rep = 0; rep < 3; ++rep) {
    Tensor r = sess.run({{x, Tensor::vector<float>({1, 2, 3, float(rep)})}}, {cur})[0];
    EXPECT_EQ(r.data<float>()[0], 2001.0f);
    EXPECT_EQ(r.data<float>()[2], 6003.0f);
    EXPECT_EQ(r.data<float>()[3], 2001.0f * rep);
  }
}

}  // namespace
}  // namespace scopeflow
