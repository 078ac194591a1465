"""TF1 math ops (tf.divide, tf.reduce_sum, tf.matmul, tf.cast, comparisons, ...) and the
Python operators TF's math_ops installs on tensors and variables (`-t`, `t // u`, `t ** u`,
`t @ u`, `t < u`, `&`, `|`, `^`, `~`, `t[...]`), with TF 1.15's names and graph structure."""

import builtins as _builtins

import numpy as np

from . import array_ops
from . import dtypes
from .array_ops import _apply_op, _is_variable, _out, convert_to_tensor
from .framework import Tensor, _create_op, _Operators, name_scope

__all__ = [
    "divide", "truediv", "div", "floordiv", "realdiv", "negative", "abs", "square", "sqrt",
    "rsqrt", "exp", "log", "pow", "maximum", "minimum", "squared_difference", "sign",
    "reciprocal", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_not", "logical_xor", "cast", "to_float", "to_int32",
    "to_int64", "to_double", "reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
    "reduce_prod", "argmax", "argmin", "matmul", "add_n", "range", "sigmoid", "tanh",
    "floor_div", "neg", "div_no_nan", "tensordot", "clip_by_value",
]

# ---------------------------------------------------------------------------------------------
# Element-wise


def _unary(op_type, x, name):
    return _out(_apply_op(op_type, name, [("x", x, "T")]))


def _binary(op_type, x, y, name):
    return _out(_apply_op(op_type, name, [("x", x, "T"), ("y", y, "T")]))


def negative(x, name=None):
    return _unary("Neg", x, name)


neg = negative


