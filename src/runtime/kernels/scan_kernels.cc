// CPU kernels of Cumsum and Cumprod (TF's ScanOp): inclusive or exclusive, forward or reverse
// scans along one axis.
#include <fmt/format.h>

#include <type_traits>
#include <vector>

#include "scopeflow/graph/graph.h"
#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

namespace {

template <bool kProd>
class ScanKernel : public OpKernel {
 public:
  explicit ScanKernel(Operation op)
      : exclusive_(attr_bool(op, "exclusive")), reverse_(attr_bool(op, "reverse")) {}

  void compute(KernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    const Tensor& axis_t = ctx.input(1);
    if (!axis_t.shape().empty())
      fail(Code::kInvalidArgument,
           "ScanOp: axis must be a scalar, not " + shape_string(axis_t.shape()));
    const int64_t dims = static_cast<int64_t>(in.shape().size());
    const int64_t arg = axis_t.dtype() == DataType::kInt64 ? axis_t.data<int64_t>()[0]
                                                           : axis_t.data<int32_t>()[0];
    const int64_t axis = arg < 0 ? dims + arg : arg;
    if (axis < 0 || axis >= dims)
      fail(Code::kInvalidArgument,
           fmt::format("ScanOp: Expected scan axis in the range [{}, {}), but got {}", -dims,
                       dims, axis));
    int64_t outer = 1, inner = 1;
    const int64_t len = in.shape()[axis];
    for (int64_t d = 0; d < axis; ++d) outer *= in.shape()[d];
    for (int64_t d = axis + 1; d < dims; ++d) inner *= in.shape()[d];
    Tensor& out = ctx.allocate_output(0, in.dtype(), in.shape());
    const char* name = kProd ? "Cumprod" : "Cumsum";
    dispatch(in.dtype(), name, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_same_v<T, bool>) {
        fail_no_kernel(name, in.dtype());
      } else {
        const T* x = in.data<T>();
        T* y = out.data<T>();
        for (int64_t o = 0; o < outer; ++o)
          for (int64_t i = 0; i < inner; ++i) {
            T acc = kProd ? T(1) : T(0);
            for (int64_t k = 0; k < len; ++k) {
              const int64_t j = reverse_ ? len - 1 - k : k;
              const int64_t at = (o * len + j) * inner + i;
              if (exclusive_) {
                y[at] = acc;
                acc = kProd ? T(acc * x[at]) : T(acc + x[at]);
              } else {
                acc = kProd ? T(acc * x[at]) : T(acc + x[at]);
                y[at] = acc;
              }
            }
          }
      }
    });
  }

 private:
  bool exclusive_, reverse_;
};

template <typename K>
std::unique_ptr<OpKernel> make(Operation op) {
  return std::make_unique<K>(op);
}

}  // namespace

void register_scan_kernels() {
  register_kernel("Cumsum", &make<ScanKernel<false>>);
  register_kernel("Cumprod", &make<ScanKernel<true>>);
}

}  // namespace scopeflow::runtime::internal
