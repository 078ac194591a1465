// Finite-difference gradient checking for scopeflow's gradient functions.
//
// API (header-only, namespace scopeflow::testing):
//
//   ::testing::AssertionResult CheckGradients(Graph& g, Output y,
//       std::vector<std::pair<Output, Tensor>> inputs, double tol);
//
// `y` is any float64 tensor (scalar or not) of `g`; `inputs` are float64 placeholders (or any
// feedable float64 tensors) with the values at which to check. It builds
// `train::gradients(Scope::root(g), {y}, xs)` once (grad_ys defaulted to ones, so the analytic
// gradient is d sum(y) / d x), runs it in a runtime::Session, and compares each element with
// the central finite difference (sum(y(x + h e_i)) - sum(y(x - h e_i))) / 2h, h = 1e-6.
// An element passes when |analytic - numeric| <= tol * max(1, |numeric|) (i.e. absolute error
// for small values, relative error for large ones). The result reports the max abs and rel
// error and the first failing element. An unconnected input (invalid gradient) is taken as
// zero gradient.
//
//   Graph g;
//   Scope s = Scope::root(g);
//   Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2}));
//   Output y = ops::square(s, x);
//   EXPECT_TRUE(CheckGradients(g, y, {{x, Tensor::vector<double>({1.0, -2.0})}}, 1e-6));
//
// CheckGradientsAt is the same, taking the already built gradient outputs (when a test wants
// to inspect the gradient graph too).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>
#include <vector>

#include "scopeflow/scopeflow.h"
#include "scopeflow/runtime/session.h"
#include "scopeflow/train/gradients.h"

namespace scopeflow::testing {

namespace grad_check_internal {

inline double SumAsDouble(const Tensor& t) {
  double s = 0;
  for (int64_t i = 0; i < t.num_elements(); ++i) s += t.as_double(i);
  return s;
}

}  // namespace grad_check_internal

/// Compares `grads` (one per input; invalid = zero) with finite differences of sum(y).
inline ::testing::AssertionResult CheckGradientsAt(
    Graph& g, const Output& y, const std::vector<std::pair<Output, Tensor>>& inputs,
    const std::vector<Output>& grads, double tol, double h = 1e-6) {
  using runtime::Session;
  if (grads.size() != inputs.size())
    return ::testing::AssertionFailure()
           << "got " << grads.size() << " gradients for " << inputs.size() << " inputs";
  Session sess(g);
  std::vector<Session::Feed> feeds;
  for (const auto& [x, v] : inputs) {
    if (v.dtype() != DataType::kDouble)
      return ::testing::AssertionFailure() << "input " << x.name() << " is not float64";
    feeds.emplace_back(x, v.clone());
  }
  std::vector<Output> fetches;
  std::vector<int> fetch_index(grads.size(), -1);
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].valid()) continue;
    fetch_index[i] = static_cast<int>(fetches.size());
    fetches.push_back(grads[i]);
  }
  std::vector<Tensor> analytic = sess.run(feeds, fetches);

  double max_abs = 0, max_rel = 0;
  std::ostringstream first_bad;
  bool ok = true;
  Output ys[] = {y};
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& x0 = inputs[k].second;
    Tensor a;
    if (fetch_index[k] >= 0) {
      a = analytic[static_cast<size_t>(fetch_index[k])];
      if (a.dtype() != DataType::kDouble || a.shape() != x0.shape())
        return ::testing::AssertionFailure()
               << "gradient for " << inputs[k].first.name() << " is " << a.debug_string()
               << ", input is " << x0.debug_string();
    }
    for (int64_t i = 0; i < x0.num_elements(); ++i) {
      auto eval = [&](double delta) {
        std::vector<Session::Feed> f = feeds;
        Tensor xv = x0.clone();
        xv.data<double>()[i] += delta;
        f[k].second = xv;
        return grad_check_internal::SumAsDouble(sess.run(f, ys)[0]);
      };
      double numeric = (eval(h) - eval(-h)) / (2 * h);
      double got = a.valid() ? a.data<double>()[i] : 0.0;
      double abs_err = std::fabs(got - numeric);
      double rel_err = abs_err / std::max(1.0, std::fabs(numeric));
      max_abs = std::max(max_abs, abs_err);
      max_rel = std::max(max_rel, rel_err);
      if (!(rel_err <= tol) && ok) {  // also catches NaN
        ok = false;
        first_bad << "d sum(" << y.name() << ") / d " << inputs[k].first.name() << "[" << i
                  << "]: analytic " << got << ", numeric " << numeric;
      }
    }
  }
  if (ok)
    return ::testing::AssertionSuccess() << "max abs error " << max_abs << ", max rel error "
                                         << max_rel;
  return ::testing::AssertionFailure() << first_bad.str() << " (max abs error " << max_abs
                                       << ", max rel error " << max_rel << ", tolerance " << tol
                                       << ")";
}

/// Builds train::gradients(root, {y}, xs) and checks it against finite differences.
inline ::testing::AssertionResult CheckGradients(Graph& g, Output y,
                                                 std::vector<std::pair<Output, Tensor>> inputs,
                                                 double tol) {
  std::vector<Output> xs;
  for (const auto& in : inputs) xs.push_back(in.first);
  Output ys[] = {y};
  std::vector<Output> grads;
  try {
    grads = train::gradients(Scope::root(g), ys, xs);
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "gradients() threw: " << e.what();
  }
  return CheckGradientsAt(g, y, inputs, grads, tol);
}

}  // namespace scopeflow::testing
