// Summary ops: TF 1.15's names (summary_scope, stddev_1, Merge/MergeSummary), attrs and type
// errors; the kernels' outputs checked value by value, against the golden TensorFlow event
// file where it has them (histogram buckets and sums, PNG bytes) and by hand elsewhere.
#include "scopeflow/ops/summary_ops.h"

#include <gtest/gtest.h>
#include <png.h>

#include <Eigen/Core>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/io/events.h"
#include "scopeflow/proto/summary.pb.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

namespace fs = std::filesystem;
using runtime::OpError;
using runtime::Session;

const fs::path kGolden =
    fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "shared" /
    "golden";

// The step-0 Summary of the golden mnist_summaries/test event file (empty when absent).
tensorflow::Summary golden_summary() {
  tensorflow::Summary s;
  const fs::path dir = kGolden / "mnist_summaries" / "test";
  if (!fs::is_directory(dir)) return s;
  for (const auto& e : fs::directory_iterator(dir))
    for (const tensorflow::Event& ev : io::EventReader(e.path().string()))
      if (ev.has_summary()) s = ev.summary();
  return s;
}

const tensorflow::Summary::Value* find_tag(const tensorflow::Summary& s, const std::string& tag) {
  for (const auto& v : s.value())
    if (v.tag() == tag) return &v;
  return nullptr;
}

tensorflow::Summary run_summary(Graph& g, const Output& out) {
  Session sess(g);
  std::vector<Tensor> r = sess.run({}, {out});
  EXPECT_EQ(r[0].dtype(), DataType::kString);
  EXPECT_TRUE(r[0].shape().empty());
  tensorflow::Summary s;
  EXPECT_TRUE(s.ParseFromString(r[0].string_data()[0]));
  return s;
}

std::string const_string(const Graph& g, const std::string& name) {
  const Operation op = g.get_operation_by_name(name);
  EXPECT_EQ(op.type(), "Const");
  return std::get<Tensor>(*op.attr("value")).string_data()[0];
}

struct Png {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;
};

// libpng's simplified reader, independent of the writer's code.
Png decode_png(const std::string& bytes) {
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  Png out;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) return out;
  out.channels = PNG_IMAGE_SAMPLE_CHANNELS(image.format);
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr)) return Png();
  return out;
}

Tensor float_tensor(std::vector<int64_t> shape, const std::vector<float>& v) {
  Tensor t(DataType::kFloat, std::move(shape));
  for (size_t i = 0; i < v.size(); ++i) t.data<float>()[i] = v[i];
  return t;
}

// ---- names ----

