"""tf.setdiff1d, tf.dynamic_stitch, tf.split (sizes), tf.invert_permutation, tf.cumsum and
tf.cumprod from Python: TF 1.15's op names and attrs, static shapes, values against numpy, and
TF's errors."""

import numpy as np
import pytest

import scopeflow as tf


def test_setdiff1d_names_dtypes_values():
    out, idx = tf.setdiff1d([4, 1, 3, 1, 7], [1, 7])
    assert (out.name, idx.name) == ("ListDiff:0", "ListDiff:1")
    assert out.op.inputs[0].op.name == "ListDiff/x"
    assert out.op.inputs[1].op.name == "ListDiff/y"
    assert out.shape.as_list() == [None] and idx.dtype == tf.int32
    w = tf.setdiff1d(tf.constant([1.5, 2.5]), [2.5], index_dtype=tf.int64, name="w")
    assert w.idx.dtype == tf.int64 and w.out.op.get_attr("out_idx") == tf.int64
    with tf.Session() as sess:
        o, i, wo = sess.run([out, idx, w.out])
    np.testing.assert_array_equal(o, [4, 3])
    np.testing.assert_array_equal(i, [0, 2])
    np.testing.assert_array_equal(wo, [1.5])


def test_setdiff1d_rank_error():
    with pytest.raises(ValueError) as e:
        tf.setdiff1d(tf.constant(3), [1])
    assert str(e.value) == ("Shape must be rank 1 but is rank 0 for 'ListDiff' (op: 'ListDiff') "
                            "with input shapes: [], [1].")


def test_dynamic_stitch_names_shape_values():
    data = tf.placeholder(tf.float32, [2, 2], name="data")
    st = tf.dynamic_stitch([[0, 3], [1, 2]], [data, [[5.0, 6.0], [7.0, 8.0]]])
    assert st.op.name == "DynamicStitch"
    assert [t.op.name for t in st.op.inputs] == [
        "DynamicStitch/indices_0", "DynamicStitch/indices_1", "data", "DynamicStitch/data_1"]
    assert st.op.get_attr("N") == 2
    assert st.shape.as_list() == [4, 2]
    idx = tf.placeholder(tf.int32, [None], name="idx")
    assert tf.dynamic_stitch([idx], [tf.zeros([3, 5])]).shape.as_list() == [None, 5]
    with tf.Session() as sess:
        got = sess.run(st, {data: [[1, 2], [3, 4]]})
    np.testing.assert_array_equal(got, [[1, 2], [5, 6], [7, 8], [3, 4]])


def test_dynamic_stitch_kernel_error():
    i = tf.placeholder(tf.int32, name="i")
    d = tf.placeholder(tf.float32, name="d")
    st = tf.dynamic_stitch([i], [d])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(st, {i: [0, 1], d: [1.0]})
    assert "data[0].shape = [1] does not start with indices[0].shape = [2]" in str(e.value)


def test_split_with_sizes():
    x = tf.placeholder(tf.float32, [4, 6], name="x")
    parts = tf.split(x, [1, -1, 2], axis=1)
    assert [p.name for p in parts] == ["split:0", "split:1", "split:2"]
    assert [p.shape.as_list() for p in parts] == [[4, 1], [4, 3], [4, 2]]
    assert parts[0].op.type == "SplitV" and parts[0].op.get_attr("num_split") == 3
    assert parts[0].op.inputs[1].op.name == "Const"
    assert parts[0].op.inputs[2].op.name == "split/split_dim"
    v = np.arange(24, dtype=np.float32).reshape(4, 6)
    with tf.Session() as sess:
        got = sess.run(parts, {x: v})
    for g, w in zip(got, np.split(v, [1, 4], axis=1)):
        np.testing.assert_array_equal(g, w)


def test_invert_permutation():
    p = tf.invert_permutation([2, 0, 1])
    assert p.op.name == "InvertPermutation"
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(p), [1, 2, 0])


def test_cumsum_cumprod_names_and_attrs():
    c = tf.cumsum([1.0, 2.0, 3.0], exclusive=True, name="cs")
    assert c.op.name == "cs" and c.op.type == "Cumsum"
    assert [t.op.name for t in c.op.inputs] == ["cs/x", "cs/axis"]
    assert c.op.get_attr("exclusive") is True and c.op.get_attr("reverse") is False
    p = tf.cumprod(tf.constant([[1, 2], [3, 4]]), axis=-1, reverse=True)
    assert p.op.name == "Cumprod" and p.dtype == tf.int32
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(c), [0, 1, 3])
        np.testing.assert_array_equal(sess.run(p), [[2, 2], [12, 4]])
