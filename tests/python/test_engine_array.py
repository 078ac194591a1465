"""tf array ops and state ops: TF 1.15's op names/types and numeric results."""

import numpy as np
import pytest

import scopeflow as tf

rng = np.random.RandomState(1)


def names():
    return [(o.name, o.type) for o in tf.get_default_graph().get_operations()]


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict=feed_dict)


def test_reshape_shape_size_rank_names():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    r = tf.reshape(x, [3, 2])
    assert names()[1:] == [("Reshape/shape", "Const"), ("Reshape", "Reshape")]
    assert r.shape == tf.TensorShape([3, 2])
    s = tf.shape(x)
    assert (s.name, s.op.type) == ("Shape:0", "Const")
    u = tf.placeholder(tf.float32, [None, 3], name="u")
    su = tf.shape(u)
    assert (su.name, su.op.type, su.dtype) == ("Shape_1:0", "Shape", tf.int32)
    assert tf.shape(u, out_type=tf.int64).dtype == tf.int64
    assert (tf.size(x).op.type, tf.size(u).op.type) == ("Const", "Size")
    assert (tf.rank(x).name, tf.rank(x).op.type) == ("Rank:0", "Const")
    n = tf.placeholder(tf.float32, None, name="n")
    assert tf.rank(n).op.type == "Rank"
    # a tensor element in the shape list is packed: Reshape/shape is a Pack
    r2 = tf.reshape(u, [tf.shape(u)[0], -1])
    assert r2.op.inputs[1].op.type == "Pack"
    assert r2.op.inputs[1].name == "Reshape_1/shape:0"
    assert [i.name for i in r2.op.inputs[1].op.inputs] == ["strided_slice:0",
                                                           "Reshape_1/shape/1:0"]


def test_expand_squeeze_stack_concat_names():
    x = tf.placeholder(tf.float32, [2, 1, 3], name="x")
    e = tf.expand_dims(x, 0)
    assert (e.name, e.op.inputs[1].name, e.shape) == ("ExpandDims:0", "ExpandDims/dim:0",
                                                      tf.TensorShape([1, 2, 1, 3]))
    with pytest.raises(ValueError, match="Must specify an axis"):
        tf.expand_dims(x)
    s = tf.squeeze(x)
    assert (s.name, s.shape) == ("Squeeze:0", tf.TensorShape([2, 3]))
    assert tf.squeeze(x, 1).op.get_attr("squeeze_dims") == [1]
    y = tf.placeholder(tf.float32, [2, 1, 3], name="y")
    st = tf.stack([x, y])
    assert (st.name, st.op.type, st.shape) == ("stack:0", "Pack", tf.TensorShape([2, 2, 1, 3]))
    c = tf.stack([1, 2])
    assert (c.name, c.op.type) == ("stack_1:0", "Const")
    st1 = tf.stack([x, y], axis=1)
    assert (st1.name, st1.shape) == ("stack_2:0", tf.TensorShape([2, 2, 1, 3]))
    cc = tf.concat([x, y], 0)
    assert (cc.name, cc.op.type, cc.op.inputs[2].name) == ("concat:0", "ConcatV2",
                                                           "concat/axis:0")
    assert cc.shape == tf.TensorShape([4, 1, 3])
    one = tf.concat([x], 0)
    assert (one.name, one.op.type) == ("concat_1/concat:0", "Identity")
    assert one.op.graph.get_operation_by_name("concat_1/concat_dim").type == "Const"


