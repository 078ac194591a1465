// Reduction gradients over partial axes and shapes that are not fully known (TF 1.15's
// _SumGrad, _MeanGrad, _MinOrMaxGrad, _ProdGrad with math_ops.reduced_shape), the ConcatV2
// gradient past 16 inputs (_ConcatGradHelper's SplitV branch) and Cumsum/Cumprod: float64
// finite differences (tolerance next to each check) and the exact nodes TF 1.15 creates,
// worked out from math_grad.py / array_grad.py / math_ops.py at r1.15 in creation order.
#include <gtest/gtest.h>

#include <optional>
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
using Axes = std::optional<std::vector<int64_t>>;

// Distinct values in (lo, hi) (no ties for Max/Min).
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

std::vector<std::string> TypesFrom(const Graph& g, size_t from) {
  std::vector<std::string> out;
  for (size_t i = from; i < g.num_operations(); ++i) out.emplace_back(g.operation(i).type());
  return out;
}

std::vector<std::string> ClassAttr(const Operation& op) {
  auto v = op.attr("_class");
  if (!v) return {};
  return std::get<std::vector<std::string>>(*v);
}

std::vector<double> Values(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.num_elements()));
  for (int64_t i = 0; i < t.num_elements(); ++i) v[i] = t.as_double(i);
  return v;
}

std::vector<double> ConstValues(const Graph& g, std::string_view name) {
  return Values(std::get<Tensor>(*g.get_operation_by_name(name).attr("value")));
}

std::vector<std::string> Prefixed(const std::string& prefix, std::vector<std::string> names) {
  for (std::string& n : names) n = prefix + n;
  return names;
}

// ---- _SumGrad ----

