// Event files: the writer's file name and first record, round trips compared field by field,
// TF1 FileWriter's metadata rule, writer errors, and the golden TensorFlow event files read
// back (every record, every CRC, every Event; the step-0 summary values of mnist_summaries).
#include "scopeflow/io/events.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cfloat>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/io/graph_def.h"
#include "scopeflow/io/meta_graph.h"
#include "scopeflow/ops/summary_ops.h"
#include "scopeflow/proto/graph.pb.h"
#include "scopeflow/proto/meta_graph.pb.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow::io {
namespace {

namespace fs = std::filesystem;

const fs::path kGolden =
    fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() / "shared" /
    "golden";

std::string host() {
  char buf[256] = {};
  ::gethostname(buf, sizeof(buf) - 1);
  return buf;
}

fs::path golden_events(const std::string& dir) {
  if (!fs::is_directory(kGolden / dir)) return {};
  for (const auto& e : fs::directory_iterator(kGolden / dir))
    if (e.path().filename().string().rfind("events.out.tfevents.", 0) == 0) return e.path();
  return {};
}

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sf_events_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(EventsTest, FileNameAndFirstRecordAreTfs) {
  const double before = wall_time_now();
  EventWriter w((dir_ / "run" / "train").string());  // parents are created
  const fs::path p = w.path();
  EXPECT_EQ(p.parent_path(), dir_ / "run" / "train");
  std::smatch m;
  const std::string name = p.filename().string();
  ASSERT_TRUE(std::regex_match(name, m, std::regex(R"(events\.out\.tfevents\.(\d{10})\.(.*))")))
      << name;
  EXPECT_EQ(m[2].str(), host());
  const int64_t seconds = std::stoll(m[1].str());
  EXPECT_GE(seconds, static_cast<int64_t>(before));
  // Flushed at once: readable while the writer is open.
  std::vector<tensorflow::Event> events = read_events(p.string());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  EXPECT_EQ(events[0].wall_time(), static_cast<double>(seconds));  // whole seconds, as TF
  EXPECT_EQ(events[0].step(), 0);
  EXPECT_EQ(w.num_events(), 1u);
}

TEST_F(EventsTest, SuffixAndTwoWritersInOneSecond) {
  EventWriter a(dir_.string(), ".v2");
  EXPECT_TRUE(a.path().ends_with(host() + ".v2"));
  EventWriter b(dir_.string(), ".v2");
  EventWriter c(dir_.string(), ".v2");
  // Two writers created within one second do not overwrite each other's file.
  EXPECT_NE(a.path(), b.path());
  EXPECT_NE(b.path(), c.path());
  if (b.path().starts_with(a.path())) {
    EXPECT_EQ(b.path(), a.path() + ".1");
  }
  EXPECT_EQ(read_events(a.path()).size(), 1u);
}

TEST_F(EventsTest, RoundTripFieldByField) {
  tensorflow::GraphDef graph;
  graph.add_node()->set_name("x");
  graph.mutable_node(0)->set_op("Placeholder");
  const std::string graph_bytes = graph.SerializeAsString();

  tensorflow::Summary summary;
  auto* v = summary.add_value();
  v->set_tag("loss");
  v->set_simple_value(0.25f);
  auto* h = summary.add_value();
  h->set_tag("weights");
  h->mutable_histo()->set_num(3);
  h->mutable_histo()->add_bucket_limit(DBL_MAX);
  h->mutable_histo()->add_bucket(3);
  auto* img = summary.add_value();
  img->set_tag("input/image/0");
  img->mutable_image()->set_height(2);
  img->mutable_image()->set_encoded_image_string(std::string("\x89PNG\0\1", 6));

  tensorflow::SessionLog log;
  log.set_status(tensorflow::SessionLog::CHECKPOINT);
  log.set_checkpoint_path("/tmp/model.ckpt-10");

  tensorflow::Event custom;
  custom.set_wall_time(12.5);
  custom.set_step(-3);
  custom.mutable_tagged_run_metadata()->set_tag("step099");
  custom.mutable_tagged_run_metadata()->set_run_metadata(std::string("\0\1\2", 3));

  const double before = wall_time_now();
  std::string path;
  {
    EventWriter w(dir_.string());
    path = w.path();
    w.add_graph(graph_bytes);
    w.add_meta_graph("meta bytes", 7);
    w.add_summary(summary.SerializeAsString(), 0);
    w.add_summary(summary, int64_t{1} << 40);
    w.add_session_log(log, 10);
    w.add_event(custom);
    w.flush();
    EXPECT_EQ(w.num_events(), 7u);
  }
  const double after = wall_time_now();
  EventReader r(path);
  std::vector<tensorflow::Event> events;
  for (const tensorflow::Event& e : r) events.push_back(e);
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(events[0].file_version(), kEventFileVersion);
  EXPECT_EQ(events[1].graph_def(), graph_bytes);
  EXPECT_EQ(events[1].step(), 0);
  EXPECT_EQ(events[2].meta_graph_def(), "meta bytes");
  EXPECT_EQ(events[2].step(), 7);
  for (int i = 1; i <= 5; ++i) {
    EXPECT_GE(events[i].wall_time(), before - 1e-3) << i;
    EXPECT_LE(events[i].wall_time(), after + 1e-3) << i;
  }
  for (int i : {3, 4}) {
    const tensorflow::Summary& s = events[i].summary();
    ASSERT_EQ(s.value_size(), 3);
    EXPECT_EQ(s.value(0).tag(), "loss");
    EXPECT_EQ(s.value(0).simple_value(), 0.25f);
    EXPECT_EQ(s.value(1).histo().num(), 3);
    EXPECT_EQ(s.value(1).histo().bucket_limit(0), DBL_MAX);
    EXPECT_EQ(s.value(2).image().encoded_image_string(), std::string("\x89PNG\0\1", 6));
    EXPECT_EQ(s.SerializeAsString(), summary.SerializeAsString());
  }
  EXPECT_EQ(events[3].step(), 0);
  EXPECT_EQ(events[4].step(), int64_t{1} << 40);
  EXPECT_EQ(events[5].session_log().status(), tensorflow::SessionLog::CHECKPOINT);
  EXPECT_EQ(events[5].session_log().checkpoint_path(), "/tmp/model.ckpt-10");
  EXPECT_EQ(events[5].step(), 10);
  EXPECT_EQ(events[6].SerializeAsString(), custom.SerializeAsString());
}

TEST_F(EventsTest, GraphAndMetaGraphFromAGraph) {
  Graph g;
  Scope root = Scope::root(g);
  Output x =
      ops::placeholder(root.name_scope("input"), DataType::kFloat, PartialShape({-1, 2}), "x");
  Output loss = summary::scalar(root, "loss", ops::identity(root, x));
  EventWriter w(dir_.string());
  // FileWriter(logdir, graph) in C++, as the header shows it.
  w.add_graph(serialize_deterministic(to_graph_def(g, {.add_shapes = true})), 3);
  w.add_meta_graph(serialize_deterministic(export_meta_graph(g)));
  w.close();
  const std::vector<tensorflow::Event> events = read_events(w.path());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].step(), 3);
  tensorflow::GraphDef gd;
  ASSERT_TRUE(gd.ParseFromString(events[1].graph_def()));
  std::vector<std::string> names;
  for (const auto& n : gd.node()) names.push_back(n.name());
  EXPECT_EQ(names, testing::OpNames(g));
  EXPECT_TRUE(gd.node(0).attr().contains("_output_shapes"));
  tensorflow::MetaGraphDef meta;
  ASSERT_TRUE(meta.ParseFromString(events[2].meta_graph_def()));
  EXPECT_EQ(meta.graph_def().node_size(), gd.node_size());
  EXPECT_EQ(meta.collection_def().at("summaries").node_list().value(0), loss.name());
}

