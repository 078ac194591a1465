"""`sf ckpt list | diff | rename`: the command-line tool run as a subprocess (the `sf` binary of
the build whose Python package is being tested, <build>/bin/sf)."""

import pathlib
import subprocess

import numpy as np
import pytest

import scopeflow as tf
from scopeflow import _core, graph_io
from scopeflow.framework import _make_core_tensor

SF = pathlib.Path(tf.__file__).resolve().parents[2] / "bin" / "sf"
GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden"
HOUSE = GOLDEN / "houseprices_dropout_cond" / "model.ckpt"

pytestmark = pytest.mark.skipif(not SF.is_file(), reason="no sf binary beside the package")


def sf(*args):
    return subprocess.run([str(SF), "ckpt"] + [str(a) for a in args], capture_output=True,
                          text=True)


def write(prefix, **tensors):
    items = []
    for k, v in tensors.items():
        v = np.asarray(v)
        items.append((k.replace("__", "/"), _make_core_tensor(v, tf.as_dtype(v.dtype))))
    _core.write_checkpoint(str(prefix), items)
    return str(prefix)


def test_list(tmp_path):
    p = write(tmp_path / "m", dense__kernel=np.zeros((3, 2), np.float32),
              dense__bias=np.zeros(2, np.float32), global_step=np.int64(7))
    r = sf("list", p)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("dense/bias    float32  [2]\n"
                        "dense/kernel  float32  [3,2]\n"
                        "global_step   int64    []\n"
                        "3 tensors, 9 elements, 40 bytes in 1 shard\n")


def test_list_golden():
    if not HOUSE.with_suffix(".ckpt.index").is_file():
        pytest.skip("no golden files")
    r = sf("list", HOUSE)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["Variable", "float32", "[8,100]"]
    assert lines[-2].split() == ["beta2_power", "float32", "[]"]
    assert lines[-1] == "34 tensors, 4522 elements, 18088 bytes in 1 shard"


def test_list_errors(tmp_path):
    r = sf("list", tmp_path / "missing")
    assert r.returncode == 1
    assert r.stderr == ("sf ckpt: error (not found): Unsuccessful TensorSliceReader constructor: "
                        "Failed to find any matching files for %s\n" % (tmp_path / "missing"))
    p = write(tmp_path / "m", w=np.zeros(2, np.float32))
    index = pathlib.Path(p + ".index")
    index.write_bytes(index.read_bytes()[:-1])
    r = sf("list", p)
    assert r.returncode == 1
    assert r.stderr.startswith("sf ckpt: error (data loss): %s: corrupted table: not an sstable"
                               % index)


def test_diff_golden_meta_matches_its_checkpoint():
    if not HOUSE.with_suffix(".ckpt.meta").is_file():
        pytest.skip("no golden files")
    r = sf("diff", HOUSE, HOUSE.with_suffix(".ckpt.meta"))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "34 of 34 graph variables match the checkpoint (34 keys)\n"


def _graph_file(tmp_path):
    with tf.Graph().as_default() as g:
        with tf.variable_scope("model"):
            tf.get_variable("dense/kernel", [3, 2])
            tf.get_variable("dense/bias", [2])
            tf.get_variable("out/kernel", [2, 1])
        graph_io.write_graph(g, str(tmp_path), "graph.pbtxt")
    return tmp_path / "graph.pbtxt"


def test_diff_reports_missing_unused_and_mismatched(tmp_path):
    graph = _graph_file(tmp_path)
    p = write(tmp_path / "m", dense__kernel=np.zeros((3, 2), np.float32),
              model__dense__bias=np.zeros(3, np.float32),
              model__out__kernel=np.zeros((2, 1), np.float32),
              extra=np.zeros(1, np.float32))
    r = sf("diff", p, graph)
    assert r.returncode == 1, r.stderr
    assert r.stdout == (
        "Graph variables missing from the checkpoint (1):\n"
        "  model/dense/kernel  float32 [3,2]  (closest key: dense/kernel)\n"
        "Checkpoint keys no graph variable uses (2):\n"
        "  dense/kernel  float32 [3,2]\n"
        "  extra  float32 [1]\n"
        "Variables whose dtype or shape differ (1):\n"
        "  model/dense/bias  graph float32 [2], checkpoint float32 [3]\n"
        "1 of 3 graph variables match the checkpoint (4 keys)\n")


def test_rename_map_and_regex(tmp_path):
    p = write(tmp_path / "m", dense__kernel=np.arange(6, dtype=np.float32).reshape(3, 2),
              dense__bias=np.ones(2, np.float32), step=np.int64(3))
    out = tmp_path / "renamed"
    r = sf("rename", p, out, "--map", "step=global_step", "--regex", "^dense/(.*)$=model/dense/$1")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("dense/bias -> model/dense/bias\n"
                        "dense/kernel -> model/dense/kernel\n"
                        "step -> global_step\n"
                        "3 of 3 keys renamed; wrote %s\n" % out)
    assert tf.train.list_variables(str(out)) == [("global_step", []), ("model/dense/bias", [2]),
                                                 ("model/dense/kernel", [3, 2])]
    np.testing.assert_array_equal(tf.train.load_variable(str(out), "model/dense/kernel"),
                                  np.arange(6, dtype=np.float32).reshape(3, 2))
    assert tf.train.load_variable(str(out), "global_step") == 3


def test_rename_in_place_and_dry_run(tmp_path):
    p = write(tmp_path / "m", a=np.float32(1), b=np.float32(2))
    r = sf("rename", p, p, "--map", "a=c", "--dry-run")
    assert r.returncode == 0
    assert r.stdout == "a -> c\n1 of 2 keys would be renamed (dry run: nothing written)\n"
    assert [k for k, _ in tf.train.list_variables(p)] == ["a", "b"]
    r = sf("rename", p, p, "--map", "a=c")
    assert r.returncode == 0, r.stderr
    assert [k for k, _ in tf.train.list_variables(p)] == ["b", "c"]
    assert sorted(f.name for f in tmp_path.iterdir()) == ["m.data-00000-of-00001", "m.index"]


def test_rename_errors_write_nothing(tmp_path):
    p = write(tmp_path / "m", a=np.float32(1), b=np.float32(2))
    out = tmp_path / "out"
    r = sf("rename", p, out, "--map", "a=b")
    assert r.returncode == 1
    assert r.stderr == ("sf ckpt: error (already exists): keys a and b would both be renamed to "
                        "b; nothing was written\n")
    r = sf("rename", p, out, "--map", "zz=b")
    assert r.returncode == 1
    assert r.stderr == ("sf ckpt: error (not found): --map zz=b: Key zz not found in checkpoint "
                        "%s\n" % p)
    r = sf("rename", p, out, "--regex", "([=x")
    assert r.returncode == 1
    assert r.stderr.startswith("sf ckpt: error (invalid argument): --regex '([': invalid pattern")
    r = sf("rename", p, out)
    assert r.returncode == 1
    assert r.stderr == "sf ckpt: error (invalid argument): rename needs at least one --map or " \
                       "--regex\n"
    assert not any(f.name.startswith("out") for f in tmp_path.iterdir())
