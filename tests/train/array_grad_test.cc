// Gradients of the array ops (TF 1.15 array_grad.py): graph names and finite-difference
// checks. Losses go through L2Loss so that the upstream gradient is not all ones.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "grad_check.h"
#include "scopeflow/ops/array_ops.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/ops/nn_ops.h"
#include "scopeflow/runtime/session.h"
#include "scopeflow/scopeflow.h"
#include "scopeflow/train/gradients.h"
#include "../sf_testing.h"

namespace scopeflow {
namespace {

using Names = std::vector<std::string>;
using testing::CheckGradients;
using testing::CheckGradientsAt;

constexpr DataType kD = DataType::kDouble;

Names grad_ops(const Graph& g) {
  Names out;
  for (const Operation& op : g.get_operations())
    if (op.name().starts_with("gradients/"))
      out.push_back(std::string(op.name()) + ":" + std::string(op.type()));
  return out;
}

// The grad_ops after the standard head (Shape, grad_ys_0, Fill, L2Loss_grad/mul).
Names grad_ops_after_loss(const Graph& g) {
  Names all = grad_ops(g);
  if (all.size() < 4) return all;
  return Names(all.begin() + 4, all.end());
}

std::vector<std::string> input_names(const Operation& op) {
  std::vector<std::string> out;
  for (const Output& o : op.inputs()) out.push_back(o.name());
  return out;
}

Tensor seq(std::vector<int64_t> shape, double scale = 0.3, double offset = -1) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = scale * static_cast<double>((i * 7) % 13) + offset;
  return Tensor::vector<double>(v).reshaped(shape);
}

std::vector<Output> grads_of(const Scope& s, const Output& y, std::vector<Output> xs) {
  Output ys[] = {y};
  return train::gradients(s, ys, xs);
}

// Each check below is of a loss quadratic in the inputs (L2Loss of a linear map): central
// differences are exact up to rounding, so the tolerance is 1e-6.

TEST(ArrayGradTest, IdentityPassesThrough) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({3}), "x");
  Output y = ops::l2_loss(s, ops::identity(s, x));
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(gr[0].name(), "gradients/L2Loss_grad/mul:0");
  EXPECT_EQ(grad_ops_after_loss(g), Names{});
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, seq({3})}}, gr, 1e-6));
}

TEST(ArrayGradTest, PlaceholderWithDefaultPassesThrough) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({3}), "x");
  const Output ins[] = {x};
  const Attr attrs[] = {{"dtype", kD}, {"shape", PartialShape({3})}};
  Output p = ops::create(s, "PlaceholderWithDefault", "pwd", ins, attrs).output(0);
  Output y = ops::l2_loss(s, p);
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(gr[0].name(), "gradients/L2Loss_grad/mul:0");
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, seq({3})}}, gr, 1e-6));
}

TEST(ArrayGradTest, StopGradientAndNotDifferentiable) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({3}), "x");
  const Output ins[] = {x};
  const Attr attrs[] = {{"T", kD}};
  Output sg = ops::create(s, "StopGradient", "StopGradient", ins, attrs).output(0);
  Output y = ops::l2_loss(s, sg);
  auto gr = grads_of(s, y, {x});
  EXPECT_FALSE(gr[0].valid());
  for (const char* t : {"StopGradient", "Shape", "ShapeN", "Size", "Rank", "ZerosLike",
                        "OnesLike", "OneHot", "Range", "BroadcastGradientArgs", "ConcatOffset",
                        "InvertPermutation", "Const"})
    EXPECT_TRUE(train::is_not_differentiable(t)) << t;
}

TEST(ArrayGradTest, ReshapeUnknownBatch) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({-1, 3}), "x");
  Output y = ops::l2_loss(s, ops::reshape(s, x, {-1}));
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(grad_ops_after_loss(g),
            (Names{"gradients/Reshape_grad/Shape:Shape", "gradients/Reshape_grad/Reshape:Reshape"}));
  EXPECT_EQ(input_names(gr[0].op()),
            (Names{"gradients/L2Loss_grad/mul:0", "gradients/Reshape_grad/Shape:0"}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, seq({2, 3})}}, gr, 1e-6));
}

