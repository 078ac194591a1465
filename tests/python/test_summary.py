"""tf.summary: TF 1.15's op names, tags, collections and errors; summary values computed by
Session.run; FileWriter and tf.train.summary_iterator round trips compared field by field."""

import os
import pathlib
import re
import socket
import time
import warnings

import pytest

import scopeflow as tf


def _tags_const(name):
    op = tf.get_default_graph().get_operation_by_name(name)
    assert op.type == "Const"
    return tf.Session().run(op.outputs[0])


# ---------------------------------------------------------------------------------------------
# names


def test_summary_names_follow_tf_summary_scope():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    with tf.name_scope("layer1"):
        with tf.name_scope("weights"):
            with tf.name_scope("summaries"):
                mean = tf.reduce_mean(x)
                s_mean = tf.summary.scalar("mean", mean)
                with tf.name_scope("stddev"):
                    sd = tf.sqrt(tf.reduce_mean(tf.square(x - mean)))
                s_sd = tf.summary.scalar("stddev", sd)
                s_hist = tf.summary.histogram("histogram", x)
    with tf.name_scope("input_reshape"):
        img = tf.reshape(x, [-1, 2, 2, 1])
        s_img = tf.summary.image("input", img, 10)
    # TF 1.15 uniquifies names case-insensitively: reduce_mean's `Mean` takes `mean`.
    assert s_mean.name == "layer1/weights/summaries/mean_1:0"
    assert _tags_const("layer1/weights/summaries/mean_1/tags") == \
        b"layer1/weights/summaries/mean_1"
    assert s_mean.op.type == "ScalarSummary"
    assert s_mean.dtype == tf.string
    assert s_mean.shape.as_list() == []
    assert s_sd.op.name == "layer1/weights/summaries/stddev_1"
    assert _tags_const("layer1/weights/summaries/stddev_1/tags") == \
        b"layer1/weights/summaries/stddev_1"
    assert s_hist.op.name == "layer1/weights/summaries/histogram"
    assert s_hist.op.type == "HistogramSummary"
    assert [t.name for t in s_hist.op.inputs] == ["layer1/weights/summaries/histogram/tag:0",
                                                  "x:0"]
    assert s_img.op.name == "input_reshape/input"
    assert s_img.op.get_attr("max_images") == 10
    assert s_img.op.get_attr("T") == tf.float32
    assert [t.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)] == [
        "layer1/weights/summaries/mean_1:0", "layer1/weights/summaries/stddev_1:0",
        "layer1/weights/summaries/histogram:0", "input_reshape/input:0"]
    merged = tf.summary.merge_all()
    assert merged.name == "Merge/MergeSummary:0"
    assert merged.op.get_attr("N") == 4
    assert [t.name for t in merged.op.inputs][1] == "layer1/weights/summaries/stddev_1:0"
    assert tf.summary.merge_all().op.name == "Merge_1/MergeSummary"


def test_family_collections_and_merge_names():
    x = tf.constant(1.0, name="x")
    a = tf.summary.scalar("loss", x, family="train")
    assert a.op.name == "train/loss"
    assert _tags_const("train/loss/tags") == b"train/train/loss"
    b = tf.summary.scalar("acc", x, collections=["mine"])
    assert tf.get_collection("mine") == [b]
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [a]
    key = object()
    c = tf.summary.scalar("c", x, collections=[key, "mine"])
    assert tf.get_collection(key) == [c]
    assert tf.get_collection("mine") == [b, c]
    assert tf.summary.scalar("/bad name:1", x).op.name == "bad_name_1"
    assert tf.summary.histogram("h", [1.0, 2.0]).op.inputs[1].op.name == "h/values"
    m = tf.summary.merge([a, b], name="all")
    assert m.op.name == "all/all"
    assert tf.summary.merge([a], collections=["merged"]).op.name == "Merge/MergeSummary"
    assert len(tf.get_collection("merged")) == 1
    assert tf.summary.merge_all("mine", scope="ac").op.inputs[0] is b
    assert tf.summary.merge_all("nothing") is None
    assert tf.summary.merge_all(key).op.inputs[0] is c


