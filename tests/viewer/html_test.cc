// Tests of the viewer (viewer/html.h): folding by scope and series, the page's embedded data
// and its escaping, and DOT export. Expected values are worked out by hand from TensorBoard's
// grouping rules (../shared/formats.md, "Graph dashboard grouping") and the data format
// written down in src/viewer/html.cc.
#include "scopeflow/viewer/html.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow::viewer {
namespace {

using Views = std::vector<std::string_view>;

// One line per group: "<kind> <path> parent=<p> ops=[first,end) groups=end", then the ops'
// indices in display order with the group that shows each.
std::string describe(const ViewTree& t) {
  static const char* kKinds[] = {"scope", "op-series", "scope-series"};
  std::ostringstream s;
  for (const ViewGroup& g : t.groups)
    s << kKinds[static_cast<int>(g.kind)] << " '" << g.path << "' label='" << g.label
      << "' parent=" << g.parent << " ops=[" << g.first_op << "," << g.end_op
      << ") end_group=" << g.end_group << "\n";
  for (size_t p = 0; p < t.ops.size(); ++p) s << t.ops[p] << "@" << t.op_group[p] << " ";
  return s.str();
}

ViewTree fold(const Views& names, const Views& types, FoldOptions options = {}) {
  return build_view_tree(names, types, options);
}

TEST(ViewerFold, ScopesHoldTheirOpsInCreationOrder) {
  const Views names = {"x", "layer/w", "layer/MatMul", "out"};
  const Views types = {"Placeholder", "VariableV2", "MatMul", "Identity"};
  EXPECT_EQ(describe(fold(names, types)),
            "scope '' label='' parent=-1 ops=[0,4) end_group=2\n"
            "scope 'layer' label='layer' parent=0 ops=[1,3) end_group=2\n"
            "0@0 1@1 2@1 3@0 ");
}

TEST(ViewerFold, AnOpNamedLikeAScopeIsShownInsideIt) {
  // tf.random_normal makes "random_normal/..." ops, then the op "random_normal" itself.
  const Views names = {"random_normal/shape", "random_normal/mul", "random_normal", "y"};
  const Views types = {"Const", "Mul", "Add", "Identity"};
  EXPECT_EQ(describe(fold(names, types)),
            "scope '' label='' parent=-1 ops=[0,4) end_group=2\n"
            "scope 'random_normal' label='random_normal' parent=0 ops=[0,3) end_group=2\n"
            "0@1 1@1 2@1 3@0 ");
}

TEST(ViewerFold, FiveNumberedOpsOfOneTypeFormASeries) {
  const Views names = {"s/Add", "s/Add_1", "s/Add_2", "s/Add_3", "s/Add_4", "s/Mul"};
  const Views types = {"Add", "Add", "Add", "Add", "Add", "Mul"};
  EXPECT_EQ(describe(fold(names, types)),
            "scope '' label='' parent=-1 ops=[0,6) end_group=3\n"
            "scope 's' label='s' parent=0 ops=[0,6) end_group=3\n"
            "op-series 's/Add[0-4]' label='Add[0-4]' parent=1 ops=[0,5) end_group=3\n"
            "0@2 1@2 2@2 3@2 4@2 5@1 ");
}

TEST(ViewerFold, FourNumberedOpsStaySeparate) {
  const Views names = {"Add", "Add_1", "Add_2", "Add_3"};
  const Views types = {"Add", "Add", "Add", "Add"};
  EXPECT_EQ(describe(fold(names, types)),
            "scope '' label='' parent=-1 ops=[0,4) end_group=1\n0@0 1@0 2@0 3@0 ");
}

TEST(ViewerFold, SeriesNeedOneTypeAndConsecutiveNumbers) {
  // Add_2 is a Mul and Add_9 follows a gap: the run Add, Add_3 .. Add_7 has 1 + 5 members but
  // only 3..7 are consecutive.
  const Views names = {"Add",   "Add_1", "Add_2", "Add_3", "Add_4",
                       "Add_5", "Add_6", "Add_7", "Add_9"};
  const Views types = {"Add", "Add", "Mul", "Add", "Add", "Add", "Add", "Add", "Add"};
  EXPECT_EQ(describe(fold(names, types)),
            "scope '' label='' parent=-1 ops=[0,9) end_group=2\n"
            "op-series 'Add[3-7]' label='Add[3-7]' parent=0 ops=[3,8) end_group=2\n"
            "0@0 1@0 2@0 3@1 4@1 5@1 6@1 7@1 8@0 ");
}

TEST(ViewerFold, NumberedSiblingScopesFormASeries) {
  const Views names = {"tower_0/mul", "tower_1/mul", "conv2d/Relu", "conv2d_1/Relu", "sum"};
  const Views types = {"Mul", "Mul", "Relu", "Relu", "AddN"};
  // conv2d_1 has a digit before its '_': TensorBoard's ^(\D*)_(\d+)$ does not match it.
  EXPECT_EQ(describe(fold(names, types)),
            "scope '' label='' parent=-1 ops=[0,5) end_group=6\n"
            "scope-series 'tower[0-1]' label='tower[0-1]' parent=0 ops=[0,2) end_group=4\n"
            "scope 'tower_0' label='tower_0' parent=1 ops=[0,1) end_group=3\n"
            "scope 'tower_1' label='tower_1' parent=1 ops=[1,2) end_group=4\n"
            "scope 'conv2d' label='conv2d' parent=0 ops=[2,3) end_group=5\n"
            "scope 'conv2d_1' label='conv2d_1' parent=0 ops=[3,4) end_group=6\n"
            "0@2 1@3 2@4 3@5 4@0 ");
}

TEST(ViewerFold, SeriesCanBeTurnedOff) {
  const Views names = {"t_0/a", "t_1/a", "A", "A_1", "A_2", "A_3", "A_4"};
  const Views types = {"X", "X", "A", "A", "A", "A", "A"};
  const ViewTree t = fold(names, types, {.series_min_size = 0, .scope_series_min_size = 0});
  ASSERT_EQ(t.groups.size(), 3u);
  EXPECT_EQ(t.groups[1].kind, ViewGroup::Kind::kScope);
  EXPECT_EQ(t.groups[2].kind, ViewGroup::Kind::kScope);
}

// A graph whose names and edges are set exactly (a trailing '/' makes create_op take the
// name as given).
class ViewerGraph : public ::testing::Test {
 protected:
  Operation op(std::string_view name, std::string_view type, std::vector<Output> inputs = {},
               std::vector<Attr> attrs = {}, std::vector<Graph::OutputSpec> outputs = {},
               std::vector<Operation> control = {}) {
    return g_.create_op(Scope::root(g_), type, std::string(name) + "/", inputs, attrs, outputs,
                        control);
  }
  static std::vector<Graph::OutputSpec> floats(PartialShape shape) {
    return {{DataType::kFloat, std::move(shape)}};
  }
  Graph g_;
};

TEST_F(ViewerGraph, DotHasOneClusterPerScope) {
  Operation x = op("x", "Placeholder", {}, {}, floats(PartialShape({-1, 2})));
  Operation w = op("layer/w", "VariableV2", {}, {}, floats(PartialShape({2, 1})));
  Operation read = op("layer/w/read", "Identity", {w.output(0)}, {}, floats(PartialShape({2, 1})));
  Operation mm = op("layer/MatMul", "MatMul", {x.output(0), read.output(0)}, {},
                    floats(PartialShape({-1, 1})));
  op("init", "NoOp", {}, {}, {}, {mm});
  EXPECT_EQ(render_dot(g_),
            "digraph scopeflow {\n"
            "  graph [compound=true, fontname=\"Helvetica\", fontsize=11];\n"
            "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n"
            "  \"x\" [label=\"x\\nPlaceholder\"];\n"
            "  subgraph \"cluster_layer\" {\n"
            "    label=\"layer\";\n"
            "    subgraph \"cluster_layer/w\" {\n"
            "      label=\"w\";\n"
            "      \"layer/w\" [label=\"(w)\\nVariableV2\"];\n"
            "      \"layer/w/read\" [label=\"read\\nIdentity\"];\n"
            "    }\n"
            "    \"layer/MatMul\" [label=\"MatMul\\nMatMul\"];\n"
            "  }\n"
            "  \"init\" [label=\"init\\nNoOp\"];\n"
            "  \"layer/w\" -> \"layer/w/read\";\n"
            "  \"x\" -> \"layer/MatMul\";\n"
            "  \"layer/w/read\" -> \"layer/MatMul\";\n"
            "  \"layer/MatMul\" -> \"init\" [style=dashed];\n"
            "}\n");
}

TEST_F(ViewerGraph, DotDoesNotFoldSeries) {
  for (int i = 0; i < 5; ++i) op(i ? "Add_" + std::to_string(i) : "Add", "Add");
  const std::string dot = render_dot(g_);
  EXPECT_EQ(dot.find("cluster"), std::string::npos);
  EXPECT_NE(dot.find("  \"Add_4\" [label=\"Add_4\\nAdd\"];\n"), std::string::npos);
}

// The JSON between the data element's tags.
std::string page_json(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"sf-data\">";
  const size_t begin = html.find(open);
  if (begin == std::string::npos) return "";
  const size_t end = html.find("</script>", begin);
  return html.substr(begin + open.size(), end - begin - open.size());
}

TEST_F(ViewerGraph, PageEmbedsEveryOpsRecord) {
  Operation a = op("a", "Const", {}, {{"dtype", DataType::kFloat}}, floats(PartialShape({2})));
  op("s/b", "Identity", {a.output(0)}, {{"T", DataType::kFloat}}, floats(PartialShape({2})));
  op("s/c", "NoOp", {}, {}, {}, {a});
  // Strings in first-use order: a's type, device, attr key and value, output dtype and shape;
  // then b's, then c's. Inputs: a:0 is position 0; the control input ^a is -(0 + 1).
  EXPECT_EQ(page_json(render_html(g_)),
            "{\"v\":1,"
            "\"s\":[\"Const\",\"\",\"dtype\",\"float32\",\"(2,)\",\"Identity\",\"T\",\"NoOp\"],"
            "\"g\":[[-1,\"\",0,0,3,2],[0,\"s\",0,1,3,2]],"
            "\"o\":[[\"a\",0,0,[],1,[2,3],[3,4]],"
            "[\"s/b\",5,1,[0],1,[6,3],[3,4]],"
            "[\"s/c\",7,1,[-1],1,[],[]]]}");
}

TEST_F(ViewerGraph, PageRefersToOpsByDisplayPosition) {
  // Created: a/p, z, a/q (reads z:0), r (reads a/q:1). Shown: the scope a where its first op
  // was created, so a/p, a/q, then z, r: z is position 2, a/q position 1. Strings are
  // interned in display order: P "" float32 () Q int32 Z R.
  op("a/p", "P", {}, {}, floats(PartialShape({})));
  Operation z = op("z", "Z", {}, {}, floats(PartialShape({})));
  Operation q = op("a/q", "Q", {z.output(0)}, {},
                   {{DataType::kFloat, PartialShape({})}, {DataType::kInt32, PartialShape({})}});
  op("r", "R", {q.output(1)}, {}, {});
  const std::string json = page_json(render_html(g_));
  EXPECT_NE(json.find("[\"a/q\",4,1,[2],1,[],[2,3,5,3]]"), std::string::npos) << json;
  EXPECT_NE(json.find("[\"r\",7,0,[[1,1]],1,[],[]]"), std::string::npos) << json;
}

TEST_F(ViewerGraph, PageTextCannotEndTheScript) {
  op("note", "Note", {}, {{"text", std::string("</script><script>alert(1)</script><!--")}});
  const std::string html = render_html(g_, {.title = "a <b> & \"c\""});
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  EXPECT_NE(html.find("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"
                      "\\u003c!--"),
            std::string::npos);
  EXPECT_NE(html.find("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"), std::string::npos);
  // The data, the layout library and the viewer: three scripts, three ends.
  size_t ends = 0;
  for (size_t at = html.find("</script>"); at != std::string::npos;
       at = html.find("</script>", at + 1))
    ++ends;
  EXPECT_EQ(ends, 3u);
}

TEST_F(ViewerGraph, PageFetchesNothing) {
  op("x", "Placeholder");
  const std::string html = render_html(g_);
  EXPECT_NE(html.find("content=\"default-src 'none'; script-src 'unsafe-inline'; "
                      "style-src 'unsafe-inline'; img-src data:\""),
            std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link rel=\"stylesheet\""), std::string::npos);
  EXPECT_EQ(html.find("sourceMappingURL"), std::string::npos);
}

TEST_F(ViewerGraph, WriteHtmlReplacesTheFileWhole) {
  op("x", "Placeholder");
  // Per process: another build's test run may be using the same temp folder.
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sf_viewer_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "g.html").string();
  {
    std::ofstream old(path);
    old << "old";
  }
  write_html(g_, path);
  std::ifstream f(path);
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, render_html(g_));
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()),
            1);
  std::filesystem::remove_all(dir);
}

TEST_F(ViewerGraph, WriteHtmlToAMissingFolderThrows) {
  op("x", "Placeholder");
  EXPECT_TRUE(testing::ThrowsError([&] { write_html(g_, "/nonexistent-sf-dir/g.html"); },
                                   Code::kNotFound,
                                   "/nonexistent-sf-dir/g.html; No such file or directory"));
}

}  // namespace
}  // namespace scopeflow::viewer
