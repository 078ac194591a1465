// Array ops: shape functions, builders (names, attrs) and kernels against naive references.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using runtime::OpError;
using runtime::Session;
using Shape = std::vector<int64_t>;

int64_t Num(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

Tensor RandomFloat(const Shape& s, std::mt19937& rng) {
  Tensor t(DataType::kFloat, s);
  std::uniform_real_distribution<float> u(-10, 10);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

Tensor Iota(DataType dt, const Shape& s) {
  std::vector<double> v(static_cast<size_t>(Num(s)));
  std::iota(v.begin(), v.end(), 0.0);
  Tensor t = Tensor::vector(v).cast(dt);
  return t.reshaped(s);
}

Shape RandomShape(std::mt19937& rng, int rank, int max_dim = 4, bool allow_zero = false) {
  Shape s(rank);
  std::uniform_int_distribution<int> d(allow_zero ? 0 : 1, max_dim);
  for (auto& x : s) x = d(rng);
  return s;
}

std::vector<int64_t> Strides(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

std::vector<int64_t> Unravel(int64_t flat, const Shape& s) {
  std::vector<int64_t> idx(s.size());
  for (size_t i = s.size(); i-- > 0;) {
    idx[i] = flat % s[i];
    flat /= s[i];
  }
  return idx;
}

void ExpectSameFloats(const Tensor& got, const Tensor& want) {
  ASSERT_EQ(got.shape(), want.shape());
  ASSERT_EQ(got.dtype(), want.dtype());
  for (int64_t i = 0; i < want.num_elements(); ++i)
    ASSERT_EQ(got.as_double(i), want.as_double(i)) << "at " << i;
}

std::string RunError(Session& sess, const Output& out,
                     std::initializer_list<Session::Feed> feeds = {}) {
  try {
    sess.run(feeds, {out});
  } catch (const OpError& e) {
    return e.detail();
  }
  return "<no error>";
}

// ---------------- Reshape ----------------

TEST(ArrayReshape, ShapeFunction) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, 3}), "x");
  EXPECT_EQ(ops::reshape(s, x, {3, 2}).shape(), PartialShape({3, 2}));
  EXPECT_EQ(ops::reshape(s, x, {-1}).shape(), PartialShape({6}));
  EXPECT_EQ(ops::reshape(s, x, {3, -1}).shape(), PartialShape({3, 2}));
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "u");
  EXPECT_EQ(ops::reshape(s, u, {-1, 3}).shape(), PartialShape({-1, 3}));
  EXPECT_EQ(ops::reshape(s, u, {-1, 6}).shape(), PartialShape({-1, 6}));
  Output r = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "r");
  EXPECT_EQ(ops::reshape(s, r, {-1, 2}).shape(), PartialShape({-1, 2}));
  Output sh = ops::placeholder(s, DataType::kInt32, PartialShape({3}), "sh");
  EXPECT_EQ(ops::reshape(s, x, sh).shape(), PartialShape({-1, -1, -1}));
  Output shu = ops::placeholder(s, DataType::kInt32, PartialShape::unknown(), "shu");
  EXPECT_EQ(ops::reshape(s, x, shu).shape(), PartialShape::unknown());
  Output rr = ops::reshape(s, x, {6}, "named");
  EXPECT_EQ(rr.op().name(), "named");
  EXPECT_EQ(rr.op().input(1).op().name(), "named/shape");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Cannot reshape a tensor with 6 elements to shape [4] (4 elements) for "
                  "'Reshape_8' (op: 'Reshape') with input shapes: [2,3], [1].",
                  ops::reshape(s, x, {4}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimension size must be evenly divisible by 4 but is 6 for 'Reshape_9' (op: "
                  "'Reshape') with input shapes: [2,3], [2].",
                  ops::reshape(s, x, {4, -1}));
}

TEST(ArrayReshape, KernelForwardsBuffer) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "x");
  Output sh = ops::placeholder(s, DataType::kInt32, PartialShape({-1}), "sh");
  Output y = ops::reshape(s, x, sh);
  Output e = ops::expand_dims(s, x, 0);
  Session sess(g);
  std::mt19937 rng(1);
  Tensor v = RandomFloat({2, 3}, rng);
  auto out = sess.run({{x, v}, {sh, Tensor::vector<int32_t>({3, -1})}}, {y, e});
  EXPECT_EQ(out[0].shape(), (Shape{3, 2}));
  EXPECT_EQ(out[0].raw(), v.raw());
  EXPECT_EQ(out[1].shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(out[1].raw(), v.raw());
  // Empty tensors: as TF, the -1 is inferred from the non-zero dims.
  out = sess.run({{x, Tensor(DataType::kFloat, {0, 3})}, {sh, Tensor::vector<int32_t>({-1, 0})}},
                 {y});
  EXPECT_EQ(out[0].shape(), (Shape{3, 0}));
  out = sess.run({{x, Tensor(DataType::kFloat, {0, 3})}, {sh, Tensor::vector<int32_t>({-1, 3})}},
                 {y});
  EXPECT_EQ(out[0].shape(), (Shape{0, 3}));
  EXPECT_EQ(RunError(sess, y, {{x, v}, {sh, Tensor::vector<int32_t>({4})}}),
            "Input to reshape is a tensor with 6 values, but the requested shape has 4");
  EXPECT_EQ(RunError(sess, y, {{x, v}, {sh, Tensor::vector<int32_t>({4, -1})}}),
            "Input to reshape is a tensor with 6 values, but the requested shape requires a "
            "multiple of 4");
  EXPECT_EQ(RunError(sess, y, {{x, v}, {sh, Tensor::vector<int32_t>({-1, -1})}}),
            "Only one input size may be -1, not both 0 and 1");
  EXPECT_EQ(RunError(sess, y, {{x, v}, {sh, Tensor::vector<int32_t>({3, -2})}}),
            "Size 1 must be non-negative, not -2");
}

// ---------------- Shape, Size, Rank, ZerosLike, OnesLike ----------------

