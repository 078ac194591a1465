// Shared pieces of the nn kernels: the GEMM they all end in, a row-parallel loop, and the
// per-file registration functions that register_nn_kernels calls.
#pragma once

#include <cstdint>
#include <functional>

#include <string>
#include <string_view>

#include "scopeflow/runtime/kernel.h"

namespace scopeflow::runtime::internal {

/// Row-major C[m,n] (= or +=) op(A) * op(B), where op transposes when `ta`/`tb` (A is then
/// stored [k,m], B [n,k]). Large products are split across the pool in `ctx`.
template <typename T>
void nn_gemm(const KernelContext& ctx, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
             const T* a, const T* b, T* c, bool accumulate = false);

/// Runs fn(begin, end) over [0, n) rows, split across the pool when n * cost_per_row is large.
void nn_parallel_rows(const KernelContext& ctx, int64_t n, int64_t cost_per_row,
                      const std::function<void(int64_t, int64_t)>& fn);

/// dispatch() restricted to float and double (the nn ops' T).
template <typename F>
void float_dispatch(DataType t, std::string_view op_type, F&& f) {
  if (t == DataType::kFloat) return f(float{});
  if (t == DataType::kDouble) return f(double{});
  fail(Code::kInvalidArgument, "No OpKernel was registered to support Op '" +
                                   std::string(op_type) + "' with dtype " + dtype_name(t));
}

void register_nn_matmul_kernels();
void register_nn_reduce_kernels();
void register_nn_conv_kernels();

}  // namespace scopeflow::runtime::internal
