"""The viewer from Python (`scopeflow.view`): an MLP trained with tf.train.AdamOptimizer is
written as a page and as DOT. Run by ctest as viewer_python:
    PYTHONPATH=build/python /usr/bin/python3 tests/viewer/write_page.py OUT_DIR
"""
import os
import sys

import scopeflow as tf


def mlp_with_adam():
    x = tf.placeholder(tf.float32, [None, 8], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    h = x
    for i, width in enumerate([16, 16, 4], start=1):
        with tf.variable_scope("layer%d" % i):
            w = tf.get_variable("w", [h.shape[1], width])
            b = tf.get_variable("b", [width], initializer=tf.zeros_initializer())
            h = tf.matmul(h, w) + b
            if i < 3:
                h = tf.nn.relu(h)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
    return tf.train.AdamOptimizer(0.01).minimize(loss)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "python_mlp_adam.html")
    results = []

    def check(name, cond):
        results.append(cond)
        print(("ok - " if cond else "not ok - ") + name)

    mlp_with_adam()
    tf.view.write_html(None, path, title="MLP from Python")
    with open(path, encoding="utf-8") as f:
        page = f.read()
    check("write_html writes the page", page.startswith("<!DOCTYPE html>"))
    check("the page holds the gradient names",
          '"gradients/layer1/MatMul_grad/MatMul_1"' in page)
    check("the page has its title", "<title>MLP from Python</title>" in page)
    check("the page fetches nothing", "default-src 'none'" in page and "<script src" not in page)
    check("to_html gives the same page", tf.view.to_html(title="MLP from Python") == page)
    dot = tf.view.to_dot()
    check("to_dot has a cluster per scope",
          'subgraph "cluster_gradients/layer1/MatMul_grad" {' in dot
          and '"gradients/layer1/MatMul_grad/MatMul_1" [label="MatMul_1\\nMatMul"];' in dot)

    # A graph of its own, and the path-only form for the default graph.
    g = tf.Graph()
    with g.as_default():
        tf.constant(1.0, name="c")
    other = os.path.join(out_dir, "python_other.html")
    tf.view.write_html(g, other)
    with open(other, encoding="utf-8") as f:
        check("write_html(graph, path) uses that graph", '["c",' in f.read())
    tf.view.write_html(other)
    with open(other, encoding="utf-8") as f:
        check("write_html(path) uses the default graph", '"gradients/' in f.read())
    try:
        tf.view.write_html(None, os.path.join(out_dir, "no-such-dir", "x.html"))
        check("a path that cannot be written raises", False)
    except KeyError as e:  # NotFound, as for every missing file
        check("a path that cannot be written raises", "No such file or directory" in str(e))

    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
