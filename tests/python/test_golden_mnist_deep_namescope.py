"""A whole TF-written training graph rebuilt with scopeflow: TensorFlow's "deep MNIST" tutorial CNN
with every stage in a tf.name_scope (../shared/golden/mnist_deep_namescope, xiaolanke/
ModelParallelism's mnist_cnn.py; TF version not recorded, producer 26, April 2018: TF 1.7/1.8).
Three golden graphs, each a prefix of the next: `cnn_before.pbtxt` (written right after the loss,
119 nodes), `cnn_after.pbtxt` (right after `minimize`, 394 nodes) and the events file's graph
(after the accuracy ops, 400 nodes). The program below is the TF1 Python its SOURCE.md describes
(the tutorial's dropout is commented out in it, so there is no keep_prob placeholder); the
script's tf.summary.FileWriter / write_graph calls write files only and add no nodes. Node names
AND op types are compared, in order, against all three.

scopeflow builds what TF 1.15 builds; the groups whose internals TF changed between 1.7/1.8 and
1.15 are listed in TF_1_8_TO_1_15 (left out of the ordered comparison on both sides) and
OP_CHANGES (same name, different op type), each with its reason."""

import pathlib
import re

import numpy as np
import pytest

import scopeflow as tf
from golden_wire import assert_same_in_order, event_graph_nodes

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden" / "mnist_deep_namescope"
BEFORE = GOLDEN / "cnn_before.pbtxt"
AFTER = GOLDEN / "cnn_after.pbtxt"
EVENTS = GOLDEN / "events.out.tfevents.1524890698.jintao-VirtualBox"

pytestmark = pytest.mark.skipif(not EVENTS.is_file(), reason="no golden files")


def text_graph_nodes(path):
    """(name, op) of every top-level NodeDef of a text GraphDef, in order."""
    text = path.read_text()
    nodes = re.findall(r'^node \{\n  name: "([^"]+)"\n  op: "([^"]+)"', text, flags=re.M)
    assert len(nodes) == len(re.findall(r"^node \{$", text, flags=re.M))
    return nodes


def golden_event_graph_nodes():
    """(name, op) of the GraphDef in the events file."""
    return event_graph_nodes(EVENTS)


def weight_variable(shape):
    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))


def bias_variable(shape):
    return tf.Variable(tf.constant(0.1, shape=shape))


def conv2d(x, W):
    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding="SAME")


def max_pool_2x2(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def deepnn(x):
    with tf.name_scope("reshape"):
        x_image = tf.reshape(x, [-1, 28, 28, 1])
    with tf.name_scope("conv1"):
        W_conv1 = weight_variable([5, 5, 1, 32])
        b_conv1 = bias_variable([32])
        h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)
    with tf.name_scope("pool1"):
        h_pool1 = max_pool_2x2(h_conv1)
    with tf.name_scope("conv2"):
        W_conv2 = weight_variable([5, 5, 32, 64])
        b_conv2 = bias_variable([64])
        h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)
    with tf.name_scope("pool2"):
        h_pool2 = max_pool_2x2(h_conv2)
    with tf.name_scope("fc1"):
        W_fc1 = weight_variable([7 * 7 * 64, 1024])
        b_fc1 = bias_variable([1024])
        h_pool2_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
        h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)
    # (dropout commented out in the golden script)
    with tf.name_scope("fc2"):
        W_fc2 = weight_variable([1024, 10])
        b_fc2 = bias_variable([10])
        y_conv = tf.matmul(h_fc1, W_fc2) + b_fc2
    return y_conv


def build_program():
    """The golden script's graph; also returns the op counts at the two write_graph calls."""
    graph = tf.get_default_graph()
    x = tf.placeholder(tf.float32, [None, 784])
    y_ = tf.placeholder(tf.int64, [None])
    y_conv = deepnn(x)
    with tf.name_scope("loss"):
        cross_entropy = tf.losses.sparse_softmax_cross_entropy(labels=y_, logits=y_conv)
    cross_entropy = tf.reduce_mean(cross_entropy)
    n_before = len(graph.get_operations())  # cnn_before.pb
    with tf.name_scope("adam_optimizer"):
        train_step = tf.train.AdamOptimizer(1e-4).minimize(cross_entropy)
    n_after = len(graph.get_operations())  # cnn_after.pb
    with tf.name_scope("accuracy"):
        correct_prediction = tf.equal(tf.argmax(y_conv, 1), y_)
        correct_prediction = tf.cast(correct_prediction, tf.float32)
    accuracy = tf.reduce_mean(correct_prediction)
    return x, y_, cross_entropy, train_step, accuracy, n_before, n_after


