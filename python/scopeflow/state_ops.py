"""State and grouping ops with TF 1.15's names: tf.assign / assign_add / assign_sub (built
colocated with the variable), tf.group, tf.no_op, tf.tuple, the variable initializers and
tf.set_random_seed."""

from .array_ops import _graph_of, _is_variable, convert_to_tensor
from .framework import (Operation, Tensor, _create_op, colocate_with, control_dependencies,
                        device, get_default_graph, name_scope)
from .variables import Variable, global_variables, local_variables

__all__ = [
    "assign", "assign_add", "assign_sub", "group", "no_op", "tuple", "with_dependencies",
    "global_variables_initializer", "local_variables_initializer", "variables_initializer",
    "initialize_all_variables", "initialize_variables", "initialize_local_variables",
    "set_random_seed",
]

_builtin_tuple = tuple


def _ref_op(op_type, ref, value, attrs, name):
    """An op on a variable's ref (Assign, AssignAdd, AssignSub): `value` converted in the op's
    scope, the op itself colocated with the variable (op_def_library's ref colocation)."""
    ref_t = ref._ref() if _is_variable(ref) else ref
    if not isinstance(ref_t, Tensor):
        raise TypeError("'%s' Op requires that input 'ref' be a mutable tensor (e.g.: a "
                        "tf.Variable)" % op_type)
    g = _graph_of([ref_t, value])
    with g.as_default(), name_scope(name, op_type, [ref_t, value]) as scope:
        v = convert_to_tensor(value, dtype=ref_t.dtype.base_dtype, name="value")
        attrs = dict(attrs)
        attrs["T"] = ref_t.dtype.base_dtype
        with colocate_with(ref_t.op):
            op = _create_op(g, op_type, scope, [ref_t, v], attrs)
    return op.outputs[0]


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """tf.assign: Assign named "Assign" (`Assign/value` for a literal)."""
    return _ref_op("Assign", ref, value, {
        "validate_shape": True if validate_shape is None else bool(validate_shape),
        "use_locking": True if use_locking is None else bool(use_locking)}, name)


def assign_add(ref, value, use_locking=None, name=None):
    """tf.assign_add: AssignAdd named "AssignAdd"."""
    return _ref_op("AssignAdd", ref, value, {"use_locking": bool(use_locking)}, name)


def assign_sub(ref, value, use_locking=None, name=None):
    """tf.assign_sub: AssignSub named "AssignSub"."""
    return _ref_op("AssignSub", ref, value, {"use_locking": bool(use_locking)}, name)


def no_op(name=None):
    """tf.no_op: NoOp named "NoOp"."""
    g = get_default_graph()
    with name_scope(name, "NoOp") as scope:
        return _create_op(g, "NoOp", scope, [], {})


def _flatten(values):
    out = []
    for v in values:
        if isinstance(v, (list, _builtin_tuple)):
            out.extend(_flatten(v))
        elif isinstance(v, dict):
            out.extend(_flatten([v[k] for k in sorted(v)]))
        else:
            out.append(v)
    return out


def _group_control_deps(dev, deps, name=None):
    with control_dependencies(deps):
        if not dev:
            return no_op(name=name)
        with device(dev):
            return no_op(name=name)