TEST(ArrayGradTest, ExpandDimsAndSqueeze) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({2, 1, 3}), "x");
  Output e = ops::expand_dims(s, ops::squeeze(s, x, {1}), 0);
  Output y = ops::l2_loss(s, e);
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(grad_ops_after_loss(g), (Names{"gradients/ExpandDims_grad/Shape:Const",
                                           "gradients/ExpandDims_grad/Reshape:Reshape",
                                           "gradients/Squeeze_grad/Shape:Const",
                                           "gradients/Squeeze_grad/Reshape:Reshape"}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, seq({2, 1, 3})}}, gr, 1e-6));
}

TEST(ArrayGradTest, PackAndUnpack) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, kD, PartialShape({2}), "a");
  Output b = ops::placeholder(s, kD, PartialShape({2}), "b");
  Output p = ops::stack(s, {a, b}, 1);
  std::vector<Output> parts = ops::unstack(s, p, -1, 0);
  ASSERT_EQ(parts.size(), 2u);
  Output y = ops::l2_loss(s, ops::stack(s, {parts[1], parts[0]}, 0, "restack"));
  auto gr = grads_of(s, y, {a, b});
  EXPECT_EQ(grad_ops_after_loss(g), (Names{"gradients/restack_grad/unstack:Unpack",
                                           "gradients/unstack_grad/stack:Pack",
                                           "gradients/stack_grad/unstack:Unpack"}));
  EXPECT_EQ(gr[0].name(), "gradients/stack_grad/unstack:0");
  EXPECT_EQ(gr[1].name(), "gradients/stack_grad/unstack:1");
  EXPECT_TRUE(CheckGradientsAt(g, y, {{a, seq({2})}, {b, seq({2}, 0.5, 2)}}, gr, 1e-6));
}

TEST(ArrayGradTest, UnpackWithUnusedOutput) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({3, 2}), "x");
  std::vector<Output> parts = ops::unstack(s, x, -1, 0);
  Output y = ops::l2_loss(s, parts[1]);
  EXPECT_TRUE(CheckGradients(g, y, {{x, seq({3, 2})}}, 1e-6));
}

TEST(ArrayGradTest, ConcatV2KnownShapes) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, kD, PartialShape({2, 1}), "a");
  Output b = ops::placeholder(s, kD, PartialShape({2, 3}), "b");
  Output y = ops::l2_loss(s, ops::concat(s, {a, b}, 1));
  auto gr = grads_of(s, y, {a, b});
  EXPECT_EQ(grad_ops_after_loss(g),
            (Names{"gradients/concat_grad/Rank:Const", "gradients/concat_grad/mod:FloorMod",
                   "gradients/concat_grad/Shape:Const", "gradients/concat_grad/Shape_1:Const",
                   "gradients/concat_grad/ConcatOffset:ConcatOffset",
                   "gradients/concat_grad/Slice:Slice", "gradients/concat_grad/Slice_1:Slice"}));
  EXPECT_EQ(input_names(g.get_operation_by_name("gradients/concat_grad/mod")),
            (Names{"concat/axis:0", "gradients/concat_grad/Rank:0"}));
  EXPECT_EQ(input_names(gr[1].op()),
            (Names{"gradients/L2Loss_grad/mul:0", "gradients/concat_grad/ConcatOffset:1",
                   "gradients/concat_grad/Shape_1:0"}));
  EXPECT_EQ(gr[0].shape(), PartialShape({2, 1}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{a, seq({2, 1})}, {b, seq({2, 3}, 0.2, 0.5)}}, gr, 1e-6));
}

