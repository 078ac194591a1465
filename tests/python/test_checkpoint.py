"""V2 checkpoints against an independent reader.

The independent reader below parses the `.index` SSTable by the format (../shared/formats.md
§3: footer, index block, data blocks with prefix compression and restarts, masked CRC32C block
trailers), decodes the header and entries with python3-protobuf classes compiled by
`protoc --python_out` from our .proto files into a temporary directory, then reads and
CRC-checks every tensor in the data file with its own pure-Python CRC32C. It runs in a separate
process (this file executed as a script) so that its compiled `tensorflow.*` messages do not
meet scopeflow's own in one protobuf descriptor pool.

Checked: every golden TF checkpoint lists and reads the same in both readers; checkpoints we
write read back field by field in the independent reader; TF's errors and damaged files."""

import base64
import json
import os
import pathlib
import shutil
import struct
import subprocess
import sys

import numpy as np

if __name__ != "__main__":
    import pytest

    import scopeflow as tf

HERE = pathlib.Path(__file__).resolve()
REPO = HERE.parents[2]
GOLDEN = HERE.parents[3] / "shared" / "golden"
PROTO_DIR = REPO / "proto"

GOLDEN_CKPTS = {
    "houseprices_dropout_cond/model.ckpt": 34,
    "packt_mlp9_adam_saver/my-model": 56,
    "tflite_dense_twice/model.ckpt": 8,
    "neuro_linear_dense3d/checkpoint": 2,
}

# ---------------------------------------------------------------------------------------------
# The independent reader (runs in a subprocess; imports nothing from scopeflow)

_MAGIC = 0xdb4775248b80fb57
_NP_TYPES = {1: "<f4", 2: "<f8", 3: "<i4", 4: "u1", 5: "<i2", 6: "i1", 8: "<c8", 9: "<i8",
             10: "?", 17: "<u2", 18: "<c16", 19: "<f2", 22: "<u4", 23: "<u8"}


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
        table.append(c)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = _CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def unmask(masked):
    rot = (masked - 0xA282EAD8) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


def _varint(buf, i):
    value = shift = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def _block(buf, offset, size):
    contents = buf[offset:offset + size]
    trailer = buf[offset + size:offset + size + 5]
    assert len(contents) == size and len(trailer) == 5, "block past the end of the file"
    assert trailer[0] == 0, "compressed block"
    (stored,) = struct.unpack("<I", trailer[1:])
    assert unmask(stored) == crc32c(trailer[:1], crc32c(contents)), "block CRC mismatch"
    return contents


def _entries(block):
    (num_restarts,) = struct.unpack("<I", block[-4:])
    end = len(block) - 4 - 4 * num_restarts
    i, key = 0, b""
    while i < end:
        shared, i = _varint(block, i)
        unshared, i = _varint(block, i)
        vlen, i = _varint(block, i)
        key = key[:shared] + block[i:i + unshared]
        i += unshared
        yield key, block[i:i + vlen]
        i += vlen


def read_table(path):
    buf = pathlib.Path(path).read_bytes()
    footer = buf[-48:]
    assert struct.unpack("<Q", footer[40:])[0] == _MAGIC, "bad magic"
    i = 0
    _, i = _varint(footer, i)  # metaindex offset
    _, i = _varint(footer, i)  # metaindex size
    index_off, i = _varint(footer, i)
    index_size, i = _varint(footer, i)
    out = []
    for _, handle in _entries(_block(buf, index_off, index_size)):
        off, j = _varint(handle, 0)
        size, _ = _varint(handle, j)
        out.extend(_entries(_block(buf, off, size)))
    return out


