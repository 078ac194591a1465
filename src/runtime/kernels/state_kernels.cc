// CPU kernels of the state and basic graph ops: Const, Placeholder, PlaceholderWithDefault,
// Identity, NoOp, VariableV2, Assign, AssignAdd, AssignSub.
#include <fmt/format.h>

#include <optional>

#include "scopeflow/graph/graph.h"
#include "scopeflow/runtime/kernel.h"
#include "scopeflow/runtime/session.h"

namespace scopeflow::runtime::internal {

namespace {

class ConstKernel : public OpKernel {
 public:
  explicit ConstKernel(Operation op) : value_(std::get<Tensor>(*op.attr("value"))) {}
  void compute(KernelContext& ctx) override { ctx.set_output(0, value_); }

 private:
  Tensor value_;
};

// TF's DataTypeString: "float", "double", "int32"...
std::string tf_type_string(DataType t) {
  switch (base_dtype(t)) {
    case DataType::kFloat:
      return "float";
    case DataType::kDouble:
      return "double";
    case DataType::kHalf:
      return "half";
    default:
      return dtype_name(base_dtype(t));
  }
}

class PlaceholderKernel : public OpKernel {
 public:
  explicit PlaceholderKernel(Operation op) {
    const DataType t = attr_type(op, "dtype");
    auto shape = op.attr("shape");
    const PartialShape s = shape ? std::get<PartialShape>(*shape) : PartialShape::unknown();
    message_ = fmt::format("You must feed a value for placeholder tensor '{}' with dtype {}",
                           op.name(), tf_type_string(t));
    if (s.known_rank() && s.rank() > 0) {
      std::string dims;
      for (int i = 0; i < s.rank(); ++i)
        dims += (i ? "," : "") + (s.dim(i) < 0 ? std::string("?") : std::to_string(s.dim(i)));
      message_ += fmt::format(" and shape [{}]", dims);
    }
  }
  void compute(KernelContext&) override { fail(Code::kInvalidArgument, message_); }

 private:
  std::string message_;
};

void identity(KernelContext& ctx) { ctx.set_output(0, ctx.input(0)); }
void no_op(KernelContext&) {}

class VariableKernel : public OpKernel {
 public:
  explicit VariableKernel(Operation op) : op_(op) {}
  void compute(KernelContext& ctx) override {
    if (!storage_) storage_ = ctx.session().variable(op_.index());
    ctx.set_output_ref(0, storage_, op_);
  }

 private:
  Operation op_;
  Tensor* storage_ = nullptr;
};

// The storage behind a ref input, writable: copied first when a reader still shares it, so
// values fetched or read earlier in the step keep what they saw.
Tensor& writable(Tensor* storage) {
  if (storage->valid() && !storage->buffer_unique()) *storage = storage->clone();
  return *storage;
}

void assign(KernelContext& ctx) {
  Tensor* ref = ctx.ref_input(0);
  SF_CHECK(ref != nullptr, "Assign needs a reference input");
  const Tensor& value = ctx.input(1);
  const Value& in = ctx.input_value(0);
  const bool validate = attr_bool(ctx.op(), "validate_shape", true);
  if (validate) {
    // An uninitialized variable is checked against its declared shape, as TF's variable
    // (allocated with that shape) is: restoring a [3] tensor into a [2] variable fails.
    std::optional<std::vector<int64_t>> lhs;
    if (ref->valid()) {
      lhs.emplace(ref->shape().begin(), ref->shape().end());
    } else if (in.ref_owner.valid()) {
      const auto declared = in.ref_owner.attr("shape");
      const auto* p = declared ? std::get_if<PartialShape>(&*declared) : nullptr;
      if (p && p->fully_defined()) lhs.emplace(p->dims().begin(), p->dims().end());
    }
    if (lhs && !std::equal(lhs->begin(), lhs->end(), value.shape().begin(), value.shape().end()))
      fail(Code::kInvalidArgument,
           fmt::format("Assign requires shapes of both tensors to match. lhs shape= {} rhs shape= {}",
                       shape_string(*lhs), shape_string(value.shape())));
  }
  if (ref->valid() && ref->buffer_unique() && ref->same_layout(value.dtype(), value.shape()) &&
      value.dtype() != DataType::kString) {
    if (value.byte_size()) std::memcpy(ref->raw(), value.raw(), value.byte_size());
  } else {
    *ref = value.clone();
  }
  ctx.set_output_ref(0, ref, in.ref_owner);
}

template <bool kAdd>
void assign_update(KernelContext& ctx) {
  Tensor* ref = ctx.ref_input(0);
  SF_CHECK(ref != nullptr, "AssignAdd needs a reference input");
  const Value& in = ctx.input_value(0);
  if (!ref->valid())
    fail(Code::kFailedPrecondition,
         fmt::format("Attempting to use uninitialized value {}", in.ref_owner.name()));
  const Tensor& value = ctx.input(1);
  if (ref->shape() != value.shape())
    fail(Code::kInvalidArgument,
         fmt::format("Must have the same shape, but have lhs shape= {} rhs shape= {}",
                     shape_string(ref->shape()), shape_string(value.shape())));
  Tensor& out = writable(ref);
  dispatch(out.dtype(), ctx.op().type(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      fail(Code::kInvalidArgument, "AssignAdd does not support bool");
    } else {
      T* d = out.data<T>();
      const T* v = value.data<T>();
      const int64_t n = out.num_elements();
      for (int64_t i = 0; i < n; ++i) d[i] = kAdd ? T(d[i] + v[i]) : T(d[i] - v[i]);
    }
  });
  ctx.set_output_ref(0, ref, in.ref_owner);
}

template <typename K>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<K>(op);
}

}  // namespace

void register_state_kernels() {
  register_kernel("Const", &make<ConstKernel>);
  register_kernel("Placeholder", &make<PlaceholderKernel>);
  register_kernel_fn("PlaceholderWithDefault", &identity);
  register_kernel_fn("Identity", &identity);
  register_kernel_fn("StopGradient", &identity);
  register_kernel_fn("NoOp", &no_op);
  register_kernel("VariableV2", &make<VariableKernel>);
  register_kernel_fn("Assign", &assign);
  register_kernel_fn("AssignAdd", &assign_update<true>);
  register_kernel_fn("AssignSub", &assign_update<false>);
}

}  // namespace scopeflow::runtime::internal
