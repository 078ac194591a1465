"""tf.gradients: symbolic derivatives built by the C++ core with TF 1.15's names
(`gradients/<op>_grad/...`, `gradients/AddN`, `gradients/grad_ys_0`, `gradients/Fill`)."""

from . import _core
from .framework import Tensor, _graph_from_inputs, convert_to_tensor

__all__ = ["gradients", "AggregationMethod"]


class AggregationMethod(object):
    """tf.AggregationMethod. scopeflow always sums with AddN (ADD_N), TF's default."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


def _as_list(x):
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _y_output(y):
    """A y (or a grad_y / stop_gradient) as a C++ Output: tensors as they are, variables as
    their value."""
    if isinstance(y, Tensor):
        return y._o
    as_output = getattr(y, "_as_graph_output", None)
    if as_output is not None:
        return as_output()
    return convert_to_tensor(y)._o


def _x_output(x):
    """An x as a C++ Output: a variable differentiates through its reference tensor."""
    if isinstance(x, Tensor):
        return x._o
    ref = getattr(x, "_ref", None)
    if ref is not None:
        return ref()._o
    raise TypeError("gradients: xs must be Tensors or Variables, got %r" % (x,))


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None):
    """TF 1.15's tf.gradients: the symbolic derivatives of sum(ys) w.r.t. each x in xs.

    Returns a list with one entry per x: a Tensor, or None where x does not influence ys."""
    ys = _as_list(ys)
    xs = _as_list(xs)
    grad_ys = _as_list(grad_ys)
    stop_gradients = _as_list(stop_gradients)
    if grad_ys and len(grad_ys) != len(ys):
        raise ValueError("Passed %d grad_ys for %d ys" % (len(grad_ys), len(ys)))
    graph = _graph_from_inputs(ys + xs + [g for g in grad_ys if g is not None] + stop_gradients)
    with graph.as_default():
        c_ys = [_y_output(y) for y in ys]
        c_xs = [_x_output(x) for x in xs]
        c_grad_ys = [None if g is None else _y_output(g) for g in grad_ys]
        c_stop = [_y_output(s) for s in stop_gradients]
        grads = _core.gradients(graph._c, c_ys, c_xs, c_grad_ys, name or "gradients",
                                bool(colocate_gradients_with_ops), bool(gate_gradients), c_stop)
    return [None if g is None else graph._wrap_output(g) for g in grads]
