// The nn ops: shape functions (known, unknown dims and rank, TF's errors), builders' names,
// and every kernel against a naive reference on random inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using runtime::OpError;
using runtime::Session;
using testing::F32;
using testing::FloatTensor;
using testing::OpNames;
using testing::OpTypes;

// ---- Helpers ----

Tensor Random(DataType t, std::vector<int64_t> shape, uint32_t seed, double lo = -2,
              double hi = 2) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  Tensor out(t, std::move(shape));
  for (int64_t i = 0; i < out.num_elements(); ++i) {
    if (t == DataType::kFloat) out.data<float>()[i] = static_cast<float>(d(gen));
    if (t == DataType::kDouble) out.data<double>()[i] = d(gen);
    if (t == DataType::kInt32) out.data<int32_t>()[i] = static_cast<int32_t>(std::floor(d(gen) * 5));
    if (t == DataType::kInt64) out.data<int64_t>()[i] = static_cast<int64_t>(std::floor(d(gen) * 5));
  }
  return out;
}

std::vector<double> Values(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.num_elements()));
  for (int64_t i = 0; i < t.num_elements(); ++i) v[i] = t.as_double(i);
  return v;
}

void ExpectNear(const Tensor& got, const std::vector<int64_t>& shape,
                const std::vector<double>& want, double tol) {
  ASSERT_EQ(got.shape(), shape);
  ASSERT_EQ(static_cast<size_t>(got.num_elements()), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got.as_double(i))) << "at " << i;
    } else if (std::isinf(want[i])) {
      EXPECT_EQ(got.as_double(i), want[i]) << "at " << i;
    } else {
      EXPECT_NEAR(got.as_double(i), want[i], tol * (1 + std::abs(want[i]))) << "at " << i;
    }
  }
}

double Tol(DataType t) { return t == DataType::kFloat ? 2e-5 : 1e-12; }

Tensor RunOne(Graph& g, const Output& y, std::vector<Session::Feed> feeds = {}) {
  Session sess(g);
  const Output fetch[] = {y};
  return sess.run(feeds, fetch)[0];
}

std::string RunError(Graph& g, const Output& y, std::vector<Session::Feed> feeds = {}) {
  Session sess(g);
  const Output fetch[] = {y};
  try {
    sess.run(feeds, fetch);
  } catch (const OpError& e) {
    return e.detail();
  }
  return "<no error>";
}

std::vector<int64_t> Strides(const std::vector<int64_t>& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

const DataType kFloatTypes[] = {DataType::kFloat, DataType::kDouble};

// ---- MatMul ----

std::vector<double> NaiveMatMul(const std::vector<double>& a, const std::vector<double>& b,
                                int64_t m, int64_t n, int64_t k, bool ta, bool tb) {
  std::vector<double> c(static_cast<size_t>(m * n), 0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < k; ++p)
        s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  return c;
}

TEST(NnShapeTest, MatMul) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({2, 3}), "a");
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({3, -1}), "b");
  Output y = ops::matmul(s, a, b);
  EXPECT_EQ(y.op().type(), "MatMul");
  EXPECT_EQ(y.op().name(), "MatMul");
  EXPECT_EQ(y.shape(), PartialShape({2, -1}));
  EXPECT_EQ(ops::matmul(s, a, a, true, false).shape(), PartialShape({3, 3}));
  EXPECT_EQ(ops::matmul(s, a, a, false, true, "mm").shape(), PartialShape({2, 2}));
  EXPECT_EQ(g.get_operation_by_name("mm").type(), "MatMul");
  EXPECT_EQ(std::get<bool>(*g.get_operation_by_name("MatMul_1").attr("transpose_a")), true);
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape({-1, -1}), "u");
  EXPECT_EQ(ops::matmul(s, u, b).shape(), PartialShape({-1, -1}));
  // Literals are converted inside the op's scope.
  Output lit = ops::matmul(s, FloatTensor({1, 2}, {1, 2}), FloatTensor({2, 1}, {3, 4}));
  EXPECT_EQ(lit.op().input(0).op().name(), "MatMul_3/a");
  EXPECT_EQ(lit.op().input(1).op().name(), "MatMul_3/b");
  Output c = ops::placeholder(s, DataType::kFloat, PartialShape({4, 5}), "c");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimensions must be equal, but are 3 and 4 for 'MatMul_4' (op: 'MatMul') with "
                  "input shapes: [2,3], [4,5].",
                  ops::matmul(s, a, c));
  Output v = ops::placeholder(s, DataType::kFloat, PartialShape({3}), "v");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape must be rank 2 but is rank 1 for 'MatMul_5' (op: 'MatMul') with input "
                  "shapes: [2,3], [3].",
                  ops::matmul(s, a, v));
}

TEST(NnShapeTest, MatMulOfHigherRankBuildsBatchMatMulV2) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({2, 1, 3, 4}), "a");
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({5, 4, 6}), "b");
  Output y = ops::matmul(s, a, b);
  EXPECT_EQ(y.op().type(), "BatchMatMulV2");
  EXPECT_EQ(y.op().name(), "MatMul");
  EXPECT_EQ(y.shape(), PartialShape({2, 5, 3, 6}));
  EXPECT_EQ(std::get<bool>(*y.op().attr("adj_x")), false);
  Output bt = ops::placeholder(s, DataType::kFloat, PartialShape({5, 6, 4}), "bt");
  EXPECT_EQ(ops::matmul(s, a, bt, false, true).shape(), PartialShape({2, 5, 3, 6}));
  Output unk = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "unk");
  Output m = ops::placeholder(s, DataType::kFloat, PartialShape({4, 6}), "m");
  Output yu = ops::matmul(s, unk, m);
  EXPECT_EQ(yu.op().type(), "BatchMatMulV2");
  EXPECT_FALSE(yu.shape().known_rank());
  EXPECT_EQ(ops::matmul(s, a, m).shape(), PartialShape({2, 1, 3, 6}));
  Output bad = ops::placeholder(s, DataType::kFloat, PartialShape({3, 6, 2}), "bad");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimensions must be equal, but are 5 and 3 for 'MatMul_4' (op: 'BatchMatMulV2') "
                  "with input shapes: [5,4,6], [3,6,2].",
                  ops::matmul(s, b, bad));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimensions must be equal, but are 4 and 6 for 'MatMul_5' (op: 'BatchMatMulV2') "
                  "with input shapes: [2,1,3,4], [5,6,4].",
                  ops::matmul(s, a, bt));
  // V1 requires equal batch dims.
  Output b1 = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 4, 6}), "b1");
  Output x1 = ops::placeholder(s, DataType::kFloat, PartialShape({7, 3, 4}), "x1");
  EXPECT_EQ(ops::batch_mat_mul(s, x1, b1).shape(), PartialShape({7, 3, 6}));
  EXPECT_EQ(ops::batch_mat_mul(s, x1, b1).op().name(), "BatchMatMul_1");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape must be at least rank 2 but is rank 1 for 'BatchMatMulV2' (op: "
                  "'BatchMatMulV2') with input shapes: [6], [4,6].",
                  ops::batch_mat_mul_v2(s, ops::placeholder(s, DataType::kFloat, PartialShape({6})), m));
}

