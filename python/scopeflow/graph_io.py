"""GraphDef and MetaGraphDef: Graph.as_graph_def, tf.import_graph_def, tf.train.write_graph,
tf.train.export_meta_graph and tf.train.import_meta_graph (TF 1.15's importer.py, graph_io.py,
meta_graph.py and saver.py). The work is done in C++ (scopeflow/io/graph_def.h,
meta_graph.h); messages cross as bytes and come back as scopeflow.proto messages."""

import os

from google.protobuf import message as _pb_message
from google.protobuf import text_format

from . import _core
from . import errors
from . import framework
from .proto import graph_pb2, meta_graph_pb2, saver_pb2

__all__ = ["GraphDef", "MetaGraphDef", "import_graph_def", "write_graph", "export_meta_graph",
           "import_meta_graph", "read_meta_graph_file"]

GraphDef = graph_pb2.GraphDef
MetaGraphDef = meta_graph_pb2.MetaGraphDef


def _serialize(msg):
    return msg.SerializeToString(deterministic=True)


def as_graph_def(graph, from_version=None, add_shapes=False):
    """Graph.as_graph_def: the graph's nodes in creation order as a GraphDef message."""
    gd = graph_pb2.GraphDef()
    gd.ParseFromString(_core.graph_as_graph_def(graph._c, from_version, bool(add_shapes)))
    return gd


def node_def(op):
    """Operation.node_def: the op as a NodeDef message."""
    from .proto import node_def_pb2
    nd = node_def_pb2.NodeDef()
    nd.ParseFromString(_core.node_def(op._c))
    return nd


def _graph_def_bytes(graph_def):
    """importer._ProcessGraphDefParam: a GraphDef message, or any message that merges into
    one."""
    if isinstance(graph_def, graph_pb2.GraphDef):
        return _serialize(graph_def)
    try:
        converted = graph_pb2.GraphDef()
        converted.ParseFromString(graph_def.SerializeToString())
    except (AttributeError, TypeError, _pb_message.DecodeError):
        raise TypeError("graph_def must be a GraphDef proto.")
    return _serialize(converted)


def _core_error(e):
    """C++ errors raised by import: KeyError carries TF's NotFoundError text (unknown op)."""
    if isinstance(e, KeyError):
        return errors.NotFoundError(None, None, e.args[0] if e.args else str(e))
    return e


def _wrap_element(graph, c):
    if isinstance(c, _core.Output):
        return graph._wrap_output(c)
    return graph._op(c)


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None, op_dict=None,
                     producer_op_list=None):
    """tf.import_graph_def: imports `graph_def` into the default graph under the name scope
    `name` ("import" by default, uniquified; "" for none). Returns the Operations and Tensors
    named in `return_elements`, or None."""
    del op_dict  # deprecated in TF, unused
    # producer_op_list lets TF drop attrs unknown to its op registry that hold their default;
    # scopeflow keeps every attr as given, so there is nothing to drop.
    del producer_op_list
    data = _graph_def_bytes(graph_def)
    if input_map is None:
        input_map = {}
    elif not (isinstance(input_map, dict) and
              all(isinstance(k, (str, bytes)) for k in input_map.keys())):
        raise TypeError("input_map must be a dictionary mapping strings to Tensor objects.")
    if return_elements is not None:
        if not all(isinstance(x, (str, bytes)) for x in return_elements):
            raise TypeError("return_elements must be a list of strings.")
        return_elements = [x.decode() if isinstance(x, bytes) else x for x in return_elements]
    input_map = {(k.decode() if isinstance(k, bytes) else k): v for k, v in input_map.items()}

    graph = framework.get_default_graph()
    with framework.name_scope(name, "import", list(input_map.values())) as scope:
        prefix = scope[:-1] if scope else ""
        if not all(isinstance(v, framework.Tensor) for v in input_map.values()):
            if name == "":
                raise ValueError(
                    "tf.import_graph_def() requires a non-empty `name` if `input_map` "
                    "contains non-Tensor values. Try calling tf.convert_to_tensor() on "
                    "`input_map` values before calling tf.import_graph_def().")
            with framework.name_scope("_inputs"):
                input_map = {k: framework.convert_to_tensor(v) for k, v in input_map.items()}
    try:
        _, returned = _core.import_graph_def(graph._c, data, prefix,
                                             {k: v._o for k, v in input_map.items()},
                                             return_elements or [])
    except KeyError as e:
        raise _core_error(e) from None
    if return_elements is None:
        return None
    return [_wrap_element(graph, c) for c in returned]


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """tf.train.write_graph: writes a GraphDef (or any message, e.g. a MetaGraphDef) to
    logdir/name, text or binary, through a temporary file; returns the path."""
    if isinstance(graph_or_graph_def, framework.Graph):
        graph_def = graph_or_graph_def.as_graph_def()
    else:
        graph_def = graph_or_graph_def
    if logdir and not os.path.exists(logdir):
        os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    if as_text:
        data = text_format.MessageToString(graph_def, float_format="").encode("utf-8")
    else:
        data = graph_def.SerializeToString(deterministic=True)
    _core.write_file_atomically(path, data)
    return path