TEST(SummaryNames, ScopesTagsAndConstantsAsTf) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::placeholder(root, DataType::kFloat, PartialShape({-1, 4}), "x");
  Scope summaries = root.name_scope("layer1").name_scope("weights").name_scope("summaries");
  Output mean = summary::scalar(summaries, "mean", x);
  // A name scope "stddev" already exists, so the summary scope is stddev_1 (as in TF's MNIST
  // example), and so is the tag.
  Scope stddev = summaries.name_scope("stddev");
  Output sd = ops::identity(stddev, x);
  Output sd_summary = summary::scalar(summaries, "stddev", sd);
  Output histo = summary::histogram(summaries, "histogram", x);
  Output img = summary::image(
      root.name_scope("input_reshape"), "input",
      ops::placeholder(root, DataType::kFloat, PartialShape({-1, 28, 28, 1}), "images"), 10);
  EXPECT_EQ(mean.name(), "layer1/weights/summaries/mean:0");
  EXPECT_EQ(mean.op().type(), "ScalarSummary");
  EXPECT_EQ(mean.dtype(), DataType::kString);
  EXPECT_EQ(mean.shape(), PartialShape(std::vector<int64_t>{}));
  EXPECT_EQ(const_string(g, "layer1/weights/summaries/mean/tags"), "layer1/weights/summaries/mean");
  EXPECT_EQ(sd_summary.op().name(), "layer1/weights/summaries/stddev_1");
  EXPECT_EQ(const_string(g, "layer1/weights/summaries/stddev_1/tags"),
            "layer1/weights/summaries/stddev_1");
  EXPECT_EQ(histo.op().name(), "layer1/weights/summaries/histogram");
  EXPECT_EQ(histo.op().type(), "HistogramSummary");
  EXPECT_EQ(const_string(g, "layer1/weights/summaries/histogram/tag"),
            "layer1/weights/summaries/histogram");
  EXPECT_EQ(img.op().name(), "input_reshape/input");
  EXPECT_EQ(const_string(g, "input_reshape/input/tag"), "input_reshape/input");
  EXPECT_EQ(std::get<int64_t>(*img.op().attr("max_images")), 10);
  EXPECT_EQ(std::get<DataType>(*img.op().attr("T")), DataType::kFloat);
  const Tensor bad = std::get<Tensor>(*img.op().attr("bad_color"));
  EXPECT_EQ(bad.dtype(), DataType::kUInt8);
  EXPECT_EQ(bad.shape(), (std::vector<int64_t>{4}));
  EXPECT_EQ(bad.data<uint8_t>()[0], 255);
  EXPECT_EQ(bad.data<uint8_t>()[3], 255);

  EXPECT_EQ(testing::CollectionNames(g, "summaries"),
            (std::vector<std::string>{
                "layer1/weights/summaries/mean:0", "layer1/weights/summaries/stddev_1:0",
                "layer1/weights/summaries/histogram:0", "input_reshape/input:0"}));
  std::optional<Output> merged = summary::merge_all(root);
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->op().name(), "Merge/MergeSummary");
  EXPECT_EQ(merged->op().type(), "MergeSummary");
  EXPECT_EQ(std::get<int64_t>(*merged->op().attr("N")), 4);
  ASSERT_EQ(merged->op().num_inputs(), 4);
  EXPECT_EQ(merged->op().input(1).name(), "layer1/weights/summaries/stddev_1:0");
  // merge adds to no collection by default.
  EXPECT_EQ(testing::CollectionNames(g, "summaries").size(), 4u);
  // A second merge_all: Merge_1/MergeSummary.
  EXPECT_EQ(summary::merge_all(root)->op().name(), "Merge_1/MergeSummary");
}

TEST(SummaryNames, FamilyCollectionsAndMergeNames) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::constant(root, Tensor::scalar(1.0f), "x");
  summary::Options fam;
  fam.family = "train";
  Output a = summary::scalar(root, "loss", x, fam);
  EXPECT_EQ(a.op().name(), "train/loss");
  EXPECT_EQ(const_string(g, "train/loss/tags"), "train/train/loss");  // TF repeats the family
  summary::Options custom;
  custom.collections = std::vector<std::string>{"mine", "other"};
  Output b = summary::scalar(root, "acc", x, custom);
  EXPECT_EQ(testing::CollectionNames(g, "mine"), (std::vector<std::string>{"acc:0"}));
  EXPECT_EQ(testing::CollectionNames(g, "other"), (std::vector<std::string>{"acc:0"}));
  EXPECT_EQ(testing::CollectionNames(g, "summaries"), (std::vector<std::string>{"train/loss:0"}));
  // Cleaned names: illegal characters become "_", leading slashes go.
  Output c = summary::scalar(root, "/bad name:1", x);
  EXPECT_EQ(c.op().name(), "bad_name_1");
  EXPECT_EQ(summary::clean_tag("//a b/c.d-e"), "a_b/c.d-e");
  EXPECT_EQ(summary::clean_tag("caf\xc3\xa9"), "caf\xc3\xa9");
  // A histogram without a name takes the default scope name.
  EXPECT_EQ(summary::histogram(root, "", x).op().name(), "HistogramSummary");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "At least one of name (None) and default_name (None) must be provided.",
                  summary::scalar(root, "", x));
  // merge(name=...) opens that scope and names the op after it.
  Output m = summary::merge(root, {a, b}, {}, "all");
  EXPECT_EQ(m.op().name(), "all/all");
  Output m2 = summary::merge(root, {a}, {"merged"});
  EXPECT_EQ(m2.op().name(), "Merge/MergeSummary");
  EXPECT_EQ(testing::CollectionNames(g, "merged"),
            (std::vector<std::string>{"Merge/MergeSummary:0"}));
  // merge_all with a scope filter, and on an empty collection.
  EXPECT_EQ(summary::merge_all(root, "mine", std::string_view("ac"))->op().input(0).name(),
            "acc:0");
  EXPECT_FALSE(summary::merge_all(root, "nothing"));
  EXPECT_FALSE(summary::merge_all(root, "summaries", std::string_view("zzz")));
}

