"""tf.gradients and tf.train optimizers: TF 1.15's op and slot names, and their values."""

import numpy as np
import pytest

import scopeflow as tf


def op_names():
    return [op.name for op in tf.get_default_graph().get_operations()]


# ---------------------------------------------------------------------------------------------
# tf.gradients


def test_gradients_default_grad_ys_and_addn_for_two_consumers():
    x = tf.placeholder(tf.float32, [3], name="x")
    y = x * x  # x feeds `mul` twice: its two gradients are summed by AddN
    z = tf.reduce_sum(y)
    (dx,) = tf.gradients(z, x)
    names = op_names()
    # grad_ys default: ones shaped like z, made by Fill from `grad_ys_0`.
    assert "gradients/Shape" in names
    assert "gradients/grad_ys_0" in names
    assert "gradients/Fill" in names
    assert tf.get_default_graph().get_operation_by_name("gradients/Fill").type == "Fill"
    assert any(n.startswith("gradients/Sum_grad/") for n in names)
    assert any(n.startswith("gradients/mul_grad/") for n in names)
    assert dx.op.name == "gradients/AddN"
    assert dx.op.type == "AddN"
    with tf.Session() as sess:
        v = np.array([1.0, -2.0, 3.0], np.float32)
        np.testing.assert_allclose(sess.run(dx, {x: v}), 2 * v)


def test_second_gradients_call_is_gradients_1():
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.reduce_sum(tf.square(x))
    (d1,) = tf.gradients(y, [x])
    (d2,) = tf.gradients([y], [x])
    assert d1.name.startswith("gradients/")
    assert d2.name.startswith("gradients_1/")
    assert "gradients_1/Fill" in op_names()
    assert "gradients_1/grad_ys_0" in op_names()


def test_gradients_given_grad_ys_builds_no_fill_and_scales():
    x = tf.placeholder(tf.float32, [2], name="x")
    y = 3.0 * x
    gy = tf.constant([1.0, 10.0], name="gy")
    (dx,) = tf.gradients(y, x, grad_ys=gy)
    assert "gradients/Fill" not in op_names()
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(dx, {x: [5.0, 6.0]}), [3.0, 30.0])


def test_gradients_unconnected_is_none_and_variables_use_their_ref():
    w = tf.Variable([[1.0], [2.0]], name="w")
    u = tf.Variable(5.0, name="u")
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    loss = tf.reduce_sum(tf.matmul(x, w))
    dw, du = tf.gradients(loss, [w, u])
    assert du is None
    assert dw.op.name.startswith("gradients/MatMul_grad/")
    assert dw.shape.as_list() == [2, 1]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(dw, {x: [[1.0, 2.0], [3.0, 4.0]]})
        np.testing.assert_allclose(got, [[4.0], [6.0]])


def test_gradients_custom_name_and_stop_gradients():
    a = tf.placeholder(tf.float32, [], name="a")
    b = 2.0 * a
    c = a + b
    (da,) = tf.gradients(c, a, name="grads")
    (da_stopped,) = tf.gradients(c, a, stop_gradients=[b])
    assert da.name.startswith("grads/")
    with tf.Session() as sess:
        assert sess.run(da, {a: 1.0}) == pytest.approx(3.0)
        assert sess.run(da_stopped, {a: 1.0}) == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------
# Optimizers


