"""tf.layers (TF 1.15's legacy layers): Dense, Dropout, Flatten, Conv2D, MaxPooling2D,
AveragePooling2D and their functional forms.

A layer owns a variable scope (`dense`, `dense_1`, ... unless named) whose original name
scope holds its ops (`dense/MatMul`, `dense/BiasAdd`, `dense/Relu`); its weights come from
tf.get_variable in that scope (`dense/kernel`, `dense/bias`)."""

from . import array_ops
from . import dtypes
from . import init_ops
from . import math_ops
from . import nn
from .array_ops import convert_to_tensor
from .framework import Tensor, TensorShape, as_shape, get_default_graph, name_scope
from .variables import get_variable, variable_scope

__all__ = [
    "Layer", "Dense", "Dropout", "Flatten", "Conv2D", "MaxPooling2D", "AveragePooling2D",
    "dense", "dropout", "flatten", "conv2d", "max_pooling2d", "average_pooling2d",
]


def _normalize_tuple(value, n, name):
    if isinstance(value, int):
        return (value,) * n
    try:
        t = tuple(int(v) for v in value)
    except TypeError:
        raise ValueError("The `%s` argument must be a tuple of %d integers. Received: %s" %
                         (name, n, value))
    if len(t) != n:
        raise ValueError("The `%s` argument must be a tuple of %d integers. Received: %s" %
                         (name, n, value))
    return t


def _normalize_padding(value):
    padding = value.lower()
    if padding not in ("valid", "same", "causal"):
        raise ValueError("The `padding` argument must be one of \"valid\", \"same\" (or "
                         "\"causal\", only for `Conv1D). Received: " + str(padding))
    return padding


def _normalize_data_format(value):
    if value is None:
        value = "channels_last"
    data_format = value.lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("The `data_format` argument must be one of \"channels_first\", "
                         "\"channels_last\". Received: " + str(value))
    return data_format


def _activation(fn):
    if fn is None or callable(fn):
        return fn
    table = {"relu": nn.relu, "relu6": nn.relu6, "elu": nn.elu, "sigmoid": math_ops.sigmoid,
             "tanh": math_ops.tanh, "softmax": nn.softmax, "linear": None}
    if fn in table:
        return table[fn]
    raise ValueError("Unknown activation function: %s" % fn)


def _unique_layer_name(base):
    """keras backend.unique_object_name(base, zero_based=False) on the default graph."""
    g = get_default_graph()
    uids = g.__dict__.setdefault("_layer_name_uids", {})
    uids[base] = uids.get(base, 0) + 1
    return "%s_%d" % (base, uids[base])


class Layer(object):
    """tf.layers.Layer: variable-scope based naming (the TF1 legacy layer)."""

    _snake_name = "layer"

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        kwargs.pop("activity_regularizer", None)
        kwargs.pop("autocast", None)
        if kwargs:
            raise TypeError("Keyword argument not understood: %s" % sorted(kwargs)[0])
        self.trainable = trainable
        self.built = False
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._base_name = name if name else self._snake_name
        # TF's legacy layers name an unnamed layer with keras' per-graph, 1-based counter
        # (`dense_1` for the first Dense) while its variable scope is `dense`.
        self._name = name if name else _unique_layer_name(self._snake_name)
        self._current_scope = None
        if scope:
            with variable_scope(scope) as captured_scope:
                self._scope = captured_scope
        else:
            self._scope = None

    # --- properties ---
    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        return self._dtype

    @property
    def scope_name(self):
        if not self._scope:
            raise ValueError("No name available for layer scope because the layer \"" +
                             self._name + "\" has not been used yet. The scope name " +
                             " is determined the first time the layer instance is " +
                             "called. You must therefore call the layer before " +
                             "querying `scope_name`.")
        return self._scope.name

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return list(self._non_trainable_weights)
        return list(self._trainable_weights) + list(self._non_trainable_weights)

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    # --- scope ---
    def _set_scope(self, scope=None):
        if self._scope is None:
            if self._reuse:
                with variable_scope(scope if scope is not None else self._base_name) as cs:
                    self._scope = cs
            else:
                with variable_scope(scope, default_name=self._base_name) as cs:
                    self._scope = cs

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, partitioner=None, **kwargs):
        if trainable is None:
            trainable = True
        if dtype is None:
            dtype = self.dtype or dtypes.float32
        self._set_scope(None)
        reuse = self.built or self._reuse
        with variable_scope(self._scope, reuse=reuse or None, auxiliary_name_scope=False) \
                as scope:
            self._current_scope = scope
            with name_scope(scope.original_name_scope):
                variable = get_variable(name, shape=shape, dtype=dtypes.as_dtype(dtype),
                                        initializer=initializer, regularizer=regularizer,
                                        trainable=trainable and self.trainable,
                                        partitioner=partitioner)
        if trainable and self.trainable:
            if not any(v is variable for v in self._trainable_weights):
                self._trainable_weights.append(variable)
        else:
            if not any(v is variable for v in self._non_trainable_weights):
                self._non_trainable_weights.append(variable)
        return variable

    add_variable = add_weight

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def __call__(self, inputs, *args, **kwargs):
        scope = kwargs.pop("scope", None)
        if not isinstance(inputs, (Tensor, list, tuple)) and \
                not hasattr(inputs, "_as_graph_output"):
            inputs = convert_to_tensor(inputs)
        self._set_scope(scope)
        reuse = True if self.built else self._reuse
        with variable_scope(self._scope, reuse=reuse or None, auxiliary_name_scope=False) \
                as vs:
            self._current_scope = vs
            with name_scope(vs.original_name_scope):
                if not self.built:
                    if self._dtype is None:
                        try:
                            first = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
                            self._dtype = first.dtype.base_dtype
                        except AttributeError:
                            pass
                    shapes = [i.shape for i in inputs] if isinstance(inputs, (list, tuple)) \
                        else inputs.shape
                    self.build(shapes)
                    self.built = True
                outputs = self.call(inputs, *args, **kwargs)
        return outputs

    def apply(self, inputs, *args, **kwargs):
        return self.__call__(inputs, *args, **kwargs)


