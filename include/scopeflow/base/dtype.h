// Element types with TensorFlow's DataType numbers, names and reference variants.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scopeflow {

/// TensorFlow's DataType enum (types.proto numbers; reference types are base + 100).
enum class DataType : int32_t {
  kInvalid = 0,
  kFloat = 1,
  kDouble = 2,
  kInt32 = 3,
  kUInt8 = 4,
  kInt16 = 5,
  kInt8 = 6,
  kString = 7,
  kComplex64 = 8,
  kInt64 = 9,
  kBool = 10,
  kQInt8 = 11,
  kQUInt8 = 12,
  kQInt32 = 13,
  kBFloat16 = 14,
  kQInt16 = 15,
  kQUInt16 = 16,
  kUInt16 = 17,
  kComplex128 = 18,
  kHalf = 19,
  kResource = 20,
  kVariant = 21,
  kUInt32 = 22,
  kUInt64 = 23,
};

inline constexpr int32_t kRefOffset = 100;

inline bool is_ref(DataType t) { return static_cast<int32_t>(t) > kRefOffset; }
inline DataType base_dtype(DataType t) {
  return is_ref(t) ? static_cast<DataType>(static_cast<int32_t>(t) - kRefOffset) : t;
}
inline DataType ref_dtype(DataType t) {
  return is_ref(t) ? t : static_cast<DataType>(static_cast<int32_t>(t) + kRefOffset);
}

/// TF's name: "float32", "int32_ref", ...
std::string dtype_name(DataType t);
/// Parses a name as dtype_name prints it ("float32", "float", "half", "int32_ref"...).
std::optional<DataType> dtype_from_name(std::string_view name);
/// str(tf.float32) in TF: "<dtype: 'float32'>".
std::string dtype_str(DataType t);
/// repr(tf.float32) in TF: "tf.float32".
std::string dtype_repr(DataType t);

bool is_floating(DataType t);  ///< float16/bfloat16/float32/float64 (base type)
bool is_integer(DataType t);   ///< signed and unsigned ints, quantized excluded
bool is_complex(DataType t);
bool is_quantized(DataType t);
/// Bytes per element, 0 for string, resource, variant and invalid.
int dtype_size(DataType t);
/// TF's DType.is_compatible_with: equal, or `other` is this type's base with this a ref.
inline bool dtype_compatible(DataType self, DataType other) {
  return self == other || self == base_dtype(other);
}

}  // namespace scopeflow