TEST(ArrayShapeOps, ConstantFoldedWhenKnown) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, 3}), "x");
  Output sh = ops::shape(s, x);
  EXPECT_EQ(sh.op().type(), "Const");
  EXPECT_EQ(sh.op().name(), "Shape");
  EXPECT_EQ(ops::size(s, x).op().type(), "Const");
  EXPECT_EQ(ops::rank(s, x).op().type(), "Const");
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "u");
  Output ush = ops::shape(s, u);
  EXPECT_EQ(ush.op().type(), "Shape");
  EXPECT_EQ(ush.op().name(), "Shape_1");
  EXPECT_EQ(ush.shape(), PartialShape({2}));
  Output ush64 = ops::shape(s, u, DataType::kInt64);
  EXPECT_EQ(base_dtype(ush64.dtype()), DataType::kInt64);
  Output usz = ops::size(s, u);
  EXPECT_EQ(usz.op().type(), "Size");
  EXPECT_EQ(ops::size(s, ops::placeholder(s, DataType::kFloat, PartialShape({-1, 0}))).op().type(),
            "Const");
  Output r = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "r");
  Output rr = ops::rank(s, r);
  EXPECT_EQ(rr.op().type(), "Rank");
  EXPECT_EQ(ops::shape(s, r).shape(), PartialShape({-1}));
  Session sess(g);
  Tensor v(DataType::kFloat, {4, 3});
  auto out = sess.run({{u, v}, {r, Tensor(DataType::kFloat, {1, 2, 0})}},
                      {ush, ush64, usz, rr, sh});
  EXPECT_EQ(out[0].data<int32_t>()[0], 4);
  EXPECT_EQ(out[0].data<int32_t>()[1], 3);
  EXPECT_EQ(out[1].data<int64_t>()[0], 4);
  EXPECT_EQ(out[2].data<int32_t>()[0], 12);
  EXPECT_EQ(out[3].data<int32_t>()[0], 3);
  EXPECT_EQ(out[4].data<int32_t>()[1], 3);
}

TEST(ArrayShapeOps, ZerosLikeOnesLike) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, 3}), "x");
  Output z = ops::zeros_like(s, x);
  EXPECT_EQ(z.op().name(), "zeros_like");
  EXPECT_EQ(z.op().type(), "Const");
  Output o = ops::ones_like(s, x);
  EXPECT_EQ(o.op().name(), "ones_like");
  EXPECT_EQ(o.op().type(), "Fill");
  EXPECT_EQ(o.op().input(0).op().name(), "ones_like/Shape");
  EXPECT_EQ(o.op().input(1).op().name(), "ones_like/Const");
  EXPECT_EQ(o.shape(), PartialShape({2, 3}));
  Output u = ops::placeholder(s, DataType::kInt32, PartialShape({-1, 2}), "u");
  Output zu = ops::zeros_like(s, u);
  EXPECT_EQ(zu.op().type(), "ZerosLike");
  EXPECT_EQ(zu.shape(), PartialShape({-1, 2}));
  Output ou = ops::ones_like(s, u);
  EXPECT_EQ(ou.shape(), PartialShape({-1, 2}));
  Output b = ops::placeholder(s, DataType::kBool, PartialShape::unknown(), "b");
  Operation raw_ones = ops::create(s, "OnesLike", "OnesLike", std::vector<Output>{b},
                                   std::vector<Attr>{{"T", DataType::kBool}});
  Session sess(g);
  Tensor uv = Iota(DataType::kInt32, {3, 2});
  Tensor bv(DataType::kBool, {2});
  auto out = sess.run({{u, uv}, {b, bv}}, {zu, ou, raw_ones.output(0), z, o});
  EXPECT_EQ(out[0].shape(), (Shape{3, 2}));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(out[0].data<int32_t>()[i], 0);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(out[1].data<int32_t>()[i], 1);
  EXPECT_TRUE(out[2].data<bool>()[0] && out[2].data<bool>()[1]);
  EXPECT_EQ(out[3].as_double(5), 0.0);
  EXPECT_EQ(out[4].as_double(5), 1.0);
}

// ---------------- ExpandDims, Squeeze ----------------

TEST(ArrayExpandSqueeze, ShapesKernelsAndErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, 1, 3}), "x");
  EXPECT_EQ(ops::expand_dims(s, x, 0).shape(), PartialShape({1, 2, 1, 3}));
  EXPECT_EQ(ops::expand_dims(s, x, -1).shape(), PartialShape({2, 1, 3, 1}));
  EXPECT_EQ(ops::expand_dims(s, x, 3).shape(), PartialShape({2, 1, 3, 1}));
  EXPECT_EQ(ops::expand_dims(s, x, -4).shape(), PartialShape({1, 2, 1, 3}));
  Output un = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "un");
  EXPECT_EQ(ops::expand_dims(s, un, 0).shape(), PartialShape::unknown());
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "dim 4 not in the interval [-4, 3]. for 'ExpandDims_5' (op: 'ExpandDims') "
                  "with input shapes: [2,1,3], [].",
                  ops::expand_dims(s, x, 4));
  EXPECT_EQ(ops::squeeze(s, x).shape(), PartialShape({2, 3}));
  EXPECT_EQ(ops::squeeze(s, x, {1}).shape(), PartialShape({2, 3}));
  EXPECT_EQ(ops::squeeze(s, x, {-2}).shape(), PartialShape({2, 3}));
  Output p = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 1, 3}), "p");
  EXPECT_EQ(ops::squeeze(s, p).shape(), PartialShape::unknown());
  EXPECT_EQ(ops::squeeze(s, p, {0}).shape(), PartialShape({1, 3}));
  EXPECT_EQ(ops::squeeze(s, un).shape(), PartialShape::unknown());
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Can not squeeze dim[2], expected a dimension of 1, got 3 for 'Squeeze_6' "
                  "(op: 'Squeeze') with input shapes: [2,1,3].",
                  ops::squeeze(s, x, {2}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "squeeze_dims[0] not in [-3,3). for 'Squeeze_7' (op: 'Squeeze') with input "
                  "shapes: [2,1,3].",
                  ops::squeeze(s, x, {3}));
  Output sq = ops::squeeze(s, un);
  Output sq1 = ops::squeeze(s, un, {1});
  Output ex = ops::expand_dims(s, un, -1);
  Session sess(g);
  Tensor v = Iota(DataType::kFloat, {1, 3, 1});
  auto out = sess.run({{un, v}}, {sq, ex});
  EXPECT_EQ(out[0].shape(), (Shape{3}));
  EXPECT_EQ(out[0].raw(), v.raw());
  EXPECT_EQ(out[1].shape(), (Shape{1, 3, 1, 1}));
  EXPECT_EQ(RunError(sess, sq1, {{un, v}}),
            "Can not squeeze dim[1], expected a dimension of 1, got 3");
  EXPECT_EQ(RunError(sess, ex, {{un, Tensor(DataType::kFloat, {})}}), "<no error>");
  Output ex5 = ops::expand_dims(s, un, 5);
  EXPECT_EQ(RunError(sess, ex5, {{un, v}}),
            "Tried to expand dim index 5 for tensor with 3 dimensions.");
}

