// Control flow: Switch/Merge kernels with dead-branch propagation, and tf.cond as TF 1.15
// builds it (names, edges, pivots, nested conds) and runs it.
#include <gtest/gtest.h>

#include "scopeflow/ops/control_flow_ops.h"
#include "scopeflow/scopeflow.h"
#include "../sf_testing.h"

namespace scopeflow {
namespace {

using runtime::OpError;
using runtime::Session;

std::vector<std::string> op_names(const Graph& g) {
  std::vector<std::string> out;
  for (const Operation& op : g.get_operations()) out.emplace_back(op.name());
  return out;
}

std::vector<std::string> input_names(const Operation& op) {
  std::vector<std::string> out;
  for (const Output& o : op.inputs()) out.push_back(o.name());
  return out;
}

std::vector<std::string> control_names(const Operation& op) {
  std::vector<std::string> out;
  for (const Operation& c : op.control_inputs()) out.emplace_back(c.name());
  return out;
}

using Names = std::vector<std::string>;

float run_float(Session& sess, const Output& pred, bool p, const Output& fetch,
                std::vector<Session::Feed> extra = {}) {
  extra.push_back({pred, Tensor::scalar(p)});
  const std::vector<Output> fetches = {fetch};
  return sess.run(std::span<const Session::Feed>(extra), fetches)[0].data<float>()[0];
}

TEST(ControlFlowTest, SwitchAndMergeShapesAndNames) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({2, 3}), "x");
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  auto [f, t] = ops::switch_(s, x, p);
  EXPECT_EQ(f.name(), "Switch:0");
  EXPECT_EQ(t.name(), "Switch:1");
  EXPECT_EQ(t.shape(), PartialShape({2, 3}));
  EXPECT_EQ(t.dtype(), DataType::kFloat);
  Output y = ops::placeholder(s, DataType::kFloat, PartialShape({2, 4}), "y");
  auto [m, idx] = ops::merge(s, {f, y});
  EXPECT_EQ(m.name(), "Merge:0");
  EXPECT_EQ(m.shape(), PartialShape({2, -1}));
  EXPECT_EQ(idx.dtype(), DataType::kInt32);
  EXPECT_EQ(idx.shape(), PartialShape({}));
  Output v = ops::placeholder(s, DataType::kFloat, PartialShape({2}), "v");
  EXPECT_EQ(ops::merge(s, {f, v}).first.shape(), PartialShape::unknown());
  // The predicate must be a scalar.
  Output pv = ops::placeholder(s, DataType::kBool, PartialShape({2}), "pv");
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape must be rank 0 but is rank 1 for 'Switch_1' (op: 'Switch') with input "
                  "shapes: [2,3], [2].",
                  ops::switch_(s, x, pv));
}

TEST(ControlFlowTest, SwitchMarksTheUntakenOutputDead) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({}), "x");
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  auto [f, t] = ops::switch_(s, x, p);
  Output tf = ops::identity(s, t, "t");
  Output ff = ops::identity(s, f, "f");
  auto [m, idx] = ops::merge(s, {ff, tf});
  Session sess(g);
  std::vector<Session::Feed> feeds = {{x, Tensor::scalar(3.0f)}, {p, Tensor::scalar(true)}};
  auto run = [&](std::vector<Output> fetches) {
    return sess.run(std::span<const Session::Feed>(feeds), fetches);
  };
  auto out = run({m, idx, tf});
  EXPECT_EQ(out[0].data<float>()[0], 3.0f);
  EXPECT_EQ(out[1].data<int32_t>()[0], 1);
  EXPECT_EQ(out[2].data<float>()[0], 3.0f);
  feeds[1].second = Tensor::scalar(false);
  out = run({m, idx});
  EXPECT_EQ(out[1].data<int32_t>()[0], 0);
  // Fetching a dead tensor fails as TF's executor does.
  SF_EXPECT_ERROR(Code::kInvalidArgument, "Retval[0] does not have value",
                  run({tf}));
  // A non-scalar predicate fails at run time.
  Output pd = ops::placeholder(s, DataType::kBool, PartialShape::unknown(), "pd");
  Output sw = ops::switch_(s, x, pd).second;
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "The second input must be a scalar, but it has shape [2]\n\t [[{{node "
                  "Switch_1}}]]",
                  sess.run({{x, Tensor::scalar(1.0f)}, {pd, Tensor::vector<bool>({true, false})}},
                           {sw}));
}

