// StridedSlice canonicalization: sparse spec -> dense spec -> processing and final shapes.
#include "array_strided_slice.h"

#include <fmt/format.h>

#include <algorithm>

namespace scopeflow::internal {

namespace {
constexpr int64_t kNewAxis = -1;
constexpr int64_t kShrinkAxis = -2;
}  // namespace

std::string validate_strided_slice(const std::vector<int64_t>* begin,
                                   const std::vector<int64_t>* end,
                                   const std::vector<int64_t>& strides,
                                   std::span<const int64_t> input_shape,
                                   const StridedSliceMaskAttrs& m, StridedSliceDense* out) {
  const int64_t ellipsis = m.ellipsis_mask;
  if (ellipsis != 0 && (ellipsis & (ellipsis - 1)) != 0)
    return "Multiple ellipses in slice spec not allowed";
  const bool values_valid = begin != nullptr && end != nullptr;
  int64_t sparse_dims = static_cast<int64_t>(strides.size());
  int64_t sparse_ellipsis = ellipsis;
  // No ellipsis: one is implied at the end.
  if (sparse_ellipsis == 0) {
    sparse_ellipsis = int64_t{1} << sparse_dims;
    ++sparse_dims;
  }
  int64_t num_add_axis_after_ellipsis = 0;
  bool ellipsis_seen = false;
  for (int64_t i = 0; i < sparse_dims; ++i) {
    if (ellipsis_seen && ((int64_t{1} << i) & m.new_axis_mask)) ++num_add_axis_after_ellipsis;
    if ((int64_t{1} << i) & sparse_ellipsis) ellipsis_seen = true;
  }

  // Dense spec.
  const int64_t dims = static_cast<int64_t>(input_shape.size());
  out->begin.assign(dims, 0);
  out->end.assign(dims, 0);
  out->strides.assign(dims, 1);
  int64_t dense_begin_mask = 0, dense_end_mask = 0, dense_shrink = 0;
  std::vector<int64_t> gather;
  int64_t full_index = 0;
  for (int64_t i = 0; i < sparse_dims; ++i) {
    const int64_t bit = int64_t{1} << i;
    if (bit & sparse_ellipsis) {
      const int64_t next_index =
          std::min(dims - (sparse_dims - i) + 1 + num_add_axis_after_ellipsis, dims);
      for (; full_index < next_index; ++full_index) {
        out->begin[full_index] = out->end[full_index] = 0;
        out->strides[full_index] = 1;
        dense_begin_mask |= int64_t{1} << full_index;
        dense_end_mask |= int64_t{1} << full_index;
        gather.push_back(full_index);
      }
    } else if (bit & m.new_axis_mask) {
      gather.push_back(kNewAxis);
    } else {
      if (full_index == dims)
        return fmt::format("Index out of range using input dim {}; input has only {} dims",
                           full_index, dims);
      if (values_valid) {
        out->begin[full_index] = (*begin)[i];
        out->end[full_index] = (*end)[i];
      }
      out->strides[full_index] = strides[i];
      if (m.begin_mask & bit) dense_begin_mask |= int64_t{1} << full_index;
      if (m.end_mask & bit) dense_end_mask |= int64_t{1} << full_index;
      if (m.shrink_axis_mask & bit) {
        gather.push_back(kShrinkAxis);
        dense_shrink |= int64_t{1} << full_index;
      } else {
        gather.push_back(full_index);
      }
      ++full_index;
    }
  }

  out->processing_shape.clear();
  out->is_identity = true;
  out->is_simple_slice = true;
  for (int64_t i = 0; i < dims; ++i) {
    int64_t& begin_i = out->begin[i];
    int64_t& end_i = out->end[i];
    const int64_t stride_i = out->strides[i];
    const int64_t dim_i = input_shape[i];
    if (stride_i == 0) return fmt::format("strides[{}] must be non-zero", i);
    const bool shrink_i = dense_shrink & (int64_t{1} << i);
    if (dim_i == -1) {
      out->processing_shape.push_back(shrink_i ? 1 : -1);
      out->is_identity = false;
      continue;
    }
    const bool mask_b = dense_begin_mask & (int64_t{1} << i);
    const bool mask_e = dense_end_mask & (int64_t{1} << i);
    const int64_t lo = stride_i > 0 ? 0 : -1, hi = stride_i > 0 ? dim_i : dim_i - 1;
    auto canonical = [&](int64_t x, int c) {
      const bool masked = c == 0 ? mask_b : mask_e;
      if (masked) {
        // begin: lo for a positive stride (hi otherwise); end: the other way around.
        if (stride_i > 0) return c == 0 ? lo : hi;
        return c == 0 ? hi : lo;
      }
      const int64_t x_fwd = x < 0 ? dim_i + x : x;
      return x_fwd < lo ? lo : (x_fwd > hi ? hi : x_fwd);
    };
    if (shrink_i && stride_i <= 0) return "only stride 1 allowed on non-range indexing.";
    out->is_simple_slice &= stride_i == 1;
    const bool begin_and_end_masked = mask_b && mask_e;
    if (values_valid) {
      if (shrink_i) {
        const int64_t x_fwd = begin_i < 0 ? dim_i + begin_i : begin_i;
        begin_i = x_fwd;
        end_i = begin_i + 1;
        if (x_fwd < 0 || x_fwd >= dim_i)
          return fmt::format("slice index {} of dimension {} out of bounds.", begin_i, i);
      } else {
        begin_i = canonical(begin_i, 0);
        end_i = canonical(end_i, 1);
      }
      out->is_identity &= stride_i == 1 && begin_i == 0 && end_i == dim_i;
    } else {
      out->is_identity &= stride_i == 1 && begin_and_end_masked;
    }
    int64_t interval = 0;
    bool known = false;
    if (values_valid) {
      interval = end_i - begin_i;
      known = true;
    } else if (shrink_i) {
      interval = 1;
      known = true;
    } else if (begin_and_end_masked) {
      interval = stride_i < 0 ? -dim_i : dim_i;
      known = true;
    }
    if (known) {
      int64_t size_i;
      if (interval == 0 || ((interval < 0) != (stride_i < 0)))
        size_i = 0;
      else
        size_i = interval / stride_i + (interval % stride_i != 0 ? 1 : 0);
      out->processing_shape.push_back(size_i);
    } else {
      out->processing_shape.push_back(-1);
    }
  }

  out->final_shape.clear();
  for (int64_t g : gather) {
    if (g >= 0)
      out->final_shape.push_back(out->processing_shape[g]);
    else if (g == kNewAxis)
      out->final_shape.push_back(1);
  }
  return "";
}

}  // namespace scopeflow::internal