// ---------------- Pack (stack), Unpack, ConcatV2 ----------------

TEST(ArrayPack, BuildersAndShapes) {
  Graph g;
  Scope s = Scope::root(g);
  Output c = ops::stack(s, {Input(Tensor::scalar<int32_t>(1)), Input(Tensor::scalar<int32_t>(2))});
  EXPECT_EQ(c.op().type(), "Const");
  EXPECT_EQ(c.op().name(), "stack");
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({2, -1}), "a");
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "b");
  Output p = ops::stack(s, {a, b});
  EXPECT_EQ(p.op().type(), "Pack");
  EXPECT_EQ(p.op().name(), "stack_1");
  EXPECT_EQ(p.shape(), PartialShape({2, 2, 3}));
  Output p1 = ops::stack(s, {a, b, a}, 1);
  EXPECT_EQ(p1.shape(), PartialShape({2, 3, 3}));
  Output pm = ops::stack(s, {a, b}, -1);
  EXPECT_EQ(pm.shape(), PartialShape({2, 3, 2}));
  Output mixed = ops::stack(s, {Input(a), Input(Tensor(DataType::kFloat, {2, 3}))});
  EXPECT_EQ(mixed.op().input(1).op().name(), "stack_4/1");
  Output c2 = ops::placeholder(s, DataType::kFloat, PartialShape({3}), "c2");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shapes must be equal rank, but are 2 and 1\n\tFrom merging shape 0 with other "
                  "shapes. for 'stack_5' (op: 'Pack') with input shapes: [2,?], [3].",
                  ops::stack(s, {a, c2}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Invalid axis: 3; must be in [-3,3) for 'stack_6' (op: 'Pack') with input "
                  "shapes: [2,?], [?,3].",
                  ops::stack(s, {a, b}, 3));
}

TEST(ArrayPack, KernelsMatchReference) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 30; ++trial) {
    Graph g;
    Scope s = Scope::root(g);
    const int rank = trial % 4;
    Shape shape = RandomShape(rng, rank, 3, true);
    const int n = 1 + trial % 3;
    const int64_t axis = static_cast<int64_t>(rng() % (rank + 1)) - (trial % 2 ? rank + 1 : 0);
    std::vector<Tensor> vals;
    std::vector<Input> ins;
    for (int i = 0; i < n; ++i) {
      vals.push_back(RandomFloat(shape, rng));
      ins.push_back(ops::constant(s, vals.back()));
    }
    Output p = ops::stack(s, ins, axis);
    auto un = ops::unstack(s, p, n, axis);
    Session sess(g);
    std::vector<Output> fetch = {p};
    for (auto& u : un) fetch.push_back(u);
    auto out = sess.run(std::span<const Session::Feed>(), fetch, {});
    const int64_t ax = axis < 0 ? axis + rank + 1 : axis;
    Shape os = shape;
    os.insert(os.begin() + ax, n);
    ASSERT_EQ(out[0].shape(), os);
    EXPECT_EQ(p.shape(), PartialShape(os));
    for (int64_t f = 0; f < Num(os); ++f) {
      auto idx = Unravel(f, os);
      const int64_t which = idx[ax];
      idx.erase(idx.begin() + ax);
      int64_t src = 0;
      auto st = Strides(shape);
      for (size_t k = 0; k < idx.size(); ++k) src += idx[k] * st[k];
      ASSERT_EQ(out[0].data<float>()[f], vals[which].data<float>()[src]);
    }
    for (int i = 0; i < n; ++i) ExpectSameFloats(out[1 + i], vals[i]);
  }
}

TEST(ArrayPack, RuntimeErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "a");
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "b");
  Output p = ops::stack(s, {a, b});
  auto u = ops::unstack(s, ops::placeholder(s, DataType::kFloat, PartialShape({-1, -1}), "c"), 3);
  Session sess(g);
  EXPECT_EQ(RunError(sess, p, {{a, Tensor(DataType::kFloat, {2})}, {b, Tensor(DataType::kFloat, {3})}}),
            "Shapes of all inputs must match: values[0].shape = [2] != values[1].shape = [3]");
  Output c = u[0].op().input(0);
  EXPECT_EQ(RunError(sess, u[0], {{c, Tensor(DataType::kFloat, {2, 2})}}),
            "Input shape axis 0 must equal 3, got shape [2,2]");
}

Tensor ConcatRef(const std::vector<Tensor>& vals, int64_t axis) {
  Shape os = vals[0].shape();
  os[axis] = 0;
  for (auto& v : vals) os[axis] += v.shape()[axis];
  Tensor out(vals[0].dtype(), os);
  for (int64_t f = 0; f < Num(os); ++f) {
    auto idx = Unravel(f, os);
    int64_t k = idx[axis];
    size_t which = 0;
    while (k >= vals[which].shape()[axis]) k -= vals[which++].shape()[axis];
    idx[axis] = k;
    auto st = Strides(vals[which].shape());
    int64_t src = 0;
    for (size_t d = 0; d < idx.size(); ++d) src += idx[d] * st[d];
    out.data<float>()[f] = vals[which].data<float>()[src];
  }
  return out;
}

TEST(ArrayConcat, KernelMatchesReference) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 30; ++trial) {
    Graph g;
    Scope s = Scope::root(g);
    const int rank = 1 + trial % 4;
    Shape base = RandomShape(rng, rank, 4, true);
    const int64_t axis = static_cast<int64_t>(rng() % rank);
    std::vector<Tensor> vals;
    std::vector<Input> ins;
    std::vector<Output> phs;
    const int n = 2 + trial % 3;
    for (int i = 0; i < n; ++i) {
      Shape sh = base;
      sh[axis] = rng() % 4;
      vals.push_back(RandomFloat(sh, rng));
      Output ph = ops::placeholder(s, DataType::kFloat, PartialShape::unknown_of_rank(rank));
      phs.push_back(ph);
      ins.push_back(ph);
    }
    Output c = ops::concat(s, ins, trial % 2 ? axis - rank : axis);
    std::vector<Session::Feed> feeds;
    for (int i = 0; i < n; ++i) feeds.push_back({phs[i], vals[i]});
    Session sess(g);
    const Output fetch[] = {c};
    auto out = sess.run(feeds, fetch, {});
    ExpectSameFloats(out[0], ConcatRef(vals, axis));
  }
}

