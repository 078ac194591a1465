"""Reduction gradients through TF 1.15's math_ops.reduced_shape (Sum/Mean over partial axes of
shapes that are not fully known, Max/Min, Prod), the ConcatV2 gradient past 16 inputs, and
cumsum/cumprod: exact node names (worked out from TF 1.15's math_grad.py, array_grad.py and
math_ops.py) and values against numpy / central finite differences in float64."""

import numpy as np
import pytest

import scopeflow as tf


def op_names(prefix):
    return [op.name for op in tf.get_default_graph().get_operations()
            if op.name.startswith(prefix)]


def numeric_grad(f, x, h=1e-6):
    """Central finite differences of sum(f(x))."""
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        g[i] = (np.sum(f(xp)) - np.sum(f(xm))) / (2 * h)
    return g


def check(y, x, value, tol):
    (dx,) = tf.gradients(y, x)
    with tf.Session() as sess:
        got = sess.run(dx, {x: value})
        num = numeric_grad(lambda v: sess.run(y, {x: v}), value)
    np.testing.assert_allclose(got, num, atol=tol, rtol=tol)
    return dx


VALUES = np.linspace(0.55, 1.45, 24).reshape(2, 3, 4)[:, :, ::-1].copy()


@pytest.mark.parametrize("shape", [[None, 3, 4], None, [2, None, None]])
@pytest.mark.parametrize("axis,keepdims", [(1, False), ([0, 2], True), (-1, False), (None, False)])
@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod"])
def test_reductions_finite_differences(shape, axis, keepdims, reduce):
    # Sum/Mean linear, Max/Min distinct values, Prod of values near 1: tol 1e-6.
    x = tf.placeholder(tf.float64, shape, name="x")
    fn = {"sum": tf.reduce_sum, "mean": tf.reduce_mean, "max": tf.reduce_max,
          "min": tf.reduce_min, "prod": tf.reduce_prod}[reduce]
    y = fn(x, axis=axis, keepdims=keepdims)
    check(y * y if reduce in ("sum", "mean") else y, x, VALUES, 1e-6)


def test_sum_partial_shape_names_and_colocation():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.reduce_sum(x, 1)
    (dx,) = tf.gradients(y, x)
    assert op_names("gradients/Sum_grad/") == [
        "gradients/Sum_grad/" + n for n in [
            "Shape", "Size", "add", "mod", "Shape_1", "range/start", "range/delta", "range",
            "Fill/value", "Fill", "DynamicStitch", "Maximum/y", "Maximum", "floordiv",
            "Reshape", "Tile"]]
    g = tf.get_default_graph()
    assert g.get_operation_by_name("gradients/Sum_grad/DynamicStitch").get_attr("_class") == [
        b"loc:@gradients/Sum_grad/Shape"]
    assert dx.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(dx, {x: np.zeros((2, 3))}), np.ones((2, 3)))


def test_sum_known_shape_partial_axes_cached_per_graph():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    tf.gradients(tf.reduce_sum(x, 1), x)
    first = op_names("gradients/Sum_grad/")
    assert first == ["gradients/Sum_grad/" + n for n in [
        "Cast/x", "Cast_1/x", "Size", "add", "mod", "Shape", "range/start", "range/delta",
        "range", "Fill/value", "Fill", "DynamicStitch", "Maximum/x", "Maximum/y", "Maximum",
        "floordiv/x", "floordiv", "Reshape/shape", "Reshape", "Tile/multiples", "Tile"]]
    tf.gradients(tf.reduce_mean(x, 1), x)
    assert op_names("gradients_1/Mean_grad/") == ["gradients_1/Mean_grad/" + n for n in [
        "Reshape/shape", "Reshape", "Tile/multiples", "Tile", "Const", "truediv"]]


