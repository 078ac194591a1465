"""A whole TF-written graph rebuilt with scopeflow: the `tensorflow_lite.ipynb` 1-10-1 regression
net built twice in one default graph (../shared/golden/tflite_dense_twice, written by TF
1.13.0-dev20190126). The notebook's `save()` was run twice without resetting the graph, so the
second copy's names all get uniquified: `Placeholder_2`, `dense_2`/`dense_3`,
`mean_squared_error_1`, `gradients_1`, `GradientDescent_1`, `init_1`.

The program below is the TF1 Python its SOURCE.md describes, tf.train.Saver included (its
`save/...` and `save_1/...` nodes, 15 + 19, are TF 1.13's Saver layout, the same as 1.15's).
Node names AND op types are compared, in order. No TF 1.13 -> 1.15 change touches this graph: the loss is
already a DivNoNan `value`, the default grad_ys is already `grad_ys_<i>`, and every other node
comes out identical, so nothing else is excluded or mapped."""

import pathlib
import re

import numpy as np
import pytest

import scopeflow as tf

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden"
GRAPH_TEXT = GOLDEN / "tflite_dense_twice" / "graph.pbtxt"

pytestmark = pytest.mark.skipif(not GRAPH_TEXT.is_file(), reason="no golden files")


def golden_nodes():
    """(name, op) of every top-level NodeDef of the text GraphDef, in order."""
    text = GRAPH_TEXT.read_text()
    nodes = re.findall(r'^node \{\n  name: "([^"]+)"\n  op: "([^"]+)"', text, flags=re.M)
    assert len(nodes) == text.count("\nnode {") + text.startswith("node {")
    return nodes


def save():
    """The notebook's model (its session run left out): placeholders of shape (100, 1),
    dense(10, relu), dense(1), mean squared error, gradient descent, the initializer, a Saver."""
    x = tf.placeholder(tf.float32, (100, 1))
    y = tf.placeholder(tf.float32, (100, 1))
    h = tf.layers.dense(x, 10, tf.nn.relu)
    prediction = tf.layers.dense(h, 1)
    loss = tf.losses.mean_squared_error(y, prediction)
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    init = tf.global_variables_initializer()
    tf.train.Saver()
    return x, y, prediction, loss, train_op, init


def test_tflite_dense_twice_names_and_ops_match_tf():
    everything = golden_nodes()
    assert len(everything) == 326
    golden = everything
    savers = [n for n, _ in everything if re.match(r"save(_1)?/", n)]
    assert len(savers) == 15 + 19  # the two Savers (4 and 8 variables)

    save()
    save()
    ours = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]

    matched = sum(1 for a, b in zip(golden, ours) if a == b)
    print("tflite_dense_twice: %d golden nodes, %d ours; %d match in order"
          % (len(golden), len(ours), matched))
    first_diff = next((i for i, (a, b) in enumerate(zip(golden, ours)) if a != b), None)
    assert first_diff is None, (first_diff, golden[first_diff - 2:first_diff + 5],
                                ours[first_diff - 2:first_diff + 5])
    assert ours == golden
    # The uniquified second copy is all there.
    names = [n for n, _ in ours]
    for n in ["Placeholder_3", "dense_2/kernel", "dense_3/BiasAdd", "mean_squared_error_1/value",
              "gradients_1/grad_ys_0", "gradients_1/dense_2/Relu_grad/ReluGrad",
              "GradientDescent_1/update_dense_3/bias/ApplyGradientDescent", "init_1",
              "save_1/SaveV2", "save_1/Assign_7", "save_1/restore_all"]:
        assert n in names, n


def test_tflite_dense_twice_trains():
    save()
    x, y, prediction, loss, train_op, init = save()
    assert [v.op.name for v in tf.global_variables()] == [
        "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias",
        "dense_2/kernel", "dense_2/bias", "dense_3/kernel", "dense_3/bias"]
    xv = np.linspace(-1, 1, 100, dtype=np.float32)[:, None]
    yv = (xv ** 2 + 0.05 * np.random.RandomState(0).randn(100, 1)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(init)  # `init_1`: the second initializer covers all 8 variables
        first = sess.run(loss, {x: xv, y: yv})
        for _ in range(300):
            sess.run(train_op, {x: xv, y: yv})
        last = sess.run(loss, {x: xv, y: yv})
    assert np.isfinite(last) and last < 0.5 * first
