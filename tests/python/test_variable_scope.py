"""Variable scopes and get_variable, asserted against TF 1.15's own expectations
(tensorflow/python/kernel_tests/variable_scope_test.py, graph mode)."""

import threading

import numpy as np
import pytest

import scopeflow as tf


def test_store_returns_the_same_object_for_a_reused_name():
    v = tf.get_variable("v", [1])
    tf.get_variable_scope().reuse_variables()
    assert tf.get_variable("v", [1]) is v


def test_nesting_error_when_exiting_an_outer_variable_scope_first():
    with tf.variable_scope("aa"):
        scope = tf.variable_scope("bb")
        scope.__enter__()
        with tf.variable_scope("cc"):
            with pytest.raises(RuntimeError) as e:
                scope.__exit__(None, None, None)
            assert str(e.value) == "Improper nesting of variable_scope."
        scope.__exit__(None, None, None)
    assert tf.get_variable_scope().name == ""


def test_initializer_from_non_tensor_value_and_bad_value():
    v = tf.get_variable("v4", initializer=4, dtype=tf.int32)
    assert repr(v) == "<tf.Variable 'v4:0' shape=() dtype=int32_ref>"
    w = tf.get_variable("w4", initializer=np.array([1, 2, 3]), dtype=tf.int64)
    assert repr(w) == "<tf.Variable 'w4:0' shape=(3,) dtype=int64_ref>"
    with pytest.raises(TypeError):
        tf.get_variable("x4", initializer={})


def test_zero_initializer_for_every_integer_and_bool_dtype():
    for i, dt in enumerate([tf.int8, tf.uint8, tf.int16, tf.uint16, tf.int32, tf.int64, tf.bool]):
        x = tf.get_variable("xx%d" % i, shape=(3, 4), dtype=dt)
        assert x.initial_value.name == "xx%d/Initializer/zeros:0" % i
        assert x.dtype == dt._as_ref()


def test_scope_initializer_set_through_get_variable_scope_goes_away_on_exit():
    init = tf.constant_initializer(0.3)
    with tf.variable_scope("bar"):
        assert tf.get_variable_scope().initializer is None
        tf.get_variable_scope().set_initializer(init)
        assert tf.get_variable_scope().initializer is init
        v = tf.get_variable("v", [])
        assert v.initial_value.name == "bar/v/Initializer/Const:0"
        tf.get_variable_scope().reuse_variables()
        with pytest.raises(ValueError):
            tf.get_variable("w", [1])
    assert tf.get_variable_scope().initializer is None


def test_regularizers_and_no_regularizer():
    def reg1(v):
        return tf.identity(v, name="r1")

    def reg2(v):
        return tf.identity(v, name="r2")

    with tf.variable_scope("tower3", regularizer=reg1) as tower:
        with tf.variable_scope("foo"):
            tf.get_variable("v", [])
            losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
            assert [l.name for l in losses] == ["tower3/foo/v/Regularizer/r1:0"]
        with tf.variable_scope(tower) as vs:
            tf.get_variable("u", [])
            vs.set_regularizer(reg2)
            tf.get_variable("w", [])
            tf.get_variable("x", [], regularizer=tf.no_regularizer)
            with tf.variable_scope("baz", regularizer=tf.no_regularizer):
                tf.get_variable("y", [])
            vs.set_regularizer(tf.no_regularizer)
            tf.get_variable("z", [])
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert [l.name for l in losses] == [
        "tower3/foo/v/Regularizer/r1:0", "tower3/u/Regularizer/r1:0",
        "tower3/w/Regularizer/r2:0"]
    with tf.variable_scope("tower3/foo", reuse=True):
        tf.get_variable("v", [])
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 3


def test_var_scope_name_scopes():
    with tf.variable_scope("tower4") as tower:
        assert tower.name == "tower4"
        with tf.name_scope("scope") as sc:
            assert sc == "tower4/scope/"
    with tf.variable_scope("tower5"):
        with tf.variable_scope("bar") as bar:
            assert bar.name == "tower5/bar"
            with tf.name_scope("scope") as sc:
                assert sc == "tower5/bar/scope/"
    with tf.variable_scope("tower6"):
        with tf.variable_scope(tower, reuse=True) as tower_shared:
            assert tower_shared.name == "tower4"
            with tf.name_scope("scope") as sc:
                assert sc == "tower6/tower4/scope/"


