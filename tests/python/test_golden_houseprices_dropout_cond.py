"""A whole TF-written training graph rebuilt with scopeflow: MattChubb's house-price regression
(../shared/golden/houseprices_dropout_cond/model.ckpt.meta, a binary MetaGraphDef written by TF
1.10.0). Four tanh layers of `tf.Variable(tf.random_normal(...))`, each followed by
`tf.layers.dropout(rate=0.1, training=<bool placeholder>)`, which is a tf.cond
(`dropout/cond/Switch` ... `dropout/cond/Merge`); an L2 loss minimized by AdamOptimizer(), whose
gradient graph holds the v1 control-flow gradients of the four conds. The program below is the
TF1 Python its SOURCE.md describes, tf.train.Saver included (created before the initializer, as
the notebook does; 43 golden `save/...` nodes). Node names AND op types are compared, in order; the
MetaGraphDef is read with a small protobuf wire-format reader (MetaGraphDef field 2 = GraphDef;
GraphDef field 1 = NodeDef; NodeDef fields 1, 2 = name, op).

The notebook ran under Python 2: its relative error `error / target` was Tensor.__div__, i.e.
TF1's tf.div (a RealDiv named `div`); under Python 3 `/` is truediv (named `truediv`), so the
program below calls tf.div, which is what Python 2's `/` called.

scopeflow builds what TF 1.15 builds; the groups whose internals TF changed between 1.10 and
1.15 are listed in TF_1_10_TO_1_15 (left out of the ordered comparison on both sides) and
OP_TYPES_1_10_TO_1_15 (same name, other op type), each with the reason. Groups where scopeflow
would differ from TF for no version reason go in SCOPEFLOW_BUGS (now empty)."""

import pathlib
import re

import numpy as np
import pytest

import scopeflow as tf
from golden_wire import assert_same_in_order, meta_graph_nodes

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden"
META = GOLDEN / "houseprices_dropout_cond" / "model.ckpt.meta"

pytestmark = pytest.mark.skipif(not META.is_file(), reason="no golden files")


def golden_nodes():
    """(name, op) of every NodeDef of the MetaGraphDef's graph_def, in order."""
    return meta_graph_nodes(META)


def build_program():
    """The notebook's model and training cells: placeholders `training`,
    input, target (no shapes); an unused `tf.to_float(tf.shape(X)[0])`; 8-100-5-5-10 tanh layers
    with tf.layers.dropout(rate=0.1); a 10->1 output layer; two unused variables; squeeze,
    error, relative error (Python 2 `/`), percentage, tf.nn.l2_loss; Adam; the initializer."""
    training = tf.placeholder(tf.bool)
    X = tf.placeholder(tf.float32)
    Y = tf.placeholder(tf.float32)
    batch_size = tf.to_float(tf.shape(X)[0])  # noqa: F841 (unused in the notebook too)
    sizes = [8, 100, 5, 5, 10]
    h = X
    for i in range(4):
        W = tf.Variable(tf.random_normal([sizes[i], sizes[i + 1]]))
        b = tf.Variable(tf.random_normal([sizes[i + 1]]))
        h = tf.tanh(tf.nn.bias_add(tf.matmul(h, W), b))
        h = tf.layers.dropout(h, rate=0.1, training=training)
    W_out = tf.Variable(tf.random_normal([10, 1], stddev=0.5))
    b_out = tf.Variable(tf.random_normal([1]))
    out = tf.nn.bias_add(tf.matmul(h, W_out), b_out)
    tf.Variable(tf.random_normal([1], stddev=0.0))  # the two unused variables
    tf.Variable(tf.random_normal([1], stddev=0.0))
    prediction = tf.squeeze(out)
    error = prediction - Y
    relative_error = tf.div(error, Y)  # Python 2's `error / Y`
    percent_error = relative_error * 100  # noqa: F841
    loss = tf.nn.l2_loss(error)
    train_op = tf.train.AdamOptimizer().minimize(loss)
    tf.train.Saver()
    init = tf.global_variables_initializer()
    return training, X, Y, prediction, loss, train_op, init


_D = r"dropout(_\d)?"  # the four tf.layers.dropout layers: dropout, dropout_1 .. dropout_3

