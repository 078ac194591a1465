"""tf.tensordot's run-time branches (TF 1.15's _tensordot_axes / _tensordot_reshape): tensor
axes and operands of unknown rank (ListDiff over range(rank)), against numpy.tensordot, with
TF 1.15's node names in creation order."""

import numpy as np
import pytest

import scopeflow as tf


def names_under(prefix):
    return [op.name[len(prefix):] for op in tf.get_default_graph().get_operations()
            if op.name.startswith(prefix)]


A = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7.0
B = np.arange(60, dtype=np.float32).reshape(4, 3, 5) / 11.0


@pytest.mark.parametrize("a_shape,b_shape", [
    (None, [4, 3, 5]), ([2, 3, 4], None), (None, None), ([None, 3, 4], [4, None, 5])])
@pytest.mark.parametrize("axes", [1, [[2], [0]], [[1, 2], [1, 0]], ([-1, 1], [0, 1]),
                                  "tensor", "array", 0])
def test_tensordot_values(a_shape, b_shape, axes):
    a = tf.placeholder(tf.float32, a_shape, name="a")
    b = tf.placeholder(tf.float32, b_shape, name="b")
    np_axes = {1: 1, 0: 0, "tensor": [[1, 2], [1, 0]], "array": [[2], [0]]}
    if isinstance(axes, str):
        want = np.tensordot(A, B, np_axes[axes])
        axes = tf.constant(np_axes[axes]) if axes == "tensor" else np.array(np_axes[axes])
    else:
        want = np.tensordot(A, B, axes if not isinstance(axes, tuple) else
                            ([i % 3 for i in axes[0]], axes[1]))
    c = tf.tensordot(a, b, axes)
    with tf.Session() as sess:
        got = sess.run(c, {a: A, b: B})
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_tensordot_unknown_rank_names():
    a = tf.placeholder(tf.float32, None, name="a")
    b = tf.placeholder(tf.float32, [3, 4], name="b")
    c = tf.tensordot(a, b, 1)
    reshape_a = ["Shape", "Rank_1", "GreaterEqual/y", "GreaterEqual", "add", "Select",
                 "range_2/start", "range_2/delta", "range_2", "ListDiff", "GatherV2/axis",
                 "GatherV2", "GatherV2_1/axis", "GatherV2_1", "Const", "Prod", "Const_1",
                 "Prod_1", "concat/axis", "concat", "stack", "transpose", "Reshape"]
    reshape_b = ["Shape_1", "Rank_2", "GreaterEqual_1/y", "GreaterEqual_1", "add_1",
                 "Select_1", "range_3/start", "range_3/delta", "range_3", "ListDiff_1",
                 "GatherV2_2/axis", "GatherV2_2", "GatherV2_3/axis", "GatherV2_3", "Const_2",
                 "Prod_2", "Const_3", "Prod_3", "concat_1/axis", "concat_1", "stack_1",
                 "transpose_1", "Reshape_1"]
    assert names_under("Tensordot/") == (
        ["Rank", "sub/y", "sub", "range/delta", "range", "range_1/start", "range_1/limit",
         "range_1/delta", "range_1"] + reshape_a + reshape_b +
        ["MatMul", "concat_2/axis", "concat_2"])
    g = tf.get_default_graph()
    assert g.get_operation_by_name("Tensordot/Rank").type == "Rank"
    assert g.get_operation_by_name("Tensordot/Rank_2").type == "Const"
    assert g.get_operation_by_name("Tensordot/Select").type == "Select"
    assert c.op.name == "Tensordot" and c.op.type == "Reshape"


def test_tensordot_tensor_axes_known_rank_names():
    a = tf.placeholder(tf.float32, [2, 3], name="a")
    b = tf.placeholder(tf.float32, [3, 4], name="b")
    c = tf.tensordot(a, b, tf.constant([[1], [0]], name="ax"))
    names = names_under("Tensordot/")
    # axes[0], axes[1] through Tensor.__getitem__.
    assert names[:8] == ["strided_slice/stack", "strided_slice/stack_1", "strided_slice/stack_2",
                         "strided_slice", "strided_slice_1/stack", "strided_slice_1/stack_1",
                         "strided_slice_1/stack_2", "strided_slice_1"]
    # A fully known `a` with tensor axes still takes the run-time branch: Shape is a Const.
    assert names[8:10] == ["Shape", "Rank"]
    assert tf.get_default_graph().get_operation_by_name("Tensordot/Shape").type == "Const"
    with tf.Session() as sess:
        av = np.arange(6, dtype=np.float32).reshape(2, 3)
        bv = np.arange(12, dtype=np.float32).reshape(3, 4)
        np.testing.assert_allclose(sess.run(c, {a: av, b: bv}), av @ bv)
