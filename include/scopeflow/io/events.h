// TensorBoard event files: EventWriter (what TF's C++ EventsWriter and Python FileWriter write)
// and EventReader (iterate the tensorflow.Event records of a file). Framing is TFRecord
// (scopeflow/io/record.h); facts in ../shared/formats.md §2.
//
//   io::EventWriter w("/tmp/logs/train");        // events.out.tfevents.<secs>.<host>
//   // FileWriter(logdir, graph)'s two events (io/graph_def.h, io/meta_graph.h):
//   w.add_graph(io::serialize_deterministic(io::to_graph_def(g, {.add_shapes = true})));
//   w.add_meta_graph(io::serialize_deterministic(io::export_meta_graph(g)));
//   w.add_summary(summary_bytes, /*step=*/0);     // what a MergeSummary op returns
//   w.flush();                                   // TensorBoard can read it from here
//
//   for (const tensorflow::Event& e : io::EventReader(w.path())) ...
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "scopeflow/io/record.h"
#include "scopeflow/proto/event.pb.h"
#include "scopeflow/proto/summary.pb.h"

namespace scopeflow::io {

/// TF's file_version of every event file's first record.
inline constexpr const char* kEventFileVersion = "brain.Event:2";

/// Seconds since the epoch, as time.time() gives them (for Event.wall_time).
double wall_time_now();

/// Writes one event file in `logdir`.
///
/// The file is named as TF's C++ EventsWriter names it,
/// `<logdir>/events.out.tfevents.<%010d seconds>.<hostname><suffix>`; when that name is taken
/// (two writers in one directory within a second) ".1", ".2", ... is appended instead of
/// overwriting the other writer's file as TF would. The first record is the file_version
/// event ("brain.Event:2", wall_time in whole seconds), flushed at once.
///
/// Events are appended as whole TFRecords; `flush` writes them out and syncs, so TensorBoard
/// sees complete records at every flush point. The file is written in place (never renamed):
/// TensorBoard tails event files while they grow.
///
/// add_summary follows TF1's FileWriter: a Summary.Value's `metadata` is kept only when its
/// tag was not written to this file before (with or without metadata).
class EventWriter {
 public:
  /// Creates `logdir` (and parents) if needed and opens the event file. Throws
  /// kFailedPrecondition when the directory cannot be made or the file cannot be opened.
  explicit EventWriter(std::string logdir, std::string filename_suffix = "");
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;
  /// Closes (flushing); errors are swallowed.
  ~EventWriter();

  const std::string& logdir() const { return logdir_; }
  /// The event file's full path.
  const std::string& path() const { return writer_.path(); }

  /// Writes `event` as is (its wall_time and step included).
  void add_event(const tensorflow::Event& event);
  /// Writes an already serialized tensorflow.Event.
  void add_serialized_event(std::string_view event);
  /// An Event{wall_time: now, step, summary} from a serialized tensorflow.Summary (the value of
  /// a summary op). Throws kInvalidArgument when the bytes are not a Summary.
  void add_summary(std::string_view serialized_summary, int64_t step = 0);
  void add_summary(const tensorflow::Summary& summary, int64_t step = 0);
  /// An Event{wall_time: now, step, graph_def} from a serialized GraphDef.
  void add_graph(std::string_view serialized_graph_def, int64_t step = 0);
  /// An Event{wall_time: now, step, meta_graph_def} from a serialized MetaGraphDef.
  void add_meta_graph(std::string_view serialized_meta_graph_def, int64_t step = 0);
  /// An Event{wall_time: now, step, session_log}.
  void add_session_log(const tensorflow::SessionLog& log, int64_t step = 0);

  /// Writes every pending event to the file and syncs it. Throws kDataLoss when the write
  /// fails or the file has disappeared ("The events file <path> has disappeared.").
  void flush();
  /// Hands pending events to the OS without syncing (readers see them; a crash of the machine
  /// may still lose them).
  void write_out();
  /// Flushes and closes; later add_* throw kFailedPrecondition. Idempotent.
  void close();
  bool closed() const { return !writer_.is_open(); }
  /// Events written so far, the file_version event included.
  uint64_t num_events() const { return writer_.num_records(); }

 private:
  /// Writes Event{wall_time, step, <field>: bytes} without building the message.
  void add_bytes_event(int field, std::string_view bytes, int64_t step);
  /// Clears the metadata of values whose tag this file has had before; true if any changed.
  bool strip_seen_metadata(tensorflow::Summary& summary);

  std::string logdir_;
  int64_t file_seconds_ = 0;
  RecordWriter writer_;
  std::unordered_set<std::string> seen_tags_;
  std::string scratch_;
};

/// Reads the tensorflow.Event records of an event file in order.
///
/// Framing damage (truncation, CRC mismatch) throws kDataLoss as RecordReader does; a record
/// whose bytes are not an Event throws kDataLoss
/// "<path>: record at <offset> is not a valid tensorflow.Event".
class EventReader {
 public:
  /// Opens `path`; throws kNotFound ("<path>; No such file or directory").
  explicit EventReader(std::string path) : records_(std::move(path)) {}
  /// Reads events from bytes in memory (not copied); `name` is used in messages.
  static EventReader from_bytes(std::string_view data, std::string name = "<memory>") {
    return EventReader(RecordReader::from_bytes(data, std::move(name)));
  }

  /// Reads the next event. Returns false at the end of the file.
  bool next(tensorflow::Event& event);
  /// Reads the next record without decoding it (for callers that parse lazily).
  bool next_serialized(std::string& record) { return records_.read(record); }
  /// Offset of the record read last.
  uint64_t record_offset() const { return records_.record_offset(); }
  const std::string& path() const { return records_.path(); }

  /// Input iteration: `for (const tensorflow::Event& e : reader)`. Errors throw from ++.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = tensorflow::Event;
    using difference_type = std::ptrdiff_t;
    using pointer = const tensorflow::Event*;
    using reference = const tensorflow::Event&;
    iterator() = default;
    explicit iterator(EventReader* r) : r_(r) { ++*this; }
    reference operator*() const { return event_; }
    pointer operator->() const { return &event_; }
    iterator& operator++() {
      if (r_ && !r_->next(event_)) r_ = nullptr;
      return *this;
    }
    bool operator==(const iterator& o) const { return r_ == o.r_; }

   private:
    EventReader* r_ = nullptr;
    tensorflow::Event event_;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  explicit EventReader(RecordReader r) : records_(std::move(r)) {}
  RecordReader records_;
  std::string record_;
};

/// Every event of the file at `path` (see EventReader for the errors).
std::vector<tensorflow::Event> read_events(const std::string& path);

}  // namespace scopeflow::io
