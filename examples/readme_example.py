"""The README's Python example (run by tests/python/test_readme_example.py)."""

import scopeflow as tf

def layer(x):
    with tf.variable_scope("dense", reuse=tf.AUTO_REUSE):
        w = tf.get_variable("w", [2], initializer=tf.ones_initializer())
    return tf.nn.relu(x * w)

x = tf.placeholder(tf.float32, [None, 2], name="x")
with tf.name_scope("tower_0"):
    a = layer(x)
with tf.name_scope("tower_1"):
    b = layer(x * 2.0)
print(a.name, b.name)                              # tower_0/Relu:0 tower_1/Relu:0
print([v.name for v in tf.trainable_variables()])  # ['dense/w:0']

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(a + b, feed_dict={x: [[1.0, -2.0]]}))  # [[3. 0.]]
