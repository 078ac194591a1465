"""Graph.as_graph_def, tf.import_graph_def and tf.train.write_graph: TF 1.15's fields, names and
messages; our GraphDef bytes decoded by an independent decoder (Debian's python3-protobuf over
our .proto files, compiled by protoc into a temporary directory in the test)."""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest
from google.protobuf import text_format

import scopeflow as tf

ROOT = pathlib.Path(__file__).resolve().parents[2]


def small_model():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.Variable([[1.0], [-1.0]], name="w")
    y = tf.matmul(x, w)
    with tf.name_scope("out"):
        out = tf.add(y, 1.0)
    init = tf.global_variables_initializer()
    return x, w, out, init


def nodes_by_name(gd):
    return {n.name: n for n in gd.node}


def test_as_graph_def_fields():
    small_model()
    gd = tf.get_default_graph().as_graph_def()
    assert isinstance(gd, tf.GraphDef)
    assert gd.versions.producer == 134
    assert [n.name for n in gd.node] == [op.name for op in tf.get_default_graph().get_operations()]
    n = nodes_by_name(gd)
    assert n["x"].op == "Placeholder"
    assert n["x"].attr["dtype"].type == tf.float32.as_datatype_enum
    assert [d.size for d in n["x"].attr["shape"].shape.dim] == [-1, 2]
    assert n["w"].op == "VariableV2"
    assert list(n["w/Assign"].input) == ["w", "w/initial_value"]
    assert list(n["w/read"].attr["_class"].list.s) == [b"loc:@w"]
    assert list(n["MatMul"].input) == ["x", "w/read"]
    assert n["MatMul"].attr["transpose_a"].b is False
    assert list(n["out/Add"].input) == ["MatMul", "out/Add/y"]
    assert list(n["init"].input) == ["^w/Assign"]
    assert n["out/Add/y"].attr["value"].tensor.float_val == [1.0]
    assert n["w/initial_value"].attr["value"].tensor.tensor_content == \
        np.array([1.0, -1.0], np.float32).tobytes()


def test_add_shapes_and_from_version():
    small_model()
    g = tf.get_default_graph()
    gd = g.as_graph_def(add_shapes=True)
    n = nodes_by_name(gd)
    assert [d.size for d in n["MatMul"].attr["_output_shapes"].list.shape[0].dim] == [-1, 1]
    assert "_output_shapes" not in n["init"].attr
    version = g.version
    tf.constant(3.0, name="later")
    assert [n.name for n in g.as_graph_def(from_version=version).node] == ["later"]


def test_node_def_of_an_operation():
    _, _, out, _ = small_model()
    nd = out.op.node_def
    assert nd.name == "out/Add"
    assert nd.op == "Add"
    assert list(nd.input) == ["MatMul", "out/Add/y"]
    assert nd.attr["T"].type == tf.float32.as_datatype_enum


