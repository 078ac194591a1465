"""tf.losses (TF 1.15's losses_impl): mean_squared_error, absolute_difference,
sparse_softmax_cross_entropy, softmax_cross_entropy and compute_weighted_loss, with TF's
weighting structure (assert_broadcastable, num_present, DivNoNan `value`) and the LOSSES
collection."""

from . import dtypes
from . import array_ops
from . import math_ops
from . import nn
from .array_ops import constant_value, convert_to_tensor
from .framework import (GraphKeys, _create_op, add_to_collection, control_dependencies,
                        get_collection, get_default_graph, name_scope)

__all__ = [
    "Reduction", "compute_weighted_loss", "mean_squared_error", "absolute_difference",
    "sparse_softmax_cross_entropy", "softmax_cross_entropy", "add_loss", "get_losses",
    "get_total_loss", "get_regularization_losses", "get_regularization_loss",
]


class Reduction(object):
    """tf.losses.Reduction."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError("Invalid Reduction Key %s." % key)


_ASSERT_BROADCASTABLE_ERROR_PREFIX = "weights can not be broadcast to values."


def _no_op(name):
    g = get_default_graph()
    return _create_op(g, "NoOp", name, [], {})


def _assert_broadcastable(weights, values):
    """weights_broadcast_ops.assert_broadcastable, static case: a NoOp
    `static_scalar_check_success` / `static_dims_check_success`."""
    with name_scope(None, "assert_broadcastable", (weights, values)):
        with name_scope(None, "weights", (weights,)) as weights_scope:
            weights = convert_to_tensor(weights, name=weights_scope)
            weights_shape = array_ops.shape(weights, name="shape")
            weights_rank = array_ops.rank(weights, name="rank")
        weights_rank_static = constant_value(weights_rank)
        with name_scope(None, "values", (values,)) as values_scope:
            values = convert_to_tensor(values, name=values_scope)
            values_shape = array_ops.shape(values, name="shape")
            values_rank = array_ops.rank(values, name="rank")
        values_rank_static = constant_value(values_rank)
        if weights_rank_static is not None and values_rank_static is not None:
            if weights_rank_static == 0:
                return _no_op("static_scalar_check_success")
            if weights_rank_static != values_rank_static:
                raise ValueError("%s values.rank=%s. weights.rank=%s. values.shape=%s. "
                                 "weights.shape=%s." % (_ASSERT_BROADCASTABLE_ERROR_PREFIX,
                                                        values_rank_static, weights_rank_static,
                                                        values.shape, weights.shape))
            ws = constant_value(weights_shape)
            vs = constant_value(values_shape)
            if ws is not None and vs is not None:
                for i in range(len(vs)):
                    if ws[i] not in (1, vs[i]):
                        raise ValueError("%s Mismatch at dim %s. values.shape=%s "
                                         "weights.shape=%s." %
                                         (_ASSERT_BROADCASTABLE_ERROR_PREFIX, i, vs, ws))
                return _no_op("static_dims_check_success")
        raise NotImplementedError("weights whose broadcastability is only known at run time "
                                  "are not supported")


def _broadcast_weights(weights, values):
    """weights_broadcast_ops.broadcast_weights: weights * ones_like(values) named
    "broadcast_weights" unless the static shapes already match."""
    with name_scope(None, "broadcast_weights", (weights, values)) as scope:
        values = convert_to_tensor(values, name="values")
        with name_scope(None, "weights", (weights,)) as weights_scope:
            weights = convert_to_tensor(weights, dtype=values.dtype.base_dtype,
                                        name=weights_scope)
        ws, vs = weights.shape, values.shape
        if ws.is_fully_defined() and vs.is_fully_defined() and ws.is_compatible_with(vs):
            return weights
        with control_dependencies((_assert_broadcastable(weights, values),)):
            return math_ops._mul(weights, array_ops.ones_like(values), name=scope)


def _num_elements(losses):
    with name_scope(None, "num_elements", values=[losses]) as scope:
        return math_ops.cast(array_ops.size(losses, name=scope), dtype=losses.dtype)


def _num_present(losses, weights, per_batch=False):
    """losses_impl._num_present: the count of non-zero weights broadcast over losses."""
    if isinstance(weights, float) and weights != 0.0:
        return _num_elements(losses)
    with name_scope(None, "num_present", (losses, weights)) as scope:
        weights = math_ops.cast(weights, dtype=dtypes.float32)
        present = array_ops.where(math_ops.equal(weights, 0.0),
                                  array_ops.zeros_like(weights), array_ops.ones_like(weights))
        present = _broadcast_weights(present, losses)
        if per_batch:
            return math_ops.reduce_sum(present, axis=math_ops.range(1, array_ops.rank(present)),
                                       keepdims=True, name=scope)
        return math_ops.reduce_sum(present, name=scope)


def _div_no_nan(x, y, name):
    return math_ops.div_no_nan(x, y, name=name)


def _safe_mean(losses, num_present):
    total_loss = math_ops.reduce_sum(losses)
    return _div_no_nan(total_loss, num_present, name="value")


def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """tf.losses.add_loss."""
    if loss_collection:
        add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    from . import ops as _ops
    return _ops.constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    return math_ops.add_n(losses, name=name)


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.compute_weighted_loss (TF 1.15)."""
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", (losses, weights)):
        get_default_graph()._last_loss_reduction = reduction
        with control_dependencies((_assert_broadcastable(weights, losses),)):
            losses = convert_to_tensor(losses)
            input_dtype = losses.dtype
            losses = math_ops.cast(losses, dtype=dtypes.float32)
            weights = math_ops.cast(weights, dtype=dtypes.float32)
            weighted_losses = math_ops._mul(losses, weights)
            if reduction == Reduction.NONE:
                loss = weighted_losses
            else:
                loss = math_ops.reduce_sum(weighted_losses)
                if reduction == Reduction.MEAN:
                    loss = _safe_mean(loss, math_ops.reduce_sum(
                        array_ops.ones_like(losses) * weights))
                elif reduction in (Reduction.SUM_BY_NONZERO_WEIGHTS,
                                   Reduction.SUM_OVER_NONZERO_WEIGHTS):
                    loss = _safe_mean(loss, _num_present(losses, weights))
                elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                    loss = _safe_mean(loss, _num_elements(losses))
            loss = math_ops.cast(loss, input_dtype)
            add_loss(loss, loss_collection)
            return loss


