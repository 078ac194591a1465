"""tf.train.Saver: the save/ subgraph with TF 1.15's names, attrs and order; save and restore
through a Session; max_to_keep and the `checkpoint` state file; TF's errors."""

import os
import pathlib

import numpy as np
import pytest

import scopeflow as tf

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden"


def two_vars():
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
    b = tf.Variable([0.5, -0.5], name="b")
    return w, b


def strings(op):
    """A string Const's value as a list of str."""
    return list(op.get_attr("value").strings())


def names_and_types(prefix):
    return [(op.name, op.type) for op in tf.get_default_graph().get_operations()
            if op.name.startswith(prefix)]


# ---- the graph ---------------------------------------------------------------------------------

def test_save_subgraph_names_and_order():
    two_vars()
    saver = tf.train.Saver()
    assert names_and_types("save/") == [
        ("save/filename/input", "Const"),
        ("save/filename", "PlaceholderWithDefault"),
        ("save/Const", "PlaceholderWithDefault"),
        ("save/SaveV2/tensor_names", "Const"),
        ("save/SaveV2/shape_and_slices", "Const"),
        ("save/SaveV2", "SaveV2"),
        ("save/control_dependency", "Identity"),
        ("save/RestoreV2/tensor_names", "Const"),
        ("save/RestoreV2/shape_and_slices", "Const"),
        ("save/RestoreV2", "RestoreV2"),
        ("save/Assign", "Assign"),
        ("save/Assign_1", "Assign"),
        ("save/restore_all", "NoOp"),
    ]
    sd = saver.as_saver_def()
    assert sd is saver.saver_def
    assert sd.filename_tensor_name == "save/Const:0"
    assert sd.save_tensor_name == "save/control_dependency:0"
    assert sd.restore_op_name == "save/restore_all"
    assert sd.max_to_keep == 5
    assert sd.keep_checkpoint_every_n_hours == 10000.0
    assert not sd.sharded
    assert sd.version == tf.train.SaverDef.V2 == 2


def test_save_subgraph_inputs_and_attrs():
    two_vars()
    tf.train.Saver()
    g = tf.get_default_graph()
    op = g.get_operation_by_name
    # Keys sorted: b before w; SaveV2 takes the variables' ref outputs.
    save = op("save/SaveV2")
    assert [t.name for t in save.inputs] == ["save/Const:0", "save/SaveV2/tensor_names:0",
                                             "save/SaveV2/shape_and_slices:0", "b:0", "w:0"]
    assert save.get_attr("dtypes") == [tf.float32, tf.float32]
    assert strings(op("save/SaveV2/tensor_names")) == ["b", "w"]
    assert strings(op("save/SaveV2/shape_and_slices")) == ["", ""]
    cd = op("save/control_dependency")
    assert [t.name for t in cd.inputs] == ["save/Const:0"]
    assert [c.name for c in cd.control_inputs] == ["save/SaveV2"]
    assert cd.get_attr("_class") == [b"loc:@save/Const"]
    restore = op("save/RestoreV2")
    assert restore.device == "/device:CPU:0"
    assert op("save/RestoreV2/tensor_names").device == "/device:CPU:0"
    assert op("save/SaveV2").device == ""
    assert restore.get_attr("dtypes") == [tf.float32, tf.float32]
    a1 = op("save/Assign_1")
    assert [t.name for t in a1.inputs] == ["w:0", "save/RestoreV2:1"]
    assert a1.get_attr("_class") == [b"loc:@w"]
    assert a1.get_attr("validate_shape") is True
    assert a1.get_attr("use_locking") is True
    assert [c.name for c in op("save/restore_all").control_inputs] == ["save/Assign",
                                                                       "save/Assign_1"]
    assert strings(op("save/filename/input")) == ["model"]


def test_second_saver_and_named_saver():
    two_vars()
    tf.train.Saver()
    s2 = tf.train.Saver()
    assert s2.saver_def.restore_op_name == "save_1/restore_all"
    s3 = tf.train.Saver(name="my_saver", filename="weights")
    assert s3.saver_def.filename_tensor_name == "my_saver/Const:0"
    g = tf.get_default_graph()
    assert strings(g.get_operation_by_name("my_saver/filename/input")) == ["weights"]