def test_independent_decoder_reads_our_bytes(tmp_path):
    """protoc --python_out over our .proto files into a temp dir; a separate interpreter that
    sees only that copy decodes the bytes we wrote."""
    protoc = shutil.which("protoc")
    if protoc is None:
        pytest.skip("protoc is not installed")
    out_dir = tmp_path / "gen"
    out_dir.mkdir()
    protos = sorted(str(p) for p in (ROOT / "proto" / "scopeflow" / "proto").glob("*.proto"))
    subprocess.run([protoc, "--python_out=%s" % out_dir, "-I", str(ROOT / "proto")] + protos,
                   check=True)
    small_model()
    gd = tf.get_default_graph().as_graph_def(add_shapes=True)
    data = tmp_path / "graph.pb"
    data.write_bytes(gd.SerializeToString(deterministic=True))
    script = (
        "import json, sys\n"
        "from scopeflow.proto import graph_pb2\n"
        "assert graph_pb2.__file__.startswith(sys.argv[2]), graph_pb2.__file__\n"
        "g = graph_pb2.GraphDef()\n"
        "g.ParseFromString(open(sys.argv[1], 'rb').read())\n"
        "print(json.dumps({'producer': g.versions.producer, 'nodes': [\n"
        "    [n.name, n.op, list(n.input), n.device, sorted(n.attr.keys()),\n"
        "     n.attr['T'].type if 'T' in n.attr else None,\n"
        "     list(n.attr['_class'].list.s[0:1]) and n.attr['_class'].list.s[0].decode()]\n"
        "    for n in g.node]}))\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(out_dir)
    res = subprocess.run([sys.executable, "-c", script, str(data), str(out_dir)], env=env,
                         capture_output=True, text=True, check=True, cwd=str(tmp_path))
    decoded = json.loads(res.stdout)
    assert decoded["producer"] == 134
    by_name = {n[0]: n for n in decoded["nodes"]}
    assert [n[0] for n in decoded["nodes"]] == [n.name for n in gd.node]
    assert by_name["MatMul"][1:5] == ["MatMul", ["x", "w/read"], "",
                                      ["T", "_output_shapes", "transpose_a", "transpose_b"]]
    assert by_name["MatMul"][5] == 1  # DT_FLOAT
    assert by_name["w/read"][6] == "loc:@w"
    assert by_name["init"][2] == ["^w/Assign"]


def test_import_graph_def_default_name_scope():
    with tf.Graph().as_default():
        small_model()
        gd = tf.get_default_graph().as_graph_def()
    g = tf.get_default_graph()
    assert tf.import_graph_def(gd) is None
    tf.import_graph_def(gd)
    names = [op.name for op in g.get_operations()]
    assert names[0] == "import/x"
    assert "import_1/MatMul" in names
    mm = g.get_operation_by_name("import_1/MatMul")
    assert [t.name for t in mm.inputs] == ["import_1/x:0", "import_1/w/read:0"]
    assert mm.outputs[0].shape.as_list() == [None, 1]
    assert g.get_operation_by_name("import/w/read").get_attr("_class") == [b"loc:@import/w"]
    # Round trip: the imported nodes export as the originals did, under the prefix.
    again = {n.name: n for n in g.as_graph_def().node}
    for n in gd.node:
        m = again["import/" + n.name]
        assert m.op == n.op
        assert [i.replace("import/", "") for i in m.input] == list(n.input)
        assert m.attr.keys() == n.attr.keys()
        for k in n.attr:
            if k != "_class":
                assert m.attr[k] == n.attr[k], (n.name, k)


def test_import_with_empty_name_uniquifies_and_marks_names():
    with tf.Graph().as_default():
        tf.constant(1.0, name="a")
        tf.constant(2.0, name="b")
        gd = tf.get_default_graph().as_graph_def()
    tf.constant(0.0, name="a")
    tf.import_graph_def(gd, name="")
    assert [op.name for op in tf.get_default_graph().get_operations()] == ["a", "a_1", "b"]
    assert tf.constant(5.0, name="b").name == "b_1:0"
    assert tf.constant(5.0, name="a").name == "a_2:0"


def test_input_map_and_return_elements():
    with tf.Graph().as_default():
        small_model()
        gd = tf.get_default_graph().as_graph_def()
    feed = tf.placeholder(tf.float32, [3, 2], name="feed")
    out, init, mm, x = tf.import_graph_def(
        gd, input_map={"x:0": feed}, return_elements=["out/Add:0", "init", "MatMul", "x:0"],
        name="m")
    assert isinstance(out, tf.Tensor) and out.name == "m/out/Add:0"
    assert isinstance(init, tf.Operation) and init.name == "m/init"
    assert mm.inputs[0] is feed
    assert x is feed
    assert out.shape.as_list() == [3, 1]
    with tf.Session() as sess:
        sess.run(init)
        got = sess.run(out, {feed: [[1, 2], [3, 5], [0, 0]]})
    np.testing.assert_allclose(got, [[0.0], [-1.0], [1.0]])


def test_input_map_values_converted_in_inputs_scope():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [], name="p")
        tf.identity(p * 2.0, name="y")
        gd = tf.get_default_graph().as_graph_def()
    (y,) = tf.import_graph_def(gd, input_map={"p": 4.0}, return_elements=["y:0"])
    assert tf.get_default_graph().get_operation_by_name("import/_inputs/Const").type == "Const"
    with tf.Session() as sess:
        assert sess.run(y) == 8.0
    with pytest.raises(ValueError) as e:
        tf.import_graph_def(gd, input_map={"p": 4.0}, name="")
    assert str(e.value) == (
        "tf.import_graph_def() requires a non-empty `name` if `input_map` contains non-Tensor "
        "values. Try calling tf.convert_to_tensor() on `input_map` values before calling "
        "tf.import_graph_def().")


