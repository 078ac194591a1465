"""The Packt 9-layer MLP of ../shared/golden/packt_mlp9_events (TF 1.4.1, `Section02/2-2
Debugging our model.py`), rebuilt as the TF1 Python its SOURCE.md describes and compared, node
by node and in order (names and op types), with the graph TF wrote into the event file.

The one group TF changed between 1.4 and 1.15 is listed in TF_1_4_TO_1_15 with its reason."""

import pathlib
import re

import numpy as np
import pytest

import scopeflow as tf
from golden_wire import assert_same_in_order, event_graph_nodes

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden" / "packt_mlp9_events"
EVENTS = sorted(GOLDEN.glob("events.out.tfevents.*")) if GOLDEN.is_dir() else []

pytestmark = pytest.mark.skipif(not EVENTS, reason="no golden files")

# (golden name regex, our name regex, reason)
TF_1_4_TO_1_15 = [
    (r"^gradients/Const$", r"^gradients/grad_ys_0$",
     "the initial gradient's constant: 1.4 named it `gradients/Const`; 1.15's _DefaultGradYs "
     "names it `grad_ys_0`"),
]


def build_program():
    """Nine `layerK` variable scopes (W from a random_normal initializer tensor, b from
    tf.zeros), sigmoid on layers 1-8, sum of absolute errors, Adam(0.01), then `init`."""
    widths = [2, 5, 10, 12, 14, 15, 12, 8, 5, 1]
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None, 1])
    h = x
    for i in range(1, 10):
        with tf.variable_scope("layer%d" % i):
            W = tf.get_variable("W", initializer=tf.random_normal([widths[i - 1], widths[i]]))
            b = tf.get_variable("b", initializer=tf.zeros([widths[i]]))
            h = tf.add(tf.matmul(h, W), b)
            if i < 9:
                h = tf.nn.sigmoid(h)
    cost = tf.reduce_sum(tf.abs(tf.subtract(h, y)))
    train_op = tf.train.AdamOptimizer(0.01).minimize(cost)
    init = tf.global_variables_initializer()
    return x, y, h, cost, train_op, init


def test_packt_mlp9_events_names_and_ops_match_tf():
    golden = event_graph_nodes(EVENTS[0])
    assert len(golden) == 492
    build_program()
    ours = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]

    def kept(nodes, side):
        i = 0 if side == "golden" else 1
        return [(n, o) for n, o in nodes
                if not any(re.search(group[i], n) for group in TF_1_4_TO_1_15)]

    for rx_golden, rx_ours, _ in TF_1_4_TO_1_15:
        assert any(re.search(rx_golden, n) for n, _ in golden), rx_golden
        assert any(re.search(rx_ours, n) for n, _ in ours), rx_ours
    assert_same_in_order("packt_mlp9_events", golden, ours, kept(golden, "golden"),
                         kept(ours, "ours"))


def test_packt_mlp9_events_trains():
    tf.set_random_seed(7)  # fixed initial weights: the loss test is deterministic
    x, y, prediction, cost, train_op, init = build_program()
    assert len(tf.trainable_variables()) == 18
    rng = np.random.RandomState(0)
    xv = rng.uniform(-1, 1, size=(64, 2)).astype(np.float32)
    yv = (np.sin(xv[:, :1]) + 0.5 * xv[:, 1:]).astype(np.float32)
    with tf.Session() as sess:
        sess.run(init)
        first = sess.run(cost, {x: xv, y: yv})
        for _ in range(200):
            sess.run(train_op, {x: xv, y: yv})
        last = sess.run(cost, {x: xv, y: yv})
    assert np.isfinite(last) and last < 0.5 * first


@pytest.mark.skipif(not hasattr(tf.Graph, "as_graph_def"), reason="needs Graph.as_graph_def")
def test_packt_mlp9_events_file_writer_writes_what_tf_wrote(tmp_path):
    """The script's `tf.summary.FileWriter("logs", sess.graph)` on the rebuilt graph: the same
    events as TF's file (file_version, graph_def, meta_graph_def), our nodes in creation order,
    and the MetaGraphDef's collections with TF's keys and sizes."""
    from golden_wire import records
    from scopeflow.proto import event_pb2, meta_graph_pb2
    build_program()
    graph = tf.get_default_graph()
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(str(tmp_path / "logs"), sess.graph)
        writer.close()

    def events(path):
        return [event_pb2.Event.FromString(r) for r in records(path)]

    ours, theirs = events(pathlib.Path(writer._path)), events(EVENTS[0])
    assert [e.WhichOneof("what") for e in ours] == [e.WhichOneof("what") for e in theirs]
    assert event_graph_nodes(pathlib.Path(writer._path)) == \
        [(op.name, op.type) for op in graph.get_operations()]
    ours_meta = meta_graph_pb2.MetaGraphDef.FromString(ours[2].meta_graph_def)
    theirs_meta = meta_graph_pb2.MetaGraphDef.FromString(theirs[2].meta_graph_def)

    def sizes(meta):
        return {k: len(getattr(v, v.WhichOneof("kind")).value)
                for k, v in meta.collection_def.items()}
    assert sizes(ours_meta) == sizes(theirs_meta) == \
        {"variables": 56, "trainable_variables": 18, "train_op": 1}
