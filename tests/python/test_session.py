"""tf.Session: fetch structures, feeds, variables in the session, TF's errors."""

import collections

import numpy as np
import pytest

import scopeflow as tf


def test_fetch_structures_come_back_with_their_shape():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = tf.identity(x, name="y")
    c = tf.constant(3, name="c")
    Pair = collections.namedtuple("Pair", ["a", "b"])
    feed = {x: [[1, 2]]}
    with tf.Session() as sess:
        out = sess.run({"t": (y, [c]), "p": Pair(c, y.op)}, feed_dict=feed)
    assert set(out) == {"t", "p"}
    np.testing.assert_array_equal(out["t"][0], np.array([[1, 2]], np.float32))
    assert out["t"][0].dtype == np.float32
    assert out["t"][1] == [3]
    assert isinstance(out["t"], tuple) and isinstance(out["p"], Pair)
    assert out["p"].a == 3 and out["p"].b is None


def test_fetch_by_name_and_scalars_are_numpy_scalars():
    tf.constant(2.5, name="c")
    with tf.Session() as sess:
        v = sess.run("c:0")
        assert v == 2.5 and type(v) is np.float32
        assert sess.run("c") is None  # an op name fetches the op


def test_feed_by_name_and_python_values():
    x = tf.placeholder(tf.int32, [3], name="x")
    y = tf.identity(x)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {"x:0": [1, 2, 3]}), [1, 2, 3])


def test_unfed_placeholder_error():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.identity(x)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(y)
    assert e.value.message.split("\n")[0] == (
        "You must feed a value for placeholder tensor 'x' with dtype float and shape [?,3]")
    assert e.value.op.name == "x"
    assert e.value.error_code == tf.errors.INVALID_ARGUMENT
    assert isinstance(e.value, tf.errors.OpError)


def test_feed_shape_mismatch_is_a_value_error():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with tf.Session() as sess:
        with pytest.raises(ValueError) as e:
            sess.run(x, {x: [1.0, 2.0]})
    assert str(e.value) == "Cannot feed value of shape (2,) for Tensor 'x:0', which has shape '(?, 3)'"


def test_uninitialized_variable_then_session_stays_usable():
    w = tf.Variable([1.0, 2.0], name="w")
    r = tf.identity(w, name="r")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError) as e:
            sess.run(r)
        assert e.value.message.startswith("Attempting to use uninitialized value w")
        sess.run(w.initializer)
        np.testing.assert_array_equal(sess.run(r), [1.0, 2.0])
        np.testing.assert_array_equal(w.eval(), [1.0, 2.0])


def test_fetching_a_missing_name():
    tf.constant(1.0, name="c")
    with tf.Session() as sess:
        with pytest.raises(ValueError) as e:
            sess.run("nope:0")
    assert str(e.value) == (
        "Fetch argument 'nope:0' cannot be interpreted as a Tensor. (The name 'nope:0' refers to "
        "a Tensor which does not exist. The operation, 'nope', does not exist in the graph.)")


def test_fetch_none_and_foreign_tensor():
    g = tf.Graph()
    with g.as_default():
        other = tf.constant(1.0, name="other")
    tf.constant(1.0)
    with tf.Session() as sess:
        with pytest.raises(TypeError) as e:
            sess.run(None)
        assert str(e.value) == "Fetch argument None has invalid type <class 'NoneType'>"
        with pytest.raises(ValueError) as e:
            sess.run(other)
        assert "is not an element of this graph." in str(e.value)


def test_eval_and_run_use_the_default_session():
    c = tf.constant([1, 2], name="c")
    w = tf.Variable(5.0, name="w")
    with pytest.raises(ValueError) as e:
        c.eval()
    assert str(e.value).startswith("Cannot evaluate tensor using `eval()`: No default session")
    with tf.Session():
        w.initializer.run()
        np.testing.assert_array_equal(c.eval(), [1, 2])
        assert w.eval() == 5.0
    sess = tf.Session()
    with sess.as_default():
        assert tf.get_default_session() is sess
    assert tf.get_default_session() is None


def test_with_session_makes_its_graph_the_default():
    g = tf.Graph()
    with tf.Session(graph=g) as sess:
        assert tf.get_default_graph() is g
        assert sess.graph is g


def test_closed_session():
    c = tf.constant(1.0)
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError) as e:
        sess.run(c)
    assert str(e.value) == "Attempted to use a closed Session."


def test_each_session_has_its_own_variables():
    w = tf.Variable(1.0, name="w")
    s1, s2 = tf.Session(), tf.Session()
    s1.run(w.initializer)
    assert s1.run(w) == 1.0
    with pytest.raises(tf.errors.FailedPreconditionError):
        s2.run(w)


def test_feeding_a_tensor_value_is_a_type_error():
    x = tf.placeholder(tf.float32, [], name="x")
    c = tf.constant(1.0)
    with tf.Session() as sess:
        with pytest.raises(TypeError) as e:
            sess.run(x, {x: c})
    assert str(e.value).startswith("The value of a feed cannot be a tf.Tensor object.")
