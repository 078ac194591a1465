// Training ops (ApplyGradientDescent, ApplyMomentum, ApplyAdam, ApplyRMSProp,
// ApplyCenteredRMSProp, ApplyAdagrad): shape functions, in-place kernels checked step by step
// against a reference written here from TF's formulas (core/kernels/training_ops.cc), in
// float32 and float64, and TF's errors.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "scopeflow/scopeflow.h"
#include "../sf_testing.h"

namespace scopeflow {
namespace {

using runtime::OpError;
using runtime::Session;
using testing::F32;

template <typename T>
Tensor Vec(const std::vector<double>& v) {
  std::vector<T> t(v.begin(), v.end());
  return Tensor::vector<T>(t);
}
template <typename T>
Tensor Scalar(double v) {
  return Tensor::scalar<T>(static_cast<T>(v));
}

template <typename T>
void ExpectClose(const Tensor& got, const std::vector<T>& want, const char* what, int step) {
  ASSERT_EQ(got.num_elements(), static_cast<int64_t>(want.size())) << what;
  const double tol = std::is_same_v<T, float> ? 2e-6 : 1e-13;
  for (size_t i = 0; i < want.size(); ++i) {
    const double w = want[i], g = got.data<T>()[i];
    EXPECT_NEAR(g, w, tol * std::max(1.0, std::abs(w))) << what << "[" << i << "] step " << step;
  }
}

// A variable `name` of `values` (VariableV2 + Assign); returns {ref, init op}.
struct Var {
  Output ref;
  Operation init;
};
template <typename T>
Var MakeVar(const Scope& s, const std::string& name, const std::vector<double>& values) {
  Output v = ops::variable_v2(s, PartialShape({static_cast<int64_t>(values.size())}),
                              dtype_of<T>(), name);
  Output a = ops::assign(s, v, Vec<T>(values), true, name + "/Assign");
  return {v, a.op()};
}

const std::vector<std::vector<double>> kGrads = {
    {0.1, -0.2, 0.3, 0.0}, {0.5, 0.25, -1.5, 2.0}, {-0.3, 0.7, 0.01, -0.4},
    {1.0, -1.0, 0.5, 0.125}, {0.02, 0.3, -0.6, 0.9}};
const std::vector<double> kInit = {1.0, -2.0, 0.5, 3.0};

// Runs `op` once per gradient of kGrads (fed to `grad`), calling check(step) after each.
void RunSteps(Session& sess, const Output& grad, const Operation& op, DataType t,
              const std::function<void(int)>& check) {
  for (size_t k = 0; k < kGrads.size(); ++k) {
    Tensor gt = t == DataType::kFloat ? Vec<float>(kGrads[k]) : Vec<double>(kGrads[k]);
    sess.run({{grad, gt}}, {}, {op});
    check(static_cast<int>(k));
  }
}

template <typename T>
class TrainingOpsTyped : public ::testing::Test {};
using RealTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(TrainingOpsTyped, RealTypes);

TYPED_TEST(TrainingOpsTyped, GradientDescent) {
  using T = TypeParam;
  Graph g;
  Scope s = Scope::root(g);
  Var w = MakeVar<T>(s, "w", kInit);
  Output grad = ops::placeholder(s, dtype_of<T>(), PartialShape({4}), "grad");
  Output lr = ops::constant(s, Scalar<T>(0.1), "lr");
  const Output ins[] = {w.ref, lr, grad};
  const Attr attrs[] = {{"T", dtype_of<T>()}, {"use_locking", false}};
  Operation op = ops::create(s, "ApplyGradientDescent", "ApplyGradientDescent", ins, attrs);
  EXPECT_EQ(op.output(0).dtype(), ref_dtype(dtype_of<T>()));
  EXPECT_EQ(op.output(0).shape(), PartialShape({4}));
  Session sess(g);
  sess.run(w.init);
  std::vector<T> var(kInit.begin(), kInit.end());
  RunSteps(sess, grad, op, dtype_of<T>(), [&](int k) {
    for (size_t i = 0; i < var.size(); ++i) var[i] -= T(kGrads[k][i]) * T(0.1);
    ExpectClose<T>(sess.run(w.ref), var, "var", k);
  });
  // The output is the variable's reference: fetching it reads the updated value.
  Tensor out = sess.run({{grad, Vec<T>(kGrads[0])}}, {op.output(0)})[0];
  for (size_t i = 0; i < var.size(); ++i) var[i] -= T(kGrads[0][i]) * T(0.1);
  ExpectClose<T>(out, var, "output", 99);
}

template <typename T>
void MomentumCase(bool nesterov) {
  Graph g;
  Scope s = Scope::root(g);
  Var w = MakeVar<T>(s, "w", kInit);
  Var acc = MakeVar<T>(s, "acc", {0.0, 0.1, -0.1, 0.0});
  Output grad = ops::placeholder(s, dtype_of<T>(), PartialShape({4}), "grad");
  Output lr = ops::constant(s, Scalar<T>(0.05), "lr");
  Output mom = ops::constant(s, Scalar<T>(0.9), "momentum");
  const Output ins[] = {w.ref, acc.ref, lr, grad, mom};
  const Attr attrs[] = {
      {"T", dtype_of<T>()}, {"use_locking", false}, {"use_nesterov", nesterov}};
  Operation op = ops::create(s, "ApplyMomentum", "ApplyMomentum", ins, attrs);
  Session sess(g);
  sess.run(w.init);
  sess.run(acc.init);
  std::vector<T> var(kInit.begin(), kInit.end()), a = {T(0), T(0.1), T(-0.1), T(0)};
  const T l = T(0.05), m = T(0.9);
  RunSteps(sess, grad, op, dtype_of<T>(), [&](int k) {
    for (size_t i = 0; i < var.size(); ++i) {
      const T gi = T(kGrads[k][i]);
      a[i] = a[i] * m + gi;
      var[i] -= nesterov ? gi * l + a[i] * m * l : a[i] * l;
    }
    ExpectClose<T>(sess.run(w.ref), var, "var", k);
    ExpectClose<T>(sess.run(acc.ref), a, "accum", k);
  });
}

TYPED_TEST(TrainingOpsTyped, Momentum) { MomentumCase<TypeParam>(false); }
TYPED_TEST(TrainingOpsTyped, MomentumNesterov) { MomentumCase<TypeParam>(true); }

TYPED_TEST(TrainingOpsTyped, Adam) {
  using T = TypeParam;
  Graph g;
  Scope s = Scope::root(g);
  Var w = MakeVar<T>(s, "w", kInit);
  Var m = MakeVar<T>(s, "m", {0, 0, 0, 0});
  Var v = MakeVar<T>(s, "v", {0, 0, 0, 0});
  Output grad = ops::placeholder(s, dtype_of<T>(), PartialShape({4}), "grad");
  Output b1p = ops::placeholder(s, dtype_of<T>(), PartialShape({}), "b1p");
  Output b2p = ops::placeholder(s, dtype_of<T>(), PartialShape({}), "b2p");
  const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const Output ins[] = {w.ref,
                        m.ref,
                        v.ref,
                        b1p,
                        b2p,
                        ops::constant(s, Scalar<T>(lr), "lr"),
                        ops::constant(s, Scalar<T>(b1), "beta1"),
                        ops::constant(s, Scalar<T>(b2), "beta2"),
                        ops::constant(s, Scalar<T>(eps), "epsilon"),
                        grad};
  const Attr attrs[] = {{"T", dtype_of<T>()}, {"use_locking", false}, {"use_nesterov", false}};
  Operation op = ops::create(s, "ApplyAdam", "ApplyAdam", ins, attrs);
  EXPECT_EQ(op.name(), "ApplyAdam");
  Session sess(g);
  for (const Var& x : {w, m, v}) sess.run(x.init);
  std::vector<T> var(kInit.begin(), kInit.end()), mm(4, T(0)), vv(4, T(0));
  T p1 = T(b1), p2 = T(b2);
  for (size_t k = 0; k < kGrads.size(); ++k) {
    sess.run({{grad, Vec<T>(kGrads[k])}, {b1p, Tensor::scalar<T>(p1)}, {b2p, Tensor::scalar<T>(p2)}},
             {}, {op});
    // lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
    const T alpha = T(lr) * std::sqrt(T(1) - p2) / (T(1) - p1);
    for (size_t i = 0; i < 4; ++i) {
      const T gi = T(kGrads[k][i]);
      mm[i] += (gi - mm[i]) * (T(1) - T(b1));
      vv[i] += (gi * gi - vv[i]) * (T(1) - T(b2));
      var[i] -= (mm[i] * alpha) / (std::sqrt(vv[i]) + T(eps));
    }
    ExpectClose<T>(sess.run(w.ref), var, "var", static_cast<int>(k));
    ExpectClose<T>(sess.run(m.ref), mm, "m", static_cast<int>(k));
    ExpectClose<T>(sess.run(v.ref), vv, "v", static_cast<int>(k));
    p1 *= T(b1);
    p2 *= T(b2);
  }
}

TYPED_TEST(TrainingOpsTyped, RMSProp) {
  using T = TypeParam;
  Graph g;
  Scope s = Scope::root(g);
  Var w = MakeVar<T>(s, "w", kInit);
  Var ms = MakeVar<T>(s, "ms", {1, 1, 1, 1});
  Var mom = MakeVar<T>(s, "mom", {0, 0, 0, 0});
  Output grad = ops::placeholder(s, dtype_of<T>(), PartialShape({4}), "grad");
  const double lr = 0.01, rho = 0.9, mu = 0.5, eps = 1e-10;
  const Output ins[] = {w.ref,
                        ms.ref,
                        mom.ref,
                        ops::constant(s, Scalar<T>(lr), "lr"),
                        ops::constant(s, Scalar<T>(rho), "rho"),
                        ops::constant(s, Scalar<T>(mu), "momentum"),
                        ops::constant(s, Scalar<T>(eps), "epsilon"),
                        grad};
  const Attr attrs[] = {{"T", dtype_of<T>()}, {"use_locking", false}};
  Operation op = ops::create(s, "ApplyRMSProp", "ApplyRMSProp", ins, attrs);
  Session sess(g);
  for (const Var& x : {w, ms, mom}) sess.run(x.init);
  std::vector<T> var(kInit.begin(), kInit.end()), m2(4, T(1)), mo(4, T(0));
  RunSteps(sess, grad, op, dtype_of<T>(), [&](int k) {
    for (size_t i = 0; i < 4; ++i) {
      const T gi = T(kGrads[k][i]);
      m2[i] += (gi * gi - m2[i]) * (T(1) - T(rho));
      mo[i] = mo[i] * T(mu) + (gi * T(lr)) / std::sqrt(m2[i] + T(eps));
      var[i] -= mo[i];
    }
    ExpectClose<T>(sess.run(w.ref), var, "var", k);
    ExpectClose<T>(sess.run(ms.ref), m2, "ms", k);
    ExpectClose<T>(sess.run(mom.ref), mo, "mom", k);
  });
}

TYPED_TEST(TrainingOpsTyped, CenteredRMSProp) {
  using T = TypeParam;
  Graph g;
  Scope s = Scope::root(g);
  Var w = MakeVar<T>(s, "w", kInit);
  Var mg = MakeVar<T>(s, "mg", {0, 0, 0, 0});
  Var ms = MakeVar<T>(s, "ms", {1, 1, 1, 1});
  Var mom = MakeVar<T>(s, "mom", {0, 0, 0, 0});
  Output grad = ops::placeholder(s, dtype_of<T>(), PartialShape({4}), "grad");
  const double lr = 0.02, rho = 0.8, mu = 0.3, eps = 1e-6;
  const Output ins[] = {w.ref,
                        mg.ref,
                        ms.ref,
                        mom.ref,
                        ops::constant(s, Scalar<T>(lr), "lr"),
                        ops::constant(s, Scalar<T>(rho), "rho"),
                        ops::constant(s, Scalar<T>(mu), "momentum"),
                        ops::constant(s, Scalar<T>(eps), "epsilon"),
                        grad};
  const Attr attrs[] = {{"T", dtype_of<T>()}, {"use_locking", false}};
  Operation op = ops::create(s, "ApplyCenteredRMSProp", "ApplyCenteredRMSProp", ins, attrs);
  Session sess(g);
  for (const Var& x : {w, mg, ms, mom}) sess.run(x.init);
  std::vector<T> var(kInit.begin(), kInit.end()), g1(4, T(0)), m2(4, T(1)), mo(4, T(0));
  RunSteps(sess, grad, op, dtype_of<T>(), [&](int k) {
    for (size_t i = 0; i < 4; ++i) {
      const T gi = T(kGrads[k][i]);
      m2[i] += (gi * gi - m2[i]) * (T(1) - T(rho));
      g1[i] += (gi - g1[i]) * (T(1) - T(rho));
      mo[i] = mo[i] * T(mu) + (gi * T(lr)) / std::sqrt((m2[i] - g1[i] * g1[i]) + T(eps));
      var[i] -= mo[i];
    }
    ExpectClose<T>(sess.run(w.ref), var, "var", k);
    ExpectClose<T>(sess.run(mg.ref), g1, "mg", k);
    ExpectClose<T>(sess.run(ms.ref), m2, "ms", k);
    ExpectClose<T>(sess.run(mom.ref), mo, "mom", k);
  });
}

TYPED_TEST(TrainingOpsTyped, Adagrad) {
  using T = TypeParam;
  Graph g;
  Scope s = Scope::root(g);
  Var w = MakeVar<T>(s, "w", kInit);
  Var acc = MakeVar<T>(s, "acc", {0.1, 0.1, 0.1, 0.1});
  Output grad = ops::placeholder(s, dtype_of<T>(), PartialShape({4}), "grad");
  const Output ins[] = {w.ref, acc.ref, ops::constant(s, Scalar<T>(0.3), "lr"), grad};
  const Attr attrs[] = {{"T", dtype_of<T>()}, {"use_locking", false}, {"update_slots", true}};
  Operation op = ops::create(s, "ApplyAdagrad", "ApplyAdagrad", ins, attrs);
  Session sess(g);
  sess.run(w.init);
  sess.run(acc.init);
  std::vector<T> var(kInit.begin(), kInit.end()), a(4, T(0.1));
  RunSteps(sess, grad, op, dtype_of<T>(), [&](int k) {
    for (size_t i = 0; i < 4; ++i) {
      const T gi = T(kGrads[k][i]);
      a[i] += gi * gi;
      var[i] -= gi * T(0.3) / std::sqrt(a[i]);
    }
    ExpectClose<T>(sess.run(w.ref), var, "var", k);
    ExpectClose<T>(sess.run(acc.ref), a, "accum", k);
  });
}

// A variable large enough to be split across the thread pool gives the same values.
TEST(TrainingOpsTest, LargeVariableUsesThePoolAndMatches) {
  Graph g;
  Scope s = Scope::root(g);
  const int64_t n = 100000;
  std::vector<double> init(n), grads(n);
  for (int64_t i = 0; i < n; ++i) {
    init[i] = std::sin(static_cast<double>(i));
    grads[i] = std::cos(static_cast<double>(i) * 0.5);
  }
  Var w = MakeVar<float>(s, "w", init);
  Var m = MakeVar<float>(s, "m", std::vector<double>(n, 0.0));
  Var v = MakeVar<float>(s, "v", std::vector<double>(n, 0.0));
  Output grad = ops::constant(s, Vec<float>(grads), "grad");
  const Output ins[] = {w.ref,
                        m.ref,
                        v.ref,
                        ops::constant(s, Scalar<float>(0.9), "b1p"),
                        ops::constant(s, Scalar<float>(0.999), "b2p"),
                        ops::constant(s, Scalar<float>(0.001), "lr"),
                        ops::constant(s, Scalar<float>(0.9), "beta1"),
                        ops::constant(s, Scalar<float>(0.999), "beta2"),
                        ops::constant(s, Scalar<float>(1e-8), "epsilon"),
                        grad};
  const Attr attrs[] = {{"T", DataType::kFloat}, {"use_locking", false}, {"use_nesterov", false}};
  Operation op = ops::create(s, "ApplyAdam", "ApplyAdam", ins, attrs);
  Session sess(g);
  for (const Var& x : {w, m, v}) sess.run(x.init);
  sess.run(op);
  Tensor got = sess.run(w.ref);
  const float alpha = 0.001f * std::sqrt(1.0f - 0.999f) / (1.0f - 0.9f);
  for (int64_t i = 0; i < n; i += 997) {
    const float gi = static_cast<float>(grads[i]);
    const float mi = gi * (1.0f - 0.9f), vi = gi * gi * (1.0f - 0.999f);
    const float want = static_cast<float>(init[i]) - mi * alpha / (std::sqrt(vi) + 1e-8f);
    EXPECT_NEAR(got.data<float>()[i], want, 1e-6) << i;
  }
}

// A value fetched before an update keeps what it saw (copy on write of a shared buffer).
TEST(TrainingOpsTest, UpdateCopiesASharedBuffer) {
  Graph g;
  Scope s = Scope::root(g);
  Var w = MakeVar<float>(s, "w", {1, 2});
  const Output ins[] = {w.ref, ops::constant(s, F32(1.0f), "lr"),
                        ops::constant(s, Tensor::vector<float>({1, 1}), "delta")};
  const Attr attrs[] = {{"T", DataType::kFloat}, {"use_locking", false}};
  Operation op = ops::create(s, "ApplyGradientDescent", "ApplyGradientDescent", ins, attrs);
  Session sess(g);
  sess.run(w.init);
  Tensor before = sess.run(w.ref);
  sess.run(op);
  EXPECT_EQ(before.data<float>()[0], 1.0f);
  EXPECT_EQ(sess.run(w.ref).data<float>()[0], 0.0f);
  sess.run(op);
  EXPECT_EQ(sess.run(w.ref).data<float>()[1], 0.0f);
}

TEST(TrainingOpsTest, UninitializedVariableIsAFailedPrecondition) {
  Graph g;
  Scope s = Scope::root(g);
  Var w = MakeVar<float>(s, "w", {1, 2});
  Var acc = MakeVar<float>(s, "acc", {1, 2});
  Output lr = ops::constant(s, F32(0.1f), "lr");
  Output grad = ops::constant(s, Tensor::vector<float>({1, 1}), "grad");
  const Attr attrs[] = {{"T", DataType::kFloat}, {"use_locking", false}};
  const Output gd_in[] = {w.ref, lr, grad};
  Operation gd = ops::create(s, "ApplyGradientDescent", "ApplyGradientDescent", gd_in, attrs);
  const Output ada_in[] = {w.ref, acc.ref, lr, grad};
  Operation ada = ops::create(s, "ApplyAdagrad", "ApplyAdagrad", ada_in, attrs);
  const Output rms_in[] = {w.ref, acc.ref, acc.ref, lr, lr, lr, lr, grad};
  Operation rms = ops::create(s, "ApplyRMSProp", "ApplyRMSProp", rms_in, attrs);
  Session sess(g);
  auto detail = [&](const Operation& op) {
    try {
      sess.run(op);
    } catch (const OpError& e) {
      EXPECT_EQ(e.run_code(), runtime::RunCode::kFailedPrecondition);
      EXPECT_EQ(e.node(), std::string(op.name()));
      return e.detail();
    }
    return std::string("no error");
  };
  EXPECT_EQ(detail(gd), "Attempting to use uninitialized value w");
  // TF 1.15's RMSProp kernels word it differently.
  EXPECT_EQ(detail(rms), "Attempting to use uninitialized variables: w");
  sess.run(w.init);
  EXPECT_EQ(detail(ada), "Attempting to use uninitialized value acc");
}

TEST(TrainingOpsTest, KernelShapeChecksUseTFsWords) {
  Graph g;
  Scope s = Scope::root(g);
  Var w = MakeVar<float>(s, "w", {1, 2});
  Output grad = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "grad");
  Output lr = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "lr");
  const Output ins[] = {w.ref, lr, grad};
  const Attr attrs[] = {{"T", DataType::kFloat}, {"use_locking", false}};
  Operation op = ops::create(s, "ApplyGradientDescent", "ApplyGradientDescent", ins, attrs);
  EXPECT_EQ(op.output(0).shape(), PartialShape({2}));
  Session sess(g);
  sess.run(w.init);
  auto detail = [&](Tensor lrv, Tensor gv) {
    try {
      sess.run({{lr, lrv}, {grad, gv}}, {}, {op});
    } catch (const OpError& e) {
      EXPECT_EQ(e.run_code(), runtime::RunCode::kInvalidArgument);
      return e.detail();
    }
    return std::string("no error");
  };
  EXPECT_EQ(detail(F32(1), Tensor::vector<float>({1, 2, 3})),
            "var and delta do not have the same shape[2] [3]");
  EXPECT_EQ(detail(Tensor::vector<float>({1, 2}), Tensor::vector<float>({1, 2})),
            "alpha is not a scalar: [2]");
  // TF's IsLegacyScalar: a one-element vector passes.
  EXPECT_EQ(detail(Tensor::vector<float>({1}), Tensor::vector<float>({1, 2})), "no error");
}

