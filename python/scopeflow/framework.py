"""Graphs, operations, tensors, shapes, name scopes and collections: TF1's graph layer.

Everything that decides a name happens in C++ (`_core`); this module converts arguments,
keeps one Python object per graph element (so `is` works as in TF) and gives TF's reprs.
"""

import re
import sys
import traceback
import weakref

import numpy as np

from . import _core
from . import dtypes

__all__ = [
    "Graph", "Operation", "Tensor", "TensorShape", "Dimension", "GraphKeys", "name_scope",
    "get_default_graph", "reset_default_graph", "add_to_collection", "add_to_collections",
    "get_collection", "get_collection_ref", "convert_to_tensor",
]

_graphs = weakref.WeakValueDictionary()  # C++ graph id -> Python Graph


# ---------------------------------------------------------------------------------------------
# Shapes


class Dimension(object):
    """One dimension of a TensorShape (TF1's Dimension): a value or None."""

    __slots__ = ("_value",)

    def __init__(self, value):
        if isinstance(value, Dimension):
            value = value.value
        self._value = None if value is None else int(value)

    @property
    def value(self):
        return self._value

    def __int__(self):
        return self._value

    def __index__(self):
        return self._value

    def __eq__(self, other):
        other = other.value if isinstance(other, Dimension) else other
        if self._value is None or other is None:
            return None
        return self._value == other

    def __ne__(self, other):
        eq = self.__eq__(other)
        return None if eq is None else not eq

    def __hash__(self):
        return hash(self._value)

    def __str__(self):
        return "?" if self._value is None else str(self._value)

    def __repr__(self):
        return "Dimension(%r)" % (self._value,)


class TensorShape(object):
    """A static shape (TF1's TensorShape), printed as TF 1.15 prints it."""

    __slots__ = ("_dims",)

    def __init__(self, dims):
        if isinstance(dims, TensorShape):
            self._dims = dims._dims
        elif dims is None:
            self._dims = None
        elif isinstance(dims, (int, np.integer)) or isinstance(dims, Dimension):
            self._dims = [Dimension(dims).value]
        else:
            self._dims = [Dimension(d).value for d in dims]

    @property
    def ndims(self):
        return None if self._dims is None else len(self._dims)

    rank = ndims

    @property
    def dims(self):
        return None if self._dims is None else [Dimension(d) for d in self._dims]

    def as_list(self):
        if self._dims is None:
            raise ValueError(_core.messages.shape_as_list_unknown())
        return list(self._dims)

    def _as_core(self):
        return self._dims

    def is_fully_defined(self):
        return self._dims is not None and all(d is not None for d in self._dims)

    def num_elements(self):
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:
            n *= d
        return n

    def is_compatible_with(self, other):
        return _core.shape_compatible(self._dims, as_shape(other)._dims)

    def merge_with(self, other):
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(_core.messages.shapes_not_compatible(str(self), str(other)))
        return TensorShape([a if a is not None else b for a, b in zip(self._dims, other._dims)])

    def __len__(self):
        if self._dims is None:
            raise ValueError(_core.messages.shape_len_unknown())
        return len(self._dims)

    def __iter__(self):
        if self._dims is None:
            raise ValueError(_core.messages.shape_iter_unknown())
        return iter(Dimension(d) for d in self._dims)

    def __getitem__(self, key):
        if self._dims is None:
            return Dimension(None) if not isinstance(key, slice) else TensorShape(None)
        if isinstance(key, slice):
            return TensorShape(self._dims[key])
        return Dimension(self._dims[key])

    def __eq__(self, other):
        try:
            other = as_shape(other)
        except TypeError:
            return NotImplemented
        return self._dims == other._dims

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        return hash(None if self._dims is None else tuple(self._dims))

    def __str__(self):
        return _core.shape_str(self._dims)

    def __repr__(self):
        if self._dims is None:
            return "TensorShape(None)"
        return "TensorShape(%r)" % [Dimension(d) for d in self._dims]


