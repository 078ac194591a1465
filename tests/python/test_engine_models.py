"""Plain TF1 models (an MLP and a small CNN) run end to end and checked against numpy with the
session's variable values."""

import numpy as np

import scopeflow as tf

rng = np.random.RandomState(4)


def np_softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_mlp_layers_dense_sparse_xent():
    x = tf.placeholder(tf.float32, [None, 8], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    h = tf.layers.dense(x, 16, activation=tf.nn.relu, name="hidden")
    logits = tf.layers.dense(h, 4, name="logits")
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
    loss = tf.reduce_mean(xent, name="loss")
    probs = tf.nn.softmax(logits)
    pred = tf.argmax(probs, 1)
    acc = tf.reduce_mean(tf.cast(tf.equal(pred, y), tf.float32))
    assert [v.name for v in tf.trainable_variables()] == [
        "hidden/kernel:0", "hidden/bias:0", "logits/kernel:0", "logits/bias:0"]
    assert loss.name == "loss:0" and logits.name == "logits/BiasAdd:0"

    xs = rng.randn(10, 8).astype(np.float32)
    ys = rng.randint(0, 4, size=10).astype(np.int64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        # give the biases non-zero values so they take part in the check
        sess.run([tf.assign(v, rng.randn(*v.shape.as_list()).astype(np.float32))
                  for v in tf.trainable_variables() if "bias" in v.name])
        w1, b1, w2, b2 = sess.run(tf.trainable_variables())
        out_loss, out_probs, out_pred, out_acc = sess.run([loss, probs, pred, acc],
                                                          {x: xs, y: ys})
    hid = np.maximum(xs @ w1 + b1, 0)
    z = hid @ w2 + b2
    p = np_softmax(z)
    np.testing.assert_allclose(out_probs, p, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(out_loss, -np.log(p[np.arange(10), ys]).mean(), rtol=1e-4)
    np.testing.assert_array_equal(out_pred, p.argmax(1))
    np.testing.assert_allclose(out_acc, (p.argmax(1) == ys).mean())


def test_mlp_get_variable_matmul_softmax_xent():
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    labels = tf.placeholder(tf.float32, [None, 3], name="labels")
    with tf.variable_scope("layer1"):
        w = tf.get_variable("w", [5, 7], initializer=tf.random_normal_initializer(seed=1))
        b = tf.get_variable("b", [7], initializer=tf.constant_initializer(0.1))
        h = tf.nn.relu(tf.matmul(x, w) + b)
    with tf.variable_scope("layer2"):
        w2 = tf.get_variable("w", [7, 3])
        b2 = tf.get_variable("b", [3], initializer=tf.zeros_initializer())
        logits = tf.nn.xw_plus_b(h, w2, b2)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels,
                                                                     logits=logits))
    l2 = tf.add_n([tf.nn.l2_loss(w), tf.nn.l2_loss(w2)])
    total = loss + 1e-3 * l2
    assert h.op.name == "layer1/Relu"
    assert logits.op.name == "layer2/xw_plus_b"

    xs = rng.randn(6, 5).astype(np.float32)
    ls = np_softmax(rng.randn(6, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        wv, bv, w2v, b2v = sess.run([w, b, w2, b2])
        out = sess.run(total, {x: xs, labels: ls})
    hid = np.maximum(xs @ wv + bv, 0)
    z = hid @ w2v + b2v
    ce = -(ls * np.log(np_softmax(z))).sum(1).mean()
    ref = ce + 1e-3 * ((wv ** 2).sum() / 2 + (w2v ** 2).sum() / 2)
    np.testing.assert_allclose(out, ref, rtol=1e-4)


def conv_same(x, f, b):
    n, h, w, _ = x.shape
    kh, kw, _, o = f.shape
    xp = np.pad(x, [(0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)])
    out = np.zeros((n, h, w, o))
    for i in range(h):
        for j in range(w):
            out[:, i, j, :] = np.tensordot(xp[:, i:i + kh, j:j + kw, :], f,
                                           axes=([1, 2, 3], [0, 1, 2]))
    return out + b


def max_pool_2x2(x):
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def test_small_cnn():
    images = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    with tf.variable_scope("conv1"):
        k = tf.get_variable("weights", [3, 3, 1, 4],
                            initializer=tf.truncated_normal_initializer(stddev=0.5))
        kb = tf.get_variable("biases", [4], initializer=tf.constant_initializer(0.05))
        conv = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(images, k, [1, 1, 1, 1], "SAME"), kb))
    pool = tf.nn.max_pool(conv, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME",
                          name="pool1")
    conv2 = tf.layers.conv2d(pool, 6, 3, padding="same", activation=tf.nn.relu)
    pool2 = tf.layers.max_pooling2d(conv2, 2, 2)
    flat = tf.layers.flatten(pool2)
    logits = tf.layers.dense(flat, 5)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    assert conv.op.name == "conv1/Relu" and pool.op.name == "pool1"
    assert flat.shape.as_list() == [None, 24]
    assert loss.op.name == "sparse_softmax_cross_entropy_loss/value"

    xs = rng.randn(3, 8, 8, 1).astype(np.float32)
    ys = rng.randint(0, 5, size=3).astype(np.int32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        names = [v.op.name for v in tf.global_variables()]
        assert names == ["conv1/weights", "conv1/biases", "conv2d/kernel", "conv2d/bias",
                         "dense/kernel", "dense/bias"]
        kv, kbv, ck, cb, dk, db = sess.run(tf.global_variables())
        out_logits, out_loss = sess.run([logits, loss], {images: xs, labels: ys})
    a1 = max_pool_2x2(np.maximum(conv_same(xs, kv, kbv), 0))
    a2 = max_pool_2x2(np.maximum(conv_same(a1, ck, cb), 0))
    z = a2.reshape(3, -1) @ dk + db
    np.testing.assert_allclose(out_logits, z, rtol=1e-4, atol=1e-5)
    ref_loss = -np.log(np_softmax(z)[np.arange(3), ys]).mean()
    np.testing.assert_allclose(out_loss, ref_loss, rtol=1e-4)
