"""tf.train.export_meta_graph / import_meta_graph: meta_info_def, the graph with shapes,
collections (VariableDef bytes, node lists, Python values), the SaverDef, and the Saver that
import_meta_graph returns."""

import pathlib

import numpy as np
import pytest
from google.protobuf import text_format

import scopeflow as tf
from scopeflow.proto import meta_graph_pb2, variable_pb2


def model():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.Variable([[0.5], [-1.0]], name="w")
    steps = tf.Variable(0, name="steps", trainable=False)
    loss = tf.reduce_sum(tf.matmul(x, w), name="loss")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, name="train")
    tf.add_to_collection("losses", loss)
    tf.add_to_collection("numbers", 7)
    tf.add_to_collection("floats", 2.5)
    tf.add_to_collection("names", "hello")
    return x, w, steps, loss, train


def model_with_saver():
    parts = model()
    return parts + (tf.train.Saver(),)


def variable_def(data):
    d = variable_pb2.VariableDef()
    d.ParseFromString(data)
    return d


def test_export_meta_graph_contents():
    model()
    meta = tf.train.export_meta_graph()
    assert isinstance(meta, meta_graph_pb2.MetaGraphDef)
    assert meta.meta_info_def.tensorflow_version == "1.15.0"
    ops = [op.name for op in meta.meta_info_def.stripped_op_list.op]
    assert ops == sorted(set(n.op for n in meta.graph_def.node))
    assert "ApplyGradientDescent" in ops
    assert all("_output_shapes" in n.attr for n in meta.graph_def.node if n.op != "NoOp")
    assert not meta.HasField("saver_def")
    cols = meta.collection_def
    assert [variable_def(v).variable_name for v in cols["variables"].bytes_list.value] == \
        ["w:0", "steps:0"]
    w = variable_def(cols["trainable_variables"].bytes_list.value[0])
    assert (w.variable_name, w.initial_value_name, w.initializer_name, w.snapshot_name,
            w.trainable) == ("w:0", "w/initial_value:0", "w/Assign", "w/read:0", True)
    assert variable_def(cols["variables"].bytes_list.value[1]).trainable is False
    assert list(cols["train_op"].node_list.value) == ["train"]
    assert list(cols["losses"].node_list.value) == ["loss:0"]
    assert list(cols["numbers"].int64_list.value) == [7]
    assert list(cols["floats"].float_list.value) == [2.5]
    assert list(cols["names"].bytes_list.value) == [b"hello"]
    assert list(tf.train.export_meta_graph(collection_list=["losses"]).collection_def) == \
        ["losses"]


def test_export_to_file_binary_and_text(tmp_path):
    model()
    path = tmp_path / "m.meta"
    meta = tf.train.export_meta_graph(filename=str(path))
    read = meta_graph_pb2.MetaGraphDef()
    read.ParseFromString(path.read_bytes())
    assert read == meta
    text = tmp_path / "m.pbtxt"
    tf.train.export_meta_graph(filename=str(text), as_text=True)
    assert text_format.Parse(text.read_text(), meta_graph_pb2.MetaGraphDef()) == meta


def test_import_meta_graph_restores_variables_and_collections():
    *_, saver = model_with_saver()
    meta = tf.train.export_meta_graph(saver_def=saver.saver_def)
    with tf.Graph().as_default() as g:
        restorer = tf.train.import_meta_graph(meta)
        assert restorer.saver_def == saver.saver_def
        # A Saver from the saver_def builds no ops: the graph is the file's, and exports back.
        again = tf.train.export_meta_graph(saver_def=restorer.saver_def)
        assert again.graph_def == meta.graph_def
        assert again.collection_def == meta.collection_def
        assert again.meta_info_def == meta.meta_info_def
        assert again.saver_def == meta.saver_def
        assert [v.name for v in tf.global_variables()] == ["w:0", "steps:0"]
        assert [v.name for v in tf.trainable_variables()] == ["w:0"]
        assert tf.trainable_variables()[0] is tf.global_variables()[0]
        w = tf.global_variables()[0]
        assert w.initializer.name == "w/Assign"
        assert w.op.type == "VariableV2"
        assert repr(w) == "<tf.Variable 'w:0' shape=(2, 1) dtype=float32_ref>"
        (train,) = tf.get_collection("train_op")
        assert isinstance(train, tf.Operation) and train.name == "train"
        assert tf.get_collection("losses")[0].name == "loss:0"
        assert tf.get_collection("numbers") == [7]
        assert tf.get_collection("floats") == [2.5]
        assert tf.get_collection("names") == [b"hello"]
        x = g.get_tensor_by_name("x:0")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {x: [[1.0, 1.0]]})
            np.testing.assert_allclose(sess.run(w), [[0.4], [-1.1]], rtol=1e-6)


def test_import_without_saver_def_builds_a_saver():
    model()
    meta = tf.train.export_meta_graph()
    with tf.Graph().as_default() as g:
        saver = tf.train.import_meta_graph(meta)
        assert saver is not None
        assert saver.saver_def.restore_op_name == "save/restore_all"
        assert g.get_operation_by_name("save/restore_all").type == "NoOp"
    with tf.Graph().as_default():
        tf.constant(1.0)
        assert tf.train.import_meta_graph(tf.train.export_meta_graph()) is None


def test_import_scope_prefixes_names():
    model()
    meta = tf.train.export_meta_graph()
    with tf.Graph().as_default():
        tf.train.import_meta_graph(meta, import_scope="copy")
        assert [v.name for v in tf.global_variables()] == ["copy/w:0", "copy/steps:0"]
        assert tf.get_collection("train_op")[0].name == "copy/train"
        assert tf.get_collection("names") == ["copy/hello"]


def test_import_meta_graph_from_file_errors(tmp_path):
    with pytest.raises(IOError) as e:
        tf.train.import_meta_graph(str(tmp_path / "nope.meta"))
    assert str(e.value) == "File %s does not exist." % (tmp_path / "nope.meta")
    bad = tmp_path / "bad.meta"
    bad.write_bytes(b"\xff\xfe not a meta graph")
    with pytest.raises(IOError) as e:
        tf.train.import_meta_graph(str(bad))
    assert str(e.value).startswith("Cannot parse file %s: " % bad)
    assert tf.get_default_graph().get_operations() == []


def test_saver_round_trip_through_meta_graph(tmp_path):
    x, w, steps, loss, train = model()
    saver = tf.train.Saver()
    prefix = str(tmp_path / "model.ckpt")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(w, [[3.0], [4.0]]))
        saver.save(sess, prefix)
    assert pathlib.Path(prefix + ".meta").is_file()
    with tf.Graph().as_default():
        restorer = tf.train.import_meta_graph(prefix + ".meta")
        assert restorer is not None
        assert restorer.saver_def.restore_op_name == "save/restore_all"
        with tf.Session() as sess:
            restorer.restore(sess, prefix)
            np.testing.assert_allclose(sess.run(tf.global_variables()[0]), [[3.0], [4.0]])
