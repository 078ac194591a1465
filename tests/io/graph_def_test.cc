// GraphDef export and import: NodeDefs field by field, round trips, TF's import rules (prefix,
// uniquified names, input_map, return_elements, devices, _output_shapes) and its errors, each
// leaving the graph as it was.
#include "scopeflow/io/graph_def.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "../sf_testing.h"
#include "scopeflow/io/tensor_proto.h"
#include "scopeflow/runtime/session.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow::io {
namespace {

using google::protobuf::util::MessageDifferencer;

const tensorflow::NodeDef& node(const tensorflow::GraphDef& gd, std::string_view name) {
  for (const auto& n : gd.node())
    if (n.name() == name) return n;
  static tensorflow::NodeDef none;
  ADD_FAILURE() << "no node " << name;
  return none;
}

std::vector<std::string> inputs(const tensorflow::NodeDef& n) {
  return {n.input().begin(), n.input().end()};
}

std::vector<std::string> names(const Graph& g) {
  std::vector<std::string> out;
  for (Operation op : g.get_operations()) out.emplace_back(op.name());
  return out;
}

// x = Placeholder [?,2]; w = Variable; y = MatMul(x, w.read) + 1; init groups the Assign.
void small_graph(Graph& g) {
  Scope root = Scope::root(g);
  Output x = ops::placeholder(root, DataType::kFloat, PartialShape({-1, 2}), "x");
  Variable w = make_variable(root, Input(testing::FloatTensor({2, 1}, {1, -1})), {.name = "w"});
  Output y = ops::matmul(root, x, w.value());
  ops::add(root.name_scope("out"), y, Tensor::scalar(1.0f));
  const std::vector<Operation> deps = {w.initializer()};
  ops::create(root, "NoOp", "init/", {}, {}, deps);
}

TEST(GraphDefExportTest, NodesFieldByField) {
  Graph g;
  small_graph(g);
  tensorflow::GraphDef gd = to_graph_def(g);
  EXPECT_EQ(gd.versions().producer(), 134);
  EXPECT_EQ(gd.versions().min_consumer(), 0);
  std::vector<std::string> order;
  for (const auto& n : gd.node()) order.push_back(n.name());
  EXPECT_EQ(order, names(g));  // creation order

  const auto& x = node(gd, "x");
  EXPECT_EQ(x.op(), "Placeholder");
  EXPECT_TRUE(x.input().empty());
  EXPECT_EQ(x.attr().at("dtype").type(), tensorflow::DT_FLOAT);
  ASSERT_EQ(x.attr().at("shape").shape().dim_size(), 2);
  EXPECT_EQ(x.attr().at("shape").shape().dim(0).size(), -1);
  EXPECT_EQ(x.attr().at("shape").shape().dim(1).size(), 2);

  const auto& v = node(gd, "w");
  EXPECT_EQ(v.op(), "VariableV2");
  EXPECT_EQ(v.attr().at("dtype").type(), tensorflow::DT_FLOAT);
  EXPECT_EQ(v.attr().at("container").s(), "");
  EXPECT_EQ(v.attr().at("shared_name").s(), "");

  const auto& assign = node(gd, "w/Assign");
  EXPECT_EQ(assign.op(), "Assign");
  EXPECT_EQ(inputs(assign), (std::vector<std::string>{"w", "w/initial_value"}));
  EXPECT_TRUE(assign.attr().at("validate_shape").b());

  const auto& read = node(gd, "w/read");
  EXPECT_EQ(read.op(), "Identity");
  ASSERT_EQ(read.attr().at("_class").list().s_size(), 1);
  EXPECT_EQ(read.attr().at("_class").list().s(0), "loc:@w");
  EXPECT_EQ(read.attr().at("T").type(), tensorflow::DT_FLOAT);

  const auto& mm = node(gd, "MatMul");
  EXPECT_EQ(inputs(mm), (std::vector<std::string>{"x", "w/read"}));
  EXPECT_FALSE(mm.attr().at("transpose_a").b());
  EXPECT_FALSE(mm.attr().at("transpose_b").b());

  const auto& c = node(gd, "out/Add/y");
  EXPECT_EQ(c.op(), "Const");
  EXPECT_EQ(c.attr().at("value").tensor().float_val(0), 1.0f);
  EXPECT_EQ(inputs(node(gd, "out/Add")), (std::vector<std::string>{"MatMul", "out/Add/y"}));
  EXPECT_EQ(inputs(node(gd, "init")), (std::vector<std::string>{"^w/Assign"}));

  const auto& init_value = node(gd, "w/initial_value");
  EXPECT_EQ(init_value.attr().at("value").tensor().tensor_content().size(), 8u);
}

TEST(GraphDefExportTest, OutputIndicesControlInputsAndDevice) {
  Graph g;
  Scope root = Scope::root(g);
  Output v = ops::constant(root, Tensor::vector<float>({1, 2}), "v");
  std::vector<Output> parts = ops::unstack(root, v);
  Output c = ops::constant(root.with_device("/cpu:0"), Tensor::scalar(2.0f), "c");
  ops::create(root.with_control_dependencies({c.op()}), "Identity", "id",
              std::vector<Output>{parts[1]}, std::vector<Attr>{{"T", DataType::kFloat}});
  tensorflow::GraphDef gd = to_graph_def(g);
  EXPECT_EQ(inputs(node(gd, "id")), (std::vector<std::string>{"unstack:1", "^c"}));
  EXPECT_EQ(node(gd, "c").device(), "/device:CPU:0");
  EXPECT_EQ(node(gd, "v").device(), "");
}

TEST(GraphDefExportTest, ControlInputsSortedByName) {
  Graph g;
  Scope root = Scope::root(g);
  Output b = ops::constant(root, Tensor::scalar(1.0f), "b");
  Output a = ops::constant(root, Tensor::scalar(2.0f), "a");
  Output c = ops::constant(root, Tensor::scalar(3.0f), "c");
  const std::vector<Operation> deps = {c.op(), b.op(), a.op()};
  Operation group = ops::create(root, "NoOp", "group_deps/", {}, {}, deps);
  EXPECT_EQ(group.control_input(0), c.op());  // the graph keeps creation order
  tensorflow::NodeDef nd;
  to_node_def(group, &nd);
  EXPECT_EQ(inputs(nd), (std::vector<std::string>{"^a", "^b", "^c"}));
}

TEST(GraphDefExportTest, AddShapesAndFromVersion) {
  Graph g;
  small_graph(g);
  tensorflow::GraphDef gd = to_graph_def(g, {.add_shapes = true});
  const auto& mm = node(gd, "MatMul").attr().at("_output_shapes").list();
  ASSERT_EQ(mm.shape_size(), 1);
  EXPECT_EQ(mm.shape(0).dim(0).size(), -1);
  EXPECT_EQ(mm.shape(0).dim(1).size(), 1);
  EXPECT_FALSE(node(gd, "init").attr().contains("_output_shapes"));  // no outputs
  EXPECT_EQ(node(gd, "w").attr().at("_output_shapes").list().shape(0).dim_size(), 2);
  EXPECT_FALSE(to_graph_def(g).node(0).attr().contains("_output_shapes"));

  const size_t before = g.num_operations();
  ops::constant(Scope::root(g), Tensor::scalar(3.0f), "later");
  tensorflow::GraphDef tail = to_graph_def(g, {.from_version = before});
  ASSERT_EQ(tail.node_size(), 1);
  EXPECT_EQ(tail.node(0).name(), "later");
}

TEST(GraphDefExportTest, DeterministicBytesSortAttrs) {
  Graph g;
  small_graph(g);
  tensorflow::GraphDef gd = to_graph_def(g);
  const std::string a = serialize_deterministic(gd);
  EXPECT_EQ(a, serialize_deterministic(to_graph_def(g)));
  // MatMul's attrs come out in key order: T, transpose_a, transpose_b.
  const std::string mm = serialize_deterministic(node(gd, "MatMul"));
  EXPECT_LT(mm.find("\x0a\x01T"), mm.find("transpose_a"));
  EXPECT_LT(mm.find("transpose_a"), mm.find("transpose_b"));
}

TEST(GraphDefRoundTripTest, ImportThenExportGivesTheSameGraphDef) {
  Graph g;
  small_graph(g);
  tensorflow::GraphDef gd = to_graph_def(g);
  Graph h;
  ImportResult r = import_graph_def(h, gd);
  EXPECT_EQ(r.operations.size(), g.num_operations());
  EXPECT_EQ(names(h), names(g));
  tensorflow::GraphDef again = to_graph_def(h);
  std::string diff;
  MessageDifferencer d;
  d.ReportDifferencesToString(&diff);
  EXPECT_TRUE(d.Compare(gd, again)) << diff;
  EXPECT_EQ(serialize_deterministic(gd), serialize_deterministic(again));
  // Shapes were inferred by the op registry.
  EXPECT_EQ(h.get_tensor_by_name("MatMul:0").shape(), PartialShape({-1, 1}));
  EXPECT_EQ(h.get_tensor_by_name("w:0").dtype(), ref_dtype(DataType::kFloat));
}

TEST(GraphDefRoundTripTest, ImportedGraphRuns) {
  Graph g;
  small_graph(g);
  Graph h;
  import_graph_def(h, to_graph_def(g));
  runtime::Session sess(h);
  sess.run(h.get_operation_by_name("init"));
  Tensor batch = testing::FloatTensor({2, 2}, {1, 2, 3, 5});
  std::vector<Tensor> out =
      sess.run({{h.get_tensor_by_name("x:0"), batch}}, {h.get_tensor_by_name("out/Add:0")});
  ASSERT_EQ(out[0].num_elements(), 2);
  EXPECT_EQ(out[0].data<float>()[0], 0.0f);   // 1 - 2 + 1
  EXPECT_EQ(out[0].data<float>()[1], -1.0f);  // 3 - 5 + 1
}

TEST(GraphDefImportTest, PrefixAppliesToNamesInputsAndColocation) {
  Graph g;
  small_graph(g);
  Graph h;
  import_graph_def(h, to_graph_def(g), {.prefix = "import"});
  tensorflow::GraphDef gd = to_graph_def(h);
  EXPECT_EQ(gd.node(0).name(), "import/x");
  EXPECT_EQ(inputs(node(gd, "import/MatMul")),
            (std::vector<std::string>{"import/x", "import/w/read"}));
  EXPECT_EQ(node(gd, "import/w/read").attr().at("_class").list().s(0), "loc:@import/w");
  EXPECT_EQ(inputs(node(gd, "import/init")), (std::vector<std::string>{"^import/w/Assign"}));
  // The name scope is taken: a new op named "import" gets "import_1".
  EXPECT_EQ(ops::constant(Scope::root(h), Tensor::scalar(1.0f), "import/x").name(),
            "import/x_1:0");
}

TEST(GraphDefImportTest, NamesAreUniquifiedAndMarkedUsed) {
  Graph g;
  Scope root = Scope::root(g);
  ops::constant(root, Tensor::scalar(1.0f), "a");
  ops::constant(root, Tensor::scalar(2.0f), "b");
  tensorflow::GraphDef gd = to_graph_def(g);
  // A graph that already has "a": TF renames the imported one "a_1".
  Graph h;
  Scope hr = Scope::root(h);
  ops::constant(hr, Tensor::scalar(9.0f), "a");
  import_graph_def(h, gd);
  EXPECT_EQ(names(h), (std::vector<std::string>{"a", "a_1", "b"}));
  // Imported names are used: a new "b" is "b_1", a new "a" skips "a_1".
  EXPECT_EQ(ops::constant(hr, Tensor::scalar(3.0f), "b").name(), "b_1:0");
  EXPECT_EQ(ops::constant(hr, Tensor::scalar(3.0f), "a").name(), "a_2:0");
}

TEST(GraphDefImportTest, UniquifiedInputsFollowTheRename) {
  tensorflow::GraphDef gd;
  auto* a = gd.add_node();
  a->set_name("a");
  a->set_op("Const");
  to_attr_value(DataType::kFloat, &(*a->mutable_attr())["dtype"]);
  to_attr_value(Tensor::scalar(1.0f), &(*a->mutable_attr())["value"]);
  auto* id = gd.add_node();
  id->set_name("id");
  id->set_op("Identity");
  id->add_input("a");
  to_attr_value(DataType::kFloat, &(*id->mutable_attr())["T"]);
  Graph h;
  ops::constant(Scope::root(h), Tensor::scalar(5.0f), "a");
  import_graph_def(h, gd);
  EXPECT_EQ(h.get_operation_by_name("id").input(0).name(), "a_1:0");
}

TEST(GraphDefImportTest, InputMapAndReturnElements) {
  Graph g;
  small_graph(g);
  tensorflow::GraphDef gd = to_graph_def(g);
  Graph h;
  Scope root = Scope::root(h);
  Output feed = ops::placeholder(root, DataType::kFloat, PartialShape({3, 2}), "feed");
  Output gate = ops::constant(root, Tensor::scalar(0.0f), "gate");
  ImportResult r = import_graph_def(
      h, gd,
      {.prefix = "m",
       .input_map = {{"x:0", feed}, {"^w/Assign", gate}},
       .return_elements = {"out/Add:0", "init", "x:0", "MatMul"}});
  EXPECT_EQ(h.get_operation_by_name("m/MatMul").input(0), feed);
  // The mapped placeholder is still imported, only its consumers change.
  EXPECT_TRUE(h.find_operation("m/x").has_value());
  EXPECT_EQ(h.get_tensor_by_name("m/MatMul:0").shape(), PartialShape({3, 1}));
  EXPECT_EQ(h.get_operation_by_name("m/init").control_input(0), gate.op());
  ASSERT_EQ(r.return_elements.size(), 4u);
  EXPECT_EQ(std::get<Output>(r.return_elements[0]).name(), "m/out/Add:0");
  EXPECT_EQ(std::get<Operation>(r.return_elements[1]).name(), "m/init");
  EXPECT_EQ(std::get<Output>(r.return_elements[2]), feed);  // a mapped tensor returns the map
  EXPECT_EQ(std::get<Operation>(r.return_elements[3]).name(), "m/MatMul");
}

TEST(GraphDefImportTest, DevicesFollowTheCallerAndColocation) {
  Graph g;
  Scope root = Scope::root(g);
  Output v = ops::variable_v2(root.with_device("/job:ps"), PartialShape({1}), DataType::kFloat, "v");
  ops::identity(root.colocate_with(v.op()), v, "read");
  ops::constant(root, Tensor::scalar(1.0f), "c");
  tensorflow::GraphDef gd = to_graph_def(g);
  ASSERT_EQ(node(gd, "read").device(), "/job:ps");
  node(gd, "v");  // present
  gd.mutable_node(1)->set_device("/gpu:3");  // colocation wins over the node's own device
  Graph h;
  {
    ScopeGuard dev(Scope::root(h).with_device("/device:CPU:0"));
    import_graph_def(h, gd);
  }
  EXPECT_EQ(h.get_operation_by_name("v").device(), "/job:ps/device:CPU:0");
  EXPECT_EQ(h.get_operation_by_name("read").device(), "/job:ps/device:CPU:0");
  EXPECT_EQ(h.get_operation_by_name("c").device(), "/device:CPU:0");
}

TEST(GraphDefImportTest, OutputShapesRefineAndAreDropped) {
  Graph g;
  ops::placeholder(Scope::root(g), DataType::kFloat, PartialShape::unknown(), "p");
  tensorflow::GraphDef gd = to_graph_def(g);
  to_shape_proto(PartialShape({-1, 3}),
                 (*gd.mutable_node(0)->mutable_attr())["_output_shapes"].mutable_list()->add_shape());
  Graph h;
  import_graph_def(h, gd);
  Operation p = h.get_operation_by_name("p");
  EXPECT_EQ(p.output(0).shape(), PartialShape({-1, 3}));
  EXPECT_FALSE(p.attr("_output_shapes").has_value());
  EXPECT_EQ(std::get<PartialShape>(*p.attr("shape")), PartialShape::unknown());
  tensorflow::GraphDef shaped = to_graph_def(h, {.add_shapes = true});
  EXPECT_EQ(shaped.node(0).attr().at("_output_shapes").list().shape(0).dim(1).size(), 3);
}

// ---- errors: TF's messages, and the graph left as it was ----

class ImportErrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Graph src;
    small_graph(src);
    gd_ = to_graph_def(src);
    ops::constant(Scope::root(target_), Tensor::scalar(7.0f), "existing");
  }
  // The import fails with `code` and `message`, and the target graph did not change (no new
  // node, no name reserved).
  void expect_failure(Code code, std::string_view message, const ImportOptions& o = {}) {
    const size_t before = target_.num_operations();
    EXPECT_TRUE(testing::ThrowsError([&] { import_graph_def(target_, gd_, o); }, code, message));
    EXPECT_EQ(target_.num_operations(), before);
    EXPECT_EQ(target_.unique_full_name("x", false), "x");
    EXPECT_EQ(target_.unique_full_name("m", false), "m");
  }
  tensorflow::NodeDef* find(std::string_view name) {
    for (auto& n : *gd_.mutable_node())
      if (n.name() == name) return &n;
    return nullptr;
  }
  tensorflow::GraphDef gd_;
  Graph target_;
};