TEST(ArrayConcat, ShapeFunctionAndErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kFloat, PartialShape({2, -1}), "a");
  Output b = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "b");
  Output axis = ops::constant(s, Tensor::scalar<int32_t>(0), "axis");
  Operation c = ops::create(s, "ConcatV2", "c", std::vector<Output>{a, b, axis},
                            std::vector<Attr>{{"N", int64_t{2}}, {"T", DataType::kFloat},
                                              {"Tidx", DataType::kInt32}});
  EXPECT_EQ(c.output(0).shape(), PartialShape({-1, 3}));
  Output ax1 = ops::constant(s, Tensor::scalar<int32_t>(1), "ax1");
  Operation c1 = ops::create(s, "ConcatV2", "c1", std::vector<Output>{a, b, ax1},
                             std::vector<Attr>{{"N", int64_t{2}}, {"T", DataType::kFloat},
                                               {"Tidx", DataType::kInt32}});
  EXPECT_EQ(c1.output(0).shape(), PartialShape({2, -1}));
  Output axu = ops::placeholder(s, DataType::kInt32, PartialShape({}), "axu");
  Operation cu = ops::create(s, "ConcatV2", "cu", std::vector<Output>{a, b, axu},
                             std::vector<Attr>{{"N", int64_t{2}}, {"T", DataType::kFloat},
                                               {"Tidx", DataType::kInt32}});
  EXPECT_EQ(cu.output(0).shape(), PartialShape({-1, -1}));
  Session sess(g);
  EXPECT_EQ(RunError(sess, cu.output(0),
                     {{a, Tensor(DataType::kFloat, {2, 3})},
                      {b, Tensor(DataType::kFloat, {3, 3})},
                      {axu, Tensor::scalar<int32_t>(1)}}),
            "ConcatOp : Dimensions of inputs should match: shape[0] = [2,3] vs. shape[1] = [3,3]");
  EXPECT_EQ(RunError(sess, cu.output(0),
                     {{a, Tensor(DataType::kFloat, {2, 3})},
                      {b, Tensor(DataType::kFloat, {3, 3})},
                      {axu, Tensor::scalar<int32_t>(2)}}),
            "ConcatOp : Expected concatenating dimensions in the range [-2, 2), but got 2");
}

// ---------------- Slice, Fill ----------------

TEST(ArraySlice, KernelMatchesReference) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    Graph g;
    Scope s = Scope::root(g);
    const int rank = trial % 5;
    Shape shape = RandomShape(rng, rank, 5);
    std::vector<int32_t> b(rank), sz(rank);
    for (int i = 0; i < rank; ++i) {
      b[i] = rng() % (shape[i] + 1);
      sz[i] = (rng() % 3 == 0) ? -1 : static_cast<int32_t>(rng() % (shape[i] - b[i] + 1));
    }
    Tensor v = RandomFloat(shape, rng);
    Output x = ops::placeholder(s, DataType::kFloat, PartialShape::unknown_of_rank(rank));
    Output y = ops::slice(s, x, Tensor::vector(b), Tensor::vector(sz));
    Session sess(g);
    Tensor got = sess.run({{x, v}}, {y})[0];
    Shape os(rank);
    for (int i = 0; i < rank; ++i) os[i] = sz[i] == -1 ? shape[i] - b[i] : sz[i];
    ASSERT_EQ(got.shape(), os);
    auto st = Strides(shape);
    for (int64_t f = 0; f < Num(os); ++f) {
      auto idx = Unravel(f, os);
      int64_t src = 0;
      for (int i = 0; i < rank; ++i) src += (idx[i] + b[i]) * st[i];
      ASSERT_EQ(got.data<float>()[f], v.data<float>()[src]);
    }
  }
}

TEST(ArraySlice, ErrorsAndFill) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "x");
  Output b = ops::constant(s, Tensor::vector<int32_t>({1, 0}), "b");
  Output sz = ops::constant(s, Tensor::vector<int32_t>({2, -1}), "sz");
  Output y = ops::create(s, "Slice", "Slice", std::vector<Output>{x, b, sz},
                         std::vector<Attr>{{"T", DataType::kFloat}, {"Index", DataType::kInt32}})
                 .output(0);
  EXPECT_EQ(y.shape(), PartialShape({2, -1}));
  Output x2 = ops::placeholder(s, DataType::kFloat, PartialShape({3, 4}), "x2");
  EXPECT_EQ(ops::slice(s, x2, {1, 1}, {2, -1}).shape(), PartialShape({2, 3}));
  Output f = ops::fill(s, ops::placeholder(s, DataType::kInt32, PartialShape({-1}), "d"), 2.5f);
  Output d = f.op().input(0);
  Session sess(g);
  EXPECT_EQ(RunError(sess, y, {{x, Tensor(DataType::kFloat, {2, 3})}}),
            "Expected size[0] in [0, 1], but got 2");
  EXPECT_EQ(RunError(sess, y, {{x, Tensor(DataType::kFloat, {3})}}),
            "Expected begin and size arguments to be 1-D tensors of size 1, but got shapes [2] "
            "and [2] instead.");
  Tensor out = sess.run({{d, Tensor::vector<int32_t>({2, 0, 3})}}, {f})[0];
  EXPECT_EQ(out.shape(), (Shape{2, 0, 3}));
  out = sess.run({{d, Tensor::vector<int32_t>({2, 2})}}, {f})[0];
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out.data<float>()[i], 2.5f);
  EXPECT_EQ(RunError(sess, f, {{d, Tensor::vector<int32_t>({2, -1})}}),
            "Dimension -1 must be >= 0");
}

// ---------------- Transpose ----------------

TEST(ArrayTranspose, KernelMatchesReference) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 60; ++trial) {
    Graph g;
    Scope s = Scope::root(g);
    const int rank = trial % 6;
    Shape shape = RandomShape(rng, rank, trial < 50 ? 4 : (rank <= 2 ? 70 : 9), trial % 7 == 0);
    std::vector<int64_t> perm(rank);
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    DataType dt = trial % 3 == 0 ? DataType::kDouble : (trial % 3 == 1 ? DataType::kInt32
                                                                          : DataType::kBool);
    Tensor v = RandomFloat(shape, rng).cast(dt);
    Output x = ops::placeholder(s, dt, PartialShape(shape));
    Output y = ops::transpose(s, x, perm);
    Session sess(g);
    Tensor got = sess.run({{x, v}}, {y})[0];
    Shape os(rank);
    for (int i = 0; i < rank; ++i) os[i] = shape[perm[i]];
    ASSERT_EQ(got.shape(), os);
    EXPECT_EQ(y.shape(), PartialShape(os));
    auto st = Strides(shape);
    for (int64_t f = 0; f < Num(os); ++f) {
      auto idx = Unravel(f, os);
      int64_t src = 0;
      for (int i = 0; i < rank; ++i) src += idx[i] * st[perm[i]];
      ASSERT_EQ(got.as_double(f), v.as_double(src)) << "trial " << trial;
    }
  }
}

