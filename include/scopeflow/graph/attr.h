// Attribute values of an operation (TF's AttrValue), as a C++ value type.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "scopeflow/base/dtype.h"
#include "scopeflow/base/shape.h"
#include "scopeflow/base/tensor.h"

namespace scopeflow {

/// One attribute value: TF's AttrValue oneof (`s`, `i`, `f`, `b`, `type`, `shape`, `tensor`,
/// and the list forms). A plain value; copying a tensor attr shares its buffer.
using AttrValue =
    std::variant<int64_t, float, bool, DataType, std::string, PartialShape, Tensor,
                 std::vector<int64_t>, std::vector<float>, std::vector<bool>, std::vector<DataType>,
                 std::vector<std::string>, std::vector<PartialShape>, std::vector<Tensor>>;

/// A named attribute, as passed to op creation.
struct Attr {
  std::string name;
  AttrValue value;
};

/// Short text of an attr value for printing ("float32", "(2,)", "[1, 2]").
std::string attr_debug_string(const AttrValue& v);

}  // namespace scopeflow
