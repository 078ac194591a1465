"""Every golden TensorFlow event file read with tf.train.summary_iterator (every record, every
CRC, every Event), the step-0 scalar/histogram/image values of mnist_summaries/test, and
damaged copies (truncated, bit-flipped, wrong CRC) failing with the file, offset and problem."""

import pathlib
import struct
import zlib

import pytest

import scopeflow as tf

GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden"
FILES = {
    "mnist_summaries/train": (["file_version", "graph_def", "meta_graph_def"], 388),
    "mnist_summaries/test": (["file_version", "summary"], None),
    "packt_mlp9_events": (["file_version", "graph_def", "meta_graph_def"], 492),
    "mnist_deep_namescope": (["file_version", "graph_def"], 400),
}


def golden(name):
    files = sorted((GOLDEN / name).glob("events.out.tfevents.*"))
    if not files:
        pytest.skip("no golden files")
    return files[0]


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_golden_file_reads(name):
    from scopeflow.proto import graph_pb2, meta_graph_pb2
    path = golden(name)
    kinds, nodes = FILES[name]
    events = list(tf.train.summary_iterator(str(path)))
    assert [e.WhichOneof("what") for e in events] == kinds
    assert events[0].file_version == "brain.Event:2"
    assert path.name.startswith("events.out.tfevents.%d." % events[0].wall_time)
    for e in events:
        if e.HasField("graph_def"):
            assert len(graph_pb2.GraphDef.FromString(e.graph_def).node) == nodes
        if e.HasField("meta_graph_def"):
            meta = meta_graph_pb2.MetaGraphDef.FromString(e.meta_graph_def)
            assert len(meta.graph_def.node) == nodes


def _png_pixels(data):
    """A grayscale 8-bit PNG's pixels, with zlib and the PNG filters undone here."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, idat, width, height = 8, b"", 0, 0
    while i < len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        assert struct.unpack(">I", data[i + 8 + n:i + 12 + n])[0] == zlib.crc32(kind + body)
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert (depth, color) == (8, 0)
        elif kind == b"IDAT":
            idat += body
        i += 12 + n
    raw = zlib.decompress(idat)
    rows, prev = [], bytearray(width)
    for y in range(height):
        f, line = raw[y * (width + 1)], bytearray(raw[y * (width + 1) + 1:(y + 1) * (width + 1)])
        for x in range(width):
            a = line[x - 1] if x else 0
            b, c = prev[x], (prev[x - 1] if x else 0)
            p = a + b - c
            pred = [0, a, b, (a + b) // 2,
                    min((abs(p - a), 0, a), (abs(p - b), 1, b), (abs(p - c), 2, c))[2]][f]
            line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, b"".join(rows)


def test_mnist_summaries_step0_values():
    events = list(tf.train.summary_iterator(str(golden("mnist_summaries/test"))))
    e = events[1]
    assert e.step == 0
    values = {v.tag: v for v in e.summary.value}
    assert len(e.summary.value) == 37
    assert values["loss/loss"].simple_value == pytest.approx(3.027782440185547, abs=0)
    assert values["accuracy/accuracy_1"].simple_value == pytest.approx(0.1157, abs=1e-6)
    assert values["dropout/dropout_keep_probability"].simple_value == 1.0
    assert values["layer1/weights/summaries/stddev_1"].simple_value == \
        pytest.approx(0.0878391, abs=1e-7)
    h = values["layer1/weights/summaries/histogram"].histo
    assert (h.num, len(h.bucket), sum(h.bucket)) == (392000.0, 242, 392000.0)
    assert h.min == pytest.approx(-0.19999375939369202, abs=0)
    b = values["layer2/biases/summaries/histogram"].histo
    assert list(b.bucket) == [0.0, 10.0, 0.0]
    for i in range(10):
        img = values["input_reshape/input/image/%d" % i].image
        assert (img.height, img.width, img.colorspace) == (28, 28, 1)
        width, height, pixels = _png_pixels(img.encoded_image_string)
        assert (width, height, len(pixels)) == (28, 28, 784)
        assert max(pixels) > 200 and pixels[0] == 0  # a digit on a black background


def test_a_golden_histogram_reproduced_by_our_kernel():
    """TF's histogram of tf.constant(0.1, shape=[500]), every field, from our op."""
    events = list(tf.train.summary_iterator(str(golden("mnist_summaries/test"))))
    want = {v.tag: v for v in events[1].summary.value}["layer1/biases/summaries/histogram"]
    with tf.name_scope("layer1"), tf.name_scope("biases"), tf.name_scope("summaries"):
        s = tf.summary.histogram("histogram", tf.constant(0.1, shape=[500]))
    with tf.Session() as sess:
        got = tf.Summary.FromString(sess.run(s)).value[0]
    assert got == want


@pytest.mark.parametrize("damage,message", [
    ("truncate", "truncated record at 40: 26075 data bytes and a 4-byte CRC expected, 100 remain"),
    ("flip_length", "corrupted record at 40: length CRC mismatch"),
    ("flip_data", "corrupted record at 40: data CRC mismatch"),
    ("wrong_crc", "corrupted record at 40: data CRC mismatch"),
])
def test_damaged_golden_copies(tmp_path, damage, message):
    data = bytearray(golden("mnist_summaries/test").read_bytes())
    assert len(data) == 40 + 12 + 26075 + 4
    if damage == "truncate":
        data = data[:40 + 12 + 100]
    elif damage == "flip_length":
        data[40 + 1] ^= 0x01
    elif damage == "flip_data":
        data[40 + 12 + 5000] ^= 0x80
    else:
        data[-4:] = data[36:40]  # the first record's (valid) CRC
    path = tmp_path / "events.out.tfevents.damaged"
    path.write_bytes(bytes(data))
    it = tf.train.summary_iterator(str(path))
    assert next(it).file_version == "brain.Event:2"
    with pytest.raises(tf.errors.DataLossError) as e:
        next(it)
    assert str(e.value).startswith("%s: %s" % (path, message))
