// DynamicStitch, ListDiff, SplitV, Cumsum and Cumprod: builders (names, attrs), shape
// functions (known, unknown and folded inputs) and kernels against naive loops, with TF 1.15's
// error texts; plus ops::constant_value over the graphs the gradients build.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "../sf_testing.h"
#include "scopeflow/ops/array_ops.h"
#include "scopeflow/ops/math_ops.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using runtime::OpError;
using runtime::Session;
using testing::ThrowsError;
using Shape = std::vector<int64_t>;

std::string RunError(Session& sess, const Output& out,
                     std::initializer_list<Session::Feed> feeds = {}) {
  try {
    sess.run(feeds, {out});
  } catch (const OpError& e) {
    return e.detail();
  }
  return "<no error>";
}

Tensor Ints(const Shape& s, const std::vector<int32_t>& v) {
  Tensor t(DataType::kInt32, s);
  for (size_t i = 0; i < v.size(); ++i) t.data<int32_t>()[i] = v[i];
  return t;
}

std::vector<double> Values(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.num_elements()));
  for (int64_t i = 0; i < t.num_elements(); ++i) v[i] = t.as_double(i);
  return v;
}

// ---------------- DynamicStitch ----------------

TEST(DynamicStitch, BuilderNamesAndAttrs) {
  Graph g;
  Scope s = Scope::root(g);
  Output d = ops::placeholder(s, DataType::kFloat, PartialShape({2, 3}), "d");
  Output st = ops::dynamic_stitch(s, {Tensor::vector<int32_t>({0, 2}), Tensor::vector<int32_t>({1})},
                                  {d, Tensor::vector<float>({1.f, 2.f, 3.f}).reshaped(Shape{1, 3})});
  EXPECT_EQ(st.op().name(), "DynamicStitch");
  EXPECT_EQ(st.op().type(), "DynamicStitch");
  EXPECT_EQ(st.op().input(0).op().name(), "DynamicStitch/indices_0");
  EXPECT_EQ(st.op().input(1).op().name(), "DynamicStitch/indices_1");
  EXPECT_EQ(st.op().input(2).op().name(), "d");
  EXPECT_EQ(st.op().input(3).op().name(), "DynamicStitch/data_1");
  EXPECT_EQ(std::get<int64_t>(*st.op().attr("N")), 2);
  EXPECT_EQ(std::get<DataType>(*st.op().attr("T")), DataType::kFloat);
  EXPECT_EQ(st.shape(), PartialShape({3, 3}));
  EXPECT_TRUE(ThrowsError([&] { ops::dynamic_stitch(s, {d}, {d, d}); }, Code::kInvalidArgument,
                          "List argument 'data' to 'DynamicStitch' Op with length 2 must match "
                          "length 1 of argument 'indices'."));
}