def test_summary_type_errors():
    s = tf.constant("a")
    with pytest.raises(TypeError) as e:
        tf.summary.scalar("s", s)
    assert str(e.value) == (
        "Value passed to parameter 'values' has DataType string not in list of allowed values: "
        "float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, "
        "uint64")
    with pytest.raises(TypeError) as e:
        tf.summary.merge([s, tf.constant(1.0)])
    assert str(e.value) == ("Tensors in list passed to 'inputs' of 'MergeSummary' Op have types "
                            "[string, float32] that do not match expected type string.")
    with pytest.raises(ValueError) as e:
        tf.summary.image("i", tf.zeros([1, 2, 2, 1]), max_outputs=0)
    assert str(e.value) == "Attr 'max_images' of 'ImageSummary' Op passed 0 less than minimum 1."
    with pytest.raises(ValueError) as e:
        tf.summary.text("t", tf.constant(1.0, name="f"))
    assert str(e.value) == "Expected tensor f:0 to have dtype string, got <dtype: 'float32'>"


def test_summaries_follow_their_inputs_graph():
    g = tf.Graph()
    with g.as_default():
        v = tf.constant(2.0, name="v")
    s = tf.summary.scalar("v", v)
    assert s.graph is g
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == []
    assert g.get_collection(tf.GraphKeys.SUMMARIES) == [s]


# ---------------------------------------------------------------------------------------------
# values


def test_summary_values_from_session_run():
    x = tf.placeholder(tf.float32, [None], name="x")
    tf.summary.scalar("avg", tf.reduce_mean(x))
    tf.summary.histogram("values", x)
    tf.summary.image("img", tf.reshape(x, [1, 2, 2, 1]), max_outputs=1)
    tf.summary.audio("snd", tf.reshape(x, [1, 4]), 100, max_outputs=1)
    tf.summary.text("note", tf.constant("hello"))
    merged = tf.summary.merge_all()
    with tf.Session() as sess:
        data = sess.run(merged, {x: [0.0, 1.0, 2.0, 4.0]})
    assert isinstance(data, bytes)
    s = tf.Summary.FromString(data)
    assert [v.tag for v in s.value] == ["avg", "values", "img/image", "snd/audio", "note"]
    assert s.value[0].simple_value == 1.75
    h = s.value[1].histo
    assert (h.min, h.max, h.num, h.sum, h.sum_squares) == (0.0, 4.0, 4.0, 7.0, 21.0)
    assert sum(h.bucket) == 4.0 and h.bucket_limit[-1] > 1e300
    im = s.value[2].image
    assert (im.height, im.width, im.colorspace) == (2, 2, 1)
    assert im.encoded_image_string[:8] == b"\x89PNG\r\n\x1a\n"
    au = s.value[3].audio
    assert (au.sample_rate, au.num_channels, au.length_frames) == (100.0, 1, 4)
    assert au.encoded_audio_string[:4] == b"RIFF"
    assert s.value[4].metadata.plugin_data.plugin_name == "text"
    assert s.value[4].tensor.string_val == [b"hello"]


def test_histogram_and_merge_runtime_errors():
    x = tf.placeholder(tf.float32, [None], name="x")
    with tf.name_scope("layer"):
        h = tf.summary.histogram("acts", x)
    a = tf.summary.scalar("a", tf.constant(1.0))
    dup = tf.summary.merge([a, a])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(h, {x: [1.0, float("nan")]})
        assert e.value.message.startswith("Nan in summary histogram for: layer/acts")
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(h, {x: [float("inf")]})
        assert e.value.message.startswith("Infinity in summary histogram for: layer/acts")
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(dup)
        assert e.value.message.startswith("Duplicate tag a found in summary inputs")


# ---------------------------------------------------------------------------------------------
# FileWriter and summary_iterator


