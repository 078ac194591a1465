"""A TF-written model brought back to life: ../shared/golden/houseprices_dropout_cond (TF 1.10)
imported from its .meta with tf.train.import_meta_graph, its checkpoint restored through the
imported SaverDef (TF 1.10's `save/Const` / `save/restore_all`), and its forward pass - four
tanh layers each followed by tf.layers.dropout's tf.cond - run on a fed batch and compared with
the same computation in numpy on the checkpoint's values (read with NewCheckpointReader)."""

import pathlib

import numpy as np
import pytest

import scopeflow as tf

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden"
PREFIX = GOLDEN / "houseprices_dropout_cond" / "model.ckpt"
META = GOLDEN / "houseprices_dropout_cond" / "model.ckpt.meta"

pytestmark = [
    pytest.mark.skipif(not META.is_file(), reason="no golden files"),
    pytest.mark.skipif(not hasattr(tf.train, "import_meta_graph"),
                       reason="tf.train.import_meta_graph is not available yet"),
]


def numpy_forward(x):
    """The notebook's inference path (dropout off): tanh(x W + b) x4, then x W_out + b_out."""
    reader = tf.train.NewCheckpointReader(str(PREFIX))
    h = x.astype(np.float32)
    for i in range(4):
        w = reader.get_tensor("Variable" + ("_%d" % (2 * i) if i else ""))
        b = reader.get_tensor("Variable_%d" % (2 * i + 1))
        h = np.tanh(h @ w + b)
    out = h @ reader.get_tensor("Variable_8") + reader.get_tensor("Variable_9")
    return np.squeeze(out)


def test_import_restore_and_run_the_forward_pass():
    saver = tf.train.import_meta_graph(str(META))
    assert saver is not None
    assert saver.saver_def.filename_tensor_name == "save/Const:0"
    assert saver.saver_def.restore_op_name == "save/restore_all"
    g = tf.get_default_graph()
    rng = np.random.RandomState(0)
    batch = rng.uniform(-1.0, 1.0, size=(6, 8)).astype(np.float32)
    with tf.Session() as sess:
        saver.restore(sess, str(PREFIX))
        # The restored values are the checkpoint's.
        reader = tf.train.NewCheckpointReader(str(PREFIX))
        for name in ("Variable", "Variable_9", "Variable_3/Adam_1", "beta1_power"):
            np.testing.assert_array_equal(sess.run(name + ":0"), reader.get_tensor(name))
        # Inference: the dropout conds take their false branch (identity).
        pred = sess.run("Squeeze:0", {"Placeholder:0": False, "Placeholder_1:0": batch})
        np.testing.assert_allclose(pred, numpy_forward(batch), rtol=1e-5, atol=1e-6)
        # Training mode takes the conds' true branch (dropout): same shape, other values.
        train_pred = sess.run("Squeeze:0", {"Placeholder:0": True, "Placeholder_1:0": batch})
        assert train_pred.shape == (6,)
        assert np.all(np.isfinite(train_pred))
        # The restored Adam state trains on: beta1_power advances by one factor of 0.9.
        target = np.ones(6, np.float32)
        b1 = sess.run("beta1_power:0")
        sess.run(g.get_operation_by_name("Adam"),
                 {"Placeholder:0": False, "Placeholder_1:0": batch, "Placeholder_2:0": target})
        np.testing.assert_allclose(sess.run("beta1_power:0"), b1 * np.float32(0.9), rtol=1e-6)


# SaveV2 here reads 34 variables by value (more than the executor once had scratch for).
def test_restored_model_saves_a_checkpoint_tf_layout(tmp_path):
    """The imported Saver writes a checkpoint with the same keys, shapes and values."""
    saver = tf.train.import_meta_graph(str(META))
    with tf.Session() as sess:
        saver.restore(sess, str(PREFIX))
        path = saver.save(sess, str(tmp_path / "again.ckpt"), write_meta_graph=False)
    assert tf.train.list_variables(path) == tf.train.list_variables(str(PREFIX))
    a = tf.train.NewCheckpointReader(path)
    b = tf.train.NewCheckpointReader(str(PREFIX))
    for name in b.get_variable_to_shape_map():
        np.testing.assert_array_equal(a.get_tensor(name), b.get_tensor(name))
    # Same tensors in the same order: the data file is byte-identical to TF's.
    assert (tmp_path / "again.ckpt.data-00000-of-00001").read_bytes() == \
        pathlib.Path(str(PREFIX) + ".data-00000-of-00001").read_bytes()
    assert (tmp_path / "again.ckpt.index").read_bytes() == \
        pathlib.Path(str(PREFIX) + ".index").read_bytes()


