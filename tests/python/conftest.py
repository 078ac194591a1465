"""Every Python test starts on a fresh default graph (each TF test runs in its own graph)."""

import pytest

import scopeflow as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()