def independent_read(prefix, proto_out):
    """{"header": {...}, "entries": {key: {...fields, "bytes"/"strings"}}} read without
    scopeflow."""
    sys.path.insert(0, proto_out)
    from scopeflow.proto import tensor_bundle_pb2  # the temp-compiled module
    kv = read_table(prefix + ".index")
    keys = [k for k, _ in kv]
    assert keys == sorted(keys) and len(set(keys)) == len(keys), "keys not strictly increasing"
    assert keys[0] == b"", "no header entry"
    header = tensor_bundle_pb2.BundleHeaderProto.FromString(kv[0][1])
    result = {"header": {"num_shards": header.num_shards, "endianness": header.endianness,
                         "producer": header.version.producer,
                         "min_consumer": header.version.min_consumer},
              "keys": [k.decode() for k in keys[1:]], "entries": {}}
    data = pathlib.Path(prefix + ".data-00000-of-00001").read_bytes()
    for key, value in kv[1:]:
        e = tensor_bundle_pb2.BundleEntryProto.FromString(value)
        raw = data[e.offset:e.offset + e.size]
        assert len(raw) == e.size, "entry past the end of the data file"
        shape = [d.size for d in e.shape.dim]
        item = {"dtype": e.dtype, "shape": shape, "shard_id": e.shard_id, "offset": e.offset,
                "size": e.size, "crc32c": e.crc32c, "slices": len(e.slices)}
        if e.dtype == 7:  # DT_STRING: varint lengths, masked CRC of the lengths, bytes
            n = int(np.prod(shape)) if shape else 1
            i, lengths, crc = 0, [], 0
            for _ in range(n):
                length, i = _varint(raw, i)
                lengths.append(length)
                crc = crc32c(struct.pack("<I", length), crc)
            (len_crc,) = struct.unpack("<I", raw[i:i + 4])
            assert unmask(len_crc) == crc, "string length CRC mismatch"
            crc = crc32c(raw[i:i + 4], crc)
            i += 4
            strings = []
            for length in lengths:
                strings.append(base64.b64encode(raw[i:i + length]).decode())
                crc = crc32c(raw[i:i + length], crc)
                i += length
            item["strings"] = strings
        else:
            crc = crc32c(raw)
            item["bytes"] = base64.b64encode(raw).decode()
        assert unmask(e.crc32c) == crc, "tensor CRC mismatch for %s" % key
        result["entries"][key.decode()] = item
    return result


def compile_protos(out_dir):
    """Our .proto files compiled by protoc --python_out into `out_dir`."""
    protos = sorted(str(p) for p in (PROTO_DIR / "scopeflow" / "proto").glob("*.proto"))
    subprocess.run(["protoc", "--python_out=" + str(out_dir), "-I", str(PROTO_DIR)] + protos,
                   check=True)


if __name__ == "__main__":
    # python3 test_checkpoint.py PREFIX PROTO_OUT -> JSON of independent_read on stdout.
    json.dump(independent_read(sys.argv[1], sys.argv[2]), sys.stdout)
    sys.exit(0)

# ---------------------------------------------------------------------------------------------
# Tests


@pytest.fixture(scope="module")
def proto_out(tmp_path_factory):
    if shutil.which("protoc") is None:
        pytest.skip("protoc is not installed")
    d = tmp_path_factory.mktemp("indep_protos")
    compile_protos(d)
    return str(d)


