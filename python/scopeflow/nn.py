"""tf.nn (TF 1.15 names and graph structure): activations, softmax, bias_add, dropout,
conv2d, pooling, l2_loss and the cross-entropy ops."""

import numbers

from . import array_ops
from . import dtypes
from . import math_ops
from .array_ops import _apply_op, _out, convert_to_tensor
from .framework import _create_op, as_shape, get_default_graph, name_scope
from .math_ops import sigmoid, tanh

__all__ = [
    "relu", "relu6", "elu", "sigmoid", "tanh", "softmax", "log_softmax", "bias_add", "dropout",
    "conv2d", "max_pool", "avg_pool", "l2_loss", "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits",
    "xw_plus_b", "embedding_lookup", "moments",
]


def _features_op(op_type, features, name):
    return _out(_apply_op(op_type, name, [("features", features, "T")]))


def relu(features, name=None):
    """tf.nn.relu: Relu named "Relu"."""
    return _features_op("Relu", features, name)


def relu6(features, name=None):
    """tf.nn.relu6: name_scope "Relu6" with `features` converted inside."""
    with name_scope(name, "Relu6", [features]) as scope:
        features = convert_to_tensor(features, name="features")
        return _features_op("Relu6", features, scope)


def elu(features, name=None):
    return _features_op("Elu", features, name)


def _softmax(logits, op_type, axis, name):
    logits = convert_to_tensor(logits)
    shape = logits.shape
    is_last_dim = (axis == -1) or (shape.ndims is not None and axis == shape.ndims - 1)
    if is_last_dim:
        return _out(_apply_op(op_type, name, [("logits", logits, "T")]))
    raise NotImplementedError("%s over a dimension other than the last is not supported" %
                              op_type)


def softmax(logits, axis=None, name=None, dim=None):
    """tf.nn.softmax: Softmax named "Softmax" (over the last dimension)."""
    axis = array_ops._lookup("axis", axis, "dim", dim)
    if axis is None:
        axis = -1
    return _softmax(logits, "Softmax", axis, name)


def log_softmax(logits, axis=None, name=None, dim=None):
    axis = array_ops._lookup("axis", axis, "dim", dim)
    if axis is None:
        axis = -1
    return _softmax(logits, "LogSoftmax", axis, name)


def bias_add(value, bias, data_format=None, name=None):
    """tf.nn.bias_add: BiasAdd named "BiasAdd" (`input` and `bias` converted inside)."""
    with name_scope(name, "BiasAdd", [value, bias]) as scope:
        if data_format is not None:
            if data_format.startswith("NC"):
                data_format = "NCHW"
            elif data_format.startswith("N") and data_format.endswith("C"):
                data_format = "NHWC"
            else:
                raise ValueError("data_format must be of the form `N...C` or `NC...`")
        value = convert_to_tensor(value, name="input")
        bias = convert_to_tensor(bias, dtype=value.dtype, name="bias")
        op = _apply_op("BiasAdd", scope, [("value", value, "T"), ("bias", bias, "T")],
                       {"data_format": data_format or "NHWC"})
        return _out(op)


def xw_plus_b(x, weights, biases, name=None):
    """tf.nn.xw_plus_b: MatMul then BiasAdd named "xw_plus_b"."""
    with name_scope(name, "xw_plus_b", [x, weights, biases]) as scope:
        x = convert_to_tensor(x, name="x")
        weights = convert_to_tensor(weights, name="weights")
        biases = convert_to_tensor(biases, name="biases")
        mm = math_ops.matmul(x, weights)
        return bias_add(mm, biases, name=scope)


def l2_loss(t, name=None):
    return _out(_apply_op("L2Loss", name, [("t", t, "T")]))


# ---------------------------------------------------------------------------------------------
# Dropout


def _get_seed(op_seed):
    """random_seed.get_seed: (graph seed, op seed) as TF derives them."""
    g = get_default_graph()
    global_seed = g.seed
    maxint = 2**31 - 1
    if global_seed is not None:
        if op_seed is None:
            op_seed = g._c.num_operations()
        seeds = (int(global_seed) % maxint, int(op_seed) % maxint)
    elif op_seed is not None:
        seeds = (87654321, int(op_seed) % maxint)
    else:
        return 0, 0
    if seeds == (0, 0):
        return 0, maxint
    return seeds


