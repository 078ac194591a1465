"""TF1 array ops (tf.reshape, tf.shape, tf.stack, tf.concat, Tensor.__getitem__, ...) built
with TF 1.15's names and graph structure, plus the generic op-building helpers the other
Python op modules share (literal conversion inside the op's name scope, TF's
_apply_op_helper type inference, autopacking of lists holding tensors)."""

import collections
import numbers

import numpy as np

from . import _core
from . import dtypes
from .framework import (Operation, Tensor, TensorShape, _create_op, _graph_from_inputs,
                        as_shape, convert_to_tensor as _fw_convert_to_tensor, name_scope)

__all__ = [
    "reshape", "shape", "size", "rank", "expand_dims", "squeeze", "stack", "concat",
    "transpose", "tile", "slice", "strided_slice", "gather", "one_hot", "zeros_like",
    "ones_like", "placeholder_with_default", "stop_gradient", "newaxis", "identity",
    "setdiff1d", "dynamic_stitch", "invert_permutation", "split",
]

newaxis = None
_BaseSlice = slice


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _is_tensor(v):
    return isinstance(v, Tensor)


def _is_variable(v):
    return hasattr(v, "_as_graph_output") and not isinstance(v, Tensor)


def _contains_tensor(value):
    if isinstance(value, Tensor) or _is_variable(value):
        return True
    if isinstance(value, (list, tuple)):
        return any(_contains_tensor(v) for v in value)
    return False


def _first_tensor_dtype(value):
    if isinstance(value, Tensor):
        return value.dtype.base_dtype
    if _is_variable(value):
        return value.dtype.base_dtype
    if isinstance(value, (list, tuple)):
        for v in value:
            d = _first_tensor_dtype(v)
            if d is not None:
                return d
    return None


def _autopack(values, dtype, name):
    """array_ops._autopacking_helper: a Pack named `name` of the tensors and of Consts
    named by position for the literals."""
    with name_scope(name) as scope:
        converted = []
        must_pack = False
        for i, elem in enumerate(values):
            if isinstance(elem, Tensor) or _is_variable(elem):
                elem = convert_to_tensor(elem)
                if dtype is not None and elem.dtype.base_dtype != dtype:
                    raise TypeError(
                        "Cannot convert a list containing a tensor of dtype %s to %s (Tensor "
                        "is: %r)" % (elem.dtype, dtype, elem))
                converted.append(elem)
                must_pack = True
            elif isinstance(elem, (list, tuple)):
                c = _autopack(elem, dtype, str(i))
                if isinstance(c, Tensor):
                    must_pack = True
                converted.append(c)
            else:
                converted.append(elem)
        if not must_pack:
            return converted
        tensors = []
        for i, elem in enumerate(converted):
            if isinstance(elem, Tensor):
                tensors.append(elem)
            else:
                from . import ops as _ops
                tensors.append(_ops.constant(elem, dtype=dtype, name=str(i)))
        return _pack(tensors, 0, scope)


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None):
    """ops.convert_to_tensor with TF's preferred_dtype fallback and list autopacking."""
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if dtype is not None and not dtype.is_compatible_with(value.dtype):
            raise ValueError("Tensor conversion requested dtype %s for Tensor with dtype %s: "
                             "%r" % (dtype.name, value.dtype.name, value))
        return value
    if _is_variable(value):
        t = value.value()
        if dtype is not None and not dtype.is_compatible_with(t.dtype):
            raise ValueError("Tensor conversion requested dtype %s for Tensor with dtype %s: "
                             "%r" % (dtype.name, t.dtype.name, t))
        return t
    if isinstance(value, Operation):
        raise TypeError("Can't convert Operation '%s' to Tensor (target dtype=%s, name=%s, "
                        "as_ref=False)" % (value.name, dtype, name))
    if isinstance(value, (list, tuple)) and _contains_tensor(value):
        inferred = _first_tensor_dtype(value)
        return _autopack(value, dtype or inferred, name or "packed")
    if isinstance(value, TensorShape):
        value = value.as_list()
    if dtype is None and preferred_dtype is not None:
        try:
            return _fw_convert_to_tensor(value, dtype=dtypes.as_dtype(preferred_dtype),
                                         name=name)
        except (TypeError, ValueError, OverflowError):
            pass
    return _fw_convert_to_tensor(value, dtype=dtype, name=name)