TEST(ArrayTranspose, DefaultPermBuildsAsTf) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, -1, 4}), "x");
  Output t = ops::transpose(s, x);
  EXPECT_EQ(t.op().name(), "transpose");
  EXPECT_EQ(t.op().input(1).op().name(), "transpose/perm");
  EXPECT_EQ(t.shape(), PartialShape({4, -1, 2}));
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "u");
  Output tu = ops::transpose(s, u);
  EXPECT_EQ(tu.op().name(), "transpose_1");
  EXPECT_EQ(tu.shape(), PartialShape::unknown());
  std::vector<std::string> names = testing::OpNames(g);
  std::vector<std::string> want = {"x",
                                   "transpose/perm",
                                   "transpose",
                                   "u",
                                   "transpose_1/Rank",
                                   "transpose_1/sub/y",
                                   "transpose_1/sub",
                                   "transpose_1/Range/start",
                                   "transpose_1/Range/delta",
                                   "transpose_1/Range",
                                   "transpose_1/sub_1",
                                   "transpose_1"};
  EXPECT_EQ(names, want);
  Output p = ops::placeholder(s, DataType::kInt32, PartialShape({3}), "p");
  EXPECT_EQ(ops::transpose(s, x, p).shape(), PartialShape({-1, -1, -1}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "perm dim 3 is out of range of input rank 3 for 'transpose_3' (op: "
                  "'Transpose') with input shapes: [2,?,4], [3].",
                  ops::transpose(s, x, std::vector<int64_t>{0, 3, 1}));
  Session sess(g);
  Tensor v = Iota(DataType::kFloat, {2, 3, 4});
  Tensor got = sess.run({{x, v}}, {t})[0];
  EXPECT_EQ(got.shape(), (Shape{4, 3, 2}));
  EXPECT_EQ(got.data<float>()[1], 12.0f);
  EXPECT_EQ(RunError(sess, ops::transpose(s, x, p), {{x, v}, {p, Tensor::vector<int32_t>({0, 0, 1})}}),
            "2 is missing from {0,0,1}.");
  EXPECT_EQ(RunError(sess, ops::transpose(s, x, p), {{x, v}, {p, Tensor::vector<int32_t>({0, 5, 1})}}),
            "5 is out of range [0 .. 3)");
}

// ---------------- Tile ----------------

TEST(ArrayTile, KernelMatchesReferenceAndShapes) {
  std::mt19937 rng(9);
  for (int trial = 0; trial < 40; ++trial) {
    Graph g;
    Scope s = Scope::root(g);
    const int rank = trial % 5;
    Shape shape = RandomShape(rng, rank, 3, trial % 6 == 0);
    std::vector<int32_t> m(rank);
    for (auto& x : m) x = rng() % 4;
    if (trial % 4 == 0)
      for (auto& x : m) x = std::max(x, 1);
    Tensor v = RandomFloat(shape, rng);
    Output x = ops::placeholder(s, DataType::kFloat, PartialShape(shape));
    Output y = ops::tile(s, x, Tensor::vector(m));
    Session sess(g);
    Tensor got = sess.run({{x, v}}, {y})[0];
    Shape os(rank);
    for (int i = 0; i < rank; ++i) os[i] = shape[i] * m[i];
    ASSERT_EQ(got.shape(), os);
    EXPECT_EQ(y.shape(), PartialShape(os));
    auto st = Strides(shape);
    for (int64_t f = 0; f < Num(os); ++f) {
      auto idx = Unravel(f, os);
      int64_t src = 0;
      for (int i = 0; i < rank; ++i) src += (idx[i] % shape[i]) * st[i];
      ASSERT_EQ(got.data<float>()[f], v.data<float>()[src]);
    }
  }
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, -1}), "x");
  EXPECT_EQ(ops::tile(s, x, {3, 2}).shape(), PartialShape({6, -1}));
  Output m = ops::placeholder(s, DataType::kInt32, PartialShape({2}), "m");
  Output t = ops::tile(s, x, m);
  EXPECT_EQ(t.shape(), PartialShape({-1, -1}));
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "u");
  EXPECT_EQ(ops::tile(s, u, m).shape(), PartialShape({-1, -1}));
  Session sess(g);
  EXPECT_EQ(RunError(sess, t, {{x, Tensor(DataType::kFloat, {2, 2})}, {m, Tensor::vector<int32_t>({1, -1})}}),
            "Expected multiples[1] >= 0, but got -1");
}

// ---------------- StridedSlice ----------------

// numpy indexing on shapes, independent of TF's mask encoding.
struct RefSlice {
  Shape out_shape;
  std::vector<std::vector<int64_t>> per_dim;  // chosen input indices per input dim
  std::vector<int> kind;                      // per output dim: input dim or -1 (new axis)
};