TEST(DynamicStitch, ShapeFunction) {
  Graph g;
  Scope s = Scope::root(g);
  Output i0 = ops::placeholder(s, DataType::kInt32, PartialShape({-1}), "i0");
  Output d0 = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 4}), "d0");
  Output d1 = ops::placeholder(s, DataType::kFloat, PartialShape({2, -1}), "d1");
  Output c1 = ops::constant(s, Tensor::vector<int32_t>({5, 1}), "c1");
  // Indices not all known: the first dimension is unknown; the rest merges.
  EXPECT_EQ(ops::dynamic_stitch(s, {i0, c1}, {d0, d1}).shape(), PartialShape({-1, 4}));
  // All known (a Const and a Range folded as TF's refiner does): max + 1.
  Output r = ops::range(s, 0, ops::size(s, c1));
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "u");
  EXPECT_EQ(ops::dynamic_stitch(s, {r, c1}, {d1, d1}).shape(), PartialShape({6, -1}));
  // Data of unknown rank: the slice shape is unknown, so is the output.
  EXPECT_EQ(ops::dynamic_stitch(s, {r, c1}, {u, d1}).shape(), PartialShape({6, -1}));
  EXPECT_EQ(ops::dynamic_stitch(s, {r}, {u}).shape(), PartialShape::unknown());
  // Indices of unknown rank are skipped.
  Output iu = ops::placeholder(s, DataType::kInt32, PartialShape::unknown(), "iu");
  EXPECT_EQ(ops::dynamic_stitch(s, {iu}, {d0}).shape(), PartialShape::unknown());

  Output d3 = ops::placeholder(s, DataType::kFloat, PartialShape({3, 4}), "d3");
  EXPECT_TRUE(ThrowsError([&] { ops::dynamic_stitch(s, {c1}, {d3}, "bad"); },
                          Code::kInvalidArgument,
                          "Dimensions must be equal, but are 3 and 2 for 'bad' (op: "
                          "'DynamicStitch') with input shapes: [2], [3,4] and with computed "
                          "input tensors: input[0] = <5 1>."));
  Output d5 = ops::placeholder(s, DataType::kFloat, PartialShape({2, 5}), "d5");
  EXPECT_TRUE(ThrowsError([&] { ops::dynamic_stitch(s, {i0, i0}, {d0, d5}, "bad2"); },
                          Code::kInvalidArgument,
                          "Dimension 0 in both shapes must be equal, but are 4 and 5. Shapes are "
                          "[4] and [5]. for 'bad2' (op: 'DynamicStitch') with input shapes: [?], "
                          "[?], [?,4], [2,5]."));
  Output sc = ops::placeholder(s, DataType::kFloat, PartialShape(), "sc");
  EXPECT_TRUE(ThrowsError([&] { ops::dynamic_stitch(s, {i0}, {sc}, "bad3"); },
                          Code::kInvalidArgument,
                          "Shape must be at least rank 1 but is rank 0 for 'bad3' (op: "
                          "'DynamicStitch') with input shapes: [?], []."));
}

TEST(DynamicStitch, KernelMatchesNaiveLoop) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    const int64_t n = 1 + trial % 7, inner = trial % 3;  // inner 0: scalar slices
    std::vector<int32_t> perm(static_cast<size_t>(n));
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    // Two partitions plus one overlapping index (the later partition wins, as TF's loop).
    const int64_t split = n / 2;
    std::vector<int32_t> a(perm.begin(), perm.begin() + split), b(perm.begin() + split, perm.end());
    b.push_back(perm[0]);
    Shape sa = {static_cast<int64_t>(a.size())}, sb = {static_cast<int64_t>(b.size())};
    if (inner) {
      sa.push_back(inner);
      sb.push_back(inner);
    }
    std::uniform_real_distribution<double> u(-5, 5);
    Tensor da(DataType::kDouble, sa), db(DataType::kDouble, sb);
    for (int64_t i = 0; i < da.num_elements(); ++i) da.data<double>()[i] = u(rng);
    for (int64_t i = 0; i < db.num_elements(); ++i) db.data<double>()[i] = u(rng);
    Graph g;
    Scope s = Scope::root(g);
    Output pa = ops::placeholder(s, DataType::kInt32, PartialShape({-1}));
    Output pb = ops::placeholder(s, DataType::kInt32, PartialShape({-1}));
    Output qa = ops::placeholder(s, DataType::kDouble);
    Output qb = ops::placeholder(s, DataType::kDouble);
    Output st = ops::dynamic_stitch(s, {pa, pb}, {qa, qb});
    Session sess(g);
    Tensor got = sess.run({{pa, Tensor::vector(a)}, {pb, Tensor::vector(b)}, {qa, da}, {qb, db}},
                          {st})[0];
    const int64_t w = std::max<int64_t>(inner, 1);
    Shape want_shape = {n};
    if (inner) want_shape.push_back(inner);
    ASSERT_EQ(got.shape(), want_shape);
    std::vector<double> want(static_cast<size_t>(n * w), 0.0);
    for (size_t i = 0; i < a.size(); ++i)
      for (int64_t k = 0; k < w; ++k) want[a[i] * w + k] = da.data<double>()[i * w + k];
    for (size_t i = 0; i < b.size(); ++i)
      for (int64_t k = 0; k < w; ++k) want[b[i] * w + k] = db.data<double>()[i * w + k];
    EXPECT_EQ(Values(got), want) << "trial " << trial;
  }
}