TEST_F(ImportErrorTest, UnknownInputNode) {
  find("MatMul")->set_input(1, "nope:1");
  expect_failure(Code::kInvalidArgument, "Node 'MatMul': Unknown input node 'nope:1'");
}

TEST_F(ImportErrorTest, UnknownOpType) {
  find("out/Add")->set_op("Foo");
  EXPECT_TRUE(testing::ThrowsErrorPrefix([&] { import_graph_def(target_, gd_); }, Code::kNotFound,
                                         "Op type not registered 'Foo' in binary running on "));
  EXPECT_EQ(target_.num_operations(), 1u);
}

TEST_F(ImportErrorTest, InvalidAndDuplicateNamesAndMissingOp) {
  find("x")->set_name("x!");
  expect_failure(Code::kInvalidArgument, "Node 'x!': Node name contains invalid characters");
  find("x!")->set_name("w");
  expect_failure(Code::kInvalidArgument, "Node 'w' is not unique");
  find("w")->set_name("x");
  find("x")->clear_op();
  expect_failure(Code::kInvalidArgument, "Node 'x' does not specify an operation");
}

TEST_F(ImportErrorTest, ControlInputsMustComeLast) {
  tensorflow::NodeDef* mm = find("MatMul");
  mm->set_input(0, "^w/Assign");
  expect_failure(Code::kInvalidArgument,
                 "Node 'MatMul': Control dependencies must come after regular dependencies");
}

