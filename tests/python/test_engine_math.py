"""tf math ops and tensor operators: TF 1.15's op names/types and numeric results."""

import numpy as np
import pytest

import scopeflow as tf

rng = np.random.RandomState(0)


def names(ops=None):
    ops = tf.get_default_graph().get_operations() if ops is None else ops
    return [(o.name, o.type) for o in ops]


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict=feed_dict)


# ---------------------------------------------------------------------------------------------
# Names


def test_divide_names():
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.placeholder(tf.float32, [2], name="y")
    assert tf.divide(x, y).name == "truediv:0"
    assert tf.divide(x, y, name="d").name == "d:0"
    assert tf.div(x, y).op.type == "RealDiv"
    assert tf.div(x, y).name == "div_1:0"
    assert tf.realdiv(x, y).name == "RealDiv:0"
    f = tf.floordiv(x, y)
    assert (f.name, f.op.type) == ("floordiv:0", "FloorDiv")


def test_truediv_casts_integers():
    a = tf.constant([1, 2], name="a")
    b = tf.constant([2, 4], name="b")
    q = tf.truediv(a, b)
    assert q.dtype == tf.float64
    assert names()[2:] == [("truediv/Cast", "Cast"), ("truediv/Cast_1", "Cast"),
                           ("truediv", "RealDiv")]
    np.testing.assert_allclose(run(q), [0.5, 0.5])


def test_unary_names():
    x = tf.placeholder(tf.float32, [3], name="x")
    for fn, name, typ in [(tf.negative, "Neg", "Neg"), (tf.abs, "Abs", "Abs"),
                          (tf.square, "Square", "Square"), (tf.sqrt, "Sqrt", "Sqrt"),
                          (tf.rsqrt, "Rsqrt", "Rsqrt"), (tf.exp, "Exp", "Exp"),
                          (tf.log, "Log", "Log"), (tf.sign, "Sign", "Sign"),
                          (tf.reciprocal, "Reciprocal", "Reciprocal"),
                          (tf.sigmoid, "Sigmoid", "Sigmoid"), (tf.tanh, "Tanh", "Tanh")]:
        t = fn(x)
        assert (t.op.name, t.op.type) == (name, typ)
    assert tf.exp(x, name="e").name == "e:0"


def test_binary_literal_names():
    x = tf.placeholder(tf.float32, [3], name="x")
    m = tf.maximum(x, 0.0)
    assert m.name == "Maximum:0"
    assert m.op.inputs[1].name == "Maximum/y:0"
    p = tf.pow(x, 2.0)
    assert (p.name, p.op.inputs[1].name) == ("Pow:0", "Pow/y:0")
    s = tf.squared_difference(x, 1.0)
    assert (s.name, s.op.type) == ("SquaredDifference:0", "SquaredDifference")
    assert tf.minimum(1.0, x).op.inputs[0].name == "Minimum/x:0"


def test_literal_takes_tensor_dtype():
    x = tf.placeholder(tf.float64, [3], name="x")
    assert tf.maximum(x, 1.0).dtype == tf.float64
    assert tf.maximum(2.0, x).dtype == tf.float64


def test_mismatched_dtypes_raise():
    x = tf.placeholder(tf.float64, [3])
    y = tf.placeholder(tf.float32, [3])
    with pytest.raises(TypeError, match="Input 'y' of 'Maximum' Op has type float32 that does "
                                        "not match type float64 of argument 'x'"):
        tf.maximum(x, y)


def test_comparison_and_logical_names():
    x = tf.placeholder(tf.float32, [3], name="x")
    y = tf.placeholder(tf.float32, [3], name="y")
    for fn, typ in [(tf.equal, "Equal"), (tf.not_equal, "NotEqual"), (tf.less, "Less"),
                    (tf.less_equal, "LessEqual"), (tf.greater, "Greater"),
                    (tf.greater_equal, "GreaterEqual")]:
        t = fn(x, y)
        assert (t.op.name, t.op.type, t.dtype) == (typ, typ, tf.bool)
    assert tf.equal(x, y).op.get_attr("incompatible_shape_error") is True
    b = tf.placeholder(tf.bool, [3], name="b")
    c = tf.placeholder(tf.bool, [3], name="c")
    assert tf.logical_and(b, c).name == "LogicalAnd:0"
    assert tf.logical_or(b, c).name == "LogicalOr:0"
    assert tf.logical_not(b).name == "LogicalNot:0"
    assert tf.logical_xor(b, c).name == "LogicalXor:0"
    w = tf.where(b, x, y)
    assert (w.name, w.op.type) == ("Select:0", "Select")