TEST(DynamicStitch, KernelErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output i0 = ops::placeholder(s, DataType::kInt32, PartialShape::unknown(), "i0");
  Output i1 = ops::placeholder(s, DataType::kInt32, PartialShape::unknown(), "i1");
  Output d0 = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "d0");
  Output d1 = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "d1");
  Output st = ops::dynamic_stitch(s, {i0, i1}, {d0, d1});
  Session sess(g);
  EXPECT_EQ(RunError(sess, st,
                     {{i0, Ints({2}, {0, 1})}, {i1, Ints({1}, {2})},
                      {d0, Tensor(DataType::kFloat, {2, 3})}, {d1, Tensor(DataType::kFloat, {3})}}),
            "data[1].shape = [3] does not start with indices[1].shape = [1]");
  EXPECT_EQ(RunError(sess, st,
                     {{i0, Ints({2}, {0, 1})}, {i1, Ints({1}, {2})},
                      {d0, Tensor(DataType::kFloat, {2, 3})},
                      {d1, Tensor(DataType::kFloat, {1, 2})}}),
            "Need data[0].shape[1:] = data[1].shape[1:], got data[0].shape = [2,3], "
            "data[1].shape = [1,2], indices[0].shape = [2], indices[1].shape = [1]");
  EXPECT_EQ(RunError(sess, st,
                     {{i0, Ints({2}, {0, -1})}, {i1, Ints({1}, {2})},
                      {d0, Tensor(DataType::kFloat, {2})}, {d1, Tensor(DataType::kFloat, {1})}}),
            "indices[1] is out of range");
}

// ---------------- ListDiff ----------------

TEST(ListDiff, BuilderShapeAndErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kInt32, PartialShape({5}), "x");
  auto [out, idx] = ops::setdiff1d(s, x, Tensor::vector<int32_t>({1, 2}));
  EXPECT_EQ(out.name(), "ListDiff:0");
  EXPECT_EQ(idx.name(), "ListDiff:1");
  EXPECT_EQ(out.op().input(1).op().name(), "ListDiff/y");
  EXPECT_EQ(out.shape(), PartialShape({-1}));
  EXPECT_EQ(idx.shape(), PartialShape({-1}));
  EXPECT_EQ(idx.dtype(), DataType::kInt32);
  EXPECT_EQ(std::get<DataType>(*out.op().attr("out_idx")), DataType::kInt32);
  auto wide = ops::setdiff1d(s, x, x, DataType::kInt64, "wide");
  EXPECT_EQ(wide.second.dtype(), DataType::kInt64);
  Output sc = ops::placeholder(s, DataType::kInt32, PartialShape(), "sc");
  EXPECT_TRUE(ThrowsError([&] { ops::setdiff1d(s, sc, x); }, Code::kInvalidArgument,
                          "Shape must be rank 1 but is rank 0 for 'ListDiff_1' (op: 'ListDiff') "
                          "with input shapes: [], [5]."));
  Output u = ops::placeholder(s, DataType::kInt32, PartialShape::unknown(), "u");
  Output bad = ops::setdiff1d(s, u, x, DataType::kInt32, "bad").first;
  Session sess(g);
  EXPECT_EQ(RunError(sess, bad, {{u, Ints({}, {3})}, {x, Ints({5}, {1, 2, 3, 4, 5})}}),
            "x should be a 1D vector.");
  Output bad_y = ops::setdiff1d(s, x, u, DataType::kInt32, "bad_y").first;
  EXPECT_EQ(RunError(sess, bad_y, {{u, Ints({1, 1}, {3})}, {x, Ints({5}, {1, 2, 3, 4, 5})}}),
            "y should be a 1D vector.");
}