bool Reference(const std::vector<ops::SliceItem>& spec, const Shape& shape, RefSlice* r) {
  using K = ops::SliceItem;
  std::vector<ops::SliceItem> items = spec;
  int consuming = 0;
  bool has_ellipsis = false;
  for (auto& it : items) {
    if (it.kind == K::kEllipsis) has_ellipsis = true;
    if (it.kind == K::kIndex || it.kind == K::kSlice) ++consuming;
  }
  if (!has_ellipsis) items.push_back(K::ellipsis());
  const int rank = static_cast<int>(shape.size());
  if (consuming > rank) return false;
  int dim = 0;
  r->per_dim.assign(rank, {});
  r->out_shape.clear();
  r->kind.clear();
  bool seen_ellipsis = false;
  for (auto& it : items) {
    if (it.kind == K::kNewAxis) {
      r->out_shape.push_back(1);
      r->kind.push_back(-1);
    } else if (it.kind == K::kEllipsis) {
      if (seen_ellipsis) {
        continue;
      }
      seen_ellipsis = true;
      const int cover = rank - consuming;
      for (int k = 0; k < cover; ++k, ++dim) {
        for (int64_t i = 0; i < shape[dim]; ++i) r->per_dim[dim].push_back(i);
        r->out_shape.push_back(shape[dim]);
        r->kind.push_back(dim);
      }
    } else if (it.kind == K::kIndex) {
      int64_t i = *it.begin;
      if (i < 0) i += shape[dim];
      if (i < 0 || i >= shape[dim]) return false;
      r->per_dim[dim].push_back(i);
      ++dim;
    } else {
      const int64_t n = shape[dim];
      const int64_t step = it.step.value_or(1);
      int64_t start, stop;
      if (step > 0) {
        start = it.begin ? *it.begin : 0;
        stop = it.end ? *it.end : n;
        if (start < 0) start += n;
        if (stop < 0) stop += n;
        start = std::clamp<int64_t>(start, 0, n);
        stop = std::clamp<int64_t>(stop, 0, n);
        for (int64_t i = start; i < stop; i += step) r->per_dim[dim].push_back(i);
      } else {
        start = it.begin ? *it.begin : n - 1;
        if (it.begin && start < 0) start += n;
        stop = -1;
        if (it.end) {
          stop = *it.end;
          if (stop < 0) stop += n;
        }
        start = std::clamp<int64_t>(start, -1, n - 1);
        stop = std::clamp<int64_t>(stop, -1, n - 1);
        for (int64_t i = start; i > stop; i += step) r->per_dim[dim].push_back(i);
      }
      r->out_shape.push_back(static_cast<int64_t>(r->per_dim[dim].size()));
      r->kind.push_back(dim);
      ++dim;
    }
  }
  return true;
}

TEST(ArrayStridedSlice, FromSpecMatchesNumpy) {
  std::mt19937 rng(13);
  using K = ops::SliceItem;
  int checked = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const int rank = trial % 5;
    Shape shape = RandomShape(rng, rank, 5, trial % 9 == 0);
    std::vector<K> spec;
    const int n_items = rng() % 5;
    bool ellipsis = false;
    auto rnd = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
    for (int i = 0; i < n_items; ++i) {
      const int k = rng() % 6;
      if (k == 0) {
        spec.push_back(K::index(rnd(-6, 5)));
      } else if (k == 1 && !ellipsis) {
        spec.push_back(K::ellipsis());
        ellipsis = true;
      } else if (k == 2) {
        spec.push_back(K::newaxis());
      } else {
        std::optional<int64_t> b, e, st;
        if (rng() % 2) b = rnd(-7, 7);
        if (rng() % 2) e = rnd(-7, 7);
        if (rng() % 2) st = rng() % 2 ? rnd(1, 3) : rnd(-3, -1);
        spec.push_back(K::slice(b, e, st));
      }
    }
    RefSlice ref;
    if (!Reference(spec, shape, &ref)) continue;
    Graph g;
    Scope s = Scope::root(g);
    Tensor v = RandomFloat(shape, rng);
    Output x = ops::placeholder(s, DataType::kFloat, PartialShape(shape), "x");
    Output y = ops::strided_slice_from_spec(s, x, spec);
    EXPECT_EQ(y.shape(), PartialShape(ref.out_shape)) << "trial " << trial;
    Session sess(g);
    Tensor got = sess.run({{x, v}}, {y})[0];
    ASSERT_EQ(got.shape(), ref.out_shape) << "trial " << trial;
    // Reference values: walk output indices, mapping to input indices.
    auto st = Strides(shape);
    for (int64_t f = 0; f < got.num_elements(); ++f) {
      auto oidx = Unravel(f, ref.out_shape);
      int64_t src = 0;
      std::vector<int64_t> in_idx(rank, -1);
      for (size_t k = 0; k < oidx.size(); ++k)
        if (ref.kind[k] >= 0) in_idx[ref.kind[k]] = ref.per_dim[ref.kind[k]][oidx[k]];
      for (int d = 0; d < rank; ++d) {
        if (in_idx[d] < 0) in_idx[d] = ref.per_dim[d][0];  // shrunk dims
        src += in_idx[d] * st[d];
      }
      ASSERT_EQ(got.data<float>()[f], v.data<float>()[src]) << "trial " << trial;
    }
    ++checked;
  }
  EXPECT_GT(checked, 200);
}

