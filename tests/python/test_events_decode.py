"""Our event files read by an independent decoder: the .proto files compiled here by
`protoc --python_out` into a temporary directory (not the module's generated copy), loaded by
Debian's python3-protobuf in a separate interpreter that never imports scopeflow, with its
own TFRecord framing check and CRC32C. The golden TensorFlow files go through the same
decoder, so the decoder is checked against TF too."""

import json
import pathlib
import subprocess

import numpy as np
import pytest

import scopeflow as tf

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROTOS = sorted((ROOT / "proto" / "scopeflow" / "proto").glob("*.proto"))
GOLDEN = ROOT.parent / "shared" / "golden"

# Runs in a fresh /usr/bin/python3 with only the freshly compiled modules on its path.
DECODER = r'''
import json, struct, sys
from scopeflow.proto import event_pb2, graph_pb2, meta_graph_pb2, summary_pb2

POLY = 0x82F63B78
TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ POLY if c & 1 else c >> 1
    TABLE.append(c)

def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF

def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF

assert crc32c(b"123456789") == 0xE3069283

def records(buf):
    i = 0
    while i < len(buf):
        header = buf[i:i + 12]
        assert len(header) == 12, "truncated header at %d" % i
        (n,) = struct.unpack("<Q", header[:8])
        (len_crc,) = struct.unpack("<I", header[8:])
        assert len_crc == masked(crc32c(header[:8])), "length crc at %d" % i
        data = buf[i + 12:i + 12 + n]
        assert len(data) == n, "truncated data at %d" % i
        (data_crc,) = struct.unpack("<I", buf[i + 12 + n:i + 16 + n])
        assert data_crc == masked(crc32c(data)), "data crc at %d" % i
        yield data
        i += 16 + n

def value_json(v):
    kind = v.WhichOneof("value")
    out = {"tag": v.tag, "kind": kind}
    if v.HasField("metadata"):
        out["plugin"] = v.metadata.plugin_data.plugin_name
    if kind == "simple_value":
        out["simple_value"] = v.simple_value
    elif kind == "histo":
        h = v.histo
        out["histo"] = [h.min, h.max, h.num, h.sum, h.sum_squares, list(h.bucket_limit),
                        list(h.bucket)]
    elif kind == "image":
        out["image"] = [v.image.height, v.image.width, v.image.colorspace,
                        v.image.encoded_image_string.hex()]
    elif kind == "audio":
        a = v.audio
        out["audio"] = [a.sample_rate, a.num_channels, a.length_frames, a.content_type,
                        a.encoded_audio_string.hex()]
    elif kind == "tensor":
        out["tensor"] = [v.tensor.dtype, [d.size for d in v.tensor.tensor_shape.dim],
                         [s.hex() for s in v.tensor.string_val]]
    return out

result = []
for path in sys.argv[1:]:
    events = []
    for data in records(open(path, "rb").read()):
        e = event_pb2.Event()
        e.ParseFromString(data)
        assert e.SerializeToString() == data, "not canonical"
        kind = e.WhichOneof("what")
        ev = {"kind": kind, "step": e.step, "wall_time": e.wall_time}
        if kind == "file_version":
            ev["file_version"] = e.file_version
        elif kind == "summary":
            ev["values"] = [value_json(v) for v in e.summary.value]
        elif kind == "graph_def":
            g = graph_pb2.GraphDef()
            g.ParseFromString(e.graph_def)
            ev["nodes"] = [[n.name, n.op] for n in g.node]
        elif kind == "meta_graph_def":
            m = meta_graph_pb2.MetaGraphDef()
            m.ParseFromString(e.meta_graph_def)
            ev["nodes"] = [[n.name, n.op] for n in m.graph_def.node]
            ev["collections"] = sorted(m.collection_def)
        elif kind == "session_log":
            ev["session_log"] = [e.session_log.status, e.session_log.checkpoint_path]
        events.append(ev)
    result.append(events)
print(json.dumps(result))
'''


@pytest.fixture(scope="module")
def decoder_path(tmp_path_factory):
    out = tmp_path_factory.mktemp("indep_protos")
    subprocess.run(["protoc", "--python_out=%s" % out, "-I", str(ROOT / "proto")] +
                   [str(p) for p in PROTOS], check=True)
    assert (out / "scopeflow" / "proto" / "event_pb2.py").is_file()
    return out


