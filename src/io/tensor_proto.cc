// TensorProto encoding and decoding (TF 1.15's make_tensor_proto and Tensor::FromProto rules).
#include "scopeflow/io/tensor_proto.h"

#include <fmt/format.h>

#include <complex>
#include <cstring>
#include <limits>

#include "scopeflow/base/error.h"

namespace scopeflow::io {

namespace {

// TF's _TENSOR_CONTENT_TYPES (tensor_util.py, r1.15): the dtypes written as raw bytes.
bool content_type(DataType t) {
  switch (t) {
    case DataType::kFloat:
    case DataType::kDouble:
    case DataType::kInt32:
    case DataType::kUInt8:
    case DataType::kInt16:
    case DataType::kInt8:
    case DataType::kInt64:
    case DataType::kQInt8:
    case DataType::kQUInt8:
    case DataType::kQInt16:
    case DataType::kQUInt16:
    case DataType::kQInt32:
    case DataType::kUInt32:
    case DataType::kUInt64:
      return true;
    default:
      return false;
  }
}

// Tensors that TF usually builds from one broadcast value (see the header).
bool short_form_type(DataType t) {
  return is_floating(t) || is_complex(t) || t == DataType::kBool;
}

bool all_elements_equal(const Tensor& t) {
  const size_t size = static_cast<size_t>(dtype_size(t.dtype()));
  const auto* p = static_cast<const unsigned char*>(t.raw());
  for (int64_t i = 1; i < t.num_elements(); ++i)
    if (std::memcmp(p, p + static_cast<size_t>(i) * size, size) != 0) return false;
  return true;
}

template <typename Field, typename T>
void append_values(Field* field, const T* data, int64_t n) {
  field->Reserve(static_cast<int>(n));
  for (int64_t i = 0; i < n; ++i) field->Add(data[i]);
}

// Writes the first `n` elements of `t` to the typed field of its dtype.
void write_typed(const Tensor& t, int64_t n, tensorflow::TensorProto* p) {
  switch (t.dtype()) {
    case DataType::kFloat:
      return append_values(p->mutable_float_val(), t.data<float>(), n);
    case DataType::kDouble:
      return append_values(p->mutable_double_val(), t.data<double>(), n);
    case DataType::kInt32:
    case DataType::kQInt32:
      return append_values(p->mutable_int_val(), t.data<int32_t>(), n);
    case DataType::kInt16:
    case DataType::kQInt16:
      return append_values(p->mutable_int_val(), t.data<int16_t>(), n);
    case DataType::kInt8:
    case DataType::kQInt8:
      return append_values(p->mutable_int_val(), t.data<int8_t>(), n);
    case DataType::kUInt8:
    case DataType::kQUInt8:
      return append_values(p->mutable_int_val(), t.data<uint8_t>(), n);
    case DataType::kUInt16:
    case DataType::kQUInt16:
      return append_values(p->mutable_int_val(), t.data<uint16_t>(), n);
    case DataType::kInt64:
      return append_values(p->mutable_int64_val(), t.data<int64_t>(), n);
    case DataType::kUInt32:
      return append_values(p->mutable_uint32_val(), t.data<uint32_t>(), n);
    case DataType::kUInt64:
      return append_values(p->mutable_uint64_val(), t.data<uint64_t>(), n);
    case DataType::kBool:
      return append_values(p->mutable_bool_val(), t.data<bool>(), n);
    case DataType::kHalf:
    case DataType::kBFloat16:
      // half_val holds the 16-bit patterns, one per int32.
      return append_values(p->mutable_half_val(), t.data<uint16_t>(), n);
    case DataType::kComplex64:
      return append_values(p->mutable_scomplex_val(), t.data<float>(), 2 * n);
    case DataType::kComplex128:
      return append_values(p->mutable_dcomplex_val(), t.data<double>(), 2 * n);
    case DataType::kString: {
      auto* f = p->mutable_string_val();
      f->Reserve(static_cast<int>(n));
      for (int64_t i = 0; i < n; ++i) f->Add(std::string(t.string_data()[i]));
      return;
    }
    default:
      throw Error(Code::kUnimplemented,
                  fmt::format("Cannot write a tensor of dtype {} as a TensorProto",
                              dtype_name(t.dtype())));
  }
}

[[noreturn]] void bad(std::string msg) { throw Error(Code::kInvalidArgument, std::move(msg)); }

template <typename T>
inline constexpr bool is_complex_v = false;
template <typename V>
inline constexpr bool is_complex_v<std::complex<V>> = true;

// Fills `n` elements of type T from a typed field: copies, then repeats the last value
// (TF's FromProtoField); no value gives zeros.
template <typename T, typename Field>
void fill_from(const Field& f, T* out, int64_t n, int per_element, std::string_view field_name,
               DataType dtype) {
  const int64_t m = f.size() / per_element;
  if (f.size() % per_element != 0)
    bad(fmt::format("TensorProto of dtype {} has an odd number of {} values ({})",
                    dtype_name(dtype), field_name, f.size()));
  if (m > n)
    bad(fmt::format("TensorProto of dtype {} holds {} values in {} but its shape has {} "
                    "elements",
                    dtype_name(dtype), m, field_name, n));
  if constexpr (!is_complex_v<T>) {
    for (int64_t i = 0; i < m; ++i) out[i] = static_cast<T>(f.Get(static_cast<int>(i)));
    const T last = m ? out[m - 1] : T();
    for (int64_t i = m; i < n; ++i) out[i] = last;
  } else {  // complex: (re, im) pairs
    using V = typename T::value_type;
    for (int64_t i = 0; i < m; ++i)
      out[i] = T(static_cast<V>(f.Get(static_cast<int>(2 * i))),
                 static_cast<V>(f.Get(static_cast<int>(2 * i + 1))));
    const T last = m ? out[m - 1] : T();
    for (int64_t i = m; i < n; ++i) out[i] = last;
  }
}

void read_typed(const tensorflow::TensorProto& p, Tensor& t) {
  const int64_t n = t.num_elements();
  const DataType d = t.dtype();
  switch (d) {
    case DataType::kFloat:
      return fill_from(p.float_val(), t.data<float>(), n, 1, "float_val", d);
    case DataType::kDouble:
      return fill_from(p.double_val(), t.data<double>(), n, 1, "double_val", d);
    case DataType::kInt32:
    case DataType::kQInt32:
      return fill_from(p.int_val(), t.data<int32_t>(), n, 1, "int_val", d);
    case DataType::kInt16:
    case DataType::kQInt16:
      return fill_from(p.int_val(), t.data<int16_t>(), n, 1, "int_val", d);
    case DataType::kInt8:
    case DataType::kQInt8:
      return fill_from(p.int_val(), t.data<int8_t>(), n, 1, "int_val", d);
    case DataType::kUInt8:
    case DataType::kQUInt8:
      return fill_from(p.int_val(), t.data<uint8_t>(), n, 1, "int_val", d);
    case DataType::kUInt16:
    case DataType::kQUInt16:
      return fill_from(p.int_val(), t.data<uint16_t>(), n, 1, "int_val", d);
    case DataType::kInt64:
      return fill_from(p.int64_val(), t.data<int64_t>(), n, 1, "int64_val", d);
    case DataType::kUInt32:
      return fill_from(p.uint32_val(), t.data<uint32_t>(), n, 1, "uint32_val", d);
    case DataType::kUInt64:
      return fill_from(p.uint64_val(), t.data<uint64_t>(), n, 1, "uint64_val", d);
    case DataType::kBool:
      return fill_from(p.bool_val(), t.data<bool>(), n, 1, "bool_val", d);
    case DataType::kHalf:
    case DataType::kBFloat16:
      return fill_from(p.half_val(), t.data<uint16_t>(), n, 1, "half_val", d);
    case DataType::kComplex64:
      return fill_from(p.scomplex_val(), t.data<std::complex<float>>(), n, 2, "scomplex_val", d);
    case DataType::kComplex128:
      return fill_from(p.dcomplex_val(), t.data<std::complex<double>>(), n, 2, "dcomplex_val",
                       d);
    case DataType::kString: {
      const auto& f = p.string_val();
      const int64_t m = f.size();
      if (m > n)
        bad(fmt::format("TensorProto of dtype string holds {} values in string_val but its "
                        "shape has {} elements",
                        m, n));
      auto& out = t.string_data();
      for (int64_t i = 0; i < m; ++i) out[i] = f.Get(static_cast<int>(i));
      for (int64_t i = m; i < n; ++i) out[i] = m ? out[m - 1] : std::string();
      return;
    }
    default:
      bad(fmt::format("Cannot read a TensorProto of dtype {}", dtype_name(d)));
  }
}

constexpr int64_t kMaxTensorBytes = int64_t{1} << 31;

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) out += (i ? "," : "") + std::to_string(dims[i]);
  return out + "]";
}

}  // namespace