TEST_F(ImportErrorTest, Cycle) {
  find("x")->add_input("^MatMul");
  expect_failure(Code::kInvalidArgument, "3 nodes in a cycle");
}

TEST_F(ImportErrorTest, InvalidOutputIndex) {
  find("MatMul")->set_input(0, "x:3");
  expect_failure(Code::kInvalidArgument,
                 "Node 'MatMul': Connecting to invalid output 3 of source node x which has 1 "
                 "outputs");
}

TEST_F(ImportErrorTest, InputCountAndReferenceInputs) {
  find("MatMul")->mutable_input()->RemoveLast();
  expect_failure(Code::kInvalidArgument,
                 "Node 'MatMul': MatMul takes 2 inputs, but the NodeDef gives 1");
  find("MatMul")->add_input("w/read");
  find("w/Assign")->set_input(0, "w/read");
  expect_failure(Code::kInvalidArgument,
                 "Input 0 of node w/Assign was passed float from w/read:0 incompatible with "
                 "expected float_ref.");
}

TEST_F(ImportErrorTest, ColocationWithUnknownNode) {
  (*find("w/read")->mutable_attr())["_class"].mutable_list()->set_s(0, "loc:@ghost");
  expect_failure(Code::kInvalidArgument,
                 "Node 'w/read' expects to be colocated with unknown node 'ghost'");
}