def indep(prefix, proto_out):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(["/usr/bin/python3", str(HERE), str(prefix), proto_out],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def np_value(item):
    if "strings" in item:
        vals = [base64.b64decode(s) for s in item["strings"]]
        return np.array(vals, dtype=object).reshape(item["shape"])
    raw = base64.b64decode(item["bytes"])
    return np.frombuffer(raw, dtype=_NP_TYPES[item["dtype"]]).reshape(item["shape"])


@pytest.mark.parametrize("rel", sorted(GOLDEN_CKPTS))
def test_golden_checkpoint_matches_the_independent_reader(rel, proto_out):
    prefix = GOLDEN / rel
    if not pathlib.Path(str(prefix) + ".index").is_file():
        pytest.skip("no golden files")
    theirs = indep(prefix, proto_out)
    assert theirs["header"] == {"num_shards": 1, "endianness": 0, "producer": 1,
                                "min_consumer": 0}
    assert len(theirs["keys"]) == GOLDEN_CKPTS[rel]

    reader = tf.train.NewCheckpointReader(str(prefix))
    shapes = reader.get_variable_to_shape_map()
    dtypes_ = reader.get_variable_to_dtype_map()
    assert sorted(shapes) == theirs["keys"]
    assert [name for name, _ in tf.train.list_variables(str(prefix))] == theirs["keys"]
    for key, item in theirs["entries"].items():
        assert shapes[key] == item["shape"], key
        assert dtypes_[key].as_datatype_enum == item["dtype"], key
        ours = reader.get_tensor(key)
        want = np_value(item)
        assert ours.dtype == want.dtype, key
        assert ours.shape == want.shape, key
        assert ours.tobytes() == want.tobytes(), key
        np.testing.assert_array_equal(tf.train.load_variable(str(prefix), key + ":0"), want)


def test_houseprices_values_and_debug_string():
    prefix = GOLDEN / "houseprices_dropout_cond" / "model.ckpt"
    if not pathlib.Path(str(prefix) + ".index").is_file():
        pytest.skip("no golden files")
    reader = tf.train.NewCheckpointReader(str(prefix))
    assert reader.has_tensor("Variable") and not reader.has_tensor("Variable:0")
    assert reader.get_variable_to_shape_map()["Variable"] == [8, 100]
    assert reader.get_variable_to_dtype_map()["beta1_power"] is tf.float32
    text = reader.debug_string()
    assert isinstance(text, bytes)
    lines = text.decode().splitlines()
    assert lines[0] == "Variable (DT_FLOAT) [8,100]"
    assert "beta1_power (DT_FLOAT) []" in lines
    assert len(lines) == 34
    # The directory form finds the checkpoint through the `checkpoint` state file.
    assert tf.train.latest_checkpoint(str(prefix.parent)) == str(prefix)
    assert tf.train.list_variables(str(prefix.parent)) == tf.train.list_variables(str(prefix))


def test_our_checkpoint_reads_field_by_field_in_the_independent_reader(tmp_path, proto_out):
    a = np.arange(12, dtype=np.float32).reshape(3, 4) / 7.0
    b = np.array([1, -2, 3], dtype=np.int64)
    c = np.array([True, False])
    s = np.array([b"", b"abc", b"\x00\xff" * 100], dtype=object)
    d = np.array(2.5, dtype=np.float64)
    tensors = [("scope/b", b), ("a", a), ("flags", c), ("words", s), ("scalar", d)]
    prefix = str(tmp_path / "ours")
    from scopeflow import _core
    _core.write_checkpoint(prefix, [(k, core_tensor(v)) for k, v in tensors])
    theirs = indep(prefix, proto_out)
    assert theirs["header"] == {"num_shards": 1, "endianness": 0, "producer": 1,
                                "min_consumer": 0}
    assert theirs["keys"] == ["a", "flags", "scalar", "scope/b", "words"]
    offset = 0
    for key, value in tensors:  # data in add order, densely packed
        item = theirs["entries"][key]
        assert item["shard_id"] == 0 and item["slices"] == 0
        assert item["offset"] == offset, key
        offset += item["size"]
        assert item["shape"] == list(value.shape)
        got = np_value(item)
        if value.dtype == object:
            assert item["dtype"] == 7
            assert list(got) == list(value)
        else:
            assert got.dtype == value.dtype and got.tobytes() == value.tobytes()
            assert item["size"] == value.nbytes
    assert offset == os.path.getsize(prefix + ".data-00000-of-00001")


def test_saver_output_reads_in_the_independent_reader(tmp_path, proto_out):
    w = tf.get_variable("dense/kernel", initializer=np.full((2, 3), 0.25, np.float32))
    step = tf.Variable(7, dtype=tf.int64, name="global_step", trainable=False)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step,
                          write_meta_graph=False)
    assert path == str(tmp_path / "model.ckpt-7")
    theirs = indep(path, proto_out)
    assert theirs["keys"] == ["dense/kernel", "global_step"]
    np.testing.assert_array_equal(np_value(theirs["entries"]["dense/kernel"]),
                                  np.full((2, 3), 0.25, np.float32))
    assert np_value(theirs["entries"]["global_step"]) == 7
    assert w.shape.as_list() == [2, 3]


# ---- TF's errors and damaged files ----------------------------------------------------------


def core_tensor(v):
    """A _core.Tensor of numpy value `v` (object arrays of bytes become DT_STRING)."""
    from scopeflow import _core
    from scopeflow.framework import _make_core_tensor
    v = np.asarray(v)
    if v.dtype == object:
        return _core.make_string_tensor(list(v.reshape(-1)), list(v.shape))
    return _make_core_tensor(v, tf.as_dtype(v.dtype))


