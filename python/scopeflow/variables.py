"""Variables, variable scopes and get_variable: TF1's variable layer over the C++ store."""

import enum
import inspect
import weakref

from . import _core
from . import dtypes
from .framework import (GraphKeys, Tensor, TensorShape, _Operators,
                        _creation_site, _to_input, _graph_of, _graph_from_inputs,
                        get_collection, get_default_graph)

__all__ = [
    "Variable", "PartitionedVariable", "VariableScope", "variable_scope", "get_variable",
    "get_local_variable", "get_variable_scope", "AUTO_REUSE", "VariableSynchronization",
    "VariableAggregation", "global_variables", "trainable_variables", "local_variables",
    "model_variables", "no_regularizer",
]


class _ReuseMode(enum.Enum):
    """tf.AUTO_REUSE's type."""
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


class VariableSynchronization(enum.Enum):
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3
    ONLY_FIRST_TOWER = 3


def _reuse_to_core(reuse):
    if reuse is None:
        return None
    if reuse is AUTO_REUSE:
        return 2
    return 1 if reuse else 0


def _reuse_from_core(value):
    return {0: False, 1: True, 2: AUTO_REUSE}[value]


def _dtype_enum(dtype):
    return None if dtype is None else dtypes.as_dtype(dtype).as_datatype_enum


def _shape_arg(shape):
    if shape is None:
        return None
    if isinstance(shape, TensorShape):
        return shape._as_core()
    if isinstance(shape, int):
        return [shape]
    return [None if d is None else int(getattr(d, "value", d)) for d in shape]


# ---------------------------------------------------------------------------------------------
# Variable


def _wrap_variable(graph, c_var):
    v = graph._variables.get(c_var.index)
    if v is None:
        v = Variable.__new__(Variable)
        v._init_core(graph, c_var)
        graph._variables[c_var.index] = v
    return v


class Variable(_Operators):
    """tf.Variable (TF1's RefVariable): ops `<n>/initial_value`, `<n>`, `<n>/Assign`,
    `<n>/read`."""

    __array_priority__ = 100

    def __init__(self, initial_value=None, trainable=None, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None,
                 expected_shape=None, import_scope=None, constraint=None, use_resource=None,
                 synchronization=VariableSynchronization.AUTO,
                 aggregation=VariableAggregation.NONE, shape=None):
        if initial_value is None:
            raise ValueError(_core.messages.initial_value_required())
        if collections is not None and not isinstance(collections, (list, tuple, set)):
            raise ValueError(_core.messages.variable_collections_type(
                str(collections), repr(type(collections))))
        if isinstance(initial_value, Tensor) or hasattr(initial_value, "_as_graph_output"):
            g = _graph_of(initial_value)
        else:
            g = get_default_graph()
        init = _initial_value_arg(initial_value, dtype)
        c = _core.make_variable(g._c, init, name or "", trainable,
                                None if collections is None else list(collections),
                                validate_shape, _dtype_enum(dtype), synchronization.value,
                                _creation_site(2))
        self._init_core(g, c)
        g._variables[c.index] = self

    def _init_core(self, graph, c_var):
        self._graph = graph
        self._c_variable = c_var

    # --- attributes ---
    @property
    def name(self):
        return self._c_variable.name

    @property
    def op(self):
        return self._graph._op(self._c_variable.op)

    @property
    def graph(self):
        return self._graph

    @property
    def dtype(self):
        return dtypes.DType(self._c_variable.dtype)

    @property
    def shape(self):
        return TensorShape(self._c_variable.shape)

    def get_shape(self):
        return self.shape

    @property
    def initializer(self):
        return self._graph._op(self._c_variable.initializer)

    @property
    def initial_value(self):
        return self._graph._wrap_output(self._c_variable.initial_value)

    @property
    def device(self):
        return self.op.device

    @property
    def trainable(self):
        return self._c_variable.trainable

    def value(self):
        return self._graph._wrap_output(self._c_variable.value)

    def read_value(self):
        return self.value()

    def _ref(self):
        return self._graph._wrap_output(self._c_variable.ref)

    def _as_graph_output(self):
        return self._c_variable.value

    def eval(self, session=None):
        """The variable's current value in `session` (or the default session)."""
        from . import session as _session
        return _session._eval(self._ref(), None, session)

    def load(self, value, session=None):
        """Assigns `value` through the variable's initializer input, as TF's load does."""
        from . import session as _session
        if session is None:
            session = _session.get_default_session()
        session.run(self.initializer, {self.initializer.inputs[1]: value})

    def __repr__(self):
        return self._c_variable.repr()

    __str__ = __repr__

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __iter__(self):
        raise TypeError(_core.messages.variable_not_iterable())