def test_reentering_acts_like_another_tower():
    with tf.name_scope("testVarScopeNameScope1"):
        with tf.variable_scope("tower") as tower:
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "testVarScopeNameScope1/tower/scope2/"
        with tf.variable_scope(tower):
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "testVarScopeNameScope1/tower_1/scope2/"
        with tf.variable_scope("tower"):
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "testVarScopeNameScope1/tower_2/scope2/"
    with tf.name_scope("testVarScopeNameScope2"):
        with tf.variable_scope("tower"):
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "testVarScopeNameScope2/tower/scope2/"
        with tf.variable_scope(tower):
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "testVarScopeNameScope2/tower_1/scope2/"
    root = tf.get_variable_scope()
    with tf.name_scope("testVarScopeNameScope3"):
        with tf.variable_scope(root):
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "testVarScopeNameScope3/scope2/"


def test_var_op_scope_with_default_names():
    with tf.name_scope("testVarOpScope1"):
        with tf.variable_scope("tower", "default", []):
            assert tf.get_variable("w", []).name == "tower/w:0"
            with tf.name_scope("testVarOpScope2") as sc2:
                assert sc2 == "testVarOpScope1/tower/testVarOpScope2/"
        with tf.variable_scope("tower", "default", []):
            with pytest.raises(ValueError):
                tf.get_variable("w", [])
            with tf.name_scope("testVarOpScope2") as sc2:
                assert sc2 == "testVarOpScope1/tower_1/testVarOpScope2/"
    with tf.name_scope("testVarOpScope2"):
        with tf.variable_scope(None, "default", []):
            assert tf.get_variable("w", []).name == "default/w:0"
            with tf.name_scope("testVarOpScope2") as sc2:
                assert sc2 == "testVarOpScope2/default/testVarOpScope2/"
        with tf.variable_scope(None, "default", []):
            assert tf.get_variable("w", []).name == "default_1/w:0"
            with tf.name_scope("testVarOpScope2") as sc2:
                assert sc2 == "testVarOpScope2/default_1/testVarOpScope2/"


def test_default_name_numbering_continues_across_a_jump():
    with tf.variable_scope("default") as default:
        with tf.variable_scope(None, "layer"):
            assert tf.get_variable("w", []).name == "default/layer/w:0"
        with tf.variable_scope(None, "layer"):
            assert tf.get_variable("w", []).name == "default/layer_1/w:0"
        with tf.variable_scope(default):
            pass
        with tf.variable_scope(None, "layer"):
            assert tf.get_variable("w", []).name == "default/layer_2/w:0"


def test_var_op_scope_reuse():
    with tf.variable_scope("outer") as outer:
        with tf.variable_scope("tower", "default", []):
            assert tf.get_variable("w", []).name == "outer/tower/w:0"
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "outer/tower/scope2/"
        with tf.variable_scope(None, "default", []):
            assert tf.get_variable("w", []).name == "outer/default/w:0"
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "outer/default/scope2/"
    with tf.variable_scope(outer, reuse=True) as outer:
        with tf.variable_scope("tower", "default", []):
            assert tf.get_variable("w", []).name == "outer/tower/w:0"
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "outer_1/tower/scope2/"
        with tf.variable_scope(None, "default", []):
            assert tf.get_variable("w", []).name == "outer/default/w:0"
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "outer_1/default/scope2/"


