"""tf.train.Saver and the V2-checkpoint utilities of TF 1.15 (saver.py, checkpoint_management.py,
checkpoint_utils.py, py_checkpoint_reader): the `save/...` subgraph with TF's names and order,
the `checkpoint` state file, NewCheckpointReader, list_variables and load_variable.

The checkpoint files themselves are written and read in C++ (scopeflow::io::BundleWriter /
BundleReader, through the SaveV2 / RestoreV2 kernels and `_core.BundleReader`)."""

import os
import re
import time
import uuid

import numpy as np

from . import _core
from . import dtypes
from . import errors
from .framework import GraphKeys, Tensor, device, get_default_graph, name_scope, _create_op
from .proto import checkpoint_state_pb2, saver_pb2

__all__ = [
    "Saver", "BaseSaverBuilder", "BulkSaverBuilder", "SaverDef", "latest_checkpoint",
    "get_checkpoint_state", "checkpoint_exists", "get_checkpoint_mtimes", "remove_checkpoint",
    "update_checkpoint_state", "generate_checkpoint_state_proto", "meta_graph_filename",
    "NewCheckpointReader", "list_variables", "load_variable", "load_checkpoint",
]

# The key under which object-based (tf.train.Checkpoint) checkpoints keep their object graph.
_OBJECT_GRAPH_PROTO_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
_VARIABLE_OPS = ("Variable", "VariableV2", "AutoReloadVariable", "VarHandleOp",
                 "ReadVariableOp")
_REF_VARIABLE_OPS = ("Variable", "VariableV2", "AutoReloadVariable")


def _saver_pb2():
    return saver_pb2


def _checkpoint_state_pb2():
    return checkpoint_state_pb2


# tf.train.SaverDef: the protobuf class (SaverDef.V1, SaverDef.V2 are its format versions).
SaverDef = saver_pb2.SaverDef
_V1 = 1
_V2 = 2


def _as_str(s):
    return s.decode("utf-8") if isinstance(s, bytes) else str(s)


def _error_from_core(e):
    """tf.errors class for a `_core.CheckpointError(code, message)`."""
    code, message = e.args
    cls = {errors.INVALID_ARGUMENT: errors.InvalidArgumentError,
           errors.NOT_FOUND: errors.NotFoundError,
           errors.ALREADY_EXISTS: errors.AlreadyExistsError,
           errors.FAILED_PRECONDITION: errors.FailedPreconditionError,
           errors.OUT_OF_RANGE: errors.OutOfRangeError,
           errors.UNIMPLEMENTED: errors.UnimplementedError,
           errors.INTERNAL: errors.InternalError,
           errors.DATA_LOSS: errors.DataLossError}.get(code, errors.UnknownError)
    return cls(None, None, message)


# ---------------------------------------------------------------------------------------------
# Saveable objects (saveable_object.py, saveable_object_util.py)


class SaveSpec(object):
    """One tensor to save: the tensor (or a callable making it), its slice spec and name."""

    def __init__(self, tensor, slice_spec, name, dtype=None, device=None):
        self._tensor = tensor
        self.slice_spec = slice_spec
        self.name = name
        if callable(self._tensor):
            if dtype is None or device is None:
                raise AssertionError("When passing a callable `tensor` to a SaveSpec, an "
                                     "explicit dtype and device must be provided.")
            self.dtype = dtype
            self.device = device
        else:
            self.dtype = tensor.dtype
            self.device = device if device is not None else tensor.device

    @property
    def tensor(self):
        return self._tensor() if callable(self._tensor) else self._tensor


class SaveableObject(object):
    """Base class for objects the Saver saves and restores (specs + restore)."""

    def __init__(self, op, specs, name):
        self.op = op
        self.specs = specs
        self.name = name

    @property
    def optional_restore(self):
        return False

    @property
    def device(self):
        return self.specs[0].device

    def restore(self, restored_tensors, restored_shapes):
        raise ValueError("Calling an abstract method.")


class ReferenceVariableSaveable(SaveableObject):
    """A TF1 ref variable (VariableV2): saved from its ref output, restored with Assign."""

    def __init__(self, var, slice_spec, name):
        spec = SaveSpec(var, slice_spec, name, dtype=var.dtype)
        super(ReferenceVariableSaveable, self).__init__(var, [spec], name)

    def restore(self, restored_tensors, restored_shapes):
        from . import state_ops
        restored_tensor = restored_tensors[0]
        if restored_shapes is not None:
            from . import array_ops
            restored_tensor = array_ops.reshape(restored_tensor, restored_shapes[0])
        return state_ops.assign(
            self.op, restored_tensor,
            validate_shape=restored_shapes is None and self.op.get_shape().is_fully_defined())


