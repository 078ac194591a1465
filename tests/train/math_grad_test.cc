// Math gradients (TF 1.15 math_grad.py): finite-difference checks in float64 for every
// registered gradient (tolerance next to each check) and exact node names for representative
// cases. Differences from the TF 1.4 golden graph are noted where they occur.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "../sf_testing.h"
#include "grad_check.h"
#include "scopeflow/ops/array_ops.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/ops/nn_ops.h"
#include "scopeflow/runtime/session.h"
#include "scopeflow/scopeflow.h"
#include "scopeflow/train/gradients.h"

namespace scopeflow {
namespace {

using runtime::Session;
using testing::CheckGradients;

Tensor Doubles(std::vector<int64_t> shape, std::vector<double> v) {
  Tensor t(DataType::kDouble, std::move(shape));
  for (size_t i = 0; i < v.size(); ++i) t.data<double>()[i] = v[i];
  return t;
}

// Deterministic distinct values in (lo, hi), avoiding the midpoint (0 for symmetric ranges, where
// Abs and Sign are not differentiable) and ties (Max/Min/Maximum).
Tensor Spread(std::vector<int64_t> shape, double lo, double hi, int salt = 0) {
  Tensor t(DataType::kDouble, shape);
  const int64_t n = t.num_elements();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t k = (i * 7 + salt * 3) % n;
    t.data<double>()[i] = lo + (hi - lo) * (static_cast<double>(k) + 0.37) / static_cast<double>(n);
  }
  return t;
}

std::vector<std::string> NamesFrom(const Graph& g, size_t from) {
  std::vector<std::string> all = testing::OpNames(g);
  return std::vector<std::string>(all.begin() + static_cast<ptrdiff_t>(from), all.end());
}

using Binary = std::function<Output(const Scope&, const Output&, const Output&)>;
using Unary = std::function<Output(const Scope&, const Output&)>;

::testing::AssertionResult CheckBinary(const Binary& f, std::vector<int64_t> sx,
                                       std::vector<int64_t> sy, double lo, double hi,
                                       double tol) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape(sx));
  Output y = ops::placeholder(s, DataType::kDouble, PartialShape(sy));
  Output z = f(s, x, y);
  return CheckGradients(g, z, {{x, Spread(sx, lo, hi, 0)}, {y, Spread(sy, lo, hi, 1)}}, tol);
}

::testing::AssertionResult CheckUnary(const Unary& f, std::vector<int64_t> sx, double lo,
                                      double hi, double tol) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape(sx));
  return CheckGradients(g, f(s, x), {{x, Spread(sx, lo, hi)}}, tol);
}

// ---- Finite differences: binary ops, broadcasting and equal shapes ----

TEST(MathGradTest, BinaryArithmeticFiniteDifferences) {
  struct Case {
    const char* name;
    Binary f;
    double lo, hi, tol;
  };
  const Case cases[] = {
      // Linear ops: tol 1e-7.
      {"Add", [](auto& s, auto& a, auto& b) { return ops::add(s, a, b); }, -2, 2, 1e-7},
      {"AddV2", [](auto& s, auto& a, auto& b) { return ops::add_v2(s, a, b); }, -2, 2, 1e-7},
      {"Sub", [](auto& s, auto& a, auto& b) { return ops::sub(s, a, b); }, -2, 2, 1e-7},
      // Products and quotients: tol 1e-6.
      {"Mul", [](auto& s, auto& a, auto& b) { return ops::mul(s, a, b); }, -2, 2, 1e-6},
      {"RealDiv", [](auto& s, auto& a, auto& b) { return ops::real_div(s, a, b); }, 0.5, 2, 1e-6},
      {"Div", [](auto& s, auto& a, auto& b) { return ops::div(s, a, b); }, 0.5, 2, 1e-6},
      {"Pow", [](auto& s, auto& a, auto& b) { return ops::pow(s, a, b); }, 0.5, 2, 1e-6},
      {"SquaredDifference",
       [](auto& s, auto& a, auto& b) { return ops::squared_difference(s, a, b); }, -2, 2, 1e-6},
      // Piecewise linear (values never tie): tol 1e-7.
      {"Maximum", [](auto& s, auto& a, auto& b) { return ops::maximum(s, a, b); }, -2, 2, 1e-7},
      {"Minimum", [](auto& s, auto& a, auto& b) { return ops::minimum(s, a, b); }, -2, 2, 1e-7},
  };
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> shapes = {
      {{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{3}, {2, 3}}, {{2, 1}, {1, 3}}, {{}, {2, 3}}};
  for (const Case& c : cases)
    for (const auto& [sx, sy] : shapes)
      EXPECT_TRUE(CheckBinary(c.f, sx, sy, c.lo, c.hi, c.tol))
          << c.name << " " << PartialShape(sx).to_string() << " " << PartialShape(sy).to_string();
}

TEST(MathGradTest, DivNoNanFiniteDifferences) {
  // tol 1e-6.
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2, 3}));
  Output y = ops::placeholder(s, DataType::kDouble, PartialShape({3}));
  Output z = ops::create(s, "DivNoNan", "DivNoNan", std::vector<Output>{x, y},
                         std::vector<Attr>{{"T", DataType::kDouble}})
                 .output(0);
  EXPECT_TRUE(CheckGradients(g, z, {{x, Spread({2, 3}, -2, 2)}, {y, Spread({3}, 0.5, 2)}}, 1e-6));
}