def _flatten(values):
    out = []
    for v in values:
        if isinstance(v, (list, tuple)):
            out.extend(_flatten(v))
        else:
            out.append(v)
    return out


def _graph_of(values):
    return _graph_from_inputs(_flatten(values))


_SHARED_KINDS = ("T", "ref")


def _apply_op(op_type, name, inputs, attrs=None, type_attr="T", num_outputs=None,
              control_inputs=()):
    """TF's _apply_op_helper for the common case: `inputs` is a list of
    (arg_name, value, kind) where kind is "T" (shares the type attr `type_attr`), a DType
    (fixed type, or the preferred type of an index attr given as ("index", attr_name)), a
    ("list", attr) for a list input sharing `type_attr`, or "ref" (a variable's ref).
    Literals are converted inside the op's name scope, named after the argument.
    Returns the Operation."""
    values = [v for _, v, _ in inputs]
    g = _graph_of(values)
    attrs = dict(attrs or {})
    with g.as_default(), name_scope(name, op_type, values) as scope:
        # The shared type: the first tensor's (TF infers from the first argument; a later
        # tensor is used too so that `2.0 + float64` style literals convert).
        shared = attrs.get(type_attr)
        if shared is None:
            for _, v, kind in inputs:
                if (isinstance(kind, str) and kind in _SHARED_KINDS) or \
                        (isinstance(kind, tuple) and kind[0] == "list"):
                    d = _first_tensor_dtype(v)
                else:
                    continue
                if d is not None:
                    shared = d
                    break
        first_arg = None
        tensors = []
        for arg, v, kind in inputs:
            if not isinstance(kind, (str, tuple)):
                t = convert_to_tensor(v, dtype=kind, name=arg)  # a fixed DType
                tensors.append(t)
                continue
            if kind == "ref":
                t = v._ref() if _is_variable(v) else v
                tensors.append(t)
                first_arg = first_arg or arg
                continue
            if kind == "T":
                t = convert_to_tensor(v, dtype=None if _contains_tensor(v) else shared,
                                      name=arg)
                if shared is None:
                    shared = t.dtype.base_dtype
                    first_arg = arg
                elif t.dtype.base_dtype != shared:
                    raise TypeError("Input '%s' of '%s' Op has type %s that does not match "
                                    "type %s of argument '%s'." %
                                    (arg, op_type, t.dtype.base_dtype.name, shared.name,
                                     first_arg or arg))
                first_arg = first_arg or arg
                tensors.append(t)
            elif isinstance(kind, tuple) and kind[0] == "list":
                ts = []
                for i, x in enumerate(v):
                    t = convert_to_tensor(x, dtype=None if _contains_tensor(x) else shared,
                                          name="%s_%d" % (arg, i))
                    if shared is None:
                        shared = t.dtype.base_dtype
                    elif t.dtype.base_dtype != shared:
                        raise TypeError("Tensors in list passed to '%s' of '%s' Op have types "
                                        "that don't all match." % (arg, op_type))
                    ts.append(t)
                attrs[kind[1]] = len(ts)
                tensors.extend(ts)
            elif isinstance(kind, tuple) and kind[0] == "fixed_list":
                # a list input of one fixed dtype whose length is attr kind[2]
                ts = [convert_to_tensor(x, dtype=kind[1], name="%s_%d" % (arg, i))
                      for i, x in enumerate(v)]
                for t in ts:
                    if t.dtype.base_dtype != kind[1]:
                        raise TypeError("Input '%s' of '%s' Op has type %s that does not "
                                        "match expected type of %s." %
                                        (arg, op_type, t.dtype.base_dtype.name, kind[1].name))
                attrs[kind[2]] = len(ts)
                tensors.extend(ts)
            elif isinstance(kind, tuple) and kind[0] == "index":
                # an int32/int64 input whose type is attr kind[1] (default int32)
                t = convert_to_tensor(v, name=arg, preferred_dtype=dtypes.int32)
                attrs.setdefault(kind[1], t.dtype.base_dtype)
                tensors.append(t)
            else:  # a fixed DType
                t = convert_to_tensor(v, dtype=kind, name=arg)
                tensors.append(t)
        if type_attr and type_attr not in attrs and shared is not None:
            attrs[type_attr] = shared
        return _create_op(g, op_type, scope, tensors, attrs, control_inputs)


