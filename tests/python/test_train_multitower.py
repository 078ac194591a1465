"""End to end: data-parallel training as TF1's multi-GPU examples write it: towers under
tf.name_scope("tower_<i>"), reuse_variables() after the first, per-tower compute_gradients,
averaged gradients, one apply_gradients with global_step."""

import numpy as np
import pytest

import scopeflow as tf

IN, HIDDEN = 3, 16
BATCH = 64  # split in two halves, one per tower
TOWERS = 2
STEPS = 400
LOSS_THRESHOLD = 0.02


def dataset():
    rng = np.random.RandomState(7)
    x = rng.uniform(-1.0, 1.0, size=(BATCH, IN)).astype(np.float32)
    a = rng.randn(IN, 1).astype(np.float32)
    y = (np.tanh(x @ a) + 0.5 * x[:, :1] ** 2).astype(np.float32)
    return x, y


def model(x):
    """get_variable at the root variable scope: the towers share w1/b1/w2/b2."""
    w1 = tf.get_variable("w1", [IN, HIDDEN], initializer=tf.glorot_uniform_initializer(seed=3))
    b1 = tf.get_variable("b1", [HIDDEN], initializer=tf.zeros_initializer())
    w2 = tf.get_variable("w2", [HIDDEN, 1], initializer=tf.glorot_uniform_initializer(seed=4))
    b2 = tf.get_variable("b2", [1], initializer=tf.zeros_initializer())
    return tf.matmul(tf.tanh(tf.matmul(x, w1) + b1), w2) + b2


def average_add_n(tower_grads):
    out = []
    for pairs in zip(*tower_grads):
        grads = [g for g, _ in pairs]
        out.append((tf.add_n(grads) / float(len(grads)), pairs[0][1]))
    return out


def average_reduce_mean(tower_grads):
    out = []
    for pairs in zip(*tower_grads):
        grad = tf.reduce_mean(tf.stack([g for g, _ in pairs]), 0)
        out.append((grad, pairs[0][1]))
    return out


@pytest.mark.parametrize("average,make_opt", [
    (average_add_n, lambda: tf.train.GradientDescentOptimizer(0.2)),
    (average_reduce_mean, lambda: tf.train.AdamOptimizer(0.01)),
], ids=["add_n-sgd", "reduce_mean-adam"])
def test_two_towers_average_gradients(average, make_opt):
    x = tf.placeholder(tf.float32, [BATCH, IN], name="x")
    y = tf.placeholder(tf.float32, [BATCH, 1], name="y")
    step = tf.train.get_or_create_global_step()
    opt = make_opt()
    half = BATCH // TOWERS
    tower_grads, tower_losses = [], []
    with tf.variable_scope(tf.get_variable_scope()):
        for i in range(TOWERS):
            with tf.name_scope("tower_%d" % i):
                xi = tf.slice(x, [i * half, 0], [half, IN])
                yi = tf.slice(y, [i * half, 0], [half, 1])
                loss = tf.reduce_mean(tf.square(model(xi) - yi))
                tf.get_variable_scope().reuse_variables()
                grads = opt.compute_gradients(loss)
                tower_grads.append(grads)
                tower_losses.append(loss)
    grads = average(tower_grads)
    train_op = opt.apply_gradients(grads, global_step=step)
    total_loss = tf.add_n(tower_losses) / float(TOWERS)
    g = tf.get_default_graph()

    trainable = tf.trainable_variables()
    assert [v.name for v in trainable] == ["w1:0", "b1:0", "w2:0", "b2:0"]
    assert step not in trainable
    # Each tower differentiates its own loss in its own gradients scope.
    assert g.get_operation_by_name("tower_0/MatMul").type == "MatMul"
    assert g.get_operation_by_name("tower_1/MatMul").type == "MatMul"
    for i, pairs in enumerate(tower_grads):
        assert [v for _, v in pairs] == trainable
        for grad, var in pairs:
            assert grad is not None
            assert grad.op.name.startswith("tower_%d/gradients/" % i), grad.op.name
            assert grad.shape.as_list() == var.shape.as_list()
    # One averaged gradient per variable.
    assert len(grads) == len(trainable)
    assert [v for _, v in grads] == trainable
    # Both towers read the same variable.
    r0 = g.get_operation_by_name("tower_0/MatMul").inputs[1]
    r1 = g.get_operation_by_name("tower_1/MatMul").inputs[1]
    assert r0.name == r1.name == "w1/read:0"

    (ref,) = tf.gradients(total_loss, [trainable[0]])
    assert ref.op.name.startswith("gradients/")

    xv, yv = dataset()
    feed = {x: xv, y: yv}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(step) == 0
        first = sess.run(total_loss, feed)
        # The averaged gradient equals the gradient of the mean of the tower losses.
        avg0, ref0 = sess.run([grads[0][0], ref], feed)
        np.testing.assert_allclose(avg0, ref0, rtol=1e-4, atol=1e-6)
        for _ in range(STEPS):
            sess.run(train_op, feed)
        last = sess.run(total_loss, feed)
        assert sess.run(step) == STEPS
        w_a, w_b = sess.run([r0, r1])
        np.testing.assert_array_equal(w_a, w_b)
    print("multi-tower %s: loss %.4f -> %.4f after %d steps" % (opt.get_name(), first, last,
                                                                STEPS))
    assert last < LOSS_THRESHOLD
    assert last < 0.2 * first