// ---- Finite differences: unary ops ----

TEST(MathGradTest, UnaryFiniteDifferences) {
  struct Case {
    const char* name;
    Unary f;
    double lo, hi, tol;
  };
  const Case cases[] = {
      {"Neg", [](auto& s, auto& x) { return ops::neg(s, x); }, -2, 2, 1e-7},
      {"Abs", [](auto& s, auto& x) { return ops::abs(s, x); }, -2, 2, 1e-7},
      {"Square", [](auto& s, auto& x) { return ops::square(s, x); }, -2, 2, 1e-6},
      {"Sqrt", [](auto& s, auto& x) { return ops::sqrt(s, x); }, 0.5, 3, 1e-6},
      {"Rsqrt", [](auto& s, auto& x) { return ops::rsqrt(s, x); }, 0.5, 3, 1e-6},
      {"Exp", [](auto& s, auto& x) { return ops::exp(s, x); }, -2, 2, 1e-6},
      {"Log", [](auto& s, auto& x) { return ops::log(s, x); }, 0.5, 3, 1e-6},
      {"Reciprocal", [](auto& s, auto& x) { return ops::reciprocal(s, x); }, 0.5, 3, 1e-6},
      {"Sign", [](auto& s, auto& x) { return ops::sign(s, x); }, -2, 2, 1e-7},
      {"Sigmoid", [](auto& s, auto& x) { return ops::sigmoid(s, x); }, -3, 3, 1e-6},
      {"Tanh", [](auto& s, auto& x) { return ops::tanh(s, x); }, -2, 2, 1e-6},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(CheckUnary(c.f, {2, 3}, c.lo, c.hi, c.tol)) << c.name;
    EXPECT_TRUE(CheckUnary(c.f, {}, c.lo, c.hi, c.tol)) << c.name << " scalar";
  }
}

// ---- Finite differences: reductions ----

TEST(MathGradTest, ReductionFiniteDifferences) {
  using Axes = std::optional<std::vector<int64_t>>;
  const std::vector<std::pair<Axes, bool>> specs = {
      {std::nullopt, false}, {std::vector<int64_t>{0}, false}, {std::vector<int64_t>{1}, true},
      {std::vector<int64_t>{-1}, false}, {std::vector<int64_t>{0, 2}, false}};
  for (const auto& [axes, keep] : specs) {
    // Sum, Mean: linear, tol 1e-7. Max, Min: distinct values, tol 1e-7.
    EXPECT_TRUE(CheckUnary([&](auto& s, auto& x) { return ops::reduce_sum(s, x, axes, keep); },
                           {2, 3, 2}, -2, 2, 1e-7));
    EXPECT_TRUE(CheckUnary([&](auto& s, auto& x) { return ops::reduce_mean(s, x, axes, keep); },
                           {2, 3, 2}, -2, 2, 1e-7));
    EXPECT_TRUE(CheckUnary([&](auto& s, auto& x) { return ops::reduce_max(s, x, axes, keep); },
                           {2, 3, 2}, -2, 2, 1e-7));
    EXPECT_TRUE(CheckUnary([&](auto& s, auto& x) { return ops::reduce_min(s, x, axes, keep); },
                           {2, 3, 2}, -2, 2, 1e-7));
  }
  // Reduce-all with an unknown dimension: Tile by a Shape op; Mean's factor at run time.
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({-1, 3}));
  Output y = ops::operator_add(s, ops::reduce_mean(s, x), ops::reduce_sum(s, x));
  EXPECT_TRUE(CheckGradients(g, y, {{x, Spread({4, 3}, -1, 1)}}, 1e-7));
}

// ---- Finite differences: Select, AddN, Cast ----