class Dense(Layer):
    """tf.layers.Dense: `kernel` (glorot_uniform unless given) and `bias` (zeros); MatMul,
    BiasAdd and the activation named in the layer's scope."""

    _snake_name = "dense"

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super(Dense, self).__init__(trainable=trainable, name=name,
                                    activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel = None
        self.bias = None

    def build(self, input_shape):
        dtype = dtypes.as_dtype(self.dtype or dtypes.float32)
        if not (dtype.is_floating or dtype.is_complex):
            raise TypeError("Unable to build `Dense` layer with non-floating point dtype %s" %
                            (dtype,))
        input_shape = as_shape(input_shape)
        if input_shape.ndims is None or input_shape[-1].value is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        last_dim = input_shape[-1].value
        self.kernel = self.add_weight("kernel", shape=[last_dim, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, dtype=self.dtype,
                                      trainable=True)
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=[self.units],
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, dtype=self.dtype,
                                        trainable=True)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        inputs = convert_to_tensor(inputs)
        r = inputs.shape.ndims
        if r is not None and r > 2:
            # Keras 1.15 core.Dense.call: tensordot over the last axis, then the static
            # shape input.shape[:-1] + [units] (no cast on this path).
            outputs = math_ops.tensordot(inputs, self.kernel, [[r - 1], [0]])
            outputs.set_shape(inputs.shape.as_list()[:-1] + [self.units])
        else:
            inputs = math_ops.cast(inputs, self.dtype)
            outputs = math_ops._mat_mul(inputs, self.kernel)
        if self.use_bias:
            outputs = nn.bias_add(outputs, self.bias)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
          bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
          bias_constraint=None, trainable=True, name=None, reuse=None):
    """tf.layers.dense."""
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                  bias_constraint=bias_constraint, trainable=trainable, name=name,
                  _scope=name, _reuse=reuse)
    return layer.apply(inputs)


def _cond_fn():
    import scopeflow
    return getattr(scopeflow, "cond", None)


def _smart_cond(pred, true_fn, false_fn):
    """tf_utils.smart_cond: a Python bool (or a constant tensor) picks a branch at graph
    building time; anything else needs tf.cond."""
    if isinstance(pred, bool) or type(pred).__name__ == "bool_":
        return true_fn() if pred else false_fn()
    if isinstance(pred, int) and pred in (0, 1):
        return true_fn() if pred else false_fn()
    if isinstance(pred, Tensor):
        v = array_ops.constant_value(pred)
        if v is not None:
            return true_fn() if bool(v) else false_fn()
    cond = _cond_fn()
    if cond is None:
        raise NotImplementedError("a tensor `training` flag needs tf.cond, which is not "
                                  "available")
    return cond(pred, true_fn, false_fn)


class Dropout(Layer):
    """tf.layers.Dropout: tf.nn.dropout(rate) when training, Identity otherwise."""

    _snake_name = "dropout"

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super(Dropout, self).__init__(name=name, **kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs, training=False):
        def dropped_inputs():
            return nn.dropout(inputs, noise_shape=self.noise_shape, seed=self.seed,
                              rate=self.rate)
        return _smart_cond(training, dropped_inputs, lambda: array_ops.identity(inputs))


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """tf.layers.dropout."""
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer.apply(inputs, training=training)


