"""TF1 op functions (tf.constant, tf.add, ...): argument conversion, then one C++ call."""

import numpy as np

from . import _core
from . import dtypes
from .framework import (Tensor, _core_value, _graph_from_inputs, _np_value,
                        _make_core_tensor, _to_input, get_default_graph)
from .variables import _shape_arg

__all__ = ["constant", "placeholder", "add", "multiply", "subtract", "identity", "unstack",
           "zeros", "ones", "fill", "random_uniform", "random_normal", "truncated_normal"]


def _shaped_constant(value, dtype, shape, verify_shape):
    arr, dt = _np_value(value, dtype)
    if shape is None:
        return arr, dt
    shape = [int(d) for d in _shape_arg(shape)]
    n = int(np.prod(shape)) if shape else 1
    if verify_shape and list(arr.shape) != shape:
        raise TypeError(_core.messages.constant_shape_mismatch(str(tuple(shape)), str(arr.shape)))
    flat = arr.reshape(-1)
    if flat.size == n:
        return flat.reshape(shape), dt
    if flat.size == 1:
        return np.full(shape, flat[0], dtype=arr.dtype), dt
    if flat.size > n:
        raise TypeError(_core.messages.too_many_elements(str(n), str(flat.size)))
    # TF 1.x constant: the last value fills the rest.
    out = np.empty(n, dtype=arr.dtype)
    out[:flat.size] = flat
    out[flat.size:] = flat[-1]
    return out.reshape(shape), dt


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """tf.constant: a `Const` op named `name` (no name scope of its own)."""
    g = get_default_graph()
    if shape is None and dtype is None and type(value) in (float, int, bool):
        core_value = _core_value(value)
    else:
        arr, dt = _shaped_constant(value, dtype, shape, verify_shape)
        core_value = _make_core_tensor(arr, dt)
    return g._wrap_new(_core.constant(g._c, core_value, name or "Const"))


def placeholder(dtype, shape=None, name=None):
    g = get_default_graph()
    return g._wrap_new(_core.placeholder(g._c, dtypes.as_dtype(dtype).as_datatype_enum,
                                            _shape_arg(shape), name or ""))


def _binary(fn, x, y, name):
    if type(x) is Tensor and type(y) is Tensor:  # the common case, kept short
        g = x._g
        if y._g is not g:
            raise ValueError(_core.messages.different_graphs(str(y), str(x)))
        return g._wrap_new(fn(g._c, x._o, y._o, name or ""))
    g = _graph_from_inputs((x, y))
    return g._wrap_new(fn(g._c, _to_input(x), _to_input(y), name or ""))


def add(x, y, name=None):
    return _binary(_core.add, x, y, name)


def multiply(x, y, name=None):
    return _binary(_core.mul, x, y, name)


def subtract(x, y, name=None):
    return _binary(_core.sub, x, y, name)


def realdiv(x, y, name=None):
    return _binary(_core.real_div, x, y, name)


mul = multiply
sub = subtract


def identity(input, name=None):  # noqa: A002 - TF's parameter name
    g = _graph_from_inputs((input,))
    return g._wrap_new(_core.identity(g._c, _to_input(input), name or ""))


def unstack(value, num=None, axis=0, name="unstack"):
    g = _graph_from_inputs((value,))
    outs = _core.unstack(g._c, _to_input(value), -1 if num is None else num, axis,
                         name or "unstack")
    return g._wrap_outputs(outs)


def fill(dims, value, name=None):
    g = _graph_from_inputs((dims, value))
    return g._wrap_output(_core.fill(g._c, _to_input(dims, dtypes.int32), _to_input(value),
                                     name or ""))


def _dynamic_shape(shape):
    """A shape given as a tensor (or a list holding one): built by the Python op modules."""
    if isinstance(shape, Tensor) or hasattr(shape, "_as_graph_output"):
        return True
    if isinstance(shape, (list, tuple)):
        return any(_dynamic_shape(d) for d in shape)
    return False


def zeros(shape, dtype=dtypes.float32, name=None):
    if _dynamic_shape(shape):
        from . import array_ops
        return array_ops.zeros(shape, dtype, name)
    g = get_default_graph()
    return g._wrap_output(_core.zeros(g._c, _shape_arg(shape),
                                      dtypes.as_dtype(dtype).as_datatype_enum, name or ""))


def ones(shape, dtype=dtypes.float32, name=None):
    if _dynamic_shape(shape):
        from . import array_ops
        return array_ops.ones(shape, dtype, name)
    g = get_default_graph()
    return g._wrap_output(_core.ones(g._c, _shape_arg(shape),
                                     dtypes.as_dtype(dtype).as_datatype_enum, name or ""))


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    dtype = dtypes.as_dtype(dtype)
    if maxval is None:
        if dtype.is_integer:
            raise ValueError(_core.messages.random_uniform_maxval(repr(dtype)))
        maxval = 1
    if _dynamic_shape(shape) and dtype.is_floating:
        from . import nn
        return nn._random_uniform(shape, minval, maxval, dtype, seed, name)
    g = get_default_graph()
    return g._wrap_output(_core.random_uniform(g._c, _shape_arg(shape), float(minval),
                                               float(maxval), dtype.as_datatype_enum, seed,
                                               name or ""))


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    if _dynamic_shape(shape):
        from . import nn
        return nn._random_normal(shape, mean, stddev, dtype, seed, name)
    g = get_default_graph()
    return g._wrap_output(_core.random_normal(g._c, _shape_arg(shape), float(mean), float(stddev),
                                              dtypes.as_dtype(dtype).as_datatype_enum, seed,
                                              name or ""))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    if _dynamic_shape(shape):
        from . import nn
        return nn._truncated_normal(shape, mean, stddev, dtype, seed, name)
    g = get_default_graph()
    return g._wrap_output(_core.truncated_normal(g._c, _shape_arg(shape), float(mean),
                                                 float(stddev),
                                                 dtypes.as_dtype(dtype).as_datatype_enum, seed,
                                                 name or ""))