def _write(tmp_path, name="m"):
    from scopeflow import _core
    prefix = str(tmp_path / name)
    _core.write_checkpoint(prefix, [("w", core_tensor(np.array([1.0, 2.0, 3.0], np.float32))),
                                    ("s", core_tensor(np.array([b"x", b"yz"], dtype=object)))])
    return prefix


def test_missing_checkpoint_and_key(tmp_path):
    missing = str(tmp_path / "nothing")
    with pytest.raises(tf.errors.NotFoundError) as e:
        tf.train.NewCheckpointReader(missing)
    assert str(e.value) == ("Unsuccessful TensorSliceReader constructor: Failed to find any "
                            "matching files for " + missing)
    reader = tf.train.NewCheckpointReader(_write(tmp_path))
    with pytest.raises(tf.errors.NotFoundError) as e:
        reader.get_tensor("v")
    assert str(e.value) == "Key v not found in checkpoint"


def test_list_variables_of_a_directory_without_state(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    with pytest.raises(ValueError) as e:
        tf.train.list_variables(str(d))
    assert str(e.value) == "Couldn't find 'checkpoint' file or checkpoints in given directory " + \
        str(d)


def test_bit_flip_in_data_is_data_loss(tmp_path):
    prefix = _write(tmp_path)
    data = pathlib.Path(prefix + ".data-00000-of-00001")
    raw = bytearray(data.read_bytes())
    raw[5] ^= 0x10
    data.write_bytes(bytes(raw))
    reader = tf.train.NewCheckpointReader(prefix)
    with pytest.raises(tf.errors.DataLossError) as e:
        reader.get_tensor("w")
    assert str(e.value).startswith("TensorBundle at %s shard 0 (12 bytes): Checksum does not "
                                   "match: stored " % prefix)
    assert reader.get_tensor("s").tolist() == [b"x", b"yz"]  # the other tensor still reads


def test_truncated_wrong_magic_and_bad_block_crc_in_the_index(tmp_path):
    prefix = _write(tmp_path)
    index = pathlib.Path(prefix + ".index")
    good = index.read_bytes()
    index.write_bytes(good[:-5])
    with pytest.raises(tf.errors.DataLossError) as e:
        tf.train.NewCheckpointReader(prefix)
    assert str(e.value).startswith(str(index) + ": corrupted table: not an sstable (bad magic "
                                   "number")
    index.write_bytes(good[:20])
    with pytest.raises(tf.errors.DataLossError) as e:
        tf.train.NewCheckpointReader(prefix)
    assert str(e.value) == (str(index) + ": corrupted table: file is too short to be a table "
                            "(20 bytes; a table ends with a 48-byte footer)")
    bad = bytearray(good)
    bad[3] ^= 0x01
    index.write_bytes(bytes(bad))
    with pytest.raises(tf.errors.DataLossError) as e:
        tf.train.NewCheckpointReader(prefix)
    assert ": corrupted table: data block at offset 0 (size " in str(e.value)
    assert "block checksum mismatch (stored 0x" in str(e.value)


def test_truncated_data_and_absent_shard(tmp_path):
    prefix = _write(tmp_path)
    data = pathlib.Path(prefix + ".data-00000-of-00001")
    data.write_bytes(data.read_bytes()[:8])
    reader = tf.train.NewCheckpointReader(prefix)
    with pytest.raises(tf.errors.DataLossError) as e:
        reader.get_tensor("w")
    assert str(e.value) == ("%s: truncated: the entry for key w needs bytes [0, 12) but the file "
                            "has 8 bytes" % data)
    data.unlink()
    reader = tf.train.NewCheckpointReader(prefix)
    with pytest.raises(tf.errors.NotFoundError) as e:
        reader.get_tensor("w")
    assert str(e.value) == ("%s; No such file or directory (the data shard 0 of checkpoint %s "
                            "is missing)" % (data, prefix))


def test_failed_save_leaves_no_files(tmp_path):
    tf.Variable([1.0, 2.0], name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:  # variables not initialized: SaveV2 fails before writing
        with pytest.raises(tf.errors.FailedPreconditionError) as e:
            saver.save(sess, str(tmp_path / "model.ckpt"))
    assert str(e.value).splitlines()[0] == "Attempting to use uninitialized value v"
    assert sorted(os.listdir(tmp_path)) == []