TEST(NnKernelTest, MatMulAgainstNaive) {
  for (DataType t : kFloatTypes) {
    for (auto [m, n, k] : {std::tuple<int64_t, int64_t, int64_t>{3, 4, 5}, {1, 1, 1}, {17, 9, 33},
                           {64, 300, 200}, {4, 3, 0}, {0, 3, 2}}) {
      for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb) {
          Graph g;
          Scope s = Scope::root(g);
          Tensor av = Random(t, ta ? std::vector<int64_t>{k, m} : std::vector<int64_t>{m, k}, 1);
          Tensor bv = Random(t, tb ? std::vector<int64_t>{n, k} : std::vector<int64_t>{k, n}, 2);
          Output y = ops::matmul(s, ops::constant(s, av), ops::constant(s, bv), ta, tb);
          ExpectNear(RunOne(g, y), {m, n}, NaiveMatMul(Values(av), Values(bv), m, n, k, ta, tb),
                     Tol(t) * (k + 1));
        }
    }
  }
}

TEST(NnKernelTest, MatMulErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({-1, -1}), "a");
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({-1, -1}), "b");
  Output y = ops::matmul(s, a, b);
  EXPECT_EQ(RunError(g, y, {{a, Tensor(DataType::kFloat, {2, 3})}, {b, Tensor(DataType::kFloat, {4, 5})}}),
            "Matrix size-incompatible: In[0]: [2,3], In[1]: [4,5]");
  Output i = ops::placeholder(s, DataType::kInt32, PartialShape({2, 2}), "i");
  Output yi = ops::matmul(s, i, i);
  EXPECT_EQ(RunError(g, yi, {{i, Tensor(DataType::kInt32, {2, 2})}}),
            "No OpKernel was registered to support Op 'MatMul' with dtype int32");
}

TEST(NnKernelTest, BatchMatMulAgainstNaive) {
  for (DataType t : kFloatTypes) {
    for (bool v2 : {false, true})
      for (int adj = 0; adj < 4; ++adj) {
        const bool ax = adj & 1, ay = adj & 2;
        const int64_t m = 3, n = 4, k = 5;
        std::vector<int64_t> xs = v2 ? std::vector<int64_t>{2, 1, 0, 0} : std::vector<int64_t>{2, 3, 0, 0};
        std::vector<int64_t> ys = v2 ? std::vector<int64_t>{3, 0, 0} : std::vector<int64_t>{2, 3, 0, 0};
        auto set = [](std::vector<int64_t>& s, int64_t r, int64_t c) {
          s[s.size() - 2] = r;
          s[s.size() - 1] = c;
        };
        set(xs, ax ? k : m, ax ? m : k);
        set(ys, ay ? n : k, ay ? k : n);
        Graph g;
        Scope s = Scope::root(g);
        Tensor xv = Random(t, xs, 3), yv = Random(t, ys, 4);
        Output out = v2 ? ops::batch_mat_mul_v2(s, ops::constant(s, xv), ops::constant(s, yv), ax, ay)
                        : ops::batch_mat_mul(s, ops::constant(s, xv), ops::constant(s, yv), ax, ay);
        const std::vector<double> x = Values(xv), y = Values(yv);
        std::vector<double> want;
        for (int64_t b0 = 0; b0 < 2; ++b0)
          for (int64_t b1 = 0; b1 < 3; ++b1) {
            const int64_t xo = v2 ? b0 * m * k : (b0 * 3 + b1) * m * k;
            const int64_t yo = v2 ? b1 * k * n : (b0 * 3 + b1) * k * n;
            std::vector<double> xa(x.begin() + xo, x.begin() + xo + m * k);
            std::vector<double> ya(y.begin() + yo, y.begin() + yo + k * n);
            for (double d : NaiveMatMul(xa, ya, m, n, k, ax, ay)) want.push_back(d);
          }
        ExpectNear(RunOne(g, out), {2, 3, m, n}, want, Tol(t) * 10);
      }
  }
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "x");
  Output y = ops::batch_mat_mul_v2(s, x, x);
  EXPECT_EQ(RunError(g, y, {{x, Tensor(DataType::kFloat, {2, 3})}}),
            "In[0] mismatch In[1] shape: 3 vs. 2: [2,3] [2,3] 0 0");
  Output z = ops::batch_mat_mul_v2(s, x, ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "w"));
  EXPECT_EQ(RunError(g, z, {{x, Tensor(DataType::kFloat, {2, 3, 3})},
                            {Output(g.get_operation_by_name("w"), 0), Tensor(DataType::kFloat, {3, 3, 3})}}),
            "In[0] and In[1] must have compatible batch dimensions: [2,3,3] vs. [3,3,3]");
}

// ---- BiasAdd and activations ----

TEST(NnShapeTest, BiasAdd) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 4}), "x");
  Output y = ops::bias_add(s, x, Tensor::vector<float>({1, 2, 3, 4}));
  EXPECT_EQ(y.op().name(), "BiasAdd");
  EXPECT_EQ(y.op().type(), "BiasAdd");
  EXPECT_EQ(y.op().input(1).op().name(), "BiasAdd/bias");
  EXPECT_EQ(std::get<std::string>(*y.op().attr("data_format")), std::string("NHWC"));
  EXPECT_EQ(y.shape(), PartialShape({-1, 4}));
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape({2, -1}), "u");
  Output bias = ops::placeholder(s, DataType::kFloat, PartialShape({5}), "bias");
  EXPECT_EQ(ops::bias_add(s, u, bias).shape(), PartialShape({2, 5}));
  EXPECT_FALSE(ops::bias_add(s, ops::placeholder(s, DataType::kFloat), bias).shape().known_rank());
  Output nchw = ops::placeholder(s, DataType::kFloat, PartialShape({2, -1, 3, 3}), "nchw");
  EXPECT_EQ(ops::bias_add(s, nchw, bias, "NCHW").shape(), PartialShape({2, 5, 3, 3}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimensions must be equal, but are 4 and 5 for 'BiasAdd_4' (op: 'BiasAdd') "
                  "with input shapes: [?,4], [5].",
                  ops::bias_add(s, x, bias));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape must be at least rank 2 but is rank 1 for 'BiasAdd_5' (op: 'BiasAdd') "
                  "with input shapes: [5], [5].",
                  ops::bias_add(s, bias, bias));
}