def as_shape(shape):
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def unknown_shape():
    return TensorShape(None)


# ---------------------------------------------------------------------------------------------
# Graph elements


class Operation(object):
    """A node of a graph (TF's tf.Operation). One Python object per op."""

    __slots__ = ("_graph", "_cc", "_index", "_outputs", "__weakref__")

    def __init__(self, graph, c_op, index=None, first=None):
        self._graph = graph
        self._cc = c_op
        self._index = c_op.index if index is None else index
        n = self._c.num_outputs
        outs = [Tensor(graph, self._index, i) for i in range(n)]
        if first is not None:  # a tensor handed out before this object existed keeps its identity
            first._op = self
            outs[0] = first
        for t in outs:
            t._op = self
        self._outputs = tuple(outs)

    @property
    def _c(self):
        c = self._cc
        if c is None:
            c = self._cc = self._graph._c.operation(self._index)
        return c

    @property
    def name(self):
        return self._c.name

    @property
    def type(self):
        return self._c.type

    @property
    def graph(self):
        return self._graph

    @property
    def device(self):
        return self._c.device

    @property
    def outputs(self):
        return list(self._outputs)

    def values(self):
        return tuple(self._outputs)

    @property
    def inputs(self):
        return tuple(self._graph._wrap_output(o) for o in self._c.inputs())

    @property
    def control_inputs(self):
        return [self._graph._op(o) for o in self._c.control_inputs()]

    @property
    def node_def(self):
        from . import graph_io
        return graph_io.node_def(self)

    def get_attr(self, name):
        v = self._c.attr(name)
        if name in ("T", "dtype", "DstT", "SrcT", "Tidx", "out_type", "index_type"):
            return dtypes.as_dtype(v)
        if isinstance(v, list) and name == "shape":
            return TensorShape(v)
        return v

    def run(self, feed_dict=None, session=None):
        from . import session as _session
        _session._run(self, feed_dict, session)

    def __repr__(self):
        return self._c.repr()

    def __str__(self):
        return self._c.repr()


class _Operators(object):
    """Python's arithmetic operators for tensors and variables: name_scope(None, "add") and
    friends, built in C++ (`x + 1.0` is `add` with a `add/y` constant)."""

    __slots__ = ()

    def __add__(self, other):
        return _binary_operator(_core.operator_add, self, other, False)

    def __radd__(self, other):
        return _binary_operator(_core.operator_add, other, self, True)

    def __sub__(self, other):
        return _binary_operator(_core.operator_sub, self, other, False)

    def __rsub__(self, other):
        return _binary_operator(_core.operator_sub, other, self, True)

    def __mul__(self, other):
        return _binary_operator(_core.operator_mul, self, other, False)

    def __rmul__(self, other):
        return _binary_operator(_core.operator_mul, other, self, True)

    def __truediv__(self, other):
        return _binary_operator(_core.operator_truediv, self, other, False)

    def __rtruediv__(self, other):
        return _binary_operator(_core.operator_truediv, other, self, True)