TEST(MathGradTest, SelectAddNCast) {
  Graph g;
  Scope s = Scope::root(g);
  Output c = ops::placeholder(s, DataType::kBool, PartialShape({2, 2}));
  Output a = ops::placeholder(s, DataType::kDouble, PartialShape({2, 2}));
  Output b = ops::placeholder(s, DataType::kDouble, PartialShape({2, 2}));
  Output sel = ops::select(s, ops::greater(s, a, b), a, ops::square(s, b));
  Output sum3 = ops::add_n(s, {sel, a, ops::exp(s, b)});
  // tol 1e-6.
  EXPECT_TRUE(CheckGradients(g, sum3, {{a, Doubles({2, 2}, {1, -2, 3, 0.5})},
                                       {b, Doubles({2, 2}, {0.5, 1, -1, 2})}},
                             1e-6));
  (void)c;
  // Cast float64 -> float32 -> float64: the gradient is Cast back (ones here); finite
  // differences through float32 are too coarse, so the value is checked directly.
  Output f = ops::cast(s, ops::cast(s, a, DataType::kFloat), DataType::kDouble);
  Output ys[] = {f}, xs[] = {a};
  std::vector<Output> d = train::gradients(s, ys, xs);
  ASSERT_TRUE(d[0].valid());
  EXPECT_EQ(d[0].op().type(), "Cast");
  Session sess(g);
  Tensor got = sess.run({{a, Doubles({2, 2}, {1, 2, 3, 4})}}, {d[0]})[0];
  for (int i = 0; i < 4; ++i) EXPECT_EQ(got.data<double>()[i], 1.0);
}

// ---- Finite differences: matrix products ----

TEST(MathGradTest, MatMulAllTransposes) {
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      Graph g;
      Scope s = Scope::root(g);
      std::vector<int64_t> sa = ta ? std::vector<int64_t>{3, 2} : std::vector<int64_t>{2, 3};
      std::vector<int64_t> sb = tb ? std::vector<int64_t>{4, 3} : std::vector<int64_t>{3, 4};
      Output a = ops::placeholder(s, DataType::kDouble, PartialShape(sa));
      Output b = ops::placeholder(s, DataType::kDouble, PartialShape(sb));
      Output y = ops::matmul(s, a, b, ta, tb);
      // tol 1e-6 (square of a bilinear form).
      EXPECT_TRUE(CheckGradients(g, ops::square(s, y),
                                 {{a, Spread(sa, -1, 1)}, {b, Spread(sb, -1, 1, 2)}}, 1e-6))
          << ta << tb;
    }
}

TEST(MathGradTest, BatchMatMulV2) {
  for (bool ax : {false, true})
    for (bool ay : {false, true}) {
      Graph g;
      Scope s = Scope::root(g);
      // Broadcast batch dims: x [2, 1, m, k], y [3, k, n].
      std::vector<int64_t> sx = ax ? std::vector<int64_t>{2, 1, 3, 2}
                                   : std::vector<int64_t>{2, 1, 2, 3};
      std::vector<int64_t> sy = ay ? std::vector<int64_t>{3, 4, 3} : std::vector<int64_t>{3, 3, 4};
      Output x = ops::placeholder(s, DataType::kDouble, PartialShape(sx));
      Output y = ops::placeholder(s, DataType::kDouble, PartialShape(sy));
      Output z = ops::batch_mat_mul_v2(s, x, y, ax, ay);
      // tol 1e-6.
      EXPECT_TRUE(CheckGradients(g, ops::square(s, z),
                                 {{x, Spread(sx, -1, 1)}, {y, Spread(sy, -1, 1, 2)}}, 1e-6))
          << ax << ay;
    }
}

// ---- Exact names ----

// TF 1.15's _AddGrad fast path: same fully defined shapes → grad passes to both inputs (no
// ops). TF 1.4 (golden) always built Shape/BroadcastGradientArgs.
TEST(MathGradTest, AddSameShapesFastPath) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({2}));
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({2}));
  Output y = ops::add_v2(s, a, b);
  const size_t n = g.num_operations();
  Output ys[] = {y}, xs[] = {a, b};
  std::vector<Output> d = train::gradients(s, ys, xs);
  EXPECT_EQ(NamesFrom(g, n), (std::vector<std::string>{"gradients/Shape", "gradients/grad_ys_0",
                                                      "gradients/Fill"}));
  EXPECT_EQ(d[0].name(), "gradients/Fill:0");
  EXPECT_EQ(d[1].name(), "gradients/Fill:0");
}