# The node groups whose internals TF changed between 1.10.0 (golden) and 1.15 (scopeflow):
# (regex over golden names, regex over our names, reason). Matching nodes are dropped from each
# side before the ordered comparison; every regex must match something on its side.
TF_1_10_TO_1_15 = [
    (r"^%s/cond/dropout/(keep_prob|add|Floor|div)$" % _D,
     r"^%s/cond/dropout/(rate|sub/x|sub|truediv/x|truediv|GreaterEqual|Cast|mul_1)$" % _D,
     "tf.nn.dropout: 1.10 built keep_prob, `add` (keep_prob + uniform), Floor, `div` (x / "
     "keep_prob) and mul; 1.15's dropout_v2 builds `rate`, `sub` (1 - rate), `truediv` "
     "(1 / keep_prob), GreaterEqual, `mul` (x * scale), Cast and `mul_1`. Shape, random_uniform "
     "and `mul` keep their names and are compared"),
    (r"^gradients/%s/cond/dropout/div_grad/" % _D, r"^gradients/%s/cond/dropout/mul_1_grad/" % _D,
     "gradients of the changed dropout: 1.10 differentiates `div` (x / keep_prob); 1.15 "
     "differentiates `mul_1` (the scaled x times the cast mask)"),
    (r"^gradients/%s/cond/Identity/Switch_grad/cond_grad$" % _D,
     r"^gradients/%s/cond/Identity/Switch_grad/cond_grad$" % _D,
     "same node, moved: the true branch's result is one op deeper in 1.15 (`mul_1` over `mul`), "
     "so the false branch's Switch is ready before `mul` and its cond_grad Merge comes before "
     "mul_grad instead of after it (checked to exist on both sides)"),
    (None, r"^save/filename(/input)?$",
     "tf.train.Saver's filename: 1.10 fed the prefix into a Const `save/Const`; 1.13+ builds "
     "`save/filename/input` -> PlaceholderWithDefault `save/filename` -> `save/Const` (see "
     "OP_TYPES)"),
    (None,
     r"^gradients/MatMul(_\d)?_grad/(Shape|Shape_1|strided_slice(_1)?(/stack(_1|_2)?)?|"
     r"BroadcastGradientArgs|Sum|Reshape|Sum_1|Reshape_1)$",
     "the input placeholder has no shape, so 1.15's tf.matmul (unknown rank -> "
     "BatchMatMulV2, see OP_TYPES) differentiates a BatchMatMulV2, whose 1.15 gradient reduces "
     "over the broadcast batch dimensions (Shape, strided_slice [:-2], BroadcastGradientArgs, "
     "Sum, Reshape); 1.10 built MatMul and _MatMulGrad"),
]

# Same name, other op type: (regex over names, golden op, 1.15 op, reason).
OP_TYPES_1_10_TO_1_15 = [
    (r"^(gradients/)?MatMul(_\d)?(_grad/MatMul(_1)?)?$", "MatMul", "BatchMatMulV2",
     "tf.matmul with an operand of unknown rank: 1.10 used MatMul unless both operands had "
     "rank > 2 or unknown; 1.15 uses BatchMatMulV2 if either has (the input placeholder has no "
     "shape, and every layer's output then has unknown rank)"),
    (r"^save/Const$", "Const", "PlaceholderWithDefault",
     "the Saver's `save/Const` became a PlaceholderWithDefault of `save/filename` in TF 1.13"),
    (r"^gradients/%s/cond/dropout/mul_grad/Shape_1$" % _D, "Shape", "Const",
     "1.10's `mul` multiplied by the Floor mask (unknown shape: a Shape op); 1.15's `mul` "
     "multiplies by the scalar scale, whose shape is known (a constant)"),
]

# The zero gradient of a cond Switch's untaken output (ZerosLikeOutsideLoop): both releases
# build `gradients/Switch[_k]` (the op's input switched on the cond's pred_id),
# `gradients/Shape_<k+1>`, `gradients/zeros[_k]/Const` and `gradients/zeros[_k]`; after 1.10
# TF also makes a pivot `gradients/Identity[_k]` that the zeros depend on. These groups are
# built when the backward pass reaches the capture Switches, which 1.15's one-op-deeper dropout
# reaches later in the queue, so they are compared as a set (same names on both sides, the
# pivots aside) rather than in order.
ZEROS_OUTSIDE_LOOP = r"^gradients/(Switch(_\d+)?|Shape_[1-8]|zeros(_\d+)?/Const|zeros(_\d+)?)$"
SCOPEFLOW_BUGS = []
TF_1_10_TO_1_15 = TF_1_10_TO_1_15 + [
    (ZEROS_OUTSIDE_LOOP, ZEROS_OUTSIDE_LOOP + r"|^gradients/Identity(_\d+)?$",
     "ZerosLikeOutsideLoop groups: built later in 1.15's queue; 1.15 adds a pivot Identity"),
]