TEST_F(ImportErrorTest, ShapeFunctionErrorAfterOtherNodesWouldExist) {
  // MatMul of [?,2] by [3,1]: found in the dry run, after x, w... would have been created.
  auto* value = (*find("w/initial_value")->mutable_attr())["value"].mutable_tensor();
  value->mutable_tensor_shape()->mutable_dim(0)->set_size(3);
  value->set_tensor_content(std::string(12, '\0'));
  auto* shape = (*find("w")->mutable_attr())["shape"].mutable_shape();
  shape->mutable_dim(0)->set_size(3);
  expect_failure(Code::kInvalidArgument,
                 "Dimensions must be equal, but are 2 and 3 for 'MatMul' (op: 'MatMul') with "
                 "input shapes: [?,2], [3,1].");
}

TEST_F(ImportErrorTest, OutputShapesInconsistent) {
  to_shape_proto(PartialShape({5, 3}),
                 (*find("x")->mutable_attr())["_output_shapes"].mutable_list()->add_shape());
  EXPECT_TRUE(testing::ThrowsErrorPrefix(
      [&] { import_graph_def(target_, gd_); }, Code::kInvalidArgument,
      "Node 'x' has an _output_shapes attribute inconsistent with the GraphDef for output #0: "));
  EXPECT_EQ(target_.num_operations(), 1u);
  auto* list = (*find("x")->mutable_attr())["_output_shapes"].mutable_list();
  to_shape_proto(PartialShape({-1, 2}), list->mutable_shape(0));
  to_shape_proto(PartialShape({-1, 2}), list->add_shape());
  expect_failure(Code::kInvalidArgument,
                 "Node 'x' has 1 outputs but the _output_shapes attribute specifies shapes for 2 "
                 "outputs");
}