TEST(ArrayGradTest, ConcatV2UnknownShapesUsesShapeN) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, kD, PartialShape({2, 2}), "a");
  Output b = ops::placeholder(s, kD, PartialShape({-1, 2}), "b");
  Output c = ops::placeholder(s, kD, PartialShape({1, 2}), "c");
  Output y = ops::l2_loss(s, ops::concat(s, {a, b, c}, -2));
  auto gr = grads_of(s, y, {a, b, c});
  // TF's _ExtractInputShapes: shape(a) is a Const, shape(b) is not: ShapeN of all inputs.
  EXPECT_EQ(grad_ops_after_loss(g),
            (Names{"gradients/concat_grad/Rank:Const", "gradients/concat_grad/mod:FloorMod",
                   "gradients/concat_grad/Shape:Const", "gradients/concat_grad/Shape_1:Shape",
                   "gradients/concat_grad/ShapeN:ShapeN",
                   "gradients/concat_grad/ConcatOffset:ConcatOffset",
                   "gradients/concat_grad/Slice:Slice", "gradients/concat_grad/Slice_1:Slice",
                   "gradients/concat_grad/Slice_2:Slice"}));
  EXPECT_TRUE(CheckGradientsAt(
      g, y, {{a, seq({2, 2})}, {b, seq({3, 2}, 0.2, 0.5)}, {c, seq({1, 2}, -0.4, 1)}}, gr, 1e-6));
}

TEST(ArrayGradTest, Slice) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({3, 4}), "x");
  Output y = ops::l2_loss(s, ops::slice(s, x, {1, 1}, {2, 2}));
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(grad_ops_after_loss(g),
            (Names{"gradients/Slice_grad/Rank:Const", "gradients/Slice_grad/Shape:Const",
                   "gradients/Slice_grad/stack/1:Const", "gradients/Slice_grad/stack:Pack",
                   "gradients/Slice_grad/Reshape:Reshape", "gradients/Slice_grad/Shape_1:Const",
                   "gradients/Slice_grad/sub:Sub", "gradients/Slice_grad/sub_1:Sub",
                   "gradients/Slice_grad/Reshape_1:Reshape",
                   "gradients/Slice_grad/concat/axis:Const",
                   "gradients/Slice_grad/concat:ConcatV2", "gradients/Slice_grad/Pad:Pad"}));
  EXPECT_EQ(gr[0].shape(), PartialShape({3, 4}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, seq({3, 4})}}, gr, 1e-6));
}

TEST(ArrayGradTest, StridedSlice) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({4, 5}), "x");
  using ops::SliceItem;
  Output sl = ops::strided_slice_from_spec(
      s, x, {SliceItem::slice(3, 0, -2), SliceItem::slice(1, std::nullopt, 2)});
  Output y = ops::l2_loss(s, ops::strided_slice_from_spec(s, sl, {SliceItem::index(1)}));
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(grad_ops_after_loss(g),
            (Names{"gradients/strided_slice_1_grad/Shape:Const",
                   "gradients/strided_slice_1_grad/StridedSliceGrad:StridedSliceGrad",
                   "gradients/strided_slice_grad/Shape:Const",
                   "gradients/strided_slice_grad/StridedSliceGrad:StridedSliceGrad"}));
  EXPECT_EQ(gr[0].shape(), PartialShape({4, 5}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, seq({4, 5})}}, gr, 1e-6));
  // With a new axis and an ellipsis too.
  Graph g2;
  Scope s2 = Scope::root(g2);
  Output x2 = ops::placeholder(s2, kD, PartialShape({2, 3, 4}), "x");
  Output y2 = ops::l2_loss(
      s2, ops::strided_slice_from_spec(s2, x2, {SliceItem::newaxis(), SliceItem::ellipsis(),
                                                SliceItem::slice(std::nullopt, std::nullopt, -1),
                                                SliceItem::index(-1)}));
  EXPECT_TRUE(CheckGradients(g2, y2, {{x2, seq({2, 3, 4})}}, 1e-6));
}

TEST(ArrayGradTest, Transpose) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({2, 3, 4}), "x");
  Output y = ops::l2_loss(s, ops::transpose(s, x, std::vector<int64_t>{1, 2, 0}));
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(grad_ops_after_loss(g),
            (Names{"gradients/transpose_grad/InvertPermutation:InvertPermutation",
                   "gradients/transpose_grad/transpose:Transpose"}));
  EXPECT_EQ(gr[0].shape(), PartialShape({2, 3, 4}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, seq({2, 3, 4})}}, gr, 1e-6));
}