def test_var_list_dict_renames_and_list_uses_op_names(tmp_path):
    w, b = two_vars()
    saver = tf.train.Saver({"renamed/weights": w})
    g = tf.get_default_graph()
    assert strings(g.get_operation_by_name("save/SaveV2/tensor_names")) == ["renamed/weights"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"), write_meta_graph=False)
    assert tf.train.list_variables(path) == [("renamed/weights", [2, 3])]
    saver2 = tf.train.Saver([b])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver2.save(sess, str(tmp_path / "n"), write_meta_graph=False)
    assert tf.train.list_variables(path) == [("b", [2])]


def test_default_var_list_includes_optimizer_slots(tmp_path):
    x = tf.placeholder(tf.float32, [None, 2])
    with tf.variable_scope("dense"):
        w = tf.get_variable("kernel", [2, 1], initializer=tf.ones_initializer())
    loss = tf.reduce_sum(tf.matmul(x, w))
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    saver = tf.train.Saver()
    assert saver.saver_def.save_tensor_name == "save/control_dependency:0"
    assert strings(tf.get_default_graph().get_operation_by_name("save/SaveV2/tensor_names")) == [
        "beta1_power", "beta2_power", "dense/kernel", "dense/kernel/Adam", "dense/kernel/Adam_1"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: [[1.0, 2.0]]})
        path = saver.save(sess, str(tmp_path / "adam"), write_meta_graph=False)
        m = sess.run(tf.get_default_graph().get_tensor_by_name("dense/kernel/Adam:0"))
    np.testing.assert_array_equal(tf.train.load_variable(path, "dense/kernel/Adam"), m)
    assert tf.train.load_variable(path, "beta1_power") == np.float32(0.9) * np.float32(0.9)


def test_base_saver_builder_restores_each_variable_on_its_own():
    two_vars()
    tf.train.Saver(builder=tf.train.BaseSaverBuilder())
    assert [n for n, _ in names_and_types("save/")][6:] == [
        "save/control_dependency",
        "save/RestoreV2/tensor_names", "save/RestoreV2/shape_and_slices", "save/RestoreV2",
        "save/RestoreV2_1/tensor_names", "save/RestoreV2_1/shape_and_slices", "save/RestoreV2_1",
        "save/Assign", "save/Assign_1", "save/restore_all"]


# ---- save and restore ----------------------------------------------------------------------


def test_save_and_restore_round_trip(tmp_path):
    w, b = two_vars()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(w, np.full((2, 3), 7.0, np.float32)))
        path = saver.save(sess, str(tmp_path / "model.ckpt"))
        assert path == str(tmp_path / "model.ckpt")
        sess.run(tf.assign(w, np.zeros((2, 3), np.float32)))
        saver.restore(sess, path)
        np.testing.assert_array_equal(sess.run(w), np.full((2, 3), 7.0, np.float32))
    # A fresh session restores without running the initializers (restore initializes).
    with tf.Session() as sess:
        saver.restore(sess, path)
        np.testing.assert_array_equal(sess.run(b), np.array([0.5, -0.5], np.float32))
    files = sorted(os.listdir(tmp_path))
    assert files[:3] == ["checkpoint", "model.ckpt.data-00000-of-00001", "model.ckpt.index"]


def test_global_step_and_padding(tmp_path):
    two_vars()
    step = tf.train.get_or_create_global_step()
    saver = tf.train.Saver(pad_step_number=True)
    plain = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(step, 12))
        assert saver.save(sess, str(tmp_path / "m"), global_step=step,
                          write_meta_graph=False) == str(tmp_path / "m-00000012")
        assert plain.save(sess, str(tmp_path / "m"), global_step=3,
                          write_meta_graph=False) == str(tmp_path / "m-3")
        assert plain.save(sess, str(tmp_path / "m"), global_step="global_step:0",
                          write_meta_graph=False) == str(tmp_path / "m-12")