def test_transpose_tile_slice_gather_onehot_names():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    t = tf.transpose(x)
    assert names()[1:] == [("transpose/perm", "Const"), ("transpose", "Transpose")]
    assert t.shape == tf.TensorShape([3, 2])
    assert tf.transpose(x, [1, 0]).name == "transpose_1:0"
    tl = tf.tile(x, [2, 1])
    assert (tl.name, tl.op.inputs[1].name, tl.shape) == ("Tile:0", "Tile/multiples:0",
                                                         tf.TensorShape([4, 3]))
    sl = tf.slice(x, [0, 1], [1, 2])
    assert [i.name for i in sl.op.inputs] == ["x:0", "Slice/begin:0", "Slice/size:0"]
    g = tf.gather(x, [1, 0, 1])
    assert [i.name for i in g.op.inputs] == ["x:0", "GatherV2/indices:0", "GatherV2/axis:0"]
    assert (g.name, g.shape) == ("GatherV2:0", tf.TensorShape([3, 3]))
    idx = tf.placeholder(tf.int32, [4], name="idx")
    oh = tf.one_hot(idx, 3)
    assert (oh.name, oh.op.type, oh.dtype, oh.shape) == ("one_hot:0", "OneHot", tf.float32,
                                                         tf.TensorShape([4, 3]))
    assert [i.name for i in oh.op.inputs] == ["idx:0", "one_hot/depth:0", "one_hot/on_value:0",
                                              "one_hot/off_value:0"]


def test_zeros_ones_like_names():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    z = tf.zeros_like(x)
    assert (z.name, z.op.type) == ("zeros_like:0", "Const")
    u = tf.placeholder(tf.float32, [None, 3], name="u")
    zu = tf.zeros_like(u)
    assert (zu.name, zu.op.type) == ("zeros_like_1:0", "ZerosLike")
    o = tf.ones_like(x)
    assert names()[4:] == [("ones_like/Shape", "Const"), ("ones_like/Const", "Const"),
                           ("ones_like", "Fill")]
    assert o.shape == tf.TensorShape([2, 3])
    ou = tf.ones_like(u)
    assert ou.shape.as_list() == [None, 3]
    assert tf.ones_like(x, dtype=tf.int32).dtype == tf.int32


def test_placeholder_with_default_and_stop_gradient():
    p = tf.placeholder_with_default([1.0, 2.0], [None])
    assert (p.name, p.op.type, p.shape.as_list()) == ("PlaceholderWithDefault:0",
                                                      "PlaceholderWithDefault", [None])
    assert p.op.inputs[0].name == "PlaceholderWithDefault/input:0"
    s = tf.stop_gradient(p)
    # The engine registers no StopGradient op yet; tf.stop_gradient then builds an Identity
    # of the same name (the forward value is the same).
    expected = "StopGradient" if "StopGradient" in tf._core.registered_op_types() \
        else "Identity"
    assert (s.name, s.op.type) == ("StopGradient:0", expected)
    out = run([p, s])
    np.testing.assert_array_equal(out[0], [1.0, 2.0])
    out = run(p, {p: [5.0, 6.0, 7.0]})
    np.testing.assert_array_equal(out, [5.0, 6.0, 7.0])


def test_array_numerics():
    a = rng.randn(2, 3).astype(np.float32)
    b = rng.randn(2, 3).astype(np.float32)
    x = tf.placeholder(tf.float32, [2, 3])
    y = tf.placeholder(tf.float32, [None, 3])
    fetches = [tf.reshape(x, [3, 2]), tf.reshape(y, [-1]), tf.shape(y), tf.size(y), tf.rank(y),
               tf.expand_dims(x, -1), tf.squeeze(tf.expand_dims(x, 1)), tf.stack([x, y]),
               tf.stack([x, y], axis=2), tf.concat([x, y], 1), tf.transpose(x),
               tf.tile(x, [2, 2]), tf.slice(x, [0, 1], [2, 2]),
               tf.strided_slice(x, [0, 2], [2, 0], [1, -1]), tf.gather(x, [1, 0, 1]),
               tf.gather(x, [2, 0], axis=1), tf.one_hot([0, 2, 1], 3),
               tf.one_hot([0, 2], 3, on_value=5, off_value=-1, axis=0), tf.zeros_like(y),
               tf.ones_like(y), tf.unstack(x)[1]]
    out = run(fetches, {x: a, y: b})
    ref = [a.reshape(3, 2), b.reshape(-1), [2, 3], 6, 2, a[..., None], a, np.stack([a, b]),
           np.stack([a, b], 2), np.concatenate([a, b], 1), a.T, np.tile(a, [2, 2]), a[0:2, 1:3],
           a[0:2, 2:0:-1], a[[1, 0, 1]], a[:, [2, 0]], np.eye(3)[[0, 2, 1]],
           np.array([[5, -1], [-1, -1], [-1, 5]]), np.zeros_like(b), np.ones_like(b), a[1]]
    for i, (o, r) in enumerate(zip(out, ref)):
        np.testing.assert_allclose(o, r, err_msg=str(i))