def test_import_errors_use_tf_messages_and_leave_graph_unchanged():
    with tf.Graph().as_default():
        small_model()
        gd = tf.get_default_graph().as_graph_def()
    g = tf.get_default_graph()
    bad = tf.GraphDef()
    bad.CopyFrom(gd)
    nodes_by_name(bad)["MatMul"].input[1] = "nope"
    with pytest.raises(ValueError) as e:
        tf.import_graph_def(bad)
    assert str(e.value) == "Node 'MatMul': Unknown input node 'nope'"
    assert g.get_operations() == []
    missing = tf.placeholder(tf.float32, name="q")
    with pytest.raises(ValueError) as e:
        tf.import_graph_def(gd, input_map={"nope:0": missing, "x:3": missing})
    assert str(e.value) == ("Attempted to map inputs that were not found in graph_def: "
                            "[nope:0, x:3]")
    unknown = tf.GraphDef()
    unknown.CopyFrom(gd)
    nodes_by_name(unknown)["MatMul"].op = "FooBar"
    with pytest.raises(tf.errors.NotFoundError) as e:
        tf.import_graph_def(unknown)
    assert str(e.value).startswith("Op type not registered 'FooBar' in binary running on ")
    assert [op.name for op in g.get_operations()] == ["q"]
    with pytest.raises(TypeError) as e:
        tf.import_graph_def("not a graph")
    assert str(e.value) == "graph_def must be a GraphDef proto."
    with pytest.raises(TypeError) as e:
        tf.import_graph_def(gd, input_map={1: missing})
    assert str(e.value) == "input_map must be a dictionary mapping strings to Tensor objects."
    with pytest.raises(TypeError) as e:
        tf.import_graph_def(gd, return_elements=[1])
    assert str(e.value) == "return_elements must be a list of strings."
    with pytest.raises(ValueError) as e:
        tf.import_graph_def(gd, return_elements=["ghost"])
    assert str(e.value) == "Requested return node 'ghost' not found in graph def"
    assert [op.name for op in g.get_operations()] == ["q"]


def test_write_graph_text_and_binary(tmp_path):
    small_model()
    g = tf.get_default_graph()
    logdir = tmp_path / "new" / "dir"
    p = tf.train.write_graph(g, str(logdir), "graph.pbtxt")
    assert p == os.path.join(str(logdir), "graph.pbtxt")
    text = pathlib.Path(p).read_text()
    assert text == text_format.MessageToString(g.as_graph_def(), float_format="")
    assert text.startswith('node {\n  name: "x"\n  op: "Placeholder"\n')
    parsed = text_format.Parse(text, tf.GraphDef())
    assert parsed == g.as_graph_def()
    pb = tf.train.write_graph(g.as_graph_def(), str(logdir), "graph.pb", as_text=False)
    assert pathlib.Path(pb).read_bytes() == g.as_graph_def().SerializeToString(deterministic=True)
    assert sorted(os.listdir(str(logdir))) == ["graph.pb", "graph.pbtxt"]


def test_cpp_text_writer_matches_python_text_format(tmp_path):
    small_model()
    for i, v in enumerate([0.1, 1e-5, 2.5e20, -0.0, 123456789.0, 1e16, float("inf")]):
        tf.constant(v, name="f%d" % i)
    g = tf.get_default_graph()
    from scopeflow import _core
    path = tmp_path / "cpp.pbtxt"
    _core.save_graph_def(g._c, str(path), True)
    assert path.read_text() == text_format.MessageToString(g.as_graph_def(), float_format="")