// A fully known shape with constant, partial axes: TF 1.15 evaluates reduced_shape and
// _safe_shape_div on the Python tuples once per graph and (shape, axes) pair
// (graph._reduced_shape_cache); those ops stay in the graph. Later gradients of the same pair
// (Sum or Mean) only reshape and tile by Consts.
TEST(ReductionGradTest, SumKnownShapePartialAxesUsesTheGraphCache) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2, 3}), "x");
  Output y = ops::reduce_sum(s, x, std::vector<int64_t>{1});
  size_t n = g.num_operations();
  Output ys[] = {y}, xs[] = {x};
  std::vector<Output> dx = train::gradients(s, ys, xs);
  EXPECT_EQ(NamesFrom(g, n),
            (std::vector<std::string>{
                "gradients/Shape", "gradients/grad_ys_0", "gradients/Fill",
                "gradients/Sum_grad/Cast/x", "gradients/Sum_grad/Cast_1/x",
                "gradients/Sum_grad/Size", "gradients/Sum_grad/add", "gradients/Sum_grad/mod",
                "gradients/Sum_grad/Shape", "gradients/Sum_grad/range/start",
                "gradients/Sum_grad/range/delta", "gradients/Sum_grad/range",
                "gradients/Sum_grad/Fill/value", "gradients/Sum_grad/Fill",
                "gradients/Sum_grad/DynamicStitch", "gradients/Sum_grad/Maximum/x",
                "gradients/Sum_grad/Maximum/y", "gradients/Sum_grad/Maximum",
                "gradients/Sum_grad/floordiv/x", "gradients/Sum_grad/floordiv",
                "gradients/Sum_grad/Reshape/shape", "gradients/Sum_grad/Reshape",
                "gradients/Sum_grad/Tile/multiples", "gradients/Sum_grad/Tile"}));
  EXPECT_EQ(TypesFrom(g, n),
            (std::vector<std::string>{"Const", "Const", "Fill", "Const", "Const", "Const",
                                      "AddV2", "FloorMod", "Const", "Const", "Const", "Range",
                                      "Const", "Fill", "DynamicStitch", "Const", "Const",
                                      "Maximum", "Const", "FloorDiv", "Const", "Reshape",
                                      "Const", "Tile"}));
  EXPECT_EQ(ConstValues(g, "gradients/Sum_grad/Cast/x"), (std::vector<double>{2, 3}));
  EXPECT_EQ(ConstValues(g, "gradients/Sum_grad/Cast_1/x"), (std::vector<double>{1}));
  EXPECT_EQ(ConstValues(g, "gradients/Sum_grad/Maximum/x"), (std::vector<double>{2, 1}));
  EXPECT_EQ(ConstValues(g, "gradients/Sum_grad/floordiv/x"), (std::vector<double>{2, 3}));
  EXPECT_EQ(ConstValues(g, "gradients/Sum_grad/Reshape/shape"), (std::vector<double>{2, 1}));
  EXPECT_EQ(ConstValues(g, "gradients/Sum_grad/Tile/multiples"), (std::vector<double>{1, 3}));
  EXPECT_EQ(dx[0].name(), "gradients/Sum_grad/Tile:0");
  EXPECT_EQ(dx[0].shape(), PartialShape({2, 3}));
  // The evaluated ops compute what the Consts hold.
  Session sess(g);
  EXPECT_EQ(Values(sess.run(g.get_tensor_by_name("gradients/Sum_grad/DynamicStitch:0"))),
            (std::vector<double>{2, 1}));
  EXPECT_EQ(Values(sess.run(g.get_tensor_by_name("gradients/Sum_grad/floordiv:0"))),
            (std::vector<double>{1, 3}));

  // Same (shape, axes) again: cached, whether the op is a Sum or a Mean.
  n = g.num_operations();
  (void)train::gradients(s, ys, xs);
  EXPECT_EQ(NamesFrom(g, n), Prefixed("gradients_1/", {"Shape", "grad_ys_0", "Fill",
                                                       "Sum_grad/Reshape/shape", "Sum_grad/Reshape",
                                                       "Sum_grad/Tile/multiples", "Sum_grad/Tile"}));
  Output m = ops::reduce_mean(s, x, std::vector<int64_t>{1});
  n = g.num_operations();
  Output ms[] = {m};
  (void)train::gradients(s, ms, xs);
  EXPECT_EQ(NamesFrom(g, n),
            Prefixed("gradients_2/", {"Shape", "grad_ys_0", "Fill", "Mean_grad/Reshape/shape",
                                      "Mean_grad/Reshape", "Mean_grad/Tile/multiples",
                                      "Mean_grad/Tile", "Mean_grad/Const", "Mean_grad/truediv"}));
  // Axes -1 are another key (TF keys the cache on the raw axes tuple).
  Output y2 = ops::reduce_sum(s, x, std::vector<int64_t>{-1});
  n = g.num_operations();
  Output ys2[] = {y2};
  (void)train::gradients(s, ys2, xs);
  EXPECT_EQ(NamesFrom(g, n).size(), 24u) << ::testing::PrintToString(NamesFrom(g, n));
  EXPECT_EQ(ConstValues(g, "gradients_3/Sum_1_grad/Cast_1/x"), (std::vector<double>{-1}));
  // Another graph starts with an empty cache.
  Graph g2;
  Scope s2 = Scope::root(g2);
  Output x2 = ops::placeholder(s2, DataType::kDouble, PartialShape({2, 3}), "x");
  Output y3 = ops::reduce_sum(s2, x2, std::vector<int64_t>{1});
  Output ys3[] = {y3}, xs3[] = {x2};
  n = g2.num_operations();
  (void)train::gradients(s2, ys3, xs3);
  EXPECT_EQ(NamesFrom(g2, n).size(), 24u);
}

