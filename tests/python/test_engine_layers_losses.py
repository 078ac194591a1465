"""tf.layers and tf.losses: TF 1.15's variable/op names and numeric results."""

import numpy as np
import pytest

import scopeflow as tf

rng = np.random.RandomState(3)


def names(prefix=""):
    return [(o.name, o.type) for o in tf.get_default_graph().get_operations()
            if o.name.startswith(prefix)]


def op_names(prefix=""):
    return [n for n, _ in names(prefix)]


# ---------------------------------------------------------------------------------------------
# tf.layers


def test_dense_names():
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    y = tf.layers.dense(x, 3, activation=tf.nn.relu)
    assert y.name == "dense/Relu:0"
    assert y.shape.as_list() == [None, 3]
    assert [v.name for v in tf.global_variables()] == ["dense/kernel:0", "dense/bias:0"]
    assert [v.name for v in tf.trainable_variables()] == ["dense/kernel:0", "dense/bias:0"]
    ops = [n for n in op_names("dense/") if "Initializer" not in n]
    assert ops == ["dense/kernel", "dense/kernel/Assign", "dense/kernel/read", "dense/bias",
                   "dense/bias/Assign", "dense/bias/read", "dense/MatMul", "dense/BiasAdd",
                   "dense/Relu"]
    k = tf.get_default_graph().get_operation_by_name("dense/kernel/Initializer/random_uniform")
    assert k.type == "Add"
    b = tf.get_default_graph().get_operation_by_name("dense/bias/Initializer/zeros")
    assert b.type == "Const"
    mm = tf.get_default_graph().get_operation_by_name("dense/MatMul")
    assert [i.name for i in mm.inputs] == ["x:0", "dense/kernel/read:0"]
    y2 = tf.layers.dense(y, 2)
    assert y2.name == "dense_1/BiasAdd:0"
    assert tf.global_variables()[2].name == "dense_1/kernel:0"


def test_dense_name_reuse_and_layer_object():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    a = tf.layers.dense(x, 3, name="fc")
    b = tf.layers.dense(x, 3, name="fc", reuse=True)
    assert a.name == "fc/BiasAdd:0"
    assert b.name == "fc_1/BiasAdd:0"
    assert [v.name for v in tf.global_variables()] == ["fc/kernel:0", "fc/bias:0"]
    with pytest.raises(ValueError, match="already exists"):
        tf.layers.dense(x, 3, name="fc")
    layer = tf.layers.Dense(2, use_bias=False)
    o1 = layer(x)
    o2 = layer(x)
    assert (o1.name, o2.name) == ("dense/MatMul:0", "dense/MatMul_1:0")
    assert [v.name for v in layer.trainable_variables] == ["dense/kernel:0"]
    assert layer.kernel.name == "dense/kernel:0"
    with tf.variable_scope("net"):
        z = tf.layers.dense(x, 2)
    assert z.name == "net/dense/BiasAdd:0"
    assert tf.global_variables()[-1].name == "net/dense/bias:0"