TEST(ArrayGradTest, Tile) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({2, 3}), "x");
  Output y = ops::l2_loss(s, ops::tile(s, x, {2, 1}));
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(grad_ops_after_loss(g),
            (Names{"gradients/Tile_grad/Shape:Const", "gradients/Tile_grad/stack:Pack",
                   "gradients/Tile_grad/transpose/perm:Const",
                   "gradients/Tile_grad/transpose:Transpose",
                   "gradients/Tile_grad/Reshape/shape:Const",
                   "gradients/Tile_grad/Reshape:Reshape", "gradients/Tile_grad/Size:Const",
                   "gradients/Tile_grad/range/start:Const",
                   "gradients/Tile_grad/range/delta:Const", "gradients/Tile_grad/range:Range",
                   "gradients/Tile_grad/Reshape_1:Reshape", "gradients/Tile_grad/Sum:Sum"}));
  EXPECT_EQ(gr[0].shape(), PartialShape({2, 3}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, seq({2, 3})}}, gr, 1e-6));
}

TEST(ArrayGradTest, GatherV2Axis0DenseSegmentSum) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({4, 3}), "x");
  Output idx = ops::constant(s, Tensor::vector<int32_t>({2, 0, 2}), "idx");
  Output y = ops::l2_loss(s, ops::gather(s, x, idx));
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(gr[0].name(), "gradients/GatherV2_grad/UnsortedSegmentSum:0");
  EXPECT_EQ(g.get_operation_by_name("gradients/GatherV2_grad/Shape").type(), "Const");
  EXPECT_EQ(g.get_operation_by_name("gradients/GatherV2_grad/Cast").type(), "Cast");
  EXPECT_EQ(g.get_operation_by_name("gradients/GatherV2_grad/Reshape").type(), "Reshape");
  EXPECT_EQ(g.get_operation_by_name("gradients/GatherV2_grad/Reshape_1").type(), "Reshape");
  EXPECT_EQ(gr[0].shape(), PartialShape({4, 3}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, seq({4, 3})}}, gr, 1e-6));
}

TEST(ArrayGradTest, GatherV2Axis1) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, kD, PartialShape({2, 4, 3}), "x");
  Output idx = ops::constant(s, Tensor::vector<int32_t>({3, 1, 3, 0}), "idx");
  Output y = ops::l2_loss(s, ops::gather(s, x, idx, 1));
  auto gr = grads_of(s, y, {x});
  EXPECT_EQ(gr[0].name(), "gradients/GatherV2_grad/transpose_1:0");
  const std::string p = "gradients/GatherV2_grad/";
  EXPECT_EQ(input_names(g.get_operation_by_name(p + "range_1")),
            (Names{p + "add:0", p + "add_2:0", p + "range_1/delta:0"}));
  EXPECT_EQ(input_names(g.get_operation_by_name(p + "add_2")),
            (Names{p + "add_1:0", p + "Size_2:0"}));
  EXPECT_EQ(input_names(g.get_operation_by_name(p + "concat_1")),
            (Names{p + "concat_1/values_0:0", p + "range:0", p + "range_1:0",
                   p + "concat_1/axis:0"}));
  EXPECT_EQ(g.get_operation_by_name(p + "concat_1/values_0").type(), "Pack");
  EXPECT_EQ(g.get_operation_by_name(p + "concat_2/values_1").type(), "Const");
  EXPECT_EQ(input_names(g.get_operation_by_name(p + "UnsortedSegmentSum")),
            (Names{p + "transpose:0", p + "Reshape_1:0", p + "strided_slice_3:0"}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{x, seq({2, 4, 3})}}, gr, 1e-6));
}

TEST(ArrayGradTest, FillValue) {
  Graph g;
  Scope s = Scope::root(g);
  Output v = ops::placeholder(s, kD, PartialShape({}), "v");
  Output y = ops::l2_loss(s, ops::fill(s, {2, 3}, v));
  auto gr = grads_of(s, y, {v});
  EXPECT_EQ(grad_ops_after_loss(g),
            (Names{"gradients/Fill_grad/Const:Const", "gradients/Fill_grad/Sum:Sum"}));
  EXPECT_TRUE(CheckGradientsAt(g, y, {{v, Tensor::scalar<double>(1.5)}}, gr, 1e-6));
}

}  // namespace
}  // namespace scopeflow
