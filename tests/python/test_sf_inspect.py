"""`sf inspect FILE`: the scope tree and variables of graph files and checkpoints, from the
command-line tool of the build whose Python package is under test (<build>/bin/sf)."""

import pathlib
import subprocess

import scopeflow as tf

SF = pathlib.Path(tf.__file__).resolve().parents[2] / "bin" / "sf"
GOLDEN = pathlib.Path(__file__).resolve().parents[3] / "shared" / "golden"


def sf(*args):
    return subprocess.run([str(SF), "inspect"] + [str(a) for a in args], capture_output=True,
                          text=True)


def build_model():
    with tf.variable_scope("layer1"):
        w = tf.get_variable("W", [2, 3])
        tf.get_variable("b", [3], dtype=tf.float64)
    with tf.name_scope("loss"):
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        tf.reduce_sum(tf.matmul(x, w))


TREE = """\
scope       ops  here  vars
(root)       24     0     2
├── layer1   20     2     2
│   ├── W     9     2     0  (+2 scopes folded)
│   └── b     9     2     0  (+2 scopes folded)
└── loss      4     4     0
8 scopes, 4 shown (depth 2), 4 folded; ops = ops in and below a scope, here = ops directly in \
it, vars = variables in and below it.
"""


def test_text_and_binary_graph_defs(tmp_path):
    build_model()
    for name, as_text, kind in [("g.pbtxt", True, "text GraphDef"),
                                ("g.pb", False, "binary GraphDef")]:
        path = tf.train.write_graph(tf.get_default_graph(), str(tmp_path), name, as_text=as_text)
        r = sf(path)
        assert r.returncode == 0, r.stderr
        assert r.stdout == (f"{path}: {kind}, 24 ops\n\n" + TREE +
                            "\nVariables (2):\n"
                            "  layer1/W  (2, 3)  float32\n"
                            "  layer1/b  (3,)    float64\n")


def test_scope_zoom_and_depth(tmp_path):
    build_model()
    path = tf.train.write_graph(tf.get_default_graph(), str(tmp_path), "g.pb", as_text=False)
    r = sf(path, "--scope", "layer1/W/", "--depth", "1")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        f"{path}: binary GraphDef, 24 ops\n\n"
        "scope            ops  here  vars\n"
        "layer1/W           9     2     0\n"
        "└── Initializer    7     1     0  (+1 scope folded)\n"
        "2 scopes, 1 shown (depth 1), 1 folded; ops = ops in and below a scope, here = ops "
        "directly in it, vars = variables in and below it.\n\n"
        "Variables (1 of 2):\n"
        "  layer1/W  (2, 3)  float32\n")
    r = sf(path, "--scope", "nope")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr == (f"sf inspect: error (not found): {path}: no scope 'nope' "
                        "(top-level scopes: layer1, loss)\n")


def test_checkpoint_by_prefix_and_by_index(tmp_path):
    build_model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "model.ckpt"), write_meta_graph=False)
    for arg in (prefix, prefix + ".index"):
        r = sf(arg)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith(
            f"{prefix}: checkpoint (V2 tensor bundle, 1 shard), 2 tensors, 48 bytes\n\n")
        assert r.stdout.endswith("Variables (2):\n"
                                 "  layer1/W  (2, 3)  float32\n"
                                 "  layer1/b  (3,)    float64\n")


def test_golden_meta_graph_checkpoint_and_event_directory():
    r = sf(GOLDEN / "packt_mlp9_adam_saver" / "my-model.meta", "--depth", "1")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].endswith("my-model.meta: binary MetaGraphDef, 849 ops, 4 collections, a Saver")
    assert "├── layer1                33     6     6  (+12 scopes folded)" in lines
    assert "└── save                 230   116     0  (+57 scopes folded)" in lines
    assert "Variables (56):" in lines
    assert "  layer1/W         (2, 5)    float32" in lines

    r = sf(GOLDEN / "houseprices_dropout_cond" / "model.ckpt", "--scope", "Variable_9")
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("Variables (3 of 34):\n"
                             "  Variable_9         (1,)   float32\n"
                             "  Variable_9/Adam    (1,)   float32\n"
                             "  Variable_9/Adam_1  (1,)   float32\n")

    # A run directory stands for its newest event file.
    r = sf(GOLDEN / "mnist_summaries" / "train", "--scope", "layer1", "--depth", "1")
    assert r.returncode == 0, r.stderr
    assert ": event file, 388 ops, 4 collections\n" in r.stdout
    assert "\nlayer1              104     2     6\n├── weights          51     2     3  (+18 scopes folded)\n" in r.stdout


def test_bad_files(tmp_path):
    r = sf(tmp_path / "missing.pb")
    assert r.returncode == 1
    assert f"{tmp_path / 'missing.pb'}; No such file or directory" in r.stderr
    bad = tmp_path / "bad.pb"
    bad.write_bytes(b"\x0a\xff\xff\xff\x0f garbage")
    r = sf(bad)
    assert r.returncode == 1
    assert r.stderr.startswith(f"sf inspect: error (data loss): {bad}")