TEST(ListDiff, KernelMatchesNaiveLoop) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int32_t> v(-4, 4);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<int32_t> x(static_cast<size_t>(trial % 9)), y(static_cast<size_t>(trial % 4));
    for (auto& e : x) e = v(rng);
    for (auto& e : y) e = v(rng);
    Graph g;
    Scope s = Scope::root(g);
    auto [out, idx] = ops::setdiff1d(s, Tensor::vector(x), Tensor::vector(y), DataType::kInt64);
    Session sess(g);
    auto got = sess.run({}, {out, idx});
    std::vector<double> want_out, want_idx;
    for (size_t i = 0; i < x.size(); ++i)
      if (std::find(y.begin(), y.end(), x[i]) == y.end()) {
        want_out.push_back(x[i]);
        want_idx.push_back(static_cast<double>(i));
      }
    EXPECT_EQ(Values(got[0]), want_out);
    EXPECT_EQ(Values(got[1]), want_idx);
    EXPECT_EQ(got[0].dtype(), DataType::kInt32);
    EXPECT_EQ(got[1].dtype(), DataType::kInt64);
  }
}

// ---------------- SplitV ----------------

TEST(SplitV, BuilderAndShapeFunction) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({4, 6}), "x");
  std::vector<Output> parts = ops::split_v(s, x, Tensor::vector<int32_t>({1, -1, 2}), 1);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].name(), "split:0");
  EXPECT_EQ(parts[2].name(), "split:2");
  EXPECT_EQ(parts[0].op().input(1).op().name(), "Const");
  EXPECT_EQ(parts[0].op().input(2).op().name(), "split/split_dim");
  EXPECT_EQ(std::get<int64_t>(*parts[0].op().attr("num_split")), 3);
  EXPECT_EQ(std::get<DataType>(*parts[0].op().attr("Tlen")), DataType::kInt32);
  EXPECT_EQ(parts[0].shape(), PartialShape({4, 1}));
  EXPECT_EQ(parts[1].shape(), PartialShape({4, 3}));
  EXPECT_EQ(parts[2].shape(), PartialShape({4, 2}));
  // Unknown sizes: only the split dimension is unknown; an unknown axis: rank only.
  Output sz = ops::placeholder(s, DataType::kInt32, PartialShape({2}), "sz");
  Output ax = ops::placeholder(s, DataType::kInt32, PartialShape(), "ax");
  EXPECT_EQ(ops::split_v(s, x, sz, -2)[1].shape(), PartialShape({-1, 6}));
  EXPECT_EQ(ops::split_v(s, x, sz, ax)[0].shape(), PartialShape::unknown_of_rank(2));
  Output u = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "u");
  EXPECT_EQ(ops::split_v(s, u, sz, 0)[0].shape(), PartialShape::unknown());
  // Sizes computed from constants fold.
  Output folded = ops::reshape(s, ops::constant(s, Tensor::vector<int32_t>({3, 1})), {2});
  EXPECT_EQ(ops::split_v(s, x, folded, 0)[0].shape(), PartialShape({3, 6}));

  EXPECT_TRUE(ThrowsError([&] { ops::split_v(s, x, Tensor::vector<int32_t>({2, 2}), 1, -1, "s1"); },
                          Code::kInvalidArgument,
                          "can't split axis of size 6 into pieces of size [2,2] for 's1' (op: "
                          "'SplitV') with input shapes: [4,6], [2], [] and with computed input "
                          "tensors: input[1] = <2 2>, input[2] = <1>."));
  EXPECT_TRUE(ThrowsError(
      [&] { ops::split_v(s, x, Tensor::vector<int32_t>({-1, -1}), 0, -1, "s2"); },
      Code::kInvalidArgument,
      "size_splits can only have one -1 for 's2' (op: 'SplitV') with input shapes: [4,6], [2], "
      "[] and with computed input tensors: input[1] = <-1 -1>, input[2] = <0>."));
  EXPECT_TRUE(ThrowsError(
      [&] { ops::split_v(s, x, Tensor::vector<int32_t>({2, 2}), 2, -1, "s3"); },
      Code::kInvalidArgument,
      "Dimension size, given by scalar input 2 must be in range [-2, 2) for 's3' (op: 'SplitV') "
      "with input shapes: [4,6], [2], [] and with computed input tensors: input[1] = <2 2>, "
      "input[2] = <2>."));
  EXPECT_TRUE(ThrowsError([&] { ops::split_v(s, x, Tensor::vector<int32_t>({2, 2}), 0, 3, "s4"); },
                          Code::kInvalidArgument,
                          "Length of size_splits should be equal to num_outputs for 's4' (op: "
                          "'SplitV') with input shapes: [4,6], [2], [] and with computed input "
                          "tensors: input[1] = <2 2>, input[2] = <0>."));
  Output unknown_len = ops::placeholder(s, DataType::kInt32, PartialShape({-1}), "ul");
  EXPECT_TRUE(ThrowsError([&] { ops::split_v(s, x, unknown_len, 0); }, Code::kInvalidArgument,
                          "Cannot infer num from shape (?,)"));
}