def linear_loss():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]], name="x")
    y = tf.constant([[1.0], [2.0]], name="y")
    w = tf.Variable(tf.zeros([2, 1]), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
    return w, loss


def test_gradient_descent_names_and_step():
    w, loss = linear_loss()
    opt = tf.train.GradientDescentOptimizer(0.01)
    train_op = opt.minimize(loss)
    g = tf.get_default_graph()
    assert train_op.name == "GradientDescent"
    update = g.get_operation_by_name("GradientDescent/update_w/ApplyGradientDescent")
    assert update.type == "ApplyGradientDescent"
    assert "GradientDescent/learning_rate" in op_names()
    assert opt.get_slot_names() == []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(loss)
        sess.run(train_op)
        # d/dw mean((xw - y)^2) at w = 0: 2/2 * x^T(-y) = [-7, -10]
        np.testing.assert_allclose(sess.run(w), [[0.07], [0.1]], rtol=1e-6)
        assert sess.run(loss) < before


def test_adam_slots_and_beta_powers():
    w, loss = linear_loss()
    opt = tf.train.AdamOptimizer(0.01)
    train_op = opt.minimize(loss)
    names = op_names()
    for n in ["beta1_power", "beta2_power", "w/Adam", "w/Adam_1", "Adam/update_w/ApplyAdam",
              "Adam/learning_rate", "Adam/beta1", "Adam/beta2", "Adam/epsilon"]:
        assert n in names, n
    assert train_op.name == "Adam"
    assert sorted(opt.get_slot_names()) == ["m", "v"]
    m = opt.get_slot(w, "m")
    v = opt.get_slot(w, "v")
    assert m.name == "w/Adam:0"
    assert v.name == "w/Adam_1:0"
    assert not m.trainable
    assert m is opt.get_slot(w, "m")  # one Python object per variable
    assert m in tf.global_variables()
    assert m not in tf.trainable_variables()
    assert opt.get_slot(w, "nope") is None
    beta1_power, beta2_power = opt._get_beta_accumulators()
    assert beta1_power.name == "beta1_power:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op)
        assert sess.run(beta1_power) == pytest.approx(0.9 * 0.9)
        # Adam's first step moves each weight by ~lr against the gradient's sign.
        np.testing.assert_allclose(sess.run(w), [[0.01], [0.01]], rtol=1e-3)


def test_momentum_rmsprop_adagrad_slot_names():
    w, loss = linear_loss()
    mom = tf.train.MomentumOptimizer(0.01, 0.9)
    mom_op = mom.minimize(loss)
    assert mom.get_slot(w, "momentum").name == "w/Momentum:0"
    assert mom_op.name == "Momentum"
    assert "Momentum/update_w/ApplyMomentum" in op_names()
    rms = tf.train.RMSPropOptimizer(0.01)
    rms_op = rms.minimize(loss)
    assert rms.get_slot(w, "rms").name == "w/RMSProp:0"
    assert rms.get_slot(w, "momentum").name == "w/RMSProp_1:0"
    assert "RMSProp/update_w/ApplyRMSProp" in op_names()
    ada = tf.train.AdagradOptimizer(0.1)
    ada_op = ada.minimize(loss)
    assert ada.get_slot(w, "accumulator").name == "w/Adagrad:0"
    assert "Adagrad/update_w/ApplyAdagrad" in op_names()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for op in (mom_op, rms_op, ada_op):
            before = sess.run(loss)
            sess.run(op)
            assert sess.run(loss) < before, op.name


def test_compute_and_apply_gradients_with_global_step():
    w, loss = linear_loss()
    step = tf.train.get_or_create_global_step()
    assert step.name == "global_step:0"
    assert tf.train.get_or_create_global_step() is step
    assert tf.train.get_global_step() is step
    assert step.dtype.base_dtype == tf.int64
    assert step not in tf.trainable_variables()
    assert step in tf.get_collection(tf.GraphKeys.GLOBAL_STEP)
    opt = tf.train.GradientDescentOptimizer(0.05)
    grads_and_vars = opt.compute_gradients(loss)
    assert len(grads_and_vars) == 1
    grad, var = grads_and_vars[0]
    assert var is w
    # GATE_OP: the MatMul gradient pair is gated through tuple/control_dependency.
    assert grad.op.name.startswith("gradients/MatMul_grad/tuple/control_dependency")
    clipped = [(tf.clip_by_value(g, -1.0, 1.0), v) for g, v in grads_and_vars]
    train_op = opt.apply_gradients(clipped, global_step=step)
    assert train_op.name == "GradientDescent"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train_op)
        assert sess.run(step) == 3
        assert tf.train.global_step(sess, step) == 3
        np.testing.assert_allclose(sess.run(w), [[0.15], [0.15]], rtol=1e-5)


def test_learning_rate_tensor_and_exponential_decay():
    w, loss = linear_loss()
    step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.1, step, 10, 0.5)
    assert lr.op.name == "ExponentialDecay"
    stair = tf.train.exponential_decay(0.1, step, 10, 0.5, staircase=True, name="stair")
    assert stair.op.name == "stair"
    train_op = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=step)
    assert "GradientDescent/update_w/ApplyGradientDescent" in op_names()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(lr) == pytest.approx(0.1)
        sess.run(train_op)
        np.testing.assert_allclose(sess.run(w), [[0.7], [1.0]], rtol=1e-5)
        sess.run(tf.assign(step, tf.constant(15, tf.int64)))
        assert sess.run(lr) == pytest.approx(0.1 * 0.5 ** 1.5, rel=1e-5)
        assert sess.run(stair) == pytest.approx(0.05, rel=1e-6)


def test_placeholder_learning_rate():
    w, loss = linear_loss()
    lr = tf.placeholder(tf.float32, [], name="lr")
    train_op = tf.train.GradientDescentOptimizer(lr).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op, {lr: 0.0})
        np.testing.assert_allclose(sess.run(w), [[0.0], [0.0]])
        sess.run(train_op, {lr: 0.1})
        np.testing.assert_allclose(sess.run(w), [[0.7], [1.0]], rtol=1e-5)


def test_no_gradients_error():
    tf.Variable(1.0, name="v")
    c = tf.constant(2.0)
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        tf.train.GradientDescentOptimizer(0.1).minimize(c * 1.0)
    with pytest.raises(ValueError, match="No variables to optimize"):
        tf.train.GradientDescentOptimizer(0.1).minimize(c * 1.0, var_list=[])


def test_gate_graph_grad_loss_and_colocation_paths():
    w, loss = linear_loss()
    opt = tf.train.GradientDescentOptimizer(0.01)
    (g_graph, v), = opt.compute_gradients(loss, gate_gradients=tf.train.Optimizer.GATE_GRAPH)
    assert v is w
    assert g_graph.op.name.startswith("tuple/control_dependency")
    (g_none, _), = opt.compute_gradients(loss, gate_gradients=tf.train.Optimizer.GATE_NONE)
    assert g_none.op.name == "gradients_1/MatMul_grad/MatMul_1"
    # grad_loss scales the loss' gradient; colocate_gradients_with_ops is accepted.
    (g_scaled, _), = opt.compute_gradients(loss, grad_loss=tf.constant(2.0),
                                           colocate_gradients_with_ops=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b, c = sess.run([g_graph, g_none, g_scaled])
        np.testing.assert_allclose(a, [[-7.0], [-10.0]])
        np.testing.assert_allclose(b, a)
        np.testing.assert_allclose(c, 2 * a)


def test_callable_learning_rate_and_optimizer_variables():
    w, loss = linear_loss()
    opt = tf.train.AdamOptimizer(lambda: 0.01)
    train_op = opt.minimize(loss)
    assert [v.name for v in opt.variables()] == [
        "beta1_power:0", "beta2_power:0", "w/Adam:0", "w/Adam_1:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op)
        np.testing.assert_allclose(sess.run(w), [[0.01], [0.01]], rtol=1e-3)
