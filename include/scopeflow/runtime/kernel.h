// Kernels: the CPU code behind each op type. A kernel object is made once per node when a
// run plan is compiled (attrs are read then), and `compute` runs at every step.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scopeflow/base/error.h"
#include "scopeflow/base/tensor.h"
#include "scopeflow/graph/handles.h"

namespace Eigen {
class ThreadPoolDevice;
}

namespace scopeflow::runtime {

class SessionState;

/// One value flowing along an edge during a step. `ref` is set for reference outputs
/// (VariableV2): it points at the session's storage for the variable.
struct Value {
  Tensor tensor;
  Tensor* ref = nullptr;
  Operation ref_owner;   ///< the VariableV2 node behind `ref` (for error messages)
  bool dead = false;     ///< on the untaken side of a Switch
  bool owned = false;    ///< allocated by this slot's kernel: its buffer may be reused
};

/// What `compute` sees. Inputs are read-only; outputs are allocated through the context so
/// that the executor can hand back last step's buffer when the shape is unchanged.
class KernelContext {
 public:
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  const Tensor& input(int i) const { return inputs_[i]->tensor; }
  const Value& input_value(int i) const { return *inputs_[i]; }
  bool input_dead(int i) const { return inputs_[i]->dead; }
  /// The variable storage behind a reference input (Assign's `ref`). Null if not a ref.
  Tensor* ref_input(int i) const { return inputs_[i]->ref; }

  int num_outputs() const { return static_cast<int>(outputs_.size()); }
  /// An output tensor of `dtype` and `shape`, its elements uninitialized. Reuses the buffer
  /// this output had last step when nothing else holds it.
  Tensor& allocate_output(int i, DataType dtype, std::span<const int64_t> shape);
  Tensor& allocate_output(int i, DataType dtype, std::initializer_list<int64_t> shape) {
    return allocate_output(i, dtype, std::span<const int64_t>(shape.begin(), shape.size()));
  }
  /// Forwards an existing tensor (Identity, Reshape share their input's buffer).
  void set_output(int i, Tensor t);
  /// Makes output i a reference to variable storage (VariableV2, Assign's output).
  void set_output_ref(int i, Tensor* storage, Operation owner);
  void set_output_dead(int i);

  Operation op() const { return op_; }
  SessionState& session() const { return *session_; }
  /// Eigen's thread pool, for kernels large enough to split.
  const Eigen::ThreadPoolDevice& device() const { return *device_; }
  /// True when an op over `n` elements is worth splitting across the pool.
  static bool large(int64_t n) { return n >= 32768; }

  // Set up by the executor.
  std::vector<Value*> inputs_;
  std::span<Value> outputs_;
  Operation op_;
  SessionState* session_ = nullptr;
  const Eigen::ThreadPoolDevice* device_ = nullptr;
};

/// A compiled kernel for one node.
class OpKernel {
 public:
  virtual ~OpKernel() = default;
  virtual void compute(KernelContext& ctx) = 0;
};

/// Makes the kernel for `op` (reading its attrs); throws for unsupported attr values.
using KernelFactory = std::unique_ptr<OpKernel> (*)(Operation op);

void register_kernel(std::string_view type, KernelFactory factory);
/// The factory for `type`, or nullptr.
KernelFactory find_kernel(std::string_view type);

/// A kernel from a plain function (no per-node state): `register_fn("NoOp", &no_op)`.
using KernelFn = void (*)(KernelContext&);
void register_kernel_fn(std::string_view type, KernelFn fn);

/// Helpers for kernels: attrs read once when the kernel is made.
DataType attr_type(Operation op, std::string_view name);
int64_t attr_int(Operation op, std::string_view name, int64_t fallback = 0);
float attr_float(Operation op, std::string_view name, float fallback = 0);
bool attr_bool(Operation op, std::string_view name, bool fallback = false);
std::string attr_string(Operation op, std::string_view name);
std::vector<int64_t> attr_ints(Operation op, std::string_view name);

/// Kernel-time errors with TF's codes: kInvalidArgument ("Incompatible shapes: [2] vs. [3]"),
/// kFailedPrecondition, kOutOfRange...
[[noreturn]] void fail(Code code, std::string message);
/// TF's shape text in kernel messages: "[2,3]".
std::string shape_string(std::span<const int64_t> shape);

/// Calls `f(Tag{})` with Tag the C++ type of `t` (float, double, int32_t, int64_t, bool,
/// uint8_t, int8_t, int16_t, uint16_t); for any other dtype returns `otherwise()`.
template <typename F, typename G>
auto visit_dtype(DataType t, F&& f, G&& otherwise) -> decltype(f(float{})) {
  switch (t) {
    case DataType::kFloat:
      return f(float{});
    case DataType::kDouble:
      return f(double{});
    case DataType::kInt32:
      return f(int32_t{});
    case DataType::kInt64:
      return f(int64_t{});
    case DataType::kBool:
      return f(bool{});
    case DataType::kUInt8:
      return f(uint8_t{});
    case DataType::kInt8:
      return f(int8_t{});
    case DataType::kInt16:
      return f(int16_t{});
    case DataType::kUInt16:
      return f(uint16_t{});
    default:
      return otherwise();
  }
}

/// TF's text when an op has no kernel for a dtype.
[[noreturn]] void fail_no_kernel(std::string_view op_type, DataType t);

/// visit_dtype that fails with TF's "No OpKernel was registered..." for other dtypes.
template <typename F>
auto dispatch(DataType t, std::string_view op_type, F&& f) -> decltype(f(float{})) {
  return visit_dtype(t, f, [&]() -> decltype(f(float{})) { fail_no_kernel(op_type, t); });
}

namespace internal {
// Each kernel family registers once (find_kernel calls these on first use).
void register_state_kernels();
void register_array_kernels();
void register_math_kernels();
void register_nn_kernels();
void register_random_kernels();
void register_control_flow_kernels();
void register_training_kernels();
void register_gradient_support_kernels();
void register_io_kernels();       // SaveV2, RestoreV2 (src/runtime/kernels/io_kernels.cc)
void register_summary_kernels();  // *Summary ops (src/runtime/kernels/summary_kernels.cc)
void register_logging_kernels();  // Assert, Print, ... (src/runtime/kernels/logging_kernels.cc)
void register_math_gradient_support_kernels();
}  // namespace internal

}  // namespace scopeflow::runtime
