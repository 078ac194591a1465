"""tf.train: optimizers, global_step and learning-rate decay over the C++ core, with TF 1.15's
op and slot names (`GradientDescent/update_w/ApplyGradientDescent`, `w/Adam`, `beta1_power`)."""

from . import _core
from .framework import (GraphKeys, Operation, Tensor, _graph_from_inputs, convert_to_tensor,
                        get_default_graph)
from .gradients import gradients as _gradients
from .variables import _wrap_variable
from .saver import (BaseSaverBuilder, BulkSaverBuilder, NewCheckpointReader, Saver, SaverDef, checkpoint_exists, generate_checkpoint_state_proto, get_checkpoint_mtimes, get_checkpoint_state, latest_checkpoint, list_variables, load_checkpoint, load_variable, remove_checkpoint, update_checkpoint_state)  # noqa: F401,E501 (issue 5: checkpoints)
from .summary import summary_iterator  # noqa: F401 (tf.train.summary_iterator)
from .graph_io import export_meta_graph, import_meta_graph, write_graph  # noqa: F401 (issue 5)

__all__ = [
    "Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer",
    "RMSPropOptimizer", "AdagradOptimizer", "get_or_create_global_step", "get_global_step",
    "create_global_step", "global_step", "exponential_decay",
]


def _lr_arg(value):
    """A hyper-parameter for the C++ factories: a float, or a C++ Output for tensors."""
    if isinstance(value, Tensor):
        return value._o
    as_output = getattr(value, "_as_graph_output", None)
    if as_output is not None:
        return as_output()
    if hasattr(value, "dtype") and hasattr(value, "item"):  # numpy scalar
        return float(value.item())
    return float(value)


def _c_var(v):
    c = getattr(v, "_c_variable", None)
    if c is None:
        raise TypeError("Expected a tf.Variable, got %r" % (v,))
    return c


def _flatten_vars(var_list):
    """var_list with each PartitionedVariable replaced by its parts (TF's nest.flatten)."""
    out = []
    for v in var_list:
        parts = getattr(v, "_get_variable_list", None)
        out.extend(parts() if parts is not None else [v])
    return out


def _graph_of_vars(vars_):
    for v in vars_:
        g = getattr(v, "graph", None)
        if g is not None:
            return g
    return get_default_graph()