def test_var_scope_get_var():
    with tf.variable_scope("root"):
        with tf.variable_scope("towerA") as tower_a:
            va = tf.get_variable("v", [1])
            assert va.name == "root/towerA/v:0"
        with tf.variable_scope(tower_a, reuse=True):
            assert tf.get_variable("v", [1]) is va
        with tf.variable_scope("towerB"):
            assert tf.get_variable("v", [1]).name == "root/towerB/v:0"
        with pytest.raises(ValueError):
            with tf.variable_scope("towerA"):
                tf.get_variable("v", [1])
        with tf.variable_scope("towerA", reuse=True):
            assert tf.get_variable("v", [1]) is va
        with tf.variable_scope("foo"):
            with tf.variable_scope("bar"):
                assert tf.get_variable("v", [1]).name == "root/foo/bar/v:0"
                with tf.variable_scope(tower_a, reuse=True):
                    assert tf.get_variable("v", [1]) is va
        with pytest.raises(ValueError):
            with tf.variable_scope(tower_a, reuse=True):
                with tf.variable_scope("baz"):
                    tf.get_variable("v", [1])
        with pytest.raises(ValueError) as e:
            with tf.variable_scope(tower_a, reuse=True):
                tf.get_variable("v", [2])
        assert str(e.value) == ("Trying to share variable root/towerA/v, but specified shape "
                                "(2,) and found shape (1,).")
        with pytest.raises(ValueError) as e:
            with tf.variable_scope(tower_a, reuse=True):
                tf.get_variable("v", [1], dtype=tf.int32)
        assert str(e.value) == ("Trying to share variable root/towerA/v, but specified dtype "
                                "int32 and found dtype float32_ref.")


def test_nested_outer_scope():
    with tf.variable_scope("outer") as outer:
        with tf.variable_scope(outer):
            assert tf.get_variable("w", []).name == "outer/w:0"
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "outer/outer/scope2/"
        with tf.variable_scope("default"):
            assert tf.get_variable("w", []).name == "outer/default/w:0"
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "outer/default/scope2/"
        with tf.variable_scope(outer, reuse=True):
            assert tf.get_variable("w", []).name == "outer/w:0"
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "outer/outer_1/scope2/"
        with tf.variable_scope("default", reuse=True):
            assert tf.get_variable("w", []).name == "outer/default/w:0"
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "outer/default_1/scope2/"


def test_reuse_param_and_reuse_variables_on_reentered_outer():
    with tf.variable_scope("outer") as outer:
        with tf.variable_scope("tower", "default", []):
            tf.get_variable("w", [])
        with tf.variable_scope(None, "default", []):
            tf.get_variable("w", [])
    with tf.variable_scope(outer) as outer:
        with tf.variable_scope("tower", "default", reuse=True):
            assert tf.get_variable("w", []).name == "outer/tower/w:0"
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "outer_1/tower/scope2/"
        outer.reuse_variables()
        with tf.variable_scope(None, "default", []):
            assert tf.get_variable("w", []).name == "outer/default/w:0"
            with tf.name_scope("scope2") as sc2:
                assert sc2 == "outer_1/default/scope2/"


def test_auxiliary_name_scope_false_with_default_name_and_root():
    with tf.variable_scope(None, default_name="default", auxiliary_name_scope=False) as scope:
        assert scope.original_name_scope == ""
        assert tf.get_variable("w", []).name == "default/w:0"
        assert tf.constant([], name="c").name == "c:0"
    with tf.name_scope("default"):
        assert tf.constant([], name="c").name == "default/c:0"
    with tf.variable_scope("outer"):
        with tf.variable_scope(None, default_name="default",
                               auxiliary_name_scope=False) as inner:
            assert inner.original_name_scope == "outer/"
            assert tf.get_variable("w", []).name == "outer/default/w:0"
            assert tf.constant([], name="c").name == "outer/c:0"
        with tf.name_scope("default"):
            assert tf.constant([], name="c").name == "outer/default/c:0"
    root = tf.get_variable_scope()
    with tf.variable_scope(root, auxiliary_name_scope=False) as scope:
        assert scope.original_name_scope == ""
        assert tf.get_variable("w1", []).name == "w1:0"
    with tf.variable_scope("outer2"):
        with tf.variable_scope(root, auxiliary_name_scope=False) as inner:
            assert inner.original_name_scope == ""
            assert tf.get_variable("w2", []).name == "w2:0"
            assert tf.constant([], name="c1").name == "outer2/c1:0"


def test_auxiliary_name_scope_must_be_bool():
    for args in ((None, "scope"), ("scope", None)):
        with pytest.raises(TypeError) as e:
            with tf.variable_scope(*args, auxiliary_name_scope="invalid"):
                pass
        assert str(e.value) == ("The auxiliary_name_scope must be `True` or `False`, while get "
                                "invalid")


