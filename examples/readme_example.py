"""The README's Python example (run by tests/python/test_readme_example.py)."""

import scopeflow as tf

def layer(x):
    with tf.variable_scope("dense", reuse=tf.AUTO_REUSE):
        w = tf.get_variable("w", [2])
    return x * w

x = tf.placeholder(tf.float32, [None, 2], name="x")
with tf.name_scope("tower_0"):
    a = layer(x)
with tf.name_scope("tower_1"):
    b = layer(x)
print(a.name, b.name)                              # tower_0/mul:0 tower_1/mul:0
print([v.name for v in tf.trainable_variables()])  # ['dense/w:0']
