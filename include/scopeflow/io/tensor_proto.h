// Tensor <-> tensorflow::TensorProto, shapes <-> TensorShapeProto, DataType <-> the proto enum:
// the value encodings of GraphDef attrs, event-file summaries and checkpoints.
#pragma once

#include "scopeflow/base/dtype.h"
#include "scopeflow/base/shape.h"
#include "scopeflow/base/tensor.h"
#include "scopeflow/proto/tensor.pb.h"
#include "scopeflow/proto/tensor_shape.pb.h"
#include "scopeflow/proto/types.pb.h"

namespace scopeflow::io {

/// A tensor as TF 1.15's make_tensor_proto writes a Const value: dtype, tensor_shape (always
/// present, empty for a scalar), then
///   - strings: every element in string_val;
///   - one element or none, and types TF never packs (bool, complex, half, bfloat16, uint16):
///     every element in the typed field (float_val, int_val, bool_val, half_val...);
///   - more elements of a packable type (float, double, int8/16/32/64, uint8/32/64, the
///     quantized ints): the raw little-endian buffer in tensor_content.
/// TF's choice also depends on how the value was given: a scalar broadcast to a shape
/// (tf.zeros, tf.constant(0.1, shape=...)) keeps only the scalar in the typed field, which a
/// Tensor no longer records. Floating, bool and complex tensors whose elements are all
/// bitwise equal are therefore written in that short form (one value, which readers repeat);
/// integer tensors (shape vectors, indices) keep their full form, as lists give them in TF.
tensorflow::TensorProto to_tensor_proto(const Tensor& t);
/// Same, into an existing message (cleared first).
void to_tensor_proto(const Tensor& t, tensorflow::TensorProto* out);

/// The other form TF writes: every element in the typed field (strings in string_val,
/// uint8 in int_val...), as the tensor-valued attr defaults of TF's C++ op registrations
/// come out (ImageSummary's bad_color: `int_val: 255 int_val: 0 int_val: 0 int_val: 255`).
void to_typed_tensor_proto(const Tensor& t, tensorflow::TensorProto* out);

/// Reads either form: tensor_content, or the typed field for the dtype, whose last value
/// repeats to fill the shape (no value: zeros). Throws Error(kInvalidArgument) naming the
/// problem for a bad dtype (invalid, reference, resource, variant), an unknown or negative
/// dimension, content of the wrong size, more values than the shape holds, or a tensor over
/// 2 GB.
Tensor from_tensor_proto(const tensorflow::TensorProto& p);

/// Unknown rank -> unknown_rank: true; unknown dimensions -> size -1.
tensorflow::TensorShapeProto to_shape_proto(const PartialShape& s);
void to_shape_proto(const PartialShape& s, tensorflow::TensorShapeProto* out);
/// Throws Error(kInvalidArgument) for dimensions below -1, or unknown_rank with dimensions.
PartialShape from_shape_proto(const tensorflow::TensorShapeProto& p);

/// Our DataType numbers are types.proto's (reference types are base + 100).
inline tensorflow::DataType to_proto_dtype(DataType t) {
  return static_cast<tensorflow::DataType>(static_cast<int32_t>(t));
}
/// Throws Error(kInvalidArgument) "Unsupported DataType <n>" for numbers scopeflow does not
/// know (DT_INVALID, the float8/int4 types, unknown numbers).
DataType from_proto_dtype(int value);

}  // namespace scopeflow::io