TEST(ArrayStridedSlice, GraphAsTf) {
  Graph g;
  Scope s = Scope::root(g);
  using K = ops::SliceItem;
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({4, 5, 6}), "x");
  Output y = ops::strided_slice_from_spec(s, x, {K::slice(std::nullopt, std::nullopt), K::slice(1, 3)});
  EXPECT_EQ(y.op().name(), "strided_slice");
  EXPECT_EQ(y.op().type(), "StridedSlice");
  EXPECT_EQ(y.op().input(1).op().name(), "strided_slice/stack");
  EXPECT_EQ(y.op().input(2).op().name(), "strided_slice/stack_1");
  EXPECT_EQ(y.op().input(3).op().name(), "strided_slice/stack_2");
  EXPECT_EQ(std::get<int64_t>(*y.op().attr("begin_mask")), 1);
  EXPECT_EQ(std::get<int64_t>(*y.op().attr("end_mask")), 1);
  EXPECT_EQ(std::get<DataType>(*y.op().attr("Index")), DataType::kInt32);
  EXPECT_EQ(y.shape(), PartialShape({4, 2, 6}));
  Output z = ops::strided_slice_from_spec(s, x, {K::index(0)});
  EXPECT_EQ(z.op().name(), "strided_slice_1");
  EXPECT_EQ(std::get<int64_t>(*z.op().attr("shrink_axis_mask")), 1);
  EXPECT_EQ(z.shape(), PartialShape({5, 6}));
  Output w = ops::strided_slice_from_spec(s, x, {K::ellipsis(), K::newaxis()});
  EXPECT_EQ(std::get<int64_t>(*w.op().attr("ellipsis_mask")), 1);
  EXPECT_EQ(std::get<int64_t>(*w.op().attr("new_axis_mask")), 2);
  EXPECT_EQ(w.shape(), PartialShape({4, 5, 6, 1}));
  Output r = ops::strided_slice_from_spec(s, x, {K::slice(std::nullopt, std::nullopt, -1)});
  EXPECT_EQ(r.shape(), PartialShape({4, 5, 6}));
  Output e = ops::strided_slice_from_spec(s, x, {});
  EXPECT_EQ(e.op().input(1).op().name(), "strided_slice_4/Const");
  EXPECT_EQ(e.shape(), PartialShape({4, 5, 6}));
  // Unknown dims and ranks.
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 5}), "u");
  EXPECT_EQ(ops::strided_slice_from_spec(s, u, {K::slice(1, 3), K::index(-1)}).shape(),
            PartialShape({-1}));
  EXPECT_EQ(ops::strided_slice_from_spec(s, u, {K::index(0)}).shape(), PartialShape({5}));
  Output un = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "un");
  EXPECT_EQ(ops::strided_slice_from_spec(s, un, {K::index(0)}).shape(), PartialShape::unknown());
  // Non-constant begin: only masked dims known.
  Output b = ops::placeholder(s, DataType::kInt32, PartialShape({2}), "b");
  Output ss = ops::strided_slice(s, x, b, b, {1, 1}, {0, 0, 0, 0, 1});
  EXPECT_EQ(ss.op().name(), "StridedSlice");
  EXPECT_EQ(ss.shape(), PartialShape({-1, 6}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "slice index 4 of dimension 0 out of bounds. for 'strided_slice_8' (op: "
                  "'StridedSlice') with input shapes: [4,5,6], [1], [1], [1].",
                  ops::strided_slice_from_spec(s, x, {K::index(4)}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "strides[0] must be non-zero for 'strided_slice_9' (op: 'StridedSlice') with "
                  "input shapes: [4,5,6], [1], [1], [1].",
                  ops::strided_slice_from_spec(s, x, {K::slice(std::nullopt, std::nullopt, 0)}));
  Session sess(g);
  Output xs = ops::strided_slice(s, un, {0}, {1}, {1}, {0, 0, 0, 0, 1});
  EXPECT_EQ(RunError(sess, xs, {{un, Tensor(DataType::kFloat, {0, 2})}}),
            "slice index 0 of dimension 0 out of bounds.");
  Output xi = ops::strided_slice_from_spec(s, un, {K::index(0), K::index(0)});
  EXPECT_EQ(RunError(sess, xi, {{un, Tensor(DataType::kFloat, {2})}}),
            "Index out of range using input dim 1; input has only 1 dims");
  // Identity slices forward the buffer.
  Tensor v = Iota(DataType::kFloat, {4, 5, 6});
  Tensor fwd = sess.run({{x, v}}, {e})[0];
  EXPECT_EQ(fwd.raw(), v.raw());
}

// ---------------- GatherV2 ----------------

TEST(ArrayGather, KernelMatchesReference) {
  std::mt19937 rng(17);
  for (int trial = 0; trial < 40; ++trial) {
    Graph g;
    Scope s = Scope::root(g);
    const int rank = 1 + trial % 4;
    Shape shape = RandomShape(rng, rank, 4);
    const int64_t axis = static_cast<int64_t>(rng() % rank);
    const int irank = trial % 3;
    Shape ishape = RandomShape(rng, irank, 3, trial % 5 == 0);
    Tensor idx(trial % 2 ? DataType::kInt64 : DataType::kInt32, ishape);
    for (int64_t i = 0; i < idx.num_elements(); ++i) {
      const int64_t v = rng() % shape[axis];
      if (trial % 2)
        idx.data<int64_t>()[i] = v;
      else
        idx.data<int32_t>()[i] = static_cast<int32_t>(v);
    }
    Tensor p = RandomFloat(shape, rng);
    Output pp = ops::placeholder(s, DataType::kFloat, PartialShape(shape));
    Output y = ops::gather(s, pp, ops::constant(s, idx), trial % 3 == 0 ? axis - rank : axis);
    EXPECT_EQ(y.op().name(), "GatherV2");
    Session sess(g);
    Tensor got = sess.run({{pp, p}}, {y})[0];
    Shape os(shape.begin(), shape.begin() + axis);
    os.insert(os.end(), ishape.begin(), ishape.end());
    os.insert(os.end(), shape.begin() + axis + 1, shape.end());
    ASSERT_EQ(got.shape(), os);
    EXPECT_EQ(y.shape(), PartialShape(os));
    auto st = Strides(shape);
    for (int64_t f = 0; f < Num(os); ++f) {
      auto o = Unravel(f, os);
      std::vector<int64_t> ii(o.begin() + axis, o.begin() + axis + irank);
      int64_t iflat = 0;
      auto ist = Strides(ishape);
      for (int k = 0; k < irank; ++k) iflat += ii[k] * ist[k];
      std::vector<int64_t> pin(o.begin(), o.begin() + axis);
      pin.push_back(static_cast<int64_t>(idx.as_double(iflat)));
      pin.insert(pin.end(), o.begin() + axis + irank, o.end());
      int64_t src = 0;
      for (int k = 0; k < rank; ++k) src += pin[k] * st[k];
      ASSERT_EQ(got.data<float>()[f], p.data<float>()[src]);
    }
  }
}

TEST(ArrayGather, ShapesAndErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output p = ops::placeholder(s, DataType::kFloat, PartialShape({3, -1}), "p");
  Output i = ops::placeholder(s, DataType::kInt32, PartialShape({-1}), "i");
  Output y = ops::gather(s, p, i);
  EXPECT_EQ(y.shape(), PartialShape({-1, -1}));
  EXPECT_EQ(y.op().input(2).op().name(), "GatherV2/axis");
  EXPECT_EQ(ops::gather(s, p, i, 1).shape(), PartialShape({3, -1}));
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "u");
  EXPECT_EQ(ops::gather(s, u, i).shape(), PartialShape::unknown());
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape must be at least rank 3 but is rank 2 for 'GatherV2_3' (op: 'GatherV2') "
                  "with input shapes: [3,?], [?], [].",
                  ops::gather(s, p, i, 2));
  Session sess(g);
  EXPECT_EQ(RunError(sess, y, {{p, Tensor(DataType::kFloat, {3, 2})},
                               {i, Tensor::vector<int32_t>({0, 5})}}),
            "indices[1] = 5 is not in [0, 3)");
  Output i2 = ops::placeholder(s, DataType::kInt32, PartialShape::unknown(), "i2");
  Output y2 = ops::gather(s, p, i2);
  Tensor bad(DataType::kInt32, {2, 2});
  bad.data<int32_t>()[3] = -1;
  EXPECT_EQ(RunError(sess, y2, {{p, Tensor(DataType::kFloat, {3, 2})}, {i2, bad}}),
            "indices[1,1] = -1 is not in [0, 3)");
}

// ---------------- OneHot ----------------