TEST(SummaryNames, TypeErrorsAsOpDefLibrary) {
  Graph g;
  Scope root = Scope::root(g);
  Output s = ops::constant(root, Tensor::strings({"a"}, {}), "s");
  Output f = ops::constant(root, Tensor::scalar(1.0f), "f");
  const testing::GraphSnapshot before = testing::Snapshot(g);
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Value passed to parameter 'values' has DataType string not in list of allowed "
                  "values: float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, "
                  "float16, uint32, uint64",
                  ops::scalar_summary(root, s, s));
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Input 'tag' of 'HistogramSummary' Op has type float32 that does not match "
                  "expected type of string.",
                  ops::histogram_summary(root, f, f));
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Value passed to parameter 'tensor' has DataType int32 not in list of allowed "
                  "values: uint8, float32, float16, float64",
                  ops::image_summary(root, s, Tensor(DataType::kInt32, {1, 1, 1, 1})));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Attr 'max_images' of 'ImageSummary' Op passed 0 less than minimum 1.",
                  ops::image_summary(root, s, f, 0));
  SF_EXPECT_ERROR(Code::kTypeMismatch,
                  "Tensors in list passed to 'inputs' of 'MergeSummary' Op have types [string, "
                  "float32] that do not match expected type string.",
                  ops::merge_summary(root, {s, f}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "List argument 'inputs' to 'MergeSummary' Op with length 0 shorter than "
                  "minimum length 1.",
                  ops::merge_summary(root, {}));
  EXPECT_EQ(testing::Snapshot(g), before);  // nothing was built
}

// ---- ScalarSummary ----

TEST(ScalarSummaryKernel, ValuesAndShapeErrors) {
  Graph g;
  Scope root = Scope::root(g);
  Output tags = ops::constant(root, Tensor::strings({"a", "b"}, {2}), "tags");
  Output out = ops::scalar_summary(root, tags, Tensor::vector<int64_t>({3, -4}));
  tensorflow::Summary s = run_summary(g, out);
  ASSERT_EQ(s.value_size(), 2);
  EXPECT_EQ(s.value(0).tag(), "a");
  EXPECT_EQ(s.value(0).simple_value(), 3.0f);
  EXPECT_EQ(s.value(1).tag(), "b");
  EXPECT_EQ(s.value(1).simple_value(), -4.0f);
  EXPECT_FALSE(s.value(0).has_metadata());

  // A double is narrowed to float, as TF does.
  Output d = summary::scalar(root, "d", Tensor::scalar(0.1));
  EXPECT_EQ(run_summary(g, d).value(0).simple_value(), 0.1f);

  Output bad = ops::scalar_summary(root, tags, Tensor::vector<float>({1, 2, 3}));
  Output bad1 =
      ops::scalar_summary(root, Tensor::strings({"only"}, {1}), Tensor::vector<float>({1, 2}));
  Session sess(g);
  try {
    sess.run({}, {bad});
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.detail(), "tags and values not the same shape: [2] != [3]");
  }
  try {
    sess.run({}, {bad1});
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.detail(), "tags and values not the same shape: [1] != [2] (tag 'only')");
  }
}

// ---- HistogramSummary ----

TEST(HistogramSummaryKernel, MatchesTensorFlowOnTheGoldenBiases) {
  const tensorflow::Summary golden = golden_summary();
  if (golden.value_size() == 0) GTEST_SKIP() << "no golden files";
  // The biases were tf.constant(0.1, shape=[500]) and [10] at step 0: every field of TF's
  // histogram (sums included) is reproducible.
  for (const auto& [tag, n] :
       {std::pair<std::string, int>{"layer1/biases/summaries/histogram", 500},
        {"layer2/biases/summaries/histogram", 10}}) {
    Graph g;
    Scope root = Scope::root(g);
    Tensor values(DataType::kFloat, {n});
    for (int i = 0; i < n; ++i) values.data<float>()[i] = 0.1f;
    Output h = ops::histogram_summary(root, Tensor::strings({tag}, {}), values);
    const tensorflow::Summary ours = run_summary(g, h);
    const auto* want = find_tag(golden, tag);
    ASSERT_TRUE(want);
    ASSERT_EQ(ours.value_size(), 1);
    EXPECT_EQ(ours.value(0).SerializeAsString(), want->SerializeAsString()) << tag;
    EXPECT_EQ(ours.value(0).histo().sum(), want->histo().sum());
  }
}