TEST(NnKernelTest, BiasAddAndGrad) {
  for (DataType t : kFloatTypes) {
    for (bool nchw : {false, true}) {
      Graph g;
      Scope s = Scope::root(g);
      const std::vector<int64_t> shape = {2, 3, 4, 5};
      const int64_t c = nchw ? 3 : 5;
      Tensor xv = Random(t, shape, 5), bv = Random(t, {c}, 6);
      const char* fmt = nchw ? "NCHW" : "NHWC";
      Output y = ops::bias_add(s, ops::constant(s, xv), ops::constant(s, bv), fmt);
      Output gb = ops::bias_add_grad(s, ops::constant(s, xv), fmt);
      EXPECT_EQ(gb.shape(), PartialShape({c}));
      const std::vector<double> x = Values(xv), b = Values(bv);
      std::vector<double> want(x.size()), wantg(c, 0);
      for (size_t i = 0; i < x.size(); ++i) {
        const int64_t ch = nchw ? (i / 20) % 3 : i % 5;
        want[i] = x[i] + b[ch];
        wantg[ch] += x[i];
      }
      ExpectNear(RunOne(g, y), shape, want, Tol(t));
      ExpectNear(RunOne(g, gb), {c}, wantg, Tol(t) * 10);
    }
  }
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "x");
  Output y = ops::bias_add(s, x, Tensor::vector<float>({1, 2}));
  EXPECT_EQ(RunError(g, y, {{x, Tensor(DataType::kFloat, {3, 4})}}),
            "Must provide as many biases as the last dimension of the input tensor: [2] vs. [3,4]");
  EXPECT_EQ(RunError(g, y, {{x, Tensor(DataType::kFloat, {2})}}),
            "Input tensor must be at least 2D: [2]");
}

TEST(NnKernelTest, Activations) {
  for (DataType t : kFloatTypes) {
    Graph g;
    Scope s = Scope::root(g);
    Tensor xv = Random(t, {50001}, 7, -8, 8);  // large: split across the pool
    const double edges[] = {0.0, -0.0, 6.0, -1e-30, 1e-30, 30.0, -30.0, 7.0};
    for (int i = 0; i < 8; ++i) {
      if (t == DataType::kFloat) xv.data<float>()[i] = static_cast<float>(edges[i]);
      else xv.data<double>()[i] = edges[i];
    }
    Output x = ops::constant(s, xv);
    struct Case {
      Output y;
      std::function<double(double)> f;
    } cases[] = {
        {ops::relu(s, x), [](double v) { return v > 0 ? v : 0; }},
        {ops::relu6(s, x), [](double v) { return std::min(std::max(v, 0.0), 6.0); }},
        {ops::elu(s, x), [](double v) { return v < 0 ? std::exp(v) - 1 : v; }},
        {ops::sigmoid(s, x), [](double v) { return 1 / (1 + std::exp(-v)); }},
        {ops::tanh(s, x), [](double v) { return std::tanh(v); }},
    };
    EXPECT_EQ(cases[0].y.op().name(), "Relu");
    EXPECT_EQ(cases[3].y.op().name(), "Sigmoid");
    EXPECT_EQ(cases[4].y.op().name(), "Tanh");
    for (auto& c : cases) {
      std::vector<double> want;
      for (double v : Values(xv)) want.push_back(c.f(v));
      ExpectNear(RunOne(g, c.y), {50001}, want, t == DataType::kFloat ? 1e-5 : 1e-12);
    }
  }
}

TEST(NnKernelTest, ActivationGrads) {
  for (DataType t : kFloatTypes) {
    Graph g;
    Scope s = Scope::root(g);
    Tensor gv = Random(t, {3, 7}, 8), fv = Random(t, {3, 7}, 9, -8, 8);
    if (t == DataType::kFloat) fv.data<float>()[0] = 0, fv.data<float>()[1] = 6;
    else fv.data<double>()[0] = 0, fv.data<double>()[1] = 6;
    Output gr = ops::constant(s, gv), f = ops::constant(s, fv);
    struct Case {
      Output y;
      std::function<double(double, double)> f;
    } cases[] = {
        {ops::relu_grad(s, gr, f), [](double d, double a) { return a > 0 ? d : 0; }},
        {ops::relu6_grad(s, gr, f), [](double d, double a) { return a > 0 && a < 6 ? d : 0; }},
        {ops::elu_grad(s, gr, f), [](double d, double a) { return a < 0 ? d * (a + 1) : d; }},
        {ops::sigmoid_grad(s, f, gr), [](double d, double y) { return d * y * (1 - y); }},
        {ops::tanh_grad(s, f, gr), [](double d, double y) { return d * (1 - y * y); }},
    };
    EXPECT_EQ(cases[0].y.op().name(), "ReluGrad");
    const std::vector<double> dv = Values(gv), av = Values(fv);
    for (auto& c : cases) {
      std::vector<double> want;
      for (size_t i = 0; i < dv.size(); ++i) want.push_back(c.f(dv[i], av[i]));
      ExpectNear(RunOne(g, c.y), {3, 7}, want, Tol(t) * 10);
    }
  }
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({2, 3}), "a");
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({3, -1}), "b");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimension 0 in both shapes must be equal, but are 2 and 3. Shapes are [2,3] "
                  "and [3,?]. for 'ReluGrad' (op: 'ReluGrad') with input shapes: [2,3], [3,?].",
                  ops::relu_grad(s, a, b));
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "u");
  EXPECT_EQ(ops::tanh_grad(s, u, b).shape(), PartialShape({3, -1}));
  Output tg = ops::sigmoid_grad(s, u, u, "sg");
  EXPECT_EQ(RunError(g, ops::relu_grad(s, u, ops::identity(s, u, "u2")),
                     {{u, Tensor(DataType::kFloat, {2})}}),
            "<no error>");
  (void)tg;
}

// ---- Softmax and losses ----

std::vector<double> NaiveSoftmax(const std::vector<double>& x, int64_t cols, bool log) {
  std::vector<double> y(x.size());
  for (size_t r = 0; r < x.size() / cols; ++r) {
    double mx = -INFINITY, sum = 0;
    for (int64_t j = 0; j < cols; ++j) mx = std::max(mx, x[r * cols + j]);
    for (int64_t j = 0; j < cols; ++j) sum += std::exp(x[r * cols + j] - mx);
    for (int64_t j = 0; j < cols; ++j)
      y[r * cols + j] = log ? x[r * cols + j] - mx - std::log(sum) : std::exp(x[r * cols + j] - mx) / sum;
  }
  return y;
}

TEST(NnKernelTest, SoftmaxIsStable) {
  for (DataType t : kFloatTypes) {
    for (auto shape : {std::vector<int64_t>{4, 10}, std::vector<int64_t>{2, 3, 7},
                       std::vector<int64_t>{5}, std::vector<int64_t>{3000, 20}}) {
      Graph g;
      Scope s = Scope::root(g);
      Tensor xv = Random(t, shape, 10, -5, 5);
      // Huge logits must not overflow.
      if (t == DataType::kFloat) xv.data<float>()[0] = 1000, xv.data<float>()[1] = -1000;
      else xv.data<double>()[0] = 1000, xv.data<double>()[1] = -1000;
      Output x = ops::constant(s, xv);
      Output sm = ops::softmax(s, x), lsm = ops::log_softmax(s, x);
      EXPECT_EQ(sm.op().name(), "Softmax");
      EXPECT_EQ(lsm.op().name(), "LogSoftmax");
      EXPECT_EQ(sm.shape(), PartialShape(shape));
      ExpectNear(RunOne(g, sm), shape, NaiveSoftmax(Values(xv), shape.back(), false), Tol(t) * 10);
      ExpectNear(RunOne(g, lsm), shape, NaiveSoftmax(Values(xv), shape.back(), true), Tol(t) * 10);
    }
  }
  Graph g;
  Scope s = Scope::root(g);
  // A literal is converted first, in the caller's scope.
  Output y = ops::softmax(s, Tensor::vector<float>({1, 2}));
  EXPECT_EQ(y.op().input(0).op().name(), "Const");
  EXPECT_FALSE(ops::softmax(s, ops::placeholder(s, DataType::kFloat)).shape().known_rank());
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape must be at least rank 1 but is rank 0 for 'Softmax_2' (op: 'Softmax') "
                  "with input shapes: [].",
                  ops::softmax(s, ops::constant(s, F32(1))));
}

