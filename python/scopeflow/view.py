"""Seeing a graph: `write_html` makes one self-contained HTML page that shows a graph folded
by name scope, as TensorBoard's graph dashboard does (no server, no network); `to_dot` gives
Graphviz DOT with one cluster per scope.

    import scopeflow as tf
    ...build a model...
    tf.view.write_html(None, "graph.html")   # None: the default graph
"""

from . import _core
from .framework import get_default_graph


def _c_graph(graph):
    if graph is None:
        graph = get_default_graph()
    return graph._c


def write_html(graph=None, path=None, title=None):
    """Writes `graph` (default: the default graph) to the HTML file `path`. The title defaults
    to "scopeflow graph". `write_html("graph.html")` is read as the default graph to that
    path."""
    if isinstance(graph, str) and path is None:
        graph, path = None, graph
    if path is None:
        raise TypeError("write_html() needs a path")
    _core.viewer_write_html(_c_graph(graph), str(path), title or "")


def to_html(graph=None, title=None):
    """The page write_html would write, as a string."""
    return _core.viewer_render_html(_c_graph(graph), title or "")


def to_dot(graph=None):
    """Graphviz DOT text of `graph` (default: the default graph): one cluster per scope."""
    return _core.viewer_render_dot(_c_graph(graph))