def test_max_names_with_known_shape():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    (dx,) = tf.gradients(tf.reduce_max(x, axis=1), x)
    assert op_names("gradients/Max_grad/") == ["gradients/Max_grad/" + n for n in [
        "Shape", "Size", "add", "mod", "Shape_1", "range/start", "range/delta", "range",
        "Fill/value", "Fill", "DynamicStitch", "Reshape", "Reshape_1", "Equal", "Cast", "Sum",
        "Reshape_2", "truediv", "mul"]]
    assert dx.shape.as_list() == [2, 3]
    with tf.Session() as sess:
        got = sess.run(dx, {x: [[1, 4, 4], [2, 0, 1]]})
    np.testing.assert_allclose(got, [[0, 0.5, 0.5], [1, 0, 0]])


def test_prod_names_devices_and_zeros():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    (dx,) = tf.gradients(tf.reduce_prod(x, 1), x)
    names = op_names("gradients/Prod_grad/")
    assert names[18:35] == ["gradients/Prod_grad/" + n for n in [
        "Rank", "add_1", "mod_1", "range_1/start", "range_1/delta", "range_1", "ListDiff",
        "concat/axis", "concat", "GatherV2/axis", "GatherV2", "Const", "Prod",
        "GatherV2_1/axis", "GatherV2_1", "Const_1", "Prod_1"]]
    g = tf.get_default_graph()
    assert g.get_operation_by_name("gradients/Prod_grad/ListDiff").device == "/device:CPU:0"
    assert g.get_operation_by_name("gradients/Prod_grad/Cumprod").device == ""
    assert names[-1] == "gradients/Prod_grad/Reshape_4"
    with tf.Session() as sess:
        got = sess.run(dx, {x: [[2, 0, 3], [1, 4, 5]]})
    np.testing.assert_allclose(got, [[0, 6, 0], [20, 5, 4]])


def test_concat_of_seventeen_uses_split_v():
    xs = [tf.placeholder(tf.float64, [2, 1 + i % 2], name="x%d" % i) for i in range(17)]
    c = tf.concat(xs, 1)
    w = tf.constant(np.arange(2 * 25, dtype=np.float64).reshape(2, 25))
    grads = tf.gradients(c * w, xs)
    assert [g.name for g in grads] == ["gradients/concat_grad/split:%d" % i for i in range(17)]
    names = op_names("gradients/concat_grad/")
    assert names[-7:] == ["gradients/concat_grad/" + n for n in [
        "stack", "Slice/begin/1", "Slice/begin", "Slice/size", "Slice", "Squeeze", "split"]]
    with tf.Session() as sess:
        feed = {x: np.zeros(x.shape.as_list()) for x in xs}
        got = sess.run(grads, feed)
    np.testing.assert_array_equal(np.concatenate(got, axis=1), np.arange(50).reshape(2, 25))


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumsum_cumprod_values_and_gradients(exclusive, reverse):
    v = np.array([[0.7, 1.2, 0.9], [1.3, 0.6, 1.1]])
    x = tf.placeholder(tf.float64, [2, 3], name="x")
    cs = tf.cumsum(x, axis=1, exclusive=exclusive, reverse=reverse)
    cp = tf.math.cumprod(x, axis=1, exclusive=exclusive, reverse=reverse)
    assert cp.op.name == "Cumprod" and cp.op.inputs[1].op.name == "Cumprod/axis"

    def ref(f, start):
        a = v[:, ::-1] if reverse else v
        out = np.empty_like(a)
        for r in range(a.shape[0]):
            acc = start
            for k in range(a.shape[1]):
                if exclusive:
                    out[r, k] = acc
                    acc = f(acc, a[r, k])
                else:
                    acc = f(acc, a[r, k])
                    out[r, k] = acc
        return out[:, ::-1] if reverse else out

    with tf.Session() as sess:
        got_s, got_p = sess.run([cs, cp], {x: v})
    np.testing.assert_allclose(got_s, ref(np.add, 0.0), rtol=1e-12)
    np.testing.assert_allclose(got_p, ref(np.multiply, 1.0), rtol=1e-12)
    w = tf.constant([[1.0, -2.0, 0.5], [0.3, 1.5, -1.0]], tf.float64)
    check(cs * w, x, v, 1e-7)  # linear: tol 1e-7
    check(cp * w, x, v, 1e-6)  # products of values near 1: tol 1e-6