def _event_files(logdir):
    return sorted(p for p in pathlib.Path(logdir).iterdir() if "tfevents" in p.name)


def test_file_writer_round_trip(tmp_path):
    x = tf.placeholder(tf.float32, [None], name="x")
    tf.summary.scalar("loss", tf.reduce_mean(x))
    tf.summary.histogram("x", x)
    merged = tf.summary.merge_all()
    logdir = tmp_path / "logs" / "train"
    start = time.time()
    writer = tf.summary.FileWriter(str(logdir))
    assert writer.get_logdir() == str(logdir)
    files = _event_files(logdir)
    assert len(files) == 1
    name = files[0].name
    m = re.match(r"events\.out\.tfevents\.(\d{10})\.(.*)$", name)
    assert m and m.group(2) == socket.gethostname()
    values = []
    with tf.Session() as sess:
        for step in range(3):
            feed = [float(step), float(step) + 2.0]
            data = sess.run(merged, {x: feed})
            values.append(data)
            writer.add_summary(data, global_step=step)
    proto = tf.Summary(value=[tf.Summary.Value(tag="eval/acc", simple_value=0.5)])
    writer.add_summary(proto, 10)
    writer.add_session_log(tf.SessionLog(status=tf.SessionLog.START), 11)
    writer.flush()
    writer.close()
    writer.close()
    events = list(tf.train.summary_iterator(str(files[0])))
    assert len(events) == 6
    assert events[0].file_version == "brain.Event:2"
    assert events[0].wall_time == float(int(m.group(1)))
    for step in range(3):
        e = events[1 + step]
        assert e.step == step
        assert start - 1 <= e.wall_time <= time.time() + 1
        assert e.summary.SerializeToString() == values[step]
        assert e.summary.value[0].tag == "loss"
        assert e.summary.value[0].simple_value == step + 1.0
        assert e.summary.value[1].histo.num == 2.0
    assert events[4].step == 10
    assert events[4].summary == proto
    assert events[5].session_log.status == tf.SessionLog.START
    assert events[5].step == 11


def test_file_writer_events_graph_and_meta_graph(tmp_path):
    from scopeflow.proto import graph_pb2, meta_graph_pb2
    gd = graph_pb2.GraphDef()
    gd.node.add(name="a", op="Const")
    with tf.summary.FileWriter(str(tmp_path), graph_def=gd, filename_suffix=".sfx") as w:
        path = w._path
        w.add_graph(None, global_step=3, graph_def=gd)
        event = tf.Event(wall_time=5.0, step=7)
        event.tagged_run_metadata.tag = "t"
        w.add_event(event)
        with pytest.raises(ValueError) as e:
            w.add_graph(gd, graph_def=gd)
        assert str(e.value) == ("Please pass only graph, or graph_def (deprecated), but not "
                                "both.")
        with pytest.raises(TypeError) as e:
            w.add_graph("nope")
        assert str(e.value) == ("The passed graph must be an instance of `Graph` or the "
                                "deprecated `GraphDef`")
        with pytest.raises(TypeError) as e:
            w.add_meta_graph(gd)
        assert str(e.value).startswith("meta_graph_def must be type MetaGraphDef, saw type: ")
    assert path.endswith(".sfx")
    events = list(tf.train.summary_iterator(path))
    kinds = [e.WhichOneof("what") for e in events]
    assert kinds == ["file_version", "graph_def", "meta_graph_def", "graph_def",
                     "tagged_run_metadata"]
    assert graph_pb2.GraphDef.FromString(events[1].graph_def) == gd
    meta = meta_graph_pb2.MetaGraphDef.FromString(events[2].meta_graph_def)
    assert meta.graph_def == gd
    assert meta.meta_info_def.tensorflow_version == "1.15.0"
    assert events[3].step == 3
    assert events[4] == event  # add_event writes the event as given