def decode(decoder_path, paths):
    r = subprocess.run(["/usr/bin/python3", "-c", DECODER] + [str(p) for p in paths],
                       env={"PYTHONPATH": str(decoder_path), "PATH": "/usr/bin:/bin"},
                       cwd=str(decoder_path), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_our_event_file_decodes_independently(tmp_path, decoder_path):
    x = tf.placeholder(tf.float32, [None], name="x")
    with tf.name_scope("stats"):
        tf.summary.scalar("avg", tf.reduce_mean(x))
        tf.summary.histogram("x", x)
    tf.summary.image("img", tf.reshape(x, [2, 2, 2, 1]), max_outputs=2)
    tf.summary.audio("snd", tf.reshape(x, [2, 4]), 8000.0, max_outputs=1)
    tf.summary.text("note", tf.constant("hi"))
    merged = tf.summary.merge_all()
    from scopeflow.proto import graph_pb2
    gd = graph_pb2.GraphDef()
    gd.node.add(name="x", op="Placeholder")
    feed = np.array([0.0, 1.0, -2.0, 3.5, 0.25, 8.0, -1.0, 2.0], np.float32)
    with tf.summary.FileWriter(str(tmp_path), graph_def=gd) as writer:
        path = writer._path
        with tf.Session() as sess:
            data = sess.run(merged, {x: feed})
        writer.add_summary(data, 5)
        writer.add_session_log(tf.SessionLog(status=tf.SessionLog.CHECKPOINT,
                                             checkpoint_path="/ckpt-5"), 5)
    ours = list(tf.train.summary_iterator(path))
    (theirs,) = decode(decoder_path, [path])
    assert [e["kind"] for e in theirs] == ["file_version", "graph_def", "meta_graph_def",
                                          "summary", "session_log"]
    assert theirs[0]["file_version"] == "brain.Event:2"
    assert theirs[1]["nodes"] == [["x", "Placeholder"]]
    assert theirs[2]["nodes"] == [["x", "Placeholder"]]
    assert theirs[2]["collections"] == ["summaries"]
    assert theirs[4]["session_log"] == [tf.SessionLog.CHECKPOINT, "/ckpt-5"]
    for mine, other in zip(ours, theirs):
        assert mine.step == other["step"]
        assert mine.wall_time == other["wall_time"]
    values = theirs[3]["values"]
    assert [v["tag"] for v in values] == ["stats/avg", "stats/x", "img/image/0", "img/image/1",
                                         "snd/audio", "note"]
    assert values[0]["simple_value"] == pytest.approx(feed.mean())
    histo = values[1]["histo"]
    assert histo[:5] == [-2.0, 8.0, 8.0, float(feed.astype(np.float64).sum()),
                         float((feed.astype(np.float64) ** 2).sum())]
    assert sum(histo[6]) == 8.0
    mine_summary = ours[3].summary
    for i, v in enumerate(values):
        m = mine_summary.value[i]
        assert v["kind"] == m.WhichOneof("value")
        if v["kind"] == "image":
            assert v["image"] == [2, 2, 1, m.image.encoded_image_string.hex()]
        if v["kind"] == "audio":
            assert v["audio"][:4] == [8000.0, 1, 4, "audio/wav"]
            assert v["audio"][4] == m.audio.encoded_audio_string.hex()
        if v["kind"] == "histo":
            assert v["histo"][5] == list(m.histo.bucket_limit)
            assert v["histo"][6] == list(m.histo.bucket)
    assert values[5]["plugin"] == "text"
    assert values[5]["tensor"] == [7, [], [b"hi".hex()]]


def test_golden_event_files_decode_with_the_same_decoder(decoder_path):
    files = sorted(GOLDEN.glob("*/events.out.tfevents.*")) + \
        sorted(GOLDEN.glob("*/*/events.out.tfevents.*"))
    if not files:
        pytest.skip("no golden files")
    assert len(files) == 4
    decoded = decode(decoder_path, files)
    by_name = {f.parent.name if f.parent.name not in ("train", "test") else
               f.parent.parent.name + "/" + f.parent.name: d for f, d in zip(files, decoded)}
    assert [e["kind"] for e in by_name["mnist_summaries/train"]] == \
        ["file_version", "graph_def", "meta_graph_def"]
    assert [e["kind"] for e in by_name["mnist_summaries/test"]] == ["file_version", "summary"]
    assert len(by_name["packt_mlp9_events"][1]["nodes"]) == 492
    assert len(by_name["mnist_deep_namescope"][1]["nodes"]) == 400
    # Our reader agrees with the independent decoder on every event of every file.
    for f, events in zip(files, decoded):
        ours = list(tf.train.summary_iterator(str(f)))
        assert [e.WhichOneof("what") for e in ours] == [e["kind"] for e in events]
        assert [e.wall_time for e in ours] == [e["wall_time"] for e in events]