// Not fully known: Shape, then reduced_shape and _safe_shape_div colocated with it, Reshape
// and Tile by the computed tensors.
TEST(ReductionGradTest, SumPartialShapeBuildsReducedShape) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({-1, 3}), "x");
  Output y = ops::reduce_sum(s, x, std::vector<int64_t>{1});
  const size_t n = g.num_operations();
  Output ys[] = {y}, xs[] = {x};
  std::vector<Output> dx = train::gradients(s, ys, xs);
  const std::vector<std::string> grad_names = {
      "Shape", "Size",       "add",  "mod",         "Shape_1",
      "range/start", "range/delta", "range", "Fill/value", "Fill",
      "DynamicStitch", "Maximum/y", "Maximum", "floordiv", "Reshape", "Tile"};
  std::vector<std::string> want = {"gradients/Shape", "gradients/grad_ys_0", "gradients/Fill"};
  for (const std::string& k : Prefixed("gradients/Sum_grad/", grad_names)) want.push_back(k);
  EXPECT_EQ(NamesFrom(g, n), want);
  EXPECT_EQ(TypesFrom(g, n + 3),
            (std::vector<std::string>{"Shape", "Const", "AddV2", "FloorMod", "Const", "Const",
                                      "Const", "Range", "Const", "Fill", "DynamicStitch", "Const",
                                      "Maximum", "FloorDiv", "Reshape", "Tile"}));
  // with ops.colocate_with(input_shape): reduced_shape and _safe_shape_div only.
  const std::vector<std::string> loc = {"loc:@gradients/Sum_grad/Shape"};
  for (const char* k : {"Size", "add", "mod", "Shape_1", "range/start", "range", "Fill/value",
                        "Fill", "DynamicStitch", "Maximum/y", "Maximum", "floordiv"})
    EXPECT_EQ(ClassAttr(g.get_operation_by_name(std::string("gradients/Sum_grad/") + k)), loc)
        << k;
  EXPECT_TRUE(ClassAttr(g.get_operation_by_name("gradients/Sum_grad/Shape")).empty());
  EXPECT_TRUE(ClassAttr(g.get_operation_by_name("gradients/Sum_grad/Reshape")).empty());
  EXPECT_TRUE(ClassAttr(g.get_operation_by_name("gradients/Sum_grad/Tile")).empty());
  EXPECT_EQ(ConstValues(g, "gradients/Sum_grad/Size"), (std::vector<double>{2}));
  // TF's Tile cannot see multiples computed from a partial Shape (rank only), then
  // _GradientsHelper sets the input's shape on the gradient.
  EXPECT_EQ(g.get_operation_by_name("gradients/Sum_grad/Reshape").output(0).shape(),
            PartialShape::unknown_of_rank(2));
  EXPECT_EQ(dx[0].shape(), PartialShape({-1, 3}));
  Session sess(g);
  Tensor got = sess.run({{x, Spread({4, 3}, -1, 1)}}, {dx[0]})[0];
  EXPECT_EQ(got.shape(), (std::vector<int64_t>{4, 3}));
  for (double v : Values(got)) EXPECT_EQ(v, 1.0);
}

TEST(ReductionGradTest, SumMeanPartialShapesFiniteDifferences) {
  // Sum and Mean are linear: tol 1e-7.
  const std::vector<std::pair<Axes, bool>> specs = {
      {std::nullopt, false},       {std::vector<int64_t>{0}, false},
      {std::vector<int64_t>{1}, true}, {std::vector<int64_t>{-1}, false},
      {std::vector<int64_t>{0, 2}, false}, {std::vector<int64_t>{2, 0}, true},
      {std::vector<int64_t>{}, false}};
  const std::vector<PartialShape> placeholders = {PartialShape({-1, 3, 2}),
                                                  PartialShape({2, -1, -1}),
                                                  PartialShape::unknown(), PartialShape({2, 3, 2})};
  for (const PartialShape& ps : placeholders)
    for (const auto& [axes, keep] : specs)
      for (bool mean : {false, true}) {
        Graph g;
        Scope s = Scope::root(g);
        Output x = ops::placeholder(s, DataType::kDouble, ps);
        Output y = mean ? ops::reduce_mean(s, x, axes, keep) : ops::reduce_sum(s, x, axes, keep);
        EXPECT_TRUE(CheckGradients(g, ops::square(s, y), {{x, Spread({2, 3, 2}, -2, 2)}}, 1e-6))
            << (mean ? "Mean " : "Sum ") << ps.to_string() << " keep " << keep;
      }
}