@pytest.mark.skipif(not hasattr(tf.Graph, "as_graph_def"), reason="needs Graph.as_graph_def")
def test_file_writer_with_a_graph(tmp_path):
    with tf.name_scope("layer"):
        w = tf.Variable(tf.zeros([2]), name="w")
    s = tf.summary.scalar("w_sum", tf.reduce_sum(w))
    g = tf.get_default_graph()
    with tf.summary.FileWriter(str(tmp_path), g) as writer:
        path = writer._path
    from scopeflow.proto import graph_pb2, meta_graph_pb2, variable_pb2
    events = list(tf.train.summary_iterator(path))
    assert [e.WhichOneof("what") for e in events] == ["file_version", "graph_def",
                                                      "meta_graph_def"]
    gd = graph_pb2.GraphDef.FromString(events[1].graph_def)
    assert [n.name for n in gd.node] == [op.name for op in g.get_operations()]
    meta = meta_graph_pb2.MetaGraphDef.FromString(events[2].meta_graph_def)
    assert [n.name for n in meta.graph_def.node] == [n.name for n in gd.node]
    assert list(meta.collection_def["summaries"].node_list.value) == [s.name]
    var = variable_pb2.VariableDef.FromString(
        meta.collection_def["variables"].bytes_list.value[0])
    assert (var.variable_name, var.initializer_name, var.snapshot_name) == \
        ("layer/w:0", "layer/w/Assign", "layer/w/read:0")


def test_closed_writer_warns_and_reopen_starts_a_new_file(tmp_path):
    w = tf.summary.FileWriter(str(tmp_path))
    first = w._path
    w.close()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w.add_summary(tf.Summary(), 1)
    assert "Attempting to use a closed FileWriter." in str(caught[0].message)
    assert len(list(tf.train.summary_iterator(first))) == 1
    w.reopen()
    w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="z", simple_value=1)]), 2)
    w.close()
    assert w._path != first
    assert [e.step for e in tf.train.summary_iterator(w._path)] == [0, 2]


def test_flush_policy_first_event_then_every_flush_secs(tmp_path):
    w = tf.summary.FileWriter(str(tmp_path), flush_secs=3600, max_queue=2)
    path = w._path
    size0 = os.path.getsize(path)
    w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=1)]), 1)
    size1 = os.path.getsize(path)
    assert size1 > size0  # the first event is flushed at once
    w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=2)]), 2)
    assert os.path.getsize(path) == size1  # pending
    w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=3)]), 3)
    assert os.path.getsize(path) > size1  # max_queue reached: handed to the OS
    w.close()
    assert [e.step for e in tf.train.summary_iterator(path)] == [0, 1, 2, 3]


def test_file_writer_session_argument_is_refused(tmp_path):
    with pytest.raises(NotImplementedError):
        tf.summary.FileWriter(str(tmp_path), session=object())


def test_summary_iterator_errors(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(tf.errors.NotFoundError) as e:
        list(tf.train.summary_iterator(str(missing)))
    assert str(e.value) == "%s; No such file or directory" % missing
    w = tf.summary.FileWriter(str(tmp_path))
    w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=1)]), 1)
    w.close()
    data = pathlib.Path(w._path).read_bytes()
    bad = tmp_path / "bad.tfevents"
    bad.write_bytes(data[:-3])
    with pytest.raises(tf.errors.DataLossError) as e:
        list(tf.train.summary_iterator(str(bad)))
    assert str(e.value) == ("%s: truncated record at 40: %d data bytes and a 4-byte CRC "
                            "expected, %d remain" % (bad, len(data) - 40 - 16, len(data) - 55))
    flipped = bytearray(data)
    flipped[40 + 12 + 3] ^= 0x10
    bad.write_bytes(bytes(flipped))
    it = tf.train.summary_iterator(str(bad))
    assert next(it).file_version == "brain.Event:2"
    with pytest.raises(tf.errors.DataLossError) as e:
        next(it)
    assert str(e.value).startswith("%s: corrupted record at 40: data CRC mismatch" % bad)