TEST(SplitV, KernelMatchesNaiveLoop) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 12; ++trial) {
    const Shape shape = {2 + trial % 3, 5, 1 + trial % 2};
    const int axis = trial % 3;
    const int64_t along = shape[axis];
    // Sizes summing to `along`, one of them given as -1 on odd trials.
    std::vector<int32_t> sizes;
    int64_t left = along;
    while (left > 0) {
      const int32_t take = static_cast<int32_t>(std::uniform_int_distribution<int64_t>(0, left)(rng));
      sizes.push_back(take);
      left -= take;
    }
    std::vector<int32_t> given = sizes;
    // (TF's kernel checks a single size before resolving -1, so only several take -1.)
    if (trial % 2 && given.size() > 1) given[0] = -1;
    Tensor x(DataType::kDouble, shape);
    for (int64_t i = 0; i < x.num_elements(); ++i) x.data<double>()[i] = static_cast<double>(i);
    Graph g;
    Scope s = Scope::root(g);
    Output px = ops::placeholder(s, DataType::kDouble);
    Output ps = ops::placeholder(s, DataType::kInt32, PartialShape({static_cast<int64_t>(given.size())}));
    std::vector<Output> parts = ops::split_v(s, px, ps, axis);
    Session sess(g);
    const Session::Feed feeds[] = {{px, x}, {ps, Tensor::vector(given)}};
    std::vector<Tensor> got = sess.run(feeds, parts);
    int64_t offset = 0;
    for (size_t p = 0; p < sizes.size(); ++p) {
      Shape want_shape = shape;
      want_shape[axis] = sizes[p];
      ASSERT_EQ(got[p].shape(), want_shape);
      std::vector<double> want;
      for (int64_t i = 0; i < shape[0]; ++i)
        for (int64_t j = 0; j < shape[1]; ++j)
          for (int64_t k = 0; k < shape[2]; ++k) {
            const int64_t at[] = {i, j, k};
            if (at[axis] < offset || at[axis] >= offset + sizes[p]) continue;
            want.push_back(static_cast<double>((i * shape[1] + j) * shape[2] + k));
          }
      EXPECT_EQ(Values(got[p]), want) << "trial " << trial << " piece " << p;
      offset += sizes[p];
    }
  }
}