def test_max_to_keep_deletes_old_files_and_keeps_the_state_file(tmp_path):
    two_vars()
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(4):
            saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step,
                       write_meta_graph=False)
    assert saver.last_checkpoints == [str(tmp_path / "model.ckpt-2"),
                                      str(tmp_path / "model.ckpt-3")]
    assert sorted(os.listdir(tmp_path)) == [
        "checkpoint",
        "model.ckpt-2.data-00000-of-00001", "model.ckpt-2.index",
        "model.ckpt-3.data-00000-of-00001", "model.ckpt-3.index"]
    state = (tmp_path / "checkpoint").read_text()
    assert state == ('model_checkpoint_path: "%s/model.ckpt-3"\n'
                     'all_model_checkpoint_paths: "%s/model.ckpt-2"\n'
                     'all_model_checkpoint_paths: "%s/model.ckpt-3"\n' % ((tmp_path,) * 3))
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "model.ckpt-3")
    ckpt = tf.train.get_checkpoint_state(str(tmp_path))
    assert ckpt.model_checkpoint_path == str(tmp_path / "model.ckpt-3")
    assert list(ckpt.all_model_checkpoint_paths) == [str(tmp_path / "model.ckpt-2"),
                                                     str(tmp_path / "model.ckpt-3")]
    assert tf.train.checkpoint_exists(str(tmp_path / "model.ckpt-3"))
    assert not tf.train.checkpoint_exists(str(tmp_path / "model.ckpt-1"))


def test_relative_paths_in_the_state_file(tmp_path, monkeypatch):
    two_vars()
    saver = tf.train.Saver(save_relative_paths=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saver.save(sess, str(tmp_path / "model.ckpt"), write_meta_graph=False)
    assert (tmp_path / "checkpoint").read_text() == (
        'model_checkpoint_path: "model.ckpt"\nall_model_checkpoint_paths: "model.ckpt"\n')
    # A relative save path from the working directory, as the golden notebooks did.
    monkeypatch.chdir(tmp_path)
    os.mkdir("sub")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert tf.train.Saver().save(sess, "./sub/model.ckpt",
                                     write_meta_graph=False) == "./sub/model.ckpt"
    assert (tmp_path / "sub" / "checkpoint").read_text() == (
        'model_checkpoint_path: "model.ckpt"\nall_model_checkpoint_paths: "model.ckpt"\n')
    assert tf.train.latest_checkpoint("sub") == "sub/model.ckpt"


def test_max_to_keep_zero_and_keep_every_n_hours(tmp_path):
    two_vars()
    keep_all = tf.train.Saver(max_to_keep=0)
    hourly = tf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=1e-9)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(3):
            keep_all.save(sess, str(tmp_path / "a"), global_step=step, write_meta_graph=False)
            hourly.save(sess, str(tmp_path / "b"), global_step=step, write_meta_graph=False,
                        latest_filename="checkpoint_b")
    files = sorted(os.listdir(tmp_path))
    assert [f for f in files if f.startswith("a-") and f.endswith(".index")] == \
        ["a-0.index", "a-1.index", "a-2.index"]
    # max_to_keep=0 keeps only the last one in the state file.
    assert keep_all.last_checkpoints == []
    assert (tmp_path / "checkpoint").read_text() == (
        'model_checkpoint_path: "%s/a-2"\nall_model_checkpoint_paths: "%s/a-2"\n' %
        (tmp_path, tmp_path))
    # Every checkpoint is older than the (tiny) period, so none is deleted.
    assert [f for f in files if f.startswith("b-") and f.endswith(".index")] == \
        ["b-0.index", "b-1.index", "b-2.index"]
    assert hourly.last_checkpoints == [str(tmp_path / "b-2")]


def test_saver_from_saver_def_restores(tmp_path):
    w, _ = two_vars()
    saver = tf.train.Saver()
    again = tf.train.Saver(saver_def=saver.as_saver_def())
    assert again.saver_def.restore_op_name == "save/restore_all"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = again.save(sess, str(tmp_path / "m"), write_meta_graph=False)
        sess.run(tf.assign(w, np.zeros((2, 3), np.float32)))
        again.restore(sess, path)
        assert sess.run(w)[1, 2] == 5.0
    assert tf.train.Saver.from_proto(saver.to_proto()).saver_def == saver.saver_def