GROUPS = TF_1_10_TO_1_15 + SCOPEFLOW_BUGS

# Names that must still be in both graphs (the anchors around each group).
ANCHORS = ["ToFloat", "MatMul", "dropout/cond/Switch", "dropout/cond/dropout/Shape",
           "dropout/cond/dropout/Shape/Switch", "dropout/cond/dropout/mul", "dropout/cond/Merge",
           "dropout_3/cond/Merge", "div", "L2Loss", "gradients/grad_ys_0", "save/SaveV2",
           "save/RestoreV2", "save/Assign_33", "save/restore_all",
           "gradients/dropout_3/cond/Merge_grad/cond_grad",
           "gradients/dropout_3/cond/dropout/mul_grad/tuple/control_dependency",
           "gradients/dropout_3/cond/dropout/Shape/Switch_grad/cond_grad", "gradients/AddN_3",
           "gradients/MatMul_grad/tuple/control_dependency_1", "Variable_9/Adam_1", "Adam",
           "init"]


def _excluded(name, side):
    i = 0 if side == "golden" else 1
    return any(group[i] and re.search(group[i], name) for group in GROUPS)


def _to_1_15_op(name, op):
    for rx, old, new, _ in OP_TYPES_1_10_TO_1_15:
        if re.search(rx, name) and op == old:
            return new
    return op


def test_houseprices_dropout_cond_names_and_ops_match_tf():
    all_golden = golden_nodes()
    golden = all_golden
    assert len(all_golden) == 602  # the Saver's 43 nodes included
    assert len([n for n, _ in golden if n.startswith("save/")]) == 43

    build_program()
    ours = [(op.name, op.type) for op in tf.get_default_graph().get_operations()]

    golden_names = {n for n, _ in golden}
    our_names = {n for n, _ in ours}
    for a in ANCHORS:
        assert a in golden_names and a in our_names, a
    for rx_golden, rx_ours, _ in GROUPS:
        assert rx_golden is None or any(re.search(rx_golden, n) for n in golden_names), rx_golden
        assert rx_ours is None or any(re.search(rx_ours, n) for n in our_names), rx_ours
    for rx, old, new, _ in OP_TYPES_1_10_TO_1_15:
        assert any(re.search(rx, n) and o == old for n, o in golden), rx
        assert any(re.search(rx, n) and o == new for n, o in ours), rx

    zeros_golden = {n for n, _ in golden if re.search(ZEROS_OUTSIDE_LOOP, n)}
    zeros_ours = {n for n, _ in ours if re.search(ZEROS_OUTSIDE_LOOP, n)}
    assert zeros_golden == zeros_ours and len(zeros_golden) == 32
    golden_kept = [(n, _to_1_15_op(n, o)) for n, o in golden if not _excluded(n, "golden")]
    ours_kept = [(n, o) for n, o in ours if not _excluded(n, "ours")]
    assert_same_in_order("houseprices_dropout_cond", golden, ours, golden_kept, ours_kept)


def test_houseprices_dropout_cond_trains():
    training, X, Y, prediction, loss, train_op, init = build_program()
    # 12 variables, Adam's two slots for the 10 trained ones (the two unused variables get no
    # gradient and no slots: Variable_10 and Variable_11 have no Adam nodes in the golden
    # graph either), beta1_power and beta2_power.
    assert len(tf.trainable_variables()) == 12
    assert len(tf.global_variables()) == 12 + 20 + 2
    rng = np.random.RandomState(0)
    xv = rng.uniform(-1, 1, size=(64, 8)).astype(np.float32)
    yv = (2.0 + xv[:, 0] - 0.5 * xv[:, 1]).astype(np.float32)
    with tf.Session() as sess:
        sess.run(init)
        eval_feed = {training: False, X: xv, Y: yv}
        first = sess.run(loss, eval_feed)
        # Without dropout the cond's false branch (Identity) runs: deterministic.
        np.testing.assert_array_equal(sess.run(prediction, eval_feed),
                                      sess.run(prediction, eval_feed))
        # With dropout the true branch runs: a fresh mask each step.
        train_feed = {training: True, X: xv, Y: yv}
        assert not np.array_equal(sess.run(prediction, train_feed),
                                  sess.run(prediction, train_feed))
        for _ in range(300):
            sess.run(train_op, train_feed)
        last = sess.run(loss, eval_feed)
    assert np.isfinite(last) and last < first