// Mul fast path (float32, same shapes): `Mul` (grad*y) and `Mul_1` (grad*x) only.
TEST(MathGradTest, MulFastPathNames) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({2}));
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({2}));
  Output y = ops::mul(s, a, b);
  const size_t n = g.num_operations();
  Output ys[] = {y}, xs[] = {a, b};
  std::vector<Output> d = train::gradients(s, ys, xs);
  EXPECT_EQ(NamesFrom(g, n),
            (std::vector<std::string>{"gradients/Shape", "gradients/grad_ys_0", "gradients/Fill",
                                      "gradients/Mul_grad/Mul", "gradients/Mul_grad/Mul_1"}));
}

// RealDiv as in the golden graph's `absolute_difference/div_grad`.
TEST(MathGradTest, RealDivNames) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}));
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({}));
  Output y = ops::real_div(s, a, b, "div");
  const size_t n = g.num_operations();
  Output ys[] = {y}, xs[] = {a, b};
  train::gradients(s, ys, xs);
  std::vector<std::string> want = {"Shape", "Shape_1", "BroadcastGradientArgs", "RealDiv",
                                   "Sum", "Reshape", "Neg", "RealDiv_1", "RealDiv_2", "mul",
                                   "Sum_1", "Reshape_1"};
  for (auto& w : want) w = "gradients/div_grad/" + w;
  want.insert(want.begin(), {"gradients/Shape", "gradients/grad_ys_0", "gradients/Fill"});
  EXPECT_EQ(NamesFrom(g, n), want);
}

// SquaredDifference as in the TF 1.13 golden graph (tflite_dense_twice): scalar, Mul, sub,
// mul_1, Sum, Reshape, Sum_1, Reshape_1, Neg.
TEST(MathGradTest, SquaredDifferenceNames) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 1}));
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 1}));
  Output y = ops::squared_difference(s, a, b);
  const size_t n = g.num_operations();
  Output ys[] = {y}, xs[] = {a, b};
  train::gradients(s, ys, xs);
  std::vector<std::string> want = {"Shape", "Shape_1", "BroadcastGradientArgs", "scalar", "Mul",
                                   "sub", "mul_1", "Sum", "Reshape", "Sum_1", "Reshape_1",
                                   "Neg"};
  for (auto& w : want) w = "gradients/SquaredDifference_grad/" + w;
  want.insert(want.begin(), {"gradients/Shape", "gradients/grad_ys_0", "gradients/Fill"});
  EXPECT_EQ(NamesFrom(g, n), want);
}

// MatMul (golden `layerN/MatMul_grad/MatMul`, `MatMul_1`), Sigmoid (`SigmoidGrad`), Abs
// (`Sign`, `mul`), Select (`zeros_like`, `Select`, `Select_1`).
TEST(MathGradTest, MatMulSigmoidAbsSelectNames) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}));
  Output w = ops::placeholder(s, DataType::kFloat, PartialShape({3, 2}));
  Output c = ops::placeholder(s, DataType::kBool, PartialShape({-1, 2}));
  Output m = ops::matmul(s, a, w);
  Output sg = ops::sigmoid(s, m);
  Output ab = ops::abs(s, sg);
  Output y = ops::select(s, c, ab, sg);
  const size_t n = g.num_operations();
  Output ys[] = {y}, xs[] = {w};
  train::gradients(s, ys, xs);
  EXPECT_EQ(NamesFrom(g, n),
            (std::vector<std::string>{
                "gradients/Shape", "gradients/grad_ys_0", "gradients/Fill",
                "gradients/Select_grad/zeros_like", "gradients/Select_grad/Select",
                "gradients/Select_grad/Select_1", "gradients/Abs_grad/Sign",
                "gradients/Abs_grad/mul", "gradients/AddN", "gradients/Sigmoid_grad/SigmoidGrad",
                "gradients/MatMul_grad/MatMul", "gradients/MatMul_grad/MatMul_1"}));
  EXPECT_EQ(g.get_operation_by_name("gradients/Select_grad/zeros_like").type(), "ZerosLike");
}

TEST(MathGradTest, NotDifferentiableComparisons) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2}));
  Output y = ops::cast(s, ops::less(s, x, 1.0), DataType::kDouble);
  Output ys[] = {y}, xs[] = {x};
  EXPECT_FALSE(train::gradients(s, ys, xs)[0].valid());
  for (const char* t : {"Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual",
                        "LogicalAnd", "LogicalOr", "LogicalNot", "RandomUniform"})
    EXPECT_TRUE(train::is_not_differentiable(t)) << t;
}

}  // namespace
}  // namespace scopeflow