# ---------------------------------------------------------------------------------------------
# MetaGraphDef

# Collections whose entries TF rebuilds with a from_proto function (CondContext, SaverDef,
# QueueRunner...): kept here as the bytes they were read as, and written back unchanged.
_PROTO_COLLECTIONS = ("cond_context", "while_context", "savers", "queue_runners")


class SerializedProto(object):
    """A collection entry read from a MetaGraphDef that scopeflow keeps as bytes (a
    CondContextDef of `cond_context`, a SaverDef of `savers`...)."""

    __slots__ = ("collection", "data")

    def __init__(self, collection, data):
        self.collection = collection
        self.data = data

    def to_proto(self, export_scope=None):
        del export_scope
        return self.data

    def __repr__(self):
        return "<SerializedProto of collection %r, %d bytes>" % (self.collection, len(self.data))


def _serialize_other(obj):
    """A Python collection entry as CollectionDef wants it: bytes, int or float; None skips."""
    if isinstance(obj, SerializedProto):
        return obj.data
    to_proto = getattr(obj, "to_proto", None)
    if to_proto is not None:
        try:
            proto = to_proto()
        except TypeError:
            return None
        if isinstance(proto, bytes):
            return proto
        if proto is not None and hasattr(proto, "SerializeToString"):
            return proto.SerializeToString()
        return None
    if isinstance(obj, bool):
        return None
    if isinstance(obj, bytes):
        return obj
    if isinstance(obj, str):
        return obj.encode("utf-8")
    if isinstance(obj, (int, float)):
        return obj
    return None


def _meta_bytes(msg, cls, what):
    if msg is None:
        return None
    if not isinstance(msg, cls):
        raise TypeError("%s must be of type %s, not %s" % (what, cls.__name__, type(msg)))
    return _serialize(msg)


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text=False, graph=None, export_scope=None,
                      clear_devices=False, clear_extraneous_savers=False,
                      strip_default_attrs=False, save_debug_info=False, **kwargs):
    """tf.train.export_meta_graph: the graph (with _output_shapes), its op list, collections
    and `saver_def` as a MetaGraphDef; written to `filename` when given."""
    del save_debug_info, kwargs
    if strip_default_attrs:
        raise NotImplementedError(
            "export_meta_graph(strip_default_attrs=True) needs the default value of every op "
            "attr, which scopeflow's op registry does not record")
    graph = graph or framework.get_default_graph()
    if graph_def is not None and not isinstance(graph_def, graph_pb2.GraphDef):
        raise TypeError("graph_def must be of type GraphDef, not %s" % type(graph_def))
    excluded = set()
    if clear_extraneous_savers:
        source = graph_def if graph_def is not None else graph.as_graph_def(add_shapes=True)
        excluded = _extraneous_saver_nodes(source, saver_def)
        if excluded:
            kept = graph_pb2.GraphDef()
            kept.versions.CopyFrom(source.versions)
            kept.node.extend(n for n in source.node if n.name not in excluded)
            graph_def = kept
    if collection_list is not None:
        collection_list = [c for c in collection_list if isinstance(c, str)]
    data = _core.export_meta_graph(
        graph._c,
        _meta_bytes(meta_info_def, meta_graph_pb2.MetaGraphDef.MetaInfoDef, "meta_info_def"),
        None if graph_def is None else _serialize(graph_def),
        _meta_bytes(saver_def, saver_pb2.SaverDef, "saver_def"),
        collection_list, export_scope or "", bool(clear_devices), _serialize_other)
    meta = meta_graph_pb2.MetaGraphDef()
    meta.ParseFromString(data)
    if clear_extraneous_savers:
        for key in list(meta.collection_def):
            col = meta.collection_def[key]
            if col.WhichOneof("kind") == "node_list":
                values = [v for v in col.node_list.value if v.split(":")[0] not in excluded]
                del col.node_list.value[:]
                col.node_list.value.extend(values)
        if "savers" in meta.collection_def or saver_def is not None:
            if saver_def is not None:
                meta.collection_def["savers"].bytes_list.ClearField("value")
                meta.collection_def["savers"].bytes_list.value.append(saver_def.SerializeToString())
    if filename:
        write_graph(meta, os.path.dirname(filename), os.path.basename(filename), as_text=as_text)
    return meta


_SAVE_AND_RESTORE_OPS = ("SaveV2", "Save", "SaveSlice", "LegacySave", "LegacySaveSlice",
                         "RestoreV2", "Restore", "RestoreSlice", "LegacyRestore",
                         "LegacyRestoreSlice")