class Tensor(_Operators):
    """A symbolic output of an operation (TF1's tf.Tensor): name `op:index`."""

    # A tensor is created before its Operation object (`_op` stays None until `.op` is asked
    # for), so that building an op allocates one Python object.
    __slots__ = ("_g", "_opi", "_op", "_index", "_oc", "__weakref__")

    # Makes numpy defer to our operators (`np.float32(2) * t`).
    __array_priority__ = 100

    def __init__(self, graph, op_index, index, c_output=None):
        self._g = graph
        self._opi = op_index
        self._op = None
        self._index = index
        self._oc = c_output

    @property
    def _o(self):
        """The C++ Output handle (made on first use)."""
        o = self._oc
        if o is None:
            o = self._oc = self._g._c.operation(self._opi).output(self._index)
        return o

    @property
    def op(self):
        op = self._op
        if op is None:
            op = self._g._op_at(self._opi)
        return op

    @property
    def graph(self):
        return self._g

    @property
    def name(self):
        return self._o.name

    @property
    def value_index(self):
        return self._index

    @property
    def dtype(self):
        return dtypes.DType(self._o.dtype)

    @property
    def shape(self):
        return TensorShape(self._o.shape)

    @property
    def device(self):
        return self.op.device

    def get_shape(self):
        return self.shape

    def set_shape(self, shape):
        self._o.set_shape(as_shape(shape)._dims)

    def consumers(self):
        g = self._g
        return [op for op in g.get_operations() if any(t is self for t in op.inputs)]

    def eval(self, feed_dict=None, session=None):
        from . import session as _session
        return _session._eval(self, feed_dict, session)

    def __str__(self):
        return self._o.str()

    def __repr__(self):
        return self._o.repr()

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __bool__(self):
        raise TypeError(_core.messages.tensor_as_bool())

    def __iter__(self):
        shape = self._o.shape
        if shape is None:
            raise TypeError(_core.messages.tensor_iter_unknown_shape())
        if not shape:
            raise TypeError(_core.messages.tensor_iter_scalar())
        if shape[0] is None:
            raise TypeError(_core.messages.tensor_iter_unknown_first_dim())
        from . import ops as _ops
        return iter(_ops.unstack(self))

def _binary_operator(fn, x, y, reflected):
    tensor = y if reflected else x
    other = x if reflected else y
    if type(tensor) is Tensor:
        g = tensor._g
    else:
        g = _graph_of(tensor)
    if type(other) is Tensor and other._g is not g:
        raise ValueError(_core.messages.different_graphs(str(other), str(tensor)))
    return g._wrap_new(fn(g._c, _to_input(x), _to_input(y), reflected))


# ---------------------------------------------------------------------------------------------
# Converting Python values


def _np_value(value, dtype=None):
    """TF's make_tensor_proto inference: Python floats are float32, ints int32 (int64 when
    too large), numpy arrays keep their type."""
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype).base_dtype
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if dtype is None:
            if arr.dtype.kind in ("U", "S", "O"):
                return arr, dtypes.string
            return arr, dtypes.as_dtype(arr.dtype)
        return _cast_checked(arr, value, dtype), dtype
    if dtype is dtypes.string or (dtype is None and _is_stringy(value)):
        arr = np.array(value, dtype=object)
        return arr, dtypes.string
    arr = np.array(value)
    if arr.dtype == object:
        raise TypeError(_core.messages.object_not_convertible(str(type(value)), str(value)))
    if dtype is None:
        if arr.dtype.kind == "f":
            return arr.astype(np.float32), dtypes.float32
        if arr.dtype.kind in ("i", "u"):
            if arr.size and (arr.max() > 2**31 - 1 or arr.min() < -2**31):
                return arr.astype(np.int64), dtypes.int64
            return arr.astype(np.int32), dtypes.int32
        if arr.dtype.kind == "b":
            return arr, dtypes.bool
        if arr.dtype.kind == "c":
            return arr.astype(np.complex128), dtypes.complex128
        return arr, dtypes.as_dtype(arr.dtype)
    return _cast_checked(arr, value, dtype), dtype


def _is_stringy(value):
    if isinstance(value, (str, bytes)):
        return True
    if isinstance(value, (list, tuple)) and value:
        return _is_stringy(value[0])
    return False


def _cast_checked(arr, value, dtype):
    kind = arr.dtype.kind
    if dtype is dtypes.string:
        return arr.astype(object)
    if arr.size == 0:  # TF: an empty list converts to any dtype
        return arr.astype(dtype.as_numpy_dtype)
    if (dtype.is_integer and kind == "f") or (dtype is dtypes.bool and kind != "b") or \
            (kind == "b" and dtype is not dtypes.bool) or (kind == "c" and not dtype.is_complex):
        shown = value if not isinstance(value, np.ndarray) else value.tolist()
        pytype = type(shown[0] if isinstance(shown, (list, tuple)) and shown else shown).__name__
        raise TypeError(_core.messages.literal_type_mismatch(dtype.name, repr(shown), pytype))
    return arr.astype(dtype.as_numpy_dtype)


