// DataType names and properties, as TensorFlow's dtypes.py spells them.
#include "scopeflow/base/dtype.h"

#include <array>

namespace scopeflow {

namespace {
struct Info {
  DataType type;
  const char* name;
  int size;
};
constexpr std::array<Info, 23> kInfo = {{
    {DataType::kFloat, "float32", 4},   {DataType::kDouble, "float64", 8},
    {DataType::kInt32, "int32", 4},     {DataType::kUInt8, "uint8", 1},
    {DataType::kInt16, "int16", 2},     {DataType::kInt8, "int8", 1},
    {DataType::kString, "string", 0},   {DataType::kComplex64, "complex64", 8},
    {DataType::kInt64, "int64", 8},     {DataType::kBool, "bool", 1},
    {DataType::kQInt8, "qint8", 1},     {DataType::kQUInt8, "quint8", 1},
    {DataType::kQInt32, "qint32", 4},   {DataType::kBFloat16, "bfloat16", 2},
    {DataType::kQInt16, "qint16", 2},   {DataType::kQUInt16, "quint16", 2},
    {DataType::kUInt16, "uint16", 2},   {DataType::kComplex128, "complex128", 16},
    {DataType::kHalf, "float16", 2},    {DataType::kResource, "resource", 0},
    {DataType::kVariant, "variant", 0}, {DataType::kUInt32, "uint32", 4},
    {DataType::kUInt64, "uint64", 8},
}};

const Info* find(DataType t) {
  for (const Info& i : kInfo)
    if (i.type == base_dtype(t)) return &i;
  return nullptr;
}
}  // namespace

std::string dtype_name(DataType t) {
  const Info* i = find(t);
  if (!i) return "invalid";
  std::string name = i->name;
  if (is_ref(t)) name += "_ref";
  return name;
}

std::optional<DataType> dtype_from_name(std::string_view name) {
  bool ref = false;
  if (name.size() > 4 && name.substr(name.size() - 4) == "_ref") {
    ref = true;
    name.remove_suffix(4);
  }
  std::optional<DataType> found;
  for (const Info& i : kInfo)
    if (name == i.name) found = i.type;
  if (!found) {
    if (name == "float")
      found = DataType::kFloat;
    else if (name == "double")
      found = DataType::kDouble;
    else if (name == "half")
      found = DataType::kHalf;
  }
  if (found && ref) found = ref_dtype(*found);
  return found;
}

std::string dtype_str(DataType t) { return "<dtype: '" + dtype_name(t) + "'>"; }
std::string dtype_repr(DataType t) { return "tf." + dtype_name(t); }

bool is_floating(DataType t) {
  switch (base_dtype(t)) {
    case DataType::kFloat:
    case DataType::kDouble:
    case DataType::kHalf:
    case DataType::kBFloat16:
      return true;
    default:
      return false;
  }
}
bool is_integer(DataType t) {
  switch (base_dtype(t)) {
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kUInt8:
    case DataType::kUInt16:
    case DataType::kUInt32:
    case DataType::kUInt64:
      return true;
    default:
      return false;
  }
}
bool is_complex(DataType t) {
  return base_dtype(t) == DataType::kComplex64 || base_dtype(t) == DataType::kComplex128;
}
bool is_quantized(DataType t) {
  switch (base_dtype(t)) {
    case DataType::kQInt8:
    case DataType::kQUInt8:
    case DataType::kQInt32:
    case DataType::kQInt16:
    case DataType::kQUInt16:
      return true;
    default:
      return false;
  }
}
int dtype_size(DataType t) {
  const Info* i = find(t);
  return i ? i->size : 0;
}

}  // namespace scopeflow
