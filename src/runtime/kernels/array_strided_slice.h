// StridedSlice's canonicalization (TF's ValidateStridedSliceOp semantics), shared by the
// shape function (partially known shapes and values) and the kernel.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace scopeflow::internal {

struct StridedSliceMaskAttrs {
  int64_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0,
          shrink_axis_mask = 0;
};

struct StridedSliceDense {
  // Per input dimension.
  std::vector<int64_t> begin, end, strides;
  std::vector<int64_t> processing_shape;  ///< -1: unknown
  std::vector<int64_t> final_shape;       ///< the output shape, -1: unknown
  bool is_identity = true;
  bool is_simple_slice = true;  ///< every stride 1
};

/// Canonicalizes a sparse slice spec against `input_shape` (-1 = unknown dim). `begin` and
/// `end` may be null (values unknown); `strides` gives the sparse rank. Returns "" or TF's
/// error text.
std::string validate_strided_slice(const std::vector<int64_t>* begin,
                                   const std::vector<int64_t>* end,
                                   const std::vector<int64_t>& strides,
                                   std::span<const int64_t> input_shape,
                                   const StridedSliceMaskAttrs& masks, StridedSliceDense* out);

}  // namespace scopeflow::internal