def _out(op):
    return op.outputs[0]


def constant_value(t):
    """tensor_util.constant_value for the cases graph building needs: a Const's value, a
    Shape/Size/Rank of a fully defined input, a Pack of constants; None otherwise."""
    if not isinstance(t, Tensor):
        return None
    op = t.op
    if op.type == "Const":
        try:
            return _core.to_numpy(op._c.attr("value"))
        except Exception:  # noqa: BLE001 - e.g. string constants
            return None
    if op.type == "Identity" or op.type == "StopGradient":
        return constant_value(op.inputs[0])
    if op.type == "Shape":
        s = op.inputs[0].shape
        if s.is_fully_defined():
            return np.array(s.as_list(), dtype=op.get_attr("out_type").as_numpy_dtype)
        return None
    if op.type == "Size":
        s = op.inputs[0].shape
        if s.is_fully_defined():
            return np.array(s.num_elements(), dtype=op.get_attr("out_type").as_numpy_dtype)
        return None
    if op.type == "Rank":
        s = op.inputs[0].shape
        if s.ndims is not None:
            return np.array(s.ndims, dtype=np.int32)
        return None
    if op.type == "Pack":
        vals = [constant_value(x) for x in op.inputs]
        if any(v is None for v in vals):
            return None
        return np.stack(vals, axis=op._c.attr("axis"))
    if op.type == "Cast":
        v = constant_value(op.inputs[0])
        if v is None:
            return None
        return v.astype(op.get_attr("DstT").as_numpy_dtype)
    return None


# ---------------------------------------------------------------------------------------------
# Ops


def identity(input, name=None):  # noqa: A002 - TF's parameter name
    op = _apply_op("Identity", name, [("input", input, "T")])
    return _out(op)


def reshape(tensor, shape, name=None):
    """tf.reshape: Reshape(tensor, shape) named "Reshape" (shape as `Reshape/shape`)."""
    op = _apply_op("Reshape", name, [("tensor", tensor, "T"), ("shape", shape,
                                                                ("index", "Tshape"))])
    return _out(op)


def _shape_out_type(out_type):
    return dtypes.as_dtype(out_type)


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """tf.shape: a Const named "Shape" when the static shape is fully defined, else Shape."""
    return shape_internal(input, name, optimize=True, out_type=out_type)


def shape_internal(input, name=None, optimize=True, out_type=dtypes.int32):  # noqa: A002
    out_type = _shape_out_type(out_type)
    with name_scope(name, "Shape", [input]) as scope:
        t = convert_to_tensor(input)
        s = t.shape
        if optimize and s.is_fully_defined():
            from . import ops as _ops
            return _ops.constant(np.array(s.as_list(), dtype=out_type.as_numpy_dtype),
                                 out_type, name=scope)
        g = t.graph
        return _out(_create_op(g, "Shape", scope, [t], {"T": t.dtype.base_dtype,
                                                         "out_type": out_type}))


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """tf.size: a Const "Size" when the static shape is fully defined (or has a 0)."""
    out_type = _shape_out_type(out_type)
    with name_scope(name, "Size", [input]) as scope:
        t = convert_to_tensor(input)
        s = t.shape
        from . import ops as _ops
        if s.is_fully_defined():
            return _ops.constant(s.num_elements(), out_type, name=scope)
        if s.ndims is not None and any(d == 0 for d in s.as_list()):
            return _ops.constant(0, out_type, name=scope)
        return _out(_create_op(t.graph, "Size", scope, [t], {"T": t.dtype.base_dtype,
                                                              "out_type": out_type}))


