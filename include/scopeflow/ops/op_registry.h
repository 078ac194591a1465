// The op registry: for each op type, its shape function and the facts the executor needs
// (which inputs are references, whether it is stateful). Builders and import use it to give
// every new node TF's output dtypes and static shapes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scopeflow/base/shape.h"
#include "scopeflow/base/tensor.h"
#include "scopeflow/graph/attr.h"
#include "scopeflow/graph/graph.h"
#include "scopeflow/graph/handles.h"
#include "scopeflow/graph/input.h"
#include "scopeflow/naming/scope.h"

namespace scopeflow {

/// What a shape function sees: the new op's name, type, inputs and attrs; it sets the
/// outputs. Mirrors TF's InferenceContext, on PartialShape.
class ShapeContext {
 public:
  ShapeContext(std::string_view op_name, std::string_view type, std::span<const Output> inputs,
               std::span<const Attr> attrs)
      : op_name_(op_name), type_(type), inputs_(inputs), attrs_(attrs) {}

  std::string_view op_name() const { return op_name_; }
  std::string_view type() const { return type_; }
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  const Output& input(int i) const { return inputs_[i]; }
  PartialShape input_shape(int i) const { return inputs_[i].shape(); }
  /// The input's dtype without its reference bit.
  DataType input_dtype(int i) const { return base_dtype(inputs_[i].dtype()); }
  /// The input's value when it is known while building: a Const, or Shape/Size/Rank of an
  /// input whose static shape answers it (TF's InferenceContext::input_tensor plus the
  /// constant folding of shape ops).
  std::optional<Tensor> input_value(int i) const;
  /// input_value as int64s (for shape, axis and size arguments).
  std::optional<std::vector<int64_t>> input_ints(int i) const;
  /// TF's MakeShapeFromShapeTensor: a shape given as a 1-D int tensor, partially known when
  /// it is built by Pack/ConcatV2 of constants and unknowns, or from a Shape op.
  PartialShape input_as_shape(int i) const;

  const AttrValue* attr(std::string_view name) const;
  int64_t attr_int(std::string_view name, int64_t fallback = 0) const;
  float attr_float(std::string_view name, float fallback = 0) const;
  bool attr_bool(std::string_view name, bool fallback = false) const;
  DataType attr_type(std::string_view name, DataType fallback = DataType::kInvalid) const;
  std::string attr_string(std::string_view name) const;
  std::vector<int64_t> attr_ints(std::string_view name) const;
  PartialShape attr_shape(std::string_view name) const;

  /// Sets output i (outputs grow as needed).
  void set_output(int i, DataType dtype, PartialShape shape);
  std::vector<Graph::OutputSpec>& outputs() { return outputs_; }

  /// TF's shape-inference error: "<detail> for '<op>' (op: '<Type>') with input shapes:
  /// [2], [3]." as kInvalidArgument (a ValueError in Python).
  [[noreturn]] void fail(std::string_view detail) const;
  /// Merges two shapes, failing with TF's "Dimension 0 in both shapes must be equal..." text.
  PartialShape merge(const PartialShape& a, const PartialShape& b) const;
  /// numpy broadcasting of two static shapes (TF's BroadcastBinaryOpShapeFn).
  PartialShape broadcast(const PartialShape& a, const PartialShape& b) const;
  /// Requires rank `rank` (when known), failing as TF's WithRank does.
  PartialShape with_rank(const PartialShape& s, int rank) const;

 private:
  std::string_view op_name_, type_;
  std::span<const Output> inputs_;
  std::span<const Attr> attrs_;
  std::vector<Graph::OutputSpec> outputs_;
};

/// TF's shape text in shape-inference errors: "[2,3]", "[?,3]", "?" for an unknown rank.
std::string shape_text(const PartialShape& s);

/// One op type's registration.
struct OpDef {
  using ShapeFn = void (*)(ShapeContext&);
  std::string type;
  ShapeFn shape = nullptr;
  uint32_t ref_inputs = 0;  ///< bit i: input i is taken by reference (Assign's `ref`)
  bool stateful = false;    ///< never cached or pruned as constant (random ops, variables)
};

/// Registers an op type (later registrations of a type replace earlier ones).
void register_op(OpDef def);
/// The registration of `type`, or nullptr.
const OpDef* find_op_def(std::string_view type);
/// Every registered type, sorted (for tests and `sf`).
std::vector<std::string> registered_op_types();

namespace ops {

/// The generic builder every op function ends in: creates op `type` named after `scope`'s
/// current name scope plus `name` (TF's create_op naming: uniquified; a name ending in "/" is
/// used as is), with output dtypes and shapes from the registered shape function. Throws
/// kNotFound for an unregistered type.
Operation create(const Scope& scope, std::string_view type, std::string_view name,
                 std::span<const Output> inputs, std::span<const Attr> attrs,
                 std::span<const Operation> control_inputs = {});

/// TF's generated-wrapper shape for ops built from C++: opens name_scope(name or
/// default_name), converts each argument inside it (a literal becomes `<scope>/<arg>`), then
/// `create`s the op named after that scope.
///
///   OpBuilder b(scope, "MatMul", name);
///   Output a = b.input(x, "a"), bb = b.input(y, "b", a.dtype());
///   return b.attr("transpose_a", false).attr("T", a.dtype()).finish().output(0);
class OpBuilder {
 public:
  OpBuilder(const Scope& scope, std::string_view type, std::string_view name,
            std::string_view default_name = "");
  /// Converts `in` inside the op's scope (named `arg` when it becomes a Const) and appends it.
  Output input(const Input& in, std::string_view arg,
               std::optional<DataType> dtype = std::nullopt);
  /// Appends a tensor already built.
  OpBuilder& add(const Output& t);
  OpBuilder& attr(std::string name, AttrValue value);
  const Scope& scope() const { return op_scope_; }
  const std::vector<Output>& inputs() const { return inputs_; }
  Operation finish();

 private:
  std::string_view type_;
  Scope op_scope_;
  std::vector<Output> inputs_;
  std::vector<Attr> attrs_;
};

}  // namespace ops

namespace internal {
// Each op family registers its ops once (called by find_op_def on first use).
void register_state_ops();
void register_array_ops();
void register_math_ops();
void register_nn_ops();
void register_random_ops();
void register_control_flow_ops();
void register_training_ops();
// The ops only gradients build (ShapeN, Pad, ConcatOffset, SqrtGrad...; src/train/*_grad.cc).
void register_gradient_support_ops();
void register_io_ops();       // SaveV2, RestoreV2, ... (src/ops/io_ops.cc)
void register_summary_ops();  // ScalarSummary, ... (src/ops/summary_ops.cc)
void register_logging_ops();  // Assert, Print, ... (src/ops/logging_ops.cc)
void register_math_gradient_support_ops();
}  // namespace internal

}  // namespace scopeflow
