"""Graphs, ops, tensors, name scopes and collections through the Python module, with TF 1.15's
names, reprs and error texts."""

import numpy as np
import pytest

import scopeflow as tf


def test_tensor_and_op_objects_are_the_same_python_objects():
    a, b = tf.unstack(tf.constant([1.0, 2.0]))
    assert a.op is b.op
    assert a.op.outputs[0] is a and a.op.outputs[1] is b
    g = tf.get_default_graph()
    assert g.get_tensor_by_name(a.name) is a
    assert g.get_operation_by_name(a.op.name) is a.op
    assert g.get_operations()[-1] is a.op


def test_graph_lookup_errors_use_tf_texts():
    v = tf.constant(1.0, name="v")
    g = tf.get_default_graph()
    with pytest.raises(ValueError) as e:
        g.get_tensor_by_name("v")
    assert str(e.value) == ("The name 'v' refers to an Operation, not a Tensor. Tensor names "
                            "must be of the form \"<op_name>:<output_index>\".")
    with pytest.raises(KeyError) as e:
        g.get_tensor_by_name("nope:0")
    assert e.value.args[0] == ("The name 'nope:0' refers to a Tensor which does not exist. The "
                               "operation, 'nope', does not exist in the graph.")
    with pytest.raises(KeyError) as e:
        g.get_tensor_by_name("v:1")
    assert e.value.args[0] == ("The name 'v:1' refers to a Tensor which does not exist. The "
                               "operation, 'v', exists but only has 1 outputs.")
    with pytest.raises(ValueError) as e:
        g.get_operation_by_name("v:0")
    assert str(e.value) == "Name 'v:0' appears to refer to a Tensor, not a Operation."
    with pytest.raises(KeyError) as e:
        g.get_operation_by_name("w")
    assert e.value.args[0] == "The name 'w' refers to an Operation not in the graph."
    assert g.get_tensor_by_name("v:0") is v


def test_reprs_of_dtypes_shapes_tensors_and_ops():
    assert str(tf.float32) == "<dtype: 'float32'>"
    assert repr(tf.int64) == "tf.int64"
    assert str(tf.TensorShape([None, 3])) == "(?, 3)"
    assert str(tf.TensorShape([])) == "()"
    assert str(tf.TensorShape(None)) == "<unknown>"
    c = tf.constant("hi", name="s")
    assert str(c) == 'Tensor("s:0", shape=(), dtype=string)'
    p = tf.placeholder(tf.float64, [2, None])
    assert repr(p) == "<tf.Tensor 'Placeholder:0' shape=(2, ?) dtype=float64>"
    assert repr(p.op) == "<tf.Operation 'Placeholder' type=Placeholder>"
    assert p.op.get_attr("dtype") == tf.float64


def test_python_literals_follow_tf_inference():
    assert tf.constant(1).dtype == tf.int32
    assert tf.constant(2**40).dtype == tf.int64
    assert tf.constant(1.5).dtype == tf.float32
    assert tf.constant(np.float64(1.5)).dtype == tf.float64
    assert tf.constant([True, False]).dtype == tf.bool
    assert tf.constant([[1, 2, 3]], shape=[2, 3]).shape.as_list() == [2, 3]
    with pytest.raises(TypeError) as e:
        tf.constant(1.5, dtype=tf.int32)
    assert str(e.value) == "Expected int32, got 1.5 of type 'float' instead."


def test_binary_ops_broadcast_and_check_types():
    a = tf.constant([[1.0], [2.0]])
    b = tf.constant([1.0, 2.0, 3.0])
    assert (a + b).shape.as_list() == [2, 3]
    assert tf.add(tf.placeholder(tf.float32, [None, 1]), b).shape.as_list() == [None, 3]
    with pytest.raises(TypeError) as e:
        tf.add(tf.constant(1), tf.constant(1.5))
    assert str(e.value) == ("Input 'y' of 'Add' Op has type float32 that does not match type "
                            "int32 of argument 'x'.")
    with pytest.raises(ValueError) as e:
        tf.add(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0, 3.0]), name="bad")
    assert str(e.value) == ("Dimensions must be equal, but are 2 and 3 for 'bad' (op: 'Add') "
                            "with input shapes: [2], [3].")
    # The failed op's name was consumed, as in TF.
    assert tf.constant(0.0, name="bad").name == "bad_1:0"


def test_operator_op_types_and_literal_names():
    x = tf.constant(1.0, name="x")
    s = x + 2.0
    r = 3.0 * x
    assert s.op.type == "AddV2" and s.op.name == "add"
    assert [t.name for t in s.op.inputs] == ["x:0", "add/y:0"]
    assert r.op.type == "Mul" and [t.name for t in r.op.inputs] == ["mul/x:0", "x:0"]
    assert (x - 1.0).op.type == "Sub"
    assert (x / 2.0).op.name == "truediv"