def _is_variable(v):
    return hasattr(v, "_ref") and hasattr(v, "initializer")


def _variable_tensor(v):
    """ops.convert_to_tensor(v, as_ref=True): a variable's ref output; tensors as they are."""
    if _is_variable(v):
        return v._ref()
    return v


def _tensor_comes_from_variable(v):
    return isinstance(v, Tensor) and v.op.type in _VARIABLE_OPS


def _saveable_objects_for_op(op, name):
    if not isinstance(name, str):
        raise TypeError("names_to_saveables must be a dict mapping string names to trackable "
                        "operations. Name is not a string: %s" % name)
    if isinstance(op, SaveableObject):
        yield op
    elif isinstance(op, (list, tuple)) or hasattr(op, "_get_variable_list"):
        raise NotImplementedError(
            "Saving partitioned variables (%s) is not supported by scopeflow: its checkpoints "
            "hold whole tensors only" % name)
    else:
        variable = _variable_tensor(op)
        if not _tensor_comes_from_variable(variable):
            raise TypeError("names_to_saveables must be a dict mapping string names to "
                            "Tensors/Variables. Not a variable: %s" % variable)
        if variable.op.type not in _REF_VARIABLE_OPS:
            raise NotImplementedError("Saving resource variables is not supported by scopeflow")
        yield ReferenceVariableSaveable(variable, "", name)


def op_list_to_dict(op_list, convert_variable_to_tensor=True):
    """A dict of checkpoint key -> variable (its op name) for a list of variables."""
    if not isinstance(op_list, (list, tuple, set)):
        raise TypeError("Variables to save should be passed in a dict or a list: %s" % op_list)
    op_list = sorted(op_list, key=lambda x: x.name)
    names_to_saveables = {}
    for var in op_list:
        if isinstance(var, SaveableObject):
            names_to_saveables[var.name] = var
        elif hasattr(var, "_get_variable_list"):  # PartitionedVariable
            if var.name in names_to_saveables:
                raise ValueError("At least two variables have the same name: %s" % var.name)
            names_to_saveables[var.name] = var
        else:
            if convert_variable_to_tensor:
                var = _variable_tensor(var)
                if not _tensor_comes_from_variable(var):
                    raise TypeError("Variable to save is not a Variable: %s" % var)
            name = var.op.name
            if name in names_to_saveables:
                raise ValueError("At least two variables have the same name: %s" % name)
            names_to_saveables[name] = var
    return names_to_saveables


def validate_and_slice_inputs(names_to_saveables):
    """The SaveableObjects of a var_list (list or dict), sorted by checkpoint key."""
    if not isinstance(names_to_saveables, dict):
        names_to_saveables = op_list_to_dict(names_to_saveables)
    saveables = []
    seen_ops = []
    for name, op in sorted(names_to_saveables.items(), key=lambda x: x[0]):
        for saveable in _saveable_objects_for_op(op, name):
            if any(saveable.op is s or saveable.op == s for s in seen_ops):
                raise ValueError("The same saveable will be restored with two names: %s" %
                                 saveable.name)
            saveables.append(saveable)
            seen_ops.append(saveable.op)
    return saveables


def _all_saveable_objects(scope=None, graph=None):
    g = graph or get_default_graph()
    return (g.get_collection(GraphKeys.GLOBAL_VARIABLES, scope) +
            g.get_collection(GraphKeys.SAVEABLE_OBJECTS, scope))


# ---------------------------------------------------------------------------------------------
# The save/restore subgraph (saver.py BaseSaverBuilder / BulkSaverBuilder)


def _save_v2(prefix, tensor_names, shape_and_slices, tensors, name=None):
    """io_ops.save_v2: SaveV2 named "SaveV2", its name/slice lists as Consts inside it."""
    from .ops import constant
    g = get_default_graph()
    with name_scope(name, "SaveV2", [prefix] + list(tensors)) as scope:
        names = constant(list(tensor_names), dtype=dtypes.string, name="tensor_names")
        slices = constant(list(shape_and_slices), dtype=dtypes.string, name="shape_and_slices")
        return _create_op(g, "SaveV2", scope, [prefix, names, slices] + list(tensors),
                          {"dtypes": [t.dtype.base_dtype for t in tensors]})


