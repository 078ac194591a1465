"""A whole TF-written training graph rebuilt with scopeflow: neuro's one-unit linear model
(../shared/golden/neuro_linear_dense3d/graph.pb, a binary GraphDef; TF version not recorded,
producer 27, Dec 2018: TF 1.12). `tf.layers.dense` is applied to a rank-3 input, so the layer goes
through tf.tensordot (`dense/Tensordot/...`). The program below is the TF1 Python its SOURCE.md
describes, tf.train.Saver included. Node names AND op types are compared, in order; the binary
GraphDef is read with a small protobuf wire-format reader (GraphDef field 1 = NodeDef; NodeDef
fields 1, 2 = name, op). The Saver is TF 1.12's: its filename is a plain Const `save/Const`;
TF 1.13 made it `save/filename/input` -> `save/filename` -> `save/Const`, two
PlaceholderWithDefaults, which scopeflow builds (TF 1.15), so those two extra nodes are dropped
and `save/Const`'s op type mapped back before comparing (SAVER_1_12_TO_1_15).

No TF 1.12 -> 1.15 change is expected in this graph (its grad_ys is already `grad_ys_0`, the
Mean/Square/Sub gradients see a [None, 1, 1] shape so 1.15's fully-known-shape shortcuts do not
apply), so nothing is excluded or mapped. tf.tensordot builds the same nodes in 1.12 and 1.15:
the input's shape is only partly known, so its side goes through `axes`/`free` Consts, Shape,
GatherV2 x2, Prod x2, concat, stack, transpose, Reshape; the fully defined [1, 1] kernel's side
is a transpose (`transpose_1/perm`) and a Reshape (`Reshape_1/shape`) although both are no-ops
(skipping them for an identity perm / unchanged shape is a later, TF 2.x change); the product is
reshaped by `dense/Tensordot` to concat_1 of the input's gathered free dims and Const_2 ([1]).
Keras 1.15's Dense.call then only sets the static shape [None, 1, 1] (no node). Gradients reach
the kernel through Tensordot's Reshape, the MatMul, Reshape_1 and transpose_1 (InvertPermutation
+ transpose); the int32 shape branch (Prod, GatherV2, Pack, ConcatV2) is never differentiated."""

import pathlib

import numpy as np
import pytest

import scopeflow as tf
from golden_wire import graph_def_nodes

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden"
GRAPH_PB = GOLDEN / "neuro_linear_dense3d" / "graph.pb"

pytestmark = pytest.mark.skipif(not GRAPH_PB.is_file(), reason="no golden files")

def golden_nodes():
    """(name, op) of every NodeDef of the binary GraphDef, in order."""
    return graph_def_nodes(GRAPH_PB.read_bytes())


def build_program():
    """The golden script: `input`/`target_prediction` placeholders of shape [None, 1, 1], a
    one-unit dense layer wrapped in tf.identity `output`, the mean squared difference `loss`,
    gradient descent minimize(name='train'), `init`."""
    x = tf.placeholder(tf.float32, [None, 1, 1], name="input")
    y = tf.placeholder(tf.float32, [None, 1, 1], name="target_prediction")
    output = tf.identity(tf.layers.dense(x, 1), name="output")
    loss = tf.reduce_mean(tf.square(output - y), name="loss")
    train_op = tf.train.GradientDescentOptimizer(0.01).minimize(loss, name="train")
    init = tf.global_variables_initializer()
    tf.train.Saver()
    return x, y, output, loss, train_op, init


def saver_as_tf_1_12(ours):
    """SAVER_1_12_TO_1_15: our TF 1.15 save/ nodes as TF 1.12 named and typed them."""
    dropped = {("save/filename/input", "Const"), ("save/filename", "PlaceholderWithDefault")}
    mapped = {("save/Const", "PlaceholderWithDefault"): ("save/Const", "Const")}
    assert dropped <= set(ours) and set(mapped) <= set(ours)
    return [mapped.get(n, n) for n in ours if n not in dropped]


def golden_without_saver():
    everything = golden_nodes()
    assert len(everything) == 110
    assert len([n for n, _ in everything if n.startswith("save/")]) == 11
    return everything


def test_neuro_linear_dense3d_variables_match_tf():
    """The nodes built before the layer's call: the placeholders and the kernel/bias
    variables (`input` .. `dense/bias/read`, 16 nodes)."""
    golden = golden_without_saver()
    build_program()
    ours = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]
    assert golden[:16][-1] == ("dense/bias/read", "Identity")
    matched = sum(1 for a, b in zip(golden, ours) if a == b)
    print("neuro_linear_dense3d: %d golden nodes, %d ours built; %d match in order"
          % (len(golden), len(ours), matched))
    assert ours[:16] == golden[:16]


def test_neuro_linear_dense3d_names_and_ops_match_tf():
    golden = golden_without_saver()
    build_program()
    ours = saver_as_tf_1_12([(op.name, op.type) for op in tf.get_default_graph().get_operations()])
    first_diff = next((i for i, (a, b) in enumerate(zip(golden, ours)) if a != b), None)
    assert first_diff is None, (first_diff, golden[first_diff - 2:first_diff + 5],
                                ours[first_diff - 2:first_diff + 5])
    assert ours == golden


def test_neuro_linear_dense3d_trains():
    x, y, output, loss, train_op, init = build_program()
    xv = np.linspace(-1, 1, 32, dtype=np.float32).reshape(32, 1, 1)
    yv = 3.0 * xv + 0.5
    with tf.Session() as sess:
        sess.run(init)
        first = sess.run(loss, {x: xv, y: yv})
        for _ in range(200):
            sess.run(train_op, {x: xv, y: yv})
        last = sess.run(loss, {x: xv, y: yv})
    assert last < 0.5 * first