// A tensor of axes (not constant): the dynamic path even for a fully known shape.
TEST(ReductionGradTest, SumOverTensorAxes) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2, 3}), "x");
  Output axes = ops::placeholder(s, DataType::kInt32, PartialShape({-1}), "axes");
  Output y = ops::reduction(s, "Sum", x, axes);
  const size_t n = g.num_operations();
  Output ys[] = {y}, xs[] = {x};
  std::vector<Output> dx = train::gradients(s, ys, xs);
  std::vector<std::string> names = NamesFrom(g, n);
  ASSERT_GE(names.size(), 4u);
  EXPECT_EQ(names[3], "gradients/Sum_grad/Shape");
  EXPECT_EQ(g.get_operation_by_name("gradients/Sum_grad/Shape").type(), "Const");
  EXPECT_EQ(g.get_operation_by_name("gradients/Sum_grad/Shape_1").type(), "Shape");
  Session sess(g);
  Tensor got = sess.run({{x, Spread({2, 3}, -1, 1)}, {axes, Tensor::vector<int32_t>({0})}},
                        {dx[0]})[0];
  EXPECT_EQ(Values(got), std::vector<double>(6, 1.0));
}

// ---- _MinOrMaxGrad ----

// TF 1.15 always goes through reduced_shape (the Shape, Size and Shape_1 fold to Consts when
// known); the result keeps the static shape TF's constant folding gives it.
TEST(ReductionGradTest, MaxMinNamesWithAFullyKnownShape) {
  for (const char* type : {"Max", "Min"}) {
    Graph g;
    Scope s = Scope::root(g);
    Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2, 3}), "x");
    Output y = std::string(type) == "Max" ? ops::reduce_max(s, x, std::vector<int64_t>{1})
                                          : ops::reduce_min(s, x, std::vector<int64_t>{1});
    const size_t n = g.num_operations() + 3;  // after grad_ys
    Output ys[] = {y}, xs[] = {x};
    std::vector<Output> dx = train::gradients(s, ys, xs);
    const std::string p = std::string("gradients/") + type + "_grad/";
    EXPECT_EQ(NamesFrom(g, n),
              Prefixed(p, {"Shape", "Size", "add", "mod", "Shape_1", "range/start",
                           "range/delta", "range", "Fill/value", "Fill", "DynamicStitch",
                           "Reshape", "Reshape_1", "Equal", "Cast", "Sum", "Reshape_2", "truediv",
                           "mul"}));
    EXPECT_EQ(TypesFrom(g, n),
              (std::vector<std::string>{"Const", "Const", "AddV2", "FloorMod", "Const", "Const",
                                        "Const", "Range", "Const", "Fill", "DynamicStitch",
                                        "Reshape", "Reshape", "Equal", "Cast", "Sum", "Reshape",
                                        "RealDiv", "Mul"}));
    EXPECT_EQ(g.get_operation_by_name(p + "Sum").input(1).name(), std::string(type) +
                                                                      "/reduction_indices:0");
    EXPECT_EQ(g.get_operation_by_name(p + "Reshape").input(0).name(), y.name());
    EXPECT_EQ(dx[0].name(), p + "mul:0");
    EXPECT_EQ(dx[0].shape(), PartialShape({2, 3}));
  }
}

TEST(ReductionGradTest, MaxMinPartialShapesFiniteDifferences) {
  // Piecewise linear with distinct values: tol 1e-7.
  const std::vector<std::pair<Axes, bool>> specs = {
      {std::nullopt, false}, {std::vector<int64_t>{1}, false}, {std::vector<int64_t>{1}, true},
      {std::vector<int64_t>{-1, 0}, false}};
  for (const PartialShape& ps :
       {PartialShape({-1, 3, 2}), PartialShape::unknown(), PartialShape({2, 3, 2})})
    for (const auto& [axes, keep] : specs)
      for (bool max : {true, false}) {
        Graph g;
        Scope s = Scope::root(g);
        Output x = ops::placeholder(s, DataType::kDouble, ps);
        Output y = max ? ops::reduce_max(s, x, axes, keep) : ops::reduce_min(s, x, axes, keep);
        EXPECT_TRUE(CheckGradients(g, y, {{x, Spread({2, 3, 2}, -2, 2, 1)}}, 1e-7))
            << (max ? "Max " : "Min ") << ps.to_string() << " keep " << keep;
      }
}

TEST(ReductionGradTest, MaxSplitsTheGradientBetweenTies) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({-1, 3}), "x");
  Output y = ops::reduce_max(s, x, std::vector<int64_t>{1});
  Output ys[] = {y}, xs[] = {x};
  std::vector<Output> dx = train::gradients(s, ys, xs);
  Tensor v(DataType::kDouble, {2, 3});
  const double vals[] = {1, 5, 5, 2, 7, 3};
  for (int i = 0; i < 6; ++i) v.data<double>()[i] = vals[i];
  Tensor got = Session(g).run({{x, v}}, {dx[0]})[0];
  EXPECT_EQ(Values(got), (std::vector<double>{0, 0.5, 0.5, 0, 1, 0}));
}