def _make_core_tensor(arr, dtype):
    if dtype is dtypes.string:
        flat = [v.decode() if isinstance(v, bytes) else str(v) for v in arr.reshape(-1).tolist()]
        return _core.make_string_tensor(flat, list(arr.shape))
    arr = np.asarray(arr, dtype=dtype.as_numpy_dtype)
    return _core.make_tensor(dtype.as_datatype_enum, list(arr.shape), arr.tobytes(order="C"))


_INT32_MIN, _INT32_MAX = -2**31, 2**31 - 1


def _core_value(value, dtype=None):
    if dtype is None:
        t = type(value)
        if t is float:
            return _core.scalar_float32(value)
        if t is int and _INT32_MIN <= value <= _INT32_MAX:
            return _core.scalar_int32(value)
        if t is bool:
            return _core.scalar_bool(value)
    arr, dt = _np_value(value, dtype)
    return _make_core_tensor(arr, dt)


def _to_input(value, dtype=None):
    """A C++ op argument: `_core.Output` for tensors and variables, `_core.Tensor` otherwise."""
    t = type(value)
    if t is Tensor:
        return value._o
    as_tensor = getattr(value, "_as_graph_output", None)
    if as_tensor is not None:
        return as_tensor()
    if isinstance(value, Operation):
        raise TypeError(_core.messages.operation_to_tensor(value.name, str(dtype)))
    return _core_value(value, dtype)


def _graph_of(value):
    if isinstance(value, Tensor):
        return value._g
    g = getattr(value, "graph", None)
    if isinstance(g, Graph):
        return g
    return get_default_graph()


def _graph_from_inputs(values):
    """ops._get_graph_from_inputs: the graph of the first graph element; all must agree."""
    graph, first = None, None
    for v in values:
        if isinstance(v, (Tensor, Operation)) or hasattr(v, "_as_graph_output"):
            g = v.graph
            if graph is None:
                graph, first = g, v
            elif g is not graph:
                raise ValueError(_core.messages.different_graphs(str(v), str(first)))
    return graph if graph is not None else get_default_graph()


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None):
    """tf.convert_to_tensor: tensors pass through; values become a `Const` named `name`."""
    if isinstance(value, Tensor):
        if dtype is not None and not dtypes.as_dtype(dtype).is_compatible_with(value.dtype):
            raise ValueError(_core.messages.tensor_conversion_dtype(
                dtypes.as_dtype(dtype).name, value.dtype.name, repr(value)))
        return value
    if hasattr(value, "_as_graph_output"):
        return value.value()
    g = _graph_from_inputs([value])
    return g._wrap_output(_core.convert_to_tensor(
        g._c, _to_input(value, dtype), name or "Const",
        None if dtype is None else dtypes.as_dtype(dtype).base_dtype.as_datatype_enum))


# ---------------------------------------------------------------------------------------------
# Graph


def _create_op(graph, op_type, name, inputs, attrs, control_inputs=()):
    """Creates op `op_type` in `graph` with TF's naming (`name` under the current name scope,
    uniquified; a name ending in "/" is taken as is) and the registered shape function.

    `inputs` are Tensors of `graph`; `attrs` maps attr names to bool, int, float, str, DType,
    TensorShape, core tensors (from _make_core_tensor) or lists of those. Returns the
    Operation."""
    index = _core.create_op(graph._c, op_type, name, [t._o for t in inputs], attrs,
                            [op._c for op in control_inputs])
    return graph._op_at(index)


