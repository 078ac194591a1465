"""Variable-building parts of real TF-written graphs (../shared/golden), rebuilt with
scopeflow: the node names come out in TensorFlow's order."""

import pathlib
import re

import pytest

import scopeflow as tf

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden"


def golden_class_attrs(path):
    """node name -> its `_class` colocation list (absent when the node has none)."""
    attrs = {}
    for block in path.read_text().split("\nnode {")[1:]:
        name = re.search(r'name: "([^"]+)"', block).group(1)
        m = re.search(r'key: "_class"\n    value \{\n      list \{\n((?:        s: "[^"]*"\n)+)', block)
        if m:
            attrs[name] = re.findall(r's: "([^"]*)"', m.group(1))
    return attrs


def golden_node_names(path):
    text = path.read_text()
    # Top-level NodeDef names of a text GraphDef: `node {` followed by its `name:` line.
    return re.findall(r'^node \{\n  name: "([^"]+)"', text, flags=re.M)


@pytest.mark.skipif(not (GOLDEN / "packt_mlp9_adam_saver").is_dir(), reason="no golden files")
def test_packt_mlp_variable_blocks_match_tf_1_4():
    # SOURCE.md: placeholders, then per layer get_variable("W") with a Glorot-uniform
    # initializer and an inert regularizer, and get_variable("b", initializer=tf.zeros([n])).
    names = golden_node_names(GOLDEN / "packt_mlp9_adam_saver" / "graph_text.pb")
    tf.placeholder(tf.float32, [None, 2])
    tf.placeholder(tf.float32, [None, 1])
    with tf.variable_scope("layer1"):
        tf.get_variable("W", [2, 5], initializer=tf.glorot_uniform_initializer(),
                        regularizer=lambda _: None)
        tf.get_variable("b", initializer=tf.zeros([5]))
    ours = [op.name for op in tf.get_default_graph().get_operations()]
    assert ours == names[:len(ours)]
    assert ours[-1] == "layer1/b/read"
    # Colocation as TF writes it: the Glorot initializer's ops and W under W's attr scope,
    # Assign (a ref input) and read (colocate_with) beside their variable.
    golden = golden_class_attrs(GOLDEN / "packt_mlp9_adam_saver" / "graph_text.pb")
    for op in tf.get_default_graph().get_operations():
        want = golden.get(op.name)
        got = [s.decode() for s in op.get_attr("_class")] if want is not None else None
        assert got == want, op.name
        if want is None:
            with pytest.raises(ValueError):
                op.get_attr("_class")