// ---- _ProdGrad ----

TEST(ReductionGradTest, ProdNamesDevicesAndShapes) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({2, 3}), "x");
  Output y = ops::reduce_prod(s, x, std::vector<int64_t>{1});
  const size_t n = g.num_operations() + 3;
  Output ys[] = {y}, xs[] = {x};
  std::vector<Output> dx = train::gradients(s, ys, xs);
  const std::vector<std::string> names = {
      "Shape", "Reshape/shape", "Reshape", "Size", "add", "mod", "Shape_1", "range/start",
      "range/delta", "range", "Fill/value", "Fill", "DynamicStitch", "Maximum/y", "Maximum",
      "floordiv", "Reshape_1", "Tile",
      // with ops.device("/cpu:0"):
      "Rank", "add_1", "mod_1", "range_1/start", "range_1/delta", "range_1", "ListDiff",
      "concat/axis", "concat", "GatherV2/axis", "GatherV2", "Const", "Prod", "GatherV2_1/axis",
      "GatherV2_1", "Const_1", "Prod_1",
      // back on no device:
      "transpose", "Shape_2", "Reshape_2/shape", "Reshape_2", "Cumprod/axis", "Cumprod",
      "Cumprod_1/axis", "Cumprod_1", "mul", "Reshape_3", "InvertPermutation", "transpose_1",
      "mul_1", "Reshape_4"};
  EXPECT_EQ(NamesFrom(g, n), Prefixed("gradients/Prod_grad/", names));
  EXPECT_EQ(TypesFrom(g, n),
            (std::vector<std::string>{
                "Const", "Const", "Reshape", "Const", "AddV2", "FloorMod", "Const", "Const",
                "Const", "Range", "Const", "Fill", "DynamicStitch", "Const", "Maximum",
                "FloorDiv", "Reshape", "Tile", "Const", "AddV2", "FloorMod", "Const", "Const",
                "Range", "ListDiff", "Const", "ConcatV2", "Const", "GatherV2", "Const", "Prod",
                "Const", "GatherV2", "Const", "Prod", "Transpose", "Const", "Pack", "Reshape",
                "Const", "Cumprod", "Const", "Cumprod", "Mul", "Reshape", "InvertPermutation",
                "Transpose", "Mul", "Reshape"}));
  for (size_t i = 0; i < names.size(); ++i) {
    const bool cpu = i >= 18 && i < 35;
    EXPECT_EQ(g.get_operation_by_name("gradients/Prod_grad/" + names[i]).device(),
              cpu ? "/device:CPU:0" : "")
        << names[i];
  }
  const Operation left = g.get_operation_by_name("gradients/Prod_grad/Cumprod");
  const Operation right = g.get_operation_by_name("gradients/Prod_grad/Cumprod_1");
  EXPECT_TRUE(std::get<bool>(*left.attr("exclusive")));
  EXPECT_FALSE(std::get<bool>(*left.attr("reverse")));
  EXPECT_TRUE(std::get<bool>(*right.attr("exclusive")));
  EXPECT_TRUE(std::get<bool>(*right.attr("reverse")));
  EXPECT_EQ(g.get_operation_by_name("gradients/Prod_grad/transpose").input(0).name(), "x:0");
  EXPECT_EQ(g.get_operation_by_name("gradients/Prod_grad/Reshape_2").input(1).name(),
            "gradients/Prod_grad/Reshape_2/shape:0");
  EXPECT_EQ(dx[0].name(), "gradients/Prod_grad/Reshape_4:0");
  EXPECT_EQ(dx[0].shape(), PartialShape({2, 3}));
  EXPECT_EQ(g.get_operation_by_name("gradients/Prod_grad/Reshape_2").output(0).shape(),
            PartialShape({3, 2}));
  // Zeros are fine: the product of the others, never a division.
  Tensor v(DataType::kDouble, {2, 3});
  const double vals[] = {2, 0, 3, 0, 0, 5};
  for (int i = 0; i < 6; ++i) v.data<double>()[i] = vals[i];
  Tensor got = Session(g).run({{x, v}}, {dx[0]})[0];
  EXPECT_EQ(Values(got), (std::vector<double>{0, 6, 0, 0, 0, 0}));
}

