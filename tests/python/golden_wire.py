"""Just enough of the protobuf wire format and TFRecord framing to list the nodes of the
TensorFlow-written golden files (binary GraphDef, MetaGraphDef, event files) in tests."""

import struct


def varint(buf, i):
    value = shift = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def fields(buf):
    """(field number, value) of a protobuf message; length-delimited values as bytes, other
    wire types skipped over (their raw value returned)."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, i = varint(buf, i)
        elif wire_type == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire_type == 2:
            n, i = varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire_type == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wire_type)
        yield number, value


def records(path):
    """TFRecord framing: uint64 length, uint32 masked CRC of it, data, uint32 masked CRC."""
    buf = path.read_bytes()
    i = 0
    while i < len(buf):
        (n,) = struct.unpack_from("<Q", buf, i)
        i += 12
        yield buf[i:i + n]
        i += n + 4


def graph_def_nodes(graph_def):
    """(name, op) of every NodeDef (GraphDef field 1; NodeDef fields 1 and 2), in order."""
    nodes = []
    for number, node in fields(graph_def):
        if number == 1:
            d = {k: v.decode() for k, v in fields(node) if k in (1, 2)}
            nodes.append((d[1], d[2]))
    return nodes


def meta_graph_nodes(path):
    """The nodes of a MetaGraphDef file's graph_def (field 2)."""
    return graph_def_nodes(next(v for k, v in fields(path.read_bytes()) if k == 2))


def event_graph_nodes(path):
    """The nodes of the one GraphDef (Event field 4) in an event file."""
    graphs = [v for record in records(path) for k, v in fields(record) if k == 4]
    assert len(graphs) == 1
    return graph_def_nodes(graphs[0])


def assert_same_in_order(label, golden, ours, golden_kept, ours_kept):
    """Prints how many of the compared (name, op) nodes match in order, then asserts that the
    kept lists are equal, showing the first difference with its neighbours."""
    matched = sum(1 for a, b in zip(golden_kept, ours_kept) if a == b)
    print("%s: %d golden nodes, %d ours; %d compared, %d match in order; excluded %d golden / "
          "%d ours" % (label, len(golden), len(ours), len(golden_kept), matched,
                       len(golden) - len(golden_kept), len(ours) - len(ours_kept)))
    first_diff = next((i for i, (a, b) in enumerate(zip(golden_kept, ours_kept)) if a != b),
                      None)
    assert first_diff is None, (label, first_diff, golden_kept[first_diff - 2:first_diff + 5],
                                ours_kept[first_diff - 2:first_diff + 5])
    assert ours_kept == golden_kept, label