def _extraneous_saver_nodes(graph_def, saver_def):
    """meta_graph._find_extraneous_saver_nodes: nodes of save scopes other than saver_def's."""
    def op_name(name):
        name = name[1:] if name.startswith("^") else name
        return name.split(":")[0]

    def scope_of(name):
        return name.rsplit("/", 1)[0] if "/" in name else ""

    keep = set()
    if saver_def is not None:
        keep.add(scope_of(op_name(saver_def.save_tensor_name)) + "/")
        keep.add(scope_of(op_name(saver_def.restore_op_name)) + "/")
    saver_nodes = {n.name for n in graph_def.node if n.op in _SAVE_AND_RESTORE_OPS}
    scopes = {scope_of(x) for x in saver_nodes} - saver_nodes
    extraneous = {s + "/" for s in scopes} - keep
    return {n.name for n in graph_def.node if any(n.name.startswith(s) for s in extraneous)}


def read_meta_graph_file(filename):
    """meta_graph.read_meta_graph_file: binary first, then text."""
    if not os.path.exists(filename):
        raise IOError("File %s does not exist." % filename)
    with open(filename, "rb") as f:
        content = f.read()
    meta = meta_graph_pb2.MetaGraphDef()
    try:
        meta.ParseFromString(content)
        return meta
    except Exception:  # noqa: BLE001 - TF tries text next, whatever went wrong
        pass
    try:
        text_format.Merge(content.decode("utf-8"), meta)
    except (text_format.ParseError, UnicodeDecodeError) as e:
        raise IOError("Cannot parse file %s: %s." % (filename, str(e)))
    return meta


def _prepend_name_scope(name, scope):
    if not scope:
        return name
    scope = scope[:-1] if scope.endswith("/") else scope
    for lead in ("^", "loc:@"):
        if name.startswith(lead):
            return lead + scope + "/" + name[len(lead):]
    return scope + "/" + name


def _import_meta_graph_internal(meta_graph_or_file, clear_devices=False, import_scope=None,
                                input_map=None, return_elements=None):
    """meta_graph.import_scoped_meta_graph_with_return_elements; returns (meta, scope,
    variables by stripped name, return elements)."""
    if isinstance(meta_graph_or_file, meta_graph_pb2.MetaGraphDef):
        meta = meta_graph_or_file
    else:
        meta = read_meta_graph_file(meta_graph_or_file)
    graph = framework.get_default_graph()
    input_map = dict(input_map or {})
    if not all(isinstance(v, framework.Tensor) for v in input_map.values()):
        raise TypeError("input_map must be a dictionary mapping strings to Tensor objects.")
    with framework.name_scope(import_scope or "", "import") as scope:
        prefix = scope[:-1] if scope else ""
    try:
        r = _core.import_meta_graph(graph._c, _serialize(meta), prefix, bool(clear_devices),
                                    {k: v._o for k, v in input_map.items()},
                                    list(return_elements or []))
    except KeyError as e:
        raise _core_error(e) from None
    for key, data in r["other_collections"]:
        col = meta_graph_pb2.CollectionDef()
        col.ParseFromString(data)
        kind = col.WhichOneof("kind")
        if kind == "bytes_list":
            for v in col.bytes_list.value:
                if key in _PROTO_COLLECTIONS:
                    graph.add_to_collection(key, SerializedProto(key, v))
                else:
                    graph.add_to_collection(key, _prepend_name_scope(v.decode("utf-8", "replace"),
                                                                     prefix)
                                            if prefix else v)
        elif kind == "int64_list":
            for v in col.int64_list.value:
                graph.add_to_collection(key, int(v))
        elif kind == "float_list":
            for v in col.float_list.value:
                graph.add_to_collection(key, float(v))
    var_list = {}
    for v in graph.get_collection(framework.GraphKeys.GLOBAL_VARIABLES, scope=prefix or None):
        name = v.name
        if prefix and name.startswith(prefix + "/"):
            name = name[len(prefix) + 1:]
        var_list[name] = v
    returned = [_wrap_element(graph, c) for c in r["return_elements"]]
    return meta, prefix, var_list, returned


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """tf.train.import_meta_graph: imports the graph and its collections (variables become
    tf.Variable objects), and returns a Saver built from the file's saver_def (a new Saver
    over the imported variables when it has none, None when there are no variables)."""
    meta, prefix, var_list, _ = _import_meta_graph_internal(
        meta_graph_or_file, clear_devices=clear_devices, import_scope=import_scope,
        input_map=kwargs.get("input_map"), return_elements=kwargs.get("return_elements"))
    return _saver_for_imported(meta, import_scope, var_list)


def _saver_for_imported(meta, import_scope, var_list):
    """saver._create_saver_from_imported_meta_graph."""
    try:
        from . import saver as _saver
    except ImportError:
        return None
    if meta.HasField("saver_def"):
        scope = import_scope
        if var_list:
            sample_key = next(iter(var_list))
            scope = var_list[sample_key].name[:-len(sample_key)]
        return _saver.Saver(saver_def=meta.saver_def, name=scope)
    if var_list:
        return _saver.Saver()
    return None
