"""A whole TF-written training graph rebuilt with scopeflow: TensorBoard's "MNIST with
summaries" example as Alxemade wrote it (../shared/golden/mnist_summaries/train/, an event file
written by tf.summary.FileWriter under TF 1.6.0-dev20180114; its graph_def event holds the 388
nodes). Name scopes `input`, `input_reshape`, `layer1`/`layer2` (sub-scopes `weights`, `biases`,
`linear_compute`, activation `activation`), `dropout`, `loss` (with `total`), `train` (Adam inside
the scope) and `accuracy`; no initializer (the FileWriter was made before it).

The summaries are rebuilt too, as the SOURCE.md program builds them: a variable_summaries
helper in a `summaries` scope (mean, stddev in its own `stddev` scope -- so the scalar summary
becomes `stddev_1` --, max, min, histogram), histograms of the linear output and activations, the
dropout keep-probability and loss scalars, the accuracy scalar (`accuracy/accuracy_1`) and
`tf.summary.merge_all()` (`Merge/MergeSummary`). All 388 nodes take part in the ordered
comparison; SUMMARY_PART (every *Summary op, its tag constant, everything under a `summaries`
scope, the merge: 137 nodes) is checked to be present on both sides. Node names AND op types are
compared, in order; the event file is read with a small TFRecord + protobuf wire-format reader
(CRCs not checked; Event field 4 = graph_def bytes; GraphDef field 1 = NodeDef; NodeDef fields 1,
2 = name, op).

scopeflow builds what TF 1.15 builds; the groups whose internals TF changed between 1.6 and 1.15
are listed in TF_1_6_TO_1_15 (left out of the ordered comparison on both sides) and
OP_TYPES_1_6_TO_1_15 (same name, other op type), each with the reason. No scopeflow bug was
found in this graph."""

import pathlib
import re

import numpy as np
import pytest

import scopeflow as tf
from golden_wire import assert_same_in_order, event_graph_nodes

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden"
TRAIN_DIR = GOLDEN / "mnist_summaries" / "train"
EVENTS = sorted(TRAIN_DIR.glob("events.out.tfevents.*")) if TRAIN_DIR.is_dir() else []

pytestmark = pytest.mark.skipif(not EVENTS, reason="no golden files")


def golden_nodes():
    """(name, op) of every NodeDef of the event file's graph_def, in order."""
    return event_graph_nodes(EVENTS[0])


def build_program():
    """CNN_MNIST.py: 784-500 ReLU, dropout (keep-prob placeholder), 500-10 identity, softmax
    cross entropy, AdamOptimizer(0.001) in `train`, accuracy, the summaries and merge_all."""
    with tf.name_scope('input'):
        x = tf.placeholder(tf.float32, [None, 784], name='x-input')
        y_ = tf.placeholder(tf.float32, [None, 10], name='y-input')
    with tf.name_scope('input_reshape'):
        image_shaped_input = tf.reshape(x, [-1, 28, 28, 1])
        tf.summary.image('input', image_shaped_input, 10)

    def weight_variable(shape):
        return tf.Variable(tf.truncated_normal(shape, stddev=0.1))

    def bias_variable(shape):
        return tf.Variable(tf.constant(0.1, shape=shape))

    def variable_summaries(var):
        with tf.name_scope('summaries'):
            mean = tf.reduce_mean(var)
            tf.summary.scalar('mean', mean)
            with tf.name_scope('stddev'):
                stddev = tf.sqrt(tf.reduce_mean(tf.square(var - mean)))
            tf.summary.scalar('stddev', stddev)
            tf.summary.scalar('max', tf.reduce_max(var))
            tf.summary.scalar('min', tf.reduce_min(var))
            tf.summary.histogram('histogram', var)

    def nn_layer(input_tensor, input_dim, output_dim, layer_name, act=tf.nn.relu):
        with tf.name_scope(layer_name):
            with tf.name_scope('weights'):
                weights = weight_variable([input_dim, output_dim])
                variable_summaries(weights)
            with tf.name_scope('biases'):
                biases = bias_variable([output_dim])
                variable_summaries(biases)
            with tf.name_scope('linear_compute'):
                preactivate = tf.matmul(input_tensor, weights) + biases
                tf.summary.histogram('linear', preactivate)
            activations = act(preactivate, name='activation')
            tf.summary.histogram('activations', activations)
            return activations

    hidden1 = nn_layer(x, 784, 500, 'layer1')
    with tf.name_scope('dropout'):
        keep_prob = tf.placeholder(tf.float32)
        tf.summary.scalar('dropout_keep_probability', keep_prob)
        dropped = tf.nn.dropout(hidden1, keep_prob)
    y = nn_layer(dropped, 500, 10, 'layer2', act=tf.identity)
    with tf.name_scope('loss'):
        diff = tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y)
        with tf.name_scope('total'):
            cross_entropy = tf.reduce_mean(diff)
        tf.summary.scalar('loss', cross_entropy)
    with tf.name_scope('train'):
        train_step = tf.train.AdamOptimizer(0.001).minimize(cross_entropy)
    with tf.name_scope('accuracy'):
        with tf.name_scope('correct_prediction'):
            correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        with tf.name_scope('accuracy'):
            accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        tf.summary.scalar('accuracy', accuracy)
    merged = tf.summary.merge_all()
    return x, y_, keep_prob, cross_entropy, train_step, accuracy, merged