TEST(ReductionGradTest, ProdFiniteDifferences) {
  // Products of up to 12 values in [0.5, 1.5]: tol 1e-6.
  const std::vector<std::pair<Axes, bool>> specs = {
      {std::nullopt, false},        {std::vector<int64_t>{1}, false},
      {std::vector<int64_t>{1}, true}, {std::vector<int64_t>{-1, 0}, false},
      {std::vector<int64_t>{0, 2}, true}, {std::vector<int64_t>{}, false}};
  for (const PartialShape& ps :
       {PartialShape({2, 3, 2}), PartialShape({-1, 3, -1}), PartialShape::unknown()})
    for (const auto& [axes, keep] : specs) {
      Graph g;
      Scope s = Scope::root(g);
      Output x = ops::placeholder(s, DataType::kDouble, ps);
      Output y = ops::reduce_prod(s, x, axes, keep);
      EXPECT_TRUE(CheckGradients(g, y, {{x, Spread({2, 3, 2}, 0.5, 1.5)}}, 1e-6))
          << ps.to_string() << " keep " << keep;
    }
  // A scalar reduction index (what tf.reduce_prod(x, 1) passes from Python).
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({3, 4}));
  Output y = ops::reduction(s, "Prod", x, Tensor::scalar<int32_t>(1));
  EXPECT_TRUE(CheckGradients(g, y, {{x, Spread({3, 4}, -1.5, 1.5)}}, 1e-6));
}

// ---- Cumsum / Cumprod ----

TEST(ReductionGradTest, CumsumCumprodFiniteDifferences) {
  // Cumsum linear: tol 1e-7; Cumprod on values in [0.5, 1.5]: tol 1e-6.
  for (int axis : {0, 1, -1})
    for (bool exclusive : {false, true})
      for (bool reverse : {false, true}) {
        Graph g;
        Scope s = Scope::root(g);
        Output x = ops::placeholder(s, DataType::kDouble, PartialShape({3, 4}));
        Output w = ops::constant(s, Spread({3, 4}, -1, 1, 2));
        Output cs = ops::operator_mul(s, ops::cumsum(s, x, axis, exclusive, reverse), w);
        Output cp = ops::operator_mul(s, ops::cumprod(s, x, axis, exclusive, reverse), w);
        EXPECT_TRUE(CheckGradients(g, cs, {{x, Spread({3, 4}, -1, 1)}}, 1e-7))
            << "cumsum " << axis << exclusive << reverse;
        EXPECT_TRUE(CheckGradients(g, cp, {{x, Spread({3, 4}, 0.5, 1.5)}}, 1e-6))
            << "cumprod " << axis << exclusive << reverse;
      }
}

TEST(ReductionGradTest, CumprodGradNames) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kDouble, PartialShape({3}), "x");
  Output y = ops::cumprod(s, x, 0, false, true);
  const size_t n = g.num_operations() + 3;
  Output ys[] = {y}, xs[] = {x};
  std::vector<Output> dx = train::gradients(s, ys, xs);
  EXPECT_EQ(NamesFrom(g, n),
            Prefixed("gradients/Cumprod_grad/",
                     {"Cumprod", "mul", "Cumsum", "truediv"}));
  // The forward op's axis tensor is reused (no new Const).
  EXPECT_EQ(g.get_operation_by_name("gradients/Cumprod_grad/Cumprod").input(1).name(),
            "Cumprod/axis:0");
  EXPECT_FALSE(std::get<bool>(
      *g.get_operation_by_name("gradients/Cumprod_grad/Cumsum").attr("reverse")));
  EXPECT_TRUE(std::get<bool>(
      *g.get_operation_by_name("gradients/Cumprod_grad/Cumprod").attr("reverse")));
  EXPECT_EQ(dx[0].name(), "gradients/Cumprod_grad/truediv:0");
}

// ---- ConcatV2 past 16 inputs ----

