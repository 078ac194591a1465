"""tf.cond: TF 1.x's node names and dead-branch execution."""

import numpy as np
import pytest

import scopeflow as tf


def test_cond_names_follow_tf():
    x = tf.placeholder(tf.float32, [], name="x")
    p = tf.placeholder(tf.bool, [], name="p")
    y = tf.constant(5.0, name="y")
    r = tf.cond(p, lambda: tf.add(x, y), lambda: tf.multiply(x, 2.0))
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert names == ["x", "p", "y", "cond/Switch", "cond/switch_t", "cond/switch_f",
                     "cond/pred_id", "cond/Add", "cond/Add/Switch", "cond/Add/Switch_1",
                     "cond/Mul/y", "cond/Mul", "cond/Mul/Switch", "cond/Merge"]
    assert r.name == "cond/Merge:0"
    # A constant inside a branch waits on the branch's pivot.
    g = tf.get_default_graph()
    assert [c.name for c in g.get_operation_by_name("cond/Mul/y").control_inputs] == [
        "cond/switch_f"]


def test_cond_runs_only_the_taken_branch():
    x = tf.placeholder(tf.float32, [], name="x")
    p = tf.placeholder(tf.bool, [], name="p")
    # A placeholder made inside the false branch only runs when that branch is taken.
    r = tf.cond(p, lambda: x * 3.0,
                lambda: tf.placeholder(tf.float32, [], name="unfed") + 1.0)
    with tf.Session() as sess:
        assert sess.run(r, {x: 2.0, p: True}) == 6.0
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(r, {x: 2.0, p: False})
        assert "You must feed a value for placeholder tensor 'cond/unfed'" in e.value.message


def test_cond_with_several_results_and_second_cond_names():
    p = tf.placeholder(tf.bool, [], name="p")
    a, b = tf.cond(p, lambda: (tf.constant(1), tf.constant(2.0)),
                   lambda: (tf.constant(3), tf.constant(4.0)))
    assert (a.name, b.name) == ("cond/Merge:0", "cond/Merge_1:0")
    c = tf.cond(p, lambda: tf.constant(1), lambda: tf.constant(2))
    assert c.name == "cond_1/Merge:0"
    with tf.Session() as sess:
        assert sess.run([a, b], {p: False}) == [3, 4.0]
        assert sess.run(c, {p: True}) == 1


def test_cond_argument_errors():
    p = tf.placeholder(tf.bool, [])
    with pytest.raises(TypeError) as e:
        tf.cond(p, None, lambda: 1)
    assert str(e.value) == "true_fn must not be None."
    with pytest.raises(TypeError) as e:
        tf.cond(p, 1, lambda: 1)
    assert str(e.value) == "true_fn must be callable."


def test_random_seeds_follow_the_graph_seed():
    tf.set_random_seed(1)
    a = tf.random_uniform([3], seed=2)
    b = tf.random_uniform([3])
    ops = [op for op in tf.get_default_graph().get_operations() if op.type == "RandomUniform"]
    assert [(op.get_attr("seed"), op.get_attr("seed2")) for op in ops] == [(1, 2), (1, 10)]
    with tf.Session() as s1, tf.Session() as s2:
        v1, v2 = s1.run(a), s2.run(a)
        np.testing.assert_array_equal(v1, v2)  # same seeds, same sequence
        assert not np.array_equal(s1.run(a), v1)  # the generator moves on
        assert s1.run(b).shape == (3,)