TEST(ControlFlowTest, CondBuildsTheV1Graph) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({}), "x");
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  Output r = ops::cond(
      s, p, [&](const Scope& c) { return ops::add(c, x, 1.0f); },
      [&](const Scope& c) { return ops::mul(c, x, 2.0f); });
  EXPECT_EQ(r.name(), "cond/Merge:0");
  EXPECT_EQ(r.shape(), PartialShape({}));
  EXPECT_EQ(op_names(g),
            (Names{"x", "p", "cond/Switch", "cond/switch_t", "cond/switch_f", "cond/pred_id",
                   "cond/Add/y", "cond/Add", "cond/Add/Switch", "cond/Mul/y", "cond/Mul",
                   "cond/Mul/Switch", "cond/Merge"}));
  auto op = [&](const char* n) { return g.get_operation_by_name(n); };
  EXPECT_EQ(input_names(op("cond/Switch")), (Names{"p:0", "p:0"}));
  EXPECT_EQ(input_names(op("cond/switch_t")), (Names{"cond/Switch:1"}));
  EXPECT_EQ(input_names(op("cond/switch_f")), (Names{"cond/Switch:0"}));
  EXPECT_EQ(input_names(op("cond/pred_id")), (Names{"p:0"}));
  EXPECT_EQ(control_names(op("cond/Add/y")), (Names{"cond/switch_t"}));
  EXPECT_EQ(control_names(op("cond/Mul/y")), (Names{"cond/switch_f"}));
  EXPECT_EQ(input_names(op("cond/Add/Switch")), (Names{"x:0", "cond/pred_id:0"}));
  EXPECT_EQ(input_names(op("cond/Add")), (Names{"cond/Add/Switch:1", "cond/Add/y:0"}));
  EXPECT_EQ(input_names(op("cond/Mul")), (Names{"cond/Mul/Switch:0", "cond/Mul/y:0"}));
  EXPECT_EQ(input_names(op("cond/Merge")), (Names{"cond/Mul:0", "cond/Add:0"}));
  EXPECT_TRUE(control_names(op("cond/Add")).empty());
  // _SwitchRefOrTensor colocates the Switch with its data.
  auto cls = op("cond/Add/Switch").attr("_class");
  ASSERT_TRUE(cls.has_value());
  EXPECT_EQ(std::get<std::vector<std::string>>(*cls), (Names{"loc:@x"}));
  EXPECT_FALSE(op("cond/Switch").attr("_class").has_value());
  // CondContext reserves its names as TF does.
  EXPECT_EQ(s.name_scope("cond/").unique_name("cond_text"), "cond/cond_text_2");

  Session sess(g);
  const Session::Feed fx{x, Tensor::scalar(5.0f)};
  EXPECT_EQ(run_float(sess, p, true, r, {fx}), 6.0f);
  EXPECT_EQ(run_float(sess, p, false, r, {fx}), 10.0f);
  // No context stays active after cond.
  EXPECT_EQ(g.control_flow_context(), nullptr);
  Output after = ops::constant(s, Tensor::scalar(1.0f), "after");
  EXPECT_TRUE(after.op().control_inputs().empty());
}

TEST(ControlFlowTest, ExternalResultsConstantsAndCaching) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({}), "x");
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  // lambda: x switches x in the cond's scope; a constant gets the pivot as control input;
  // x used twice in a branch is switched once.
  std::vector<Output> r = ops::cond(
      s, p, [&](const Scope&) { return std::vector<Output>{x, x}; },
      [&](const Scope& c) {
        Output k = ops::constant(c, Tensor::scalar(2.0f));
        Output sum = ops::add(c, x, x);
        return std::vector<Output>{k, ops::mul(c, sum, x)};
      });
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].name(), "cond/Merge:0");
  EXPECT_EQ(r[1].name(), "cond/Merge_1:0");
  EXPECT_EQ(op_names(g),
            (Names{"x", "p", "cond/Switch", "cond/switch_t", "cond/switch_f", "cond/pred_id",
                   "cond/Switch_1", "cond/Const", "cond/Add", "cond/Add/Switch", "cond/Mul",
                   "cond/Merge", "cond/Merge_1"}));
  auto op = [&](const char* n) { return g.get_operation_by_name(n); };
  EXPECT_EQ(input_names(op("cond/Switch_1")), (Names{"x:0", "cond/pred_id:0"}));
  EXPECT_EQ(control_names(op("cond/Const")), (Names{"cond/switch_f"}));
  EXPECT_EQ(input_names(op("cond/Add")), (Names{"cond/Add/Switch:0", "cond/Add/Switch:0"}));
  EXPECT_EQ(input_names(op("cond/Mul")), (Names{"cond/Add:0", "cond/Add/Switch:0"}));
  EXPECT_EQ(input_names(op("cond/Merge")), (Names{"cond/Const:0", "cond/Switch_1:1"}));
  EXPECT_EQ(input_names(op("cond/Merge_1")), (Names{"cond/Mul:0", "cond/Switch_1:1"}));

  Session sess(g);
  std::vector<Session::Feed> feeds = {{x, Tensor::scalar(3.0f)}, {p, Tensor::scalar(true)}};
  auto out = sess.run(std::span<const Session::Feed>(feeds), r);
  EXPECT_EQ(out[0].data<float>()[0], 3.0f);
  EXPECT_EQ(out[1].data<float>()[0], 3.0f);
  feeds[1].second = Tensor::scalar(false);
  out = sess.run(std::span<const Session::Feed>(feeds), r);
  EXPECT_EQ(out[0].data<float>()[0], 2.0f);
  EXPECT_EQ(out[1].data<float>()[0], 18.0f);
}