TEST(ArrayOneHot, BuilderShapesAndValues) {
  Graph g;
  Scope s = Scope::root(g);
  Output idx = ops::placeholder(s, DataType::kInt32, PartialShape({-1, 2}), "idx");
  Output y = ops::one_hot(s, idx, 4);
  EXPECT_EQ(y.op().name(), "one_hot");
  EXPECT_EQ(y.op().type(), "OneHot");
  EXPECT_EQ(y.op().input(1).op().name(), "one_hot/depth");
  EXPECT_EQ(y.op().input(2).op().name(), "one_hot/on_value");
  EXPECT_EQ(y.op().input(3).op().name(), "one_hot/off_value");
  EXPECT_EQ(base_dtype(y.dtype()), DataType::kFloat);
  EXPECT_EQ(y.shape(), PartialShape({-1, 2, 4}));
  Output y0 = ops::one_hot(s, idx, 4, Input(Tensor::scalar<int32_t>(5)),
                           Input(Tensor::scalar<int32_t>(-1)), 0);
  EXPECT_EQ(base_dtype(y0.dtype()), DataType::kInt32);
  EXPECT_EQ(y0.shape(), PartialShape({4, -1, 2}));
  Output y1 = ops::one_hot(s, idx, 3, std::nullopt, std::nullopt, 1, DataType::kDouble);
  EXPECT_EQ(y1.shape(), PartialShape({-1, 3, 2}));
  Session sess(g);
  Tensor iv = Tensor::vector<int32_t>({0, 3, -1, 2, 7, 1}).reshaped(std::vector<int64_t>{3, 2});
  auto out = sess.run({{idx, iv}}, {y, y0, y1});
  // Reference.
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 2; ++b)
      for (int d = 0; d < 4; ++d) {
        const int v = iv.data<int32_t>()[a * 2 + b];
        EXPECT_EQ(out[0].data<float>()[(a * 2 + b) * 4 + d], v == d ? 1.f : 0.f);
        EXPECT_EQ(out[1].data<int32_t>()[(d * 3 + a) * 2 + b], v == d ? 5 : -1);
        if (d < 3) {
          EXPECT_EQ(out[2].data<double>()[(a * 3 + d) * 2 + b], v == d ? 1.0 : 0.0);
        }
      }
}

// ---------------- Range ----------------

TEST(ArrayRange, ShapesValuesAndErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output r = ops::range(s, 0, 10, 3);
  EXPECT_EQ(r.op().name(), "range");
  EXPECT_EQ(r.op().input(0).op().name(), "range/start");
  EXPECT_EQ(r.shape(), PartialShape({4}));
  Output rf = ops::range(s, 1.0f, 0.0f, -0.25f);
  EXPECT_EQ(rf.shape(), PartialShape({4}));
  EXPECT_EQ(ops::range(s, 5).shape(), PartialShape({5}));
  Output mixed = ops::range(s, 0, 2.5f);
  EXPECT_EQ(base_dtype(mixed.dtype()), DataType::kFloat);
  EXPECT_EQ(mixed.op().input(0).op().type(), "Cast");
  Output lim = ops::placeholder(s, DataType::kInt32, PartialShape({}), "lim");
  Output ru = ops::range(s, 0, lim);
  EXPECT_EQ(ru.shape(), PartialShape({-1}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Requires start <= limit when delta > 0: 5/1 for 'range_5' (op: 'Range') with "
                  "input shapes: [], [], [].",
                  ops::range(s, 5, 1));
  Session sess(g);
  auto out = sess.run({{lim, Tensor::scalar<int32_t>(7)}}, {r, rf, ru});
  std::vector<int32_t> want = {0, 3, 6, 9};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[0].data<int32_t>()[i], want[i]);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[1].data<float>()[i], 1.0f - 0.25f * i);
  EXPECT_EQ(out[2].shape(), (Shape{7}));
  EXPECT_EQ(RunError(sess, ru, {{lim, Tensor::scalar<int32_t>(-3)}}),
            "Requires start <= limit when delta > 0: 0/-3");
  Output d = ops::placeholder(s, DataType::kInt32, PartialShape({}), "d");
  EXPECT_EQ(RunError(sess, ops::range(s, 0, 3, d), {{d, Tensor::scalar<int32_t>(0)}}),
            "Requires delta != 0: 0");
}

// ---------------- BroadcastGradientArgs ----------------

TEST(ArrayBroadcastGradientArgs, Reductions) {
  Graph g;
  Scope s = Scope::root(g);
  Output a = ops::placeholder(s, DataType::kInt32, PartialShape({-1}), "a");
  Output b = ops::placeholder(s, DataType::kInt32, PartialShape({-1}), "b");
  auto [r0, r1] = ops::broadcast_gradient_args(s, a, b);
  EXPECT_EQ(r0.op().name(), "BroadcastGradientArgs");
  EXPECT_EQ(r0.shape(), PartialShape({-1}));
  Session sess(g);
  auto run = [&](std::vector<int32_t> x, std::vector<int32_t> y) {
    auto out = sess.run({{a, Tensor::vector(x)}, {b, Tensor::vector(y)}}, {r0, r1});
    std::vector<int32_t> o0(out[0].data<int32_t>(), out[0].data<int32_t>() + out[0].num_elements());
    std::vector<int32_t> o1(out[1].data<int32_t>(), out[1].data<int32_t>() + out[1].num_elements());
    return std::make_pair(o0, o1);
  };
  EXPECT_EQ(run({2, 3}, {3}), std::make_pair(std::vector<int32_t>{}, std::vector<int32_t>{0}));
  EXPECT_EQ(run({2, 1}, {1, 3}), std::make_pair(std::vector<int32_t>{1}, std::vector<int32_t>{0}));
  EXPECT_EQ(run({1, 1}, {1, 1}), std::make_pair(std::vector<int32_t>{}, std::vector<int32_t>{}));
  EXPECT_EQ(run({1, 4, 1}, {5, 1, 1}),
            std::make_pair(std::vector<int32_t>{0, 2}, std::vector<int32_t>{1, 2}));
  EXPECT_EQ(run({}, {2, 2}), std::make_pair(std::vector<int32_t>{0, 1}, std::vector<int32_t>{}));
  EXPECT_EQ(RunError(sess, r0, {{a, Tensor::vector<int32_t>({2, 3})}, {b, Tensor::vector<int32_t>({4})}}),
            "Incompatible shapes: [2,3] vs. [4]");
}

}  // namespace
}  // namespace scopeflow