def test_cast_names():
    x = tf.placeholder(tf.int32, [3], name="x")
    assert tf.cast(x, tf.int32) is x
    c = tf.cast(x, tf.float32)
    assert (c.name, c.op.type, c.dtype) == ("Cast:0", "Cast", tf.float32)
    assert c.op.get_attr("SrcT") == tf.int32 and c.op.get_attr("DstT") == tf.float32
    assert tf.to_float(x).name == "ToFloat:0"
    assert tf.to_double(x).name == "ToDouble:0"
    assert tf.to_int64(x).name == "ToInt64:0"
    f = tf.placeholder(tf.float32, [3])
    assert tf.to_int32(f).name == "ToInt32:0"
    lit = tf.cast(1.5, tf.float32)
    assert lit.name == "Cast_1/x:0"


def test_reduce_names():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    s = tf.reduce_sum(x)
    assert names()[1:] == [("Const", "Const"), ("Sum", "Sum")]
    assert s.shape == tf.TensorShape([])
    s1 = tf.reduce_sum(x, 1)
    assert s1.op.inputs[1].name == "Sum_1/reduction_indices:0"
    assert s1.shape == tf.TensorShape([2])
    k = tf.reduce_mean(x, axis=[1], keepdims=True)
    assert (k.name, k.shape) == ("Mean:0", tf.TensorShape([2, 1]))
    k2 = tf.reduce_max(x, 0, keep_dims=True)
    assert (k2.name, k2.shape) == ("Max:0", tf.TensorShape([1, 3]))
    assert tf.reduce_min(x, reduction_indices=[0]).name == "Min:0"
    assert tf.reduce_prod(x, name="p").name == "p:0"
    with pytest.raises(ValueError, match="Cannot specify both 'keepdims' and 'keep_dims'"):
        tf.reduce_sum(x, keepdims=True, keep_dims=True)
    u = tf.placeholder(tf.float32, None, name="u")
    su = tf.reduce_sum(u)
    assert su.shape == tf.TensorShape([])
    assert su.op.inputs[1].op.type == "Range"


def test_argmax_matmul_addn_range_names():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    a = tf.argmax(x, 1)
    assert (a.name, a.dtype, a.op.inputs[1].name) == ("ArgMax:0", tf.int64,
                                                       "ArgMax/dimension:0")
    assert tf.argmin(x, axis=0, output_type=tf.int32).dtype == tf.int32
    w = tf.placeholder(tf.float32, [3, 4], name="w")
    m = tf.matmul(x, w)
    assert (m.name, m.op.type, m.shape) == ("MatMul:0", "MatMul", tf.TensorShape([2, 4]))
    mt = tf.matmul(x, x, transpose_b=True)
    assert mt.op.get_attr("transpose_b") is True and mt.shape == tf.TensorShape([2, 2])
    b3 = tf.placeholder(tf.float32, [5, 2, 3])
    bm = tf.matmul(b3, w)
    assert (bm.name, bm.op.type, bm.shape) == ("MatMul_2:0", "BatchMatMulV2",
                                               tf.TensorShape([5, 2, 4]))
    n = tf.add_n([x, x, x])
    assert (n.name, n.op.type) == ("AddN:0", "AddN")
    assert tf.add_n([x]) is x
    r = tf.range(5)
    assert (r.name, r.dtype) == ("range:0", tf.int32)
    assert [i.name for i in r.op.inputs] == ["range/start:0", "range/limit:0", "range/delta:0"]
    rf = tf.range(0, 2.0, 0.5)
    assert rf.dtype == tf.float32 and rf.op.inputs[0].name == "range_1/Cast:0"


# ---------------------------------------------------------------------------------------------
# Operators