class Flatten(Layer):
    """tf.layers.Flatten: Reshape(inputs, (batch, -1))."""

    _snake_name = "flatten"

    def __init__(self, data_format="channels_last", **kwargs):
        super(Flatten, self).__init__(**kwargs)
        self.data_format = _normalize_data_format(data_format)

    def call(self, inputs):
        inputs = convert_to_tensor(inputs)
        nd = inputs.shape.ndims
        if self.data_format == "channels_first" and nd is not None and nd > 1:
            permutation = [0] + [i for i in range(2, nd)] + [1]
            inputs = array_ops.transpose(inputs, perm=permutation)
        batch = inputs.shape[0].value if nd else None
        outputs = array_ops.reshape(inputs, (batch or array_ops.shape(inputs)[0], -1))
        outputs.set_shape(self._output_shape(inputs.shape))
        return outputs

    @staticmethod
    def _output_shape(input_shape):
        if input_shape.ndims is None:
            return TensorShape(None)
        dims = input_shape.as_list()
        out = [dims[0]]
        if all(d is not None for d in dims[1:]):
            n = 1
            for d in dims[1:]:
                n *= d
            out.append(n)
        else:
            out.append(None)
        return TensorShape(out)


def flatten(inputs, name=None, data_format="channels_last"):
    """tf.layers.flatten."""
    layer = Flatten(name=name, data_format=data_format)
    return layer.apply(inputs)


class Conv2D(Layer):
    """tf.layers.Conv2D: `kernel` [kh, kw, in, filters] and `bias`; Conv2D, BiasAdd and the
    activation in the layer's scope."""

    _snake_name = "conv2d"

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super(Conv2D, self).__init__(trainable=trainable, name=name,
                                     activity_regularizer=activity_regularizer, **kwargs)
        self.filters = int(filters)
        self.kernel_size = _normalize_tuple(kernel_size, 2, "kernel_size")
        self.strides = _normalize_tuple(strides, 2, "strides")
        self.padding = _normalize_padding(padding)
        self.data_format = _normalize_data_format(data_format)
        self.dilation_rate = _normalize_tuple(dilation_rate, 2, "dilation_rate")
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer

    def build(self, input_shape):
        input_shape = as_shape(input_shape)
        channel_axis = 1 if self.data_format == "channels_first" else -1
        if input_shape.ndims is None or input_shape[channel_axis].value is None:
            raise ValueError("The channel dimension of the inputs should be defined. "
                             "Found `None`.")
        input_dim = input_shape[channel_axis].value
        kernel_shape = list(self.kernel_size) + [input_dim, self.filters]
        self.kernel = self.add_weight("kernel", shape=kernel_shape,
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, dtype=self.dtype,
                                      trainable=True)
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=[self.filters],
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, dtype=self.dtype,
                                        trainable=True)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        fmt = "NCHW" if self.data_format == "channels_first" else "NHWC"
        padding = "VALID" if self.padding == "causal" else self.padding.upper()
        outputs = nn.conv2d(inputs, self.kernel, strides=list(self.strides), padding=padding,
                            data_format=fmt, dilations=list(self.dilation_rate))
        if self.use_bias:
            outputs = nn.bias_add(outputs, self.bias, data_format=fmt)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=init_ops.zeros_initializer(),
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """tf.layers.conv2d."""
    layer = Conv2D(filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
                   data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                   use_bias=use_bias, kernel_initializer=kernel_initializer,
                   bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                   bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                   kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                   trainable=trainable, name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs)


class _Pooling2D(Layer):
    _pool_function = None

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super(_Pooling2D, self).__init__(name=name, **kwargs)
        if strides is None:
            strides = pool_size
        self.pool_size = _normalize_tuple(pool_size, 2, "pool_size")
        self.strides = _normalize_tuple(strides, 2, "strides")
        self.padding = _normalize_padding(padding)
        self.data_format = _normalize_data_format(data_format)

    def call(self, inputs):
        if self.data_format == "channels_last":
            pool_shape = (1,) + self.pool_size + (1,)
            strides = (1,) + self.strides + (1,)
            fmt = "NHWC"
        else:
            pool_shape = (1, 1) + self.pool_size
            strides = (1, 1) + self.strides
            fmt = "NCHW"
        return type(self)._pool_function(inputs, ksize=list(pool_shape), strides=list(strides),
                                         padding=self.padding.upper(), data_format=fmt)


class MaxPooling2D(_Pooling2D):
    """tf.layers.MaxPooling2D: MaxPool in the layer's scope."""
    _snake_name = "max_pooling2d"
    _pool_function = staticmethod(nn.max_pool)


class AveragePooling2D(_Pooling2D):
    """tf.layers.AveragePooling2D: AvgPool in the layer's scope."""
    _snake_name = "average_pooling2d"
    _pool_function = staticmethod(nn.avg_pool)


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """tf.layers.max_pooling2d."""
    return MaxPooling2D(pool_size=pool_size, strides=strides, padding=padding,
                        data_format=data_format, name=name).apply(inputs)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    """tf.layers.average_pooling2d."""
    return AveragePooling2D(pool_size=pool_size, strides=strides, padding=padding,
                            data_format=data_format, name=name).apply(inputs)