def rank(input, name=None):  # noqa: A002
    """tf.rank: a Const "Rank" when the rank is known, else the Rank op."""
    return rank_internal(input, name)


def rank_internal(input, name=None, optimize=True):  # noqa: A002
    with name_scope(name, "Rank", [input]) as scope:
        t = convert_to_tensor(input)
        s = t.shape
        if optimize and s.ndims is not None:
            from . import ops as _ops
            return _ops.constant(s.ndims, dtypes.int32, name=scope)
        return _out(_create_op(t.graph, "Rank", scope, [t], {"T": t.dtype.base_dtype}))


def _lookup(new_name, new_value, old_name, old_value):
    if new_value is not None and old_value is not None:
        raise ValueError("Cannot specify both '%s' and '%s'" % (new_name, old_name))
    return new_value if new_value is not None else old_value


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    axis = _lookup("axis", axis, "dim", dim)
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    op = _apply_op("ExpandDims", name, [("input", input, "T"), ("dim", axis, ("index", "Tdim"))])
    return _out(op)


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    axis = _lookup("axis", axis, "squeeze_dims", squeeze_dims)
    if np.isscalar(axis):
        axis = [axis]
    axis = [] if axis is None else [int(a) for a in axis]
    op = _apply_op("Squeeze", name, [("input", input, "T")], {"squeeze_dims": axis})
    return _out(op)


def _pack(values, axis, name):
    op = _apply_op("Pack", name, [("values", list(values), ("list", "N"))], {"axis": int(axis)})
    return _out(op)


def stack(values, axis=0, name="stack"):
    """tf.stack: a Const "stack" when every value is a literal and axis == 0, else Pack."""
    if axis == 0:
        if not _contains_tensor(values):
            try:
                return convert_to_tensor(values, name=name)
            except (TypeError, ValueError):
                pass
        else:
            return convert_to_tensor(values, name=name)
    value_shape = convert_to_tensor(values[0], name=name).shape
    if value_shape.ndims is not None:
        expanded = value_shape.ndims + 1
        if axis < -expanded or axis >= expanded:
            raise ValueError("axis = %d not in [%d, %d)" % (axis, -expanded, expanded))
    return _pack(values, axis, name)


def parallel_stack(values, name="parallel_stack"):
    raise NotImplementedError("tf.parallel_stack is not supported")


def unstack(value, num=None, axis=0, name="unstack"):
    from . import ops as _ops
    return _ops.unstack(value, num=num, axis=axis, name=name)


