"""tf.cond as TF 1.x builds it (Switch/Merge, one CondContext per branch), built in C++."""

from . import _core
from .framework import Operation, _graph_from_inputs, convert_to_tensor

__all__ = ["cond"]


def _flatten(value, out):
    if isinstance(value, (list, tuple)):
        for v in value:
            _flatten(v, out)
    elif isinstance(value, dict):
        for k in sorted(value):
            _flatten(value[k], out)
    else:
        out.append(value)
    return out


def _pack(structure, flat, pos=0):
    """Rebuilds `structure` from `flat` (returns the value and the next position)."""
    if isinstance(structure, (list, tuple)):
        items = []
        for v in structure:
            item, pos = _pack(v, flat, pos)
            items.append(item)
        if hasattr(structure, "_fields"):
            return type(structure)(*items), pos
        return type(structure)(items), pos
    if isinstance(structure, dict):
        out = {}
        for k in sorted(structure):
            out[k], pos = _pack(structure[k], flat, pos)
        return type(structure)(out), pos
    return flat[pos], pos + 1


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """tf.cond(pred, true_fn, false_fn): names `cond/Switch`, `cond/switch_t`, `cond/pred_id`,
    branch ops under `cond/`, results merged by `cond/Merge`."""
    if fn1 is not None:
        if true_fn is not None:
            raise TypeError("cond(): true_fn and fn1 may not be set simultaneously.")
        true_fn = fn1
    if fn2 is not None:
        if false_fn is not None:
            raise TypeError("cond(): false_fn and fn2 may not be set simultaneously.")
        false_fn = fn2
    if true_fn is None:
        raise TypeError("true_fn must not be None.")
    if false_fn is None:
        raise TypeError("false_fn must not be None.")
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    if isinstance(pred, bool):
        raise TypeError("pred must not be a Python bool")
    g = _graph_from_inputs([pred])
    pred = convert_to_tensor(pred)
    structures = []

    def branch(fn):
        def build():
            result = fn()
            if result is None:
                raise ValueError("true_fn and false_fn must return at least one result.")
            structures.append(result)
            flat = _flatten(result, [])
            for v in flat:
                if isinstance(v, Operation):
                    raise NotImplementedError("cond branches returning an Operation are not "
                                              "supported; return a tensor")
            return [convert_to_tensor(v)._o for v in flat]
        return build

    outs = g._wrap_outputs(_core.cond(g._c, pred._o, branch(true_fn), branch(false_fn),
                                      name or ""))
    result, _ = _pack(structures[0], outs)
    if not strict and isinstance(result, (list, tuple)) and len(result) == 1 \
            and not hasattr(result, "_fields"):
        return result[0]
    return result
