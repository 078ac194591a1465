"""A whole TF-written training graph rebuilt with scopeflow: the Packt 9-layer MLP trained by
Adam (../shared/golden/packt_mlp9_adam_saver, written by TF 1.4.1). The program below is the
TF1 Python its SOURCE.md describes, tf.train.Saver included (created before `init`, 230 golden
`save/...` nodes). Node names are compared in order.

scopeflow builds what TF 1.15 builds; the groups whose internals TF changed between 1.4 and
1.15 are listed in TF_1_4_TO_1_15 with the reason, and left out of the ordered comparison on
both sides (their first and last nodes still anchor the surrounding order)."""

import pathlib
import re

import numpy as np
import pytest

import scopeflow as tf
from golden_wire import assert_same_in_order

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden"
GRAPH_TEXT = GOLDEN / "packt_mlp9_adam_saver" / "graph_text.pb"

pytestmark = pytest.mark.skipif(not GRAPH_TEXT.is_file(), reason="no golden files")


def golden_node_names():
    # Top-level NodeDef names of the text GraphDef, in order.
    return re.findall(r'^node \{\n  name: "([^"]+)"', GRAPH_TEXT.read_text(), flags=re.M)


def l2_regularizer(scale):
    """tf.contrib.layers.l2_regularizer: a zero scale gives a regularizer that builds
    nothing (scopeflow has no tf.contrib)."""
    if scale == 0.0:
        return lambda _: None

    def l2(weights):
        with tf.name_scope(None, "l2_regularizer", [weights]) as name:
            return tf.multiply(scale, tf.reduce_sum(tf.square(weights)) / 2.0, name=name)

    return l2


def build_program():
    """The golden program: a 2-5-10-12-14-15-12-8-5-1 sigmoid MLP, absolute-difference loss
    plus the (empty) regularization sum, AdamOptimizer(0.0112).minimize, a Saver, then `init`."""
    widths = [2, 5, 10, 12, 14, 15, 12, 8, 5, 1]
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None, 1])
    regularizer = l2_regularizer(0.0)
    h = x
    for i in range(1, 10):
        with tf.variable_scope("layer%d" % i):
            W = tf.get_variable("W", [widths[i - 1], widths[i]],
                                initializer=tf.glorot_uniform_initializer(),
                                regularizer=regularizer)
            b = tf.get_variable("b", initializer=tf.zeros([widths[i]]))
            if i < 9:
                h = tf.nn.sigmoid(tf.add(tf.matmul(h, W), b))
            else:
                prediction = tf.add(tf.matmul(h, W), b, name="prediction")
    reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    reg_term = tf.reduce_sum(reg_losses)
    loss = tf.losses.absolute_difference(prediction, y) + reg_term
    optimizer = tf.train.AdamOptimizer(0.0112)
    train_op = optimizer.minimize(loss)
    tf.train.Saver()
    init = tf.global_variables_initializer()
    return x, y, prediction, loss, optimizer, train_op, init


