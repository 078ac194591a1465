// Reading graph files of every kind TF writes, and writing GraphDef files atomically.
#include "scopeflow/io/graph_file.h"

#include <fmt/format.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "scopeflow/base/error.h"
#include "scopeflow/io/crc32c.h"
#include "scopeflow/io/graph_def.h"
#include "scopeflow/io/meta_graph.h"
#include "scopeflow/io/record.h"
#include "scopeflow/proto/event.pb.h"

namespace scopeflow::io {

namespace {

[[noreturn]] void fail(Code code, const std::string& path, std::string_view problem) {
  throw Error(code, fmt::format("{}: {}", path, problem));
}

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(Code::kNotFound, fmt::format("{}; No such file or directory", path));
  if (std::filesystem::is_directory(path, ec)) fail(Code::kInvalidArgument, path, "Is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(Code::kNotFound, path, std::strerror(errno));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(Code::kDataLoss, path, "read error");
  return data;
}

uint32_t load_u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// TFRecord framing: a first header whose length CRC checks out.
bool looks_like_records(std::string_view data) {
  if (data.size() < 12) return false;
  return mask_crc(crc32c(data.data(), 8)) == load_u32(data.data() + 8);
}

// Collects the text parser's first error as "line:column: message".
class TextErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first.empty()) first = fmt::format("line {}, column {}: {}", line + 1, column + 1, message);
  }
  void AddWarning(int, int, const std::string&) override {}
  std::string first;
};

template <typename Message>
void parse_text(const std::string& path, std::string_view data, std::string_view what,
                Message* out) {
  google::protobuf::TextFormat::Parser parser;
  TextErrors errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(data), out))
    fail(Code::kDataLoss, path,
         fmt::format("not a valid text {}: {}", what,
                     errors.first.empty() ? "parse error" : errors.first));
}

// The first field name of a text-format message, skipping blanks and # comments; empty when
// the bytes are not text (binary protos hold control bytes: tags 0x12, 0x1a, short lengths).
std::string_view first_text_field(std::string_view data) {
  const std::string_view head = data.substr(0, 4096);
  for (char c : head) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') return {};
  }
  size_t i = 0;
  while (i < data.size()) {
    const char c = data[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (c == '#') {
      while (i < data.size() && data[i] != '\n') ++i;
    } else {
      break;
    }
  }
  size_t j = i;
  while (j < data.size() && (std::isalnum(static_cast<unsigned char>(data[j])) || data[j] == '_'))
    ++j;
  if (j == i || !std::isalpha(static_cast<unsigned char>(data[i]))) return {};
  size_t k = j;
  while (k < data.size() && (data[k] == ' ' || data[k] == '\t' || data[k] == '\n' || data[k] == '\r'))
    ++k;
  if (k < data.size() && data[k] != '{' && data[k] != ':' && data[k] != '<') return {};
  return data.substr(i, j - i);
}

bool meta_field(std::string_view f) {
  return f == "meta_info_def" || f == "graph_def" || f == "saver_def" ||
         f == "collection_def" || f == "signature_def" || f == "asset_file_def" ||
         f == "object_graph_def";
}

// Nodes that could have come from TF: each has a valid name and an op type of name characters.
bool plausible_nodes(const tensorflow::GraphDef& g) {
  for (const auto& n : g.node()) {
    if (n.name().empty() || n.op().empty()) return false;
    for (char c : n.op())
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '>' && c != '.')
        return false;
  }
  return true;
}

