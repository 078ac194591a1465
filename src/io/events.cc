// Event files: TF's EventsWriter naming and first record (tensorflow/core/util/events_writer.cc),
// FileWriter's per-event fields (tensorflow/python/summary/writer/writer.py), and a reader.
#include "scopeflow/io/events.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "scopeflow/base/error.h"

namespace scopeflow::io {
namespace {

std::string hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
  return buf;
}

std::string make_logdir(const std::string& logdir) {
  std::error_code ec;
  std::filesystem::create_directories(logdir, ec);
  if (ec || !std::filesystem::is_directory(logdir))
    throw Error(Code::kFailedPrecondition,
                fmt::format("Cannot create the log directory {}: {}", logdir,
                            ec ? ec.message() : "a file of that name exists"));
  return logdir;
}

// TF's file name; ".N" only when another writer holds it already (see the header).
RecordWriter open_event_file(const std::string& logdir, const std::string& suffix,
                             int64_t seconds) {
  const std::string base =
      fmt::format("{}/events.out.tfevents.{:010d}.{}{}", logdir, seconds, hostname(), suffix);
  for (int n = 0;; ++n) {
    const std::string path = n == 0 ? base : fmt::format("{}.{}", base, n);
    try {
      return RecordWriter(path, RecordWriter::Mode::kCreateNew);
    } catch (const Error& e) {
      if (e.code() != Code::kAlreadyExists || n >= 1000) throw;
    }
  }
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

}  // namespace

double wall_time_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

EventWriter::EventWriter(std::string logdir, std::string filename_suffix)
    : logdir_(make_logdir(logdir)),
      file_seconds_(now_seconds()),
      writer_(open_event_file(logdir_, filename_suffix, file_seconds_)) {
  // TF writes the version event with the whole-second time used in the file name.
  tensorflow::Event version;
  version.set_wall_time(static_cast<double>(file_seconds_));
  version.set_file_version(kEventFileVersion);
  add_event(version);
  flush();
}

EventWriter::~EventWriter() {
  try {
    close();
  } catch (...) {  // destructors never throw
  }
}

void EventWriter::add_serialized_event(std::string_view event) {
  if (closed()) throw Error(Code::kFailedPrecondition, "Write to a closed events file: " + path());
  writer_.write(event);
}

void EventWriter::add_event(const tensorflow::Event& event) {
  scratch_.clear();
  event.AppendToString(&scratch_);
  add_serialized_event(scratch_);
}

// Event fields in number order as protobuf writes them: wall_time (1, fixed64), step (2,
// varint, omitted when 0 as proto3 does), then one length-delimited `what` field.
void EventWriter::add_bytes_event(int field, std::string_view bytes, int64_t step) {
  scratch_.clear();
  scratch_.reserve(bytes.size() + 32);
  const double t = wall_time_now();
  uint64_t bits;
  std::memcpy(&bits, &t, 8);
  scratch_.push_back(static_cast<char>(1 << 3 | 1));
  for (int i = 0; i < 8; ++i) scratch_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  if (step != 0) {
    scratch_.push_back(static_cast<char>(2 << 3 | 0));
    put_varint(scratch_, static_cast<uint64_t>(step));
  }
  put_varint(scratch_, static_cast<uint64_t>(field) << 3 | 2);
  put_varint(scratch_, bytes.size());
  scratch_.append(bytes);
  add_serialized_event(scratch_);
}

void EventWriter::add_summary(std::string_view serialized_summary, int64_t step) {
  tensorflow::Summary summary;
  if (!summary.ParseFromArray(serialized_summary.data(),
                              static_cast<int>(serialized_summary.size())))
    throw Error(Code::kInvalidArgument,
                fmt::format("add_summary: {} bytes are not a serialized tensorflow.Summary",
                            serialized_summary.size()));
  if (!strip_seen_metadata(summary)) {  // the common case: the op's bytes go in unchanged
    add_bytes_event(5, serialized_summary, step);
    return;
  }
  tensorflow::Event event;
  event.set_wall_time(wall_time_now());
  event.set_step(step);
  *event.mutable_summary() = std::move(summary);
  add_event(event);
}

void EventWriter::add_summary(const tensorflow::Summary& summary, int64_t step) {
  tensorflow::Event event;
  event.set_wall_time(wall_time_now());
  event.set_step(step);
  *event.mutable_summary() = summary;
  strip_seen_metadata(*event.mutable_summary());
  add_event(event);
}

// TF1's SummaryToEventTransformer.add_summary: every tag is remembered; a value whose tag was
// written before loses its metadata.
bool EventWriter::strip_seen_metadata(tensorflow::Summary& summary) {
  bool changed = false;
  for (auto& v : *summary.mutable_value()) {
    const bool seen = !seen_tags_.insert(v.tag()).second;
    if (seen && v.has_metadata()) {
      v.clear_metadata();
      changed = true;
    }
  }
  return changed;
}

void EventWriter::add_graph(std::string_view serialized_graph_def, int64_t step) {
  add_bytes_event(4, serialized_graph_def, step);
}

void EventWriter::add_meta_graph(std::string_view serialized_meta_graph_def, int64_t step) {
  add_bytes_event(9, serialized_meta_graph_def, step);
}

void EventWriter::add_session_log(const tensorflow::SessionLog& log, int64_t step) {
  tensorflow::Event event;
  event.set_wall_time(wall_time_now());
  event.set_step(step);
  *event.mutable_session_log() = log;
  add_event(event);
}

void EventWriter::flush() {
  if (closed()) return;
  writer_.flush(/*sync=*/true);
  struct stat st;
  if (::stat(path().c_str(), &st) != 0)
    throw Error(Code::kDataLoss, fmt::format("The events file {} has disappeared.", path()));
}

void EventWriter::write_out() {
  if (!closed()) writer_.flush(/*sync=*/false);
}

void EventWriter::close() {
  if (closed()) return;
  flush();
  writer_.close();
}

// ---- reading ----

bool EventReader::next(tensorflow::Event& event) {
  if (!records_.read(record_)) return false;
  if (!event.ParseFromString(record_))
    throw Error(Code::kDataLoss, fmt::format("{}: record at {} is not a valid tensorflow.Event",
                                             path(), records_.record_offset()));
  return true;
}

std::vector<tensorflow::Event> read_events(const std::string& path) {
  std::vector<tensorflow::Event> out;
  EventReader r(path);
  tensorflow::Event e;
  while (r.next(e)) out.push_back(e);
  return out;
}

}  // namespace scopeflow::io