class GraphKeys(object):
    """Standard names for collections (tf.GraphKeys)."""

    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    SAVEABLE_OBJECTS = "saveable_objects"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    TRAIN_OP = "train_op"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"
    _SUMMARY_COLLECTION = "_SUMMARY_V2"
    _VARIABLE_COLLECTIONS = [GLOBAL_VARIABLES, LOCAL_VARIABLES, METRIC_VARIABLES,
                             MODEL_VARIABLES, TRAINABLE_VARIABLES, MOVING_AVERAGE_VARIABLES,
                             CONCATENATED_VARIABLES, TRAINABLE_RESOURCE_VARIABLES]
    _STREAMING_MODEL_PORTS = "streaming_model_ports"


class Graph(object):
    """A TF1 graph (tf.Graph). The C++ graph owns ops, names and variables; this object keeps
    one Python object per op and per variable, and Python-only collections."""

    def __init__(self, _c=None):
        self._c = _c if _c is not None else _core.Graph()
        self._ops = {}        # op index -> Operation
        self._variables = {}  # variable index -> Variable
        self._py_collections = {}  # collections with non-string keys
        _graphs[self._c.id] = self

    # --- element wrappers (one Python object per element) ---

    def _op_at(self, index, c_op=None):
        """The Operation object of op `index` (made on first use). A single-output op built
        through _wrap_new is held by its tensor until then."""
        entry = self._ops.get(index)
        if type(entry) is Operation:
            return entry
        if c_op is None:
            c_op = self._c.operation(index)
        op = Operation(self, c_op, index, entry)
        self._ops[index] = op
        return op

    def _op(self, c_op):
        return self._op_at(c_op.index, c_op)

    def _wrap_output(self, c_output):
        return self._op(c_output.op)._outputs[c_output.index]

    def _wrap_new(self, result):
        """The output of a single-output op just built: `result` is (Output, op index)."""
        c_output, index = result
        t = Tensor.__new__(Tensor)
        t._g = self
        t._opi = index
        t._op = None
        t._index = 0
        t._oc = c_output
        self._ops[index] = t
        return t

    def _wrap_outputs(self, c_outputs):
        return [self._wrap_output(o) for o in c_outputs]

    # --- TF1 API ---

    def as_default(self):
        return _GraphContext(self)

    def as_graph_def(self, from_version=None, add_shapes=False):
        """The graph as a GraphDef message (scopeflow.proto.graph_pb2), nodes in creation
        order; with add_shapes, each node carries `_output_shapes`."""
        from . import graph_io
        return graph_io.as_graph_def(self, from_version, add_shapes)

    def get_operations(self):
        n = self._c.num_operations()
        return [self._op_at(i) for i in range(n)]

    def get_operation_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError(_core.messages.operation_name_type(type(name).__name__))
        return self._op(self._c.get_operation_by_name(name))

    def get_tensor_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError(_core.messages.tensor_name_type(type(name).__name__))
        return self._wrap_output(self._c.get_tensor_by_name(name))

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        if isinstance(obj, (Tensor, Operation)):
            return obj
        if isinstance(obj, str):
            if ":" in obj and allow_tensor:
                return self.get_tensor_by_name(obj)
            if allow_operation:
                return self.get_operation_by_name(obj)
            return self.get_tensor_by_name(obj)
        raise TypeError(_core.messages.graph_element_type(type(obj).__name__))

    def unique_name(self, name, mark_as_used=True):
        return self._c.unique_name(name, mark_as_used)

    def get_name_scope(self):
        return self._c.get_name_scope()

    def name_scope(self, name):
        return _GraphNameScope(self, name)

    def device(self, device_name_or_function):
        return _device_context(self, device_name_or_function)

    def control_dependencies(self, control_inputs):
        return _control_dependencies_context(self, control_inputs)

    def colocate_with(self, op, ignore_existing=False):
        return _colocate_context(self, op, ignore_existing)

    @property
    def version(self):
        return self._c.num_operations()

    @property
    def seed(self):
        return self._c.seed

    @seed.setter
    def seed(self, value):
        self._c.seed = value

    @property
    def finalized(self):
        return self._c.finalized

    def finalize(self):
        """After this, creating an op raises RuntimeError (TF's Graph.finalize)."""
        self._c.finalize()

    @property
    def collections(self):
        return self.get_all_collection_keys()

    # --- collections ---

    def add_to_collection(self, name, value):
        if not isinstance(name, str):
            self._py_collections.setdefault(name, []).append(value)
            return
        _core.add_to_collection(self._c, name, _collection_payload(value),
                                _name_of(value))

    def add_to_collections(self, names, value):
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name):
        # TF returns the live list; ours is a copy of the C++ collection.
        return self.get_collection(name)

    def get_collection(self, name, scope=None):
        if not isinstance(name, str):
            items = list(self._py_collections.get(name, []))
        else:
            items = [self._from_collection(i) for i in _core.get_collection(self._c, name)]
        if scope is None:
            return items
        out = []
        regex = re.compile(scope)
        for item in items:
            try:
                if regex.match(item.name):
                    out.append(item)
            except (AttributeError, TypeError):
                pass
        return out

    def get_all_collection_keys(self):
        return [k for k in self._c.collection_keys()] + list(self._py_collections)

    def clear_collection(self, name):
        if isinstance(name, str):
            self._c.clear_collection(name)
        else:
            self._py_collections.pop(name, None)

    def _from_collection(self, item):
        if isinstance(item, _core.Output):
            return self._wrap_output(item)
        if isinstance(item, _core.Operation):
            return self._op(item)
        if isinstance(item, _core.Variable):
            from . import variables as _variables
            return _variables._wrap_variable(self, item)
        return item

    def __repr__(self):
        return "<scopeflow.python.framework.ops.Graph object at 0x%x>" % id(self)