def summary_part(golden):
    """Names of the golden nodes the summaries built (see the module docstring)."""
    summaries = {n for n, op in golden if op.endswith("Summary")}
    tags = {s + suffix for s in summaries for suffix in ("/tag", "/tags")}
    return {n for n, _ in golden
            if n in summaries or n in tags or re.search(r"(^|/)summaries/", n)}


# The node groups whose internals TF changed between 1.6 (golden) and 1.15 (scopeflow):
# (regex over golden names, regex over our names, reason). Matching nodes are dropped from each
# side before the ordered comparison; every regex must match something on its side.
TF_1_6_TO_1_15 = [
    (r"^dropout/dropout/(add|Floor|div)$",
     r"^dropout/(sub/x|sub|dropout/(sub/x|sub|truediv/x|truediv|GreaterEqual|Cast|mul_1))$",
     "tf.nn.dropout(x, keep_prob): 1.6 built `add` (keep_prob + uniform), Floor, `div` "
     "(x / keep_prob) and mul; 1.15 turns keep_prob into rate = 1 - keep_prob outside the "
     "op's scope (`dropout/sub`) and its dropout_v2 builds `sub` (1 - rate), `truediv` "
     "(1 / keep_prob), GreaterEqual, `mul` (x * scale), Cast and `mul_1`. Shape, random_uniform "
     "and `mul` keep their names and are compared"),
    (r"^train/gradients/dropout/dropout/div_grad/", r"^train/gradients/dropout/dropout/mul_1_grad/",
     "gradients of the changed dropout: 1.6 differentiates `div` (x / keep_prob); 1.15 "
     "differentiates `mul_1` (the scaled x times the cast mask)"),
    (r"^train/gradients/dropout/dropout/mul_grad/mul(_1)?$",
     r"^train/gradients/dropout/dropout/mul_grad/Mul(_1)?$",
     "_MulGrad: 1.6 multiplied with the `*` operator (`mul`); 1.15 calls gen_math_ops.mul "
     "(`Mul`)"),
    (r"^layer\d/biases/Variable/Adam(_1)?/Initializer/zeros/(shape_as_tensor|Const)$", None,
     "Adam's zero slots: 1.6's array_ops.zeros always built Fill(shape_as_tensor, Const); 1.15 "
     "builds one constant when the shape has fewer than 1000 elements (_constant_if_small: the "
     "500- and 10-element biases; `zeros` becomes a Const, see OP_TYPES). The 784x500 and 500x10 "
     "weights' slots are Fill in both and compared"),
]

# Same name, other op type: (regex over names, golden op, 1.15 op, reason).
OP_TYPES_1_6_TO_1_15 = [
    (r"^layer\d/linear_compute/add$", "Add", "AddV2",
     "the `+` operator (matmul + biases): Add in 1.6, AddV2 in 1.15"),
    (r"^layer\d/biases/Variable/Adam(_1)?/Initializer/zeros$", "Fill", "Const",
     "Adam's zero slots of the biases: Fill in 1.6, a small constant in 1.15 (see above)"),
]

# Same op, other name: (regex over golden names, replacement, reason).
NAMES_1_6_TO_1_15 = [
    (r"^(layer\d/(?:weights|biases)/summaries/)(mean|max|min)(/tags)?$", r"\1\2_1\3",
     "TF 1.15 uniquifies names case-insensitively (ops.py unique_name keys on name.lower()); "
     "1.6 did not. reduce_mean/max/min first create `Mean`, `Max`, `Min` in the `summaries` "
     "scope, so the scalar summaries `mean`, `max`, `min` become `mean_1`, `max_1`, `min_1` in "
     "1.15 (their tags too)"),
]