VariableV1 = Variable
RefVariable = Variable


class PartitionedVariable(object):
    """A variable split into `name/part_<i>` variables along one axis."""

    def __init__(self, graph, c_partitioned):
        self._graph = graph
        self._c = c_partitioned
        self._parts = [_wrap_variable(graph, p) for p in c_partitioned.parts]

    @property
    def name(self):
        return self._c.name

    @property
    def dtype(self):
        return dtypes.DType(self._c.dtype)

    @property
    def shape(self):
        return TensorShape(self._c.shape)

    def get_shape(self):
        return self.shape

    @property
    def graph(self):
        return self._graph

    def _get_partitions(self):
        return list(self._c.partitions)

    def as_tensor(self):
        """The parts concatenated (`<name>/ConcatPartitions/concat`), as an Identity `<name>`."""
        return self._graph._wrap_output(_core.partitioned_value(self._graph._c, self._c))

    _concat = as_tensor

    def _get_variable_list(self):
        return list(self._parts)

    def __iter__(self):
        return iter(self._parts)

    def __len__(self):
        return len(self._parts)


def _wrap_result(graph, result):
    if result.variable is not None:
        return _wrap_variable(graph, result.variable)
    if result.partitioned is not None:
        cache = graph.__dict__.setdefault("_partitioned", {})
        pv = cache.get(result.partitioned.name)
        if pv is None:
            pv = PartitionedVariable(graph, result.partitioned)
            cache[result.partitioned.name] = pv
        return pv
    if result.tensor is not None:
        return graph._wrap_output(result.tensor)
    return result.user


def _to_result(obj):
    r = _core.VariableResult()
    if isinstance(obj, Variable):
        r.variable = obj._c_variable
    elif isinstance(obj, PartitionedVariable):
        r.partitioned = obj._c
    elif isinstance(obj, Tensor):
        r.tensor = obj._o
    else:
        r.user = obj
    return r


# ---------------------------------------------------------------------------------------------
# Callbacks handed to C++