TEST_F(ImportErrorTest, InputMapKeysNotInTheGraphDef) {
  Output e = target_.get_tensor_by_name("existing:0");
  expect_failure(Code::kInvalidArgument,
                 "Attempted to map inputs that were not found in graph_def: [nope:0, x:1]",
                 {.input_map = {{"x:1", e}, {"nope", e}}});
  expect_failure(Code::kInvalidArgument, "Cannot convert 'x:y' to a tensor name.",
                 {.input_map = {{"x:y", e}}});
}

TEST_F(ImportErrorTest, ReturnElementsNotInTheGraphDef) {
  expect_failure(Code::kInvalidArgument, "Requested return node 'ghost' not found in graph def",
                 {.return_elements = {"ghost"}});
  expect_failure(Code::kInvalidArgument,
                 "Requested return tensor 'ghost:0' not found in graph def",
                 {.return_elements = {"ghost:0"}});
  expect_failure(Code::kInvalidArgument,
                 "Invalid return output 2 of node 'MatMul', which has 1 output(s)",
                 {.return_elements = {"MatMul:2"}});
}

TEST_F(ImportErrorTest, VersionsAndPrefix) {
  gd_.mutable_versions()->set_min_consumer(500);
  expect_failure(Code::kInvalidArgument,
                 "GraphDef min consumer version 500 above current version 134 for TensorFlow "
                 "1.15.0.  Please upgrade TensorFlow.");
  gd_.mutable_versions()->set_min_consumer(0);
  gd_.mutable_versions()->add_bad_consumers(134);
  expect_failure(Code::kInvalidArgument,
                 "GraphDef disallows consumer version 134.  Please upgrade TensorFlow: this "
                 "version is likely buggy.");
  gd_.mutable_versions()->clear_bad_consumers();
  expect_failure(Code::kInvalidArgument,
                 "Imported node name prefix '_bad/' would lead to invalid node names",
                 {.prefix = "_bad"});
}