LOSS = "loss/sparse_softmax_cross_entropy_loss/"
GRAD_LOSS = "adam_optimizer/gradients/" + LOSS
# Variables with fewer than 1000 elements: conv1/Variable (5*5*1*32 = 800) and the 32-, 64- and
# 10-element biases. (fc1/Variable_1 has 1024: a Fill in both.)
SMALL_VARS = r"(conv1/Variable|conv1/Variable_1|conv2/Variable_1|fc2/Variable_1)"

# The node groups whose internals TF changed between 1.7/1.8 (golden) and 1.15 (scopeflow):
# (regex over golden names, regex over our names, reason). Matching names are dropped from each
# side before the ordered comparison; every regex must match something on its side.
TF_1_8_TO_1_15 = [
    (r"^(" + LOSS + r"num_present/zeros_like|" + SMALL_VARS +
     r"/Adam(_1)?/Initializer/zeros)/(shape_as_tensor|Const)$", None,
     "tf.zeros of a fully known shape: 1.7/1.8 always built Fill(`zeros/shape_as_tensor`, "
     "`zeros/Const`); 1.15 (_constant_if_small) builds one Const named `zeros` when the shape "
     "has fewer than 1000 elements (the `zeros` node itself is in OP_CHANGES)"),
    ("^" + LOSS + r"(Greater/y|Greater|Equal/y|Equal|ones_like/Shape|ones_like/Const|ones_like|"
     r"Select|div|zeros_like/shape_as_tensor|zeros_like/Const|zeros_like)$", None,
     "1.7/1.8's _safe_div (Greater/Equal/ones_like/Select/div/zeros_like, `value` a Select); "
     "1.15's _safe_mean is a single DivNoNan named `value`"),
    ("^" + GRAD_LOSS + r"(value_grad/(zeros_like|Select)|div_grad/|Select_grad/)",
     "^" + GRAD_LOSS + r"value_grad/(Shape|Shape_1|BroadcastGradientArgs|div_no_nan(_\d)?|Sum|"
     r"Reshape|Neg|mul|Sum_1|Reshape_1)$",
     "gradients of the changed _safe_div: 1.7/1.8 differentiate Select(value), div and Select; "
     "1.15 differentiates the DivNoNan `value` (_DivNoNanGrad's div_no_nan ops)"),
    ("^" + GRAD_LOSS + r"(num_present_grad/|num_present/broadcast_weights_grad/|"
     r"num_present/broadcast_weights/ones_like_grad/)", None,
     "1.15's _MarkReachedOps only follows backpropagatable (float) tensors: num_present hangs "
     "off the losses through an int32 Shape, so 1.15 no longer differentiates it (1.7/1.8 "
     "built these gradients, all of them unused)"),
    (r"^adam_optimizer/gradients/conv[12]/Conv2D_grad/Const$", None,
     "_Conv2DGrad's filter_sizes: 1.7/1.8 gave Conv2DBackpropFilter the filter's fully known "
     "shape as a constant (`Conv2D_grad/Const`, e.g. [5, 5, 1, 32]); 1.15 passes ShapeN's "
     "second output"),
]

# Same node name, different op type: (regex over golden names, golden op, our op, reason).
OP_CHANGES = [
    (r"^(conv1|conv2|fc1|fc2)/add$", "Add", "AddV2",
     "the `+` operator: 1.7/1.8's math_ops.add builds Add; 1.15's _add_dispatch builds AddV2 "
     "for non-string tensors (its gradient, _AddGrad, and so its names are unchanged)"),
    (r"^(" + LOSS + r"num_present/zeros_like|" + SMALL_VARS + r"/Adam(_1)?/Initializer/zeros)$",
     "Fill", "Const",
     "tf.zeros of a small fully known shape: a Fill in 1.7/1.8, a Const in 1.15 (see above)"),
    ("^" + LOSS + "value$", "Select", "DivNoNan",
     "_safe_div's final Select in 1.7/1.8; 1.15's DivNoNan (see above)"),
]