def _random_uniform(shape, minval=0, maxval=1, dtype=dtypes.float32, seed=None, name=None):
    """random_ops.random_uniform for a shape tensor: RandomUniform scaled into
    [minval, maxval), named "random_uniform"."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "random_uniform", [shape, minval, maxval]) as scope:
        shape = convert_to_tensor(shape, name="shape", preferred_dtype=dtypes.int32)
        minval = convert_to_tensor(minval, dtype=dtype, name="min")
        maxval = convert_to_tensor(maxval, dtype=dtype, name="max")
        seed1, seed2 = _get_seed(seed)
        g = shape.graph
        rnd = _out(_create_op(g, "RandomUniform", "RandomUniform", [shape], {
            "seed": int(seed1), "seed2": int(seed2), "dtype": dtype,
            "T": shape.dtype.base_dtype}))
        return _out(_apply_op("Add", scope, [("x", rnd * (maxval - minval), "T"),
                                             ("y", minval, "T")]))


def _get_noise_shape(x, noise_shape):
    if noise_shape is None:
        return array_ops.shape(x)
    try:
        noise_shape_ = as_shape(noise_shape)
    except (TypeError, ValueError):
        return noise_shape
    if x.shape.dims is not None and len(x.shape.dims) == len(noise_shape_.dims):
        new_dims = []
        for i, dim in enumerate(x.shape.dims):
            if noise_shape_.dims[i].value is None and dim.value is not None:
                new_dims.append(dim.value)
            else:
                new_dims.append(noise_shape_.dims[i].value)
        return new_dims
    return noise_shape


def dropout_v2(x, rate, noise_shape=None, seed=None, name=None):
    """tf.nn.dropout (TF 1.15, rate form): name scope "dropout"; `x * (1 / (1 - rate)) *
    cast(random_uniform >= rate)`."""
    with name_scope(name, "dropout", [x]) as scope:
        del scope
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError("x has to be a floating point tensor since it's going to be "
                             "scaled. Got a %s tensor instead." % x.dtype)
        if isinstance(rate, numbers.Real) and not isinstance(rate, bool):
            if not (rate >= 0 and rate < 1):
                raise ValueError("rate must be a scalar tensor or a float in the range [0, 1), "
                                 "got %g" % rate)
            if rate == 0:
                return x
        rate = convert_to_tensor(rate, dtype=x.dtype, name="rate")
        if not rate.shape.is_compatible_with([]):
            raise ValueError("Shapes %s and () are incompatible" % rate.shape)
        cv = array_ops.constant_value(rate)
        if cv is not None and cv == 0:
            return x
        noise_shape = _get_noise_shape(x, noise_shape)
        random_tensor = _random_uniform(noise_shape, seed=seed, dtype=x.dtype)
        keep_prob = 1 - rate
        scale = 1 / keep_prob
        keep_mask = random_tensor >= rate
        ret = x * scale * math_ops.cast(keep_mask, x.dtype)
        ret.set_shape(x.shape)
        return ret


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """tf.nn.dropout (TF1 signature): keep_prob or rate; rate = 1 - keep_prob."""
    try:
        keep = 1. - keep_prob if keep_prob is not None else None
    except TypeError:
        raise ValueError("keep_prob must be a floating point number or Tensor (got %r)" %
                         (keep_prob,))
    rate = array_ops._lookup("rate", rate, "keep_prob", keep)
    if rate is None:
        raise ValueError("You must provide a rate to dropout.")
    return dropout_v2(x, rate, noise_shape=noise_shape, seed=seed, name=name)


# ---------------------------------------------------------------------------------------------
# Convolution and pooling


def _get_sequence(value, n, channel_index, name):
    if value is None:
        value = [1]
    elif not hasattr(value, "__len__"):
        value = [value]
    value = [int(v) for v in value]
    current_n = len(value)
    if current_n == n + 2:
        return value
    if current_n == 1:
        value = list((value[0],) * n)
    elif current_n == n:
        value = list(value)
    else:
        raise ValueError("{} should be of length 1, {} or {} but was {}".format(
            name, n, n + 2, current_n))
    if channel_index == 1:
        return [1, 1] + value
    return [1] + value + [1]


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=(1, 1, 1, 1), name=None, filters=None):
    """tf.nn.conv2d: Conv2D named "Conv2D" (`input`, `filter` converted inside)."""
    filter = array_ops._lookup("filters", filters, "filter", filter)  # noqa: A001
    if isinstance(padding, (list, tuple)):
        raise NotImplementedError("explicit padding is not supported")
    if data_format is None:
        data_format = "NHWC"
    channel_index = 1 if data_format.startswith("NC") else 3
    strides = _get_sequence(strides, 2, channel_index, "strides")
    dilations = _get_sequence(dilations, 2, channel_index, "dilations")
    op = _apply_op("Conv2D", name, [("input", input, "T"), ("filter", filter, "T")], {
        "strides": strides, "use_cudnn_on_gpu": bool(use_cudnn_on_gpu), "padding": padding,
        "explicit_paddings": [], "data_format": data_format, "dilations": dilations})
    return _out(op)


def _pool(op_type, value, ksize, strides, padding, data_format, name, input):  # noqa: A002
    value = array_ops._lookup("input", input, "value", value)
    with name_scope(name, op_type, [value]) as scope:
        if data_format is None:
            data_format = "NHWC"
        channel_index = 1 if data_format.startswith("NC") else 3
        ksize = _get_sequence(ksize, 2, channel_index, "ksize")
        strides = _get_sequence(strides, 2, channel_index, "strides")
        value = convert_to_tensor(value, name="input")
        op = _apply_op(op_type, scope, [("input", value, "T")], {
            "ksize": ksize, "strides": strides, "padding": padding,
            "data_format": data_format})
        return _out(op)


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa
    """tf.nn.max_pool: MaxPool named "MaxPool"."""
    return _pool("MaxPool", value, ksize, strides, padding, data_format, name, input)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa
    """tf.nn.avg_pool: AvgPool named "AvgPool"."""
    return _pool("AvgPool", value, ksize, strides, padding, data_format, name, input)


# ---------------------------------------------------------------------------------------------
# Cross entropy


def _ensure_xent_args(name, sentinel, labels, logits):
    if sentinel is not None:
        raise ValueError("Only call `%s` with named arguments (labels=..., logits=..., ...)"
                         % name)
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")


def _flatten_outer_dims(logits):
    """nn_ops._flatten_outer_dims: Reshape(logits, concat([[-1], last_dim], 0))."""
    r = array_ops.rank(logits)
    last_dim_size = array_ops.slice(array_ops.shape(logits), [math_ops._sub(r, 1)], [1])
    output = array_ops.reshape(logits, array_ops.concat([[-1], last_dim_size], 0))
    shape = logits.shape
    if shape.dims is not None:
        dims = shape.as_list()
        product = 1
        valid = True
        for d in dims[:-1]:
            if d is None:
                valid = False
                break
            product *= d
        if valid:
            output.set_shape([product, dims[-1]])
    return output


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=None, name=None, dim=None):
    """tf.nn.softmax_cross_entropy_with_logits_v2 (TF 1.15 helper): logits and labels
    flattened to matrices, SoftmaxCrossEntropyWithLogits named after the scope, cost reshaped
    back (`Reshape_2`)."""
    axis = array_ops._lookup("axis", axis, "dim", dim)
    if axis is None:
        axis = -1
    with name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, name="labels")
        convert_to_float32 = logits.dtype in (dtypes.float16, dtypes.bfloat16)
        precise_logits = math_ops.cast(logits, dtypes.float32) if convert_to_float32 \
            else logits
        labels = math_ops.cast(labels, precise_logits.dtype)
        input_rank = array_ops.rank(precise_logits)
        shape = logits.shape
        if axis != -1:
            raise NotImplementedError("softmax_cross_entropy_with_logits over a dimension "
                                      "other than the last is not supported")
        input_shape = array_ops.shape(precise_logits)
        precise_logits = _flatten_outer_dims(precise_logits)
        labels = _flatten_outer_dims(labels)
        g = precise_logits.graph
        op = _create_op(g, "SoftmaxCrossEntropyWithLogits", scope, [precise_logits, labels],
                        {"T": precise_logits.dtype.base_dtype})
        cost = op.outputs[0]
        output_shape = array_ops.slice(input_shape, [0], [math_ops._sub(input_rank, 1)])
        cost = array_ops.reshape(cost, output_shape)
        if shape is not None and shape.dims is not None:
            s = shape.as_list()
            del s[axis]
            cost.set_shape(s)
        if convert_to_float32:
            return math_ops.cast(cost, logits.dtype)
        return cost


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1,
                                      name=None, axis=None):
    """tf.nn.softmax_cross_entropy_with_logits (TF1, deprecated): StopGradient on labels in
    scope "softmax_cross_entropy_with_logits_sg", then the v2 computation in that scope."""
    dim = array_ops._lookup("axis", axis, "dim", dim)
    _ensure_xent_args("softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as scope:
        labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=dim,
                                                name=scope)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None,
                                             name=None):
    """tf.nn.sparse_softmax_cross_entropy_with_logits: in scope
    "SparseSoftmaxCrossEntropyWithLogits", a labels Shape, then the op (named `name`, or
    SparseSoftmaxCrossEntropyWithLogits) directly for 2-D logits."""
    _ensure_xent_args("sparse_softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with name_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]):
        labels = convert_to_tensor(labels)
        logits = convert_to_tensor(logits)
        precise_logits = math_ops.cast(logits, dtypes.float32) \
            if logits.dtype == dtypes.float16 else logits
        labels_static_shape = labels.shape
        labels_shape = array_ops.shape(labels)
        lshape = logits.shape
        static_fully_defined = labels_static_shape.is_fully_defined() and \
            lshape[:-1].is_fully_defined()
        if lshape.ndims is not None and lshape.ndims == 0:
            raise ValueError("Logits cannot be scalars - received shape %s." % lshape)
        if lshape.ndims is not None and labels_static_shape.ndims is not None and \
                labels_static_shape.ndims != lshape.ndims - 1:
            raise ValueError("Rank mismatch: Rank of labels (received %s) should equal rank of "
                             "logits minus 1 (received %s)." %
                             (labels_static_shape.ndims, lshape.ndims))
        if static_fully_defined and labels_static_shape != lshape[:-1]:
            raise ValueError("Shape mismatch: The shape of labels (received %s) should equal "
                             "the shape of logits except for the last dimension (received %s)."
                             % (labels_static_shape, lshape))

        def xent(lg, lb):
            op = _apply_op("SparseSoftmaxCrossEntropyWithLogits", name,
                           [("features", lg, "T"), ("labels", lb, ("index", "Tlabels"))])
            return op.outputs[0]

        if lshape.ndims == 2:
            cost = xent(precise_logits, labels)
            if logits.dtype == dtypes.float16:
                return math_ops.cast(cost, dtypes.float16)
            return cost
        if not static_fully_defined:
            raise NotImplementedError("sparse_softmax_cross_entropy_with_logits for logits of "
                                      "rank other than 2 needs static shapes")
        num_classes = array_ops.shape(logits)[array_ops.rank(logits) - 1]
        precise_logits = array_ops.reshape(precise_logits, [-1, num_classes])
        labels = array_ops.reshape(labels, [-1])
        cost = xent(precise_logits, labels)
        cost = array_ops.reshape(cost, labels_shape)
        cost.set_shape(labels_static_shape)
        if logits.dtype == dtypes.float16:
            return math_ops.cast(cost, dtypes.float16)
        return cost


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """tf.nn.embedding_lookup for one unpartitioned tensor: name scope "embedding_lookup",
    a Gather named after it (under colocation with params)."""
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise NotImplementedError("partitioned embedding_lookup is not supported")
        params = params[0]
    if max_norm is not None:
        raise NotImplementedError("max_norm is not supported")
    with name_scope(name, "embedding_lookup", [params, ids]) as scope:
        from .framework import colocate_with
        ids = convert_to_tensor(ids, name="ids")
        with colocate_with(params):
            out = array_ops.gather(params, ids, name=scope)
        return array_ops.identity(out)


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """tf.nn.moments: scope "moments", `mean` and `variance` (Mean ops kept 2-D, then
    Squeeze unless keep_dims)."""
    keep_dims = array_ops._lookup("keepdims", keepdims, "keep_dims", keep_dims)
    if keep_dims is None:
        keep_dims = False
    with name_scope(name, "moments", [x, axes]):
        x = convert_to_tensor(x)
        y = math_ops.cast(x, dtypes.float32) if x.dtype == dtypes.float16 else x
        mean = math_ops.reduce_mean(y, axes, keepdims=True, name="mean")
        variance = math_ops.reduce_mean(
            math_ops.squared_difference(y, array_ops.stop_gradient(mean)), axes,
            keepdims=True, name="variance")
        if not keep_dims:
            mean = array_ops.squeeze(mean, axes)
            variance = array_ops.squeeze(variance, axes)
        if x.dtype == dtypes.float16:
            return (math_ops.cast(mean, dtypes.float16), math_ops.cast(variance, dtypes.float16))
        return (mean, variance)


def _random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """random_ops.random_normal for a shape tensor: RandomStandardNormal * stddev + mean,
    named "random_normal"."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "random_normal", [shape, mean, stddev]) as scope:
        shape = convert_to_tensor(shape, name="shape", preferred_dtype=dtypes.int32)
        mean_t = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_t = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        seed1, seed2 = _get_seed(seed)
        rnd = _out(_create_op(shape.graph, "RandomStandardNormal", "RandomStandardNormal",
                              [shape], {"seed": int(seed1), "seed2": int(seed2),
                                        "dtype": dtype, "T": shape.dtype.base_dtype}))
        mul = rnd * stddev_t
        return _out(_apply_op("Add", scope, [("x", mul, "T"), ("y", mean_t, "T")]))


def _truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None,
                      name=None):
    """random_ops.truncated_normal for a shape tensor: TruncatedNormal * stddev + mean,
    named "truncated_normal"."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "truncated_normal", [shape, mean, stddev]) as scope:
        shape = convert_to_tensor(shape, name="shape", preferred_dtype=dtypes.int32)
        mean_t = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_t = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        seed1, seed2 = _get_seed(seed)
        rnd = _out(_create_op(shape.graph, "TruncatedNormal", "TruncatedNormal", [shape], {
            "seed": int(seed1), "seed2": int(seed2), "dtype": dtype,
            "T": shape.dtype.base_dtype}))
        mul = rnd * stddev_t
        return _out(_apply_op("Add", scope, [("x", mul, "T"), ("y", mean_t, "T")]))