TEST(HistogramSummaryKernel, ReproducesEveryGoldenBucketLayout) {
  const tensorflow::Summary golden = golden_summary();
  if (golden.value_size() == 0) GTEST_SKIP() << "no golden files";
  int checked = 0;
  for (const auto& want : golden.value()) {
    if (!want.has_histo()) continue;
    const tensorflow::HistogramProto& w = want.histo();
    // One value at the lower edge of each non-empty bucket lands in that bucket (buckets hold
    // [previous limit, limit)), so our limits and empty-run merging must give TF's layout.
    std::vector<double> values;
    for (int i = 1; i < w.bucket_size(); ++i)
      if (w.bucket(i) > 0) values.push_back(w.bucket_limit(i - 1));
    ASSERT_GT(w.bucket(0), -1);
    EXPECT_EQ(w.bucket(0), 0) << want.tag();
    Graph g;
    Scope root = Scope::root(g);
    Output h =
        ops::histogram_summary(root, Tensor::strings({"h"}, {}), Tensor::vector<double>(values));
    const tensorflow::HistogramProto ours = run_summary(g, h).value(0).histo();
    ASSERT_EQ(ours.bucket_limit_size(), w.bucket_limit_size()) << want.tag();
    for (int i = 0; i < w.bucket_limit_size(); ++i) {
      EXPECT_EQ(ours.bucket_limit(i), w.bucket_limit(i)) << want.tag() << " " << i;
      EXPECT_EQ(ours.bucket(i) > 0, w.bucket(i) > 0) << want.tag() << " " << i;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 8);
}

TEST(HistogramSummaryKernel, BucketsAreTfsUpperBoundForEveryLimitAndNeighbour) {
  // TF's limits, computed here independently of the kernel.
  std::vector<double> pos;
  for (double v = 1.0e-12; v < 1.0e20; v *= 1.1) pos.push_back(v);
  pos.push_back(DBL_MAX);
  std::vector<double> limits;
  for (auto it = pos.rbegin(); it != pos.rend(); ++it) limits.push_back(-*it);
  limits.push_back(0.0);
  limits.insert(limits.end(), pos.begin(), pos.end());
  ASSERT_EQ(limits.size(), 2 * (774 + 1) + 1);

  std::vector<double> values = {0.0,      -0.0,   DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN,
                                4.9e-324, 1e-300, -1e300,  1e20,     -1e20};
  for (double l : limits) {
    values.push_back(l);
    values.push_back(std::nextafter(l, INFINITY));
    values.push_back(std::nextafter(l, -INFINITY));
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-16, 25);
  for (int i = 0; i < 20000; ++i)
    values.push_back((i % 2 ? 1 : -1) * std::pow(10.0, exponent(rng)));
  values.erase(
      std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
      values.end());
  std::vector<double> counts(limits.size(), 0.0);
  for (double v : values) {
    const size_t b = std::upper_bound(limits.begin(), limits.end(), v) - limits.begin();
    counts[std::min(b, limits.size() - 1)] += 1;  // DBL_MAX: the last bucket
  }
  // TF's encoding: runs of empty buckets merged.
  std::vector<double> want_limits, want_counts;
  for (size_t i = 0; i < counts.size();) {
    double end = limits[i], c = counts[i++];
    if (c <= 0)
      while (i < counts.size() && counts[i] <= 0) end = limits[i], c = counts[i++];
    want_limits.push_back(end);
    want_counts.push_back(c);
  }
  Graph g;
  Scope root = Scope::root(g);
  const tensorflow::HistogramProto h =
      run_summary(g, ops::histogram_summary(root, Tensor::strings({"h"}, {}),
                                            Tensor::vector<double>(values)))
          .value(0)
          .histo();
  EXPECT_EQ(h.num(), static_cast<double>(values.size()));
  EXPECT_EQ(std::vector<double>(h.bucket_limit().begin(), h.bucket_limit().end()), want_limits);
  EXPECT_EQ(std::vector<double>(h.bucket().begin(), h.bucket().end()), want_counts);
}

TEST(HistogramSummaryKernel, EmptyNanAndInf) {
  Graph g;
  Scope root = Scope::root(g);
  Output empty = ops::histogram_summary(root, Tensor::strings({"e"}, {}),
                                        Tensor(DataType::kFloat, {0}), "empty");
  const tensorflow::HistogramProto h = run_summary(g, empty).value(0).histo();
  EXPECT_EQ(h.min(), DBL_MAX);
  EXPECT_EQ(h.max(), -DBL_MAX);
  EXPECT_EQ(h.num(), 0);
  ASSERT_EQ(h.bucket_limit_size(), 1);
  EXPECT_EQ(h.bucket_limit(0), DBL_MAX);
  EXPECT_EQ(h.bucket(0), 0);

  Output v = ops::placeholder(root, DataType::kFloat, PartialShape({-1}), "v");
  Output hist = summary::histogram(root.name_scope("layer"), "acts", v);
  Session sess(g);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (const auto& [value, message] :
       {std::pair<float, std::string>{nan, "Nan in summary histogram for: layer/acts"},
        {-inf, "Infinity in summary histogram for: layer/acts"}}) {
    try {
      sess.run({{v, Tensor::vector<float>({1, value})}}, {hist});
      FAIL();
    } catch (const OpError& e) {
      EXPECT_EQ(e.run_code(), runtime::RunCode::kInvalidArgument);
      EXPECT_EQ(e.detail(), message);
      EXPECT_EQ(e.node(), "layer/acts");
    }
  }
  // Integers and halves are histogrammed too; a value equal to a limit goes above it.
  Tensor half(DataType::kHalf, {2});
  half.data<Eigen::half>()[0] = Eigen::half(0.0f);
  half.data<Eigen::half>()[1] = Eigen::half(-2.0f);
  const tensorflow::HistogramProto hh =
      run_summary(g, ops::histogram_summary(root, Tensor::strings({"h"}, {}), half))
          .value(0)
          .histo();
  EXPECT_EQ(hh.min(), -2.0);
  EXPECT_EQ(hh.sum_squares(), 4.0);
  const tensorflow::HistogramProto hi =
      run_summary(g, ops::histogram_summary(root, Tensor::strings({"i"}, {}),
                                            Tensor::vector<int32_t>({0, 0, 7})))
          .value(0)
          .histo();
  EXPECT_EQ(hi.num(), 3);
  EXPECT_EQ(hi.sum(), 7);
  // 0 falls in the bucket [0, 1e-12).
  bool zero_bucket = false;
  for (int i = 0; i < hi.bucket_size(); ++i)
    if (hi.bucket_limit(i) == 1e-12) zero_bucket = hi.bucket(i) == 2;
  EXPECT_TRUE(zero_bucket);
}

// ---- ImageSummary ----

TEST(ImageSummaryKernel, Uint8ImagesGiveTensorFlowsPngBytes) {
  const tensorflow::Summary golden = golden_summary();
  if (golden.value_size() == 0) GTEST_SKIP() << "no golden files";
  // Decode TF's ten 28x28 grayscale PNGs, feed their pixels back as uint8 (no scaling): the
  // encoder must reproduce the pixels, and with libpng's and zlib's defaults, TF's bytes.
  Tensor batch(DataType::kUInt8, {10, 28, 28, 1});
  for (int i = 0; i < 10; ++i) {
    const auto* v = find_tag(golden, "input_reshape/input/image/" + std::to_string(i));
    ASSERT_TRUE(v);
    const Png png = decode_png(v->image().encoded_image_string());
    ASSERT_EQ(png.width, 28);
    ASSERT_EQ(png.channels, 1);
    std::memcpy(batch.data<uint8_t>() + i * 784, png.pixels.data(), 784);
  }
  Graph g;
  Scope root = Scope::root(g);
  Output img = summary::image(root.name_scope("input_reshape"), "input", batch, 10);
  const tensorflow::Summary ours = run_summary(g, img);
  ASSERT_EQ(ours.value_size(), 10);
  int identical = 0;
  for (int i = 0; i < 10; ++i) {
    const auto* want = find_tag(golden, "input_reshape/input/image/" + std::to_string(i));
    const auto& got = ours.value(i);
    EXPECT_EQ(got.tag(), want->tag());
    EXPECT_EQ(got.image().height(), 28);
    EXPECT_EQ(got.image().width(), 28);
    EXPECT_EQ(got.image().colorspace(), 1);
    const Png back = decode_png(got.image().encoded_image_string());
    EXPECT_EQ(back.pixels, decode_png(want->image().encoded_image_string()).pixels);
    identical += got.image().encoded_image_string() == want->image().encoded_image_string();
  }
  EXPECT_EQ(identical, 10);
}

TEST(ImageSummaryKernel, FloatImagesAreScaledAsTf) {
  Graph g;
  Scope root = Scope::root(g);
  // Image 0 all non-negative: scaled so the max is 255. Image 1 has negatives: 0 maps to 128
  // and the largest magnitude to 127 away. A NaN pixel takes bad_color (red, first channel).
  Tensor t = float_tensor({2, 1, 4, 1}, {0.0f, 0.5f, 1.0f, 0.25f,  //
                                         -1.0f, 0.0f, 0.5f, std::nanf("")});
  Output img = ops::image_summary(root, Tensor::strings({"im"}, {}), t, 2);
  const tensorflow::Summary s = run_summary(g, img);
  ASSERT_EQ(s.value_size(), 2);
  EXPECT_EQ(s.value(0).tag(), "im/image/0");
  EXPECT_EQ(s.value(1).tag(), "im/image/1");
  EXPECT_EQ(decode_png(s.value(0).image().encoded_image_string()).pixels,
            (std::vector<uint8_t>{0, 127, 255, 63}));
  EXPECT_EQ(decode_png(s.value(1).image().encoded_image_string()).pixels,
            (std::vector<uint8_t>{1, 128, 191, 255}));

  // One image asked for: tag "<tag>/image"; RGB with an infinite pixel; doubles and halves.
  Tensor rgb(DataType::kDouble, {3, 1, 2, 3});
  const double inf = std::numeric_limits<double>::infinity();
  const double px[] = {0, 0.5, 2, inf, 1, 1};
  for (int b = 0; b < 3; ++b)
    for (int i = 0; i < 6; ++i) rgb.data<double>()[b * 6 + i] = px[i];
  Tensor bad(DataType::kUInt8, {3});
  bad.data<uint8_t>()[0] = 1, bad.data<uint8_t>()[1] = 2, bad.data<uint8_t>()[2] = 3;
  Output one = ops::image_summary(root, Tensor::strings({"rgb"}, {}), rgb, 1, bad);
  const tensorflow::Summary s1 = run_summary(g, one);
  ASSERT_EQ(s1.value_size(), 1);
  EXPECT_EQ(s1.value(0).tag(), "rgb/image");
  EXPECT_EQ(s1.value(0).image().colorspace(), 3);
  const Png p = decode_png(s1.value(0).image().encoded_image_string());
  EXPECT_EQ(p.channels, 3);
  EXPECT_EQ(p.pixels, (std::vector<uint8_t>{0, 63, 255, 1, 2, 3}));

  Tensor h(DataType::kHalf, {1, 1, 2, 1});
  h.data<Eigen::half>()[0] = Eigen::half(-0.5f);
  h.data<Eigen::half>()[1] = Eigen::half(0.25f);
  const Png hp = decode_png(run_summary(g, ops::image_summary(root, Tensor::strings({"h"}, {}), h))
                                .value(0)
                                .image()
                                .encoded_image_string());
  // half arithmetic: 127/0.5 = 254; -0.5*254+128 = 1; 0.25*254+128 = 191.5 -> 191.
  EXPECT_EQ(hp.pixels, (std::vector<uint8_t>{1, 191}));

  // Fewer images than max_images: one value per image; the tag keeps the /image/<i> form.
  Output few = ops::image_summary(root, Tensor::strings({"few"}, {}),
                                  Tensor(DataType::kUInt8, {1, 2, 2, 4}), 5);
  const tensorflow::Summary sf = run_summary(g, few);
  ASSERT_EQ(sf.value_size(), 1);
  EXPECT_EQ(sf.value(0).tag(), "few/image/0");
  EXPECT_EQ(decode_png(sf.value(0).image().encoded_image_string()).channels, 4);
}

TEST(ImageSummaryKernel, Errors) {
  Graph g;
  Scope root = Scope::root(g);
  auto detail = [&](const Output& o) -> std::string {
    try {
      Session(g).run({}, {o});
    } catch (const OpError& e) {
      return e.detail();
    }
    return "no error";
  };
  const Tensor tag = Tensor::strings({"t"}, {});
  EXPECT_EQ(detail(ops::image_summary(root, tag, Tensor(DataType::kFloat, {2, 2, 2}))),
            "Tensor must be 4-D with last dim 1, 3, or 4, not [2,2,2]");
  EXPECT_EQ(detail(ops::image_summary(root, tag, Tensor(DataType::kUInt8, {1, 2, 2, 2}))),
            "Tensor must be 4-D with last dim 1, 3, or 4, not [1,2,2,2]");
  EXPECT_EQ(detail(ops::image_summary(root, Tensor::strings({"a", "b"}, {2}),
                                      Tensor(DataType::kUInt8, {1, 2, 2, 1}))),
            "Tags must be a scalar");
  Tensor short_bad(DataType::kUInt8, {1});
  EXPECT_EQ(
      detail(ops::image_summary(root, tag, Tensor(DataType::kFloat, {1, 2, 2, 3}), 3, short_bad)),
      "expected depth <= bad_color.size, got depth = 3, bad_color.size = 1");
  EXPECT_EQ(detail(ops::image_summary(root, tag, Tensor(DataType::kFloat, {1, 1, 1, 1}), 3,
                                      Tensor(DataType::kFloat, {4}))),
            "bad_color must be uint8, got float");
  EXPECT_EQ(detail(ops::image_summary(root, tag, Tensor(DataType::kUInt8, {1, 0, 2, 1}))),
            "PNG encoding failed");
  // An empty batch is an empty summary.
  EXPECT_EQ(run_summary(g, ops::image_summary(root, tag, Tensor(DataType::kUInt8, {0, 2, 2, 1})))
                .value_size(),
            0);
}

// ---- MergeSummary ----

TEST(MergeSummaryKernel, ConcatenatesValuesInOrderAndRejectsDuplicates) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::placeholder(root, DataType::kFloat, PartialShape({}), "x");
  Output a = summary::scalar(root, "a", x);
  Output h = summary::histogram(root, "h", Tensor::vector<float>({1, 2}));
  Output b = summary::scalar(root, "b", x);
  Output merged = *summary::merge_all(root);
  Session sess(g);
  std::vector<Tensor> out = sess.run({{x, Tensor::scalar(2.5f)}}, {a, h, b, merged});
  tensorflow::Summary want;
  for (int i = 0; i < 3; ++i) {
    tensorflow::Summary part;
    ASSERT_TRUE(part.ParseFromString(out[i].string_data()[0]));
    want.MergeFrom(part);
  }
  EXPECT_EQ(out[3].string_data()[0], want.SerializeAsString());
  tensorflow::Summary m;
  ASSERT_TRUE(m.ParseFromString(out[3].string_data()[0]));
  ASSERT_EQ(m.value_size(), 3);
  EXPECT_EQ(m.value(0).tag(), "a");
  EXPECT_EQ(m.value(0).simple_value(), 2.5f);
  EXPECT_EQ(m.value(1).tag(), "h");
  EXPECT_EQ(m.value(2).tag(), "b");
  // Run twice: the output buffer is reused, the value is the same.
  EXPECT_EQ(sess.run({{x, Tensor::scalar(2.5f)}}, {merged})[0].string_data()[0],
            want.SerializeAsString());

  Output dup = summary::merge(root, {a, merged});
  try {
    sess.run({{x, Tensor::scalar(1.0f)}}, {dup});
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.detail(), "Duplicate tag a found in summary inputs");
  }
  Output junk = ops::merge_summary(root, {ops::constant(root, Tensor::strings({"\x0a\x05x"}, {}))});
  try {
    sess.run({}, {junk});
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.detail(), "Could not parse one of the summary inputs");
  }
  // Values without a tag may repeat (TensorSummary); inputs of any shape are flattened.
  tensorflow::Summary untagged;
  untagged.add_value()->set_simple_value(1);
  const std::string u = untagged.SerializeAsString();
  Output two = ops::merge_summary(root, {ops::constant(root, Tensor::strings({u, u}, {2}))});
  tensorflow::Summary t;
  ASSERT_TRUE(t.ParseFromString(sess.run({}, {two})[0].string_data()[0]));
  EXPECT_EQ(t.value_size(), 2);
}