TEST_F(EventsTest, HandBuiltEventBytesMatchProtobufs) {
  // add_summary(bytes) frames the event without building a message; protobuf must agree.
  EventWriter w(dir_.string());
  tensorflow::Summary s;
  s.add_value()->set_tag("a");
  s.mutable_value(0)->set_simple_value(1.0f);
  w.add_summary(s.SerializeAsString(), 5);
  w.add_summary(s.SerializeAsString(), -1);
  w.flush();
  EventReader r(w.path());
  tensorflow::Event e;
  std::string record;
  ASSERT_TRUE(r.next_serialized(record));
  for (int64_t step : {5, -1}) {
    ASSERT_TRUE(r.next_serialized(record));
    ASSERT_TRUE(e.ParseFromString(record));
    EXPECT_EQ(e.step(), step);
    EXPECT_EQ(e.SerializeAsString(), record);
  }
}

TEST_F(EventsTest, MetadataIsKeptOnlyForTheFirstValueOfATag) {
  tensorflow::Summary s;
  auto* v = s.add_value();
  v->set_tag("text");
  v->mutable_metadata()->mutable_plugin_data()->set_plugin_name("text");
  v->mutable_tensor()->set_dtype(tensorflow::DT_STRING);
  EventWriter w(dir_.string());
  w.add_summary(s.SerializeAsString(), 0);
  w.add_summary(s.SerializeAsString(), 1);
  w.add_summary(s, 2);
  w.close();
  const auto events = read_events(w.path());
  ASSERT_EQ(events.size(), 4u);
  EXPECT_TRUE(events[1].summary().value(0).has_metadata());
  EXPECT_EQ(events[1].summary().value(0).metadata().plugin_data().plugin_name(), "text");
  EXPECT_FALSE(events[2].summary().value(0).has_metadata());
  EXPECT_FALSE(events[3].summary().value(0).has_metadata());
  EXPECT_EQ(events[3].step(), 2);
  // As TF, a tag seen first without metadata counts as seen.
  EventWriter w2((dir_ / "2").string());
  tensorflow::Summary plain;
  plain.add_value()->set_tag("text");
  w2.add_summary(plain, 0);
  w2.add_summary(s.SerializeAsString(), 1);
  w2.close();
  EXPECT_FALSE(read_events(w2.path())[2].summary().value(0).has_metadata());
}

