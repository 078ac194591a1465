"""End to end: a siamese network whose two towers share weights through
tf.variable_scope("siamese") and reuse=True, trained on a synthetic metric-learning set."""

import numpy as np
import pytest

import scopeflow as tf

IN, HIDDEN, EMB = 4, 8, 2
N = 64
# Target squared distances come from a fixed linear map: the net can match them exactly.
# Observed: Adam 26.43 -> 0.012 in 300 steps; SGD(0.005) 26.43 -> 0.067 in 600 steps.


def dataset():
    rng = np.random.RandomState(1234)
    a = rng.randn(IN, EMB).astype(np.float32) * 0.5
    x1 = rng.randn(N, IN).astype(np.float32)
    x2 = rng.randn(N, IN).astype(np.float32)
    d = np.sum(np.square((x1 - x2) @ a), axis=1).astype(np.float32)
    return x1, x2, d


def tower(x):
    """Two dense layers made with get_variable + matmul (the variables are shared)."""
    w1 = tf.get_variable("w1", [IN, HIDDEN],
                         initializer=tf.glorot_uniform_initializer(seed=1))
    b1 = tf.get_variable("b1", [HIDDEN], initializer=tf.zeros_initializer())
    w2 = tf.get_variable("w2", [HIDDEN, EMB],
                         initializer=tf.glorot_uniform_initializer(seed=2))
    b2 = tf.get_variable("b2", [EMB], initializer=tf.zeros_initializer())
    h = tf.tanh(tf.matmul(x, w1) + b1)
    return tf.matmul(h, w2) + b2


def build(optimizer):
    # Static batch: the C++ Sum gradient needs known shapes (no DynamicStitch yet).
    x1 = tf.placeholder(tf.float32, [N, IN], name="x1")
    x2 = tf.placeholder(tf.float32, [N, IN], name="x2")
    d = tf.placeholder(tf.float32, [N], name="d")
    with tf.variable_scope("siamese"):
        e1 = tower(x1)
    with tf.variable_scope("siamese", reuse=True):
        e2 = tower(x2)
    pred = tf.reduce_sum(tf.square(e1 - e2), axis=1)
    loss = tf.reduce_mean(tf.square(pred - d))  # MSE on the embedded distance
    grads_and_vars = optimizer.compute_gradients(loss)
    train_op = optimizer.apply_gradients(grads_and_vars)
    return x1, x2, d, e1, e2, loss, grads_and_vars, train_op


@pytest.mark.parametrize("make_opt,steps,threshold", [
    (lambda: tf.train.AdamOptimizer(0.02), 300, 0.05),
    (lambda: tf.train.GradientDescentOptimizer(0.005), 600, 0.1),
], ids=["adam", "sgd"])
def test_siamese_shares_weights_and_trains(make_opt, steps, threshold):
    opt = make_opt()
    x1, x2, d, e1, e2, loss, grads_and_vars, train_op = build(opt)
    g = tf.get_default_graph()

    # One tower's worth of trainable variables, all under siamese/.
    trainable = tf.trainable_variables()
    assert [v.name for v in trainable] == [
        "siamese/w1:0", "siamese/b1:0", "siamese/w2:0", "siamese/b2:0"]
    # The second tower's ops live in their own name scope (siamese_1) but read the same vars.
    assert g.get_operation_by_name("siamese/MatMul").type == "MatMul"
    assert g.get_operation_by_name("siamese_1/MatMul").type == "MatMul"
    read0 = g.get_operation_by_name("siamese/MatMul").inputs[1]
    read1 = g.get_operation_by_name("siamese_1/MatMul").inputs[1]
    assert read0.name == read1.name == "siamese/w1/read:0"

    # One gradient per variable, each the AddN of the two towers' contributions.
    assert len(grads_and_vars) == len(trainable)
    for (grad, var), want in zip(grads_and_vars, trainable):
        assert var is want
        assert grad is not None
        assert grad.op.type == "AddN", (var.name, grad.op.name)
        assert grad.op.name.startswith("gradients/AddN")
        assert len(grad.op.inputs) == 2
        assert grad.shape.as_list() == var.shape.as_list()

    x1v, x2v, dv = dataset()
    feed = {x1: x1v, x2: x2v, d: dv}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, feed)
        for _ in range(steps):
            sess.run(train_op, feed)
        last = sess.run(loss, feed)
        # Both towers see identical weights: the same variable fetched through each tower.
        w_a, w_b, w_var = sess.run([read0, read1, trainable[0]])
        np.testing.assert_array_equal(w_a, w_b)
        np.testing.assert_array_equal(w_a, w_var)
        # Swapping the inputs swaps the towers: distances are symmetric.
        p1 = sess.run(e1, {x1: x1v})
        p2 = sess.run(e2, {x2: x1v})
        np.testing.assert_allclose(p1, p2, rtol=1e-6)
    print("siamese %s: loss %.4f -> %.4f after %d steps" % (opt.get_name(), first, last, steps))
    assert last < threshold
    assert last < 0.01 * first
