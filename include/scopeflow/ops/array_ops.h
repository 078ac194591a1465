// Builders of the array ops (TF's op types, attrs and default names).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "scopeflow/graph/input.h"
#include "scopeflow/ops/op_registry.h"
#include "scopeflow/ops/ops.h"

namespace scopeflow::ops {

/// tf.reshape: Reshape(tensor, shape) with Tshape int32; one -1 allowed. Default name "Reshape".
Output reshape(const Scope& scope, const Input& tensor, const Input& shape,
               std::string_view name = "");
/// tf.shape: a Const named "Shape" when the static shape is fully defined and `optimize`,
/// else the Shape op.
Output shape(const Scope& scope, const Input& input, DataType out_type = DataType::kInt32,
             std::string_view name = "", bool optimize = true);
/// tf.size: a Const "Size" when the shape is fully defined (or has a 0 dim), else Size.
Output size(const Scope& scope, const Input& input, DataType out_type = DataType::kInt32,
            std::string_view name = "", bool optimize = true);
/// tf.rank: a Const "Rank" when the rank is known, else Rank.
Output rank(const Scope& scope, const Input& input, std::string_view name = "",
            bool optimize = true);
/// tf.zeros_like (TF 1.15): zeros(...) named "zeros_like" for a fully defined shape, else
/// the ZerosLike op.
Output zeros_like(const Scope& scope, const Input& tensor,
                  std::optional<DataType> dtype = std::nullopt, std::string_view name = "",
                  bool optimize = true);
/// tf.ones_like (TF 1.15): Fill(shape(tensor), 1) named "ones_like".
Output ones_like(const Scope& scope, const Input& tensor,
                 std::optional<DataType> dtype = std::nullopt, std::string_view name = "",
                 bool optimize = true);
/// tf.expand_dims: ExpandDims(input, dim) with Tdim int32. Default name "ExpandDims".
Output expand_dims(const Scope& scope, const Input& input, const Input& axis,
                   std::string_view name = "");
/// tf.squeeze: Squeeze with squeeze_dims (empty: every size-1 dim). Default name "Squeeze".
Output squeeze(const Scope& scope, const Input& input, const std::vector<int64_t>& axis = {},
               std::string_view name = "");
/// tf.stack: a Const "stack" when every value is a literal and axis == 0, else Pack.
Output stack(const Scope& scope, const std::vector<Input>& values, int64_t axis = 0,
             std::string_view name = "stack");
/// tf.transpose: perm defaults to the reversed dimensions (built as TF 1.15 does: a Const
/// `transpose/perm` for a known rank, Rank/sub/Range/sub otherwise). Default name "transpose".
Output transpose(const Scope& scope, const Input& a,
                 std::optional<std::vector<int64_t>> perm = std::nullopt,
                 std::string_view name = "transpose");
/// Transpose with a perm tensor.
Output transpose(const Scope& scope, const Input& a, const Output& perm,
                 std::string_view name = "transpose");
/// tf.tile: Tile(input, multiples). Default name "Tile".
Output tile(const Scope& scope, const Input& input, const Input& multiples,
            std::string_view name = "");

/// The attrs of StridedSlice.
struct StridedSliceMasks {
  int64_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0,
          shrink_axis_mask = 0;
};
/// tf.strided_slice: StridedSlice(input, begin, end, strides). Default name "StridedSlice".
Output strided_slice(const Scope& scope, const Input& input, const Input& begin, const Input& end,
                     const Input& strides, const StridedSliceMasks& masks = {},
                     std::string_view name = "");

/// One item of a Python subscript: t[0], t[1:3], t[...], t[None].
struct SliceItem {
  enum Kind { kIndex, kSlice, kEllipsis, kNewAxis };
  Kind kind = kSlice;
  std::optional<int64_t> begin, end, step;  ///< kIndex uses begin
  static SliceItem index(int64_t i) { return {kIndex, i, std::nullopt, std::nullopt}; }
  static SliceItem slice(std::optional<int64_t> b = std::nullopt,
                         std::optional<int64_t> e = std::nullopt,
                         std::optional<int64_t> s = std::nullopt) {
    return {kSlice, b, e, s};
  }
  static SliceItem ellipsis() { return {kEllipsis, std::nullopt, std::nullopt, std::nullopt}; }
  static SliceItem newaxis() { return {kNewAxis, std::nullopt, std::nullopt, std::nullopt}; }
};
/// TF 1.15's array_ops._slice_helper (Tensor.__getitem__): name_scope "strided_slice", begin,
/// end and strides as Consts `stack`, `stack_1`, `stack_2` (an empty spec uses one Const
/// `Const` for all three), then StridedSlice named after the scope.
Output strided_slice_from_spec(const Scope& scope, const Input& input,
                               const std::vector<SliceItem>& spec, std::string_view name = "");

/// tf.gather (TF 1.15): GatherV2(params, indices, axis) named "GatherV2".
Output gather(const Scope& scope, const Input& params, const Input& indices, int64_t axis = 0,
              std::string_view name = "");
/// tf.one_hot: on 1 / off 0 of `dtype` (float32) unless given; default name "one_hot".
Output one_hot(const Scope& scope, const Input& indices, const Input& depth,
               std::optional<Input> on_value = std::nullopt,
               std::optional<Input> off_value = std::nullopt, int64_t axis = -1,
               std::optional<DataType> dtype = std::nullopt, std::string_view name = "");
/// tf.range(start, limit, delta): Range named "range"; the dtype is the widest of the three
/// (int32 < int64 < float32 < float64) unless given (mixed dtypes are Cast, as TF).
Output range(const Scope& scope, const Input& start, const Input& limit, const Input& delta = 1,
             std::optional<DataType> dtype = std::nullopt, std::string_view name = "range");
/// tf.range(limit).
Output range(const Scope& scope, const Input& limit);
/// BroadcastGradientArgs(s0, s1) -> (r0, r1): the reduction indices of each operand's
/// gradient. Default name "BroadcastGradientArgs".
std::pair<Output, Output> broadcast_gradient_args(const Scope& scope, const Input& s0,
                                                  const Input& s1, std::string_view name = "");

/// TF's tensor_util.constant_value as the shape refiner sees it: the value of `t` when it is a
/// Const, or an int32/int64 tensor computed only from constants and from Shape/Size/Rank of
/// tensors whose static shape answers them (Range, Fill, Pack, ConcatV2, GatherV2, Cast,
/// element-wise arithmetic, DynamicStitch, ListDiff, InvertPermutation...); nullopt otherwise.
std::optional<Tensor> constant_value(const Output& t);

/// tf.dynamic_stitch(indices, data): DynamicStitch (attrs N, T), output
/// [max(indices) + 1] + data[0].shape[rank(indices[0]):] with merged[indices[i][j]] =
/// data[i][j]. Literals convert inside the op's scope as `indices_<i>` / `data_<i>`. Default
/// name "DynamicStitch". Throws kInvalidArgument for lists of different lengths and
/// kTypeMismatch for non-int32 indices or data of mixed dtypes.
Output dynamic_stitch(const Scope& scope, const std::vector<Input>& indices,
                      const std::vector<Input>& data, std::string_view name = "");
/// tf.setdiff1d(x, y, index_dtype): ListDiff -> (out, idx), the values of the 1-D `x` not in
/// `y` (in x's order) and their positions in x. Default name "ListDiff".
std::pair<Output, Output> setdiff1d(const Scope& scope, const Input& x, const Input& y,
                                    DataType index_dtype = DataType::kInt32,
                                    std::string_view name = "");
/// array_ops.split with a size list: SplitV(value, size_splits, split_dim) named "split"
/// (attrs num_split, T, Tlen). A literal size list becomes a `Const` in `scope` first, as TF's
/// convert_to_tensor does; num_split < 0 infers it from size_splits' static length (throws
/// kInvalidArgument "Cannot infer num from shape ..." when unknown).
std::vector<Output> split_v(const Scope& scope, const Input& value, const Input& size_splits,
                            const Input& axis, int64_t num_split = -1,
                            std::string_view name = "split");
/// tf.invert_permutation: InvertPermutation(x) (int32/int64 vector). Default name
/// "InvertPermutation".
Output invert_permutation(const Scope& scope, const Input& x, std::string_view name = "");

}  // namespace scopeflow::ops