TEST(ControlFlowTest, NestedCond) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({}), "x");
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  Output q = ops::placeholder(s, DataType::kBool, PartialShape({}), "q");
  Output r = ops::cond(
      s, p,
      [&](const Scope& c) {
        return ops::cond(
            c, q, [&](const Scope& c2) { return ops::add(c2, x, 1.0f); },
            [&](const Scope& c2) { return ops::constant(c2, Tensor::scalar(0.0f)); });
      },
      [&](const Scope& c) { return ops::constant(c, Tensor::scalar(-1.0f)); });
  EXPECT_EQ(r.name(), "cond/Merge:0");
  EXPECT_EQ(op_names(g),
            (Names{"x", "p", "q", "cond/Switch", "cond/switch_t", "cond/switch_f",
                   "cond/pred_id", "cond/cond/Switch", "cond/cond/Switch/Switch",
                   "cond/cond/switch_t", "cond/cond/switch_f", "cond/cond/pred_id",
                   "cond/cond/Add/y", "cond/cond/Add", "cond/cond/Add/Switch",
                   "cond/cond/Add/Switch_1", "cond/cond/Const", "cond/cond/Merge", "cond/Const",
                   "cond/Merge"}));
  auto op = [&](const char* n) { return g.get_operation_by_name(n); };
  EXPECT_EQ(input_names(op("cond/cond/Switch/Switch")), (Names{"q:0", "cond/pred_id:0"}));
  EXPECT_EQ(input_names(op("cond/cond/Switch")),
            (Names{"cond/cond/Switch/Switch:1", "cond/cond/Switch/Switch:1"}));
  EXPECT_EQ(input_names(op("cond/cond/pred_id")), (Names{"cond/cond/Switch/Switch:1"}));
  EXPECT_EQ(input_names(op("cond/cond/Add/Switch")), (Names{"x:0", "cond/pred_id:0"}));
  EXPECT_EQ(input_names(op("cond/cond/Add/Switch_1")),
            (Names{"cond/cond/Add/Switch:1", "cond/cond/pred_id:0"}));
  EXPECT_EQ(input_names(op("cond/cond/Add")), (Names{"cond/cond/Add/Switch_1:1", "cond/cond/Add/y:0"}));
  EXPECT_EQ(control_names(op("cond/cond/Add/y")), (Names{"cond/cond/switch_t"}));
  EXPECT_EQ(control_names(op("cond/cond/Const")), (Names{"cond/cond/switch_f"}));
  EXPECT_EQ(control_names(op("cond/Const")), (Names{"cond/switch_f"}));
  EXPECT_EQ(input_names(op("cond/Merge")), (Names{"cond/Const:0", "cond/cond/Merge:0"}));

  Session sess(g);
  auto run = [&](bool pv, bool qv) {
    return sess.run({{x, Tensor::scalar(4.0f)}, {p, Tensor::scalar(pv)}, {q, Tensor::scalar(qv)}},
                    {r})[0]
        .data<float>()[0];
  };
  EXPECT_EQ(run(true, true), 5.0f);
  EXPECT_EQ(run(true, false), 0.0f);
  EXPECT_EQ(run(false, true), -1.0f);
  EXPECT_EQ(run(false, false), -1.0f);
}

