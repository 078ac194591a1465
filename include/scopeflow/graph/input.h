// Input: what an op argument may be — a graph tensor, a variable, or a constant to convert.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "scopeflow/base/tensor.h"
#include "scopeflow/graph/handles.h"

namespace scopeflow {

class Variable;

/// An op argument, TF's `Input`: a tensor already in the graph, or a value that the op
/// converts to a `Const` inside its own name scope (`Add/y`). A variable stands for its
/// snapshot (`v/read:0`). Literal values are "weakly typed" as in TF: a Python/C++ int
/// literal converts to a float input, a float literal never converts to an int input.
class Input {
 public:
  Input(Output out) : out_(out) {}  // NOLINT: implicit, as TF's Input
  Input(const Variable& v);         // NOLINT
  Input(const Tensor& value, bool literal = false) : value_(value), literal_(literal) {}  // NOLINT
  Input(float v) : value_(Tensor::scalar(v)), literal_(true) {}                           // NOLINT
  Input(double v) : value_(Tensor::scalar(static_cast<float>(v))), literal_(true) {}      // NOLINT
  Input(int32_t v) : value_(Tensor::scalar(v)), literal_(true) {}                         // NOLINT
  Input(bool v) : value_(Tensor::scalar(v)), literal_(true) {}                            // NOLINT
  Input(std::initializer_list<float> v)                                                   // NOLINT
      : value_(Tensor::vector(std::vector<float>(v))), literal_(true) {}
  Input(std::initializer_list<int32_t> v)  // NOLINT
      : value_(Tensor::vector(std::vector<int32_t>(v))), literal_(true) {}

  bool is_tensor() const { return out_.valid(); }
  const Output& tensor() const { return out_; }
  const Tensor& value() const { return value_; }
  bool literal() const { return literal_; }
  /// The dtype this input has, or would have if converted without a hint.
  DataType dtype() const { return is_tensor() ? out_.dtype() : value_.dtype(); }

 private:
  Output out_;
  Tensor value_;
  bool literal_ = false;
};

}  // namespace scopeflow
