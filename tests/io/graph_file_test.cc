// Graph files: every TF-written golden graph (binary and text GraphDefs, MetaGraphDefs, graphs
// in event files) imports and exports again node for node; files we write read back; damaged
// files give an error naming the file and the problem.
#include "scopeflow/io/graph_file.h"

#include <google/protobuf/util/message_differencer.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "../sf_testing.h"
#include "scopeflow/io/graph_def.h"
#include "scopeflow/io/meta_graph.h"
#include "scopeflow/io/record.h"
#include "scopeflow/proto/event.pb.h"
#include "scopeflow/runtime/session.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow::io {
namespace {

namespace fs = std::filesystem;
using google::protobuf::util::MessageDifferencer;

const fs::path kGolden = fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path() /
                         "shared" / "golden";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
void spit(const fs::path& p, std::string_view data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

class GraphFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sf_graph_file_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// ---- golden files ----

struct Golden {
  const char* path;
  GraphFileKind kind;
  int nodes;
};

const Golden kGoldenFiles[] = {
    {"houseprices_dropout_cond/model.ckpt.meta", GraphFileKind::kBinaryMetaGraphDef, 602},
    {"mnist_deep_namescope/cnn_after.pbtxt", GraphFileKind::kTextGraphDef, 394},
    {"mnist_deep_namescope/cnn_before.pbtxt", GraphFileKind::kTextGraphDef, 119},
    {"mnist_deep_namescope/events.out.tfevents.1524890698.jintao-VirtualBox",
     GraphFileKind::kEventFile, 400},
    {"mnist_summaries/train/events.out.tfevents.1520770005.xuchao-System-Product-Name",
     GraphFileKind::kEventFile, 388},
    {"neuro_linear_dense3d/graph.pb", GraphFileKind::kBinaryGraphDef, 110},
    {"packt_mlp9_adam_saver/graph.pb", GraphFileKind::kBinaryGraphDef, 849},
    {"packt_mlp9_adam_saver/graph_text.pb", GraphFileKind::kTextGraphDef, 849},
    {"packt_mlp9_adam_saver/my-model.meta", GraphFileKind::kBinaryMetaGraphDef, 849},
    {"packt_mlp9_events/events.out.tfevents.1516715719.lipmanLenovo", GraphFileKind::kEventFile,
     492},
    {"tflite_dense_twice/graph.pbtxt", GraphFileKind::kTextGraphDef, 326},
    {"tflite_dense_twice/model.ckpt.meta", GraphFileKind::kBinaryMetaGraphDef, 326},
};

bool topologically_ordered(const tensorflow::GraphDef& gd) {
  std::set<std::string> seen;
  for (const auto& n : gd.node()) {
    for (const std::string& in : n.input()) {
      std::string name = in[0] == '^' ? in.substr(1) : in;
      if (auto c = name.rfind(':'); c != std::string::npos) name.resize(c);
      if (!seen.contains(name)) return false;
    }
    seen.insert(n.name());
  }
  return true;
}

// (node, attr) pairs that differ for a reason of TF's version (test_golden_import.py says why).
const std::set<std::pair<std::string, std::string>> kVersionDifferences = {
    {"loss/softmax_cross_entropy_with_logits_sg/Slice_2", "_output_shapes"}};

// Node-by-node comparison: name, op, inputs, device and every attr (AttrValue messages).
std::vector<std::string> node_differences(const tensorflow::GraphDef& want,
                                          const tensorflow::GraphDef& got) {
  std::vector<std::string> out;
  std::map<std::string, const tensorflow::NodeDef*> by_name;
  for (const auto& n : got.node()) by_name[n.name()] = &n;
  if (want.node_size() != got.node_size())
    out.push_back(fmt::format("{} nodes, ours {}", want.node_size(), got.node_size()));
  for (const auto& w : want.node()) {
    auto it = by_name.find(w.name());
    if (it == by_name.end()) {
      out.push_back("missing node " + w.name());
      continue;
    }
    const tensorflow::NodeDef& g = *it->second;
    if (w.op() != g.op()) out.push_back(w.name() + ": op " + w.op() + " vs " + g.op());
    // Control inputs compared as sorted: TF >= 1.10 writes them sorted by name (ours too);
    // files from TF <= 1.8 keep creation order.
    std::vector<std::string> wi(w.input().begin(), w.input().end());
    const auto first_control = std::find_if(wi.begin(), wi.end(),
                                            [](const std::string& i) { return i[0] == '^'; });
    std::sort(first_control, wi.end());
    if (!std::equal(wi.begin(), wi.end(), g.input().begin(), g.input().end()))
      out.push_back(w.name() + ": inputs differ");
    if (w.device() != g.device()) out.push_back(w.name() + ": device " + w.device() + " vs " + g.device());
    for (const auto& [key, value] : w.attr()) {
      if (kVersionDifferences.contains({w.name(), key})) continue;
      auto a = g.attr().find(key);
      if (a == g.attr().end()) {
        out.push_back(w.name() + ": attr " + key + " missing");
      } else if (!MessageDifferencer::Equals(value, a->second)) {
        out.push_back(w.name() + ": attr " + key + " differs: " + value.ShortDebugString() +
                      " vs " + a->second.ShortDebugString());
      }
    }
    for (const auto& [key, value] : g.attr())
      if (!w.attr().contains(key)) out.push_back(w.name() + ": extra attr " + key);
  }
  return out;
}

TEST(GoldenGraphFileTest, EveryGoldenGraphImportsAndExportsNodeForNode) {
  if (!fs::exists(kGolden)) GTEST_SKIP() << "no golden files";
  int files = 0;
  for (const Golden& golden : kGoldenFiles) {
    SCOPED_TRACE(golden.path);
    const std::string path = (kGolden / golden.path).string();
    GraphFile file = read_graph_file(path);
    EXPECT_EQ(file.kind, golden.kind) << graph_file_kind_name(file.kind);
    ASSERT_EQ(file.graph_def.node_size(), golden.nodes);
    bool shapes = false;
    for (const auto& n : file.graph_def.node()) shapes |= n.attr().contains("_output_shapes");

    std::unique_ptr<Graph> g = load_graph_file(path);
    ASSERT_EQ(g->num_operations(), static_cast<size_t>(golden.nodes));
    tensorflow::GraphDef again = to_graph_def(*g, {.add_shapes = shapes});
    std::vector<std::string> diffs = node_differences(file.graph_def, again);
    for (size_t i = 0; i < diffs.size() && i < 10; ++i) ADD_FAILURE() << diffs[i];
    EXPECT_EQ(diffs.size(), 0u);
    if (topologically_ordered(file.graph_def)) {
      for (int i = 0; i < golden.nodes; ++i)
        ASSERT_EQ(again.node(i).name(), file.graph_def.node(i).name()) << "order at " << i;
    }
    EXPECT_EQ(again.versions().producer(), 134);
    ++files;
  }
  EXPECT_EQ(files, 12);
}

TEST(GoldenGraphFileTest, MetaGraphCollectionsComeBack) {
  if (!fs::exists(kGolden)) GTEST_SKIP() << "no golden files";
  for (const char* rel : {"houseprices_dropout_cond/model.ckpt.meta",
                          "packt_mlp9_adam_saver/my-model.meta",
                          "tflite_dense_twice/model.ckpt.meta",
                          "mnist_summaries/train/events.out.tfevents.1520770005.xuchao-System-Product-Name",
                          "packt_mlp9_events/events.out.tfevents.1516715719.lipmanLenovo"}) {
    SCOPED_TRACE(rel);
    GraphFile file = read_graph_file((kGolden / rel).string());
    ASSERT_TRUE(file.meta_graph_def.has_value());
    tensorflow::MetaGraphDef meta = *file.meta_graph_def;
    *meta.mutable_graph_def() = file.graph_def;
    Graph g;
    ImportMetaGraphResult r = import_meta_graph(g, meta);
    tensorflow::MetaGraphDef out = export_meta_graph(g, {.saver_def = r.saver_def});
    EXPECT_EQ(out.has_saver_def(), meta.has_saver_def());
    if (meta.has_saver_def()) {
      EXPECT_TRUE(MessageDifferencer::Equals(out.saver_def(), meta.saver_def()));
    }
    for (const auto& [key, col] : meta.collection_def()) {
      SCOPED_TRACE(key);
      if (key == "cond_context") {
        // Kept as bytes for the front end, unchanged.
        auto it = std::find_if(r.other_collections.begin(), r.other_collections.end(),
                               [&](auto& kv) { return kv.first == key; });
        ASSERT_NE(it, r.other_collections.end());
        EXPECT_TRUE(MessageDifferencer::Equals(it->second, col));
        continue;
      }
      ASSERT_TRUE(out.collection_def().contains(key));
      const tensorflow::CollectionDef& ours = out.collection_def().at(key);
      if (col.has_node_list()) {
        EXPECT_TRUE(MessageDifferencer::Equals(ours, col));
        continue;
      }
      // VariableDefs: equal, except that files older than TF 1.9 carry no `trainable`.
      ASSERT_EQ(ours.bytes_list().value_size(), col.bytes_list().value_size());
      for (int i = 0; i < col.bytes_list().value_size(); ++i) {
        tensorflow::VariableDef want, got;
        ASSERT_TRUE(want.ParseFromString(col.bytes_list().value(i)));
        ASSERT_TRUE(got.ParseFromString(ours.bytes_list().value(i)));
        if (!want.trainable()) got.clear_trainable();
        EXPECT_TRUE(MessageDifferencer::Equals(want, got)) << want.ShortDebugString();
      }
    }
    EXPECT_EQ(out.meta_info_def().stripped_op_list().op_size(),
              meta.meta_info_def().stripped_op_list().op_size());
  }
}

TEST(GoldenGraphFileTest, HousepricesModelImportsAndRuns) {
  // The imported dropout/tf.cond model runs: variables initialized from their initializers,
  // placeholders fed, the training flag both ways. (The checkpoint restore is the checkpoint
  // tests' part.)
  const fs::path meta = kGolden / "houseprices_dropout_cond" / "model.ckpt.meta";
  if (!fs::exists(meta)) GTEST_SKIP() << "no golden files";
  std::unique_ptr<Graph> g = load_graph_file(meta.string());
  EXPECT_EQ(g->variables().size(), 34u);
  EXPECT_EQ(g->variables(graph_keys::kTrainableVariables).size(), 12u);
  runtime::Session sess(*g);
  sess.run(g->get_operation_by_name("init"));
  Tensor batch(DataType::kFloat, {4, 8});
  for (int i = 0; i < 32; ++i) batch.data<float>()[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
  Tensor target = testing::FloatTensor({4}, {1, 2, 3, 4});
  for (bool training : {false, true}) {
    std::vector<Tensor> out = sess.run(
        {{g->get_tensor_by_name("Placeholder:0"), Tensor::scalar(training)},
         {g->get_tensor_by_name("Placeholder_1:0"), batch},
         {g->get_tensor_by_name("Placeholder_2:0"), target}},
        {g->get_tensor_by_name("Squeeze:0"), g->get_tensor_by_name("L2Loss:0")});
    EXPECT_EQ(out[0].shape(), std::vector<int64_t>{4});
    EXPECT_GE(out[1].data<float>()[0], 0.0f);
  }
}

// ---- files we write ----

TEST_F(GraphFileTest, SaveAndReadBackBinaryAndText) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::placeholder(root, DataType::kFloat, PartialShape({-1, 3}), "x");
  ops::mul(root.name_scope("scale"), x, Tensor::scalar(0.1f));
  const tensorflow::GraphDef gd = to_graph_def(g);
  const fs::path bin = dir_ / "graph.pb", text = dir_ / "graph.pbtxt";
  save_graph_def(g, bin.string(), false);
  save_graph_def(g, text.string(), true);
  EXPECT_EQ(slurp(bin), serialize_deterministic(gd));
  const std::string t = slurp(text);
  EXPECT_EQ(t.substr(0, 24), "node {\n  name: \"x\"\n  op:");
  // Floats as TF's Python 3 text_format writes them (the double repr of the float).
  EXPECT_NE(t.find("float_val: 0.10000000149011612\n"), std::string::npos);
  EXPECT_NE(t.find("versions {\n  producer: 134\n}\n"), std::string::npos);
  for (const fs::path& p : {bin, text}) {
    GraphFile f = read_graph_file(p.string());
    EXPECT_TRUE(MessageDifferencer::Equals(f.graph_def, gd)) << p;
    std::unique_ptr<Graph> h = load_graph_file(p.string());
    EXPECT_EQ(h->get_tensor_by_name("scale/Mul:0").shape(), PartialShape({-1, 3}));
  }
  EXPECT_EQ(read_graph_file(bin.string()).kind, GraphFileKind::kBinaryGraphDef);
  EXPECT_EQ(read_graph_file(text.string()).kind, GraphFileKind::kTextGraphDef);
  // Nothing but the two files: temporaries were renamed away.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 2);
}

TEST_F(GraphFileTest, MetaGraphAndEventFilesWeWrite) {
  Graph g;
  make_variable(Scope::root(g), Input(Tensor::vector<float>({1, 2})), {.name = "v"});
  tensorflow::MetaGraphDef meta = export_meta_graph(g);
  const fs::path m = dir_ / "model.meta";
  write_file_atomically(m.string(), meta.SerializeAsString());
  GraphFile f = read_graph_file(m.string());
  EXPECT_EQ(f.kind, GraphFileKind::kBinaryMetaGraphDef);
  EXPECT_EQ(load_graph_file(m.string())->variables().size(), 1u);
  // A meta graph without the .meta name is still recognized.
  const fs::path other = dir_ / "model.bin";
  write_file_atomically(other.string(), meta.SerializeAsString());
  EXPECT_EQ(read_graph_file(other.string()).kind, GraphFileKind::kBinaryMetaGraphDef);
  // Text MetaGraphDef.
  const fs::path mt = dir_ / "model.pbtxt";
  write_file_atomically(mt.string(), meta.DebugString());
  EXPECT_EQ(read_graph_file(mt.string()).kind, GraphFileKind::kTextMetaGraphDef);
  // Event file: the last graph record wins.
  std::string events;
  tensorflow::Event e;
  e.set_file_version("brain.Event:2");
  append_record(events, e.SerializeAsString());
  e.set_graph_def(to_graph_def(g).SerializeAsString());
  append_record(events, e.SerializeAsString());
  ops::constant(Scope::root(g), Tensor::scalar(1.0f), "later");
  e.set_graph_def(to_graph_def(g).SerializeAsString());
  append_record(events, e.SerializeAsString());
  const fs::path ev = dir_ / "events.out.tfevents.1.host";
  spit(ev, events);
  GraphFile ef = read_graph_file(ev.string());
  EXPECT_EQ(ef.kind, GraphFileKind::kEventFile);
  EXPECT_EQ(ef.graph_def.node_size(), 5);
  EXPECT_FALSE(ef.meta_graph_def.has_value());
}

// ---- damaged files: an error naming the file and the problem, never a crash ----

TEST_F(GraphFileTest, MissingEmptyAndWrongFiles) {
  const std::string missing = (dir_ / "nope.pb").string();
  SF_EXPECT_ERROR(Code::kNotFound, missing + "; No such file or directory",
                  read_graph_file(missing));
  const fs::path empty = dir_ / "empty.pb";
  spit(empty, "");
  SF_EXPECT_ERROR(Code::kDataLoss, empty.string() + ": the file is empty",
                  read_graph_file(empty.string()));
  const fs::path png = dir_ / "image.png";
  spit(png, std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  SF_EXPECT_ERROR(Code::kDataLoss,
                  png.string() +
                      ": not a GraphDef, MetaGraphDef or event file (the bytes do not parse as a "
                      "binary GraphDef or MetaGraphDef, and they are neither text format nor "
                      "TFRecord-framed)",
                  read_graph_file(png.string()));
  const fs::path text = dir_ / "bad.pbtxt";
  spit(text, "node {\n  name: \"a\"\n  op: \"Const\"\n  bogus: 3\n}\n");
  SF_EXPECT_ERROR(Code::kDataLoss,
                  text.string() +
                      ": not a valid text GraphDef: line 4, column 8: Message type "
                      "\"tensorflow.NodeDef\" has no field named \"bogus\".",
                  read_graph_file(text.string()));
  SF_EXPECT_ERROR_PREFIX(Code::kNotFound, (dir_ / "missing_dir").string(),
                         save_graph_def(Graph(), (dir_ / "missing_dir" / "g.pb").string(), false));
}

TEST_F(GraphFileTest, EventFileDamage) {
  const fs::path golden =
      kGolden / "packt_mlp9_events" / "events.out.tfevents.1516715719.lipmanLenovo";
  if (!fs::exists(golden)) GTEST_SKIP() << "no golden files";
  const std::string data = slurp(golden);
  const fs::path p = dir_ / "events.out.tfevents.1.damaged";
  // A flipped bit in the second record's data: its data CRC no longer matches.
  std::string flipped = data;
  uint64_t first_len;
  std::memcpy(&first_len, data.data(), 8);
  const size_t second = 12 + first_len + 4;
  flipped[second + 12 + 100] ^= 0x10;
  spit(p, flipped);
  SF_EXPECT_ERROR_PREFIX(Code::kDataLoss,
                         p.string() + ": corrupted record at " + std::to_string(second) +
                             ": data CRC mismatch",
                         read_graph_file(p.string()));
  // Cut in the middle of the last record.
  spit(p, data.substr(0, data.size() - 1000));
  EXPECT_TRUE(testing::ThrowsErrorPrefix([&] { read_graph_file(p.string()); }, Code::kDataLoss,
                                         p.string() + ": truncated record at "));
  // Only the file_version record: no graph.
  spit(p, data.substr(0, second));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  p.string() + ": the event file holds no graph_def or meta_graph_def",
                  read_graph_file(p.string()));
}

TEST_F(GraphFileTest, TruncatedAndBitFlippedGraphDefsNeverCrash) {
  const fs::path golden = kGolden / "neuro_linear_dense3d" / "graph.pb";
  if (!fs::exists(golden)) GTEST_SKIP() << "no golden files";
  const std::string data = slurp(golden);
  const fs::path p = dir_ / "graph.pb";
  // Truncated in the middle of a node: the bytes no longer parse.
  spit(p, data.substr(0, data.size() / 2 + 3));
  EXPECT_TRUE(testing::ThrowsErrorPrefix([&] { load_graph_file(p.string()); }, Code::kDataLoss,
                                         p.string() + ": not a GraphDef, MetaGraphDef or event file"));
  // Every cut and many bit flips: either a graph or an Error that starts with the path.
  std::mt19937 rng(42);
  int errors = 0, loaded = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string bytes = data;
    if (trial < 100) {
      bytes.resize(static_cast<size_t>(rng() % data.size()));
    } else {
      for (int k = 0; k < 1 + trial % 3; ++k) bytes[rng() % bytes.size()] ^= static_cast<char>(1 << (rng() % 8));
    }
    spit(p, bytes);
    try {
      std::unique_ptr<Graph> g = load_graph_file(p.string());
      ++loaded;
    } catch (const Error& e) {
      ++errors;
      EXPECT_EQ(std::string_view(e.what()).substr(0, p.string().size()), p.string()) << e.what();
    }
  }
  EXPECT_GT(errors, 100);
  EXPECT_EQ(errors + loaded, 300);
}

}  // namespace
}  // namespace scopeflow::io