# Names that must still be in both graphs (the anchors around each group).
ANCHORS = ["conv1/add", LOSS + "num_present/Select", LOSS + "Sum_1", LOSS + "value", "Mean",
           "adam_optimizer/gradients/Mean_grad/truediv",
           GRAD_LOSS + "value_grad/tuple/control_dependency", GRAD_LOSS + "Sum_1_grad/Tile",
           GRAD_LOSS + "Sum_grad/Tile", GRAD_LOSS + "Mul_grad/tuple/control_dependency_1",
           "adam_optimizer/gradients/zeros_like",
           "adam_optimizer/gradients/conv1/Conv2D_grad/ShapeN",
           "adam_optimizer/gradients/conv1/Conv2D_grad/Conv2DBackpropFilter",
           "conv1/Variable/Adam/Initializer/zeros", "fc1/Variable_1/Adam/Initializer/zeros",
           "adam_optimizer/Adam", "accuracy/Cast", "Mean_1"]


def excluded(name, side):
    i = 0 if side == "golden" else 1
    return any(group[i] and re.search(group[i], name) for group in TF_1_8_TO_1_15)


def golden_op_in_1_15(name, op):
    for rx, golden_op, our_op, _ in OP_CHANGES:
        if re.search(rx, name) and op == golden_op:
            return our_op
    return op


def compare(label, golden, ours):
    """Ordered (name, op) comparison after the listed exclusions and op-type changes."""
    golden_kept = [(n, golden_op_in_1_15(n, o)) for n, o in golden if not excluded(n, "golden")]
    ours_kept = [(n, o) for n, o in ours if not excluded(n, "ours")]
    assert_same_in_order("mnist_deep_namescope " + label, golden, ours, golden_kept, ours_kept)


def test_mnist_deep_namescope_names_and_ops_match_tf():
    before, after, final = text_graph_nodes(BEFORE), text_graph_nodes(AFTER), golden_event_graph_nodes()
    assert (len(before), len(after), len(final)) == (119, 394, 400)
    assert after[:119] == before and final[:394] == after

    *_, n_before, n_after = build_program()
    ours = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]
    golden_names = [n for n, _ in final]
    our_names = [n for n, _ in ours]
    for a in ANCHORS:
        assert a in golden_names and a in our_names, a
    for rx_golden, rx_ours, _ in TF_1_8_TO_1_15:
        assert any(re.search(rx_golden, n) for n in golden_names), rx_golden
        assert rx_ours is None or any(re.search(rx_ours, n) for n in our_names), rx_ours
    for rx, golden_op, our_op, _ in OP_CHANGES:
        assert any(re.search(rx, n) and o == golden_op for n, o in final), rx
        assert any(re.search(rx, n) and o == our_op for n, o in ours), rx

    compare("cnn_before", before, ours[:n_before])
    compare("cnn_after", after, ours[:n_after])
    compare("events graph", final, ours)


def test_mnist_deep_namescope_trains():
    x, y_, cross_entropy, train_step, accuracy, *_ = build_program()
    # 8 weights/biases, their Adam/Adam_1 slots, beta1_power and beta2_power.
    assert len(tf.trainable_variables()) == 8
    assert len(tf.global_variables()) == 26
    rng = np.random.RandomState(0)
    xv = rng.uniform(0, 1, size=(16, 784)).astype(np.float32)
    yv = rng.randint(0, 10, size=16).astype(np.int64)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(cross_entropy, {x: xv, y_: yv})
        for _ in range(10):
            sess.run(train_step, {x: xv, y_: yv})
        last, acc = sess.run([cross_entropy, accuracy], {x: xv, y_: yv})
    assert np.isfinite(last) and last < first
    assert 0.0 <= acc <= 1.0
