// The op registry, the shape-function context and the generic op builder.
#include "scopeflow/ops/op_registry.h"

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "scopeflow/base/error.h"
#include "scopeflow/ops/ops.h"

namespace scopeflow {

namespace {

struct Registry {
  std::shared_mutex mu;
  absl::flat_hash_map<std::string, OpDef> defs;
};

Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

void ensure_builtin_ops() {
  static std::once_flag once;
  std::call_once(once, [] {
    internal::register_state_ops();
    internal::register_array_ops();
    internal::register_math_ops();
    internal::register_nn_ops();
    internal::register_random_ops();
    internal::register_control_flow_ops();
    internal::register_training_ops();
    internal::register_gradient_support_ops();
    internal::register_io_ops();
    internal::register_summary_ops();
    internal::register_logging_ops();
  });
}


}  // namespace

std::string shape_text(const PartialShape& s) {
  if (!s.known_rank()) return "?";
  std::string out = "[";
  for (int i = 0; i < s.rank(); ++i) {
    if (i) out += ",";
    out += s.dim(i) < 0 ? "?" : std::to_string(s.dim(i));
  }
  return out + "]";
}

void register_op(OpDef def) {
  Registry& r = registry();
  std::unique_lock lock(r.mu);
  std::string key = def.type;
  r.defs.insert_or_assign(std::move(key), std::move(def));
}

const OpDef* find_op_def(std::string_view type) {
  ensure_builtin_ops();
  Registry& r = registry();
  std::shared_lock lock(r.mu);
  auto it = r.defs.find(absl::string_view(type.data(), type.size()));
  return it == r.defs.end() ? nullptr : &it->second;
}

std::vector<std::string> registered_op_types() {
  ensure_builtin_ops();
  Registry& r = registry();
  std::shared_lock lock(r.mu);
  std::vector<std::string> out;
  for (const auto& [k, v] : r.defs) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

// ---- ShapeContext ----

std::optional<Tensor> ShapeContext::input_value(int i) const {
  const Output& in = inputs_[i];
  const std::string_view type = in.op().type();
  if (type == "Const") {
    auto v = in.op().attr("value");
    if (v && std::holds_alternative<Tensor>(*v)) return std::get<Tensor>(*v);
    return std::nullopt;
  }
  if (type == "Shape" || type == "Size" || type == "Rank") {
    const PartialShape s = in.op().input(0).shape();
    const DataType out_t = base_dtype(in.dtype());
    if (type == "Rank") {
      if (!s.known_rank()) return std::nullopt;
      return Tensor::scalar<int32_t>(s.rank());
    }
    if (!s.fully_defined()) return std::nullopt;
    if (type == "Size") return Tensor::scalar<int64_t>(s.num_elements()).cast(out_t);
    std::vector<int64_t> d(s.dims().begin(), s.dims().end());
    return Tensor::vector(d).cast(out_t);
  }
  if (type == "Identity") {
    const Output src = in.op().input(0);
    ShapeContext c(op_name_, type_, std::span<const Output>(&src, 1), attrs_);
    return c.input_value(0);
  }
  return std::nullopt;
}

std::optional<std::vector<int64_t>> ShapeContext::input_ints(int i) const {
  auto v = input_value(i);
  if (!v || v->dtype() == DataType::kString) return std::nullopt;
  std::vector<int64_t> out(static_cast<size_t>(v->num_elements()));
  for (int64_t k = 0; k < v->num_elements(); ++k) out[k] = static_cast<int64_t>(v->as_double(k));
  return out;
}

PartialShape ShapeContext::input_as_shape(int i) const {
  if (auto ints = input_ints(i)) {
    PartialShape::Dims d;
    for (int64_t x : *ints) d.push_back(x < 0 ? -1 : x);
    const PartialShape given = input_shape(i);
    if (given.known_rank() && given.rank() == 0 && ints->size() == 1 && (*ints)[0] == -1)
      return PartialShape::unknown();  // a scalar -1 means "unknown rank"
    return PartialShape(std::move(d));
  }
  const Output& in = inputs_[i];
  const std::string_view type = in.op().type();
  if (type == "Shape") return in.op().input(0).shape();
  if (type == "Pack") {
    // Each element a scalar: a constant gives the dimension, anything else is unknown.
    const int n = in.op().num_inputs();
    std::vector<Output> parts = in.op().inputs();
    ShapeContext c(op_name_, type_, parts, attrs_);
    PartialShape::Dims d;
    for (int k = 0; k < n; ++k) {
      auto v = c.input_ints(k);
      d.push_back(v && v->size() == 1 && (*v)[0] >= 0 ? (*v)[0] : -1);
    }
    return PartialShape(std::move(d));
  }
  const PartialShape s = input_shape(i);
  if (s.known_rank() && s.rank() == 1 && s.dim(0) >= 0)
    return PartialShape::unknown_of_rank(static_cast<int>(s.dim(0)));
  return PartialShape::unknown();
}

const AttrValue* ShapeContext::attr(std::string_view name) const {
  for (const Attr& a : attrs_)
    if (a.name == name) return &a.value;
  return nullptr;
}
int64_t ShapeContext::attr_int(std::string_view name, int64_t fallback) const {
  const AttrValue* v = attr(name);
  return v && std::holds_alternative<int64_t>(*v) ? std::get<int64_t>(*v) : fallback;
}
float ShapeContext::attr_float(std::string_view name, float fallback) const {
  const AttrValue* v = attr(name);
  return v && std::holds_alternative<float>(*v) ? std::get<float>(*v) : fallback;
}
bool ShapeContext::attr_bool(std::string_view name, bool fallback) const {
  const AttrValue* v = attr(name);
  return v && std::holds_alternative<bool>(*v) ? std::get<bool>(*v) : fallback;
}
DataType ShapeContext::attr_type(std::string_view name, DataType fallback) const {
  const AttrValue* v = attr(name);
  return v && std::holds_alternative<DataType>(*v) ? std::get<DataType>(*v) : fallback;
}
std::string ShapeContext::attr_string(std::string_view name) const {
  const AttrValue* v = attr(name);
  return v && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : "";
}
std::vector<int64_t> ShapeContext::attr_ints(std::string_view name) const {
  const AttrValue* v = attr(name);
  return v && std::holds_alternative<std::vector<int64_t>>(*v) ? std::get<std::vector<int64_t>>(*v)
                                                               : std::vector<int64_t>{};
}
PartialShape ShapeContext::attr_shape(std::string_view name) const {
  const AttrValue* v = attr(name);
  return v && std::holds_alternative<PartialShape>(*v) ? std::get<PartialShape>(*v)
                                                       : PartialShape::unknown();
}

void ShapeContext::set_output(int i, DataType dtype, PartialShape shape) {
  if (static_cast<int>(outputs_.size()) <= i)
    outputs_.resize(i + 1, Graph::OutputSpec{DataType::kInvalid, PartialShape::unknown()});
  outputs_[i] = Graph::OutputSpec{dtype, std::move(shape)};
}

void ShapeContext::fail(std::string_view detail) const {
  std::string shapes;
  for (int i = 0; i < num_inputs(); ++i) {
    if (i) shapes += ", ";
    shapes += shape_text(input_shape(i));
  }
  throw Error(Code::kInvalidArgument,
              fmt::format("{} for '{}' (op: '{}') with input shapes: {}.", detail, op_name_, type_,
                          shapes));
}

PartialShape ShapeContext::merge(const PartialShape& a, const PartialShape& b) const {
  if (!a.known_rank()) return b;
  if (!b.known_rank()) return a;
  if (a.rank() != b.rank())
    fail(fmt::format("Shapes must be equal rank, but are {} and {}", a.rank(), b.rank()));
  PartialShape::Dims d(a.rank(), -1);
  for (int i = 0; i < a.rank(); ++i) {
    const int64_t x = a.dim(i), y = b.dim(i);
    if (x >= 0 && y >= 0 && x != y)
      fail(fmt::format(
          "Dimension {} in both shapes must be equal, but are {} and {}. Shapes are {} and {}.", i,
          x, y, shape_text(a), shape_text(b)));
    d[i] = x >= 0 ? x : y;
  }
  return PartialShape(std::move(d));
}

PartialShape ShapeContext::broadcast(const PartialShape& a, const PartialShape& b) const {
  if (!a.known_rank() || !b.known_rank()) return PartialShape::unknown();
  const int r = std::max(a.rank(), b.rank());
  PartialShape::Dims d(r, -1);
  for (int i = 0; i < r; ++i) {
    const int ia = a.rank() - r + i, ib = b.rank() - r + i;
    const int64_t da = ia >= 0 ? a.dim(ia) : 1, db = ib >= 0 ? b.dim(ib) : 1;
    if (da == 1) {
      d[i] = db;
    } else if (db == 1) {
      d[i] = da;
    } else if (da < 0 || db < 0) {
      d[i] = da < 0 ? (db < 0 ? -1 : db) : da;
    } else if (da == db) {
      d[i] = da;
    } else {
      fail(fmt::format("Dimensions must be equal, but are {} and {}", da, db));
    }
  }
  return PartialShape(std::move(d));
}

PartialShape ShapeContext::with_rank(const PartialShape& s, int rank) const {
  if (!s.known_rank()) return PartialShape::unknown_of_rank(rank);
  if (s.rank() != rank)
    fail(fmt::format("Shape must be rank {} but is rank {}", rank, s.rank()));
  return s;
}

// ---- Builders ----

namespace ops {

Operation create(const Scope& scope, std::string_view type, std::string_view name,
                 std::span<const Output> inputs, std::span<const Attr> attrs,
                 std::span<const Operation> control_inputs) {
  const OpDef* def = find_op_def(type);
  if (!def || !def->shape)
    throw Error(Code::kNotFound, fmt::format("Op type not registered '{}'", type));
  // The name the op will get, for shape errors (TF reports them after naming the op).
  std::string shown;
  if (!name.empty() && name.back() == '/') {
    shown = std::string(name.substr(0, name.size() - 1));
  } else {
    const std::string_view stack = scope.name_stack();
    shown = stack.empty() ? std::string(name) : fmt::format("{}/{}", stack, name);
  }
  ShapeContext ctx(shown, type, inputs, attrs);
  def->shape(ctx);
  return scope.graph().create_op(scope, type, name, inputs, attrs, ctx.outputs(), control_inputs);
}

OpBuilder::OpBuilder(const Scope& scope, std::string_view type, std::string_view name,
                     std::string_view default_name)
    : type_(type),
      op_scope_(scope.name_scope(!name.empty()               ? name
                                 : !default_name.empty() ? default_name
                                                         : type)) {}

Output OpBuilder::input(const Input& in, std::string_view arg, std::optional<DataType> dtype) {
  Output t = convert_to_tensor(op_scope_, in, arg, dtype);
  inputs_.push_back(t);
  return t;
}

OpBuilder& OpBuilder::add(const Output& t) {
  inputs_.push_back(t);
  return *this;
}

OpBuilder& OpBuilder::attr(std::string name, AttrValue value) {
  attrs_.push_back(Attr{std::move(name), std::move(value)});
  return *this;
}

Operation OpBuilder::finish() {
  return create(op_scope_, type_, op_scope_.name_scope_string(), inputs_, attrs_);
}

}  // namespace ops
}  // namespace scopeflow
