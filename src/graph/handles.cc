// Operation and Output: reads of a graph's stored nodes, and TF's printed forms.
#include "scopeflow/graph/handles.h"

#include <fmt/format.h>

#include "scopeflow/base/error.h"
#include "scopeflow/graph/graph.h"

namespace scopeflow {

std::string_view Operation::name() const { return graph_->node(index_).name; }
std::string_view Operation::type() const { return graph_->type_name(graph_->node(index_).type); }
std::string_view Operation::device() const {
  return graph_->device_name(graph_->node(index_).device);
}
int Operation::num_inputs() const { return graph_->node(index_).num_inputs; }
Output Operation::input(int i) const {
  const auto& e = graph_->node(index_).inputs[i];
  return Output(Operation(graph_, e.node), static_cast<int>(e.index));
}
std::vector<Output> Operation::inputs() const {
  std::vector<Output> v;
  for (int i = 0; i < num_inputs(); ++i) v.push_back(input(i));
  return v;
}
int Operation::num_control_inputs() const { return graph_->node(index_).num_control; }
Operation Operation::control_input(int i) const {
  return Operation(graph_, graph_->node(index_).control_inputs[i]);
}
std::vector<Operation> Operation::control_inputs() const {
  std::vector<Operation> v;
  for (int i = 0; i < num_control_inputs(); ++i) v.push_back(control_input(i));
  return v;
}
int Operation::num_outputs() const { return graph_->node(index_).num_outputs; }
Output Operation::output(int i) const {
  SF_CHECK(i >= 0 && i < num_outputs(), "output index out of range");
  return Output(*this, i);
}
std::vector<Output> Operation::outputs() const {
  std::vector<Output> v;
  for (int i = 0; i < num_outputs(); ++i) v.emplace_back(*this, i);
  return v;
}
namespace {
AttrValue stored_value(const internal::NodeData::StoredAttr& a) {
  using Kind = internal::NodeData::StoredAttr::Kind;
  switch (a.kind) {
    case Kind::kInt:
      return a.i;
    case Kind::kFloat:
      return a.f;
    case Kind::kBool:
      return a.b;
    case Kind::kType:
      return a.t;
    case Kind::kOther:
      return *a.other;
  }
  return int64_t{0};
}
}  // namespace

std::optional<AttrValue> Operation::attr(std::string_view key) const {
  const auto& n = graph_->node(index_);
  for (int i = 0; i < n.num_attrs; ++i)
    if (graph_->attr_name(n.attrs[i].key) == key) return stored_value(n.attrs[i]);
  return std::nullopt;
}
std::vector<std::pair<std::string_view, AttrValue>> Operation::attrs() const {
  const auto& n = graph_->node(index_);
  std::vector<std::pair<std::string_view, AttrValue>> v;
  for (int i = 0; i < n.num_attrs; ++i)
    v.emplace_back(graph_->attr_name(n.attrs[i].key), stored_value(n.attrs[i]));
  return v;
}
std::string Operation::repr() const {
  return fmt::format("<tf.Operation '{}' type={}>", name(), type());
}

DataType Output::dtype() const { return graph()->node(op_.index()).outputs[index_].dtype; }
PartialShape Output::shape() const {
  const auto& info = graph()->node(op_.index()).outputs[index_];
  if (info.rank < 0) return PartialShape::unknown();
  return PartialShape(PartialShape::Dims(info.dims, info.dims + info.rank));
}
void Output::set_shape(const PartialShape& shape) const {
  PartialShape merged = this->shape().merge_with(shape);
  std::lock_guard<std::mutex> lock(graph()->mutex());
  graph()->store_shape(graph()->mutable_node(op_.index()).outputs[index_], merged);
}
std::string Output::name() const { return fmt::format("{}:{}", op_.name(), index_); }
std::string Output::str() const {
  std::string s = fmt::format("Tensor(\"{}\"", name());
  if (shape().known_rank()) s += ", shape=" + shape().to_string();
  s += ", dtype=" + dtype_name(dtype());
  if (!op_.device().empty()) s += fmt::format(", device={}", op_.device());
  return s + ")";
}
std::string Output::repr() const {
  return fmt::format("<tf.Tensor '{}' shape={} dtype={}>", name(), shape().to_string(),
                     dtype_name(dtype()));
}

std::string CollectionItem::name() const {
  switch (kind) {
    case Kind::kOperation:
      return std::string(op.name());
    case Kind::kTensor:
      return tensor.name();
    case Kind::kVariable:
      return variable.name();
    case Kind::kPartitionedVariable:
      return user_name;
    case Kind::kOther:
      return user_name;
  }
  return {};
}

bool CollectionItem::operator==(const CollectionItem& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kOperation:
      return op == o.op;
    case Kind::kTensor:
      return tensor == o.tensor;
    case Kind::kVariable:
      return variable == o.variable;
    default:
      return user_object == o.user_object && user_name == o.user_name;
  }
}

std::string attr_debug_string(const AttrValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, float>) {
          return fmt::format("{}", x);
        } else if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, DataType>) {
          return dtype_name(x);
        } else if constexpr (std::is_same_v<T, std::string>) {
          return "\"" + x + "\"";
        } else if constexpr (std::is_same_v<T, PartialShape>) {
          return x.to_string();
        } else if constexpr (std::is_same_v<T, Tensor>) {
          return x.debug_string();
        } else {
          return fmt::format("list[{}]", x.size());
        }
      },
      v);
}

}  // namespace scopeflow