TEST_F(EventsTest, WriterErrors) {
  EventWriter w(dir_.string());
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "add_summary: 3 bytes are not a serialized tensorflow.Summary",
                  w.add_summary(std::string("\xff\xff\xff", 3), 0));
  w.close();
  w.close();  // idempotent
  EXPECT_TRUE(w.closed());
  SF_EXPECT_ERROR(Code::kFailedPrecondition, "Write to a closed events file: " + w.path(),
                  w.add_graph("g"));
  // A logdir that is a file.
  const fs::path file = dir_ / "plain";
  std::ofstream(file) << "x";
  SF_EXPECT_ERROR_PREFIX(Code::kFailedPrecondition,
                         "Cannot create the log directory " + file.string() + ": ",
                         EventWriter bad(file.string()));
}

TEST_F(EventsTest, FlushReportsADeletedFile) {
  EventWriter w(dir_.string());
  w.add_summary(tensorflow::Summary(), 1);
  fs::remove(w.path());
  SF_EXPECT_ERROR(Code::kDataLoss, "The events file " + w.path() + " has disappeared.", w.flush());
}

TEST_F(EventsTest, ARecordThatIsNotAnEvent) {
  std::string bytes;
  tensorflow::Event e;
  e.set_file_version("brain.Event:2");
  append_record(bytes, e.SerializeAsString());
  const size_t second = bytes.size();
  append_record(bytes, std::string("\x0a\xff\xff\xff\x0f", 5));  // length past the end
  EventReader r = EventReader::from_bytes(bytes, "bad.tfevents");
  tensorflow::Event out;
  ASSERT_TRUE(r.next(out));
  SF_EXPECT_ERROR(
      Code::kDataLoss,
      "bad.tfevents: record at " + std::to_string(second) + " is not a valid tensorflow.Event",
      r.next(out));
}

// ---- golden event files written by TensorFlow ----

