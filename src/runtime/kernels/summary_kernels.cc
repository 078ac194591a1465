// Kernels of the summary ops: ScalarSummary, HistogramSummary, ImageSummary, AudioSummaryV2,
// TensorSummaryV2, MergeSummary. Behaviour and messages follow TF 1.15's
// tensorflow/core/kernels/summary_{op,image_op,audio_op,tensor_op}.cc, the histogram
// tensorflow/core/lib/histogram/histogram.cc, PNG tensorflow/core/lib/png/png_io.cc and WAV
// tensorflow/core/lib/wav/wav_io.cc.
#include <absl/container/flat_hash_set.h>
#include <fmt/format.h>
#include <png.h>
#include <zlib.h>

#include <Eigen/Core>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "scopeflow/proto/summary.pb.h"
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {
namespace {

// TF's DataTypeString ("float", not "float32"), as its kernel messages print types.
std::string tf_type_string(DataType t) {
  switch (t) {
    case DataType::kFloat:
      return "float";
    case DataType::kDouble:
      return "double";
    case DataType::kHalf:
      return "half";
    default:
      return dtype_name(t);
  }
}

// Calls f(x) for every element of a real-number tensor, x of the element's own C++ type.
template <typename F>
void for_each_real(const Tensor& t, std::string_view op_type, F&& f) {
  const int64_t n = t.num_elements();
  auto loop = [&](auto tag) {
    using T = decltype(tag);
    const T* p = t.data<T>();
    for (int64_t i = 0; i < n; ++i) f(p[i]);
  };
  switch (t.dtype()) {
    case DataType::kFloat:
      return loop(float{});
    case DataType::kDouble:
      return loop(double{});
    case DataType::kInt32:
      return loop(int32_t{});
    case DataType::kInt64:
      return loop(int64_t{});
    case DataType::kUInt8:
      return loop(uint8_t{});
    case DataType::kInt8:
      return loop(int8_t{});
    case DataType::kInt16:
      return loop(int16_t{});
    case DataType::kUInt16:
      return loop(uint16_t{});
    case DataType::kUInt32:
      return loop(uint32_t{});
    case DataType::kUInt64:
      return loop(uint64_t{});
    case DataType::kHalf:
      return loop(Eigen::half{});
    case DataType::kBFloat16:
      return loop(Eigen::bfloat16{});
    default:
      fail_no_kernel(op_type, t.dtype());
  }
}

// A one-element string tensor (TF's IsLegacyScalar: rank 0, or rank 1 of length 1).
bool legacy_scalar(const Tensor& t) { return t.num_elements() == 1 && t.shape().size() <= 1; }

void write_summary(KernelContext& ctx, const tensorflow::Summary& s) {
  Tensor& out = ctx.allocate_output(0, DataType::kString, {});
  s.SerializeToString(&out.string_data()[0]);
}

// ---- ScalarSummary ----

void scalar_summary(KernelContext& ctx) {
  const Tensor& tags = ctx.input(0);
  const Tensor& values = ctx.input(1);
  const bool both_scalar = tags.shape().empty() && values.shape().empty();
  if (!(tags.shape() == values.shape() || both_scalar)) {
    const std::string single =
        tags.num_elements() == 1 ? fmt::format(" (tag '{}')", tags.string_data()[0]) : "";
    fail(Code::kInvalidArgument,
         fmt::format("tags and values not the same shape: {} != {}{}", shape_string(tags.shape()),
                     shape_string(values.shape()), single));
  }
  tensorflow::Summary s;
  const std::vector<std::string>& t = tags.string_data();
  size_t i = 0;
  for_each_real(values, "ScalarSummary", [&](auto x) {
    tensorflow::Summary::Value* v = s.add_value();
    v->set_tag(t[i++]);
    v->set_simple_value(static_cast<float>(x));
  });
  write_summary(ctx, s);
}

// ---- HistogramSummary ----

// TF's default buckets: limits growing by 10% from 1e-12 to 1e20, mirrored for negatives,
// with 0 in the middle and -DBL_MAX / DBL_MAX at the ends. A bucket holds values below its
// limit and at or above the previous one.
const std::vector<double>& default_bucket_limits() {
  static const std::vector<double> limits = [] {
    std::vector<double> pos;
    for (double v = 1.0e-12; v < 1.0e20; v *= 1.1) pos.push_back(v);
    pos.push_back(DBL_MAX);
    std::vector<double> all;
    all.reserve(2 * pos.size() + 1);
    for (auto it = pos.rbegin(); it != pos.rend(); ++it) all.push_back(-*it);
    all.push_back(0.0);
    all.insert(all.end(), pos.begin(), pos.end());
    return all;
  }();
  return limits;
}

// The bucket of `v` among default_bucket_limits(): TF's upper_bound (the first limit above v),
// found without a binary search over ~1550 limits. The limits grow by 1.1x, so log2|v| (from the
// exponent bits, with the mantissa as a linear correction) gives the index to within one; an
// upper_bound over a few limits around it is then exact, and any estimate that does not bracket
// v falls back to the full search. DBL_MAX itself (no limit above it) goes to the last bucket,
// where TF would index past its array.
size_t bucket_index(const std::vector<double>& limits, double v) {
  const size_t n = limits.size();
  const size_t zero = n / 2;      // limits[zero] == 0.0
  const size_t k_max = zero - 1;  // positive limits: 1e-12 * 1.1^k, k < k_max, then DBL_MAX
  constexpr double kLog2First = -39.86313713864835;  // log2(1e-12)
  constexpr double kPerLog2 = 7.272540897341713;     // 1 / log2(1.1)
  size_t est;
  if (v == 0.0) {
    est = zero + 1;
  } else {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    const int e = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
    const uint64_t mbits = (bits & ((uint64_t{1} << 52) - 1)) | (uint64_t{1023} << 52);
    double m;
    std::memcpy(&m, &mbits, 8);
    const double k = std::floor((e + (m - 1.0) - kLog2First) * kPerLog2) + 1.0;
    // How many positive limits lie below |v| (clamped to the table).
    const size_t below = k <= 0                            ? 0
                         : k >= static_cast<double>(k_max) ? k_max
                                                           : static_cast<size_t>(k);
    est = v > 0 ? zero + 1 + below : zero - std::min(below, zero);
  }
  const size_t lo = est > 2 ? est - 2 : 0;
  const size_t hi = std::min(est + 3, n);
  if ((lo == 0 || limits[lo - 1] <= v) && (hi == n || limits[hi - 1] > v)) {
    // Bracketed: the upper bound is lo plus the limits in the window at or below v (counted
    // without branches, which random data would mispredict).
    size_t b = lo;
    for (size_t i = lo; i < hi; ++i) b += limits[i] <= v;
    return std::min(b, n - 1);
  }
  const size_t b = std::upper_bound(limits.begin(), limits.end(), v) - limits.begin();
  return std::min(b, n - 1);
}

class Histogram {
 public:
  Histogram() : limits_(default_bucket_limits()), buckets_(limits_.size(), 0.0) {}

  void add(double value) {
    buckets_[bucket_index(limits_, value)] += 1.0;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
    num_ += 1;
    sum_ += value;
    sum_squares_ += value * value;
  }

  // TF's EncodeToProto(preserve_zero_buckets=false): every run of empty buckets becomes one
  // entry ending at the run's last limit.
  void encode(tensorflow::HistogramProto* p) const {
    p->set_min(min_);
    p->set_max(max_);
    p->set_num(num_);
    p->set_sum(sum_);
    p->set_sum_squares(sum_squares_);
    for (size_t i = 0; i < buckets_.size();) {
      double end = limits_[i];
      double count = buckets_[i];
      ++i;
      if (count <= 0.0) {
        while (i < buckets_.size() && buckets_[i] <= 0.0) {
          end = limits_[i];
          count = buckets_[i];
          ++i;
        }
      }
      p->add_bucket_limit(end);
      p->add_bucket(count);
    }
    if (p->bucket_size() == 0) {
      p->add_bucket_limit(DBL_MAX);
      p->add_bucket(0.0);
    }
  }

 private:
  const std::vector<double>& limits_;
  std::vector<double> buckets_;
  double min_ = DBL_MAX;  // TF starts min at the last limit
  double max_ = -DBL_MAX;
  double num_ = 0, sum_ = 0, sum_squares_ = 0;
};

void histogram_summary(KernelContext& ctx) {
  const Tensor& tags = ctx.input(0);
  const Tensor& values = ctx.input(1);
  if (!tags.shape().empty()) fail(Code::kInvalidArgument, "tags must be scalar");
  Histogram h;
  for_each_real(values, "HistogramSummary", [&](auto x) {
    const double d = static_cast<double>(x);
    if (std::isnan(d))
      fail(Code::kInvalidArgument,
           fmt::format("Nan in summary histogram for: {}", ctx.op().name()));
    if (std::isinf(d))
      fail(Code::kInvalidArgument,
           fmt::format("Infinity in summary histogram for: {}", ctx.op().name()));
    h.add(d);
  });
  tensorflow::Summary s;
  tensorflow::Summary::Value* v = s.add_value();
  v->set_tag(tags.string_data()[0]);
  h.encode(v->mutable_histo());
  write_summary(ctx, s);
}

// ---- ImageSummary ----

void png_write(png_structp png, png_bytep data, png_size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))
      ->append(reinterpret_cast<const char*>(data), length);
}
void png_flush(png_structp) {}
[[noreturn]] void png_error_quiet(png_structp png, png_const_charp) { png_longjmp(png, 1); }
void png_warning_quiet(png_structp, png_const_charp) {}