TEST(NnKernelTest, SoftmaxCrossEntropy) {
  for (DataType t : kFloatTypes) {
    Graph g;
    Scope s = Scope::root(g);
    const int64_t b = 6, c = 5;
    Tensor lv = Random(t, {b, c}, 11, -4, 4), yv = Random(t, {b, c}, 12, 0, 1);
    if (t == DataType::kFloat) lv.data<float>()[0] = 500;
    else lv.data<double>()[0] = 500;
    auto [loss, bp] = ops::softmax_cross_entropy_with_logits(s, ops::constant(s, lv), ops::constant(s, yv));
    EXPECT_EQ(loss.op().name(), "SoftmaxCrossEntropyWithLogits");
    EXPECT_EQ(loss.shape(), PartialShape({b}));
    EXPECT_EQ(bp.shape(), PartialShape({b, c}));
    const std::vector<double> l = Values(lv), y = Values(yv);
    const std::vector<double> lsm = NaiveSoftmax(l, c, true);
    std::vector<double> wl(b, 0), wb(b * c);
    for (int64_t i = 0; i < b * c; ++i) {
      wl[i / c] -= y[i] * lsm[i];
      wb[i] = std::exp(lsm[i]) - y[i];
    }
    Session sess(g);
    const Output fetch[] = {loss, bp};
    auto out = sess.run({}, fetch);
    ExpectNear(out[0], {b}, wl, Tol(t) * 10);
    ExpectNear(out[1], {b, c}, wb, Tol(t) * 10);
    // Sparse labels, int32 and int64.
    for (DataType lt : {DataType::kInt32, DataType::kInt64}) {
      std::vector<int64_t> labels = {0, 4, 2, 2, 1, 3};
      Tensor lab(lt, {b});
      for (int64_t i = 0; i < b; ++i) {
        if (lt == DataType::kInt32) lab.data<int32_t>()[i] = static_cast<int32_t>(labels[i]);
        else lab.data<int64_t>()[i] = labels[i];
      }
      auto [sl, sb] = ops::sparse_softmax_cross_entropy_with_logits(s, ops::constant(s, lv),
                                                                    ops::constant(s, lab));
      EXPECT_EQ(std::get<DataType>(*sl.op().attr("Tlabels")), lt);
      std::vector<double> swl(b), swb(b * c);
      for (int64_t i = 0; i < b * c; ++i) swb[i] = std::exp(lsm[i]) - ((i % c) == labels[i / c]);
      for (int64_t i = 0; i < b; ++i) swl[i] = -lsm[i * c + labels[i]];
      const Output f2[] = {sl, sb};
      auto o2 = sess.run({}, f2);
      ExpectNear(o2[0], {b}, swl, Tol(t) * 10);
      ExpectNear(o2[1], {b, c}, swb, Tol(t) * 10);
    }
  }
}

TEST(NnShapeTest, CrossEntropy) {
  Graph g;
  Scope s = Scope::root(g);
  Output f = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "f");
  Output l = ops::placeholder(s, DataType::kFloat, PartialShape({4, -1}), "l");
  auto [loss, bp] = ops::softmax_cross_entropy_with_logits(s, f, l);
  EXPECT_EQ(loss.shape(), PartialShape({4}));
  EXPECT_EQ(bp.shape(), PartialShape({4, 3}));
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "u");
  EXPECT_EQ(ops::softmax_cross_entropy_with_logits(s, u, u).second.shape(), PartialShape({-1, -1}));
  Output row = ops::placeholder(s, DataType::kFloat, PartialShape({1, 3}), "row");
  EXPECT_EQ(ops::softmax_cross_entropy_with_logits(s, row, l).second.shape(), PartialShape({4, 3}));
  Output v = ops::placeholder(s, DataType::kFloat, PartialShape({3}), "v");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape must be broadcasted with rank 2, but is rank 1 for "
                  "'SoftmaxCrossEntropyWithLogits_3' (op: 'SoftmaxCrossEntropyWithLogits') with "
                  "input shapes: [3], [3].",
                  ops::softmax_cross_entropy_with_logits(s, v, v));
  Output lab = ops::placeholder(s, DataType::kInt64, PartialShape({-1}), "lab");
  auto [sl, sb] = ops::sparse_softmax_cross_entropy_with_logits(s, l, lab);
  EXPECT_EQ(sl.shape(), PartialShape({4}));
  EXPECT_EQ(sb.shape(), PartialShape({4, -1}));
  Output lab5 = ops::placeholder(s, DataType::kInt32, PartialShape({5}), "lab5");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimensions must be equal, but are 4 and 5 for "
                  "'SparseSoftmaxCrossEntropyWithLogits_1' (op: "
                  "'SparseSoftmaxCrossEntropyWithLogits') with input shapes: [4,?], [5].",
                  ops::sparse_softmax_cross_entropy_with_logits(s, l, lab5));
}

TEST(NnKernelTest, SparseCrossEntropyLabelOutOfRange) {
  Graph g;
  Scope s = Scope::root(g);
  Output f = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "f");
  Output lab = ops::placeholder(s, DataType::kInt32, PartialShape({-1}), "lab");
  auto [loss, bp] = ops::sparse_softmax_cross_entropy_with_logits(s, f, lab);
  EXPECT_EQ(RunError(g, loss, {{f, Tensor(DataType::kFloat, {2, 3})}, {lab, Tensor::vector<int32_t>({1, 5})}}),
            "Received a label value of 5 which is outside the valid range of [0, 3).  Label "
            "values: 1 5");
  EXPECT_EQ(RunError(g, loss, {{f, Tensor(DataType::kFloat, {2, 3})}, {lab, Tensor::vector<int32_t>({-1, 0})}}),
            "Received a label value of -1 which is outside the valid range of [0, 3).  Label "
            "values: -1 0");
  EXPECT_EQ(RunError(g, loss, {{f, Tensor(DataType::kFloat, {2, 3})}, {lab, Tensor::vector<int32_t>({1})}}),
            "logits and labels must have the same first dimension, got logits shape [2,3] and "
            "labels shape [1]");
}