// Reads a varint at `i`; false past the end.
bool varint(std::string_view d, size_t& i, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && i < d.size(); shift += 7) {
    const auto b = static_cast<unsigned char>(d[i++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

// Whether the bytes start with a GraphDef node (field 1) whose op (NodeDef field 2) is a
// name: a MetaGraphDef's field 1 is its meta_info_def, whose field 2 is a nested OpList.
bool first_node_looks_like_node_def(std::string_view d) {
  size_t i = 0;
  uint64_t key, len;
  if (!varint(d, i, key) || key != ((1 << 3) | 2) || !varint(d, i, len) || len > d.size() - i)
    return false;
  const std::string_view node = d.substr(i, len);
  for (size_t j = 0; j < node.size();) {
    if (!varint(node, j, key)) return false;
    const uint64_t field = key >> 3, wire = key & 7;
    if (wire == 0) {
      uint64_t ignored;
      if (!varint(node, j, ignored)) return false;
      continue;
    }
    if (wire != 2 || !varint(node, j, len) || len > node.size() - j) return false;
    if (field == 2) {
      if (len == 0) return false;
      for (char c : node.substr(j, len))
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '>' && c != '.')
          return false;
      return true;
    }
    j += len;
  }
  return false;
}

void read_events(const std::string& path, std::string_view data, GraphFile& out) {
  std::optional<std::pair<uint64_t, bool>> last;  // record offset, and whether a meta graph
  std::string payload, record;
  tensorflow::Event event;
  RecordReader reader = RecordReader::from_bytes(data, path);
  while (reader.read(record)) {
    if (!event.ParseFromString(record))
      fail(Code::kDataLoss, path,
           fmt::format("the record at {} is not a valid tensorflow.Event", reader.record_offset()));
    if (event.what_case() == tensorflow::Event::kGraphDef) {
      last = {reader.record_offset(), false};
      payload = event.graph_def();
    } else if (event.what_case() == tensorflow::Event::kMetaGraphDef) {
      last = {reader.record_offset(), true};
      payload = event.meta_graph_def();
    }
  }
  if (!last)
    fail(Code::kInvalidArgument, path, "the event file holds no graph_def or meta_graph_def");
  if (last->second) {
    tensorflow::MetaGraphDef meta;
    if (!meta.ParseFromString(payload))
      fail(Code::kDataLoss, path,
           fmt::format("the meta_graph_def of the record at {} is not a valid MetaGraphDef",
                       last->first));
    out.graph_def = std::move(*meta.mutable_graph_def());
    meta.clear_graph_def();
    out.meta_graph_def = std::move(meta);
  } else if (!out.graph_def.ParseFromString(payload)) {
    fail(Code::kDataLoss, path,
         fmt::format("the graph_def of the record at {} is not a valid GraphDef", last->first));
  }
}

// Python's repr of the double a float field holds, as TF's text_format.MessageToString(...,
// float_format='') prints it under Python 3 ("0.10000000149011612", "1.0", "1e-05", "inf").
std::string python_float_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // Shortest round-trip digits in scientific form: "-1.2345e+16", "1e-05".
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  if (ec != std::errc()) return fmt::format("{}", v);
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  const bool negative = sci[0] == '-';
  if (negative) sci.remove_prefix(1);
  const size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits.push_back(c);
  int exp = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+'), sci.data() + sci.size(), exp);
  std::string out = negative ? "-" : "";
  if (v == 0) return out + "0.0";
  if (exp < -4 || exp >= 16) {
    // Python: "1e-05", "1.5e+16" (at least two exponent digits).
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += fmt::format("e{}{:02d}", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    return out;
  }
  if (exp < 0) {
    out += "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  } else if (static_cast<size_t>(exp) + 1 >= digits.size()) {
    out += digits + std::string(static_cast<size_t>(exp) + 1 - digits.size(), '0') + ".0";
  } else {
    out += digits.substr(0, static_cast<size_t>(exp) + 1) + "." +
           digits.substr(static_cast<size_t>(exp) + 1);
  }
  return out;
}

class PythonFloatPrinter : public google::protobuf::TextFormat::FastFieldValuePrinter {
 public:
  void PrintFloat(float v, google::protobuf::TextFormat::BaseTextGenerator* g) const override {
    g->PrintString(python_float_repr(static_cast<double>(v)));
  }
  void PrintDouble(double v, google::protobuf::TextFormat::BaseTextGenerator* g) const override {
    g->PrintString(python_float_repr(v));
  }
};

}  // namespace

const char* graph_file_kind_name(GraphFileKind kind) {
  switch (kind) {
    case GraphFileKind::kBinaryGraphDef:
      return "binary GraphDef";
    case GraphFileKind::kTextGraphDef:
      return "text GraphDef";
    case GraphFileKind::kBinaryMetaGraphDef:
      return "binary MetaGraphDef";
    case GraphFileKind::kTextMetaGraphDef:
      return "text MetaGraphDef";
    case GraphFileKind::kEventFile:
      return "event file";
  }
  return "graph file";
}

GraphFile read_graph_file(const std::string& path) { return read_graph_bytes(read_file(path), path); }

GraphFile read_graph_bytes(std::string_view data, const std::string& path) {
  if (data.empty()) fail(Code::kDataLoss, path, "the file is empty");
  GraphFile out;
  if (looks_like_records(data)) {
    out.kind = GraphFileKind::kEventFile;
    read_events(path, data, out);
    return out;
  }
  const std::string_view field = first_text_field(data);
  if (!field.empty()) {
    if (meta_field(field)) {
      out.kind = GraphFileKind::kTextMetaGraphDef;
      tensorflow::MetaGraphDef meta;
      parse_text(path, data, "MetaGraphDef", &meta);
      out.graph_def = std::move(*meta.mutable_graph_def());
      meta.clear_graph_def();
      out.meta_graph_def = std::move(meta);
    } else {
      out.kind = GraphFileKind::kTextGraphDef;
      parse_text(path, data, "GraphDef", &out.graph_def);
    }
    return out;
  }
  // Binary: a GraphDef and a MetaGraphDef share field numbers. A look at the wire picks the
  // reading to try first (parsing a MetaGraphDef as a GraphDef makes libprotobuf log invalid
  // UTF-8 in NodeDef.op); the other reading is the fallback.
  const int size = static_cast<int>(std::min<size_t>(data.size(), INT32_MAX));
  auto as_graph = [&](tensorflow::GraphDef& g) {
    // Bytes that parse as unknown fields only are no graph: TF writes nodes or versions.
    return g.ParseFromArray(data.data(), size) && plausible_nodes(g) &&
           (g.node_size() > 0 || g.has_versions());
  };
  auto as_meta = [&](tensorflow::MetaGraphDef& m) {
    return m.ParseFromArray(data.data(), size) && m.has_graph_def() &&
           plausible_nodes(m.graph_def()) &&
           (m.graph_def().node_size() > 0 || m.has_meta_info_def());
  };
  const bool named_meta = path.size() >= 5 && path.substr(path.size() - 5) == ".meta";
  const bool graph_first = !named_meta && first_node_looks_like_node_def(data);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if ((attempt == 0) == graph_first) {
      tensorflow::GraphDef graph;
      if (as_graph(graph)) {
        out.kind = GraphFileKind::kBinaryGraphDef;
        out.graph_def = std::move(graph);
        return out;
      }
    } else {
      tensorflow::MetaGraphDef meta;
      if (as_meta(meta)) {
        out.kind = GraphFileKind::kBinaryMetaGraphDef;
        out.graph_def = std::move(*meta.mutable_graph_def());
        meta.clear_graph_def();
        out.meta_graph_def = std::move(meta);
        return out;
      }
    }
  }
  fail(Code::kDataLoss, path,
       "not a GraphDef, MetaGraphDef or event file (the bytes do not parse as a binary "
       "GraphDef or MetaGraphDef, and they are neither text format nor TFRecord-framed)");
}