// png_io.cc's WriteImageToBuffer: 8-bit, no interlace, zlib's default level, MAX_MEM_LEVEL,
// libpng's default (adaptive) filters. Returns false when libpng fails or the image is empty.
bool encode_png(const uint8_t* image, int width, int height, int channels, std::string* out) {
  if (width == 0 || height == 0) return false;
  int color_type;
  switch (channels) {
    case 1:
      color_type = PNG_COLOR_TYPE_GRAY;
      break;
    case 2:
      color_type = PNG_COLOR_TYPE_GRAY_ALPHA;
      break;
    case 3:
      color_type = PNG_COLOR_TYPE_RGB;
      break;
    case 4:
      color_type = PNG_COLOR_TYPE_RGB_ALPHA;
      break;
    default:
      return false;
  }
  out->clear();
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, png_error_quiet, png_warning_quiet);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    return false;
  }
  // Nothing with a destructor lives between here and the end: libpng errors longjmp back.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, png_write, png_flush);
  png_set_compression_level(png, Z_DEFAULT_COMPRESSION);
  png_set_compression_mem_level(png, MAX_MEM_LEVEL);
  png_set_IHDR(png, info, width, height, 8, color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  const size_t row_bytes = static_cast<size_t>(width) * channels;
  for (int y = 0; y < height; ++y)
    png_write_row(png, const_cast<png_bytep>(image + static_cast<size_t>(y) * row_bytes));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

// Element helpers for normalize_image: finiteness in the element's own type, and TF's
// Eigen cast to uint8 (halves go through float). The casts only see values in [0, 256) for
// finite inputs; the clamp keeps a double that rounding pushes past the ends defined.
bool finite(float v) { return std::isfinite(v); }
bool finite(double v) { return std::isfinite(v); }
bool finite(Eigen::half v) { return Eigen::numext::isfinite(v); }
uint8_t to_uint8(float v) { return static_cast<uint8_t>(std::clamp(v, 0.0f, 255.0f)); }
uint8_t to_uint8(double v) { return static_cast<uint8_t>(std::clamp(v, 0.0, 255.0)); }
uint8_t to_uint8(Eigen::half v) { return to_uint8(static_cast<float>(v)); }

// TF's NormalizeFloatImage: only-positive images scale so the maximum is 255; images with
// negatives centre 0 at 128 and scale by the largest magnitude to ±127; min/max are taken (as
// floats) over pixels whose channels are all finite; other pixels get bad_color. The affine
// map runs in T (half arithmetic for half images), then truncates to uint8.
template <typename T>
void normalize_image(const T* values, int64_t hw, int depth, const uint8_t* bad_color,
                     uint8_t* image) {
  auto finite_pixel = [&](int64_t i) {
    for (int j = 0; j < depth; ++j)
      if (!finite(values[i * depth + j])) return false;
    return true;
  };
  float image_min = std::numeric_limits<float>::infinity();
  float image_max = -image_min;
  for (int64_t i = 0; i < hw; ++i) {
    if (!finite_pixel(i)) continue;
    for (int j = 0; j < depth; ++j) {
      const float value = static_cast<float>(values[i * depth + j]);
      image_min = std::min(image_min, value);
      image_max = std::max(image_max, value);
    }
  }
  const float kZeroThreshold = 1e-6f;
  T scale, offset;
  if (image_min < 0) {
    const float max_val = std::max(std::abs(image_min), std::abs(image_max));
    scale = T(max_val < kZeroThreshold ? 0.0f : 127.0f / max_val);
    offset = T(128.0f);
  } else {
    scale = T(image_max < kZeroThreshold ? 0.0f : 255.0f / image_max);
    offset = T(0.0f);
  }
  for (int64_t i = 0; i < hw; ++i) {
    uint8_t* px = image + i * depth;
    if (finite_pixel(i)) {
      for (int j = 0; j < depth; ++j) px[j] = to_uint8(T(values[i * depth + j] * scale + offset));
    } else {
      std::copy(bad_color, bad_color + depth, px);
    }
  }
}

class ImageSummaryKernel : public OpKernel {
 public:
  explicit ImageSummaryKernel(Operation op) {
    // TF rejects bad attrs when it builds the kernel, which Session.run reports as the
    // op's error; ours are kept for compute() so that they arrive the same way.
    const int64_t max_images = attr_int(op, "max_images", 3);
    if (max_images >= (1LL << 31)) attr_error_ = "max_images must be < 2^31";
    max_images_ =
        static_cast<int>(std::min<int64_t>(max_images, std::numeric_limits<int32_t>::max()));
    const auto bc = op.attr("bad_color");
    const Tensor* t = bc ? std::get_if<Tensor>(&*bc) : nullptr;
    if (t) {
      bad_color_ = *t;
    } else {
      bad_color_ = Tensor(DataType::kUInt8, {4});
      uint8_t* p = bad_color_.data<uint8_t>();
      p[0] = 255, p[1] = 0, p[2] = 0, p[3] = 255;
    }
    if (attr_error_.empty() && bad_color_.dtype() != DataType::kUInt8)
      attr_error_ = "bad_color must be uint8, got " + tf_type_string(bad_color_.dtype());
    if (attr_error_.empty() && bad_color_.shape().size() != 1)
      attr_error_ = "bad_color must be a vector, got shape " + shape_string(bad_color_.shape());
  }

  void compute(KernelContext& ctx) override {
    if (!attr_error_.empty()) fail(Code::kInvalidArgument, attr_error_);
    const Tensor& tags = ctx.input(0);
    const Tensor& tensor = ctx.input(1);
    if (!legacy_scalar(tags)) fail(Code::kInvalidArgument, "Tags must be a scalar");
    const auto& d = tensor.shape();
    if (!(d.size() == 4 && (d[3] == 1 || d[3] == 3 || d[3] == 4)))
      fail(Code::kInvalidArgument,
           "Tensor must be 4-D with last dim 1, 3, or 4, not " + shape_string(d));
    if (!(d[0] < (1LL << 31) && d[1] < (1LL << 31) && d[2] < (1LL << 31) &&
          d[1] * d[2] < (1LL << 29)))
      fail(Code::kInvalidArgument, "Tensor too large for summary " + shape_string(d));
    const std::string& base_tag = tags.string_data()[0];
    const int batch = static_cast<int>(d[0]), h = static_cast<int>(d[1]),
              w = static_cast<int>(d[2]), depth = static_cast<int>(d[3]);
    const int64_t hw = static_cast<int64_t>(h) * w;
    const int64_t image_size = hw * depth;
    const int n = std::min(max_images_, batch);

    if (tensor.dtype() != DataType::kUInt8 && bad_color_.shape()[0] < depth)
      fail(Code::kInvalidArgument,
           fmt::format("expected depth <= bad_color.size, got depth = {}, bad_color.size = {}",
                       depth, bad_color_.shape()[0]));
    tensorflow::Summary s;
    for (int i = 0; i < n; ++i) {
      const uint8_t* image = nullptr;
      switch (tensor.dtype()) {
        case DataType::kUInt8:
          image = tensor.data<uint8_t>() + i * image_size;
          break;
        case DataType::kFloat:
          image = normalized(tensor.data<float>() + i * image_size, hw, depth);
          break;
        case DataType::kHalf:
          image = normalized(tensor.data<Eigen::half>() + i * image_size, hw, depth);
          break;
        case DataType::kDouble:
          image = normalized(tensor.data<double>() + i * image_size, hw, depth);
          break;
        default:
          fail_no_kernel("ImageSummary", tensor.dtype());
      }
      tensorflow::Summary::Value* v = s.add_value();
      // The tag depends on how many images were asked for, not on how many there are.
      v->set_tag(max_images_ > 1 ? fmt::format("{}/image/{}", base_tag, i) : base_tag + "/image");
      tensorflow::Summary::Image* si = v->mutable_image();
      si->set_height(h);
      si->set_width(w);
      si->set_colorspace(depth);
      if (!encode_png(image, w, h, depth, si->mutable_encoded_image_string()))
        fail(Code::kInternal, "PNG encoding failed");
    }
    write_summary(ctx, s);
  }

 private:
  template <typename T>
  const uint8_t* normalized(const T* values, int64_t hw, int depth) {
    scratch_.resize(static_cast<size_t>(hw * depth));
    if (hw > 0) normalize_image(values, hw, depth, bad_color_.data<uint8_t>(), scratch_.data());
    return scratch_.data();
  }

  int max_images_ = 3;
  Tensor bad_color_;
  std::string attr_error_;
  std::vector<uint8_t> scratch_;  // one normalized image, reused
};

// ---- AudioSummaryV2 ----

void put_le(std::string& s, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// wav_io.cc's EncodeAudioAsS16LEWav: a 44-byte RIFF/WAVE header, then 16-bit samples
// round(x * 32768) clamped to [-32768, 32767] (NaN, which TF casts undefined, becomes 0).
void encode_wav(const float* audio, size_t sample_rate, size_t channels, size_t frames,
                std::string* out) {
  if (sample_rate == 0 || sample_rate > 0xffffffffu)
    fail(Code::kInvalidArgument,
         fmt::format("sample_rate must be in (0, 2^32), got: {}", sample_rate));
  if (channels == 0 || channels > 0xffffu)
    fail(Code::kInvalidArgument,
         fmt::format("num_channels must be in (0, 2^16), got: {}", channels));
  constexpr size_t kHeader = 44, kBytesPerSample = 2;
  const size_t samples = frames * channels;
  const size_t file_size = kHeader + samples * kBytesPerSample;
  if (file_size > 0xffffffffu)
    fail(Code::kInvalidArgument, "Provided channels and frames cannot be encoded as a WAV.");
  out->assign(file_size, '\0');
  std::string& s = *out;
  s.replace(0, 4, "RIFF");
  put_le(s, 4, file_size - 8, 4);
  s.replace(8, 8, "WAVEfmt ");
  put_le(s, 16, 16, 4);  // format chunk size
  put_le(s, 20, 1, 2);   // PCM
  put_le(s, 22, channels, 2);
  put_le(s, 24, sample_rate, 4);
  put_le(s, 28, sample_rate * kBytesPerSample * channels, 4);
  put_le(s, 32, kBytesPerSample * channels, 2);
  put_le(s, 34, 16, 2);
  s.replace(36, 4, "data");
  put_le(s, 40, samples * kBytesPerSample, 4);
  for (size_t i = 0; i < samples; ++i) {
    const float x = audio[i];
    const float r = std::isnan(x) ? 0.0f : std::round(x * 32768.0f);
    const int16_t v = static_cast<int16_t>(std::clamp(r, -32768.0f, 32767.0f));
    put_le(s, kHeader + i * kBytesPerSample, static_cast<uint16_t>(v), 2);
  }
}

class AudioSummaryKernel : public OpKernel {
 public:
  explicit AudioSummaryKernel(Operation op) { max_outputs_ = attr_int(op, "max_outputs", 3); }

  void compute(KernelContext& ctx) override {
    if (max_outputs_ <= 0) fail(Code::kInvalidArgument, "max_outputs must be > 0");
    const Tensor& tag = ctx.input(0);
    const Tensor& tensor = ctx.input(1);
    if (!legacy_scalar(tag)) fail(Code::kInvalidArgument, "Tag must be a scalar");
    const auto& d = tensor.shape();
    if (d.size() < 2 || d.size() > 3)
      fail(Code::kInvalidArgument, "Tensor must be 3-D or 2-D, got: " + shape_string(d));
    const Tensor& rate = ctx.input(2);
    if (rate.num_elements() != 1)
      fail(Code::kInvalidArgument, "sample_rate must be rank-0 or contain a single value");
    const float sample_rate = rate.data<float>()[0];
    if (!(sample_rate > 0.0f)) fail(Code::kInvalidArgument, "sample_rate must be > 0");
    const int64_t batch = d[0], frames = d[1], channels = d.size() == 2 ? 1 : d[2];
    long rounded = std::lrint(sample_rate);
    const size_t rate_hz = rounded <= 0 ? 1 : static_cast<size_t>(rounded);
    const int64_t n = std::min(max_outputs_, batch);
    tensorflow::Summary s;
    for (int64_t i = 0; i < n; ++i) {
      tensorflow::Summary::Value* v = s.add_value();
      v->set_tag(max_outputs_ > 1 ? fmt::format("{}/audio/{}", tag.string_data()[0], i)
                                  : tag.string_data()[0] + "/audio");
      tensorflow::Summary::Audio* a = v->mutable_audio();
      a->set_sample_rate(sample_rate);
      a->set_num_channels(channels);
      a->set_length_frames(frames);
      a->set_content_type("audio/wav");
      encode_wav(tensor.data<float>() + i * frames * channels, rate_hz,
                 static_cast<size_t>(channels), static_cast<size_t>(frames),
                 a->mutable_encoded_audio_string());
    }
    write_summary(ctx, s);
  }

 private:
  int64_t max_outputs_ = 3;
};

// ---- TensorSummaryV2 ----

// Tensor::AsProtoField for strings (string_val), AsProtoTensorContent for the rest.
void tensor_to_proto(const Tensor& t, tensorflow::TensorProto* p) {
  p->set_dtype(static_cast<tensorflow::DataType>(t.dtype()));
  for (int64_t dim : t.shape()) p->mutable_tensor_shape()->add_dim()->set_size(dim);
  if (t.dtype() == DataType::kString) {
    for (const std::string& s : t.string_data()) p->add_string_val(s);
  } else if (t.byte_size() > 0) {
    p->set_tensor_content(static_cast<const char*>(t.raw()), t.byte_size());
  }
}

void tensor_summary(KernelContext& ctx) {
  const Tensor& tag = ctx.input(0);
  if (!tag.shape().empty()) fail(Code::kInvalidArgument, "tag must be scalar");
  const Tensor& tensor = ctx.input(1);
  const Tensor& metadata = ctx.input(2);
  if (!legacy_scalar(metadata))
    fail(Code::kInvalidArgument, "serialized_summary_metadata must be a scalar");
  tensorflow::Summary s;
  tensorflow::Summary::Value* v = s.add_value();
  v->set_tag(tag.string_data()[0]);
  tensor_to_proto(tensor, v->mutable_tensor());
  // TF ignores a metadata string that does not parse; so do we.
  if (!v->mutable_metadata()->ParseFromString(metadata.string_data()[0])) v->clear_metadata();
  write_summary(ctx, s);
}

// ---- MergeSummary ----

// A Summary is a sequence of field-1 Values, so merging is concatenating each input's Value
// fields; only the tags are read (to catch duplicates), never the values' contents.
class WireReader {
 public:
  explicit WireReader(std::string_view s) : s_(s) {}
  bool done() const { return s_.empty(); }
  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (s_.empty()) return false;
      const auto b = static_cast<unsigned char>(s_[0]);
      s_.remove_prefix(1);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  // Reads a field key and its value; bytes of wire type 2 into `bytes`.
  bool field(uint32_t& number, uint32_t& wire_type, std::string_view& bytes) {
    uint64_t key;
    if (!varint(key) || (key >> 3) == 0 || (key >> 3) > 0x1fffffff) return false;
    number = static_cast<uint32_t>(key >> 3);
    wire_type = static_cast<uint32_t>(key & 7);
    uint64_t v;
    switch (wire_type) {
      case 0:
        return varint(v);
      case 1:
        return skip(8);
      case 2:
        if (!varint(v) || v > s_.size()) return false;
        bytes = s_.substr(0, v);
        s_.remove_prefix(v);
        return true;
      case 5:
        return skip(4);
      default:  // groups are not in Summary
        return false;
    }
  }
  std::string_view rest() const { return s_; }

 private:
  bool skip(size_t n) {
    if (s_.size() < n) return false;
    s_.remove_prefix(n);
    return true;
  }
  std::string_view s_;
};

class MergeSummaryKernel : public OpKernel {
 public:
  explicit MergeSummaryKernel(Operation) {}

  void compute(KernelContext& ctx) override {
    seen_.clear();
    // Built in place in the output, whose buffer is reused from step to step.
    std::string& merged = ctx.allocate_output(0, DataType::kString, {}).string_data()[0];
    merged.clear();
    for (int k = 0; k < ctx.num_inputs(); ++k) {
      for (const std::string& in : ctx.input(k).string_data()) {
        WireReader r(in);
        while (!r.done()) {
          const char* start = r.rest().data();
          uint32_t number, wire_type;
          std::string_view value;
          if (!r.field(number, wire_type, value))
            fail(Code::kInvalidArgument, "Could not parse one of the summary inputs");
          if (number != 1 || wire_type != 2) continue;  // unknown fields are dropped, as TF
          const std::string_view tag = value_tag(value);
          // TensorSummary values may share the empty tag.
          if (!tag.empty() && !seen_.insert(tag).second)
            fail(Code::kInvalidArgument,
                 fmt::format("Duplicate tag {} found in summary inputs", tag));
          merged.append(start, r.rest().data() - start);
        }
      }
    }
  }

 private:
  // The tag (field 1) of a serialized Summary.Value; its other fields are checked for shape.
  static std::string_view value_tag(std::string_view value) {
    WireReader r(value);
    std::string_view tag;
    while (!r.done()) {
      uint32_t number, wire_type;
      std::string_view bytes;
      if (!r.field(number, wire_type, bytes))
        fail(Code::kInvalidArgument, "Could not parse one of the summary inputs");
      if (number == 1 && wire_type == 2) tag = bytes;
    }
    return tag;
  }

  absl::flat_hash_set<std::string_view> seen_;
};

template <typename K>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<K>(op);
}

}  // namespace

void register_summary_kernels() {
  register_kernel_fn("ScalarSummary", &scalar_summary);
  register_kernel_fn("HistogramSummary", &histogram_summary);
  register_kernel("ImageSummary", &make<ImageSummaryKernel>);
  register_kernel("AudioSummaryV2", &make<AudioSummaryKernel>);
  register_kernel_fn("TensorSummaryV2", &tensor_summary);
  register_kernel("MergeSummary", &make<MergeSummaryKernel>);
}

}  // namespace scopeflow::runtime::internal
