"""tf.summary (TF 1.15): summary ops named as TF names them, FileWriter and event files.

The ops and their names come from the C++ core (`scalar("loss", x)` inside name scope `train`
is op `train/loss`, tag "train/loss"); event files are written and read by the C++ EventWriter
and EventReader. `Summary`, `Event`, `SessionLog` are the protobuf classes of
`scopeflow.proto` (TF's own wire schemas)."""

import time
import warnings

from . import _core
from . import dtypes
from .framework import (Graph, GraphKeys, Tensor, _graph_from_inputs, _to_input,
                        convert_to_tensor, get_default_graph)
from .proto import event_pb2, graph_pb2, meta_graph_pb2, summary_pb2

__all__ = ["Summary", "SummaryMetadata", "Event", "SessionLog", "TaggedRunMetadata",
           "scalar", "histogram", "image", "audio", "tensor_summary", "text", "merge",
           "merge_all", "FileWriter", "summary_iterator"]

Summary = summary_pb2.Summary
SummaryMetadata = summary_pb2.SummaryMetadata
Event = event_pb2.Event
SessionLog = event_pb2.SessionLog
TaggedRunMetadata = event_pb2.TaggedRunMetadata


# ---------------------------------------------------------------------------------------------
# Summary ops


def _split_collections(collections):
    """String keys go to the C++ graph with the op; other keys are Python-side collections."""
    if collections is None:
        return None, []
    collections = list(collections)
    return ([c for c in collections if isinstance(c, str)],
            [c for c in collections if not isinstance(c, str)])


def _summary(build, name, value, collections, family, *args):
    g = _graph_from_inputs([value])
    keys, py_keys = _split_collections(collections)
    with g.as_default():
        out = g._wrap_output(build(g._c, name, _to_input(value), *args, keys, family))
    for key in py_keys:
        g.add_to_collection(key, out)
    return out


def scalar(name, tensor, collections=None, family=None):
    """A `ScalarSummary` op named after its summary scope (`name`, under `family`)."""
    return _summary(_core.summary_scalar, name, tensor, collections, family)


def histogram(name, values, collections=None, family=None):
    """A `HistogramSummary` op: TF's exponential buckets over `values`."""
    return _summary(_core.summary_histogram, name, values, collections, family)


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """An `ImageSummary` op: up to `max_outputs` PNG images of a [batch, h, w, c] tensor."""
    return _summary(_core.summary_image, name, tensor, collections, family, int(max_outputs))


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """An `AudioSummaryV2` op: WAV clips of a [batch, frames(, channels)] float tensor."""
    return _summary(_core.summary_audio, name, tensor, collections, family,
                    _to_input(sample_rate), int(max_outputs))


def tensor_summary(name, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """A `TensorSummaryV2` op: the tensor itself, with `summary_metadata`."""
    if summary_metadata is None:
        summary_metadata = SummaryMetadata()
    if summary_description is not None:
        summary_metadata.summary_description = summary_description
    if display_name is not None:
        summary_metadata.display_name = display_name
    return _summary(_core.summary_tensor, name, tensor, collections, family,
                    summary_metadata.SerializeToString())


def text(name, tensor, collections=None):
    """A tensor summary of a string tensor for TensorBoard's text plugin."""
    if not isinstance(tensor, Tensor):
        tensor = convert_to_tensor(tensor)
    if tensor.dtype != dtypes.string:
        raise ValueError("Expected tensor %s to have dtype string, got %s" %
                         (tensor.name, tensor.dtype))
    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="text"))
    return tensor_summary(name=name, tensor=tensor, summary_metadata=metadata,
                          collections=collections)


def merge(inputs, collections=None, name=None):
    """A `MergeSummary` op in name_scope(name, "Merge"): `Merge/MergeSummary` by default."""
    inputs = [t if isinstance(t, Tensor) else convert_to_tensor(t, dtype=dtypes.string)
              for t in inputs]
    g = _graph_from_inputs(inputs)
    keys, py_keys = _split_collections(collections)
    with g.as_default():
        out = g._wrap_output(_core.summary_merge(g._c, [t._o for t in inputs], keys or [], name))
    for key in py_keys:
        g.add_to_collection(key, out)
    return out


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """Merges the collection `key` (matching `scope`); None when it is empty."""
    g = get_default_graph()
    if not isinstance(key, str):
        ops = g.get_collection(key, scope)
        return merge(ops, name=name) if ops else None
    out = _core.summary_merge_all(g._c, key, scope, name)
    return None if out is None else g._wrap_output(out)


# ---------------------------------------------------------------------------------------------
# Event files


def summary_iterator(path):
    """Yields the `Event` protos of the event file `path` in order. A damaged file raises
    tf.errors.DataLossError naming the file, the record offset and the problem."""
    reader = _core.EventReader(path)
    while True:
        record = reader.next_serialized()
        if record is None:
            return
        yield Event.FromString(record)


def _meta_graph_def(graph_def, graph):
    """meta_graph.create_meta_graph_def(graph_def=...) as FileWriter calls it: the graph_def,
    its op list and the collections of `graph` (the default graph when given a GraphDef)."""
    from . import graph_io
    return graph_io.export_meta_graph(graph_def=graph_def,
                                      graph=graph if isinstance(graph, Graph) else None)