def test_reuse_scope_without_name_scope_collision():
    with tf.variable_scope("outer"):
        with tf.variable_scope("inner") as inner:
            pass
    with tf.variable_scope(inner, auxiliary_name_scope=False) as scope:
        with tf.name_scope(scope.original_name_scope):
            assert tf.get_variable("w", []).name == "outer/inner/w:0"
            assert tf.constant([], name="c").name == "outer/inner/c:0"
        with tf.name_scope("inner"):
            assert tf.constant([], name="c").name == "inner/c:0"
    with tf.variable_scope("another"):
        with tf.variable_scope(inner, auxiliary_name_scope=False) as scope1:
            with tf.name_scope(scope1.original_name_scope):
                assert tf.get_variable("w1", []).name == "outer/inner/w1:0"
                assert tf.constant([], name="c1").name == "outer/inner/c1:0"
            with tf.name_scope("inner"):
                assert tf.constant([], name="c").name == "another/inner/c:0"


def test_local_variable_naming_collections_and_reuse():
    with tf.variable_scope("outer") as outer:
        with tf.variable_scope(outer, "default", []):
            local_var = tf.get_local_variable("w", [], collections=["foo"])
            assert local_var.name == "outer/w:0"
    assert local_var in tf.get_collection(tf.GraphKeys.LOCAL_VARIABLES)
    assert local_var in tf.get_collection("foo")
    assert local_var not in tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)
    with tf.variable_scope(outer, "default", reuse=True):
        assert tf.get_local_variable("w", []).name == "outer/w:0"


def test_trainable_by_synchronization():
    with tf.variable_scope("foo") as scope:
        tf.get_variable("b", [])
        tf.get_variable("c", [], trainable=False)
        tf.get_variable("d", [], synchronization=tf.VariableSynchronization.ON_READ)
        assert [v.name for v in scope.trainable_variables()] == ["foo/b:0"]
        with pytest.raises(ValueError):
            tf.get_variable("e", [], synchronization=tf.VariableSynchronization.ON_READ,
                            trainable=True)
        tf.get_variable("f", [], synchronization=tf.VariableSynchronization.ON_WRITE)
        assert [v.name for v in scope.trainable_variables()] == ["foo/b:0", "foo/f:0"]
        tf.Variable(1.0, name="g", synchronization=tf.VariableSynchronization.ON_READ)
        assert [v.name for v in scope.trainable_variables()] == ["foo/b:0", "foo/f:0"]


def test_local_variables_collection_filtered_by_scope():
    tf.get_variable("a", [], collections=[tf.GraphKeys.LOCAL_VARIABLES])
    with tf.variable_scope("foo") as scope:
        tf.get_variable("b", [], collections=[tf.GraphKeys.LOCAL_VARIABLES])
        tf.get_variable("c", [])
        assert [v.name for v in scope.local_variables()] == ["foo/b:0"]


def test_get_variable_with_ref_dtype_and_optional_arg_initializers():
    v = tf.get_variable("v", shape=[3, 4], dtype=tf.float32)
    tf.get_variable("w", shape=[5, 6], dtype=v.dtype)
    assert tf.get_variable("foo", initializer=lambda: [2]).name == "foo:0"
    assert tf.get_variable("foo2", initializer=lambda x=True: [2]).name == "foo2:0"
    with pytest.raises(ValueError) as e:
        tf.get_variable("foo3", initializer=lambda x: [2])
    assert str(e.value).startswith("The initializer passed is not valid.")


def test_invalid_scope_name_inside_two_graphs():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        with g2.as_default():
            with pytest.raises(ValueError) as e:
                with tf.variable_scope("_"):
                    pass
    assert str(e.value) == "'_' is not a valid scope name"


def axis0_into1(shape=None, **unused):
    return [1] * len(shape)


def axis0_into2(shape=None, **unused):
    return [2] + [1] * (len(shape) - 1)


def axis0_into3(shape=None, **unused):
    return [3] + [1] * (len(shape) - 1)