# The node groups whose internals TF changed between 1.4.1 (golden) and 1.15 (scopeflow):
# (regex over golden names, regex over our names, reason). Matching names are dropped from
# each side before the ordered comparison; every regex must match something on its side.
TF_1_4_TO_1_15 = [
    (r"^save/RestoreV2(_\d+)?(/tensor_names|/shape_and_slices)?$",
     r"^save/RestoreV2(/tensor_names|/shape_and_slices)?$|^save/filename(/input)?$",
     "tf.train.Saver: 1.4 restored each variable with its own RestoreV2_<k> (BaseSaverBuilder); "
     "1.15's BulkSaverBuilder restores all 56 with one `save/RestoreV2`, and since 1.13 the "
     "filename is `save/filename/input` -> `save/filename` -> `save/Const` (the Assigns, "
     "SaveV2 and restore_all keep their names and order)"),
    (r"^(Rank/Const|Rank|range/start|range/delta|range)$", r"^(Const|Const_1)$",
     "tf.reduce_sum(<empty list>): 1.4's _ReductionDims built Rank (converting the list as "
     "`Rank/Const`) and range(0, rank); 1.15's fast path converts the list (`Const`) and uses "
     "a constant arange (`Const_1`)"),
    (r"^absolute_difference/ToFloat_3/x$", r"^absolute_difference/(ToFloat|Cast)/x$",
     "compute_weighted_loss's weights cast: 1.4's to_float calls had used up ToFloat..ToFloat_2 "
     "(`ToFloat_3/x`); 1.15 builds one cast of the weights"),
    (r"^absolute_difference/(Greater/y|Greater|Equal/y|Equal|ones_like/Shape|ones_like/Const|"
     r"ones_like|Select|div|zeros_like)$", None,
     "1.4's _safe_div (Greater/Equal/ones_like/Select/div/zeros_like, `value` a Select); "
     "1.15's _safe_mean is a single DivNoNan named `value`"),
    (r"^gradients/Const$", r"^gradients/grad_ys_0$",
     "the default grad_ys constant: `gradients/Const` in 1.4, `gradients/grad_ys_<i>` in 1.15"),
    (r"^gradients/add_grad/(Shape|Shape_1|BroadcastGradientArgs|Sum|Reshape|Sum_1|Reshape_1)$",
     None,
     "1.15's _AddGrad returns (grad, grad) when both inputs' shapes are fully known and equal "
     "(the scalar `add` of the loss and the regularization sum): no broadcasting ops"),
    (r"^gradients/absolute_difference/(value_grad/(zeros_like|Select|Select_1)|div_grad/|"
     r"Select_grad/)",
     r"^gradients/absolute_difference/value_grad/(Shape|Shape_1|BroadcastGradientArgs|"
     r"div_no_nan(_\d)?|Sum|Reshape|Neg|mul|Sum_1|Reshape_1)$",
     "gradients of the changed _safe_div: 1.4 differentiates Select(value), div and "
     "Select; 1.15 differentiates DivNoNan `value` (_DivNoNanGrad's div_no_nan ops)"),
    (r"^gradients/absolute_difference/Sum_1_grad/Tile/multiples$",
     r"^gradients/absolute_difference/Sum_1_grad/Const$",
     "_SumGrad with a fully known input shape: 1.4 passed the shape list to tile "
     "(`Tile/multiples`); 1.15 makes it a constant first (`Const`)"),
    (r"^gradients/absolute_difference/Mul_grad/mul(_1)?$",
     r"^gradients/absolute_difference/Mul_grad/Mul(_1)?$",
     "_MulGrad: 1.4 multiplied with the `*` operator (`mul`); 1.15 calls gen_math_ops.mul "
     "(`Mul`)"),
    (r"^gradients/absolute_difference/(num_present_grad/|num_present/broadcast_weights_grad/|"
     r"num_present/broadcast_weights/ones_like_grad/)", None,
     "1.15's _MarkReachedOps only follows backpropagatable (float) tensors: num_present hangs "
     "off the losses through an int32 Shape, so 1.15 no longer differentiates it (1.4 built "
     "these gradients, all of them unused)"),
]

# Names that must still be in both graphs (the anchors around each group).
ANCHORS = ["Sum/input", "Sum", "absolute_difference/Sub", "absolute_difference/value", "add",
           "gradients/Shape", "gradients/Fill", "gradients/add_grad/tuple/group_deps",
           "gradients/absolute_difference/value_grad/tuple/control_dependency",
           "gradients/absolute_difference/Sum_1_grad/Tile", "beta1_power", "layer1/W/Adam",
           "Adam/update_layer9/b/ApplyAdam", "Adam", "save/Const", "save/SaveV2",
           "save/control_dependency", "save/Assign_55", "save/restore_all", "init"]


def excluded(name, side):
    i = 0 if side == "golden" else 1
    return any(group[i] and re.search(group[i], name) for group in TF_1_4_TO_1_15)


def test_packt_mlp9_adam_names_match_tf():
    golden = golden_node_names()
    assert len(golden) == 849
    assert len([n for n in golden if n.startswith("save/")]) == 230  # the Saver's nodes

    build_program()
    ours = [op.name for op in tf.get_default_graph().get_operations()]
    for a in ANCHORS:
        assert a in golden and a in ours, a

    for rx_golden, rx_ours, reason in TF_1_4_TO_1_15:
        assert any(re.search(rx_golden, n) for n in golden), rx_golden
        assert rx_ours is None or any(re.search(rx_ours, n) for n in ours), rx_ours

    golden_kept = [n for n in golden if not excluded(n, "golden")]
    ours_kept = [n for n in ours if not excluded(n, "ours")]
    # Report: how many nodes match, in order, after the listed exclusions.
    assert_same_in_order("packt_mlp9_adam_saver", golden, ours, golden_kept, ours_kept)


def test_packt_mlp9_adam_trains():
    x, y, prediction, loss, optimizer, train_op, init = build_program()
    assert len(tf.trainable_variables()) == 18
    # 18 weights/biases, their Adam/Adam_1 slots, beta1_power and beta2_power: the 56
    # variables of the golden checkpoint.
    assert len(tf.global_variables()) == 56
    rng = np.random.RandomState(0)
    xv = rng.uniform(-1, 1, size=(128, 2)).astype(np.float32)
    yv = (0.5 * xv[:, :1] - 0.3 * xv[:, 1:]).astype(np.float32)
    with tf.Session() as sess:
        sess.run(init)
        first = sess.run(loss, {x: xv, y: yv})
        for _ in range(200):
            sess.run(train_op, {x: xv, y: yv})
        last = sess.run(loss, {x: xv, y: yv})
    assert last < 0.5 * first