def _restore_v2(prefix, tensor_names, shape_and_slices, dtypes_, name=None):
    """io_ops.restore_v2: RestoreV2 named "RestoreV2", one output per dtype."""
    from .ops import constant
    g = get_default_graph()
    with name_scope(name, "RestoreV2", [prefix]) as scope:
        names = constant(list(tensor_names), dtype=dtypes.string, name="tensor_names")
        slices = constant(list(shape_and_slices), dtype=dtypes.string, name="shape_and_slices")
        op = _create_op(g, "RestoreV2", scope, [prefix, names, slices],
                        {"dtypes": [dtypes.as_dtype(d).base_dtype for d in dtypes_]})
    return list(op.outputs)


class BaseSaverBuilder(object):
    """Builds the save/restore ops. This base class restores each saveable with its own
    RestoreV2 (TF's BaseSaverBuilder); the Saver's default is BulkSaverBuilder."""

    SaveSpec = SaveSpec
    SaveableObject = SaveableObject
    VariableSaveable = ReferenceVariableSaveable

    def __init__(self, write_version=_V2):
        self._write_version = write_version

    def save_op(self, filename_tensor, saveables):
        tensor_names, tensors, tensor_slices = [], [], []
        for saveable in saveables:
            for spec in saveable.specs:
                tensor_names.append(spec.name)
                tensors.append(spec.tensor)
                tensor_slices.append(spec.slice_spec)
        if self._write_version == _V2:
            return _save_v2(filename_tensor, tensor_names, tensor_slices, tensors)
        if self._write_version == _V1:
            raise NotImplementedError("V1 checkpoints are not supported by scopeflow: use "
                                      "write_version=tf.train.SaverDef.V2 (the default)")
        raise RuntimeError("Unexpected write_version: " + str(self._write_version))

    def bulk_restore(self, filename_tensor, saveables, preferred_shard, restore_sequentially):
        all_tensors = []
        for saveable in saveables:
            dev = _set_cpu0(saveable.device) if saveable.device else None
            with device(dev):
                all_tensors.extend(self.restore_op(filename_tensor, saveable, preferred_shard))
        return all_tensors

    def restore_op(self, filename_tensor, saveable, preferred_shard):
        tensors = []
        for spec in saveable.specs:
            tensors.append(_restore_v2(filename_tensor, [spec.name], [spec.slice_spec],
                                       [spec.dtype])[0])
        return tensors

    def _AddSaveOps(self, filename_tensor, saveables):  # noqa: N802 - TF's name
        from .state_ops import with_dependencies
        save = self.save_op(filename_tensor, saveables)
        return with_dependencies([save], filename_tensor)

    def _AddRestoreOps(self, filename_tensor, saveables,  # noqa: N802 - TF's name
                       restore_sequentially, reshape, preferred_shard=-1, name="restore_all"):
        from .state_ops import group
        from .array_ops import shape as _shape
        all_tensors = self.bulk_restore(filename_tensor, saveables, preferred_shard,
                                        restore_sequentially)
        assign_ops = []
        idx = 0
        for saveable in saveables:
            shapes = None
            if reshape:
                shapes = []
                for spec in saveable.specs:
                    v = spec.tensor
                    s = v.get_shape()
                    if not s.is_fully_defined():
                        s = _shape(v)
                    shapes.append(s)
            saveable_tensors = all_tensors[idx:idx + len(saveable.specs)]
            idx += len(saveable.specs)
            assign_ops.append(saveable.restore(saveable_tensors, shapes))
        return group(*assign_ops, name=name)

    def build(self, names_to_saveables, reshape=False, sharded=False, max_to_keep=5,
              keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
              filename="model"):
        return self._build_internal(names_to_saveables, reshape=reshape, sharded=sharded,
                                    max_to_keep=max_to_keep,
                                    keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
                                    name=name, restore_sequentially=restore_sequentially,
                                    filename=filename)

    def _build_internal(self, names_to_saveables, reshape=False, sharded=False, max_to_keep=5,
                        keep_checkpoint_every_n_hours=10000.0, name=None,
                        restore_sequentially=False, filename="model", build_save=True,
                        build_restore=True):
        from .array_ops import placeholder_with_default
        if not build_save or not build_restore:
            raise ValueError("save and restore operations need to be built together  when "
                             "eager execution is not enabled.")
        if sharded:
            raise NotImplementedError(
                "Saver(sharded=True) is not supported by scopeflow: its sharded save needs "
                "StringJoin/RegexFullMatch ops; use the default sharded=False")
        saveables = validate_and_slice_inputs(names_to_saveables)
        if max_to_keep is None:
            max_to_keep = 0
        with name_scope(name, "save", [saveable.op for saveable in saveables]):
            filename_tensor = placeholder_with_default(filename or "model", shape=(),
                                                       name="filename")
            # TF keeps the name "Const" for backwards compatibility.
            filename_tensor = placeholder_with_default(filename_tensor, shape=(), name="Const")
            save_tensor = self._AddSaveOps(filename_tensor, saveables)
            restore_op = self._AddRestoreOps(filename_tensor, saveables, restore_sequentially,
                                             reshape)
        return _saver_pb2().SaverDef(
            filename_tensor_name=filename_tensor.name,
            save_tensor_name=save_tensor.name,
            restore_op_name=restore_op.name,
            max_to_keep=max_to_keep,
            sharded=sharded,
            keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
            version=self._write_version)