def _assert_compatible(a, b):
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError("Shapes %s and %s are incompatible" % (a.shape, b.shape))


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.mean_squared_error: SquaredDifference in scope "mean_squared_error", then
    compute_weighted_loss in that scope."""
    if labels is None:
        raise ValueError("labels must not be None.")
    if predictions is None:
        raise ValueError("predictions must not be None.")
    with name_scope(scope, "mean_squared_error", (predictions, labels, weights)) as scope:
        predictions = math_ops.cast(predictions, dtype=dtypes.float32)
        labels = math_ops.cast(labels, dtype=dtypes.float32)
        _assert_compatible(predictions, labels)
        losses = math_ops.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection,
                                     reduction=reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.absolute_difference: Abs(Sub) in scope "absolute_difference"."""
    if labels is None:
        raise ValueError("labels must not be None.")
    if predictions is None:
        raise ValueError("predictions must not be None.")
    with name_scope(scope, "absolute_difference", (predictions, labels, weights)) as scope:
        predictions = math_ops.cast(predictions, dtype=dtypes.float32)
        labels = math_ops.cast(labels, dtype=dtypes.float32)
        _assert_compatible(predictions, labels)
        losses = math_ops.abs(math_ops._sub(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection,
                                     reduction=reduction)


def _remove_squeezable_dimensions(labels, predictions, weights=None, expected_rank_diff=0):
    """losses_impl._remove_squeezable_dimensions (static ranks)."""
    with name_scope(None, "remove_squeezable_dimensions", [labels, predictions]):
        predictions = convert_to_tensor(predictions)
        labels = convert_to_tensor(labels)
        pshape, lshape = predictions.shape, labels.shape
        prank, lrank = pshape.ndims, lshape.ndims
        if lrank is None or prank is None:
            raise NotImplementedError("labels and predictions of unknown rank are not "
                                      "supported")
        rank_diff = prank - lrank
        if rank_diff == expected_rank_diff + 1 and pshape.dims[-1].value in (None, 1):
            predictions = array_ops.squeeze(predictions, [-1])
        elif rank_diff == expected_rank_diff - 1 and lshape.dims[-1].value in (None, 1):
            labels = array_ops.squeeze(labels, [-1])
    if weights is not None:
        weights = convert_to_tensor(weights)
        lrank = labels.shape.ndims
        wrank = weights.shape.ndims
        if lrank is None or wrank is None:
            raise NotImplementedError("weights of unknown rank are not supported")
        if wrank - lrank == 1:
            weights = array_ops.squeeze(weights, [-1])
    return labels, predictions, weights


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.sparse_softmax_cross_entropy: scope "sparse_softmax_cross_entropy_loss",
    the xentropy op named `xentropy`, then compute_weighted_loss."""
    if labels is None:
        raise ValueError("labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    with name_scope(scope, "sparse_softmax_cross_entropy_loss",
                    (logits, labels, weights)) as scope:
        labels, logits, weights = _remove_squeezable_dimensions(labels, logits, weights,
                                                                expected_rank_diff=1)
        losses = nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                             name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection,
                                     reduction=reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.softmax_cross_entropy: scope "softmax_cross_entropy_loss", labels through
    StopGradient, softmax_cross_entropy_with_logits_v2 named `xentropy`."""
    if onehot_labels is None:
        raise ValueError("onehot_labels must not be None.")
    if logits is None:
        raise ValueError("logits must not be None.")
    with name_scope(scope, "softmax_cross_entropy_loss",
                    (logits, onehot_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        onehot_labels = math_ops.cast(onehot_labels, logits.dtype)
        _assert_compatible(logits, onehot_labels)
        if label_smoothing > 0:
            num_classes = math_ops.cast(array_ops.shape(onehot_labels)[-1], logits.dtype)
            smooth_positives = 1.0 - label_smoothing
            smooth_negatives = label_smoothing / num_classes
            onehot_labels = onehot_labels * smooth_positives + smooth_negatives
        onehot_labels = array_ops.stop_gradient(onehot_labels, name="labels_stop_gradient")
        losses = nn.softmax_cross_entropy_with_logits_v2(labels=onehot_labels, logits=logits,
                                                         name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection,
                                     reduction=reduction)


def sigmoid_cross_entropy(*args, **kwargs):
    raise NotImplementedError("tf.losses.sigmoid_cross_entropy is not supported")