def abs(x, name=None):  # noqa: A001 - TF's name
    """tf.abs: name_scope "Abs", then Abs named after it."""
    with name_scope(name, "Abs", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if x.dtype.is_complex:
            raise NotImplementedError("ComplexAbs is not supported")
        return _unary("Abs", x, scope)


def square(x, name=None):
    return _unary("Square", x, name)


def sqrt(x, name=None):
    return _unary("Sqrt", x, name)


def rsqrt(x, name=None):
    return _unary("Rsqrt", x, name)


def exp(x, name=None):
    return _unary("Exp", x, name)


def log(x, name=None):
    return _unary("Log", x, name)


def sign(x, name=None):
    return _unary("Sign", x, name)


def reciprocal(x, name=None):
    return _unary("Reciprocal", x, name)


def sigmoid(x, name=None):
    """tf.sigmoid: name_scope "Sigmoid" with `x` converted inside."""
    with name_scope(name, "Sigmoid", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return _unary("Sigmoid", x, scope)


def tanh(x, name=None):
    with name_scope(name, "Tanh", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return _unary("Tanh", x, scope)


def maximum(x, y, name=None):
    return _binary("Maximum", x, y, name)


def minimum(x, y, name=None):
    return _binary("Minimum", x, y, name)


def squared_difference(x, y, name=None):
    return _binary("SquaredDifference", x, y, name)


def _sub(x, y, name=None):
    """gen_math_ops.sub: Sub named "Sub"."""
    return _binary("Sub", x, y, name)


def _mul(x, y, name=None):
    """gen_math_ops.mul: Mul named "Mul"."""
    return _binary("Mul", x, y, name)


def realdiv(x, y, name=None):
    return _binary("RealDiv", x, y, name)


real_div = realdiv


def floor_div(x, y, name=None):
    return _binary("FloorDiv", x, y, name)


def pow(x, y, name=None):  # noqa: A001
    """tf.pow: name_scope "Pow", then Pow named after it."""
    with name_scope(name, "Pow", [x]) as scope:
        return _binary("Pow", x, y, scope)


def floordiv(x, y, name=None):
    """tf.floordiv: FloorDiv named "floordiv"."""
    with name_scope(name, "floordiv", [x, y]) as scope:
        return _binary("FloorDiv", x, y, scope)


_TRUEDIV_TABLE = {
    dtypes.uint8: dtypes.float32, dtypes.int8: dtypes.float32, dtypes.uint16: dtypes.float32,
    dtypes.int16: dtypes.float32, dtypes.int32: dtypes.float64, dtypes.int64: dtypes.float64,
    dtypes.bfloat16: None, dtypes.float16: None, dtypes.float32: None, dtypes.float64: None,
    dtypes.complex64: None, dtypes.complex128: None,
}


def truediv(x, y, name=None):
    """tf.truediv (_truediv_python3): RealDiv named "truediv"; integers are cast first."""
    with name_scope(name, "truediv", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y", preferred_dtype=x.dtype.base_dtype)
        x_dtype = x.dtype.base_dtype
        y_dtype = y.dtype.base_dtype
        if x_dtype != y_dtype:
            raise TypeError("x and y must have the same dtype, got %r != %r" %
                            (x_dtype, y_dtype))
        try:
            dtype = _TRUEDIV_TABLE[x_dtype]
        except KeyError:
            raise TypeError("Invalid dtype %r in __truediv__" % x_dtype)
        if dtype is not None:
            x = cast(x, dtype)
            y = cast(y, dtype)
        return _binary("RealDiv", x, y, scope)


def divide(x, y, name=None):
    """tf.divide: `x / y` (the truediv operator) or truediv named `name`."""
    if name is not None:
        return truediv(x, y, name=name)
    return x / y


def div(x, y, name=None):
    """tf.div (TF1): RealDiv for floats, FloorDiv for integers, named "div"."""
    with name_scope(name, "div", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y", dtype=x.dtype.base_dtype)
        if x.dtype.is_floating or x.dtype.is_complex:
            return _binary("RealDiv", x, y, scope)
        return _binary("FloorDiv", x, y, scope)


def div_no_nan(x, y, name=None):
    """tf.div_no_nan: DivNoNan named "div_no_nan" (x / y, 0 where y is 0)."""
    with name_scope(name, "div_no_nan", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y", dtype=x.dtype.base_dtype)
        return _binary("DivNoNan", x, y, scope)


def _compare(op_type, x, y, name):
    return _out(_apply_op(op_type, name, [("x", x, "T"), ("y", y, "T")]))


def equal(x, y, name=None):
    return _out(_apply_op("Equal", name, [("x", x, "T"), ("y", y, "T")],
                          {"incompatible_shape_error": True}))


def not_equal(x, y, name=None):
    return _out(_apply_op("NotEqual", name, [("x", x, "T"), ("y", y, "T")],
                          {"incompatible_shape_error": True}))


def less(x, y, name=None):
    return _compare("Less", x, y, name)


def less_equal(x, y, name=None):
    return _compare("LessEqual", x, y, name)


def greater(x, y, name=None):
    return _compare("Greater", x, y, name)


def greater_equal(x, y, name=None):
    return _compare("GreaterEqual", x, y, name)


def logical_and(x, y, name=None):
    return _out(_apply_op("LogicalAnd", name, [("x", x, dtypes.bool), ("y", y, dtypes.bool)],
                          type_attr=None))


def logical_or(x, y, name=None):
    return _out(_apply_op("LogicalOr", name, [("x", x, dtypes.bool), ("y", y, dtypes.bool)],
                          type_attr=None))


def logical_not(x, name=None):
    return _out(_apply_op("LogicalNot", name, [("x", x, dtypes.bool)], type_attr=None))


def logical_xor(x, y, name="LogicalXor"):
    """tf.logical_xor: (x | y) & ~(x & y), the outer LogicalAnd named `name`."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


def where(condition, x=None, y=None, name=None):
    return array_ops.where(condition, x, y, name)


# ---------------------------------------------------------------------------------------------
# Cast


def _cast_op(x, dtype, name=None):
    """gen_math_ops.cast: a Cast named "Cast"."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    op = _apply_op("Cast", name, [("x", x, "T")],
                   {"DstT": dtype, "Truncate": False}, type_attr="SrcT")
    return _out(op)


def cast(x, dtype, name=None):
    """tf.cast: x itself when it already has `dtype`, else Cast named "Cast"."""
    base_type = dtypes.as_dtype(dtype).base_dtype
    if isinstance(x, Tensor) and base_type == x.dtype.base_dtype:
        return x
    with name_scope(name, "Cast", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if x.dtype.base_dtype != base_type:
            x = _cast_op(x, base_type, name=scope)
        return x


def to_float(x, name="ToFloat"):
    return cast(x, dtypes.float32, name=name)


def to_double(x, name="ToDouble"):
    return cast(x, dtypes.float64, name=name)


def to_int32(x, name="ToInt32"):
    return cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64"):
    return cast(x, dtypes.int64, name=name)


def saturate_cast(value, dtype, name=None):
    raise NotImplementedError("tf.saturate_cast is not supported")


# ---------------------------------------------------------------------------------------------
# Range, AddN


def _range_op(start, limit, delta, name=None):
    """gen_math_ops._range: Range named "Range"."""
    op = _apply_op("Range", name, [("start", start, "T"), ("limit", limit, "T"),
                                   ("delta", delta, "T")], type_attr="Tidx")
    return _out(op)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """tf.range: Range named "range"; the dtype is the widest of the arguments' unless
    given (others are Cast)."""
    if limit is None:
        start, limit = 0, start
    with name_scope(name, "Range", [start, limit, delta]) as scope:
        start = convert_to_tensor(start, dtype=dtype, name="start")
        limit = convert_to_tensor(limit, dtype=dtype, name="limit")
        delta = convert_to_tensor(delta, dtype=dtype, name="delta")
        if dtype is None:
            hierarchy = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]
            assert all(a.dtype in hierarchy for a in [start, limit, delta])
            inferred = max([a.dtype for a in [start, limit, delta]], key=hierarchy.index)
            start = cast(start, inferred)
            limit = cast(limit, inferred)
            delta = cast(delta, inferred)
        g = start.graph
        return _out(_create_op(g, "Range", scope, [start, limit, delta],
                               {"Tidx": start.dtype.base_dtype}))


def add_n(inputs, name=None):
    """tf.add_n: AddN named "AddN"; one input is returned (or an Identity named `name`)."""
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError("inputs must be a list of at least one "
                         "Tensor/IndexedSlices with the same dtype and shape")
    inputs = [convert_to_tensor(x) for x in inputs]
    if len(inputs) == 1:
        if name:
            return array_ops.identity(inputs[0], name=name)
        return inputs[0]
    op = _apply_op("AddN", name, [("inputs", inputs, ("list", "N"))])
    return _out(op)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    return add_n(inputs, name=name)


# ---------------------------------------------------------------------------------------------
# Reductions


def _reduction_dims(x, axis, reduction_indices=None):
    """math_ops._ReductionDims: axis, or a Const `Const` of range(rank) (Rank/range when the
    rank is unknown), built in the caller's scope."""
    if reduction_indices is not None:
        if axis is not None:
            raise ValueError("Can't specify both 'axis' and 'reduction_indices'.")
        axis = reduction_indices
    if axis is not None:
        return axis
    if _is_variable(x):
        # common_shapes.rank() only knows Tensors: a variable takes the Rank/range path (its
        # Rank is still a Const, array_ops.rank being optimized).
        return range(0, array_ops.rank(x))
    x = convert_to_tensor(x)
    r = x.shape.ndims
    if r is not None:
        from . import ops as _ops
        return _ops.constant(np.arange(r, dtype=np.int32), dtype=dtypes.int32)
    return range(0, array_ops.rank(x))


def _may_reduce_to_scalar(keepdims, axis, output):
    if not output.shape.is_fully_defined() and not keepdims and axis is None:
        output.set_shape(())
    return output


def _reduce(op_type, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    axis = array_ops._lookup("axis", axis, "reduction_indices", reduction_indices)
    keepdims = array_ops._lookup("keepdims", keepdims, "keep_dims", keep_dims)
    keepdims = False if keepdims is None else bool(keepdims)
    dims = _reduction_dims(input_tensor, axis)
    input_tensor = convert_to_tensor(input_tensor) if _is_variable(input_tensor) \
        else input_tensor
    op = _apply_op(op_type, name, [("input", input_tensor, "T"),
                                   ("reduction_indices", dims, ("index", "Tidx"))],
                   {"keep_dims": keepdims})
    return _may_reduce_to_scalar(keepdims, axis, _out(op))


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce("Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    return _reduce("Mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce("Max", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_min(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce("Min", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_prod(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    return _reduce("Prod", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _arg(op_type, input, axis, name, dimension, output_type):  # noqa: A002
    axis = array_ops._lookup("axis", axis, "dimension", dimension)
    if axis is None:
        axis = 0
    op = _apply_op(op_type, name, [("input", input, "T"),
                                   ("dimension", axis, ("index", "Tidx"))],
                   {"output_type": dtypes.as_dtype(output_type)})
    return _out(op)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    return _arg("ArgMax", input, axis, name, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    return _arg("ArgMin", input, axis, name, dimension, output_type)


# ---------------------------------------------------------------------------------------------
# MatMul


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """tf.matmul: MatMul named "MatMul"; BatchMatMulV2 (same name) when a rank may be > 2."""
    with name_scope(name, "MatMul", [a, b]) as scope:
        if transpose_a and adjoint_a:
            raise ValueError("Only one of transpose_a and adjoint_a can be True.")
        if transpose_b and adjoint_b:
            raise ValueError("Only one of transpose_b and adjoint_b can be True.")
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b", preferred_dtype=a.dtype.base_dtype)
        if a.dtype.is_complex or b.dtype.is_complex:
            raise NotImplementedError("complex matmul is not supported")
        ra, rb = a.shape.ndims, b.shape.ndims
        batch = (ra is None or ra > 2) or (rb is None or rb > 2)
        if batch:
            adj_x = bool(adjoint_a or transpose_a)
            adj_y = bool(adjoint_b or transpose_b)
            op = _apply_op("BatchMatMulV2", scope, [("x", a, "T"), ("y", b, "T")],
                           {"adj_x": adj_x, "adj_y": adj_y})
            return _out(op)
        op = _apply_op("MatMul", scope, [("a", a, "T"), ("b", b, "T")],
                       {"transpose_a": bool(transpose_a or adjoint_a),
                        "transpose_b": bool(transpose_b or adjoint_b)})
        return _out(op)


def _mat_mul(a, b, transpose_a=False, transpose_b=False, name=None):
    """gen_math_ops.mat_mul: MatMul named "MatMul" (no name scope of its own)."""
    op = _apply_op("MatMul", name, [("a", a, "T"), ("b", b, "T")],
                   {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b)})
    return _out(op)


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _tensordot_axes(a, axes):
    """tensordot's _tensordot_axes (TF 1.15): the contracted axes of `a` and of `b`. An
    integer N contracts the last N axes of `a` with the first N of `b` (N == 0: the outer
    product): Python lists when a's rank is known, else int32 tensors (Rank, sub, range,
    range_1). A pair gives the axes of each (a pair of integers is one axis each); anything
    else is converted to an int32 tensor `axes` and sliced (axes[0], axes[1])."""
    if _is_int(axes):
        if axes < 0:
            raise ValueError("'axes' must be at least 0.")
        ndims = a.shape.ndims
        if ndims is not None:
            if axes > ndims:
                raise ValueError("'axes' must not be larger than the number of dimensions of "
                                 "tensor %s." % a)
            return (list(_builtins.range(ndims - axes, ndims)), list(_builtins.range(axes)))
        rank = array_ops.rank(a)
        return (range(rank - axes, rank, dtype=dtypes.int32),
                range(axes, dtype=dtypes.int32))
    if isinstance(axes, (list, tuple)):
        if len(axes) != 2:
            raise ValueError("'axes' must be an integer or have length 2.")
        a_axes, b_axes = axes[0], axes[1]
        if _is_int(a_axes) and _is_int(b_axes):
            a_axes, b_axes = [a_axes], [b_axes]
        if len(a_axes) != len(b_axes):
            raise ValueError("Different number of contraction axes 'a' and 'b', %s != %s." %
                             (len(a_axes), len(b_axes)))
        return a_axes, b_axes
    axes = convert_to_tensor(axes, name="axes", dtype=dtypes.int32)
    return axes[0], axes[1]


def _tensordot_reshape(a, axes, flipped=False):
    """tensordot's _tensordot_reshape (TF 1.15): `a` transposed (free axes first, or the
    contracted ones when `flipped`) and reshaped to a matrix. Returns (reshaped, free_dims,
    free_dims_static): Python lists for a fully defined shape and list axes (Consts
    `transpose/perm`, `Reshape/shape`); with a known rank and list axes, int32 tensors
    (`axes`, `free`, Shape, GatherV2 x2, Prod x2, concat, stack) and the static free dims;
    otherwise the axes are normalized at run time (Shape, Rank, `axes`, GreaterEqual, add,
    Select) and the free axes found with ListDiff over range(rank)."""
    is_list = isinstance(axes, (list, tuple))
    if is_list and a.shape.is_fully_defined():
        dims = a.shape.as_list()
        ndims = len(dims)
        axes = [int(i) if i >= 0 else int(i) + ndims for i in axes]
        free = [i for i in _builtins.range(ndims) if i not in axes]
        free_dims = [dims[i] for i in free]
        prod_free = int(np.prod([dims[i] for i in free]))
        prod_axes = int(np.prod([dims[i] for i in axes]))
        perm = axes + free if flipped else free + axes
        new_shape = [prod_axes, prod_free] if flipped else [prod_free, prod_axes]
        reshaped = array_ops.reshape(array_ops.transpose(a, perm), new_shape)
        return reshaped, free_dims, free_dims
    if a.shape.ndims is not None and is_list:
        dims = a.shape.as_list()
        ndims = len(dims)
        axes = [int(i) if i >= 0 else int(i) + ndims for i in axes]
        free = [i for i in _builtins.range(ndims) if i not in axes]
        free_dims_static = [dims[i] for i in free]
        axes_t = convert_to_tensor(axes, dtype=dtypes.int32, name="axes")
        free_t = convert_to_tensor(free, dtype=dtypes.int32, name="free")
        shape_a = array_ops.shape(a)
    else:
        free_dims_static = None
        shape_a = array_ops.shape(a)
        rank_a = array_ops.rank(a)
        axes_t = convert_to_tensor(axes, dtype=dtypes.int32, name="axes")
        axes_t = array_ops.where(axes_t >= 0, axes_t, axes_t + rank_a)
        free_t, _ = array_ops.setdiff1d(range(rank_a), axes_t)
    free_dims = array_ops.gather(shape_a, free_t)
    axes_dims = array_ops.gather(shape_a, axes_t)
    prod_free_dims = reduce_prod(free_dims)
    prod_axes_dims = reduce_prod(axes_dims)
    if flipped:
        perm = array_ops.concat([axes_t, free_t], 0)
        new_shape = array_ops.stack([prod_axes_dims, prod_free_dims])
    else:
        perm = array_ops.concat([free_t, axes_t], 0)
        new_shape = array_ops.stack([prod_free_dims, prod_axes_dims])
    reshaped = array_ops.reshape(array_ops.transpose(a, perm), new_shape)
    return reshaped, free_dims, free_dims_static


def tensordot(a, b, axes, name=None):
    """tf.tensordot (TF 1.15): name_scope "Tensordot"; `a` and `b` are transposed and
    reshaped to matrices (see _tensordot_reshape; `b` flipped), multiplied (MatMul) and the
    product reshaped to a's free dims + b's free dims by a Reshape named after the scope
    (shape `Tensordot/shape` when both are static lists, else Const + `concat_1`)."""
    with name_scope(name, "Tensordot", [a, b, axes]) as scope:
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b")
        a_axes, b_axes = _tensordot_axes(a, axes)
        a_reshape, a_free_dims, a_free_dims_static = _tensordot_reshape(a, a_axes)
        b_reshape, b_free_dims, b_free_dims_static = _tensordot_reshape(b, b_axes, True)
        ab_matmul = matmul(a_reshape, b_reshape)
        if isinstance(a_free_dims, list) and isinstance(b_free_dims, list):
            return array_ops.reshape(ab_matmul, a_free_dims + b_free_dims, name=scope)
        a_free_dims = convert_to_tensor(a_free_dims, dtype=dtypes.int32)
        b_free_dims = convert_to_tensor(b_free_dims, dtype=dtypes.int32)
        product = array_ops.reshape(
            ab_matmul, array_ops.concat([a_free_dims, b_free_dims], 0), name=scope)
        if a_free_dims_static is not None and b_free_dims_static is not None:
            product.set_shape(a_free_dims_static + b_free_dims_static)
        return product


# ---------------------------------------------------------------------------------------------
# Operators (TF's math_ops overrides them on Tensor; Variable delegates to its value)


def _value(x):
    return x.value() if _is_variable(x) else x


def _binary_op_helper(func, op_name):
    def binary_op_wrapper(x, y):
        x = _value(x)
        with name_scope(None, op_name, [x, y]) as scope:
            if not isinstance(y, Tensor):
                try:
                    y = convert_to_tensor(y, name="y", preferred_dtype=x.dtype.base_dtype)
                except TypeError:
                    if hasattr(type(y), "__r%s__" % op_name):
                        return NotImplemented
                    raise
            return func(x, y, name=scope)

    def r_binary_op_wrapper(y, x):
        y = _value(y)
        with name_scope(None, op_name, [x, y]) as scope:
            x = convert_to_tensor(x, dtype=y.dtype.base_dtype, name="x")
            return func(x, y, name=scope)

    return binary_op_wrapper, r_binary_op_wrapper


def _install_operators():
    def unary(fn):
        return lambda self: fn(_value(self))

    def direct(fn):
        return lambda self, other: fn(_value(self), other)

    _Operators.__neg__ = unary(negative)
    _Operators.__abs__ = unary(abs)
    _Operators.__invert__ = unary(logical_not)
    for func, op_name, fwd, rev in (
            (floordiv, "floordiv", "__floordiv__", "__rfloordiv__"),
            (pow, "pow", "__pow__", "__rpow__"),
            (matmul, "matmul", "__matmul__", "__rmatmul__"),
            (logical_and, "and", "__and__", "__rand__"),
            (logical_or, "or", "__or__", "__ror__"),
            (logical_xor, "xor", "__xor__", "__rxor__")):
        f, r = _binary_op_helper(func, op_name)
        setattr(_Operators, fwd, f)
        setattr(_Operators, rev, r)
    # TF 1.x: comparisons are the generated ops themselves (no name scope); no __eq__.
    _Operators.__lt__ = direct(less)
    _Operators.__le__ = direct(less_equal)
    _Operators.__gt__ = direct(greater)
    _Operators.__ge__ = direct(greater_equal)
    _Operators.__getitem__ = array_ops._getitem


_install_operators()

# tf.math also holds the arithmetic the C++ builders provide.
from .ops import add, multiply, subtract  # noqa: E402,F401 pylint: disable=unused-import
__all__ += ["add", "multiply", "subtract"]


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """tf.clip_by_value: Minimum then Maximum named "clip_by_value"."""
    with name_scope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        values = convert_to_tensor(t, name="t")
        t_min = minimum(values, clip_value_max)
        if not values.shape.is_compatible_with(t_min.shape):
            raise ValueError("Shapes %s and %s are incompatible" % (values.shape, t_min.shape))
        t_max = maximum(t_min, clip_value_min, name=scope)
        if not values.shape.is_compatible_with(t_max.shape):
            raise ValueError("Shapes %s and %s are incompatible" % (values.shape, t_max.shape))
        return t_max


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.cumsum: name_scope "Cumsum", x converted as `x`, then Cumsum (axis `Cumsum/axis`)."""
    with name_scope(name, "Cumsum", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        op = array_ops._apply_op("Cumsum", scope, [("x", x, "T"),
                                                   ("axis", axis, ("index", "Tidx"))],
                                 {"exclusive": bool(exclusive), "reverse": bool(reverse)})
        return op.outputs[0]


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.cumprod / tf.math.cumprod: as cumsum, with Cumprod."""
    with name_scope(name, "Cumprod", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        op = array_ops._apply_op("Cumprod", scope, [("x", x, "T"),
                                                    ("axis", axis, ("index", "Tidx"))],
                                 {"exclusive": bool(exclusive), "reverse": bool(reverse)})
        return op.outputs[0]


__all__ += ["cumsum", "cumprod"]