NEURO = GOLDEN / "neuro_linear_dense3d" / "checkpoint"
TFLITE = GOLDEN / "tflite_dense_twice" / "model.ckpt"


@pytest.mark.skipif(not pathlib.Path(str(NEURO) + ".index").is_file(), reason="no golden files")
def test_rebuilt_neuro_program_restores_the_tf_c_api_checkpoint():
    """neuro's program rebuilt with scopeflow (as in test_golden_neuro_linear_dense3d); its
    Saver restores the checkpoint TF's C API wrote; the rank-3 dense layer computes x*k + b."""
    x = tf.placeholder(tf.float32, [None, 1, 1], name="input")
    output = tf.identity(tf.layers.dense(x, 1), name="output")
    saver = tf.train.Saver()
    reader = tf.train.NewCheckpointReader(str(NEURO))
    k, b = reader.get_tensor("dense/kernel"), reader.get_tensor("dense/bias")
    xv = np.linspace(-2, 2, 5, dtype=np.float32).reshape(5, 1, 1)
    with tf.Session() as sess:
        saver.restore(sess, str(NEURO))
        np.testing.assert_allclose(sess.run(output, {x: xv}), xv * k[0, 0] + b[0], rtol=1e-6)


@pytest.mark.skipif(not pathlib.Path(str(TFLITE) + ".index").is_file(), reason="no golden files")
def test_rebuilt_tflite_program_restores_through_its_second_saver():
    """The notebook's net built twice in one graph: the second Saver (`save_1`, all 8
    variables) restores TF's checkpoint; the second copy's prediction matches numpy."""
    def build():
        x = tf.placeholder(tf.float32, (100, 1))
        h = tf.layers.dense(x, 10, tf.nn.relu)
        prediction = tf.layers.dense(h, 1)
        tf.global_variables_initializer()
        return x, prediction, tf.train.Saver()
    build()
    x, prediction, saver = build()
    assert saver.saver_def.restore_op_name == "save_1/restore_all"
    r = tf.train.NewCheckpointReader(str(TFLITE))
    xv = np.linspace(-1, 1, 100, dtype=np.float32)[:, None]
    want = np.maximum(xv @ r.get_tensor("dense_2/kernel") + r.get_tensor("dense_2/bias"), 0) @ \
        r.get_tensor("dense_3/kernel") + r.get_tensor("dense_3/bias")
    with tf.Session() as sess:
        saver.restore(sess, str(TFLITE))
        np.testing.assert_allclose(sess.run(prediction, {x: xv}), want, rtol=1e-5, atol=1e-6)
        # The first copy's variables were saved freshly initialised (bias 0, SOURCE.md).
        assert not sess.run("dense/bias:0").any()


PACKT = GOLDEN / "packt_mlp9_adam_saver" / "my-model"


@pytest.mark.skipif(not pathlib.Path(str(PACKT) + ".index").is_file(), reason="no golden files")
def test_rebuilt_packt_program_restores_all_56_tensors():
    """The 9-layer MLP rebuilt (as in test_train_golden, Adam included): the default Saver's
    56 keys are the checkpoint's; restored values and the sigmoid forward pass match numpy."""
    widths = [2, 5, 10, 12, 14, 15, 12, 8, 5, 1]
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None, 1])
    h = x
    for i in range(1, 10):
        with tf.variable_scope("layer%d" % i):
            w = tf.get_variable("W", [widths[i - 1], widths[i]],
                                initializer=tf.glorot_uniform_initializer())
            b = tf.get_variable("b", initializer=tf.zeros([widths[i]]))
            h = tf.add(tf.matmul(h, w), b)
            if i < 9:
                h = tf.nn.sigmoid(h)
    loss = tf.losses.absolute_difference(h, y)
    tf.train.AdamOptimizer(0.0112).minimize(loss)
    saver = tf.train.Saver()
    r = tf.train.NewCheckpointReader(str(PACKT))
    assert sorted(v.op.name for v in tf.global_variables()) == sorted(
        r.get_variable_to_shape_map())
    xv = np.random.RandomState(1).uniform(-1, 1, size=(7, 2)).astype(np.float32)
    want = xv
    for i in range(1, 10):
        want = want @ r.get_tensor("layer%d/W" % i) + r.get_tensor("layer%d/b" % i)
        if i < 9:
            want = 1.0 / (1.0 + np.exp(-want))
    with tf.Session() as sess:
        saver.restore(sess, str(PACKT))
        np.testing.assert_array_equal(sess.run("layer4/W/Adam_1:0"),
                                      r.get_tensor("layer4/W/Adam_1"))
        np.testing.assert_allclose(sess.run(h, {x: xv}), want, rtol=1e-5, atol=1e-6)
