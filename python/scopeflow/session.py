"""tf.Session: runs fetches with a feed_dict on the C++ executor. Fetch structures (nested
lists, tuples, dicts, namedtuples) come back with the same shape, values as numpy arrays."""

import collections
import threading

import numpy as np

from . import _core
from . import errors
from .framework import Operation, Tensor, get_default_graph

__all__ = ["Session", "InteractiveSession", "get_default_session"]

_local = threading.local()


def _session_stack():
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def get_default_session():
    """The innermost session made default with `with sess.as_default()` (or None)."""
    stack = _session_stack()
    return stack[-1] if stack else None


class _DefaultSession(object):
    def __init__(self, session):
        self._session = session

    def __enter__(self):
        _session_stack().append(self._session)
        return self._session

    def __exit__(self, *exc):
        stack = _session_stack()
        if stack and stack[-1] is self._session:
            stack.pop()
        return False


class _Fetch(object):
    """One leaf fetch: a tensor (value returned) or an op (None returned)."""

    __slots__ = ("tensor", "op")

    def __init__(self, tensor=None, op=None):
        self.tensor = tensor
        self.op = op


class Session(object):
    """tf.Session(target='', graph=None, config=None)."""

    def __init__(self, target="", graph=None, config=None):
        self._graph = graph if graph is not None else get_default_graph()
        self._c = _core.Session(self._graph._c)
        self._closed = False
        self._default_ctx = None
        self._graph_ctx = None

    @property
    def graph(self):
        return self._graph

    @property
    def graph_def(self):
        raise NotImplementedError("Session.graph_def needs GraphDef export")

    @property
    def sess_str(self):
        return ""

    def as_default(self):
        return _DefaultSession(self)

    def __enter__(self):
        self._graph_ctx = self._graph.as_default()
        self._graph_ctx.__enter__()
        self._default_ctx = self.as_default()
        self._default_ctx.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        self._default_ctx.__exit__(exc_type, exc, tb)
        self._graph_ctx.__exit__(exc_type, exc, tb)
        self.close()
        return False

    def close(self):
        if not self._closed:
            self._closed = True
            self._c.close()

    # --- run ---

    def _leaf(self, fetch):
        g = self._graph
        if isinstance(fetch, Tensor):
            if fetch.graph is not g:
                raise ValueError(
                    "Fetch argument %r cannot be interpreted as a Tensor. (Tensor %s is not an "
                    "element of this graph.)" % (fetch, fetch))
            return _Fetch(tensor=fetch)
        if isinstance(fetch, Operation):
            if fetch.graph is not g:
                raise ValueError(
                    "Fetch argument %r cannot be interpreted as a Tensor. (Operation %r is not "
                    "an element of this graph.)" % (fetch, fetch))
            return _Fetch(op=fetch)
        if isinstance(fetch, str):
            try:
                element = g.as_graph_element(fetch)
            except (KeyError, ValueError) as e:
                msg = e.args[0] if e.args else str(e)
                raise ValueError("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                                 % (fetch, msg))
            return self._leaf(element)
        if hasattr(fetch, "_ref") and hasattr(fetch, "initializer"):  # a Variable
            if fetch.graph is not g:
                raise ValueError(
                    "Fetch argument %r cannot be interpreted as a Tensor. (Tensor %s is not an "
                    "element of this graph.)" % (fetch, fetch._ref()))
            return _Fetch(tensor=fetch._ref())
        if hasattr(fetch, "_as_graph_element"):
            return self._leaf(fetch._as_graph_element())
        raise TypeError("Fetch argument %r has invalid type %r" % (fetch, type(fetch)))

    def _flatten(self, fetches, leaves):
        """A builder that rebuilds `fetches`' structure from the flat results."""
        if isinstance(fetches, (list, tuple)) and not hasattr(fetches, "_fields"):
            parts = [self._flatten(f, leaves) for f in fetches]
            kind = type(fetches)
            return lambda r: kind(p(r) for p in parts)
        if isinstance(fetches, tuple):  # namedtuple
            parts = [self._flatten(f, leaves) for f in fetches]
            kind = type(fetches)
            return lambda r: kind(*[p(r) for p in parts])
        if isinstance(fetches, collections.abc.Mapping):
            items = [(k, self._flatten(v, leaves)) for k, v in fetches.items()]
            kind = type(fetches)
            if kind is collections.defaultdict:
                factory = fetches.default_factory
                return lambda r: collections.defaultdict(factory, [(k, p(r)) for k, p in items])
            return lambda r: kind([(k, p(r)) for k, p in items])
        if fetches is None:
            raise TypeError("Fetch argument None has invalid type <class 'NoneType'>")
        leaf = self._leaf(fetches)
        i = len(leaves)
        leaves.append(leaf)
        return lambda r: r[i]

    def _feeds(self, feed_dict):
        tensors, values = [], []
        if not feed_dict:
            return tensors, values
        g = self._graph
        for key, value in feed_dict.items():
            if isinstance(key, str):
                try:
                    t = g.as_graph_element(key, allow_operation=False)
                except (KeyError, ValueError) as e:
                    msg = e.args[0] if e.args else str(e)
                    raise TypeError("Cannot interpret feed_dict key as Tensor: " + msg)
            elif isinstance(key, Tensor):
                t = key
            elif hasattr(key, "_ref") and hasattr(key, "initializer"):
                t = key.value()
            else:
                raise TypeError("Cannot interpret feed_dict key as Tensor: Can not convert a %s "
                                "into a Tensor." % type(key).__name__)
            if t.graph is not g:
                raise ValueError("Cannot interpret feed_dict key as Tensor: Tensor %s is not an "
                                 "element of this graph." % t)
            if isinstance(value, (Tensor, Operation)):
                raise TypeError(
                    "The value of a feed cannot be a tf.Tensor object. Acceptable feed values "
                    "include Python scalars, strings, lists, numpy ndarrays, or TensorHandles. "
                    "For reference, the tensor object was %s which was passed to the feed with "
                    "key %s." % (value, t))
            dtype = t.dtype.base_dtype
            if dtype.name == "string":
                arr = np.asarray(value, dtype=object)
            else:
                arr = np.asarray(value, dtype=dtype.as_numpy_dtype)
            if not t.get_shape().is_compatible_with(arr.shape):
                raise ValueError("Cannot feed value of shape %r for Tensor %r, which has shape %r"
                                 % (arr.shape, t.name, str(t.get_shape())))
            tensors.append(t._o)
            values.append(arr)
        return tensors, values

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        leaves = []
        rebuild = self._flatten(fetches, leaves)
        feed_tensors, feed_values = self._feeds(feed_dict)
        fetch_tensors, targets, where = [], [], []
        for leaf in leaves:
            if leaf.tensor is not None:
                where.append(len(fetch_tensors))
                fetch_tensors.append(leaf.tensor._o)
            else:
                where.append(None)
                targets.append(leaf.op._c)
        try:
            values = self._c.run(feed_tensors, feed_values, fetch_tensors, targets)
        except _core.OpError as e:
            raise errors._from_core(e, self._graph) from None
        results = []
        for w in where:
            if w is None:
                results.append(None)
            else:
                v = values[w]
                results.append(v[()] if v.ndim == 0 else v)
        return rebuild(results)

    def partial_run(self, *args, **kwargs):
        raise NotImplementedError("partial_run is not supported")


class InteractiveSession(Session):
    """A Session that makes itself the default session (and its graph's) on creation."""

    def __init__(self, target="", graph=None, config=None):
        super(InteractiveSession, self).__init__(target, graph, config)
        self._default_ctx = self.as_default()
        self._default_ctx.__enter__()

    def close(self):
        if not self._closed and self._default_ctx is not None:
            self._default_ctx.__exit__(None, None, None)
        super(InteractiveSession, self).close()


def _eval(tensor, feed_dict, session):
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError("Cannot evaluate tensor using `eval()`: No default session is "
                             "registered. Use `with sess.as_default()` or pass an explicit "
                             "session to `eval(session=sess)`")
    if session.graph is not tensor.graph:
        raise ValueError("Cannot use the given session to evaluate tensor: the tensor's graph "
                         "is different from the session's graph.")
    return session.run(tensor, feed_dict)


def _run(op, feed_dict, session):
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError("Cannot execute operation using `run()`: No default session is "
                             "registered. Use `with sess.as_default():` or pass an explicit "
                             "session to `run(session=sess)`")
    if session.graph is not op.graph:
        raise ValueError("Cannot use the given session to execute operation: the operation's "
                         "graph is different from the session's graph.")
    session.run(op, feed_dict)