def group(*inputs, **kwargs):
    """tf.group: a NoOp named "group_deps" with control inputs on `inputs` (one NoOp per
    device first when they span several devices)."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise ValueError("Unknown keyword arguments: " + ", ".join(kwargs.keys()))
    flat = _flatten(inputs)
    g = _graph_of(flat) if flat else get_default_graph()
    with g.as_default(), name_scope(name, "group_deps", flat) as scope:
        if not inputs:
            return no_op(name=scope)
        ops_on_device = {}
        order = []
        for inp in flat:
            if not hasattr(inp, "device"):
                raise TypeError("Expected tf.group() expected Tensor arguments not '%s' with "
                                "type '%s'" % (inp, type(inp)))
            if _is_variable(inp):
                inp = inp.value()
            dev = inp.device
            if dev not in ops_on_device:
                ops_on_device[dev] = []
                order.append(dev)
            ops_on_device[dev].append(inp)
        if len(ops_on_device) == 1:
            (dev, deps), = ops_on_device.items()
            return _group_control_deps(dev, deps, name=scope)
        deps = []
        for dev in sorted(ops_on_device, key=lambda d: "" if d is None else d):
            deps.append(_group_control_deps(dev, ops_on_device[dev]))
        with control_dependencies(deps):
            return no_op(name=scope)


def with_dependencies(dependencies, output_tensor, name=None):
    """control_flow_ops.with_dependencies: Identity named "control_dependency" run after
    `dependencies`, colocated with `output_tensor`."""
    with name_scope(name, "control_dependency", list(dependencies) + [output_tensor]) as scope:
        with colocate_with(output_tensor.op if isinstance(output_tensor, Tensor)
                           else output_tensor):
            with control_dependencies(dependencies):
                t = convert_to_tensor(output_tensor)
                g = t.graph
                op = _create_op(g, "Identity", scope, [t], {"T": t.dtype.base_dtype})
                return op.outputs[0]


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TF's name
    """tf.tuple: each tensor through an Identity gated on a group of all of them."""
    with name_scope(name, "tuple", tensors) as scope:
        del scope
        tensors = [t if (isinstance(t, (Operation, Tensor)) or t is None)
                   else convert_to_tensor(t) for t in tensors]
        gating_ops = [t if isinstance(t, Operation) else t.op for t in tensors if t is not None]
        if control_inputs:
            for c in control_inputs:
                if isinstance(c, Tensor):
                    c = c.op
                elif not isinstance(c, Operation):
                    raise TypeError("Control input must be Operation or Tensor: %s" % c)
                gating_ops.append(c)
        seen = {}
        for op in gating_ops:
            seen[op._index] = op
        gating_ops = [seen[k] for k in sorted(seen)]
        if not gating_ops:
            raise ValueError("Must have at least one Tensor: %s" % tensors)
        gate = group(*gating_ops)
        tpl = []
        for t in tensors:
            if isinstance(t, Tensor):
                tpl.append(with_dependencies([gate], t))
            elif isinstance(t, Operation):
                with control_dependencies([gate]):
                    tpl.append(group(t))
            else:
                tpl.append(None)
        return tpl


def variables_initializer(var_list, name="init"):
    """tf.variables_initializer: group(*[v.initializer ...]) named "init"."""
    if var_list:
        return group(*[v.initializer for v in var_list], name=name)
    return no_op(name=name)


def global_variables_initializer():
    """tf.global_variables_initializer: a NoOp "init" on every global variable's
    initializer."""
    return variables_initializer(global_variables())


def local_variables_initializer():
    return variables_initializer(local_variables())


initialize_all_variables = global_variables_initializer
initialize_variables = variables_initializer
initialize_local_variables = local_variables_initializer


def set_random_seed(seed):
    """tf.set_random_seed: the default graph's seed."""
    get_default_graph().seed = seed


def _install_variable_methods():
    def v_assign(self, value, use_locking=False, name=None, read_value=True):
        a = assign(self, value, use_locking=use_locking, name=name)
        return a if read_value else a.op

    def v_assign_add(self, delta, use_locking=False, name=None, read_value=True):
        a = assign_add(self, delta, use_locking=use_locking, name=name)
        return a if read_value else a.op

    def v_assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        a = assign_sub(self, delta, use_locking=use_locking, name=name)
        return a if read_value else a.op

    for attr, fn in (("assign", v_assign), ("assign_add", v_assign_add),
                     ("assign_sub", v_assign_sub)):
        if not hasattr(Variable, attr):
            setattr(Variable, attr, fn)


_install_variable_methods()


class _Namespace(object):
    """A small attribute namespace (tf.initializers)."""

    def __init__(self, **entries):
        self.__dict__.update(entries)


def _make_initializers():
    from . import init_ops
    return _Namespace(
        zeros=init_ops.zeros_initializer, ones=init_ops.ones_initializer,
        constant=init_ops.constant_initializer,
        random_uniform=init_ops.random_uniform_initializer,
        random_normal=init_ops.random_normal_initializer,
        truncated_normal=init_ops.truncated_normal_initializer,
        variance_scaling=init_ops.variance_scaling_initializer,
        glorot_uniform=init_ops.glorot_uniform_initializer,
        glorot_normal=init_ops.glorot_normal_initializer,
        global_variables=global_variables_initializer,
        local_variables=local_variables_initializer,
        variables=variables_initializer)


initializers = _make_initializers()
