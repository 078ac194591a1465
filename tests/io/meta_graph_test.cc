// MetaGraphDef export and import: meta_info_def, graph_def with shapes, collections
// (VariableDef bytes, node lists, front-end values), the SaverDef, round trips and errors.
#include "scopeflow/io/meta_graph.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "../sf_testing.h"
#include "scopeflow/runtime/session.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow::io {
namespace {

using google::protobuf::util::MessageDifferencer;

// w (trainable tf.Variable), steps (not trainable), loss, train (NoOp); collections
// train_op, losses and a front-end value collection.
void model(Graph& g) {
  Scope root = Scope::root(g);
  Output x = ops::placeholder(root, DataType::kFloat, PartialShape({-1, 2}), "x");
  Variable w = make_variable(root, Input(testing::FloatTensor({2, 1}, {0.5f, -1})), {.name = "w"});
  Variable steps = make_variable(root, Input(Tensor::scalar(int32_t{0})),
                                 {.name = "steps", .trainable = false});
  Output loss = ops::matmul(root, x, w.value());
  const std::vector<Operation> deps = {w.initializer(), steps.initializer()};
  Operation train = ops::create(root, "NoOp", "train/", {}, {}, deps);
  g.add_to_collection("train_op", CollectionItem::of(train));
  g.add_to_collection("losses", CollectionItem::of(loss));
  CollectionItem other;
  other.kind = CollectionItem::Kind::kOther;
  g.add_to_collection("numbers", other);
  g.add_to_collection("more_numbers", other);
}

tensorflow::VariableDef var_def(const std::string& bytes) {
  tensorflow::VariableDef d;
  EXPECT_TRUE(d.ParseFromString(bytes));
  return d;
}

TEST(MetaGraphExportTest, InfoGraphCollectionsAndSaver) {
  Graph g;
  model(g);
  tensorflow::SaverDef saver;
  saver.set_filename_tensor_name("save/Const:0");
  saver.set_save_tensor_name("save/control_dependency:0");
  saver.set_restore_op_name("save/restore_all");
  saver.set_max_to_keep(5);
  saver.set_keep_checkpoint_every_n_hours(10000);
  saver.set_version(tensorflow::SaverDef::V2);
  int calls = 0;
  tensorflow::MetaGraphDef meta = export_meta_graph(
      g, {.saver_def = saver, .serialize_other = [&](const CollectionItem&) -> CollectionValue {
            return int64_t{++calls};
          }});

  EXPECT_EQ(meta.meta_info_def().tensorflow_version(), "1.15.0");
  EXPECT_EQ(meta.meta_info_def().tensorflow_git_version(), "scopeflow");
  std::vector<std::string> ops;
  for (const auto& op : meta.meta_info_def().stripped_op_list().op()) ops.push_back(op.name());
  EXPECT_EQ(ops, (std::vector<std::string>{"Assign", "Const", "Identity", "MatMul", "NoOp",
                                           "Placeholder", "VariableV2"}));
  EXPECT_TRUE(meta.meta_info_def().stripped_op_list().op(6).is_stateful());
  EXPECT_FALSE(meta.meta_info_def().stripped_op_list().op(3).is_stateful());

  EXPECT_EQ(meta.graph_def().node_size(), static_cast<int>(g.num_operations()));
  EXPECT_TRUE(meta.graph_def().node(0).attr().contains("_output_shapes"));
  EXPECT_EQ(meta.graph_def().versions().producer(), 134);
  EXPECT_TRUE(MessageDifferencer::Equals(meta.saver_def(), saver));

  const auto& cols = meta.collection_def();
  ASSERT_TRUE(cols.contains("variables"));
  ASSERT_EQ(cols.at("variables").bytes_list().value_size(), 2);
  tensorflow::VariableDef w = var_def(cols.at("variables").bytes_list().value(0));
  EXPECT_EQ(w.variable_name(), "w:0");
  EXPECT_EQ(w.initial_value_name(), "w/initial_value:0");
  EXPECT_EQ(w.initializer_name(), "w/Assign");
  EXPECT_EQ(w.snapshot_name(), "w/read:0");
  EXPECT_TRUE(w.trainable());
  EXPECT_FALSE(var_def(cols.at("variables").bytes_list().value(1)).trainable());
  ASSERT_EQ(cols.at("trainable_variables").bytes_list().value_size(), 1);
  EXPECT_EQ(cols.at("trainable_variables").bytes_list().value(0),
            cols.at("variables").bytes_list().value(0));
  ASSERT_EQ(cols.at("train_op").node_list().value_size(), 1);
  EXPECT_EQ(cols.at("train_op").node_list().value(0), "train");
  EXPECT_EQ(cols.at("losses").node_list().value(0), "MatMul:0");
  ASSERT_EQ(cols.at("numbers").int64_list().value_size(), 1);
  EXPECT_EQ(cols.at("numbers").int64_list().value(0), 1);

  // Without a serializer, front-end values are left out.
  tensorflow::MetaGraphDef plain = export_meta_graph(g);
  EXPECT_FALSE(plain.collection_def().contains("numbers"));
  EXPECT_FALSE(plain.has_saver_def());
  // collection_list picks collections.
  tensorflow::MetaGraphDef some = export_meta_graph(g, {.collection_list = std::vector<std::string>{"losses"}});
  EXPECT_EQ(some.collection_def_size(), 1);
}

TEST(MetaGraphExportTest, ExportScopeAndClearDevices) {
  Graph g;
  Scope root = Scope::root(g);
  Output outside = ops::placeholder(root, DataType::kFloat, PartialShape({2}), "outside");
  Scope tower = root.name_scope("tower").with_device("/cpu:0");
  Output a = ops::identity(tower, outside, "a");
  ops::identity(tower, a, "b");
  tensorflow::MetaGraphDef meta =
      export_meta_graph(g, {.export_scope = "tower", .clear_devices = true});
  ASSERT_EQ(meta.graph_def().node_size(), 2);
  EXPECT_EQ(meta.graph_def().node(0).name(), "a");
  EXPECT_EQ(meta.graph_def().node(0).input(0), "$unbound_inputs_outside");
  EXPECT_EQ(meta.graph_def().node(0).device(), "");
  EXPECT_EQ(meta.graph_def().node(1).input(0), "a");
}

TEST(MetaGraphImportTest, VariablesAndCollectionsRestored) {
  Graph g;
  model(g);
  tensorflow::MetaGraphDef meta = export_meta_graph(
      g, {.serialize_other = [](const CollectionItem&) -> CollectionValue { return 2.5f; }});
  Graph h;
  ImportMetaGraphResult r = import_meta_graph(h, meta);
  std::vector<std::string> names;
  for (const Variable& v : h.variables()) names.push_back(v.name());
  EXPECT_EQ(names, (std::vector<std::string>{"w:0", "steps:0"}));
  std::vector<Variable> trainable = h.variables(graph_keys::kTrainableVariables);
  ASSERT_EQ(trainable.size(), 1u);
  EXPECT_EQ(trainable[0], h.variables()[0]);  // one Variable for both collections
  const Variable w = trainable[0];
  EXPECT_EQ(w.op().name(), "w");
  EXPECT_EQ(w.initializer().name(), "w/Assign");
  EXPECT_EQ(w.value().name(), "w/read:0");
  EXPECT_EQ(w.initial_value().name(), "w/initial_value:0");
  EXPECT_EQ(w.dtype(), ref_dtype(DataType::kFloat));
  EXPECT_EQ(w.shape(), PartialShape({2, 1}));
  EXPECT_FALSE(h.variables()[1].trainable());
  EXPECT_EQ(r.variables.size(), 2u);
  auto train = h.get_collection("train_op");
  ASSERT_EQ(train.size(), 1u);
  EXPECT_EQ(train[0].kind, CollectionItem::Kind::kOperation);
  EXPECT_EQ(train[0].op.name(), "train");
  auto losses = h.get_collection("losses");
  ASSERT_EQ(losses.size(), 1u);
  EXPECT_EQ(losses[0].tensor.name(), "MatMul:0");
  ASSERT_EQ(r.other_collections.size(), 2u);  // "more_numbers" and "numbers", key order
  EXPECT_EQ(r.other_collections[1].first, "numbers");
  EXPECT_EQ(r.other_collections[1].second.float_list().value(0), 2.5f);

  // The imported variables work: initialize and read.
  runtime::Session sess(h);
  sess.run(h.get_operation_by_name("train"));
  Tensor v = sess.run(w.value());
  EXPECT_EQ(v.data<float>()[1], -1.0f);
}

TEST(MetaGraphImportTest, RoundTripIsFieldByFieldEqual) {
  Graph g;
  model(g);
  tensorflow::MetaGraphDef first = export_meta_graph(g);
  Graph h;
  import_meta_graph(h, first);
  tensorflow::MetaGraphDef second = export_meta_graph(h);
  std::string diff;
  MessageDifferencer d;
  d.ReportDifferencesToString(&diff);
  EXPECT_TRUE(d.Compare(first, second)) << diff;
}

TEST(MetaGraphImportTest, ImportScopePrefixesEverything) {
  Graph g;
  model(g);
  tensorflow::MetaGraphDef meta = export_meta_graph(g);
  Graph h;
  import_meta_graph(h, meta, {.import_scope = "copy"});
  ASSERT_EQ(h.variables().size(), 2u);
  EXPECT_EQ(h.variables()[0].name(), "copy/w:0");
  EXPECT_EQ(h.variables()[0].initializer().name(), "copy/w/Assign");
  EXPECT_EQ(h.get_collection("train_op")[0].op.name(), "copy/train");
  EXPECT_EQ(std::get<std::vector<std::string>>(*h.get_operation_by_name("copy/w/read").attr("_class")),
            std::vector<std::string>{"loc:@copy/w"});
}

TEST(MetaGraphImportTest, TrainableFromCollectionMembershipInOldFiles) {
  Graph g;
  model(g);
  tensorflow::MetaGraphDef meta = export_meta_graph(g);
  // TF < 1.9 wrote no `trainable`.
  for (const char* key : {"variables", "trainable_variables"}) {
    auto* list = (*meta.mutable_collection_def())[key].mutable_bytes_list();
    for (std::string& bytes : *list->mutable_value()) {
      tensorflow::VariableDef d = var_def(bytes);
      d.clear_trainable();
      bytes = d.SerializeAsString();
    }
  }
  Graph h;
  import_meta_graph(h, meta);
  EXPECT_TRUE(h.variables()[0].trainable());
  EXPECT_FALSE(h.variables()[1].trainable());
}

TEST(MetaGraphImportTest, MissingNodeInCollectionLeavesGraphAsItWas) {
  Graph g;
  model(g);
  tensorflow::MetaGraphDef meta = export_meta_graph(g);
  (*meta.mutable_collection_def())["train_op"].mutable_node_list()->set_value(0, "ghost");
  Graph h;
  SF_EXPECT_ERROR(Code::kNotFound, "The name 'ghost' refers to an Operation not in the graph.",
                  import_meta_graph(h, meta));
  EXPECT_EQ(h.num_operations(), 0u);
  (*meta.mutable_collection_def())["train_op"].mutable_node_list()->set_value(0, "ghost:0");
  SF_EXPECT_ERROR(Code::kNotFound,
                  "The name 'ghost:0' refers to a Tensor which does not exist. The operation, "
                  "'ghost', does not exist in the graph.",
                  import_meta_graph(h, meta));
  EXPECT_EQ(h.num_operations(), 0u);
}

TEST(MetaGraphImportTest, UnboundInputsMustBeMapped) {
  Graph g;
  model(g);
  tensorflow::MetaGraphDef meta = export_meta_graph(g);
  (*meta.mutable_collection_def())["unbound_inputs"].mutable_node_list()->add_value("feed:0");
  Graph h;
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Graph contains unbound inputs: feed:0. Must provide these inputs through "
                  "input_map.",
                  import_meta_graph(h, meta));
  EXPECT_EQ(h.num_operations(), 0u);
}

}  // namespace
}  // namespace scopeflow::io
