// Session: feeds, fetches, targets, pruning, variables, plan caching and TF's errors.
#include <gtest/gtest.h>

#include "scopeflow/scopeflow.h"
#include "../sf_testing.h"

namespace scopeflow {
namespace {

using runtime::OpError;
using runtime::Session;

TEST(SessionTest, FeedsAndFetches) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "x");
  Output y = ops::identity(s, x, "y");
  Session sess(g);
  Tensor v(DataType::kFloat, {2, 3});
  for (int i = 0; i < 6; ++i) v.data<float>()[i] = static_cast<float>(i);
  std::vector<Tensor> out = sess.run({{x, v}}, {y});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(out[0].data<float>()[5], 5.0f);
  // A fed tensor can be fetched directly.
  EXPECT_EQ(sess.run({{x, v}}, {x})[0].data<float>()[4], 4.0f);
}

TEST(SessionTest, UnfedPlaceholderIsAnInvalidArgument) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "x");
  Output y = ops::identity(s, x, "y");
  Session sess(g);
  try {
    sess.run(y);
    FAIL() << "expected an error";
  } catch (const OpError& e) {
    EXPECT_EQ(e.run_code(), runtime::RunCode::kInvalidArgument);
    EXPECT_EQ(e.detail(),
              "You must feed a value for placeholder tensor 'x' with dtype float and shape [?,3]");
    EXPECT_EQ(e.node(), "x");
    EXPECT_EQ(std::string(e.what()),
              "You must feed a value for placeholder tensor 'x' with dtype float and shape "
              "[?,3]\n\t [[{{node x}}]]");
  }
  // Unknown rank and scalars omit the shape, as TF does.
  Output z = ops::placeholder(s, DataType::kInt32, PartialShape::unknown(), "z");
  try {
    sess.run(z);
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.detail(), "You must feed a value for placeholder tensor 'z' with dtype int32");
  }
}

TEST(SessionTest, FeedShapeAndDtypeAreChecked) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({-1, 3}), "x");
  Session sess(g);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Cannot feed value of shape (2,) for Tensor 'x:0', which has shape '(?, 3)'",
                  sess.run({{x, Tensor(DataType::kFloat, {2})}}, {x}));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Cannot feed value of dtype int32 for Tensor 'x:0', which has dtype float32",
                  sess.run({{x, Tensor(DataType::kInt32, {1, 3})}}, {x}));
}

TEST(SessionTest, VariablesLiveInTheSession) {
  Graph g;
  Scope s = Scope::root(g);
  Output w = ops::variable_v2(s, PartialShape({2}), DataType::kFloat, "w");
  Output init = ops::assign(s, w, Tensor::vector<float>({1, 2}));
  Output read = ops::identity(s, w, "read");
  Session sess(g);
  try {
    sess.run(read);
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.run_code(), runtime::RunCode::kFailedPrecondition);
    EXPECT_EQ(e.detail(), "Attempting to use uninitialized value w");
  }
  // The session stays usable after an error.
  sess.run(init.op());
  Tensor before = sess.run(read);
  EXPECT_EQ(before.data<float>()[1], 2.0f);
  // A second session has its own variables.
  Session other(g);
  EXPECT_THROW(other.run(read), OpError);
  // Re-assigning does not change a value fetched before (copy on write).
  Output bump = ops::assign(s, w, Tensor::vector<float>({5, 6}));
  sess.run(bump.op());
  EXPECT_EQ(before.data<float>()[1], 2.0f);
  EXPECT_EQ(sess.run(read).data<float>()[0], 5.0f);
  EXPECT_EQ(sess.run(w).data<float>()[1], 6.0f);
}

TEST(SessionTest, OnlyTheNeededSubgraphRuns) {
  Graph g;
  Scope s = Scope::root(g);
  Output x = ops::placeholder(s, DataType::kFloat, PartialShape({}), "x");
  Output c = ops::constant(s, Tensor::scalar(3.0f), "c");
  (void)ops::identity(s, x, "needs_x");
  Output y = ops::identity(s, c, "y");
  Session sess(g);
  EXPECT_EQ(sess.run(y).data<float>()[0], 3.0f);  // x is not needed, so not fed
}

TEST(SessionTest, PlansAreCachedPerSignature) {
  Graph g;
  Scope s = Scope::root(g);
  Output c = ops::constant(s, Tensor::scalar(1.0f), "c");
  Output y = ops::identity(s, c, "y");
  Session sess(g);
  for (int i = 0; i < 3; ++i) sess.run(y);
  EXPECT_EQ(sess.num_plans(), 1u);
  sess.run({}, {y, c});
  EXPECT_EQ(sess.num_plans(), 2u);
}

TEST(SessionTest, ClosedSessionRefusesToRun) {
  Graph g;
  Output c = ops::constant(Scope::root(g), Tensor::scalar(1.0f), "c");
  Session sess(g);
  sess.close();
  SF_EXPECT_ERROR(Code::kFailedPrecondition, "Attempted to use a closed Session.", sess.run(c));
}

// Ops that only gradients build are registered with the built-in ops, so a graph can use them
// (and a session run them) whether or not a gradient was ever taken.
TEST(SessionTest, GradientSupportOpsAreBuiltIn) {
  for (const char* type : {"ShapeN", "ConcatOffset", "Pad", "StridedSliceGrad",
                           "InvertPermutation", "UnsortedSegmentSum", "PreventGradient",
                           "FloorMod", "SqrtGrad", "RsqrtGrad", "ReciprocalGrad"}) {
    EXPECT_NE(find_op_def(type), nullptr) << type;
    EXPECT_NE(runtime::find_kernel(type), nullptr) << type;
  }
}

}  // namespace
}  // namespace scopeflow