def concat(values, axis, name="concat"):
    """tf.concat: ConcatV2 named "concat" (axis as `concat/axis`); one value is an Identity."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    if len(values) == 1:
        # TF 1.15 (as 2.0): the Identity is named `name` inside scope `name` (concat/concat).
        with name_scope(name):
            a = convert_to_tensor(axis, name="concat_dim", dtype=dtypes.int32)
            if a.shape.ndims not in (None, 0):
                raise ValueError("Shape %s must have rank 0" % a.shape)
            return identity(values[0], name=name)
    op = _apply_op("ConcatV2", name, [("values", list(values), ("list", "N")),
                                      ("axis", axis, ("index", "Tidx"))])
    return _out(op)


def transpose(a, perm=None, name="transpose", conjugate=False):
    """tf.transpose: perm defaults to the reversed dims (Const `transpose/perm` for a known
    rank; Rank/sub/Range/sub otherwise)."""
    with name_scope(name, "transpose", [a]) as scope:
        if perm is None:
            a = convert_to_tensor(a, name="a")
            if not a.shape.ndims:
                from . import math_ops
                r = _out(_create_op(a.graph, "Rank", "Rank", [a], {"T": a.dtype.base_dtype}))
                perm = (r - 1) - math_ops._range_op(0, r, 1)
            else:
                r = a.shape.ndims
                perm = (r - 1) - np.arange(r).astype(np.int32)
        op = _apply_op("Transpose", scope, [("x", a, "T"), ("perm", perm, ("index", "Tperm"))])
        return _out(op)


def tile(input, multiples, name=None):  # noqa: A002
    op = _apply_op("Tile", name, [("input", input, "T"),
                                  ("multiples", multiples, ("index", "Tmultiples"))])
    return _out(op)


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's name
    """tf.slice: Slice(input, begin, size) named "Slice"."""
    g = _graph_of([input_, begin, size])
    with g.as_default(), name_scope(name, "Slice", [input_, begin, size]) as scope:
        x = convert_to_tensor(input_, name="input")
        b = convert_to_tensor(begin, name="begin", preferred_dtype=dtypes.int32)
        s = convert_to_tensor(size, name="size", dtype=b.dtype.base_dtype)
        return _out(_create_op(g, "Slice", scope, [x, b, s],
                               {"T": x.dtype.base_dtype, "Index": b.dtype.base_dtype}))


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    if strides is None:
        strides = ones_like(begin)
    g = _graph_of([input_, begin, end, strides])
    with g.as_default(), name_scope(name, "StridedSlice",
                                    [input_, begin, end, strides]) as scope:
        x = convert_to_tensor(input_, name="input")
        b = convert_to_tensor(begin, name="begin", preferred_dtype=dtypes.int32)
        e = convert_to_tensor(end, name="end", dtype=b.dtype.base_dtype)
        s = convert_to_tensor(strides, name="strides", dtype=b.dtype.base_dtype)
        op = _create_op(g, "StridedSlice", scope, [x, b, e, s], {
            "T": x.dtype.base_dtype, "Index": b.dtype.base_dtype,
            "begin_mask": int(begin_mask), "end_mask": int(end_mask),
            "ellipsis_mask": int(ellipsis_mask), "new_axis_mask": int(new_axis_mask),
            "shrink_axis_mask": int(shrink_axis_mask)})
        return _out(op)


_SLICE_TYPE_ERROR = (
    "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
    "tf.int32/tf.int64 tensors are valid indices")

_SUPPORTED_SLICE_DTYPES = (dtypes.int32, dtypes.int64)


def _check_index(idx):
    if isinstance(idx, (numbers.Integral,)) and not isinstance(idx, bool):
        return
    if hasattr(idx, "value") and type(idx).__name__ == "Dimension":
        return
    dtype = getattr(idx, "dtype", None)
    if dtype is None or dtypes.as_dtype(dtype).base_dtype not in _SUPPORTED_SLICE_DTYPES or \
            (idx.shape and len(idx.shape) == 1):
        raise TypeError(_SLICE_TYPE_ERROR + ", got {!r}".format(idx))


def _is_undefined_dimension(d):
    return type(d).__name__ == "Dimension" and d.value is None


def _slice_helper(tensor, slice_spec, var=None):
    """Tensor.__getitem__ as TF 1.15's array_ops._slice_helper: name scope "strided_slice",
    begin/end/strides stacked as `stack`, `stack_1`, `stack_2`, then StridedSlice."""
    if isinstance(slice_spec, bool) or \
            (isinstance(slice_spec, Tensor) and slice_spec.dtype == dtypes.bool) or \
            (isinstance(slice_spec, np.ndarray) and slice_spec.dtype == bool):
        raise NotImplementedError("boolean_mask indexing is not supported")
    if not isinstance(slice_spec, (list, tuple)):
        slice_spec = [slice_spec]
    begin, end, strides = [], [], []
    index = 0
    new_axis_mask, shrink_axis_mask = 0, 0
    begin_mask, end_mask = 0, 0
    ellipsis_mask = 0
    for s in slice_spec:
        if isinstance(s, _BaseSlice):
            if s.start is not None and not _is_undefined_dimension(s.start):
                _check_index(s.start)
                begin.append(s.start)
            else:
                begin.append(0)
                begin_mask |= (1 << index)
            if s.stop is not None and not _is_undefined_dimension(s.stop):
                _check_index(s.stop)
                end.append(s.stop)
            else:
                end.append(0)
                end_mask |= (1 << index)
            if s.step is not None:
                _check_index(s.step)
                strides.append(s.step)
            else:
                strides.append(1)
        elif s is Ellipsis:
            begin.append(0)
            end.append(0)
            strides.append(1)
            ellipsis_mask |= (1 << index)
        elif s is newaxis:
            begin.append(0)
            end.append(0)
            strides.append(1)
            new_axis_mask |= (1 << index)
        else:
            _check_index(s)
            begin.append(s)
            end.append(s + 1)
            strides.append(1)
            shrink_axis_mask |= (1 << index)
        index += 1

    begin = [getattr(b, "value", b) if type(b).__name__ == "Dimension" else b for b in begin]
    end = [getattr(b, "value", b) if type(b).__name__ == "Dimension" else b for b in end]
    with name_scope(None, "strided_slice", [tensor] + begin + end + strides) as name:
        if begin:
            packed_begin, packed_end, packed_strides = (stack(begin), stack(end),
                                                        stack(strides))
            if (packed_begin.dtype == dtypes.int64 or packed_end.dtype == dtypes.int64 or
                    packed_strides.dtype == dtypes.int64):
                from . import math_ops
                if packed_begin.dtype != dtypes.int64:
                    packed_begin = math_ops._cast_op(packed_begin, dtypes.int64)
                if packed_end.dtype != dtypes.int64:
                    packed_end = math_ops._cast_op(packed_end, dtypes.int64)
                if packed_strides.dtype != dtypes.int64:
                    packed_strides = math_ops._cast_op(packed_strides, dtypes.int64)
        else:
            from . import ops as _ops
            var_empty = _ops.constant(np.zeros([0], np.int32), dtype=dtypes.int32)
            packed_begin = packed_end = packed_strides = var_empty
        return strided_slice(tensor, packed_begin, packed_end, packed_strides,
                             begin_mask=begin_mask, end_mask=end_mask,
                             shrink_axis_mask=shrink_axis_mask, new_axis_mask=new_axis_mask,
                             ellipsis_mask=ellipsis_mask, var=var, name=name)


def _getitem(self, slice_spec):
    if _is_variable(self):
        return _slice_helper(self.value(), slice_spec, self)
    return _slice_helper(self, slice_spec)


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """tf.gather (TF 1.15): GatherV2(params, indices, axis) named "GatherV2"."""
    del validate_indices
    if axis is None:
        axis = batch_dims
    g = _graph_of([params, indices, axis])
    with g.as_default(), name_scope(name, "GatherV2", [params, indices, axis]) as scope:
        p = convert_to_tensor(params, name="params")
        i = convert_to_tensor(indices, name="indices", preferred_dtype=dtypes.int32)
        a = convert_to_tensor(axis, name="axis", preferred_dtype=dtypes.int32)
        return _out(_create_op(g, "GatherV2", scope, [p, i, a], {
            "Tparams": p.dtype.base_dtype, "Tindices": i.dtype.base_dtype,
            "Taxis": a.dtype.base_dtype, "batch_dims": int(batch_dims)}))


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """tf.one_hot: OneHot named "one_hot" (`one_hot/on_value`, `one_hot/off_value`,
    `one_hot/depth`)."""
    with name_scope(name, "one_hot", [indices, depth, on_value, off_value, axis, dtype]) \
            as scope:
        on_exists = on_value is not None
        off_exists = off_value is not None
        on_dtype = convert_to_tensor(on_value).dtype.base_dtype if on_exists else None
        off_dtype = convert_to_tensor(off_value).dtype.base_dtype if off_exists else None
        if on_exists or off_exists:
            if dtype is not None:
                dtype = dtypes.as_dtype(dtype)
                if on_exists and on_dtype != dtype:
                    raise TypeError("dtype {0} of on_value does not match dtype parameter "
                                    "{1}".format(on_dtype, dtype))
                if off_exists and off_dtype != dtype:
                    raise TypeError("dtype {0} of off_value does not match dtype parameter "
                                    "{1}".format(off_dtype, dtype))
            else:
                dtype = on_dtype if on_exists else off_dtype
        if dtype is None:
            dtype = dtypes.float32
        dtype = dtypes.as_dtype(dtype)
        if not on_exists:
            on_value = convert_to_tensor(1, dtype, name="on_value")
            on_dtype = dtype
        if not off_exists:
            off_value = convert_to_tensor(0, dtype, name="off_value")
            off_dtype = dtype
        if on_dtype != off_dtype:
            raise TypeError("dtype {0} of on_value does not match dtype {1} of off_value"
                            .format(on_dtype, off_dtype))
        g = _graph_of([indices, depth, on_value, off_value])
        i = convert_to_tensor(indices, name="indices", preferred_dtype=dtypes.int64)
        d = convert_to_tensor(depth, name="depth", dtype=dtypes.int32)
        on = convert_to_tensor(on_value, name="on_value", dtype=dtype)
        off = convert_to_tensor(off_value, name="off_value", dtype=dtype)
        return _out(_create_op(g, "OneHot", scope, [i, d, on, off], {
            "axis": -1 if axis is None else int(axis), "T": dtype,
            "TI": i.dtype.base_dtype}))


def _constant_fill(value, shape, dtype, name):
    """array_ops._constant_if_small / fill as zeros() and ones() build them."""
    from . import ops as _ops
    shape = [int(d) for d in shape]
    if int(np.prod(shape)) < 1000:
        return _ops.constant(value, shape=shape, dtype=dtype, name=name)
    return None


def _zeros_ones(shape, dtype, name, value, default_name):
    """array_ops.zeros / ones: a Const when small, else Fill(shape, Const)."""
    from . import ops as _ops
    dtype = dtypes.as_dtype(dtype).base_dtype
    with name_scope(name, default_name, [shape]) as scope:
        v = (value != 0) if dtype == dtypes.bool else value
        if not isinstance(shape, Tensor):
            try:
                dims = as_shape(shape).as_list() if not _contains_tensor(shape) else None
            except (TypeError, ValueError):
                dims = None
            if dims is not None and all(d is not None for d in dims):
                out = _constant_fill(v, dims, dtype, scope)
                if out is not None:
                    return out
                shape = convert_to_tensor(dims, dtype=dtypes.int32 if
                                          max(dims + [0]) < 2**31 else dtypes.int64)
            else:
                shape = convert_to_tensor(shape, dtype=dtypes.int32)
        if shape.shape.ndims in (None, 0):
            shape = reshape(shape, [-1])
        c = _ops.constant(v, dtype=dtype)
        return _fill(shape, c, scope)


def _fill(dims, value, name):
    op = _apply_op("Fill", name, [("dims", dims, ("index", "index_type")), ("value", value, "T")])
    return _out(op)


def zeros(shape, dtype=dtypes.float32, name=None):
    return _zeros_ones(shape, dtype, name, 0, "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    return _zeros_ones(shape, dtype, name, 1, "ones")


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """tf.zeros_like (TF 1.15): zeros() named "zeros_like" for a fully defined shape, else
    the ZerosLike op."""
    with name_scope(name, "zeros_like", [tensor]) as scope:
        t = convert_to_tensor(tensor, name="tensor")
        if optimize and t.shape.is_fully_defined() and t.dtype != dtypes.variant:
            return zeros(t.shape.as_list(), dtype or t.dtype, name=scope)
        if dtype is not None and dtypes.as_dtype(dtype) != t.dtype:
            return zeros(shape_internal(t, optimize=optimize), dtype=dtype, name=scope)
        return _out(_create_op(t.graph, "ZerosLike", scope, [t], {"T": t.dtype.base_dtype}))


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """tf.ones_like (TF 1.15): Fill(shape(tensor), 1) named "ones_like"."""
    with name_scope(name, "ones_like", [tensor]) as scope:
        t = convert_to_tensor(tensor, name="tensor")
        ones_shape = shape_internal(t, optimize=optimize)
        if dtype is None:
            dtype = t.dtype
        ret = ones(ones_shape, dtype=dtype, name=scope)
        ret.set_shape(t.shape)
        return ret


def placeholder_with_default(input, shape, name=None):  # noqa: A002
    """tf.placeholder_with_default: PlaceholderWithDefault named "PlaceholderWithDefault"."""
    g = _graph_of([input])
    with g.as_default(), name_scope(name, "PlaceholderWithDefault", [input]) as scope:
        t = convert_to_tensor(input, name="input")
        return _out(_create_op(g, "PlaceholderWithDefault", scope, [t], {
            "dtype": t.dtype.base_dtype, "shape": as_shape(shape)}))


def stop_gradient(input, name=None):  # noqa: A002
    """tf.stop_gradient: StopGradient named "StopGradient" (forwards its input)."""
    with name_scope(name, "StopGradient", [input]) as scope:
        op = _apply_op("StopGradient", scope, [("input", input, "T")])
    return _out(op)


def where(condition, x=None, y=None, name=None):
    """tf.where (TF 1.15, v1): Select(condition, x, y) named "Select"."""
    if x is None and y is None:
        g = _graph_of([condition])
        with g.as_default(), name_scope(name, "Where", [condition]) as scope:
            c = convert_to_tensor(condition, preferred_dtype=dtypes.bool, name="condition")
            return _out(_create_op(g, "Where", scope, [c], {"T": c.dtype.base_dtype}))
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    op = _apply_op("Select", name, [("condition", condition, dtypes.bool), ("t", x, "T"),
                                    ("e", y, "T")])
    return _out(op)


_ListDiffOutput = collections.namedtuple("ListDiff", ["out", "idx"])


def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """tf.setdiff1d: ListDiff -> (out, idx), the values of the 1-D `x` not in `y` (in x's
    order) and their positions in `x`."""
    op = _apply_op("ListDiff", name, [("x", x, "T"), ("y", y, "T")],
                   {"out_idx": dtypes.as_dtype(index_dtype)})
    return _ListDiffOutput(op.outputs[0], op.outputs[1])


def dynamic_stitch(indices, data, name=None):
    """tf.dynamic_stitch: DynamicStitch (attrs N, T); merged[indices[m][i]] = data[m][i]."""
    indices = list(indices)
    data = list(data)
    if len(indices) != len(data):
        raise ValueError("List argument 'data' to 'DynamicStitch' Op with length %d must match "
                         "length %d of argument 'indices'." % (len(data), len(indices)))
    op = _apply_op("DynamicStitch", name,
                   [("indices", indices, ("fixed_list", dtypes.int32, "N")),
                    ("data", data, ("list", "N"))])
    return _out(op)


def invert_permutation(x, name=None):
    """tf.invert_permutation: InvertPermutation (an int32/int64 vector)."""
    op = _apply_op("InvertPermutation", name, [("x", x, "T")])
    return _out(op)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """tf.split with a list or tensor of sizes: SplitV named "split" (an integer count is not
    supported: it needs the Split op)."""
    if isinstance(num_or_size_splits, numbers.Integral) and not isinstance(
            num_or_size_splits, bool):
        raise NotImplementedError("tf.split with an integer num_or_size_splits needs the Split "
                                  "op, which scopeflow does not have; pass the sizes")
    size_splits = convert_to_tensor(num_or_size_splits)
    if size_splits.shape.ndims == 0:
        raise ValueError("Rank-0 tensors are not supported as the num_or_size_splits argument "
                         "to split. Argument provided: %s" % (num_or_size_splits,))
    if num is None:
        dims = size_splits.shape.as_list() if size_splits.shape.ndims is not None else None
        num = dims[0] if dims else None
        if num is None:
            raise ValueError("Cannot infer num from shape %s" % (num_or_size_splits,))
    op = _apply_op("SplitV", name, [("value", value, "T"),
                                    ("size_splits", size_splits, ("index", "Tlen")),
                                    ("split_dim", axis, dtypes.int32)],
                   {"num_split": int(num)})
    return list(op.outputs)