TEST(NnKernelTest, L2Loss) {
  for (DataType t : kFloatTypes) {
    for (int64_t n : {0, 7, 100000}) {
      Graph g;
      Scope s = Scope::root(g);
      Tensor xv = Random(t, {n}, 13);
      Output y = ops::l2_loss(s, ops::constant(s, xv));
      EXPECT_EQ(y.op().name(), "L2Loss");
      EXPECT_EQ(y.shape(), PartialShape());
      double want = 0;
      for (double v : Values(xv)) want += v * v / 2;
      ExpectNear(RunOne(g, y), {}, {want}, t == DataType::kFloat ? 1e-4 : 1e-10);
    }
  }
}

// ---- Reductions ----

TEST(NnShapeTest, Reductions) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, -1, 4}), "x");
  Output all = ops::reduce_sum(s, x);
  EXPECT_EQ(all.op().name(), "Sum");
  EXPECT_EQ(all.op().input(1).op().name(), "Const");
  EXPECT_EQ(all.op().input(1).dtype(), DataType::kInt32);
  EXPECT_EQ(all.shape(), PartialShape());
  EXPECT_EQ(std::get<bool>(*all.op().attr("keep_dims")), false);
  EXPECT_EQ(std::get<DataType>(*all.op().attr("Tidx")), DataType::kInt32);
  Output ax = ops::reduce_sum(s, x, std::vector<int64_t>{1});
  EXPECT_EQ(ax.op().input(1).op().name(), "Sum_1/reduction_indices");
  EXPECT_EQ(ax.shape(), PartialShape({2, 4}));
  EXPECT_EQ(ops::reduce_mean(s, x, std::vector<int64_t>{-1, 0}, true).shape(),
            PartialShape({1, -1, 1}));
  EXPECT_EQ(ops::reduce_max(s, x, std::vector<int64_t>{}).shape(), PartialShape({2, -1, 4}));
  EXPECT_EQ(ops::reduce_min(s, x, std::nullopt, true).shape(), PartialShape({1, 1, 1}));
  EXPECT_EQ(ops::reduce_prod(s, x, std::vector<int64_t>{0, 0}, false, "p").op().name(), "p");
  EXPECT_EQ(OpTypes(g).back(), "Prod");
  // Unknown axes: unknown rank, or the input's rank with keep_dims.
  Output axes = ops::placeholder(s, DataType::kInt32, PartialShape({-1}), "axes");
  EXPECT_FALSE(ops::reduction(s, "Sum", x, axes).shape().known_rank());
  EXPECT_EQ(ops::reduction(s, "Sum", x, axes, true).shape(), PartialShape({-1, -1, -1}));
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "u");
  EXPECT_FALSE(ops::reduce_sum(s, u, std::vector<int64_t>{0}, true).shape().known_rank());
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Invalid reduction dimension 3 for input with 3 dimensions. for 'Sum_5' (op: "
                  "'Sum') with input shapes: [2,?,4], [2] and with computed input tensors: "
                  "input[1] = <0 3>.",
                  ops::reduce_sum(s, x, std::vector<int64_t>{0, 3}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape must be at most rank 1 but is rank 2 for 'Sum_6' (op: 'Sum') with input "
                  "shapes: [2,?,4], [1,1].",
                  ops::reduction(s, "Sum", x, ops::constant(s, Tensor(DataType::kInt32, {1, 1}))));
}

TEST(NnShapeTest, ReduceAllOfUnknownRankBuildsRankAndRange) {
  if (!find_op_def("Rank") || !find_op_def("Range")) GTEST_SKIP() << "Rank/Range not registered yet";
  Graph g;
  Scope s = Scope::root(g);
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "u");
  Output y = ops::reduce_sum(s, u);
  EXPECT_EQ(OpNames(g), (std::vector<std::string>{"u", "Rank", "range/start", "range/delta",
                                                  "range", "Sum"}));
  EXPECT_EQ(y.shape(), PartialShape());
  Tensor v = Random(DataType::kFloat, {2, 3}, 14);
  double want = 0;
  for (double d : Values(v)) want += d;
  ExpectNear(RunOne(g, y, {{u, v}}), {}, {want}, 1e-5);
}

template <typename F>
std::vector<double> NaiveReduce(const Tensor& x, const std::vector<bool>& red, double init, F f,
                                bool mean, std::vector<int64_t>* out_shape, bool keep) {
  const auto& s = x.shape();
  out_shape->clear();
  std::vector<int64_t> os;
  int64_t count = 1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (red[i]) count *= s[i];
    if (!red[i]) os.push_back(s[i]);
    if (!red[i] || keep) out_shape->push_back(red[i] ? 1 : s[i]);
  }
  int64_t on = 1;
  for (int64_t d : os) on *= d;
  std::vector<double> out(static_cast<size_t>(on), init);
  const auto st = Strides(s);
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    int64_t o = 0;
    for (size_t d = 0; d < s.size(); ++d)
      if (!red[d]) o = o * s[d] + (i / st[d]) % s[d];
    out[o] = f(out[o], x.as_double(i));
  }
  if (mean)
    for (double& v : out) v = count ? v / count : NAN;
  return out;
}

TEST(NnKernelTest, ReductionsAgainstNaive) {
  for (DataType t : {DataType::kFloat, DataType::kDouble, DataType::kInt32, DataType::kInt64}) {
    for (auto shape : {std::vector<int64_t>{3, 4, 5, 2}, std::vector<int64_t>{2, 1, 3, 0}, std::vector<int64_t>{7}}) {
      Graph g;
      Scope s = Scope::root(g);
      Tensor xv = Random(t, shape, 15, -1.5, 1.5);
      Output x = ops::constant(s, xv);
      const int r = static_cast<int>(shape.size());
      std::vector<Output> outs;
      struct Want {
        std::vector<int64_t> shape;
        std::vector<double> v;
      };
      std::vector<Want> wants;
      for (int mask = 0; mask < (1 << r); ++mask) {
        std::vector<bool> red(r);
        std::vector<int64_t> axes;
        for (int i = 0; i < r; ++i)
          if (mask >> i & 1) red[i] = true, axes.push_back(i - (i % 2) * r);  // some negative
        for (bool keep : {false, true}) {
          auto add = [&](Output o, double init, auto f, bool mean) {
            outs.push_back(o);
            Want w;
            w.v = NaiveReduce(xv, red, init, f, mean, &w.shape, keep);
            if (mean && (t == DataType::kInt32 || t == DataType::kInt64))
              for (double& d : w.v) d = std::isnan(d) ? 0 : std::trunc(d * 1.0);
            wants.push_back(w);
          };
          add(ops::reduce_sum(s, x, axes, keep), 0, [](double a, double b) { return a + b; }, false);
          // Integer products of many elements overflow (wrapping); floats cover Prod.
          if (t == DataType::kFloat || t == DataType::kDouble)
            add(ops::reduce_prod(s, x, axes, keep), 1, [](double a, double b) { return a * b; }, false);
          add(ops::reduce_max(s, x, axes, keep), -INFINITY, [](double a, double b) { return std::max(a, b); }, false);
          add(ops::reduce_min(s, x, axes, keep), INFINITY, [](double a, double b) { return std::min(a, b); }, false);
          if (t == DataType::kFloat || t == DataType::kDouble)
            add(ops::reduce_mean(s, x, axes, keep), 0, [](double a, double b) { return a + b; }, true);
        }
      }
      Session sess(g);
      auto got = sess.run({}, outs);
      for (size_t i = 0; i < outs.size(); ++i) {
        SCOPED_TRACE(outs[i].op().name());
        std::vector<double> w = wants[i].v;
        if (t == DataType::kInt32 || t == DataType::kInt64) {
          for (double& d : w) {
            if (std::isinf(d)) d = d > 0 ? (t == DataType::kInt32 ? 2147483647.0 : 9.223372036854775807e18)
                                         : (t == DataType::kInt32 ? -2147483648.0 : -9.223372036854775807e18);
          }
        }
        ExpectNear(got[i], wants[i].shape, w, Tol(t == DataType::kDouble ? t : DataType::kFloat) * 10);
      }
    }
  }
}