TEST(ControlFlowTest, UntakenBranchDoesNotRun) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({}), "x");
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  Output r = ops::cond(
      s, p,
      [&](const Scope& c) {
        Output unfed = ops::placeholder(c, DataType::kFloat, PartialShape({}), "unfed");
        return ops::add(c, unfed, x);
      },
      [&](const Scope& c) { return ops::identity(c, x); });
  EXPECT_EQ(control_names(g.get_operation_by_name("cond/unfed")), (Names{"cond/switch_t"}));
  EXPECT_EQ(input_names(g.get_operation_by_name("cond/Identity")), (Names{"cond/Identity/Switch:0"}));
  Session sess(g);
  const Session::Feed fx{x, Tensor::scalar(7.0f)};
  EXPECT_EQ(run_float(sess, p, false, r, {fx}), 7.0f);
  try {
    run_float(sess, p, true, r, {fx});
    FAIL() << "expected an error";
  } catch (const OpError& e) {
    EXPECT_EQ(e.node(), "cond/unfed");
    EXPECT_EQ(e.detail(),
              "You must feed a value for placeholder tensor 'cond/unfed' with dtype float");
  }
  // Feeding it makes the true branch work.
  Output unfed = g.get_tensor_by_name("cond/unfed:0");
  EXPECT_EQ(run_float(sess, p, true, r, {fx, {unfed, Tensor::scalar(1.0f)}}), 8.0f);
}

TEST(ControlFlowTest, ControlDependenciesInsideABranch) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({}), "x");
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  Output outside = ops::constant(s, Tensor::scalar(1.0f), "outside");
  Output r = ops::cond(
      s, p,
      [&](const Scope& c) {
        Output a = ops::identity(c, x, "a");
        // A constant depending on an op of the branch needs no pivot.
        Output k = ops::constant(c.with_control_dependencies({a.op()}), Tensor::scalar(3.0f), "k");
        return ops::add(c, a, k);
      },
      [&](const Scope& c) {
        // A constant depending only on an outside op still gets the pivot.
        return ops::constant(c.with_control_dependencies({outside.op()}), Tensor::scalar(5.0f), "k");
      });
  EXPECT_EQ(control_names(g.get_operation_by_name("cond/k")), (Names{"cond/a"}));
  EXPECT_EQ(control_names(g.get_operation_by_name("cond/k_1")),
            (Names{"outside", "cond/switch_f"}));
  Session sess(g);
  const Session::Feed fx{x, Tensor::scalar(2.0f)};
  EXPECT_EQ(run_float(sess, p, true, r, {fx}), 5.0f);
  EXPECT_EQ(run_float(sess, p, false, r, {fx}), 5.0f);
}

TEST(ControlFlowTest, VariablesInsideABranch) {
  Graph g;
  Scope s = Scope::root(g);
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  Output w = ops::variable_v2(s, PartialShape({}), DataType::kFloat, "w");
  Output init = ops::assign(s, w, Tensor::scalar(1.0f), true, "init");
  Output r = ops::cond(
      s, p, [&](const Scope& c) { return ops::identity(c, ops::assign(c, w, 10.0f)); },
      [&](const Scope& c) { return ops::identity(c, w); });
  // A reference is switched with RefSwitch.
  Operation sw = g.get_operation_by_name("cond/Assign/Switch");
  EXPECT_EQ(sw.type(), "RefSwitch");
  EXPECT_EQ(input_names(g.get_operation_by_name("cond/Assign")),
            (Names{"cond/Assign/Switch:1", "cond/Assign/value:0"}));
  Session sess(g);
  sess.run(init.op());
  EXPECT_EQ(run_float(sess, p, false, r), 1.0f);
  EXPECT_EQ(run_float(sess, p, true, r), 10.0f);
  EXPECT_EQ(sess.run(ops::identity(s, w, "read")).data<float>()[0], 10.0f);
}

TEST(ControlFlowTest, CondErrors) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({}), "x");
  Output i = ops::placeholder(s, DataType::kInt32, PartialShape({}), "i");
  Output p = ops::placeholder(s, DataType::kBool, PartialShape({}), "p");
  SF_EXPECT_ERROR(
      Code::kInvalidArgument, "Outputs of true_fn and false_fn must have the same type: float32, int32",
      ops::cond(s, p, [&](const Scope&) { return x; }, [&](const Scope&) { return i; }));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "true_fn and false_fn must return at least one result.",
                  ops::cond(
                      s, p, [&](const Scope&) { return std::vector<Output>{}; },
                      [&](const Scope&) { return std::vector<Output>{}; }));
  // An exception in a branch leaves no context behind.
  EXPECT_THROW(ops::cond(
                   s, p, [&](const Scope&) -> Output { throw Error(Code::kInternal, "boom"); },
                   [&](const Scope&) { return x; }),
               Error);
  EXPECT_EQ(g.control_flow_context(), nullptr);
}

}  // namespace
}  // namespace scopeflow