def _to_1_15_name(name):
    for rx, replacement, _ in NAMES_1_6_TO_1_15:
        if re.search(rx, name):
            return re.sub(rx, replacement, name)
    return name


# Names that must still be in both graphs (the anchors around each group).
ANCHORS = ["input/x-input", "input_reshape/Reshape", "layer1/weights/Variable/read",
           "layer1/linear_compute/add", "layer1/activation", "dropout/Placeholder",
           "dropout/dropout/Shape", "dropout/dropout/random_uniform", "dropout/dropout/mul",
           "layer2/weights/truncated_normal", "loss/softmax_cross_entropy_with_logits_sg",
           "loss/total/Mean", "train/gradients/grad_ys_0", "train/gradients/zeros_like",
           "train/gradients/dropout/dropout/mul_grad/tuple/control_dependency",
           "train/gradients/layer1/activation_grad/ReluGrad",
           "layer1/weights/Variable/Adam/Initializer/zeros/shape_as_tensor",
           "layer1/biases/Variable/Adam/Initializer/zeros", "train/Adam",
           "accuracy/accuracy/Mean", "input_reshape/input", "layer1/weights/summaries/stddev_1",
           "layer2/biases/summaries/histogram/tag", "accuracy/accuracy_1", "Merge/MergeSummary"]


def _excluded(name, side):
    i = 0 if side == "golden" else 1
    return any(group[i] and re.search(group[i], name) for group in TF_1_6_TO_1_15)


def _to_1_15_op(name, op):
    for rx, old, new, _ in OP_TYPES_1_6_TO_1_15:
        if re.search(rx, name) and op == old:
            return new
    return op


def test_mnist_summaries_names_and_ops_match_tf():
    golden = golden_nodes()
    assert len(golden) == 388
    summaries = summary_part(golden)
    assert len(summaries) == 137
    for rx, _, _ in NAMES_1_6_TO_1_15:
        assert sum(1 for n, _ in golden if re.search(rx, n)) == 24, rx
    golden = [(_to_1_15_name(n), o) for n, o in golden]
    summaries = {_to_1_15_name(n) for n in summaries}

    build_program()
    ours = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]
    golden_names = {n for n, _ in golden}
    our_names = {n for n, _ in ours}
    for a in ANCHORS:
        assert a in golden_names and a in our_names, a
    assert summaries <= our_names, sorted(summaries - our_names)
    for rx_golden, rx_ours, _ in TF_1_6_TO_1_15:
        assert rx_golden is None or any(re.search(rx_golden, n) for n in golden_names), rx_golden
        assert rx_ours is None or any(re.search(rx_ours, n) for n in our_names), rx_ours
    for rx, old, new, _ in OP_TYPES_1_6_TO_1_15:
        assert any(re.search(rx, n) and o == old for n, o in golden), rx
        assert any(re.search(rx, n) and o == new for n, o in ours), rx

    golden_kept = [(n, _to_1_15_op(n, o)) for n, o in golden if not _excluded(n, "golden")]
    ours_kept = [(n, o) for n, o in ours if not _excluded(n, "ours")]
    assert_same_in_order("mnist_summaries", golden, ours, golden_kept, ours_kept)


def test_mnist_summaries_trains():
    x, y_, keep_prob, cross_entropy, train_step, accuracy, merged = build_program()
    # 2 weights and 2 biases, their Adam/Adam_1 slots, train/beta1_power and beta2_power.
    assert len(tf.trainable_variables()) == 4
    assert len(tf.global_variables()) == 14
    rng = np.random.RandomState(0)
    xv = rng.uniform(0, 1, size=(100, 784)).astype(np.float32)
    yv = np.eye(10, dtype=np.float32)[rng.randint(0, 10, size=100)]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        eval_feed = {x: xv, y_: yv, keep_prob: 1.0}
        first = sess.run(cross_entropy, eval_feed)
        for _ in range(20):
            sess.run(train_step, {x: xv, y_: yv, keep_prob: 0.9})
        last, acc = sess.run([cross_entropy, accuracy], eval_feed)
    assert np.isfinite(last) and last < first
    assert 0.0 <= acc <= 1.0