TEST(SplitV, KernelErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "x");
  Output sz = ops::placeholder(s, DataType::kInt32, PartialShape::unknown(), "sz");
  Output ax = ops::placeholder(s, DataType::kInt32, PartialShape::unknown(), "ax");
  Output two = ops::split_v(s, x, sz, ax, 2)[0];
  Output one = ops::split_v(s, x, sz, ax, 1)[0];
  Session sess(g);
  const Tensor x23(DataType::kFloat, {2, 3});
  EXPECT_EQ(RunError(sess, two, {{x, x23}, {sz, Ints({2}, {1, 1})}, {ax, Ints({2}, {0, 1})}}),
            "split_dim_tensor must have exactly one element.");
  EXPECT_EQ(RunError(sess, two, {{x, x23}, {sz, Ints({3}, {1, 1, 1})}, {ax, Ints({}, {1})}}),
            "size of the split_tensor must be 1-D and have the same elements as outputs got 1 -D "
            "and 3 elements");
  EXPECT_EQ(RunError(sess, two, {{x, x23}, {sz, Ints({2}, {1, 2})}, {ax, Ints({}, {2})}}),
            "-input rank(-2) <= split_dim < input rank (2), but got 2");
  EXPECT_EQ(RunError(sess, two, {{x, x23}, {sz, Ints({2}, {-1, -1})}, {ax, Ints({}, {1})}}),
            "There can only be one -1 in the input.");
  EXPECT_EQ(RunError(sess, two, {{x, x23}, {sz, Ints({2}, {2, 2})}, {ax, Ints({}, {1})}}),
            "Determined shape must either match input shape along split_dim exactly if fully "
            "specified, or be less than the size of the input along split_dim if not fully "
            "specified.  Got: 4");
  EXPECT_EQ(RunError(sess, one, {{x, x23}, {sz, Ints({1}, {2})}, {ax, Ints({}, {-1})}}),
            "If there is only one output, it must have the same size as the input. Input size: 3 "
            "output size: 2");
  EXPECT_EQ(RunError(sess, one, {{x, x23}, {sz, Ints({1}, {3})}, {ax, Ints({}, {-1})}}),
            "<no error>");
}

// ---------------- Cumsum / Cumprod ----------------

TEST(Scan, BuilderNamesAndAttrs) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "x");
  Output c = ops::cumprod(s, x, 1, true, false);
  EXPECT_EQ(c.op().name(), "Cumprod");
  EXPECT_EQ(c.op().input(1).op().name(), "Cumprod/axis");
  EXPECT_EQ(c.shape(), PartialShape({-1, 3}));
  EXPECT_TRUE(std::get<bool>(*c.op().attr("exclusive")));
  EXPECT_FALSE(std::get<bool>(*c.op().attr("reverse")));
  EXPECT_EQ(std::get<DataType>(*c.op().attr("Tidx")), DataType::kInt32);
  Output c2 = ops::cumsum(s, Tensor::vector<float>({1.f, 2.f}), 0, false, true, "cs");
  EXPECT_EQ(c2.op().name(), "cs");
  EXPECT_EQ(c2.op().type(), "Cumsum");
  EXPECT_EQ(c2.op().input(0).op().name(), "cs/x");
  EXPECT_EQ(c2.op().input(1).op().name(), "cs/axis");
  EXPECT_TRUE(std::get<bool>(*c2.op().attr("reverse")));
}

TEST(Scan, KernelMatchesNaiveLoop) {
  const Shape shape = {2, 3, 4};
  Tensor x(DataType::kDouble, shape);
  for (int64_t i = 0; i < x.num_elements(); ++i) x.data<double>()[i] = 0.5 + 0.1 * static_cast<double>(i % 7);
  for (bool prod : {false, true})
    for (int axis = -3; axis < 3; ++axis)
      for (bool exclusive : {false, true})
        for (bool reverse : {false, true}) {
          Graph g;
          Scope s = Scope::root(g);
          Output px = ops::placeholder(s, DataType::kDouble);
          Output y = prod ? ops::cumprod(s, px, axis, exclusive, reverse)
                          : ops::cumsum(s, px, axis, exclusive, reverse);
          Tensor got = Session(g).run({{px, x}}, {y})[0];
          const int a = axis < 0 ? axis + 3 : axis;
          std::vector<double> want(static_cast<size_t>(x.num_elements()));
          for (int64_t i = 0; i < shape[0]; ++i)
            for (int64_t j = 0; j < shape[1]; ++j)
              for (int64_t k = 0; k < shape[2]; ++k) {
                const int64_t at[] = {i, j, k};
                double acc = prod ? 1 : 0;
                for (int64_t m = 0; m < shape[a]; ++m) {
                  const bool before = reverse ? m > at[a] : m < at[a];
                  if (!(before || (!exclusive && m == at[a]))) continue;
                  int64_t src[] = {i, j, k};
                  src[a] = m;
                  const double v = x.data<double>()[(src[0] * shape[1] + src[1]) * shape[2] + src[2]];
                  acc = prod ? acc * v : acc + v;
                }
                want[(i * shape[1] + j) * shape[2] + k] = acc;
              }
          const std::vector<double> g_values = Values(got);
          for (size_t q = 0; q < want.size(); ++q)
            ASSERT_NEAR(g_values[q], want[q], 1e-12)
                << (prod ? "cumprod" : "cumsum") << " axis " << axis << " ex " << exclusive
                << " rev " << reverse << " at " << q;
        }
}