def test_partitioned_variable_names_and_reuse():
    with tf.variable_scope("scope0", partitioner=axis0_into2):
        v = tf.get_variable("name0", shape=(3, 1, 1))
        assert v.name == "scope0/name0"
        v_concat = v.as_tensor()
        assert v_concat.name == "scope0/name0:0"
        assert v_concat.op.inputs[0].name == "scope0/name0/ConcatPartitions/concat:0"
        assert v_concat.get_shape().as_list() == [3, 1, 1]
        names = [x.name for x in tf.global_variables()]
        assert names == ["scope0/name0/part_0:0", "scope0/name0/part_1:0"]
        assert [p.get_shape().as_list() for p in v] == [[2, 1, 1], [1, 1, 1]]
        assert tf.get_variable("s", shape=()).name == "scope0/s:0"
    for partitioner in (axis0_into3, axis0_into1):
        with tf.variable_scope("scope0", partitioner=partitioner, reuse=True):
            with pytest.raises(ValueError) as e:
                tf.get_variable("name0", shape=(3, 1, 1))
            assert str(e.value).startswith("Trying to reuse partitioned variable scope0/name0, "
                                           "but specified partitions [")
    with tf.variable_scope("scope0", reuse=True):
        assert tf.get_variable("name0") is v
    with tf.variable_scope("scope0", partitioner=axis0_into2) as vs:
        assert vs.partitioner is axis0_into2
        with tf.variable_scope(vs) as vs1:
            assert vs1.partitioner is axis0_into2


def test_partitions_along_the_right_axis():
    with tf.variable_scope("root"):
        v0 = tf.get_variable("n0", shape=(2, 2, 2), partitioner=lambda **kw: (2, 1, 1))
        v1 = tf.get_variable("n1", shape=(2, 2, 2), partitioner=lambda **kw: (1, 2, 1))
    assert [p.get_shape().as_list() for p in v0] == [[1, 2, 2], [1, 2, 2]]
    assert [p.get_shape().as_list() for p in v1] == [[2, 1, 2], [2, 1, 2]]


def test_non_callable_custom_getter_fails():
    with pytest.raises(ValueError) as e:
        with tf.variable_scope("scope0", custom_getter=3):
            tf.get_variable("name0")
    assert str(e.value) == "Passed a custom_getter which is not callable: 3"
    with pytest.raises(ValueError):
        tf.get_variable("name0", custom_getter=3)


def test_identity_custom_getter_has_no_side_effects():
    called = [0]

    def custom_getter(getter, *args, **kwargs):
        called[0] += 1
        return getter(*args, **kwargs)

    with tf.variable_scope("scope", custom_getter=custom_getter) as scope:
        v = tf.get_variable("v", [1])
    with tf.variable_scope(scope, reuse=True):
        v2 = tf.get_variable("v", [1])
    with tf.variable_scope("new_scope") as new_scope:
        v3 = tf.get_variable("v3", [1])
    with tf.variable_scope(new_scope, reuse=True, custom_getter=custom_getter):
        v4 = tf.get_variable("v3", [1])
    assert v is v2 and v3 is v4
    assert called[0] == 3


def test_custom_getter_sees_synchronization_and_aggregation():
    seen = []

    def custom_getter(getter, *args, **kwargs):
        seen.append((kwargs["synchronization"], kwargs["aggregation"]))
        return getter(*args, **kwargs)

    with tf.variable_scope("scope", custom_getter=custom_getter):
        tf.get_variable("v", [1])
        tf.get_variable("v1", [1], synchronization=tf.VariableSynchronization.ON_READ,
                        aggregation=tf.VariableAggregation.MEAN)
    assert seen == [(tf.VariableSynchronization.AUTO, tf.VariableAggregation.NONE),
                    (tf.VariableSynchronization.ON_READ, tf.VariableAggregation.MEAN)]


def test_custom_getter_with_reuse_returns_tensors_named_at_the_root():
    def custom_getter(getter, *args, **kwargs):
        var = getter(*args, **kwargs)
        return tf.identity(var, name="reused" if kwargs["reuse"] else "not_reused")

    with tf.variable_scope("scope", custom_getter=custom_getter) as scope:
        v = tf.get_variable("v", [1])
    with tf.variable_scope(scope, reuse=True):
        v2 = tf.get_variable("v", [1])
    assert v.name == "not_reused:0"
    assert v2.name == "reused:0"


