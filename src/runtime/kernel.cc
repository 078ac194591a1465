// The kernel registry, KernelContext's output handling and the shared thread pool.
#define EIGEN_USE_THREADS
#include "scopeflow/runtime/kernel.h"

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unsupported/Eigen/CXX11/Tensor>

#include "scopeflow/graph/graph.h"

namespace scopeflow::runtime {

namespace {

struct KernelRegistry {
  std::shared_mutex mu;
  absl::flat_hash_map<std::string, KernelFactory> factories;
  absl::flat_hash_map<std::string, KernelFn> fns;
};

KernelRegistry& kernel_registry() {
  static KernelRegistry* r = new KernelRegistry();
  return *r;
}

void ensure_builtin_kernels() {
  static std::once_flag once;
  std::call_once(once, [] {
    internal::register_state_kernels();
    internal::register_array_kernels();
    internal::register_math_kernels();
    internal::register_nn_kernels();
    internal::register_random_kernels();
    internal::register_control_flow_kernels();
    internal::register_training_kernels();
    internal::register_gradient_support_kernels();
    internal::register_io_kernels();
    internal::register_summary_kernels();
    internal::register_logging_kernels();
  });
}

// A kernel that calls a plain function.
class FnKernel : public OpKernel {
 public:
  explicit FnKernel(KernelFn fn) : fn_(fn) {}
  void compute(KernelContext& ctx) override { fn_(ctx); }

 private:
  KernelFn fn_;
};

}  // namespace

void register_kernel(std::string_view type, KernelFactory factory) {
  KernelRegistry& r = kernel_registry();
  std::unique_lock lock(r.mu);
  r.factories.insert_or_assign(std::string(type), factory);
}

void register_kernel_fn(std::string_view type, KernelFn fn) {
  KernelRegistry& r = kernel_registry();
  std::unique_lock lock(r.mu);
  r.fns.insert_or_assign(std::string(type), fn);
  r.factories.insert_or_assign(std::string(type), [](Operation op) -> std::unique_ptr<OpKernel> {
    KernelRegistry& reg = kernel_registry();
    std::shared_lock l(reg.mu);
    return std::make_unique<FnKernel>(reg.fns.at(std::string(op.type())));
  });
}

KernelFactory find_kernel(std::string_view type) {
  ensure_builtin_kernels();
  KernelRegistry& r = kernel_registry();
  std::shared_lock lock(r.mu);
  auto it = r.factories.find(absl::string_view(type.data(), type.size()));
  return it == r.factories.end() ? nullptr : it->second;
}

Tensor& KernelContext::allocate_output(int i, DataType dtype, std::span<const int64_t> shape) {
  Value& v = outputs_[i];
  v.dead = false;
  v.ref = nullptr;
  if (!(v.owned && v.tensor.same_layout(dtype, shape) && v.tensor.buffer_unique())) {
    v.tensor = Tensor::uninitialized(dtype, shape);
    v.owned = true;
  }
  return v.tensor;
}

void KernelContext::set_output(int i, Tensor t) {
  Value& v = outputs_[i];
  v.tensor = std::move(t);
  v.owned = false;
  v.dead = false;
  v.ref = nullptr;
}

void KernelContext::set_output_ref(int i, Tensor* storage, Operation owner) {
  Value& v = outputs_[i];
  v.tensor = Tensor();
  v.owned = false;
  v.dead = false;
  v.ref = storage;
  v.ref_owner = owner;
}

void KernelContext::set_output_dead(int i) {
  Value& v = outputs_[i];
  v.dead = true;
  v.ref = nullptr;
  if (!v.owned) v.tensor = Tensor();
}

namespace {
template <typename T>
const T* find_attr(const std::optional<AttrValue>& v) {
  return v ? std::get_if<T>(&*v) : nullptr;
}
}  // namespace

DataType attr_type(Operation op, std::string_view name) {
  auto v = op.attr(name);
  const DataType* t = find_attr<DataType>(v);
  return t ? *t : DataType::kInvalid;
}
int64_t attr_int(Operation op, std::string_view name, int64_t fallback) {
  auto v = op.attr(name);
  const int64_t* t = find_attr<int64_t>(v);
  return t ? *t : fallback;
}
float attr_float(Operation op, std::string_view name, float fallback) {
  auto v = op.attr(name);
  const float* t = find_attr<float>(v);
  return t ? *t : fallback;
}
bool attr_bool(Operation op, std::string_view name, bool fallback) {
  auto v = op.attr(name);
  const bool* t = find_attr<bool>(v);
  return t ? *t : fallback;
}
std::string attr_string(Operation op, std::string_view name) {
  auto v = op.attr(name);
  const std::string* t = find_attr<std::string>(v);
  return t ? *t : std::string();
}
std::vector<int64_t> attr_ints(Operation op, std::string_view name) {
  auto v = op.attr(name);
  const std::vector<int64_t>* t = find_attr<std::vector<int64_t>>(v);
  return t ? *t : std::vector<int64_t>{};
}

void fail(Code code, std::string message) { throw Error(code, std::move(message)); }

void fail_no_kernel(std::string_view op_type, DataType t) {
  fail(Code::kInvalidArgument, fmt::format("No OpKernel was registered to support Op '{}' with dtype {}",
                                           op_type, dtype_name(t)));
}

std::string shape_string(std::span<const int64_t> shape) {
  return fmt::format("[{}]", fmt::join(shape, ","));
}

namespace internal {
// The process-wide pool for intra-op parallelism (one thread per core).
const Eigen::ThreadPoolDevice& thread_pool_device() {
  static Eigen::ThreadPool* pool =
      new Eigen::ThreadPool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  static Eigen::ThreadPoolDevice* device = new Eigen::ThreadPoolDevice(pool, pool->NumThreads());
  return *device;
}
}  // namespace internal

}  // namespace scopeflow::runtime