def test_reshape_restores_across_shapes(tmp_path):
    v = tf.Variable(np.arange(6, dtype=np.float32), name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"), write_meta_graph=False)
    tf.reset_default_graph()
    v2 = tf.Variable(np.zeros((2, 3), np.float32), name="v")
    saver2 = tf.train.Saver(reshape=True)
    with tf.Session() as sess:
        saver2.restore(sess, path)
        np.testing.assert_array_equal(sess.run(v2), np.arange(6, dtype=np.float32).reshape(2, 3))
    assert v.shape.as_list() == [6]


def test_write_meta_graph(tmp_path):
    two_vars()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saver.save(sess, str(tmp_path / "model.ckpt"), global_step=5)
    from scopeflow.proto import meta_graph_pb2
    meta = meta_graph_pb2.MetaGraphDef()
    meta.ParseFromString((tmp_path / "model.ckpt-5.meta").read_bytes())
    assert meta.saver_def.restore_op_name == "save/restore_all"
    names = [n.name for n in meta.graph_def.node]
    assert names[-2:] == ["save/restore_all", "init"]


# ---- errors ----------------------------------------------------------------------------------


def test_restore_of_a_missing_checkpoint(tmp_path):
    two_vars()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(ValueError) as e:
            saver.restore(sess, str(tmp_path / "nothing"))
        assert str(e.value) == ("The passed save_path is not a valid checkpoint: " +
                                str(tmp_path / "nothing"))
        with pytest.raises(ValueError) as e:
            saver.restore(sess, None)
        assert str(e.value) == "Can't load save_path when it is None."


def _checkpoint_of(tmp_path, name, **values):
    with tf.Graph().as_default():
        vs = [tf.Variable(v, name=k) for k, v in values.items()]
        s = tf.train.Saver(vs)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return s.save(sess, str(tmp_path / name), write_meta_graph=False)


def test_restore_with_a_missing_key_is_wrapped_not_found(tmp_path):
    path = _checkpoint_of(tmp_path, "only_b", b=np.zeros(2, np.float32))
    two_vars()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.NotFoundError) as e:
            saver.restore(sess, path)
    assert str(e.value) == (
        "Restoring from checkpoint failed. This is most likely due to a Variable name or other "
        "graph key that is missing from the checkpoint. Please ensure that you have not altered "
        "the graph expected based on the checkpoint. Original error:\n\n"
        "Key w not found in checkpoint\n\t [[{{node save/RestoreV2}}]]")
    assert e.value.op.name == "save/RestoreV2"


