// Small value handles onto a graph's nodes: Operation (a node) and Output (node:index).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scopeflow/base/dtype.h"
#include "scopeflow/base/shape.h"
#include "scopeflow/graph/attr.h"

namespace scopeflow {

class Graph;
class Output;

/// A node of a Graph, by index. Trivially copyable; valid while its graph lives (as TF's
/// C++ `Operation`). Reading a node is lock-free: nodes never move or change after creation,
/// except `set_shape` on outputs.
///
///   Operation op = graph.operation_by_name("layer/MatMul");
///   op.type();   // "MatMul"
class Operation {
 public:
  Operation() = default;
  Operation(const Graph* graph, uint32_t index)
      : graph_(const_cast<Graph*>(graph)), index_(index) {}

  bool valid() const { return graph_ != nullptr; }
  Graph* graph() const { return graph_; }
  uint32_t index() const { return index_; }

  std::string_view name() const;
  /// TF's op type string ("Const", "VariableV2").
  std::string_view type() const;
  std::string_view device() const;

  int num_inputs() const;
  Output input(int i) const;
  std::vector<Output> inputs() const;
  int num_control_inputs() const;
  Operation control_input(int i) const;
  std::vector<Operation> control_inputs() const;
  int num_outputs() const;
  Output output(int i) const;
  std::vector<Output> outputs() const;

  /// The attribute named `key`, or nullopt.
  std::optional<AttrValue> attr(std::string_view key) const;
  /// All attributes in creation order.
  std::vector<std::pair<std::string_view, AttrValue>> attrs() const;

  /// TF's repr: "<tf.Operation 'c' type=Const>".
  std::string repr() const;

  bool operator==(const Operation& o) const { return graph_ == o.graph_ && index_ == o.index_; }
  bool operator!=(const Operation& o) const { return !(*this == o); }

 private:
  Graph* graph_ = nullptr;
  uint32_t index_ = 0;
};

/// A symbolic tensor: output `index` of an operation (TF's `Output` / Python `Tensor`).
class Output {
 public:
  Output() = default;
  Output(Operation op, int index) : op_(op), index_(index) {}

  bool valid() const { return op_.valid(); }
  Operation op() const { return op_; }
  int index() const { return index_; }
  Graph* graph() const { return op_.graph(); }

  DataType dtype() const;
  PartialShape shape() const;
  /// Narrows the static shape (TF's Tensor.set_shape); throws kInvalidArgument when
  /// incompatible.
  void set_shape(const PartialShape& shape) const;
  /// "op:index".
  std::string name() const;
  /// str(tensor): Tensor("name1/var1/Add:0", shape=(2,), dtype=float32)
  std::string str() const;
  /// repr(tensor): <tf.Tensor 'Const:0' shape=(2, 2) dtype=float32>
  std::string repr() const;

  bool operator==(const Output& o) const { return op_ == o.op_ && index_ == o.index_; }
  bool operator!=(const Output& o) const { return !(*this == o); }

 private:
  Operation op_;
  int index_ = 0;
};

}  // namespace scopeflow

template <>
struct std::hash<scopeflow::Operation> {
  size_t operator()(const scopeflow::Operation& op) const noexcept {
    return std::hash<const void*>()(op.graph()) ^ (size_t{op.index()} * 0x9E3779B97F4A7C15ull);
  }
};
template <>
struct std::hash<scopeflow::Output> {
  size_t operator()(const scopeflow::Output& o) const noexcept {
    return std::hash<scopeflow::Operation>()(o.op()) + static_cast<size_t>(o.index());
  }
};