def test_dense_kernel_initializer_from_scope():
    x = tf.placeholder(tf.float32, [None, 4])
    with tf.variable_scope("s", initializer=tf.ones_initializer()):
        tf.layers.dense(x, 2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k = sess.run(tf.global_variables()[0])
    np.testing.assert_array_equal(k, np.ones((4, 2)))


def test_layers_dropout_flatten_conv_pool_names():
    x = tf.placeholder(tf.float32, [None, 8, 8, 3], name="x")
    d0 = tf.layers.dropout(x, 0.5)
    assert (d0.name, d0.op.type) == ("dropout/Identity:0", "Identity")
    d1 = tf.layers.dropout(x, 0.5, training=True)
    assert d1.name == "dropout_1/dropout/mul_1:0"
    c = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
    assert c.name == "conv2d/Relu:0"
    assert c.shape.as_list() == [None, 8, 8, 4]
    assert op_names("conv2d/Conv2D") == ["conv2d/Conv2D"]
    assert [v.name for v in tf.global_variables()] == ["conv2d/kernel:0", "conv2d/bias:0"]
    assert tf.global_variables()[0].shape == tf.TensorShape([3, 3, 3, 4])
    p = tf.layers.max_pooling2d(c, 2, 2)
    assert (p.name, p.shape.as_list()) == ("max_pooling2d/MaxPool:0", [None, 4, 4, 4])
    ap = tf.layers.average_pooling2d(c, 2, 2)
    assert ap.name == "average_pooling2d/AvgPool:0"
    f = tf.layers.flatten(p)
    assert (f.name, f.shape.as_list()) == ("flatten/Reshape:0", [None, 64])
    assert f.op.inputs[1].op.type == "Pack"
    assert op_names("flatten/strided_slice") == [
        "flatten/strided_slice/stack", "flatten/strided_slice/stack_1",
        "flatten/strided_slice/stack_2", "flatten/strided_slice"]
    k = tf.placeholder(tf.float32, [2, 3, 4], name="k")
    fk = tf.layers.flatten(k)
    assert fk.op.inputs[1].name == "flatten_1/Reshape/shape:0"
    assert fk.op.inputs[1].op.type == "Const" and fk.shape.as_list() == [2, 12]


def test_layers_numerics():
    a = rng.randn(5, 6, 6, 2).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 6, 6, 2])
    f = tf.layers.flatten(x)
    d = tf.layers.dense(f, 3, activation=tf.nn.relu)
    drop_eval = tf.layers.dropout(d, 0.5, training=False)
    drop_train = tf.layers.dropout(d, 0.5, training=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k, b = sess.run(tf.global_variables())
        out_f, out_d, out_e, out_t = sess.run([f, d, drop_eval, drop_train], {x: a})
    limit = np.sqrt(6.0 / (72 + 3))
    assert np.all(np.abs(k) <= limit) and k.std() > 0.1 * limit
    np.testing.assert_array_equal(b, np.zeros(3))
    np.testing.assert_allclose(out_f, a.reshape(5, -1))
    ref = np.maximum(a.reshape(5, -1) @ k + b, 0)
    np.testing.assert_allclose(out_d, ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out_e, ref, rtol=1e-5, atol=1e-6)
    kept = out_t != 0
    np.testing.assert_allclose(out_t[kept], 2 * ref[kept], rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------------------------
# tf.losses


def test_mean_squared_error_structure():
    labels = tf.placeholder(tf.float32, [None, 3], name="labels")
    preds = tf.placeholder(tf.float32, [None, 3], name="preds")
    loss = tf.losses.mean_squared_error(labels, preds)
    s = "mean_squared_error/"
    ab = s + "assert_broadcastable/"
    nb = s + "num_present/broadcast_weights/"
    assert names(s) == [
        (s + "SquaredDifference", "SquaredDifference"),
        (ab + "weights", "Const"), (ab + "weights/shape", "Const"),
        (ab + "weights/rank", "Const"), (ab + "values/shape", "Shape"),
        (ab + "values/rank", "Const"), (ab + "static_scalar_check_success", "NoOp"),
        (s + "Cast/x", "Const"), (s + "Mul", "Mul"), (s + "Const", "Const"),
        (s + "Sum", "Sum"), (s + "num_present/Equal/y", "Const"),
        (s + "num_present/Equal", "Equal"), (s + "num_present/zeros_like", "Const"),
        (s + "num_present/ones_like/Shape", "Const"),
        (s + "num_present/ones_like/Const", "Const"), (s + "num_present/ones_like", "Fill"),
        (s + "num_present/Select", "Select"),
        (nb + "assert_broadcastable/weights/shape", "Const"),
        (nb + "assert_broadcastable/weights/rank", "Const"),
        (nb + "assert_broadcastable/values/shape", "Shape"),
        (nb + "assert_broadcastable/values/rank", "Const"),
        (nb + "assert_broadcastable/static_scalar_check_success", "NoOp"),
        (nb + "ones_like/Shape", "Shape"), (nb + "ones_like/Const", "Const"),
        (nb + "ones_like", "Fill"), (s + "num_present/broadcast_weights", "Mul"),
        (s + "num_present/Const", "Const"), (s + "num_present", "Sum"),
        (s + "Const_1", "Const"), (s + "Sum_1", "Sum"), (s + "value", loss.op.type)]
    assert loss.name == "mean_squared_error/value:0"
    assert loss.shape == tf.TensorShape([])
    g = tf.get_default_graph()
    tofloat = g.get_operation_by_name(s + "Cast/x")
    assert [o.name for o in tofloat.control_inputs] == [ab + "static_scalar_check_success"]
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [loss]
    assert tf.losses.get_losses() == [loss]


def test_losses_names():
    labels = tf.placeholder(tf.float32, [None, 3], name="labels")
    preds = tf.placeholder(tf.float32, [None, 3], name="preds")
    ad = tf.losses.absolute_difference(labels, preds)
    assert ad.name == "absolute_difference/value:0"
    assert op_names("absolute_difference/")[:2] == ["absolute_difference/Sub",
                                                    "absolute_difference/Abs"]
    ids = tf.placeholder(tf.int32, [None], name="ids")
    sp = tf.losses.sparse_softmax_cross_entropy(ids, preds)
    s = "sparse_softmax_cross_entropy_loss/"
    assert op_names(s)[:3] == [s + "Const", s + "xentropy/Shape", s + "xentropy/xentropy"]
    assert sp.name == s + "value:0"
    onehot = tf.placeholder(tf.float32, [None, 3], name="onehot")
    sc = tf.losses.softmax_cross_entropy(onehot, preds)
    s = "softmax_cross_entropy_loss/"
    assert op_names(s)[:2] == [s + "labels_stop_gradient", s + "xentropy/Rank"]
    assert sc.name == s + "value:0"
    assert tf.get_default_graph().get_operation_by_name(s + "xentropy").type == \
        "SoftmaxCrossEntropyWithLogits"
    assert tf.losses.get_losses() == [ad, sp, sc]
    none = tf.losses.mean_squared_error(labels, preds, reduction=tf.losses.Reduction.NONE)
    assert none.shape.as_list() == [None, 3]
    lab4 = tf.placeholder(tf.float32, [4, 3])
    pre4 = tf.placeholder(tf.float32, [4, 3])
    w = tf.losses.mean_squared_error(lab4, pre4, weights=[[1.0, 0.0, 2.0]])
    assert w.op.name == "mean_squared_error_1/value"
    assert tf.get_default_graph().get_operation_by_name(
        "mean_squared_error_1/assert_broadcastable/static_dims_check_success").type == "NoOp"
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        tf.losses.mean_squared_error(lab4, pre4, weights=[[1.0, 0.0]])
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        tf.losses.mean_squared_error(labels, preds, reduction="bad")


def test_losses_numerics():
    lab = rng.randn(4, 3).astype(np.float32)
    pre = rng.randn(4, 3).astype(np.float32)
    ids = rng.randint(0, 3, size=4).astype(np.int32)
    onehot = np.eye(3, dtype=np.float32)[ids]
    wts = np.array([[1.0, 0.0, 2.0]], np.float32)
    labels = tf.placeholder(tf.float32, [4, 3])
    preds = tf.placeholder(tf.float32, [4, 3])
    sparse = tf.placeholder(tf.int32, [None])
    oh = tf.placeholder(tf.float32, [None, 3])
    fetches = [tf.losses.mean_squared_error(labels, preds),
               tf.losses.absolute_difference(labels, preds),
               tf.losses.sparse_softmax_cross_entropy(sparse, preds),
               tf.losses.softmax_cross_entropy(oh, preds),
               tf.losses.softmax_cross_entropy(oh, preds, label_smoothing=0.1),
               tf.losses.mean_squared_error(labels, preds, weights=wts),
               tf.losses.mean_squared_error(labels, preds,
                                            reduction=tf.losses.Reduction.SUM),
               tf.losses.get_total_loss(add_regularization_losses=False)]
    with tf.Session() as sess:
        out = sess.run(fetches, {labels: lab, preds: pre, sparse: ids, oh: onehot})
    logp = pre - pre.max(1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(1, keepdims=True))
    smooth = onehot * 0.9 + 0.1 / 3
    w_full = np.broadcast_to(wts, (4, 3))
    ref = [((pre - lab) ** 2).mean(), np.abs(pre - lab).mean(),
           -logp[np.arange(4), ids].mean(), -(onehot * logp).sum(1).mean(),
           -(smooth * logp).sum(1).mean(),
           (((pre - lab) ** 2) * w_full).sum() / (w_full != 0).sum(),
           ((pre - lab) ** 2).sum()]
    ref.append(sum(ref))
    for i, (o, r) in enumerate(zip(out, ref)):
        np.testing.assert_allclose(o, r, rtol=1e-5, err_msg=str(i))


def test_layers_dropout_with_training_tensor():
    a = rng.rand(40, 30).astype(np.float32) + 1.0
    x = tf.placeholder(tf.float32, [None, 30])
    training = tf.placeholder(tf.bool, [])
    d = tf.layers.dropout(x, rate=0.5, training=training)
    with tf.Session() as sess:
        off = sess.run(d, {x: a, training: False})
        on = sess.run(d, {x: a, training: True})
    np.testing.assert_allclose(off, a)
    kept = on != 0
    assert 0.3 < kept.mean() < 0.7
    np.testing.assert_allclose(on[kept], 2 * a[kept], rtol=1e-5)
    c = tf.layers.dropout(x, rate=0.5, training=tf.constant(False))
    assert c.op.type == "Identity"


def test_layer_object_names():
    x = tf.placeholder(tf.float32, [None, 4])
    d = tf.layers.Dense(2)
    assert d.name == "dense_1"  # keras' 1-based object name; the scope is `dense`
    d(x)
    assert d.scope_name == "dense"
    assert tf.layers.Dense(2, name="out").name == "out"