def test_restore_with_another_shape_is_wrapped_invalid_argument(tmp_path):
    path = _checkpoint_of(tmp_path, "three", v=np.zeros(3, np.float32))
    v = tf.Variable([1.0, 2.0], name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            saver.restore(sess, path)
    assert str(e.value) == (
        "Restoring from checkpoint failed. This is most likely due to a mismatch between the "
        "current graph and the graph from the checkpoint. Please ensure that you have not "
        "altered the graph expected based on the checkpoint. Original error:\n\n"
        "Assign requires shapes of both tensors to match. lhs shape= [2] rhs shape= [3]\n\t "
        "[[{{node save/Assign}}]]")


# TF checks an uninitialized variable against its declared shape.
def test_restore_with_another_shape_into_an_uninitialized_variable(tmp_path):
    path = _checkpoint_of(tmp_path, "three", v=np.zeros(3, np.float32))
    tf.Variable([1.0, 2.0], name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            saver.restore(sess, path)
    assert str(e.value).endswith("Assign requires shapes of both tensors to match. lhs shape= "
                                 "[2] rhs shape= [3]\n\t [[{{node save/Assign}}]]")


def test_restore_with_another_dtype(tmp_path):
    path = _checkpoint_of(tmp_path, "ints", v=np.zeros(2, np.int32))
    tf.Variable([1.0, 2.0], name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            saver.restore(sess, path)
    assert str(e.value).endswith(
        "Original error:\n\ntensor_name = v; expected dtype float does not equal original dtype "
        "int32\n\t [[{{node save/RestoreV2}}]]")


def test_constructor_errors():
    w, b = two_vars()
    with pytest.raises(TypeError) as e:
        tf.train.Saver(w)
    assert str(e.value).startswith("Variables to save should be passed in a dict or a list: ")
    with pytest.raises(ValueError) as e:
        tf.train.Saver({"v0": w, "v0too": w})
    assert str(e.value) == "The same saveable will be restored with two names: v0too"
    with pytest.raises(ValueError) as e:
        tf.train.Saver([w, w])
    assert str(e.value) == "At least two variables have the same name: w"
    with pytest.raises(TypeError) as e:
        tf.train.Saver([w.value()])
    assert str(e.value) == "Variable to save is not a Variable: %s" % w.value()
    with pytest.raises(TypeError) as e:
        tf.train.Saver({"x": tf.constant(1.0)})
    assert str(e.value).startswith("names_to_saveables must be a dict mapping string names to "
                                   "Tensors/Variables. Not a variable: ")
    with pytest.raises(ValueError) as e:
        tf.train.Saver([w], defer_build=True)
    assert str(e.value) == ("If `var_list` is provided then build cannot be deferred. Either "
                            "set defer_build=False or var_list=None.")


def test_no_variables():
    with pytest.raises(ValueError) as e:
        tf.train.Saver()
    assert str(e.value) == "No variables to save"
    empty = tf.train.Saver(allow_empty=True)
    with tf.Session() as sess:
        assert empty.save(sess, "/nonexistent/x", write_meta_graph=False) is None
        empty.restore(sess, "/nonexistent/x")  # a no-op


def test_save_errors(tmp_path):
    two_vars()
    saver = tf.train.Saver()
    deferred = tf.train.Saver(defer_build=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(RuntimeError) as e:
            deferred.save(sess, str(tmp_path / "m"))
        assert str(e.value) == "`build()` should be called before save if defer_build==True"
        with pytest.raises(ValueError) as e:
            saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")
        assert str(e.value) == "'latest_filename' must not contain path components"
        with pytest.raises(ValueError) as e:
            saver.save(sess, str(tmp_path / "checkpoint"))
        assert str(e.value) == ("'latest_filename' collides with 'save_path': 'checkpoint' and "
                                "'%s'" % (tmp_path / "checkpoint"))
        with pytest.raises(TypeError) as e:
            saver.save("not a session", str(tmp_path / "m"))
        assert str(e.value) == "'sess' must be a Session; not a session"
        missing = str(tmp_path / "no" / "such" / "m")
        with pytest.raises(ValueError) as e:
            saver.save(sess, missing)
        assert str(e.value) == "Parent directory of %s doesn't exist, can't save." % missing
        # One missing directory level is created, as TF's BundleWriter does.
        assert saver.save(sess, str(tmp_path / "new" / "m"), write_meta_graph=False) == \
            str(tmp_path / "new" / "m")


def test_partitioned_variables_are_refused():
    p = tf.get_variable("p", [4, 2], partitioner=lambda shape, dtype: [2, 1])
    with pytest.raises(NotImplementedError) as e:
        tf.train.Saver([p])
    assert str(e.value) == ("Saving partitioned variables (p) is not supported by scopeflow: "
                            "its checkpoints hold whole tensors only")


def test_save_nodes_equal_tf_nodedefs():
    """The save/ NodeDefs (inputs, device, every attr) equal those TF wrote in
    ../shared/golden/tflite_dense_twice/graph.pbtxt for the same four variables."""
    path = GOLDEN / "tflite_dense_twice" / "graph.pbtxt"
    if not path.is_file():
        pytest.skip("no golden files")
    from google.protobuf import text_format
    from scopeflow.proto import graph_pb2
    golden = text_format.Parse(path.read_text(), graph_pb2.GraphDef())
    want = [n for n in golden.node if n.name.startswith("save/")]
    x = tf.placeholder(tf.float32, (100, 1))
    h = tf.layers.dense(x, 10, tf.nn.relu)
    tf.layers.dense(h, 1)
    tf.train.Saver()
    ours = [n for n in tf.get_default_graph().as_graph_def().node if n.name.startswith("save/")]
    assert [n.name for n in ours] == [n.name for n in want]
    for a, b in zip(ours, want):
        assert a == b, (a, b)