def test_operator_names():
    x = tf.placeholder(tf.float32, [2, 2], name="x")
    y = tf.placeholder(tf.float32, [2, 2], name="y")
    assert (-x).name == "Neg:0"
    assert abs(x).name == "Abs:0"
    fd = x // y
    assert (fd.name, fd.op.type) == ("floordiv:0", "FloorDiv")
    p = x ** 2.0
    assert (p.name, p.op.type, p.op.inputs[1].name) == ("pow:0", "Pow", "pow/y:0")
    rp = 2.0 ** x
    assert (rp.name, rp.op.inputs[0].name) == ("pow_1:0", "pow_1/x:0")
    mm = x @ y
    assert (mm.name, mm.op.type) == ("matmul:0", "MatMul")
    lt = x < 1.0
    assert (lt.name, lt.op.type, lt.op.inputs[1].name) == ("Less:0", "Less", "Less/y:0")
    assert (x <= y).op.type == "LessEqual"
    assert (x > y).op.type == "Greater"
    assert (x >= y).op.type == "GreaterEqual"
    assert (1.0 < x).op.type == "Greater"  # reflected
    b = tf.placeholder(tf.bool, [2], name="b")
    c = tf.placeholder(tf.bool, [2], name="c")
    band, bor = b & c, b | c
    assert (band.name, band.op.type) == ("and:0", "LogicalAnd")
    assert (bor.name, bor.op.type) == ("or:0", "LogicalOr")
    assert (~b).op.type == "LogicalNot"
    assert (b ^ c).name == "xor:0"
    # TF 1.x: == is identity, not an op
    assert (x == y) is False and (x == x) is True


def test_operators_on_variables():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="v")
    n = -v
    assert n.op.inputs[0].name == "v/read:0"
    s = v[0]
    assert s.op.inputs[0].name == "v/read:0"
    assert (v ** 2.0).name == "pow:0"


def test_getitem_names_and_masks():
    x = tf.placeholder(tf.float32, [4, 5, 6], name="x")
    s = x[1]
    assert names()[1:] == [("strided_slice/stack", "Const"), ("strided_slice/stack_1", "Const"),
                           ("strided_slice/stack_2", "Const"), ("strided_slice", "StridedSlice")]
    assert s.shape == tf.TensorShape([5, 6])
    assert s.op.get_attr("shrink_axis_mask") == 1
    s2 = x[1:3, ..., tf.newaxis, ::-1]
    op = s2.op
    assert op.name == "strided_slice_1"
    assert [op.get_attr(k) for k in ("begin_mask", "end_mask", "ellipsis_mask",
                                     "new_axis_mask", "shrink_axis_mask")] == [8, 8, 2, 4, 0]
    assert s2.shape == tf.TensorShape([2, 5, 1, 6])
    i = tf.placeholder(tf.int32, [], name="i")
    s3 = x[i]
    assert s3.op.inputs[1].op.type == "Pack"
    assert s3.op.inputs[1].name == "strided_slice_2/stack:0"
    assert s3.shape == tf.TensorShape([5, 6])
    with pytest.raises(TypeError, match="Only integers, slices"):
        x[1.5]


# ---------------------------------------------------------------------------------------------
# Numerics


def test_elementwise_numerics():
    a = rng.rand(3, 4).astype(np.float32) + 0.5
    b = rng.rand(3, 4).astype(np.float32) + 0.5
    x = tf.placeholder(tf.float32, [3, 4])
    y = tf.placeholder(tf.float32, [3, 4])
    fetches = {
        "div": tf.divide(x, y), "truediv": x / y, "floordiv": x // y, "neg": -x,
        "abs": abs(x - 1.0), "square": tf.square(x), "sqrt": tf.sqrt(x), "rsqrt": tf.rsqrt(x),
        "exp": tf.exp(x), "log": tf.log(x), "pow": x ** y, "max": tf.maximum(x, y),
        "min": tf.minimum(x, y), "sqd": tf.squared_difference(x, y), "sign": tf.sign(x - 1.0),
        "recip": tf.reciprocal(x), "sigmoid": tf.sigmoid(x), "tanh": tf.tanh(x),
        "lt": x < y, "ge": x >= y, "eq": tf.equal(x, y), "ne": tf.not_equal(x, y),
        "where": tf.where(x < y, x, y), "cast": tf.cast(x * 3.0, tf.int32),
    }
    out = run(fetches, {x: a, y: b})
    ref = {
        "div": a / b, "truediv": a / b, "floordiv": np.floor_divide(a, b), "neg": -a,
        "abs": np.abs(a - 1), "square": a * a, "sqrt": np.sqrt(a), "rsqrt": 1 / np.sqrt(a),
        "exp": np.exp(a), "log": np.log(a), "pow": a ** b, "max": np.maximum(a, b),
        "min": np.minimum(a, b), "sqd": (a - b) ** 2, "sign": np.sign(a - 1),
        "recip": 1 / a, "sigmoid": 1 / (1 + np.exp(-a)), "tanh": np.tanh(a),
        "lt": a < b, "ge": a >= b, "eq": a == b, "ne": a != b,
        "where": np.where(a < b, a, b), "cast": (a * 3).astype(np.int32),
    }
    for k in ref:
        np.testing.assert_allclose(out[k], ref[k], rtol=1e-5, err_msg=k)