def _accepts_no_args(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    for p in sig.parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty:
            return False
    return True


class _PartitionInfo(object):
    def __init__(self, full_shape, var_offset):
        self.full_shape = list(full_shape)
        self.var_offset = list(var_offset)

    def single_offset(self, shape):
        for i, (a, b) in enumerate(zip(shape, self.full_shape)):
            if a != b:
                return self.var_offset[i]
        return 0


def _initializer_arg(obj):
    """A Python initializer as get_variable takes it, as a `_core.Initializer`."""
    if obj is None:
        return None
    core = getattr(obj, "_c", None)
    if isinstance(core, _core.Initializer):
        return core.with_user(obj)
    if isinstance(obj, Tensor):
        return _core.Initializer.from_tensor(obj._o, obj)
    if isinstance(obj, Variable):
        return _core.Initializer.from_tensor(obj._as_graph_output(), obj)
    if callable(obj):
        fn = obj() if inspect.isclass(obj) else obj

        def thunk(shape, dtype, part):
            dt = None if dtype is None else dtypes.DType(dtype)
            if shape is None:
                result = fn()
            else:
                info = None if part is None else _PartitionInfo(*part)
                result = fn(shape, dtype=dt, partition_info=info)
            return _to_input(result, dt)

        return _core.Initializer.from_callable(thunk, _accepts_no_args(fn), obj)
    return _core.Initializer.from_value(_to_input(obj), obj)


def _initial_value_arg(value, dtype):
    """tf.Variable's initial value as a `_core.Initializer`."""
    if callable(value) and not isinstance(value, (Tensor, Variable)):
        dt = None if dtype is None else dtypes.as_dtype(dtype)
        return _core.Initializer.from_callable(lambda s, d, p: _to_input(value(), dt), True, value)
    if isinstance(value, Tensor):
        return _core.Initializer.from_tensor(value._o, value)
    if isinstance(value, Variable):
        return _core.Initializer.from_tensor(value._as_graph_output(), value)
    return _core.Initializer.from_value(_to_input(value, dtype), value)


def _regularizer_arg(fn, graph):
    if fn is None:
        return None

    def thunk(c_var):
        loss = fn(_wrap_variable(graph, c_var))
        if loss is None:
            return None
        return _to_input(loss)

    return _core.Regularizer.from_callable(thunk, fn)


def _partitioner_arg(fn):
    if fn is None:
        return None

    def thunk(dims, dtype):
        return [int(p) for p in fn(shape=TensorShape(dims), dtype=dtypes.DType(dtype))]

    return _core.Partitioner.from_callable(thunk, fn)


def _takes_constraint(fn):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "constraint" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def _custom_getter_arg(fn, graph):
    if fn is None:
        return None
    if not callable(fn):
        raise ValueError(_core.messages.custom_getter_not_callable(repr(fn)))

    def thunk(next_getter, args):
        def getter(name, shape=None, dtype=dtypes.float32, initializer=None, regularizer=None,
                   reuse=None, trainable=None, collections=None, caching_device=None,
                   partitioner=None, validate_shape=True, use_resource=None, constraint=None,
                   synchronization=VariableSynchronization.AUTO,
                   aggregation=VariableAggregation.NONE):
            a = _core.GetterArgs()
            a.name = name
            a.shape = _shape_arg(shape)
            a.dtype = _dtype_enum(dtype)
            a.initializer = _initializer_arg(initializer)
            a.regularizer = _regularizer_arg(regularizer, graph)
            a.reuse = _reuse_to_core(reuse) or 0
            a.trainable = trainable
            a.collections = None if collections is None else list(collections)
            a.caching_device = caching_device
            a.partitioner = _partitioner_arg(partitioner)
            a.validate_shape = validate_shape
            a.use_resource = use_resource
            a.synchronization = synchronization.value
            a.aggregation = aggregation.value
            a.defined_at = args.defined_at
            return _wrap_result(graph, next_getter(a))

        kwargs = {
            "getter": getter,
            "name": args.name,
            "shape": args.shape,
            "dtype": None if args.dtype is None else dtypes.DType(args.dtype),
            "initializer": None if args.initializer is None else args.initializer.user,
            "regularizer": None if args.regularizer is None else args.regularizer.user,
            "reuse": _reuse_from_core(args.reuse),
            "trainable": args.trainable,
            "collections": args.collections,
            "caching_device": args.caching_device,
            "partitioner": None if args.partitioner is None else args.partitioner.user,
            "validate_shape": args.validate_shape,
            "use_resource": args.use_resource,
            "synchronization": VariableSynchronization(args.synchronization),
            "aggregation": VariableAggregation(args.aggregation),
        }
        if _takes_constraint(fn):
            kwargs["constraint"] = None
        return _to_result(fn(**kwargs))

    return _core.CustomGetter.from_callable(thunk, fn)


# ---------------------------------------------------------------------------------------------
# Variable scopes

_scope_cache = weakref.WeakValueDictionary()  # C++ VariableScope identity -> Python object


def _wrap_scope(c_scope):
    s = _scope_cache.get(c_scope.id)
    if s is None:
        s = VariableScope.__new__(VariableScope)
        s._c = c_scope
        _scope_cache[c_scope.id] = s
    return s


class VariableScope(object):
    """tf.VariableScope: the object `with tf.variable_scope(...) as vs` yields."""

    def __init__(self, *args, **kwargs):
        raise TypeError(_core.messages.variable_scope_constructed())

    @property
    def name(self):
        return self._c.name

    @property
    def original_name_scope(self):
        return self._c.original_name_scope

    @property
    def reuse(self):
        return _reuse_from_core(self._c.reuse)

    @property
    def dtype(self):
        return dtypes.DType(self._c.dtype)

    @property
    def initializer(self):
        return self._c.initializer

    @property
    def regularizer(self):
        return self._c.regularizer

    @property
    def partitioner(self):
        return self._c.partitioner

    @property
    def custom_getter(self):
        return self._c.custom_getter

    @property
    def caching_device(self):
        return self._c.caching_device

    @property
    def use_resource(self):
        return self._c.use_resource

    @property
    def constraint(self):
        return None

    def reuse_variables(self):
        self._c.reuse_variables()

    def set_initializer(self, initializer):
        self._c.set_initializer(_initializer_arg(initializer))

    def set_regularizer(self, regularizer):
        self._c.set_regularizer(_regularizer_arg(regularizer, get_default_graph()))

    def set_partitioner(self, partitioner):
        self._c.set_partitioner(_partitioner_arg(partitioner))

    def set_custom_getter(self, custom_getter):
        self._c.set_custom_getter(_custom_getter_arg(custom_getter, get_default_graph()))

    def set_dtype(self, dtype):
        self._c.set_dtype(dtypes.as_dtype(dtype).as_datatype_enum)

    def set_caching_device(self, caching_device):
        self._c.set_caching_device(caching_device)

    def set_use_resource(self, use_resource):
        self._c.set_use_resource(use_resource)

    def get_collection(self, name):
        scope = self.name + "/" if self.name else ""
        return get_collection(name, scope)

    def trainable_variables(self):
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def global_variables(self):
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def local_variables(self):
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def get_variable(self, var_store, name, *args, **kwargs):
        return get_variable(name, *args, **kwargs)


def get_variable_scope():
    return _wrap_scope(_core.current_variable_scope(get_default_graph()._c))


class variable_scope(object):  # noqa: N801 - TF's name
    """tf.variable_scope(name_or_scope, default_name=None, values=None, ...)."""

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError(_core.messages.variable_scope_requires_name())
        if reuse is False:
            reuse = None
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError(_core.messages.reuse_parameter_invalid())
        if not isinstance(auxiliary_name_scope, type(True)):
            raise TypeError(_core.messages.auxiliary_name_scope_not_bool(
                str(auxiliary_name_scope)))
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError(_core.messages.custom_getter_not_callable(repr(custom_getter)))
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._values = values
        self._graph = _graph_from_inputs(values) if values else get_default_graph()
        self._options = {
            "initializer": initializer, "regularizer": regularizer,
            "caching_device": caching_device, "partitioner": partitioner,
            "custom_getter": custom_getter, "reuse": reuse, "dtype": dtype,
            "use_resource": use_resource, "auxiliary_name_scope": auxiliary_name_scope,
        }
        self._graph_ctx = None
        self._token = None

    def _core_options(self):
        o = self._options
        g = self._graph
        return {
            "initializer": _initializer_arg(o["initializer"]),
            "regularizer": _regularizer_arg(o["regularizer"], g),
            "caching_device": o["caching_device"],
            "partitioner": _partitioner_arg(o["partitioner"]),
            "custom_getter": _custom_getter_arg(o["custom_getter"], g),
            "reuse": _reuse_to_core(o["reuse"]),
            "dtype": _dtype_enum(o["dtype"]),
            "use_resource": o["use_resource"],
            "auxiliary_name_scope": o["auxiliary_name_scope"],
        }

    def __enter__(self):
        g = self._graph
        if g is not get_default_graph():
            self._graph_ctx = g.as_default()
            self._graph_ctx.__enter__()
        try:
            nos = self._name_or_scope
            if nos is None:
                token, c_scope = _core.push_default_variable_scope(
                    g._c, self._default_name, self._core_options())
            elif isinstance(nos, VariableScope):
                token, c_scope = _core.push_variable_scope(g._c, nos._c, self._core_options())
            elif isinstance(nos, str):
                token, c_scope = _core.push_variable_scope(g._c, nos, self._core_options())
            else:
                raise TypeError(_core.messages.name_or_scope_wrong_type())
        except Exception:
            if self._graph_ctx is not None:
                self._graph_ctx.__exit__(None, None, None)
            raise
        self._token = token
        return _wrap_scope(c_scope)

    def __exit__(self, *exc):
        try:
            _core.pop_scope(self._graph._c, self._token)
        finally:
            if self._graph_ctx is not None:
                self._graph_ctx.__exit__(*exc)
        return False


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 synchronization=VariableSynchronization.AUTO,
                 aggregation=VariableAggregation.NONE):
    """tf.get_variable: named by the variable scope only; shared through the graph's store."""
    g = get_default_graph()
    result = _core.get_variable(
        g._c, name, _shape_arg(shape), _dtype_enum(dtype), _initializer_arg(initializer),
        _regularizer_arg(regularizer, g), trainable,
        None if collections is None else list(collections), caching_device,
        _partitioner_arg(partitioner), validate_shape, use_resource,
        _custom_getter_arg(custom_getter, g), synchronization.value, aggregation.value,
        _creation_site(2))
    return _wrap_result(g, result)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, caching_device=None, partitioner=None,
                       validate_shape=True, use_resource=None, custom_getter=None,
                       constraint=None, synchronization=VariableSynchronization.AUTO,
                       aggregation=VariableAggregation.NONE):
    """tf.get_local_variable: not trainable, in LOCAL_VARIABLES."""
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, False, collections,
                        caching_device, partitioner, validate_shape, use_resource, custom_getter,
                        constraint, synchronization, aggregation)


def no_regularizer(_):
    """tf.no_regularizer: no loss for this variable."""
    return None


def global_variables(scope=None):
    return get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


all_variables = global_variables


def trainable_variables(scope=None):
    return get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    return get_collection(GraphKeys.MODEL_VARIABLES, scope)
