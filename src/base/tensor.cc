// Tensor storage, conversion between element types, and printing.
#include "scopeflow/base/tensor.h"

#include <fmt/format.h>

namespace scopeflow {

Tensor::Tensor(DataType dtype, std::vector<int64_t> shape)
    : dtype_(base_dtype(dtype)), shape_(std::move(shape)) {
  num_elements_ = 1;
  for (int64_t d : shape_) {
    if (d < 0) throw Error(Code::kInvalidArgument, "Tensor dimensions must be non-negative");
    num_elements_ *= d;
  }
  if (dtype_ == DataType::kString) {
    strings_ = std::make_shared<std::vector<std::string>>(num_elements_);
  } else {
    const int size = dtype_size(dtype_);
    if (size == 0)
      throw Error(Code::kInvalidArgument, "Cannot create a tensor of dtype " + dtype_name(dtype_));
    num_bytes_ = static_cast<size_t>(num_elements_) * size;
    bytes_ = std::make_shared<unsigned char[]>(num_bytes_);
  }
}

Tensor Tensor::uninitialized(DataType dtype, std::span<const int64_t> shape) {
  dtype = base_dtype(dtype);
  const int size = dtype_size(dtype);
  if (dtype == DataType::kString || size == 0)
    return Tensor(dtype, std::vector<int64_t>(shape.begin(), shape.end()));
  Tensor t;
  t.dtype_ = dtype;
  t.shape_.assign(shape.begin(), shape.end());
  t.num_elements_ = 1;
  for (int64_t d : shape) {
    if (d < 0) throw Error(Code::kInvalidArgument, "Tensor dimensions must be non-negative");
    t.num_elements_ *= d;
  }
  t.num_bytes_ = static_cast<size_t>(t.num_elements_) * size;
  t.bytes_ = std::make_shared_for_overwrite<unsigned char[]>(t.num_bytes_);
  return t;
}

Tensor Tensor::reshaped(std::span<const int64_t> shape) const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  SF_CHECK(n == num_elements_, "reshaped: element count differs");
  Tensor t = *this;
  t.shape_.assign(shape.begin(), shape.end());
  return t;
}

Tensor Tensor::strings(std::vector<std::string> values, std::vector<int64_t> shape) {
  Tensor t(DataType::kString, std::move(shape));
  SF_CHECK(static_cast<int64_t>(values.size()) == t.num_elements_, "string count vs shape");
  *t.strings_ = std::move(values);
  return t;
}

namespace {
template <typename F>
auto visit_numeric(DataType t, F&& f) {
  switch (t) {
    case DataType::kFloat:
      return f(float{});
    case DataType::kDouble:
      return f(double{});
    case DataType::kInt32:
      return f(int32_t{});
    case DataType::kInt64:
      return f(int64_t{});
    case DataType::kBool:
      return f(bool{});
    case DataType::kUInt8:
      return f(uint8_t{});
    case DataType::kInt8:
      return f(int8_t{});
    case DataType::kInt16:
      return f(int16_t{});
    case DataType::kUInt16:
      return f(uint16_t{});
    case DataType::kUInt32:
      return f(uint32_t{});
    case DataType::kUInt64:
      return f(uint64_t{});
    default:
      throw Error(Code::kUnimplemented, "No numeric access for dtype " + dtype_name(t));
  }
}
// IEEE half and bfloat16 <-> float, by bit manipulation (round to nearest even).
float half_to_float(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalize
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
uint16_t float_to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const int32_t exp = static_cast<int32_t>((x >> 23) & 0xff) - 127 + 15;
  uint32_t mant = x & 0x7fffffu;
  if (((x >> 23) & 0xff) == 0xff) return sign | 0x7c00u | (mant ? 0x200u : 0);
  if (exp >= 31) return sign | 0x7c00u;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000u;
    const int shift = 14 - exp;
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1), half_way = 1u << (shift - 1);
    if (rem > half_way || (rem == half_way && (h & 1))) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  uint32_t h = (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1))) ++h;
  return static_cast<uint16_t>(sign | h);
}
float bf16_to_float(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
uint16_t float_to_bf16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  x += 0x7fffu + ((x >> 16) & 1);
  return static_cast<uint16_t>(x >> 16);
}
}  // namespace

double Tensor::as_double(int64_t i) const {
  if (dtype_ == DataType::kHalf) return half_to_float(data<uint16_t>()[i]);
  if (dtype_ == DataType::kBFloat16) return bf16_to_float(data<uint16_t>()[i]);
  if (dtype_ == DataType::kComplex64) return data<std::complex<float>>()[i].real();
  if (dtype_ == DataType::kComplex128) return data<std::complex<double>>()[i].real();
  return visit_numeric(dtype_, [&](auto tag) {
    using T = decltype(tag);
    return static_cast<double>(data<T>()[i]);
  });
}

Tensor Tensor::cast(DataType to) const {
  to = base_dtype(to);
  Tensor out(to, shape_);
  for (int64_t i = 0; i < num_elements_; ++i) {
    const double v = as_double(i);
    switch (to) {
      case DataType::kHalf:
        out.data<uint16_t>()[i] = float_to_half(static_cast<float>(v));
        break;
      case DataType::kBFloat16:
        out.data<uint16_t>()[i] = float_to_bf16(static_cast<float>(v));
        break;
      case DataType::kComplex64:
        out.data<std::complex<float>>()[i] = static_cast<float>(v);
        break;
      case DataType::kComplex128:
        out.data<std::complex<double>>()[i] = v;
        break;
      default:
        visit_numeric(to, [&](auto tag) {
          using T = decltype(tag);
          out.data<T>()[i] = static_cast<T>(v);
          return 0;
        });
    }
  }
  return out;
}

Tensor Tensor::clone() const {
  Tensor t = *this;
  if (bytes_) {
    t.bytes_ = std::make_shared_for_overwrite<unsigned char[]>(num_bytes_);
    if (num_bytes_) std::memcpy(t.bytes_.get(), bytes_.get(), num_bytes_);
  }
  if (strings_) t.strings_ = std::make_shared<std::vector<std::string>>(*strings_);
  return t;
}

std::string Tensor::debug_string(int max_elements) const {
  std::string s = fmt::format("Tensor<{} {}>[", dtype_name(dtype_), partial_shape().to_string());
  for (int64_t i = 0; i < num_elements_ && i < max_elements; ++i) {
    if (i) s += ", ";
    if (dtype_ == DataType::kString)
      s += (*strings_)[i];
    else
      s += fmt::format("{}", as_double(i));
  }
  if (num_elements_ > max_elements) s += ", ...";
  return s + "]";
}

}  // namespace scopeflow