def _collection_payload(value):
    if isinstance(value, Tensor):
        return value._o
    if isinstance(value, Operation):
        return value._c
    c = getattr(value, "_c_variable", None)
    if c is not None:
        return c
    return value


def _name_of(value):
    try:
        n = value.name
        return n if isinstance(n, str) else ""
    except Exception:  # noqa: BLE001 - any object may sit in a collection
        return ""


class _GraphContext(object):
    """`with g.as_default():` makes g the thread's default graph."""

    def __init__(self, graph):
        self._graph = graph

    def __enter__(self):
        _core.push_default_graph(self._graph._c)
        return self._graph

    def __exit__(self, *exc):
        _core.pop_default_graph(self._graph._c)
        return False


def _scope_name_arg(name):
    """A name scope's name as Graph.name_scope takes it: None/"" reset, bytes are decoded, and
    anything else fails where TF's regex match fails."""
    if not name:
        return None
    if isinstance(name, bytes):
        return name.decode()
    if not isinstance(name, str):
        raise TypeError(_core.messages.scope_name_type())
    return name


class _GraphNameScope(object):
    """Graph.name_scope(name): the context manager Graph.name_scope returns."""

    def __init__(self, graph, name):
        self._graph = graph
        self._name = name

    def __enter__(self):
        self._token, yielded = _core.push_name_scope(self._graph._c, _scope_name_arg(self._name))
        return yielded

    def __exit__(self, *exc):
        _core.pop_scope(self._graph._c, self._token)
        return False


def get_default_graph():
    c = _core.default_graph()
    g = _graphs.get(c.id)
    if g is None:
        g = Graph(c)
    return g


_default_graph_holder = [None]


def _keep_default_alive():
    # The global default graph's Python object lives as long as the C++ default does, so that
    # its caches (one Python object per op) survive between calls.
    _default_graph_holder[0] = get_default_graph()


def reset_default_graph():
    if _core.default_graph_depth() > 0:
        raise AssertionError(_core.messages.reset_nested_graph())
    _core.reset_default_graph()
    _keep_default_alive()