def test_dynamic_reshape_and_getitem_numerics():
    a = rng.randn(4, 2, 3).astype(np.float32)
    u = tf.placeholder(tf.float32, [None, 2, 3])
    flat = tf.reshape(u, [tf.shape(u)[0], -1])
    np.testing.assert_allclose(run(flat, {u: a}), a.reshape(4, -1))


# ---------------------------------------------------------------------------------------------
# State


def test_assign_names_and_colocation():
    v = tf.Variable([1.0, 2.0], name="v")
    a = tf.assign(v, [3.0, 4.0])
    assert (a.name, a.op.type) == ("Assign:0", "Assign")
    assert [i.name for i in a.op.inputs] == ["v:0", "Assign/value:0"]
    assert a.op._c.attr("_class") == [b"loc:@v"]
    aa = tf.assign_add(v, [1.0, 1.0])
    asub = tf.assign_sub(v, [1.0, 1.0], name="dec")
    assert (aa.name, asub.name) == ("AssignAdd:0", "dec:0")
    assert aa.op.type == "AssignAdd" and asub.op.type == "AssignSub"
    m = v.assign([0.0, 0.0])
    assert m.name == "Assign_1:0"


def test_initializers_group_no_op():
    v = tf.Variable(1.0, name="v")
    w = tf.get_variable("w", [2], initializer=tf.zeros_initializer())
    init = tf.global_variables_initializer()
    assert (init.name, init.type) == ("init", "NoOp")
    assert [o.name for o in init.control_inputs] == ["v/Assign", "w/Assign"]
    assert tf.variables_initializer([v], name="init_v").name == "init_v"
    assert tf.variables_initializer([]).name == "init_1"
    assert tf.initialize_all_variables().name == "init_2"
    g = tf.group(v.initializer, w)
    assert (g.name, g.type) == ("group_deps", "NoOp")
    assert tf.no_op().name == "NoOp"
    assert tf.group().name == "group_deps_1"
    t = tf.tuple([v.value(), w.value()])
    assert [x.name for x in t] == ["tuple/control_dependency:0", "tuple/control_dependency_1:0"]
    assert [o.name for o in t[0].op.control_inputs] == ["tuple/group_deps"]


def test_state_numerics():
    v = tf.Variable([1.0, 2.0], name="v")
    w = tf.get_variable("w", [2], initializer=tf.ones_initializer())
    inc = tf.assign_add(v, w)
    dec = v.assign_sub([0.5, 0.5])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(inc), [2.0, 3.0])
        np.testing.assert_allclose(sess.run(dec), [1.5, 2.5])
        sess.run(tf.assign(v, [9.0, 8.0]))
        np.testing.assert_allclose(sess.run(v), [9.0, 8.0])
        sess.run(tf.group(tf.assign(v, [0.0, 0.0]), tf.assign(w, [5.0, 5.0])))
        np.testing.assert_allclose(sess.run([v, w]), [[0.0, 0.0], [5.0, 5.0]])


def test_set_random_seed():
    tf.set_random_seed(42)
    assert tf.get_default_graph().seed == 42


def test_transpose_unknown_rank_and_namespaces():
    a = rng.randn(2, 3, 4).astype(np.float32)
    x = tf.placeholder(tf.float32, None, name="x")
    t = tf.transpose(x)
    assert [n for n, _ in names()[1:]] == [
        "transpose/Rank", "transpose/sub/y", "transpose/sub", "transpose/Range/start",
        "transpose/Range/delta", "transpose/Range", "transpose/sub_1", "transpose"]
    np.testing.assert_array_equal(run(t, {x: a}), a.T)
    assert tf.math.reduce_sum is tf.reduce_sum and tf.math.add is tf.add
    assert tf.initializers.glorot_uniform is tf.glorot_uniform_initializer
    assert tf.initializers.global_variables is tf.global_variables_initializer