void to_tensor_proto(const Tensor& t, tensorflow::TensorProto* p) {
  p->Clear();
  p->set_dtype(to_proto_dtype(t.dtype()));
  auto* shape = p->mutable_tensor_shape();
  for (int64_t d : t.shape()) shape->add_dim()->set_size(d);
  const int64_t n = t.num_elements();
  if (n == 0) return;
  const DataType d = t.dtype();
  if (d != DataType::kString && n > 1 && short_form_type(d) && all_elements_equal(t)) {
    write_typed(t, 1, p);
    return;
  }
  if (content_type(d) && n > 1) {
    p->set_tensor_content(t.raw(), t.byte_size());
    return;
  }
  write_typed(t, n, p);
}

void to_typed_tensor_proto(const Tensor& t, tensorflow::TensorProto* p) {
  p->Clear();
  p->set_dtype(to_proto_dtype(t.dtype()));
  auto* shape = p->mutable_tensor_shape();
  for (int64_t d : t.shape()) shape->add_dim()->set_size(d);
  write_typed(t, t.num_elements(), p);
}

tensorflow::TensorProto to_tensor_proto(const Tensor& t) {
  tensorflow::TensorProto p;
  to_tensor_proto(t, &p);
  return p;
}

Tensor from_tensor_proto(const tensorflow::TensorProto& p) {
  DataType dtype;
  try {
    dtype = from_proto_dtype(p.dtype());
  } catch (const Error& e) {
    bad(fmt::format("TensorProto has an invalid dtype: {}", e.what()));
  }
  if (is_ref(dtype))
    bad(fmt::format("TensorProto has a reference dtype ({})", dtype_name(dtype)));
  if (dtype != DataType::kString && dtype_size(dtype) == 0)
    bad(fmt::format("Cannot read a TensorProto of dtype {}", dtype_name(dtype)));
  const tensorflow::TensorShapeProto& sp = p.tensor_shape();
  if (sp.unknown_rank()) bad("TensorProto has a shape of unknown rank");
  std::vector<int64_t> shape;
  shape.reserve(static_cast<size_t>(sp.dim_size()));
  const int64_t elem = dtype == DataType::kString ? 1 : dtype_size(dtype);
  int64_t n = 1;
  for (const auto& dim : sp.dim()) {
    if (dim.size() < 0)
      bad(fmt::format("TensorProto has a dimension of size {} (a tensor's shape must be fully "
                      "known)",
                      dim.size()));
    if (dim.size() > 0 && n > kMaxTensorBytes / elem / dim.size())
      bad("Cannot create a tensor proto whose content is larger than 2GB.");
    n *= dim.size();
    shape.push_back(dim.size());
  }
  if (dtype == DataType::kString && n > kMaxTensorBytes / static_cast<int64_t>(sizeof(std::string)))
    bad("Cannot create a tensor proto whose content is larger than 2GB.");
  if (!p.tensor_content().empty()) {
    if (dtype == DataType::kString) bad("TensorProto of dtype string has tensor_content");
    const size_t want = static_cast<size_t>(n * elem);
    if (p.tensor_content().size() != want)
      bad(fmt::format("TensorProto's tensor_content holds {} bytes, but shape {} of {} needs {}",
                      p.tensor_content().size(), dims_text(shape), dtype_name(dtype), want));
    Tensor t = Tensor::uninitialized(dtype, shape);
    if (want) std::memcpy(t.raw(), p.tensor_content().data(), want);
    if (dtype == DataType::kBool) {
      // Only 0 and 1 are valid bools; keep the bytes well-defined.
      auto* b = static_cast<unsigned char*>(t.raw());
      for (size_t i = 0; i < want; ++i) b[i] = b[i] != 0;
    }
    return t;
  }
  Tensor t = dtype == DataType::kString ? Tensor(dtype, shape) : Tensor::uninitialized(dtype, shape);
  read_typed(p, t);
  return t;
}