TEST(TrainingOpsTest, ShapeFunctionsMergeAndRequireScalars) {
  Graph g;
  Scope s = Scope::root(g);
  Var w = MakeVar<float>(s, "w", {1, 2});
  const Attr attrs[] = {{"T", DataType::kFloat}, {"use_locking", false}};
  Output lr = ops::constant(s, F32(0.1f), "lr");
  const Output bad_grad[] = {w.ref, lr, ops::constant(s, Tensor::vector<float>({1, 2, 3}), "g3")};
  SF_EXPECT_CODE(Code::kInvalidArgument,
                 ops::create(s, "ApplyGradientDescent", "", bad_grad, attrs));
  const Output bad_lr[] = {w.ref, ops::constant(s, Tensor::vector<float>({1, 2}), "lr2"),
                           ops::constant(s, Tensor::vector<float>({1, 2}), "g2")};
  SF_EXPECT_CODE(Code::kInvalidArgument, ops::create(s, "ApplyGradientDescent", "", bad_lr, attrs));
  const Output bad_type[] = {w.ref, ops::constant(s, Tensor::scalar<double>(0.1), "lr64"),
                             ops::constant(s, Tensor::vector<float>({1, 2}), "g2f")};
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Input 'alpha' of 'ApplyGradientDescent' Op has type float64 that does not "
                  "match type float32 of argument 'var'.",
                  ops::create(s, "ApplyGradientDescent", "", bad_type, attrs));
  // Registered with their reference inputs.
  EXPECT_EQ(find_op_def("ApplyAdam")->ref_inputs, 0b111u);
  EXPECT_EQ(find_op_def("ApplyCenteredRMSProp")->ref_inputs, 0b1111u);
  EXPECT_EQ(find_op_def("ApplyMomentum")->ref_inputs, 0b11u);
  EXPECT_TRUE(find_op_def("ApplyGradientDescent")->stateful);
}

}  // namespace
}  // namespace scopeflow