TEST(NnKernelTest, IntegerMeanTruncates) {
  Graph g;
  Scope s = Scope::root(g);
  Output y = ops::reduce_mean(s, ops::constant(s, Tensor::vector<int32_t>({1, 2, 4})));
  EXPECT_EQ(RunOne(g, y).data<int32_t>()[0], 2);
}

TEST(NnKernelTest, ReductionErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, 3}), "x");
  Output axes = ops::placeholder(s, DataType::kInt32, PartialShape({-1}), "axes");
  Output y = ops::reduction(s, "Sum", x, axes);
  EXPECT_EQ(RunError(g, y, {{x, Tensor(DataType::kFloat, {2, 3})}, {axes, Tensor::vector<int32_t>({2})}}),
            "Invalid reduction dimension (2 for input with 2 dimension(s)");
  auto got = RunOne(g, y, {{x, FloatTensor({2, 3}, {1, 2, 3, 4, 5, 6})}, {axes, Tensor::vector<int32_t>({-1})}});
  ExpectNear(got, {2}, {6, 15}, 1e-6);
}

// ---- ArgMax / ArgMin ----

TEST(NnShapeTest, ArgMax) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, -1, 4}), "x");
  Output y = ops::argmax(s, x, 1);
  EXPECT_EQ(y.op().name(), "ArgMax");
  EXPECT_EQ(y.op().input(1).op().name(), "ArgMax/dimension");
  EXPECT_EQ(y.dtype(), DataType::kInt64);
  EXPECT_EQ(y.shape(), PartialShape({2, 4}));
  EXPECT_EQ(ops::argmin(s, x, -1, DataType::kInt32).dtype(), DataType::kInt32);
  EXPECT_EQ(ops::argmin(s, x, -1).shape(), PartialShape({2, -1}));
  EXPECT_EQ(ops::argmin(s, x).op().name(), "ArgMin_2");
  Output v = ops::placeholder(s, DataType::kFloat, PartialShape({5}), "v");
  EXPECT_EQ(ops::argmax(s, v).shape(), PartialShape());
  EXPECT_FALSE(ops::argmax(s, ops::placeholder(s, DataType::kFloat)).shape().known_rank());
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimension (3) must be in the range [-3, 3), where 3 is the number of "
                  "dimensions in the input. for 'ArgMax_3' (op: 'ArgMax') with input shapes: "
                  "[2,?,4], [] and with computed input tensors: input[1] = <3>.",
                  ops::argmax(s, x, 3));
}

TEST(NnKernelTest, ArgMaxAgainstNaive) {
  for (DataType t : {DataType::kFloat, DataType::kDouble, DataType::kInt32, DataType::kInt64}) {
    Graph g;
    Scope s = Scope::root(g);
    const std::vector<int64_t> shape = {3, 4, 5};
    Tensor xv = Random(t, shape, 16);
    Output x = ops::constant(s, xv);
    const auto st = Strides(shape);
    for (int axis = -3; axis < 3; ++axis) {
      const int a = axis < 0 ? axis + 3 : axis;
      for (bool mx : {true, false}) {
        Output y = mx ? ops::argmax(s, x, axis) : ops::argmin(s, x, axis, DataType::kInt32);
        std::vector<int64_t> os;
        for (int i = 0; i < 3; ++i)
          if (i != a) os.push_back(shape[i]);
        std::vector<double> want;
        for (int64_t i = 0; i < xv.num_elements(); ++i) {
          if ((i / st[a]) % shape[a] != 0) continue;
          int64_t best = 0;
          for (int64_t j = 1; j < shape[a]; ++j) {
            const double v = xv.as_double(i + j * st[a]), b = xv.as_double(i + best * st[a]);
            if (mx ? v > b : v < b) best = j;
          }
          want.push_back(static_cast<double>(best));
        }
        Tensor got = RunOne(g, y);
        EXPECT_EQ(got.dtype(), mx ? DataType::kInt64 : DataType::kInt32);
        ExpectNear(got, os, want, 0);
      }
    }
  }
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "x");
  Output y = ops::argmax(s, x, 1);
  EXPECT_EQ(RunError(g, y, {{x, Tensor(DataType::kFloat, {3})}}),
            "Expected dimension in the range [-1, 1), but got 1");
  EXPECT_EQ(RunError(g, y, {{x, Tensor(DataType::kFloat, {3, 0})}}),
            "Reduction axis 1 is empty in shape [3,0]");
}

// ---- Convolution and pooling ----

struct Geo {
  int64_t out, pad;
};
Geo Geometry(int64_t in, int64_t k, int64_t stride, int64_t dil, bool same) {
  const int64_t eff = (k - 1) * dil + 1;
  if (same) {
    const int64_t out = (in + stride - 1) / stride;
    return {out, std::max<int64_t>(0, (out - 1) * stride + eff - in) / 2};
  }
  return {(in - eff) / stride + 1, 0};
}

// Naive NHWC convolution and its two adjoints.
struct NaiveConv {
  std::vector<int64_t> xs, fs;
  int64_t sh, sw, dh, dw;
  bool same;
  Geo gh, gw;
  NaiveConv(std::vector<int64_t> x, std::vector<int64_t> f, int64_t sh_, int64_t sw_, int64_t dh_,
            int64_t dw_, bool same_)
      : xs(x), fs(f), sh(sh_), sw(sw_), dh(dh_), dw(dw_), same(same_) {
    gh = Geometry(xs[1], fs[0], sh, dh, same);
    gw = Geometry(xs[2], fs[1], sw, dw, same);
  }
  std::vector<int64_t> out_shape() const { return {xs[0], gh.out, gw.out, fs[3]}; }
  // Calls f(x_index, f_index, y_index) for every multiply-add of the convolution.
  template <typename F>
  void each(F f) const {
    for (int64_t n = 0; n < xs[0]; ++n)
      for (int64_t oh = 0; oh < gh.out; ++oh)
        for (int64_t ow = 0; ow < gw.out; ++ow)
          for (int64_t kh = 0; kh < fs[0]; ++kh)
            for (int64_t kw = 0; kw < fs[1]; ++kw) {
              const int64_t ih = oh * sh - gh.pad + kh * dh, iw = ow * sw - gw.pad + kw * dw;
              if (ih < 0 || ih >= xs[1] || iw < 0 || iw >= xs[2]) continue;
              for (int64_t c = 0; c < fs[2]; ++c)
                for (int64_t o = 0; o < fs[3]; ++o)
                  f(((n * xs[1] + ih) * xs[2] + iw) * xs[3] + c,
                    ((kh * fs[1] + kw) * fs[2] + c) * fs[3] + o,
                    ((n * gh.out + oh) * gw.out + ow) * fs[3] + o);
            }
  }
};

