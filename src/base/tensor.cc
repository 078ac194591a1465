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
    bytes_ = std::make_shared<std::vector<unsigned char>>(num_elements_ * size);
  }
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
    case DataType::kFloat: return f(float{});
    case DataType::kDouble: return f(double{});
    case DataType::kInt32: return f(int32_t{});
    case DataType::kInt64: return f(int64_t{});
    case DataType::kBool: return f(bool{});
    case DataType::kUInt8: return f(uint8_t{});
    case DataType::kInt8: return f(int8_t{});
    case DataType::kInt16: return f(int16_t{});
    case DataType::kUInt16: return f(uint16_t{});
    default:
      throw Error(Code::kUnimplemented, "No numeric access for dtype " + dtype_name(t));
  }
}
}  // namespace

double Tensor::as_double(int64_t i) const {
  return visit_numeric(dtype_, [&](auto tag) {
    using T = decltype(tag);
    return static_cast<double>(data<T>()[i]);
  });
}

Tensor Tensor::cast(DataType to) const {
  Tensor out(to, shape_);
  visit_numeric(base_dtype(to), [&](auto tag) {
    using T = decltype(tag);
    T* dst = out.data<T>();
    for (int64_t i = 0; i < num_elements_; ++i) dst[i] = static_cast<T>(as_double(i));
    return 0;
  });
  return out;
}

Tensor Tensor::clone() const {
  Tensor t = *this;
  if (bytes_) t.bytes_ = std::make_shared<std::vector<unsigned char>>(*bytes_);
  if (strings_) t.strings_ = std::make_shared<std::vector<std::string>>(*strings_);
  return t;
}

std::string Tensor::debug_string(int max_elements) const {
  std::string s = fmt::format("Tensor<{} {}>[", dtype_name(dtype_), partial_shape().to_string());
  for (int64_t i = 0; i < num_elements_ && i < max_elements; ++i) {
    if (i) s += ", ";
    if (dtype_ == DataType::kString) s += (*strings_)[i];
    else s += fmt::format("{}", as_double(i));
  }
  if (num_elements_ > max_elements) s += ", ...";
  return s + "]";
}

}  // namespace scopeflow