TEST(Scan, IntegersAndErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output c = ops::cumsum(s, Tensor::vector<int32_t>({1, 2, 3}), 0, true);
  Output p = ops::cumprod(s, Tensor::vector<int32_t>({1, 2, 3}), -1, false, true);
  Session sess(g);
  EXPECT_EQ(Values(sess.run(c)), (std::vector<double>{0, 1, 3}));
  EXPECT_EQ(Values(sess.run(p)), (std::vector<double>{6, 6, 3}));
  Output bad_axis = ops::cumsum(s, Tensor::vector<float>({1.f, 2.f}), 1, false, false, "bad");
  EXPECT_EQ(RunError(sess, bad_axis), "ScanOp: Expected scan axis in the range [-1, 1), but got 1");
  Output vec_axis = ops::cumsum(s, Tensor::vector<float>({1.f, 2.f}), Tensor::vector<int32_t>({0}),
                                false, false, "bad2");
  EXPECT_EQ(RunError(sess, vec_axis), "ScanOp: axis must be a scalar, not [1]");
  Output b = ops::cumprod(s, Tensor::vector<bool>({true}), 0, false, false, "bad3");
  EXPECT_EQ(RunError(sess, b), "No OpKernel was registered to support Op 'Cumprod' with dtype bool");
}

// ---------------- constant_value ----------------

TEST(ConstantValue, FoldsTheReducedShapeGraph) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, 3, 5}), "x");
  Output shape = ops::shape(s, x);  // a Const
  Output axes = ops::constant(s, Tensor::vector<int32_t>({-1, 1}), "axes");
  Output rank = ops::size(s, shape);
  Output ax = ops::operator_add(s, axes, rank);  // {2, 4}
  Output r = ops::range(s, 0, ops::operator_add(s, rank, 2));
  Output filled = ops::fill(s, Tensor::vector<int32_t>({5}), 7);
  Output stitched = ops::dynamic_stitch(s, {r, ax}, {filled, ops::fill(s, ops::shape(s, ax), 1)});
  auto v = ops::constant_value(stitched);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(Values(*v), (std::vector<double>{7, 7, 1, 7, 1}));
  EXPECT_EQ(stitched.shape(), PartialShape({5}));
  // Reshape reads the folded value as its shape (TF's refiner does the same).
  Output t = ops::placeholder(s, DataType::kFloat, PartialShape::unknown(), "t");
  EXPECT_EQ(ops::reshape(s, t, stitched).shape(), PartialShape({7, 7, 1, 7, 1}));
  Output mixed = ops::dynamic_stitch(s, {r, ax}, {ops::shape(s, ops::placeholder(s, DataType::kFloat, PartialShape({-1, 2, 3, 4, 5}))), ops::fill(s, ops::shape(s, ax), 1)});
  EXPECT_FALSE(ops::constant_value(mixed).has_value());
  EXPECT_EQ(ops::reshape(s, t, mixed).shape(), PartialShape::unknown_of_rank(5));
  // A Shape of a partially known tensor does not fold.
  Output y = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "y");
  EXPECT_FALSE(ops::constant_value(ops::shape(s, y)).has_value());
  auto [diff, idx] = ops::setdiff1d(s, r, Tensor::vector<int32_t>({1, 3}));
  EXPECT_EQ(Values(*ops::constant_value(diff)), (std::vector<double>{0, 2, 4}));
  EXPECT_EQ(Values(*ops::constant_value(idx)), (std::vector<double>{0, 2, 4}));
  EXPECT_EQ(Values(*ops::constant_value(ops::invert_permutation(s, Tensor::vector<int32_t>({2, 0, 1})))),
            (std::vector<double>{1, 2, 0}));
}

}  // namespace
}  // namespace scopeflow
