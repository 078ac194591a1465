// Runtime values: a typed, reference-counted buffer with a fully known shape.
#pragma once

#include <complex>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "scopeflow/base/dtype.h"
#include "scopeflow/base/error.h"
#include "scopeflow/base/shape.h"

namespace scopeflow {

/// A dense value: dtype, shape and elements (row-major). Copies share the buffer (like TF's
/// Tensor); `clone()` makes a private copy. Strings are stored as std::string elements.
/// Thread-safe for concurrent reads; writers must own the only reference.
class Tensor {
 public:
  Tensor() = default;
  /// Zero-filled (empty strings, false) tensor.
  Tensor(DataType dtype, std::vector<int64_t> shape);
  /// A numeric tensor whose elements are left uninitialized (kernels overwrite them all).
  static Tensor uninitialized(DataType dtype, std::span<const int64_t> shape);

  template <typename T>
  static Tensor scalar(T value);
  /// A rank-1 tensor of the given values.
  template <typename T>
  static Tensor vector(const std::vector<T>& values);
  static Tensor strings(std::vector<std::string> values, std::vector<int64_t> shape);

  DataType dtype() const { return dtype_; }
  const std::vector<int64_t>& shape() const { return shape_; }
  PartialShape partial_shape() const { return PartialShape(shape_); }
  int64_t num_elements() const { return num_elements_; }
  bool valid() const { return dtype_ != DataType::kInvalid; }

  template <typename T>
  T* data() {
    return reinterpret_cast<T*>(bytes_.get());
  }
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(bytes_.get());
  }
  std::vector<std::string>& string_data() { return *strings_; }
  const std::vector<std::string>& string_data() const { return *strings_; }
  /// Raw bytes of a numeric tensor.
  const void* raw() const { return bytes_.get(); }
  void* raw() { return bytes_.get(); }
  size_t byte_size() const { return num_bytes_; }
  /// True when no other Tensor shares this buffer (so it may be written in place).
  bool buffer_unique() const {
    return bytes_ ? bytes_.use_count() == 1 : (strings_ && strings_.use_count() == 1);
  }
  /// Same buffer, new shape of the same element count (Reshape, ExpandDims...).
  Tensor reshaped(std::span<const int64_t> shape) const;
  /// True when dtype and shape equal `dtype` and `shape`.
  bool same_layout(DataType dtype, std::span<const int64_t> shape) const {
    if (dtype_ != dtype || shape_.size() != shape.size()) return false;
    for (size_t i = 0; i < shape.size(); ++i)
      if (shape_[i] != shape[i]) return false;
    return true;
  }

  /// Element i converted to double (numeric and bool only), for printing and tests.
  double as_double(int64_t i) const;
  /// A copy with the same values converted to `to` (numeric and bool only).
  Tensor cast(DataType to) const;
  Tensor clone() const;
  /// Short summary, e.g. "Tensor<float32 (2,)>[1, 2]".
  std::string debug_string(int max_elements = 8) const;

 private:
  DataType dtype_ = DataType::kInvalid;
  std::vector<int64_t> shape_;
  int64_t num_elements_ = 0;
  size_t num_bytes_ = 0;
  std::shared_ptr<unsigned char[]> bytes_;
  std::shared_ptr<std::vector<std::string>> strings_;
};

/// The DataType of a C++ element type.
template <typename T>
constexpr DataType dtype_of();
template <>
constexpr DataType dtype_of<float>() {
  return DataType::kFloat;
}
template <>
constexpr DataType dtype_of<double>() {
  return DataType::kDouble;
}
template <>
constexpr DataType dtype_of<int32_t>() {
  return DataType::kInt32;
}
template <>
constexpr DataType dtype_of<int64_t>() {
  return DataType::kInt64;
}
template <>
constexpr DataType dtype_of<bool>() {
  return DataType::kBool;
}
template <>
constexpr DataType dtype_of<uint8_t>() {
  return DataType::kUInt8;
}
template <>
constexpr DataType dtype_of<int16_t>() {
  return DataType::kInt16;
}
template <>
constexpr DataType dtype_of<int8_t>() {
  return DataType::kInt8;
}
template <>
constexpr DataType dtype_of<uint16_t>() {
  return DataType::kUInt16;
}
template <>
constexpr DataType dtype_of<std::complex<float>>() {
  return DataType::kComplex64;
}
template <>
constexpr DataType dtype_of<std::complex<double>>() {
  return DataType::kComplex128;
}

template <typename T>
Tensor Tensor::scalar(T value) {
  Tensor t(dtype_of<T>(), {});
  *t.data<T>() = value;
  return t;
}

template <typename T>
Tensor Tensor::vector(const std::vector<T>& values) {
  Tensor t(dtype_of<T>(), {static_cast<int64_t>(values.size())});
  if constexpr (std::is_same_v<T, bool>) {
    for (size_t i = 0; i < values.size(); ++i) t.data<bool>()[i] = values[i];
  } else if (!values.empty()) {
    std::memcpy(t.data<T>(), values.data(), values.size() * sizeof(T));
  }
  return t;
}

}  // namespace scopeflow
