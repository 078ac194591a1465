// Random kernels: Philox4x32-10, TF's seeding and stream advance, distribution moments, and
// TF's get_seed with graph-level seeds.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "scopeflow/ops/random_ops.h"
#include "scopeflow/scopeflow.h"
#include "../sf_testing.h"

namespace scopeflow::runtime::internal {
std::array<uint32_t, 4> philox4x32_10(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key);
}

namespace scopeflow {
namespace {

using runtime::Session;

Output raw(const Scope& s, std::string_view type, std::vector<int32_t> shape, DataType dtype,
           int64_t seed, int64_t seed2) {
  const Output sh = ops::constant(s, Tensor::vector(shape), "shape");
  const Output ins[] = {sh};
  const Attr attrs[] = {
      {"seed", seed}, {"seed2", seed2}, {"dtype", dtype}, {"T", DataType::kInt32}};
  return ops::create(s, type, type, ins, attrs).output(0);
}

template <typename T>
std::vector<T> values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

TEST(RandomTest, PhiloxKnownAnswers) {
  using runtime::internal::philox4x32_10;
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (std::array<uint32_t, 4>{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                          {0xffffffff, 0xffffffff}),
            (std::array<uint32_t, 4>{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                          {0xa4093822, 0x299f31d0}),
            (std::array<uint32_t, 4>{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(RandomTest, ShapesAndTypes) {
  Graph g;
  Scope s = Scope::root(g);
  Output u = raw(s, "RandomUniform", {2, 3}, DataType::kFloat, 1, 2);
  EXPECT_EQ(u.shape(), PartialShape({2, 3}));
  EXPECT_EQ(u.dtype(), DataType::kFloat);
  Output n = raw(s, "RandomStandardNormal", {4}, DataType::kDouble, 1, 2);
  EXPECT_EQ(n.dtype(), DataType::kDouble);
  Output sh = ops::placeholder(s, DataType::kInt32, PartialShape({3}), "sh");
  const Output ins[] = {sh};
  const Attr attrs[] = {{"seed", int64_t{0}}, {"seed2", int64_t{0}}, {"dtype", DataType::kFloat},
                        {"T", DataType::kInt32}};
  EXPECT_EQ(ops::create(s, "TruncatedNormal", "tn", ins, attrs).output(0).shape(),
            PartialShape({-1, -1, -1}));
  Session sess(g);
  Tensor t = sess.run({{sh, Tensor::vector<int32_t>({2, 0, 5})}},
                      {ops::create(s, "TruncatedNormal", "tn2", ins, attrs).output(0)})[0];
  EXPECT_EQ(t.shape(), (std::vector<int64_t>{2, 0, 5}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Dimension -1 must be >= 0\n\t [[{{node tn3}}]]",
                  sess.run({{sh, Tensor::vector<int32_t>({2, -1, 5})}},
                           {ops::create(s, "TruncatedNormal", "tn3", ins, attrs).output(0)}));
}

TEST(RandomTest, SeededOpsAreDeterministicAndAdvance) {
  for (const char* type : {"RandomUniform", "RandomStandardNormal", "TruncatedNormal"}) {
    for (DataType dt : {DataType::kFloat, DataType::kDouble}) {
      Graph g;
      Scope s = Scope::root(g);
      Output r = raw(s, type, {7}, dt, 87654321, 5);
      Session a(g), b(g);
      Tensor a1 = a.run(r), a2 = a.run(r), b1 = b.run(r), b2 = b.run(r);
      if (dt == DataType::kFloat) {
        EXPECT_EQ(values<float>(a1), values<float>(b1)) << type;
        EXPECT_EQ(values<float>(a2), values<float>(b2)) << type;
        EXPECT_NE(values<float>(a1), values<float>(a2)) << type;
      } else {
        EXPECT_EQ(values<double>(a1), values<double>(b1)) << type;
        EXPECT_NE(values<double>(a1), values<double>(a2)) << type;
      }
      // Another seed pair gives other values.
      Output r2 = raw(s, type, {7}, dt, 87654321, 6);
      Session c(g);
      if (dt == DataType::kFloat) {
        EXPECT_NE(values<float>(c.run(r2)), values<float>(a1)) << type;
      }
    }
  }
}

TEST(RandomTest, UnseededOpsDifferAcrossSessions) {
  Graph g;
  Scope s = Scope::root(g);
  Output r = raw(s, "RandomUniform", {16}, DataType::kFloat, 0, 0);
  Session a(g), b(g);
  EXPECT_NE(values<float>(a.run(r)), values<float>(b.run(r)));
}

TEST(RandomTest, UniformValuesFollowTheStream) {
  // The first block of Philox(seed, seed2) gives the first four uniforms: 23 mantissa bits.
  Graph g;
  Scope s = Scope::root(g);
  Output r = raw(s, "RandomUniform", {5}, DataType::kFloat, 0, 0x12345678);
  Session sess(g);
  std::vector<float> v = values<float>(sess.run(r));
  const auto block = runtime::internal::philox4x32_10({0, 0, 0x12345678, 0}, {0, 0});
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(v[i], static_cast<float>(block[i] & 0x7fffff) / 8388608.0f) << i;
  const auto next = runtime::internal::philox4x32_10({1, 0, 0x12345678, 0}, {0, 0});
  EXPECT_EQ(v[4], static_cast<float>(next[0] & 0x7fffff) / 8388608.0f);
  // The next step starts 5 * 256 blocks later.
  std::vector<float> w = values<float>(sess.run(r));
  const auto later = runtime::internal::philox4x32_10({5 * 256, 0, 0x12345678, 0}, {0, 0});
  EXPECT_EQ(w[0], static_cast<float>(later[0] & 0x7fffff) / 8388608.0f);
}

TEST(RandomTest, Moments) {
  Graph g;
  Scope s = Scope::root(g);
  const int n = 100000;
  Output u = raw(s, "RandomUniform", {n}, DataType::kFloat, 1, 2);
  Output nf = raw(s, "RandomStandardNormal", {n}, DataType::kFloat, 3, 4);
  Output nd = raw(s, "RandomStandardNormal", {n}, DataType::kDouble, 3, 4);
  Output tf = raw(s, "TruncatedNormal", {n}, DataType::kFloat, 5, 6);
  Output td = raw(s, "TruncatedNormal", {n}, DataType::kDouble, 5, 6);
  Session sess(g);
  auto out = sess.run({}, {u, nf, nd, tf, td});
  auto moments = [](const std::vector<double>& v) {
    double m = 0, sq = 0;
    for (double x : v) m += x;
    m /= v.size();
    for (double x : v) sq += (x - m) * (x - m);
    return std::pair<double, double>{m, std::sqrt(sq / v.size())};
  };
  auto as_double = [](const Tensor& t) {
    std::vector<double> v(t.num_elements());
    for (int64_t i = 0; i < t.num_elements(); ++i) v[i] = t.as_double(i);
    return v;
  };
  std::vector<double> uv = as_double(out[0]);
  for (double x : uv) ASSERT_TRUE(x >= 0.0 && x < 1.0);
  auto [um, us] = moments(uv);
  EXPECT_NEAR(um, 0.5, 0.01);
  EXPECT_NEAR(us, std::sqrt(1.0 / 12), 0.01);
  for (int k : {1, 2}) {
    auto [m, sd] = moments(as_double(out[k]));
    EXPECT_NEAR(m, 0.0, 0.02);
    EXPECT_NEAR(sd, 1.0, 0.02);
  }
  for (int k : {3, 4}) {
    std::vector<double> v = as_double(out[k]);
    for (double x : v) ASSERT_LT(std::abs(x), 2.0);
    auto [m, sd] = moments(v);
    EXPECT_NEAR(m, 0.0, 0.02);
    EXPECT_NEAR(sd, 0.8796, 0.02);  // stddev of a standard normal truncated at +-2
  }
}

TEST(RandomTest, UniformInt) {
  Graph g;
  Scope s = Scope::root(g);
  const Output sh = ops::constant(s, Tensor::vector<int32_t>({1000}), "shape");
  const Output lo = ops::constant(s, Tensor::scalar<int32_t>(-3), "lo");
  const Output hi = ops::constant(s, Tensor::scalar<int32_t>(4), "hi");
  const Output ins[] = {sh, lo, hi};
  const Attr attrs[] = {{"seed", int64_t{1}}, {"seed2", int64_t{2}}, {"Tout", DataType::kInt32},
                        {"T", DataType::kInt32}};
  Output r = ops::create(s, "RandomUniformInt", "RandomUniformInt", ins, attrs).output(0);
  EXPECT_EQ(r.shape(), PartialShape({1000}));
  Session sess(g);
  std::vector<int32_t> v = values<int32_t>(sess.run(r));
  int seen[7] = {};
  for (int32_t x : v) {
    ASSERT_GE(x, -3);
    ASSERT_LT(x, 4);
    ++seen[x + 3];
  }
  for (int c : seen) EXPECT_GT(c, 100);
  const Output ins2[] = {sh, hi, lo};
  Output bad = ops::create(s, "RandomUniformInt", "bad", ins2, attrs).output(0);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "Need minval < maxval, got 4 >= -3\n\t [[{{node bad}}]]",
                  sess.run(bad));
}

TEST(RandomTest, GetSeed) {
  Graph g;
  EXPECT_EQ(ops::get_seed(g, std::nullopt), (std::pair<int64_t, int64_t>{0, 0}));
  EXPECT_EQ(ops::get_seed(g, 5), (std::pair<int64_t, int64_t>{87654321, 5}));
  EXPECT_EQ(ops::get_seed(g, -1), (std::pair<int64_t, int64_t>{87654321, 2147483646}));
  EXPECT_EQ(g.seed(), std::nullopt);
  g.set_seed(42);
  EXPECT_EQ(g.seed(), 42);
  EXPECT_EQ(ops::get_seed(g, 7), (std::pair<int64_t, int64_t>{42, 7}));
  EXPECT_EQ(ops::get_seed(g, std::nullopt), (std::pair<int64_t, int64_t>{42, 0}));
  Scope s = Scope::root(g);
  ops::constant(s, Tensor::scalar(1.0f));
  ops::constant(s, Tensor::scalar(2.0f));
  EXPECT_EQ(ops::get_seed(g, std::nullopt), (std::pair<int64_t, int64_t>{42, 2}));
  g.set_seed(0);
  EXPECT_EQ(ops::get_seed(g, 0), (std::pair<int64_t, int64_t>{0, 2147483647}));
  EXPECT_EQ(ops::get_seed(g, 2147483647), (std::pair<int64_t, int64_t>{0, 2147483647}));
  g.set_seed(std::nullopt);
  EXPECT_EQ(ops::get_seed(g, std::nullopt), (std::pair<int64_t, int64_t>{0, 0}));
}

}  // namespace
}  // namespace scopeflow