def test_getter_that_creates_two_variables_and_sums_them():
    def custom_getter(getter, name, *args, **kwargs):
        g_0 = getter("%s/0" % name, *args, **kwargs)
        g_1 = getter("%s/1" % name, *args, **kwargs)
        with tf.name_scope("custom_getter"):
            return g_0 + g_1

    with tf.variable_scope("scope", custom_getter=custom_getter):
        v = tf.get_variable("v", [1, 2, 3])
    assert v.get_shape().as_list() == [1, 2, 3]
    assert [x.name for x in tf.trainable_variables()] == ["scope/v/0:0", "scope/v/1:0"]
    assert v.name == "custom_getter/add:0"


def test_nested_custom_getters_run_innermost_first():
    def sum_getter(getter, name, *args, **kwargs):
        g_0 = getter("%s/sum_0" % name, *args, **kwargs)
        g_1 = getter("%s/sum_1" % name, *args, **kwargs)
        with tf.name_scope("sum_getter"):
            return g_0 + g_1

    def prod_getter(getter, name, *args, **kwargs):
        g_0 = getter("%s/prod_0" % name, *args, **kwargs)
        g_1 = getter("%s/prod_1" % name, *args, **kwargs)
        with tf.name_scope("prod_getter"):
            return g_0 * g_1

    with tf.variable_scope("prod_scope", custom_getter=prod_getter):
        with tf.variable_scope("sum_scope", custom_getter=sum_getter):
            with tf.variable_scope("inner_sum_scope", custom_getter=sum_getter):
                v = tf.get_variable("v", [1, 2, 3])
    assert v.get_shape().as_list() == [1, 2, 3]
    template = "prod_scope/sum_scope/inner_sum_scope/v/sum_%d/sum_%d/prod_%d:0"
    expected = [template % (a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1)]
    assert [x.name for x in tf.trainable_variables()] == expected


def test_two_threads_share_the_store_but_not_the_scope_stack():
    graph = tf.get_default_graph()
    results = {}

    def thread_fn(i):
        with graph.as_default():
            with tf.variable_scope("foo"):
                try:
                    results[i] = tf.get_variable("v", []).name
                except ValueError as e:
                    results[i] = type(e).__name__

    for i in range(2):
        t = threading.Thread(target=thread_fn, args=(i,))
        t.start()
        t.join()
    assert results == {0: "foo/v:0", 1: "ValueError"}


def test_thread_reenters_the_main_thread_scope_object():
    graph = tf.get_default_graph()
    names = []

    def thread_fn(main_scope):
        with graph.as_default():
            with tf.variable_scope(main_scope):
                with tf.variable_scope("foo"):
                    names.append(tf.get_variable("v", []).name)
            with tf.variable_scope("bar"):
                names.append(tf.get_variable("v", []).name)

    with tf.variable_scope("main") as main_scope:
        t = threading.Thread(target=thread_fn, args=(main_scope,))
        t.start()
        t.join()
    assert names == ["main/foo/v:0", "bar/v:0"]


def test_partitioned_variables_slice_value_and_tensor_initializers():
    two_rows = lambda shape, dtype: [2, 1]  # noqa: E731
    with tf.variable_scope("s", partitioner=two_rows):
        p = tf.get_variable("p", initializer=tf.constant(np.zeros((3, 2), np.float32)))
        r = tf.get_variable("r", [3, 2], initializer=np.ones((3, 2), np.float32))
        with pytest.raises(ValueError) as e:
            tf.get_variable("u", initializer=np.ones((3, 2), np.float32))
    assert str(e.value) == ("Shape of a new partitioned variable must be fully defined, but "
                            "instead was <unknown>.")
    assert [v.get_shape().as_list() for v in p] == [[2, 2], [1, 2]]
    assert [v.get_shape().as_list() for v in r] == [[2, 2], [1, 2]]
    part = list(r)[1]
    assert part.initial_value.name == "s/r/part_1/PartitionedInitializer/Slice:0"
    assert [t.name for t in part.initial_value.op.inputs] == [
        "s/r/part_1/PartitionedInitializer/Const:0",
        "s/r/part_1/PartitionedInitializer/Slice/begin:0",
        "s/r/part_1/PartitionedInitializer/Slice/size:0"]