std::unique_ptr<Graph> load_graph_file(const std::string& path) {
  GraphFile file = read_graph_file(path);
  auto graph = std::make_unique<Graph>();
  try {
    if (file.meta_graph_def) {
      tensorflow::MetaGraphDef meta = std::move(*file.meta_graph_def);
      *meta.mutable_graph_def() = std::move(file.graph_def);
      import_meta_graph(*graph, meta);
    } else {
      import_graph_def(*graph, file.graph_def);
    }
  } catch (const Error& e) {
    throw Error(e.code(), fmt::format("{}: {}", path, e.what()));
  }
  return graph;
}

void write_file_atomically(const std::string& path, std::string_view contents) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error(Code::kNotFound, fmt::format("{}; No such file or directory", path));
  std::random_device rd;
  const fs::path tmp = dir / fmt::format(".{}.tmp{:08x}", target.filename().string(), rd());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) fail(Code::kFailedPrecondition, path, std::strerror(errno));
    f.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    f.flush();
    if (!f) {
      f.close();
      fs::remove(tmp, ec);
      fail(Code::kFailedPrecondition, path, "write failed");
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    fail(Code::kFailedPrecondition, path, ec.message());
  }
}

void save_graph_def(const tensorflow::GraphDef& graph_def, const std::string& path, bool as_text) {
  if (!as_text) {
    write_file_atomically(path, serialize_deterministic(graph_def));
    return;
  }
  google::protobuf::TextFormat::Printer printer;
  printer.SetDefaultFieldValuePrinter(new PythonFloatPrinter());
  std::string text;
  if (!printer.PrintToString(graph_def, &text))
    fail(Code::kInternal, path, "cannot print the GraphDef as text");
  write_file_atomically(path, text);
}

void save_graph_def(const Graph& graph, const std::string& path, bool as_text) {
  save_graph_def(to_graph_def(graph), path, as_text);
}

}  // namespace scopeflow::io