def test_logical_numerics():
    p = np.array([True, True, False, False])
    q = np.array([True, False, True, False])
    b = tf.placeholder(tf.bool, [4])
    c = tf.placeholder(tf.bool, [4])
    out = run([b & c, b | c, ~b, b ^ c], {b: p, c: q})
    np.testing.assert_array_equal(out[0], p & q)
    np.testing.assert_array_equal(out[1], p | q)
    np.testing.assert_array_equal(out[2], ~p)
    np.testing.assert_array_equal(out[3], p ^ q)


def test_reduction_numerics():
    a = rng.randn(3, 4, 5).astype(np.float32)
    x = tf.placeholder(tf.float32, [3, 4, 5])
    out = run([tf.reduce_sum(x), tf.reduce_sum(x, 1), tf.reduce_mean(x, [0, 2], keepdims=True),
               tf.reduce_max(x, -1), tf.reduce_min(x, 0), tf.reduce_prod(x[0, 0]),
               tf.argmax(x, 2), tf.argmin(x, 0)], {x: a})
    np.testing.assert_allclose(out[0], a.sum(), rtol=1e-4)
    np.testing.assert_allclose(out[1], a.sum(1), rtol=1e-5)
    np.testing.assert_allclose(out[2], a.mean((0, 2), keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(out[3], a.max(-1))
    np.testing.assert_allclose(out[4], a.min(0))
    np.testing.assert_allclose(out[5], a[0, 0].prod(), rtol=1e-5)
    np.testing.assert_array_equal(out[6], a.argmax(2))
    np.testing.assert_array_equal(out[7], a.argmin(0))


def test_unknown_rank_reduction_numerics():
    a = rng.randn(2, 3).astype(np.float32)
    u = tf.placeholder(tf.float32, None)
    np.testing.assert_allclose(run(tf.reduce_sum(u), {u: a}), a.sum(), rtol=1e-5)


def test_matmul_addn_range_numerics():
    a = rng.randn(2, 3).astype(np.float32)
    w = rng.randn(3, 4).astype(np.float32)
    bt = rng.randn(5, 2, 3).astype(np.float32)
    x = tf.placeholder(tf.float32, [2, 3])
    y = tf.placeholder(tf.float32, [3, 4])
    b = tf.placeholder(tf.float32, [5, 2, 3])
    out = run([tf.matmul(x, y), x @ y, tf.matmul(x, x, transpose_b=True),
               tf.matmul(y, x, transpose_a=True, transpose_b=True), tf.matmul(b, y),
               tf.add_n([x, x, 2.0 * x]), tf.range(5), tf.range(1, 2.0, 0.25)],
              {x: a, y: w, b: bt})
    np.testing.assert_allclose(out[0], a @ w, rtol=1e-5)
    np.testing.assert_allclose(out[1], a @ w, rtol=1e-5)
    np.testing.assert_allclose(out[2], a @ a.T, rtol=1e-5)
    np.testing.assert_allclose(out[3], w.T @ a.T, rtol=1e-5)
    np.testing.assert_allclose(out[4], bt @ w, rtol=1e-5)
    np.testing.assert_allclose(out[5], 4 * a, rtol=1e-5)
    np.testing.assert_array_equal(out[6], np.arange(5))
    np.testing.assert_allclose(out[7], np.arange(1, 2, 0.25))


def test_getitem_numerics():
    a = rng.randn(4, 5, 6).astype(np.float32)
    x = tf.placeholder(tf.float32, [4, 5, 6])
    i = tf.placeholder(tf.int32, [])
    out = run([x[1], x[1:3, ..., None, ::-1], x[:, -1], x[..., 2:5:2], x[i, 2], x[::-2, 1:]],
              {x: a, i: 3})
    np.testing.assert_array_equal(out[0], a[1])
    np.testing.assert_array_equal(out[1], a[1:3, ..., None, ::-1])
    np.testing.assert_array_equal(out[2], a[:, -1])
    np.testing.assert_array_equal(out[3], a[..., 2:5:2])
    np.testing.assert_array_equal(out[4], a[3, 2])
    np.testing.assert_array_equal(out[5], a[::-2, 1:])