class FileWriter(object):
    """tf.summary.FileWriter: writes `Event` protos to an event file in `logdir`.

    Events are written in order by the calling thread (TF uses a worker thread): the file is
    flushed after the first event, then when `flush_secs` have passed since the last flush, on
    flush() and on close(); after `max_queue` unflushed events they are handed to the OS."""

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        if session is not None:
            raise NotImplementedError(
                "FileWriter(session=...) writes through TF 2's summary ops, which scopeflow "
                "does not have; create the FileWriter without a session")
        self._logdir = str(logdir)
        self._suffix = filename_suffix or ""
        self._max_queue = max(1, int(max_queue))
        self._flush_secs = flush_secs
        self._writer = _core.EventWriter(self._logdir, self._suffix)
        self._closed = False
        self._pending = 0
        self._next_flush = 0.0  # the first event is flushed at once, as TF's logger thread does
        self._session_run_tags = {}
        if graph is not None or graph_def is not None:
            self.add_graph(graph=graph, graph_def=graph_def)
            as_def = graph.as_graph_def(add_shapes=True) if isinstance(graph, Graph) else graph
            self.add_meta_graph(_meta_graph_def(graph_def or as_def, graph))

    def __enter__(self):
        return self

    def __exit__(self, unused_type, unused_value, unused_traceback):
        self.close()

    def get_logdir(self):
        return self._logdir

    @property
    def _path(self):
        """The event file being written (scopeflow's addition, for tests and tools)."""
        return self._writer.path

    def _warn_if_closed(self):
        if self._closed:
            warnings.warn("Attempting to use a closed FileWriter. The operation will be a noop "
                          "unless the FileWriter is explicitly reopened.")
            return True
        return False

    def _after_write(self):
        self._pending += 1
        now = time.time()
        if now > self._next_flush:
            self._writer.flush()
            self._pending = 0
            self._next_flush = now + self._flush_secs
        elif self._pending >= self._max_queue:
            self._writer.write_out()
            self._pending = 0

    def _add_event(self, event, step):
        event.wall_time = time.time()
        if step is not None:
            event.step = int(step)
        self.add_event(event)

    def add_event(self, event):
        """Writes `event` as is."""
        if self._warn_if_closed():
            return
        self._writer.add_serialized_event(event.SerializeToString())
        self._after_write()

    def add_summary(self, summary, global_step=None):
        """Writes a Summary (a protobuf, or the bytes a summary op returned) at `global_step`.
        A value's metadata is kept only the first time its tag is written."""
        if self._warn_if_closed():
            return
        if isinstance(summary, (bytes, bytearray)):
            data = bytes(summary)
        elif hasattr(summary, "SerializeToString"):
            data = summary.SerializeToString()
        else:
            # A scalar fetched from Session.run comes back as a numpy object scalar.
            data = bytes(summary.item() if hasattr(summary, "item") else summary)
        self._writer.add_summary(data, 0 if global_step is None else int(global_step))
        self._after_write()

    def add_session_log(self, session_log, global_step=None):
        self._add_event(Event(session_log=session_log), global_step)

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Writes a Graph (serialized with shapes) or a GraphDef."""
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        if isinstance(graph, Graph) or isinstance(graph_def, Graph):
            if not isinstance(graph, Graph):
                graph = graph_def
            true_graph_def = graph.as_graph_def(add_shapes=True)
        elif isinstance(graph, graph_pb2.GraphDef) or isinstance(graph_def, graph_pb2.GraphDef):
            true_graph_def = graph if isinstance(graph, graph_pb2.GraphDef) else graph_def
        else:
            raise TypeError("The passed graph must be an instance of `Graph` or the deprecated "
                            "`GraphDef`")
        if self._warn_if_closed():
            return
        self._writer.add_graph(true_graph_def.SerializeToString(),
                               0 if global_step is None else int(global_step))
        self._after_write()

    def add_meta_graph(self, meta_graph_def, global_step=None):
        if not isinstance(meta_graph_def, meta_graph_pb2.MetaGraphDef):
            raise TypeError("meta_graph_def must be type MetaGraphDef, saw type: %s" %
                            type(meta_graph_def))
        if self._warn_if_closed():
            return
        self._writer.add_meta_graph(meta_graph_def.SerializeToString(),
                                    0 if global_step is None else int(global_step))
        self._after_write()

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        """A TaggedRunMetadata event; `run_metadata` is any protobuf message (RunMetadata)."""
        if tag in self._session_run_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._session_run_tags[tag] = True
        tagged = TaggedRunMetadata(tag=tag, run_metadata=run_metadata.SerializeToString())
        self._add_event(Event(tagged_run_metadata=tagged), global_step)

    def flush(self):
        """Writes every pending event to disk."""
        if self._closed:
            return
        self._writer.flush()
        self._pending = 0

    def close(self):
        """Flushes and closes the event file; later writes are no-ops until reopen()."""
        if not self._closed:
            self._writer.close()
        self._closed = True

    def reopen(self):
        """After close(): later events go to a new event file in the same logdir."""
        if self._closed:
            self._writer = _core.EventWriter(self._logdir, self._suffix)
            self._closed = False
            self._next_flush = 0.0