TEST(NnShapeTest, Conv2DAndPools) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 28, 27, 3}), "x");
  Output f = ops::placeholder(s, DataType::kFloat, PartialShape({5, 5, 3, 8}), "f");
  Output y = ops::conv2d(s, x, f, {1, 2, 2, 1}, "SAME");
  EXPECT_EQ(y.op().name(), "Conv2D");
  EXPECT_EQ(y.shape(), PartialShape({-1, 14, 14, 8}));
  EXPECT_EQ(std::get<std::vector<int64_t>>(*y.op().attr("dilations")), (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(std::get<std::string>(*y.op().attr("data_format")), std::string("NHWC"));
  EXPECT_EQ(ops::conv2d(s, x, f, {1, 1, 3, 1}, "VALID").shape(), PartialShape({-1, 24, 8, 8}));
  EXPECT_EQ(ops::conv2d(s, x, f, {1, 1, 1, 1}, "VALID", "NHWC", {1, 2, 2, 1}).shape(),
            PartialShape({-1, 20, 19, 8}));
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape({2, -1, 9, -1}), "u");
  EXPECT_EQ(ops::conv2d(s, u, f, {1, 1, 1, 1}, "VALID").shape(), PartialShape({2, -1, 5, 8}));
  EXPECT_EQ(ops::conv2d(s, ops::placeholder(s, DataType::kFloat), f, {1, 1, 1, 1}, "SAME").shape(),
            PartialShape({-1, -1, -1, 8}));
  Output small = ops::placeholder(s, DataType::kFloat, PartialShape({1, 2, 2, 3}), "small");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Negative dimension size caused by subtracting 5 from 2 for 'Conv2D_5' (op: "
                  "'Conv2D') with input shapes: [1,2,2,3], [5,5,3,8].",
                  ops::conv2d(s, small, f, {1, 1, 1, 1}, "VALID"));
  Output f4 = ops::placeholder(s, DataType::kFloat, PartialShape({1, 1, 4, 8}), "f4");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimensions must be equal, but are 3 and 4 for 'Conv2D_6' (op: 'Conv2D') with "
                  "input shapes: [1,2,2,3], [1,1,4,8].",
                  ops::conv2d(s, small, f4, {1, 1, 1, 1}, "VALID"));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Conv2D requires the stride attribute to contain 4 values, but got: 2 for "
                  "'Conv2D_7' (op: 'Conv2D') with input shapes: [1,2,2,3], [1,1,3,8].",
                  ops::conv2d(s, small, ops::placeholder(s, DataType::kFloat, PartialShape({1, 1, 3, 8})), {1, 1}, "VALID"));
  Output mp = ops::max_pool(s, x, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME");
  EXPECT_EQ(mp.op().name(), "MaxPool");
  EXPECT_EQ(mp.shape(), PartialShape({-1, 14, 14, 3}));
  Output ap = ops::avg_pool(s, x, {1, 3, 3, 1}, {1, 2, 2, 1}, "VALID");
  EXPECT_EQ(ap.op().name(), "AvgPool");
  EXPECT_EQ(ap.shape(), PartialShape({-1, 13, 13, 3}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "MaxPool requires the ksize attribute to contain 4 values, but got: 3 for "
                  "'MaxPool_1' (op: 'MaxPool') with input shapes: [?,28,27,3].",
                  ops::max_pool(s, x, {1, 2, 2}, {1, 2, 2, 1}, "SAME"));
  // Backprops take their output shape from a shape input.
  EXPECT_EQ(ops::conv2d_backprop_input(s, Tensor::vector<int32_t>({2, 9, 9, 3}), f, u, {1, 1, 1, 1}, "SAME").shape(),
            PartialShape({2, 9, 9, 3}));
  EXPECT_EQ(ops::conv2d_backprop_filter(s, x, Tensor::vector<int32_t>({5, 5, 3, 8}), y, {1, 2, 2, 1}, "SAME").shape(),
            PartialShape({5, 5, 3, 8}));
  EXPECT_EQ(ops::max_pool_grad(s, x, mp, mp, {1, 2, 2, 1}, {1, 2, 2, 1}, "SAME").shape(),
            PartialShape({-1, 28, 27, 3}));
  EXPECT_EQ(ops::avg_pool_grad(s, Tensor::vector<int32_t>({4, 28, 27, 3}), ap, {1, 3, 3, 1}, {1, 2, 2, 1}, "VALID").shape(),
            PartialShape({4, 28, 27, 3}));
}

TEST(NnKernelTest, Conv2DAndBackpropsAgainstNaive) {
  struct Case {
    std::vector<int64_t> x, f;
    int64_t sh, sw, dh, dw;
    bool same;
  } cases[] = {
      {{2, 7, 6, 3}, {3, 3, 3, 4}, 1, 1, 1, 1, true},   {{2, 7, 6, 3}, {3, 2, 3, 4}, 2, 2, 1, 1, true},
      {{1, 8, 9, 2}, {3, 3, 2, 5}, 2, 3, 1, 1, false},  {{1, 9, 9, 2}, {3, 3, 2, 2}, 1, 1, 2, 2, true},
      {{3, 5, 5, 4}, {1, 1, 4, 6}, 1, 1, 1, 1, false},  {{1, 4, 4, 1}, {4, 4, 1, 1}, 1, 1, 1, 1, true},
      {{1, 6, 5, 2}, {2, 2, 2, 3}, 2, 2, 1, 1, false},
  };
  for (DataType t : kFloatTypes) {
    for (const Case& c : cases) {
      Graph g;
      Scope s = Scope::root(g);
      NaiveConv nc(c.x, c.f, c.sh, c.sw, c.dh, c.dw, c.same);
      Tensor xv = Random(t, c.x, 17), fv = Random(t, c.f, 18), dyv = Random(t, nc.out_shape(), 19);
      const std::vector<int64_t> strides{1, c.sh, c.sw, 1}, dil{1, c.dh, c.dw, 1};
      const char* pad = c.same ? "SAME" : "VALID";
      Output y = ops::conv2d(s, ops::constant(s, xv), ops::constant(s, fv), strides, pad, "NHWC", dil);
      EXPECT_EQ(y.shape(), PartialShape(nc.out_shape()));
      std::vector<int32_t> xs32(c.x.begin(), c.x.end()), fs32(c.f.begin(), c.f.end());
      Output dx = ops::conv2d_backprop_input(s, Tensor::vector(xs32), ops::constant(s, fv),
                                             ops::constant(s, dyv), strides, pad, "NHWC", dil);
      Output df = ops::conv2d_backprop_filter(s, ops::constant(s, xv), Tensor::vector(fs32),
                                              ops::constant(s, dyv), strides, pad, "NHWC", dil);
      const std::vector<double> x = Values(xv), f = Values(fv), dy = Values(dyv);
      std::vector<double> wy(dy.size(), 0), wdx(x.size(), 0), wdf(f.size(), 0);
      nc.each([&](int64_t xi, int64_t fi, int64_t yi) {
        wy[yi] += x[xi] * f[fi];
        wdx[xi] += dy[yi] * f[fi];
        wdf[fi] += dy[yi] * x[xi];
      });
      Session sess(g);
      const Output fetch[] = {y, dx, df};
      auto got = sess.run({}, fetch);
      ExpectNear(got[0], nc.out_shape(), wy, Tol(t) * 20);
      ExpectNear(got[1], c.x, wdx, Tol(t) * 20);
      ExpectNear(got[2], c.f, wdf, Tol(t) * 20);
    }
  }
}

TEST(NnKernelTest, PoolsAndGradsAgainstNaive) {
  struct Case {
    std::vector<int64_t> x;
    int64_t kh, kw, sh, sw;
    bool same;
  } cases[] = {{{2, 6, 7, 3}, 2, 2, 2, 2, true},
               {{1, 7, 7, 2}, 3, 3, 2, 2, false},
               {{2, 5, 4, 1}, 3, 2, 1, 1, true},
               {{1, 4, 4, 3}, 4, 4, 3, 3, true}};
  for (DataType t : kFloatTypes) {
    for (const Case& c : cases) {
      Graph g;
      Scope s = Scope::root(g);
      const Geo gh = Geometry(c.x[1], c.kh, c.sh, 1, c.same), gw = Geometry(c.x[2], c.kw, c.sw, 1, c.same);
      const std::vector<int64_t> os{c.x[0], gh.out, gw.out, c.x[3]};
      Tensor xv = Random(t, c.x, 20), gv = Random(t, os, 21);
      const std::vector<int64_t> k{1, c.kh, c.kw, 1}, st{1, c.sh, c.sw, 1};
      const char* pad = c.same ? "SAME" : "VALID";
      Output x = ops::constant(s, xv);
      Output mp = ops::max_pool(s, x, k, st, pad), ap = ops::avg_pool(s, x, k, st, pad);
      Output mg = ops::max_pool_grad(s, x, mp, ops::constant(s, gv), k, st, pad);
      std::vector<int32_t> xs32(c.x.begin(), c.x.end());
      Output ag = ops::avg_pool_grad(s, Tensor::vector(xs32), ops::constant(s, gv), k, st, pad);
      const std::vector<double> xd = Values(xv), gd = Values(gv);
      std::vector<double> wm, wa, wmg(xd.size(), 0), wag(xd.size(), 0);
      for (int64_t n = 0; n < c.x[0]; ++n)
        for (int64_t oh = 0; oh < gh.out; ++oh)
          for (int64_t ow = 0; ow < gw.out; ++ow)
            for (int64_t ch = 0; ch < c.x[3]; ++ch) {
              double best = -INFINITY, sum = 0;
              int64_t bi = -1, cnt = 0;
              std::vector<int64_t> idx;
              for (int64_t a = 0; a < c.kh; ++a)
                for (int64_t b = 0; b < c.kw; ++b) {
                  const int64_t ih = oh * c.sh - gh.pad + a, iw = ow * c.sw - gw.pad + b;
                  if (ih < 0 || ih >= c.x[1] || iw < 0 || iw >= c.x[2]) continue;
                  const int64_t i = ((n * c.x[1] + ih) * c.x[2] + iw) * c.x[3] + ch;
                  idx.push_back(i);
                  if (xd[i] > best) best = xd[i], bi = i;
                  sum += xd[i];
                  ++cnt;
                }
              wm.push_back(best);
              wa.push_back(sum / cnt);
              const double gval = gd[((n * gh.out + oh) * gw.out + ow) * c.x[3] + ch];
              wmg[bi] += gval;
              for (int64_t i : idx) wag[i] += gval / cnt;
            }
      Session sess(g);
      const Output fetch[] = {mp, ap, mg, ag};
      auto got = sess.run({}, fetch);
      ExpectNear(got[0], os, wm, 0);
      ExpectNear(got[1], os, wa, Tol(t) * 10);
      ExpectNear(got[2], c.x, wmg, Tol(t) * 10);
      ExpectNear(got[3], c.x, wag, Tol(t) * 10);
    }
  }
}

TEST(NnKernelTest, ConvRejectsNchwOnCpu) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({1, 3, 4, 4}), "x");
  Output f = ops::placeholder(s, DataType::kFloat, PartialShape({2, 2, 3, 2}), "f");
  Output y = ops::conv2d(s, x, f, {1, 1, 1, 1}, "VALID", "NCHW");
  EXPECT_EQ(y.shape(), PartialShape({1, 2, 3, 3}));
  Session sess(g);
  const Output fetch[] = {y};
  const Session::Feed feeds[] = {{x, Tensor(DataType::kFloat, {1, 3, 4, 4})},
                                 {f, Tensor(DataType::kFloat, {2, 2, 3, 2})}};
  SF_EXPECT_ERROR_PREFIX(Code::kInvalidArgument,
                         "Generic conv implementation only supports NHWC tensor format for now.",
                         sess.run(feeds, fetch));
}

// ---- A small MLP through a session ----

TEST(NnKernelTest, DenseLayerWithVariables) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "x");
  Output w = ops::variable_v2(s, PartialShape({3, 2}), DataType::kFloat, "w");
  Output b = ops::variable_v2(s, PartialShape({2}), DataType::kFloat, "b");
  Output iw = ops::assign(s, w, FloatTensor({3, 2}, {1, -1, 2, -2, 3, -3}));
  Output ib = ops::assign(s, b, Tensor::vector<float>({0.5f, 0.25f}));
  Output y = ops::relu(s, ops::bias_add(s, ops::matmul(s, w.graph() ? ops::identity(s, x) : x, w), b));
  EXPECT_EQ(y.shape(), PartialShape({-1, 2}));
  Session sess(g);
  const Output inits[] = {iw, ib};
  sess.run({}, inits);
  const Output fetch[] = {y};
  const Session::Feed feeds[] = {{x, FloatTensor({2, 3}, {1, 1, 1, -1, 0, 0})}};
  Tensor out = sess.run(feeds, fetch)[0];
  ExpectNear(out, {2, 2}, {6.5, 0, 0, 1.25}, 1e-6);
}

}  // namespace
}  // namespace scopeflow