class BulkSaverBuilder(BaseSaverBuilder):
    """The Saver's default builder: one RestoreV2 for every tensor, on CPU."""

    def bulk_restore(self, filename_tensor, saveables, preferred_shard, restore_sequentially):
        restore_specs = []
        for saveable in saveables:
            for spec in saveable.specs:
                restore_specs.append((spec.name, spec.slice_spec, spec.dtype))
        names, slices, dtypes_ = zip(*restore_specs)
        with device("cpu:0"):
            return _restore_v2(filename_tensor, names, slices, dtypes_)


def _set_cpu0(device_string):
    """saveable_object_util.set_cpu0: the same job/replica/task, on CPU:0."""
    parts = [p for p in device_string.split("/") if p and not p.lower().startswith("device:")
             and not p.lower().startswith(("cpu:", "gpu:"))]
    return "/" + "/".join(parts + ["device:CPU:0"])


def _prepend_name_scope(name, import_scope):
    if not import_scope:
        return name
    import_scope = import_scope.rstrip("/")
    m = re.match(r"^(\^|loc:@)?(.*)$", name)
    return "%s%s/%s" % (m.group(1) or "", import_scope, m.group(2))


def _strip_name_scope(name, export_scope):
    if not export_scope:
        return name
    if not export_scope.endswith("/"):
        export_scope += "/"
    return re.sub(r"([\^]|loc:@|^)" + re.escape(export_scope), r"\1", name, count=1)


# ---------------------------------------------------------------------------------------------
# Saver