class Optimizer(object):
    """TF's tf.train.Optimizer, backed by a C++ optimizer. Subclasses (below) choose which
    C++ optimizer `_make_core` builds; a learning rate given as a callable is called when the
    update ops are built (as TF's _prepare does)."""

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._core = None
        self._graph = None

    # --- subclasses ---
    def _make_core(self):
        raise NotImplementedError("Optimizer is abstract: use a concrete tf.train optimizer")

    def _call_if_callable(self, param):
        return param() if callable(param) else param

    def _core_optimizer(self):
        if self._core is None:
            self._core = self._make_core()
        return self._core

    def get_name(self):
        return self._name

    # --- TF API ---
    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """A list of (gradient or None, variable) pairs, in var_list order."""
        if callable(loss):
            loss = loss()
        if gate_gradients not in (Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH):
            raise ValueError("gate_gradients must be one of: Optimizer.GATE_NONE, "
                             "Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not %s" % gate_gradients)
        graph = _graph_from_inputs([loss])
        self._graph = graph
        if var_list is not None:
            var_list = _flatten_vars(var_list)
            if not var_list:
                raise ValueError("No variables to optimize.")
        if grad_loss is not None or colocate_gradients_with_ops:
            return self._compute_gradients_py(graph, loss, var_list, gate_gradients,
                                              colocate_gradients_with_ops, grad_loss)
        c_vars = [] if var_list is None else [_c_var(v) for v in var_list]
        with graph.as_default():
            pairs = self._core_optimizer().compute_gradients(graph._c, loss._o, c_vars,
                                                             int(gate_gradients))
        return [(None if g is None else graph._wrap_output(g), _wrap_variable(graph, v))
                for g, v in pairs]

    def _compute_gradients_py(self, graph, loss, var_list, gate_gradients,
                              colocate_gradients_with_ops, grad_loss):
        """compute_gradients through tf.gradients (for grad_loss and colocation)."""
        from .state_ops import tuple as _tuple
        if var_list is None:
            var_list = (graph.get_collection(GraphKeys.TRAINABLE_VARIABLES) +
                        graph.get_collection(GraphKeys.TRAINABLE_RESOURCE_VARIABLES))
        if not var_list:
            raise ValueError("No variables to optimize.")
        with graph.as_default():
            grads = _gradients(loss, var_list, grad_ys=grad_loss,
                               gate_gradients=(gate_gradients == Optimizer.GATE_OP),
                               colocate_gradients_with_ops=colocate_gradients_with_ops)
            if gate_gradients == Optimizer.GATE_GRAPH:
                grads = _tuple(grads)
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """The op applying the (possibly transformed) gradients; increments global_step."""
        grads_and_vars = [tuple(gv) for gv in grads_and_vars]
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        graph = _graph_of_vars([v for _, v in grads_and_vars])
        pairs = []
        with graph.as_default():
            for g, v in grads_and_vars:
                if g is not None and not isinstance(g, Tensor):
                    if isinstance(g, Operation):
                        raise TypeError("Gradient must be convertible to a Tensor: %s" % g)
                    g = convert_to_tensor(g)
                pairs.append((None if g is None else g._o, _c_var(v)))
            step = None if global_step is None else _c_var(global_step)
            op = self._core_optimizer().apply_gradients(graph._c, pairs, step, name or "")
        return graph._op(op)

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """compute_gradients then apply_gradients: the training op."""
        if callable(loss):
            loss = loss()
        if grad_loss is not None or colocate_gradients_with_ops or \
                gate_gradients != Optimizer.GATE_OP:
            grads_and_vars = self.compute_gradients(
                loss, var_list=var_list, gate_gradients=gate_gradients,
                aggregation_method=aggregation_method,
                colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
            vars_with_grad = [v for g, v in grads_and_vars if g is not None]
            if not vars_with_grad:
                raise ValueError(
                    "No gradients provided for any variable, check your graph for ops that do "
                    "not support gradients, between variables %s and loss %s." %
                    ([str(v) for _, v in grads_and_vars], loss))
            return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)
        graph = _graph_from_inputs([loss])
        self._graph = graph
        c_vars = [] if var_list is None else [_c_var(v) for v in _flatten_vars(var_list)]
        if var_list is not None and not c_vars:
            raise ValueError("No variables to optimize.")
        step = None if global_step is None else _c_var(global_step)
        with graph.as_default():
            op = self._core_optimizer().minimize(graph._c, loss._o, step, c_vars, name or "")
        return graph._op(op)

    def get_slot(self, var, name):
        """The slot variable `name` of `var` (e.g. Adam's "m"), or None."""
        if self._core is None:
            return None
        c = self._core.get_slot(_c_var(var), name)
        if c is None:
            return None
        return _wrap_variable(var.graph, c)

    def get_slot_names(self):
        return [] if self._core is None else sorted(self._core.get_slot_names())

    def _non_slot_variables(self):
        return []

    def variables(self):
        """The optimizer's slot and non-slot variables (beta1_power...), sorted by name."""
        if self._core is None or self._graph is None:
            return []
        out = [v for v in self._non_slot_variables() if v is not None]
        names = self.get_slot_names()
        for v in self._graph.get_collection(GraphKeys.GLOBAL_VARIABLES):
            for n in names:
                s = self.get_slot(v, n)
                if s is not None:
                    out.append(s)
        return sorted(out, key=lambda v: v.name)


class GradientDescentOptimizer(Optimizer):
    """tf.train.GradientDescentOptimizer: ApplyGradientDescent per variable."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super(GradientDescentOptimizer, self).__init__(use_locking, name)
        self._learning_rate = learning_rate
        if not callable(learning_rate):
            self._core = self._make_core()

    def _make_core(self):
        return _core.gradient_descent_optimizer(
            _lr_arg(self._call_if_callable(self._learning_rate)), self._use_locking, self._name)


class MomentumOptimizer(Optimizer):
    """tf.train.MomentumOptimizer: slot `<var>/Momentum`, ApplyMomentum."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super(MomentumOptimizer, self).__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov
        if not callable(learning_rate):
            self._core = self._make_core()

    def _make_core(self):
        return _core.momentum_optimizer(
            _lr_arg(self._call_if_callable(self._learning_rate)),
            float(self._call_if_callable(self._momentum)), self._use_locking, self._name,
            bool(self._use_nesterov))