// ---- AudioSummaryV2 and TensorSummaryV2 ----

TEST(AudioSummaryKernel, WavBytes) {
  Graph g;
  Scope root = Scope::root(g);
  Tensor clip = float_tensor({2, 3}, {0.0f, 1.0f, -1.0f, 0.5f, 2.0f, -0.25f});
  Output a = summary::audio(root, "voice", clip, 8000, 1);
  EXPECT_EQ(a.op().name(), "voice");
  EXPECT_EQ(g.get_operation_by_name("voice/sample_rate").type(), "Const");
  EXPECT_EQ(const_string(g, "voice/tag"), "voice");
  const tensorflow::Summary s = run_summary(g, a);
  ASSERT_EQ(s.value_size(), 1);
  EXPECT_EQ(s.value(0).tag(), "voice/audio");
  const auto& au = s.value(0).audio();
  EXPECT_EQ(au.sample_rate(), 8000.0f);
  EXPECT_EQ(au.num_channels(), 1);
  EXPECT_EQ(au.length_frames(), 3);
  EXPECT_EQ(au.content_type(), "audio/wav");
  const std::string& wav = au.encoded_audio_string();
  ASSERT_EQ(wav.size(), 44u + 6u);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(wav.substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(wav.substr(36, 4), "data");
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(wav[at + i]);
    return v;
  };
  auto s16 = [&](size_t at) {
    return static_cast<int16_t>(static_cast<unsigned char>(wav[at]) |
                                (static_cast<unsigned char>(wav[at + 1]) << 8));
  };
  EXPECT_EQ(u32(4), 42u);
  EXPECT_EQ(u32(24), 8000u);
  EXPECT_EQ(u32(28), 16000u);
  EXPECT_EQ(u32(40), 6u);
  EXPECT_EQ(s16(44), 0);
  EXPECT_EQ(s16(46), 32767);   // 1.0 * 32768 clamped
  EXPECT_EQ(s16(48), -32768);  // -1.0
}