TEST_F(ImportErrorTest, AttrWithoutValueOrBadTensor) {
  (*find("x")->mutable_attr())["dtype"].Clear();
  expect_failure(Code::kInvalidArgument, "Node 'x': attr 'dtype': AttrValue has no value");
  to_attr_value(DataType::kFloat, &(*find("x")->mutable_attr())["dtype"]);
  (*find("out/Add/y")->mutable_attr())["value"].mutable_tensor()->add_float_val(2);
  expect_failure(Code::kInvalidArgument,
                 "Node 'out/Add/y': attr 'value': TensorProto of dtype float32 holds 2 values in "
                 "float_val but its shape has 1 elements");
}

TEST_F(ImportErrorTest, FinalizedGraph) {
  target_.finalize();
  SF_EXPECT_ERROR(Code::kFailedPrecondition, "Graph is finalized and cannot be modified.",
                  import_graph_def(target_, gd_));
}

TEST(GraphDefImportTest, FailedImportLeavesGraphUsable) {
  Graph g;
  small_graph(g);
  tensorflow::GraphDef gd = to_graph_def(g);
  gd.mutable_node(gd.node_size() - 1)->set_op("NoSuchOp");
  Graph h;
  EXPECT_THROW(import_graph_def(h, gd), Error);
  gd.mutable_node(gd.node_size() - 1)->set_op("NoOp");
  import_graph_def(h, gd);
  EXPECT_EQ(names(h), names(g));
}

}  // namespace
}  // namespace scopeflow::io