void to_shape_proto(const PartialShape& s, tensorflow::TensorShapeProto* out) {
  out->Clear();
  if (!s.known_rank()) {
    out->set_unknown_rank(true);
    return;
  }
  for (int64_t d : s.dims()) out->add_dim()->set_size(d < 0 ? -1 : d);
}

tensorflow::TensorShapeProto to_shape_proto(const PartialShape& s) {
  tensorflow::TensorShapeProto p;
  to_shape_proto(s, &p);
  return p;
}

PartialShape from_shape_proto(const tensorflow::TensorShapeProto& p) {
  if (p.unknown_rank()) {
    if (p.dim_size() > 0) bad("An unknown shape must not have any dimensions set.");
    return PartialShape::unknown();
  }
  PartialShape::Dims dims;
  for (const auto& d : p.dim()) {
    if (d.size() < -1)
      bad(fmt::format("Shape has dimension {} (sizes below -1 are invalid; -1 means unknown)",
                      d.size()));
    dims.push_back(d.size());
  }
  return PartialShape(std::move(dims));
}

DataType from_proto_dtype(int value) {
  const int base = value > kRefOffset ? value - kRefOffset : value;
  if (base < static_cast<int>(DataType::kFloat) || base > static_cast<int>(DataType::kUInt64))
    bad(fmt::format("Unsupported DataType {}", value));
  return static_cast<DataType>(value);
}

}  // namespace scopeflow::io