def test_tensors_from_two_graphs_do_not_mix():
    g2 = tf.Graph()
    with g2.as_default():
        c2 = tf.constant(1.0)
    c1 = tf.constant(2.0)
    with pytest.raises(ValueError) as e:
        tf.add(c1, c2)
    assert str(e.value) == ('Tensor("Const:0", shape=(), dtype=float32) must be from the same '
                            'graph as Tensor("Const:0", shape=(), dtype=float32).')


def test_device_scopes_merge_and_reset():
    with tf.device("/job:ps"):
        with tf.device("/gpu:1"):
            a = tf.constant(1.0)
        with tf.device(None):
            b = tf.constant(2.0)
        v = tf.Variable(1.0, name="v")
    assert a.device == "/job:ps/device:GPU:1"
    assert str(a) == 'Tensor("Const:0", shape=(), dtype=float32, device=/job:ps/device:GPU:1)'
    assert b.device == ""
    assert v.op.device == "/job:ps" and v.value().device == "/job:ps"
    with pytest.raises(ValueError) as e:
        with tf.device("/bogus:1"):
            pass
    assert str(e.value) == "Unknown attribute: 'bogus' in '/bogus:1'"


def test_control_dependencies_prune_as_tf_does():
    x = tf.constant(3.0, name="x")
    with tf.control_dependencies([x]):
        y = tf.constant(4.0, name="y")
        z = tf.identity(y, name="z")
        w = tf.Variable(2.0, name="w")
        with tf.control_dependencies(None):
            u = tf.constant(5.0, name="u")
    assert [c.name for c in y.op.control_inputs] == ["x"]
    assert z.op.control_inputs == []  # y, created in the same block, already orders it
    assert w.op.control_inputs == [] and w.initializer.control_inputs == []
    assert u.op.control_inputs == []


def test_collections_keep_order_and_filter_by_regex():
    tf.add_to_collection("things", 1)
    c = tf.constant(1.0, name="foo_c")
    tf.add_to_collection("things", c)
    tf.add_to_collections(["a", "b", "a"], c)
    assert tf.get_collection("things") == [1, c]
    assert tf.get_collection("things", "foo") == [c]
    assert tf.get_collection("a") == [c] and tf.get_collection("b") == [c]
    assert tf.get_collection("missing") == []


def test_reset_default_graph_inside_a_graph_context_is_refused():
    with tf.Graph().as_default():
        with pytest.raises(AssertionError):
            tf.reset_default_graph()


def test_variable_repr_value_and_shared_object():
    with tf.variable_scope("s"):
        v = tf.get_variable("v", [2, 3], initializer=tf.zeros_initializer())
    with tf.variable_scope("s", reuse=True):
        assert tf.get_variable("v") is v
    assert repr(v) == "<tf.Variable 's/v:0' shape=(2, 3) dtype=float32_ref>"
    assert v.value().name == "s/v/read:0" and v.initializer.type == "Assign"
    assert v.initial_value.name == "s/v/Initializer/zeros:0"
    assert (v * 2.0).op.inputs[0] is v.value()


def test_tf_variable_with_callable_and_tensor_initial_values():
    a = tf.Variable(lambda: [1.0, 2.0], name="a")
    assert a.initial_value.name == "a/Initializer/initial_value:0"
    t = tf.constant([1, 2], name="t")
    b = tf.Variable(t, name="b")
    assert b.initial_value is t
    c = tf.Variable(1.0, dtype=tf.float64, name="c")
    assert c.dtype == tf.float64._as_ref()
    with pytest.raises(ValueError) as e:
        tf.Variable()
    assert str(e.value) == "initial_value must be specified."
    with pytest.raises(ValueError) as e:
        tf.Variable(1.0, collections="x")
    assert str(e.value).startswith("collections argument to Variable constructor must be a "
                                   "list, tuple, or set. Got x of type")
    d = tf.Variable(1.0, name="d", collections=[])
    assert d in tf.trainable_variables() and d not in tf.global_variables()


def test_a_finalized_graph_refuses_new_ops():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
        g.finalize()
        assert g.finalized
        with pytest.raises(RuntimeError) as e:
            tf.constant(2.0)
        assert str(e.value) == "Graph is finalized and cannot be modified."
    assert c.op.values() == (c,)


def test_colocate_with_adds_tf_class_attrs():
    with tf.device("/gpu:0"):
        a = tf.constant(1.0, name="a")
    with tf.colocate_with(a):
        b = tf.identity(a, name="b")
    assert b.op.get_attr("_class") == [b"loc:@a"]
    assert b.device == "/device:GPU:0"
    v = tf.get_variable("v", [1])
    assert v.op.get_attr("_class") == [b"loc:@v"]
    assert v.initializer.get_attr("_class") == [b"loc:@v"]