class name_scope(object):  # noqa: N801 - TF's name
    """tf.name_scope(name, default_name=None, values=None) (the TF1 class)."""

    def __init__(self, name, default_name=None, values=None):
        if not (default_name is None or isinstance(default_name, str)):
            raise TypeError(_core.messages.name_scope_default_name_not_string(
                repr(type(default_name))))
        self._name = default_name if name is None else name
        self._default_name = default_name
        self._values = values
        self._graph_ctx = None

    def __enter__(self):
        if self._name is None and self._values is not None:
            raise ValueError(_core.messages.name_scope_missing_name(
                str(self._name), str(self._default_name)))
        g = get_default_graph()
        if self._values:
            g_in = _graph_from_inputs(self._values)
            if g_in is not g:
                g = g_in
                self._graph_ctx = g.as_default()
                self._graph_ctx.__enter__()
        self._graph = g
        try:
            self._token, yielded = _core.push_name_scope(g._c, _scope_name_arg(self._name))
        except Exception:
            if self._graph_ctx is not None:
                self._graph_ctx.__exit__(None, None, None)
            raise
        return yielded

    def __exit__(self, *exc):
        _core.pop_scope(self._graph._c, self._token)
        if self._graph_ctx is not None:
            self._graph_ctx.__exit__(*exc)
        return False


class _ScopeContext(object):
    """A context manager that pushes one C++ scope frame and pops it on exit."""

    def __init__(self, graph, push):
        self._graph = graph
        self._push = push

    def __enter__(self):
        self._token = self._push()
        return None

    def __exit__(self, *exc):
        _core.pop_scope(self._graph._c, self._token)
        return False


def _device_context(graph, device_name):
    if callable(device_name):
        raise NotImplementedError(_core.messages.device_function_unsupported())
    if device_name is not None and not isinstance(device_name, str):
        device_name = device_name.to_string()
    return _ScopeContext(graph, lambda: _core.push_device(graph._c, device_name))


def _control_dependencies_context(graph, control_inputs):
    if control_inputs is None:
        ops = None
    else:
        ops = []
        for c in control_inputs:
            if isinstance(c, Tensor):
                c = c.op
            elif hasattr(c, "_as_graph_output"):
                c = c.value().op
            if not isinstance(c, Operation):
                raise TypeError(_core.messages.control_input_type(str(c)))
            ops.append(c._c)
    return _ScopeContext(graph, lambda: _core.push_control_dependencies(graph._c, ops))


def _colocate_context(graph, op, ignore_existing):
    if op is None:
        if not ignore_existing:
            raise ValueError(_core.messages.colocation_reset())
        raise NotImplementedError(_core.messages.colocation_ignore_existing_unsupported())
    if isinstance(op, Tensor):
        op = op.op
    elif hasattr(op, "_as_graph_output"):
        op = op.op
    return _ScopeContext(graph, lambda: _core.push_colocation(graph._c, op._c, ignore_existing))


def colocate_with(op, ignore_existing=False):
    """tf.colocate_with: ops created inside get op's `_class` colocation groups and device."""
    return _colocate_context(get_default_graph(), op, ignore_existing)


def device(device_name_or_function):
    """tf.device: ops created inside get the merged device spec; None clears it."""
    return _device_context(get_default_graph(), device_name_or_function)


def control_dependencies(control_inputs):
    """tf.control_dependencies: ops created inside run after `control_inputs`."""
    return _control_dependencies_context(get_default_graph(), control_inputs)


def get_name_scope():
    return get_default_graph().get_name_scope()


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    get_default_graph().add_to_collections(names, value)


def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


def get_all_collection_keys():
    return get_default_graph().get_all_collection_keys()


def _creation_site(skip=2):
    """TF's op traceback for "Originally defined at:", rendered only if a variable is made:
    the caller's frames, innermost first, without scopeflow's own, at most five."""
    frame = sys._getframe(skip)

    def render():
        here = __file__.rsplit("/", 1)[0]
        frames = [f for f in traceback.extract_stack(frame) if not f.filename.startswith(here)]
        return "".join(traceback.format_list(frames[::-1][:5]))

    return render


_keep_default_alive()