class AdamOptimizer(Optimizer):
    """tf.train.AdamOptimizer: slots `<var>/Adam`, `<var>/Adam_1`; `beta1_power`,
    `beta2_power`; ApplyAdam."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08,
                 use_locking=False, name="Adam"):
        super(AdamOptimizer, self).__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon
        if not callable(learning_rate):
            self._core = self._make_core()

    def _make_core(self):
        return _core.adam_optimizer(_lr_arg(self._call_if_callable(self._lr)),
                                    float(self._beta1), float(self._beta2),
                                    float(self._epsilon), self._use_locking, self._name)

    def _non_slot_variables(self):
        return list(self._get_beta_accumulators())

    def _get_beta_accumulators(self):
        """(beta1_power, beta2_power) of this optimizer's graph."""
        graph = self._graph or get_default_graph()
        found = {}
        for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES):
            base = v.op.name.rsplit("/", 1)[-1]
            for key in ("beta1_power", "beta2_power"):
                if base == key or base.startswith(key + "_"):
                    found.setdefault(key, v)
        return found.get("beta1_power"), found.get("beta2_power")


class RMSPropOptimizer(Optimizer):
    """tf.train.RMSPropOptimizer: slots `<var>/RMSProp`, `<var>/RMSProp_1` (and the centered
    mean `mg`); ApplyRMSProp / ApplyCenteredRMSProp."""

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
                 centered=False, name="RMSProp"):
        super(RMSPropOptimizer, self).__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered
        if not callable(learning_rate):
            self._core = self._make_core()

    def _make_core(self):
        return _core.rmsprop_optimizer(
            _lr_arg(self._call_if_callable(self._learning_rate)), float(self._decay),
            float(self._momentum), float(self._epsilon), self._use_locking,
            bool(self._centered), self._name)


class AdagradOptimizer(Optimizer):
    """tf.train.AdagradOptimizer: slot `<var>/Adagrad`; ApplyAdagrad."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s" %
                             initial_accumulator_value)
        super(AdagradOptimizer, self).__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        if not callable(learning_rate):
            self._core = self._make_core()

    def _make_core(self):
        return _core.adagrad_optimizer(
            _lr_arg(self._call_if_callable(self._learning_rate)),
            float(self._initial_accumulator_value), self._use_locking, self._name)


# ---------------------------------------------------------------------------------------------
# global_step and learning-rate schedules


def get_or_create_global_step(graph=None):
    """tf.train.get_or_create_global_step: the graph's `global_step` variable (int64 scalar,
    not trainable), created on first use."""
    graph = graph or get_default_graph()
    with graph.as_default():
        return _wrap_variable(graph, _core.get_or_create_global_step(graph._c))


def get_global_step(graph=None):
    """tf.train.get_global_step: the graph's global step variable, or None."""
    graph = graph or get_default_graph()
    c = _core.get_global_step(graph._c)
    return None if c is None else _wrap_variable(graph, c)


def create_global_step(graph=None):
    """tf.train.create_global_step: like get_or_create_global_step, but the step must not
    exist yet."""
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError("\"global_step\" already exists.")
    return get_or_create_global_step(graph)


def global_step(sess, global_step_tensor):
    """tf.train.global_step: the step's current value as an int."""
    return int(sess.run(global_step_tensor))


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """tf.train.exponential_decay: learning_rate * decay_rate ^ (global_step / decay_steps)."""
    if global_step is None:
        raise ValueError("global_step is required for exponential_decay.")
    graph = _graph_from_inputs([learning_rate, global_step, decay_steps, decay_rate])
    with graph.as_default():
        if isinstance(global_step, Tensor):
            step = global_step._o
        elif hasattr(global_step, "_as_graph_output"):
            step = global_step._as_graph_output()
        else:
            step = convert_to_tensor(global_step)._o
        from .framework import _to_input
        out = _core.exponential_decay(graph._c, _to_input(learning_rate), step,
                                      _to_input(decay_steps), _to_input(decay_rate),
                                      bool(staircase), name or "")
    return graph._wrap_output(out)