TEST_F(EventsTest, GoldenGraphFilesDecode) {
  struct Case {
    const char* dir;
    std::vector<std::string> kinds;
    int nodes;
  };
  const Case cases[] = {
      {"mnist_summaries/train", {"file_version", "graph_def", "meta_graph_def"}, 388},
      {"packt_mlp9_events", {"file_version", "graph_def", "meta_graph_def"}, 492},
      {"mnist_deep_namescope", {"file_version", "graph_def"}, 400},
  };
  int seen = 0;
  for (const Case& c : cases) {
    const fs::path p = golden_events(c.dir);
    if (p.empty()) continue;
    ++seen;
    std::vector<std::string> kinds;
    for (const tensorflow::Event& e : EventReader(p.string())) {
      switch (e.what_case()) {
        case tensorflow::Event::kFileVersion:
          kinds.push_back("file_version");
          EXPECT_EQ(e.file_version(), "brain.Event:2");
          // The file name's seconds are the first event's wall_time.
          EXPECT_NE(p.filename().string().find(std::to_string(static_cast<int64_t>(e.wall_time()))),
                    std::string::npos);
          break;
        case tensorflow::Event::kGraphDef: {
          kinds.push_back("graph_def");
          tensorflow::GraphDef g;
          ASSERT_TRUE(g.ParseFromString(e.graph_def()));
          EXPECT_EQ(g.node_size(), c.nodes) << c.dir;
          break;
        }
        case tensorflow::Event::kMetaGraphDef:
          kinds.push_back("meta_graph_def");
          break;
        default:
          kinds.push_back("other");
      }
    }
    EXPECT_EQ(kinds, c.kinds) << c.dir;
  }
  if (seen == 0) GTEST_SKIP() << "no golden files";
}

TEST_F(EventsTest, GoldenStepZeroSummaryValues) {
  const fs::path p = golden_events("mnist_summaries/test");
  if (p.empty()) GTEST_SKIP() << "no golden files";
  const std::vector<tensorflow::Event> events = read_events(p.string());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  EXPECT_EQ(events[0].wall_time(), 1520770005.0);
  const tensorflow::Event& e = events[1];
  ASSERT_TRUE(e.has_summary());
  EXPECT_EQ(e.step(), 0);
  EXPECT_DOUBLE_EQ(e.wall_time(), 1520770005.5589817);
  const tensorflow::Summary& s = e.summary();
  ASSERT_EQ(s.value_size(), 37);
  int images = 0, scalars = 0, histos = 0;
  for (const auto& v : s.value()) {
    images += v.has_image();
    scalars += v.value_case() == tensorflow::Summary::Value::kSimpleValue;
    histos += v.has_histo();
  }
  EXPECT_EQ(images, 10);
  EXPECT_EQ(scalars, 19);
  EXPECT_EQ(histos, 8);
  for (int i = 0; i < 10; ++i) {
    const auto& v = s.value(i);
    EXPECT_EQ(v.tag(), "input_reshape/input/image/" + std::to_string(i));
    EXPECT_EQ(v.image().height(), 28);
    EXPECT_EQ(v.image().width(), 28);
    EXPECT_EQ(v.image().colorspace(), 1);
    EXPECT_EQ(v.image().encoded_image_string().substr(0, 8), "\x89PNG\r\n\x1a\n");
  }
  auto find = [&](const std::string& tag) -> const tensorflow::Summary::Value& {
    for (const auto& v : s.value())
      if (v.tag() == tag) return v;
    ADD_FAILURE() << "no tag " << tag;
    return s.value(0);
  };
  EXPECT_EQ(find("layer1/weights/summaries/stddev_1").simple_value(), 0.08783914893865585f);
  EXPECT_EQ(find("dropout/dropout_keep_probability").simple_value(), 1.0f);
  EXPECT_EQ(find("loss/loss").simple_value(), 3.027782440185547f);
  EXPECT_EQ(find("accuracy/accuracy_1").simple_value(), 0.11569999903440475f);
  const tensorflow::HistogramProto& b = find("layer1/biases/summaries/histogram").histo();
  EXPECT_EQ(b.min(), 0.10000000149011612);
  EXPECT_EQ(b.max(), 0.10000000149011612);
  EXPECT_EQ(b.num(), 500);
  ASSERT_EQ(b.bucket_limit_size(), 3);
  EXPECT_EQ(b.bucket_limit(2), DBL_MAX);
  EXPECT_EQ(b.bucket(1), 500);
  const tensorflow::HistogramProto& w = find("layer1/weights/summaries/histogram").histo();
  EXPECT_EQ(w.num(), 784 * 500);
  EXPECT_EQ(w.bucket_limit_size(), 242);
  double total = 0;
  for (double c : w.bucket()) total += c;
  EXPECT_EQ(total, 784 * 500);
}

}  // namespace
}  // namespace scopeflow::io