TEST(ReductionGradTest, ConcatOfSeventeenSplitsTheGradient) {
  Graph g;
  Scope s = Scope::root(g);
  std::vector<Output> xs;
  std::vector<Input> values;
  for (int i = 0; i < 17; ++i) {
    xs.push_back(ops::placeholder(s, DataType::kDouble, PartialShape({2, 1 + i % 3})));
    values.emplace_back(xs.back());
  }
  Output c = ops::concat(s, values, 1);
  const size_t n = g.num_operations() + 3;
  Output ys[] = {c};
  std::vector<Output> dx = train::gradients(s, ys, xs);
  std::vector<std::string> want = {"Rank", "mod", "Shape"};
  for (int i = 1; i < 17; ++i) want.push_back("Shape_" + std::to_string(i));
  for (const char* k : {"stack", "Slice/begin/1", "Slice/begin", "Slice/size", "Slice", "Squeeze",
                        "split"})
    want.push_back(k);
  EXPECT_EQ(NamesFrom(g, n), Prefixed("gradients/concat_grad/", want));
  const Operation stack = g.get_operation_by_name("gradients/concat_grad/stack");
  EXPECT_EQ(stack.type(), "Pack");
  EXPECT_EQ(std::get<int64_t>(*stack.attr("axis")), 1);
  EXPECT_EQ(std::get<int64_t>(*stack.attr("N")), 17);
  EXPECT_EQ(g.get_operation_by_name("gradients/concat_grad/Slice/begin").type(), "Pack");
  EXPECT_EQ(ConstValues(g, "gradients/concat_grad/Slice/size"), (std::vector<double>{1, -1}));
  const Operation split = g.get_operation_by_name("gradients/concat_grad/split");
  EXPECT_EQ(split.type(), "SplitV");
  EXPECT_EQ(std::get<int64_t>(*split.attr("num_split")), 17);
  EXPECT_EQ(split.input(2).name(), "gradients/concat_grad/mod:0");
  ASSERT_EQ(dx.size(), 17u);
  for (int i = 0; i < 17; ++i) {
    EXPECT_EQ(dx[i].name(), "gradients/concat_grad/split:" + std::to_string(i));
    EXPECT_EQ(dx[i].shape(), PartialShape({2, 1 + i % 3}));  // folded as TF's refiner does
  }
  // Linear: tol 1e-7.
  Output w = ops::constant(s, Spread({2, 33}, -1, 1));
  Output y = ops::operator_mul(s, c, w);
  std::vector<std::pair<Output, Tensor>> inputs;
  for (int i = 0; i < 17; ++i) inputs.emplace_back(xs[i], Spread({2, 1 + i % 3}, -1, 1, i));
  EXPECT_TRUE(CheckGradients(g, y, inputs, 1e-7));
}

TEST(ReductionGradTest, ConcatOfSeventeenPartialShapesUsesShapeN) {
  Graph g;
  Scope s = Scope::root(g);
  std::vector<Output> xs;
  std::vector<Input> values;
  for (int i = 0; i < 17; ++i) {
    xs.push_back(ops::placeholder(s, DataType::kDouble, PartialShape({-1, 2})));
    values.emplace_back(xs.back());
  }
  Output c = ops::concat(s, values, 0);
  const size_t n = g.num_operations() + 3;
  Output ys[] = {c};
  std::vector<Output> dx = train::gradients(s, ys, xs);
  EXPECT_EQ(NamesFrom(g, n),
            Prefixed("gradients/concat_grad/",
                     {"Rank", "mod", "Shape", "ShapeN", "stack", "Slice/begin/1", "Slice/begin",
                      "Slice/size", "Slice", "Squeeze", "split"}));
  EXPECT_EQ(dx[3].shape(), PartialShape({-1, 2}));
  Output w = ops::constant(s, Spread({34, 2}, -1, 1));
  Output y = ops::operator_mul(s, c, w);
  std::vector<std::pair<Output, Tensor>> inputs;
  for (int i = 0; i < 17; ++i) inputs.emplace_back(xs[i], Spread({2, 2}, -1, 1, i));
  EXPECT_TRUE(CheckGradients(g, y, inputs, 1e-7));
}

}  // namespace
}  // namespace scopeflow