TEST(TensorSummaryKernel, TensorAndMetadata) {
  Graph g;
  Scope root = Scope::root(g);
  tensorflow::SummaryMetadata md;
  md.mutable_plugin_data()->set_plugin_name("text");
  Output t = summary::tensor_summary(root, "notes", Tensor::strings({"hi", "there"}, {2}),
                                     md.SerializeAsString());
  EXPECT_EQ(t.op().type(), "TensorSummaryV2");
  EXPECT_EQ(const_string(g, "notes/tag"), "notes");
  const tensorflow::Summary s = run_summary(g, t);
  ASSERT_EQ(s.value_size(), 1);
  EXPECT_EQ(s.value(0).tag(), "notes");
  EXPECT_EQ(s.value(0).metadata().plugin_data().plugin_name(), "text");
  const tensorflow::TensorProto& p = s.value(0).tensor();
  EXPECT_EQ(p.dtype(), tensorflow::DT_STRING);
  ASSERT_EQ(p.tensor_shape().dim_size(), 1);
  EXPECT_EQ(p.tensor_shape().dim(0).size(), 2);
  ASSERT_EQ(p.string_val_size(), 2);
  EXPECT_EQ(p.string_val(1), "there");
  Output f = summary::tensor_summary(root, "w", Tensor::vector<float>({1.5f, -2}));
  const tensorflow::TensorProto fp = run_summary(g, f).value(0).tensor();
  EXPECT_EQ(fp.dtype(), tensorflow::DT_FLOAT);
  float back[2];
  ASSERT_EQ(fp.tensor_content().size(), 8u);
  std::memcpy(back, fp.tensor_content().data(), 8);
  EXPECT_EQ(back[0], 1.5f);
  EXPECT_EQ(back[1], -2.0f);
}

}  // namespace
}  // namespace scopeflow