class Saver(object):
    """tf.train.Saver: adds TF's save/ subgraph and runs it to write and read V2 checkpoints."""

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=_V2, pad_step_number=False, save_relative_paths=False,
                 filename=None):
        if defer_build and var_list:
            raise ValueError("If `var_list` is provided then build cannot be deferred. Either "
                             "set defer_build=False or var_list=None.")
        self._var_list = var_list
        self._reshape = reshape
        self._sharded = sharded
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._name = name
        self._restore_sequentially = restore_sequentially
        self.saver_def = saver_def
        self._builder = builder
        self._is_built = False
        self._allow_empty = allow_empty
        self._is_empty = None
        self._write_version = write_version
        self._pad_step_number = pad_step_number
        self._filename = filename
        self._last_checkpoints = []
        self._checkpoints_to_be_deleted = []
        if not defer_build:
            self.build()
        if self.saver_def:
            self._check_saver_def()
            self._write_version = self.saver_def.version
        self._save_relative_paths = save_relative_paths
        self._object_restore_saver = None

    def build(self):
        self._build(self._filename, build_save=True, build_restore=True)

    def _build(self, checkpoint_path, build_save, build_restore):
        if self._is_built:
            return
        self._is_built = True
        if not self.saver_def:
            if self._builder is None:
                self._builder = BulkSaverBuilder(self._write_version)
            if self._var_list is None:
                self._var_list = _all_saveable_objects()
            if not self._var_list:
                if self._allow_empty:
                    self._is_empty = True
                    return
                raise ValueError("No variables to save")
            self._is_empty = False
            self.saver_def = self._builder._build_internal(
                self._var_list, reshape=self._reshape, sharded=self._sharded,
                max_to_keep=self._max_to_keep,
                keep_checkpoint_every_n_hours=self._keep_checkpoint_every_n_hours,
                name=self._name, restore_sequentially=self._restore_sequentially,
                filename=checkpoint_path, build_save=build_save, build_restore=build_restore)
        elif self.saver_def and self._name:
            # With a SaverDef, `name` is the import scope its names are moved under.
            self.saver_def.filename_tensor_name = _prepend_name_scope(
                self.saver_def.filename_tensor_name, self._name)
            self.saver_def.save_tensor_name = _prepend_name_scope(
                self.saver_def.save_tensor_name, self._name)
            self.saver_def.restore_op_name = _prepend_name_scope(
                self.saver_def.restore_op_name, self._name)
        self._check_saver_def()
        self._next_checkpoint_time = (
            time.time() + self.saver_def.keep_checkpoint_every_n_hours * 3600)

    def _check_saver_def(self):
        if not isinstance(self.saver_def, _saver_pb2().SaverDef):
            raise ValueError("saver_def must be a saver_pb2.SaverDef: %s" % self.saver_def)
        if not self.saver_def.save_tensor_name:
            raise ValueError("saver_def must specify the save_tensor_name: %s" %
                             str(self.saver_def))
        if not self.saver_def.restore_op_name:
            raise ValueError("saver_def must specify the restore_op_name: %s" %
                             str(self.saver_def))

    # --- checkpoint bookkeeping ---

    def _CheckpointFilename(self, p):  # noqa: N802 - TF's name
        name, _ = p
        return name

    def _RecordLastCheckpoint(self, latest_save_path):  # noqa: N802
        if not self.saver_def.max_to_keep:
            return
        for p in list(self._last_checkpoints):
            if latest_save_path == self._CheckpointFilename(p):
                self._last_checkpoints.remove(p)
        self._last_checkpoints.append((latest_save_path, time.time()))
        if len(self._last_checkpoints) > self.saver_def.max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _MaybeDeleteOldCheckpoints(self, meta_graph_suffix="meta"):  # noqa: N802
        if self._checkpoints_to_be_deleted:
            p = self._checkpoints_to_be_deleted.pop(0)
            # keep_checkpoint_every_n_hours: keep one checkpoint per period.
            should_keep = p[1] > self._next_checkpoint_time
            if should_keep:
                self._next_checkpoint_time += (
                    self.saver_def.keep_checkpoint_every_n_hours * 3600)
                return
            try:
                remove_checkpoint(self._CheckpointFilename(p), self.saver_def.version,
                                  meta_graph_suffix)
            except Exception:  # noqa: BLE001 - TF logs and ignores failed deletions
                pass

    def as_saver_def(self):
        return self.saver_def

    def to_proto(self, export_scope=None):
        if export_scope is None:
            return self.saver_def
        if not (self.saver_def.filename_tensor_name.startswith(export_scope) and
                self.saver_def.save_tensor_name.startswith(export_scope) and
                self.saver_def.restore_op_name.startswith(export_scope)):
            return None
        saver_def = _saver_pb2().SaverDef()
        saver_def.CopyFrom(self.saver_def)
        saver_def.filename_tensor_name = _strip_name_scope(saver_def.filename_tensor_name,
                                                           export_scope)
        saver_def.save_tensor_name = _strip_name_scope(saver_def.save_tensor_name, export_scope)
        saver_def.restore_op_name = _strip_name_scope(saver_def.restore_op_name, export_scope)
        return saver_def

    @staticmethod
    def from_proto(saver_def, import_scope=None):
        return Saver(saver_def=saver_def, name=import_scope)

    @property
    def last_checkpoints(self):
        return list(self._CheckpointFilename(p) for p in self._last_checkpoints)

    def set_last_checkpoints(self, last_checkpoints):
        assert isinstance(last_checkpoints, list)
        self._last_checkpoints = [(s, np.inf) for s in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        assert isinstance(last_checkpoints_with_time, list)
        self._last_checkpoints = last_checkpoints_with_time

    def recover_last_checkpoints(self, checkpoint_paths):
        with_mtimes = []
        for path in checkpoint_paths:
            mtime = get_checkpoint_mtimes([path])
            if mtime:
                with_mtimes.append((path, mtime[0]))
        self.set_last_checkpoints_with_time(with_mtimes)

    # --- save / restore ---

    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Runs the save op; returns the checkpoint prefix (with `-<global_step>`)."""
        from .session import Session
        if not self._is_built:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        if latest_filename is None:
            latest_filename = "checkpoint"
        if self._write_version != _V2:
            raise NotImplementedError("V1 checkpoints are not supported by scopeflow")
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = _as_str(save_path)
        if global_step is not None:
            if not isinstance(global_step, (int, np.integer)):
                global_step = int(sess.run(global_step))
            checkpoint_file = "%s-%d" % (save_path, global_step)
            if self._pad_step_number:
                checkpoint_file = "%s-%s" % (save_path, "{:08d}".format(global_step))
        else:
            checkpoint_file = save_path
            if os.path.basename(save_path) == latest_filename and not self._sharded:
                raise ValueError("'latest_filename' collides with 'save_path': '%s' and '%s'" %
                                 (latest_filename, save_path))
        if not isinstance(sess, Session):
            raise TypeError("'sess' must be a Session; %s" % sess)

        save_path_parent = os.path.dirname(save_path)
        model_checkpoint_path = None
        if not self._is_empty:
            try:
                model_checkpoint_path = sess.run(
                    self.saver_def.save_tensor_name,
                    {self.saver_def.filename_tensor_name: checkpoint_file})
                model_checkpoint_path = _as_str(model_checkpoint_path)
                if write_state:
                    self._RecordLastCheckpoint(model_checkpoint_path)
                    _update_checkpoint_state_internal(
                        save_dir=save_path_parent,
                        model_checkpoint_path=model_checkpoint_path,
                        all_model_checkpoint_paths=self.last_checkpoints,
                        latest_filename=latest_filename,
                        save_relative_paths=self._save_relative_paths)
                    self._MaybeDeleteOldCheckpoints(meta_graph_suffix=meta_graph_suffix)
            except (errors.FailedPreconditionError, errors.NotFoundError) as exc:
                if not os.path.isdir(save_path_parent):
                    exc = ValueError("Parent directory of {} doesn't exist, can't save.".format(
                        save_path))
                raise exc

        if write_meta_graph:
            meta_file = meta_graph_filename(checkpoint_file, meta_graph_suffix=meta_graph_suffix)
            with sess.graph.as_default():
                self.export_meta_graph(meta_file, strip_default_attrs=strip_default_attrs,
                                       save_debug_info=save_debug_info)
        if self._is_empty:
            return None
        return model_checkpoint_path

    def export_meta_graph(self, filename=None, collection_list=None, as_text=False,
                          export_scope=None, clear_devices=False, clear_extraneous_savers=False,
                          strip_default_attrs=False, save_debug_info=False):
        """Writes the MetaGraphDef (graph, this SaverDef, collections) through
        tf.train.export_meta_graph."""
        export = _export_meta_graph_fn()
        if export is None:
            return None
        return export(filename=filename, saver_def=self.saver_def,
                      collection_list=collection_list, as_text=as_text,
                      export_scope=export_scope, clear_devices=clear_devices,
                      clear_extraneous_savers=clear_extraneous_savers,
                      strip_default_attrs=strip_default_attrs)

    def restore(self, sess, save_path):
        """Runs the restore op on the checkpoint at `save_path`."""
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        checkpoint_prefix = _as_str(save_path)
        if not checkpoint_exists(checkpoint_prefix):
            raise ValueError("The passed save_path is not a valid checkpoint: " +
                             checkpoint_prefix)
        try:
            sess.run(self.saver_def.restore_op_name,
                     {self.saver_def.filename_tensor_name: save_path})
        except errors.NotFoundError as err:
            # TF first checks for an object-based checkpoint; scopeflow writes and reads
            # name-based ones only, so a missing key means the graph and checkpoint differ.
            raise _wrap_restore_error_with_msg(
                err, "a Variable name or other graph key that is missing")
        except errors.InvalidArgumentError as err:
            raise _wrap_restore_error_with_msg(
                err, "a mismatch between the current graph and the graph")


def _wrap_restore_error_with_msg(err, extra_verbiage):
    err_msg = ("Restoring from checkpoint failed. This is most likely due to {} from the "
               "checkpoint. Please ensure that you have not altered the graph expected based on "
               "the checkpoint. Original error:\n\n{}").format(extra_verbiage, err.message)
    return err.__class__(err.node_def, err.op, err_msg)


def _export_meta_graph_fn():
    """tf.train.export_meta_graph from graph_io (written by the GraphDef work), or None."""
    try:
        from . import graph_io
    except ImportError:
        return None
    return getattr(graph_io, "export_meta_graph", None)


# ---------------------------------------------------------------------------------------------
# The `checkpoint` state file and checkpoint files (checkpoint_management.py)


def _checkpoint_state_filename(save_dir, latest_filename):
    if latest_filename is None:
        latest_filename = "checkpoint"
    return os.path.join(save_dir, latest_filename)


def _atomic_write_string_to_file(filename, contents):
    """file_io.atomic_write_string_to_file: a temporary file renamed over `filename`."""
    temp = "%s.tmp%s" % (filename, uuid.uuid4().hex)
    try:
        with open(temp, "w") as f:
            f.write(contents)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, filename)
    except Exception:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
                                    all_model_checkpoint_paths=None,
                                    all_model_checkpoint_timestamps=None,
                                    last_preserved_timestamp=None):
    """A CheckpointState with paths relative to `save_dir` when it is relative."""
    if all_model_checkpoint_paths is None:
        all_model_checkpoint_paths = []
    if (not all_model_checkpoint_paths or
            all_model_checkpoint_paths[-1] != model_checkpoint_path):
        all_model_checkpoint_paths.append(model_checkpoint_path)
    if (all_model_checkpoint_timestamps and
            len(all_model_checkpoint_timestamps) != len(all_model_checkpoint_paths)):
        raise ValueError(
            "Checkpoint timestamps, if provided, must match checkpoint paths (got paths %s and "
            "timestamps %s)" % (all_model_checkpoint_paths, all_model_checkpoint_timestamps))
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        for i, p in enumerate(all_model_checkpoint_paths):
            if not os.path.isabs(p):
                all_model_checkpoint_paths[i] = os.path.relpath(p, save_dir)
    return _checkpoint_state_pb2().CheckpointState(
        model_checkpoint_path=model_checkpoint_path,
        all_model_checkpoint_paths=all_model_checkpoint_paths,
        all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
        last_preserved_timestamp=last_preserved_timestamp)


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None):
    """Rewrites the `checkpoint` state file (atomically)."""
    _update_checkpoint_state_internal(
        save_dir=save_dir, model_checkpoint_path=model_checkpoint_path,
        all_model_checkpoint_paths=all_model_checkpoint_paths, latest_filename=latest_filename,
        save_relative_paths=False, all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
        last_preserved_timestamp=last_preserved_timestamp)


def _update_checkpoint_state_internal(save_dir, model_checkpoint_path,
                                      all_model_checkpoint_paths=None, latest_filename=None,
                                      save_relative_paths=False,
                                      all_model_checkpoint_timestamps=None,
                                      last_preserved_timestamp=None):
    from google.protobuf import text_format
    coord_checkpoint_filename = _checkpoint_state_filename(save_dir, latest_filename)
    if save_relative_paths:
        if os.path.isabs(model_checkpoint_path):
            rel_model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        else:
            rel_model_checkpoint_path = model_checkpoint_path
        rel_all = []
        for p in all_model_checkpoint_paths:
            rel_all.append(os.path.relpath(p, save_dir) if os.path.isabs(p) else p)
        ckpt = generate_checkpoint_state_proto(
            save_dir, rel_model_checkpoint_path, all_model_checkpoint_paths=rel_all,
            all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
            last_preserved_timestamp=last_preserved_timestamp)
    else:
        ckpt = generate_checkpoint_state_proto(
            save_dir, model_checkpoint_path,
            all_model_checkpoint_paths=all_model_checkpoint_paths,
            all_model_checkpoint_timestamps=all_model_checkpoint_timestamps,
            last_preserved_timestamp=last_preserved_timestamp)
    if coord_checkpoint_filename == ckpt.model_checkpoint_path:
        raise RuntimeError("Save path '%s' conflicts with path used for checkpoint state.  "
                           "Please use a different save path." % model_checkpoint_path)
    _atomic_write_string_to_file(coord_checkpoint_filename, text_format.MessageToString(ckpt))


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState in `checkpoint_dir`'s state file (paths joined with the directory
    when relative), or None when there is none or it does not parse."""
    from google.protobuf import text_format
    coord_checkpoint_filename = _checkpoint_state_filename(checkpoint_dir, latest_filename)
    if not os.path.isfile(coord_checkpoint_filename):
        return None
    try:
        with open(coord_checkpoint_filename, "r") as f:
            file_content = f.read()
        ckpt = _checkpoint_state_pb2().CheckpointState()
        text_format.Merge(file_content, ckpt)
    except (OSError, UnicodeDecodeError, text_format.ParseError):
        return None
    if not ckpt.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(ckpt.model_checkpoint_path):
        ckpt.model_checkpoint_path = os.path.join(checkpoint_dir, ckpt.model_checkpoint_path)
    for i, p in enumerate(ckpt.all_model_checkpoint_paths):
        if not os.path.isabs(p):
            ckpt.all_model_checkpoint_paths[i] = os.path.join(checkpoint_dir, p)
    return ckpt


def _prefix_to_checkpoint_path(prefix, format_version):
    if format_version == _V2:
        return prefix + ".index"
    return prefix


def _glob(pattern):
    import glob
    return glob.glob(pattern)


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix named by the state file in `checkpoint_dir` when its files exist, else None."""
    ckpt = get_checkpoint_state(checkpoint_dir, latest_filename)
    if ckpt and ckpt.model_checkpoint_path:
        v2_path = _prefix_to_checkpoint_path(ckpt.model_checkpoint_path, _V2)
        v1_path = _prefix_to_checkpoint_path(ckpt.model_checkpoint_path, _V1)
        if _glob(v2_path) or _glob(v1_path):
            return ckpt.model_checkpoint_path
    return None


def checkpoint_exists(checkpoint_prefix):
    """True when a V2 (`<prefix>.index`) or V1 checkpoint exists at the prefix."""
    pathname = _prefix_to_checkpoint_path(checkpoint_prefix, _V2)
    return bool(_glob(pathname) or _glob(checkpoint_prefix))


def get_checkpoint_mtimes(checkpoint_prefixes):
    mtimes = []
    for prefix in checkpoint_prefixes:
        for pathname in (_prefix_to_checkpoint_path(prefix, _V2), prefix):
            names = _glob(pathname)
            if names:
                mtimes.append(os.stat(names[0]).st_mtime_ns / 1e9)
                break
    return mtimes


def meta_graph_filename(checkpoint_filename, meta_graph_suffix="meta"):
    basename = re.sub(r"-[\d\?]+-of-\d+$", "", checkpoint_filename)
    return ".".join([basename, meta_graph_suffix])


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=_V2,
                      meta_graph_suffix="meta"):
    """Deletes a checkpoint's `.meta`, `.index` and data files."""
    def delete(spec):
        for pathname in _glob(spec):
            os.remove(pathname)
    delete(meta_graph_filename(checkpoint_prefix, meta_graph_suffix))
    if checkpoint_format_version == _V2:
        delete(checkpoint_prefix + ".index")
        delete(checkpoint_prefix + ".data-?????-of-?????")
    else:
        delete(checkpoint_prefix)


# ---------------------------------------------------------------------------------------------
# Reading checkpoints (py_checkpoint_reader / checkpoint_utils)


class CheckpointReader(object):
    """What tf.train.NewCheckpointReader returns: the tensors of a V2 checkpoint."""

    def __init__(self, filepattern):
        try:
            self._reader = _core.BundleReader(_as_str(filepattern))
        except _core.CheckpointError as e:
            raise _error_from_core(e) from None
        self._entries = {k: (dt, shape) for k, dt, shape, _ in self._reader.entries()}

    def has_tensor(self, tensor_str):
        return _as_str(tensor_str) in self._entries

    def get_tensor(self, tensor_str):
        """The saved value as a numpy array (CRC checked)."""
        try:
            t = self._reader.read(_as_str(tensor_str))
        except _core.CheckpointError as e:
            raise _error_from_core(e) from None
        return _core.to_numpy(t)

    def get_variable_to_shape_map(self):
        return {k: list(shape) for k, (_, shape) in self._entries.items()}

    def get_variable_to_dtype_map(self):
        return {k: dtypes.DType(dt) for k, (dt, _) in self._entries.items()}

    def debug_string(self):
        return self._reader.debug_string()


def NewCheckpointReader(filepattern):  # noqa: N802 - TF's name
    """tf.train.NewCheckpointReader(prefix)."""
    return CheckpointReader(filepattern)


def _get_checkpoint_filename(ckpt_dir_or_file):
    if os.path.isdir(ckpt_dir_or_file):
        return latest_checkpoint(ckpt_dir_or_file)
    return ckpt_dir_or_file


def load_checkpoint(ckpt_dir_or_file):
    """tf.train.load_checkpoint: a CheckpointReader for a prefix or a directory's latest."""
    filename = _get_checkpoint_filename(ckpt_dir_or_file)
    if filename is None:
        raise ValueError("Couldn't find 'checkpoint' file or checkpoints in given directory %s" %
                         ckpt_dir_or_file)
    return NewCheckpointReader(filename)


def load_variable(ckpt_dir_or_file, name):
    """tf.train.load_variable: one saved tensor ("w" or "w:0") as a numpy array."""
    if name.endswith(":0"):
        name = name[:-2]
    reader = load_checkpoint(ckpt_dir_or_file)
    return reader.get_tensor(name)


def list_variables(ckpt_dir_or_file):
    """tf.train.list_variables: [(name, shape)] sorted by name."""
    reader = load_checkpoint(ckpt_dir_or_file)
    variable_map = reader.get_variable_to_shape_map()
    names = sorted(variable_map.keys())
    return [(name, variable_map[name]) for name in names]
