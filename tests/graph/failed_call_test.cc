// Failed calls: each throws TF's code and message and leaves operations, variables,
// collections, the store and the scope stack as they were, except for the names TF itself
// consumes before failing.
#include <gtest/gtest.h>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using testing::F32;
using testing::I32;
using testing::Shaped;
using testing::Snapshot;
using FailedCall = testing::DefaultGraphTest;

// A graph with some variables, collections and scopes already in it.
void Populate() {
  VariableScopeGuard foo("foo");
  (void)get_variable("v", Shaped({1}));
  (void)make_variable(1.0f, testing::Named("t"));
  (void)ops::constant(F32(1), "c");
}

TEST_F(FailedCall, AnInvalidScopeNameChangesNothing) {
  Populate();
  const auto before = Snapshot(g_);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'a b' is not a valid scope name", NameScope s("a b"));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_x' is not a valid scope name",
                  VariableScopeGuard s("_x"));
  EXPECT_EQ(Snapshot(g_), before);
  EXPECT_EQ(current_scope().name_stack(), "");
  EXPECT_EQ(current_scope().variable_scope().name(), "");
  EXPECT_EQ(g_.unique_name("_x", false), "_x");
}

TEST_F(FailedCall, AFailedVariableScopeLeavesTheStackAndCounters) {
  VariableScopeGuard outer("outer");
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'a:b' is not a valid scope name",
                  VariableScopeGuard s("a:b"));
  EXPECT_EQ(current_scope().name_stack(), "outer");
  EXPECT_EQ(current_scope().variable_scope().name(), "outer");
  auto d = VariableScopeGuard::with_default_name("blk");
  EXPECT_EQ(d->variable_scope().name(), "outer/blk");
}

TEST_F(FailedCall, AnInvalidNodeNameConsumesTheNameButAddsNoOp) {
  // TF validates the op name after unique_name reserved it (§3, traced).
  Populate();
  const auto before = Snapshot(g_);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_c' is not a valid node name",
                  ops::constant(F32(1), "_c"));
  EXPECT_EQ(Snapshot(g_), before);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_c_1' is not a valid node name",
                  ops::constant(F32(1), "_c"));
  EXPECT_EQ(g_.unique_name("_c", false), "_c_2");
  EXPECT_EQ(Snapshot(g_), before);
}

TEST_F(FailedCall, ReuseOfAMissingVariableChangesNothing) {
  Populate();
  const auto before = Snapshot(g_);
  VariableScopeGuard bar("bar", {.reuse = Reuse::kTrue});
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Variable bar/w does not exist, or was not created with tf.get_variable(). Did "
                  "you mean to set reuse=tf.AUTO_REUSE in VarScope?",
                  get_variable("w", Shaped({1})));
  EXPECT_EQ(Snapshot(g_), before);
  EXPECT_FALSE(g_.stored_variable("bar/w").has_value());
}

TEST_F(FailedCall, AnExistingVariableWithoutReuseChangesNothing) {
  Populate();
  const auto before = Snapshot(g_);
  VariableScopeGuard foo("foo");
  SF_EXPECT_ERROR_FIRST_LINE(
      Code::kInvalidArgument,
      "Variable foo/v already exists, disallowed. Did you mean to set reuse=True or "
      "reuse=tf.AUTO_REUSE in VarScope? Originally defined at:",
      get_variable("v", Shaped({1})));
  EXPECT_EQ(Snapshot(g_), before);
}

TEST_F(FailedCall, AShapeMismatchChangesNothing) {
  Populate();
  const auto before = Snapshot(g_);
  Variable stored = *g_.stored_variable("foo/v");
  VariableScopeGuard foo("foo", {.reuse = Reuse::kTrue});
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Trying to share variable foo/v, but specified shape (2,) and found shape (1,).",
                  get_variable("v", Shaped({2})));
  EXPECT_EQ(Snapshot(g_), before);
  EXPECT_EQ(*g_.stored_variable("foo/v"), stored);
}

TEST_F(FailedCall, ADtypeMismatchChangesNothing) {
  Populate();
  const auto before = Snapshot(g_);
  VariableScopeGuard foo("foo", {.reuse = Reuse::kTrue});
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Trying to share variable foo/v, but specified dtype int32 and found dtype "
                  "float32_ref.",
                  get_variable("v", Shaped({1}, DataType::kInt32)));
  EXPECT_EQ(Snapshot(g_), before);
}

TEST_F(FailedCall, AMissingShapeChangesNothing) {
  Populate();
  const auto before = Snapshot(g_);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "The initializer passed is not valid. It should be a callable with no arguments "
                  "and the shape should not be provided or an instance of "
                  "`tf.keras.initializers.*' and `shape` should be fully defined.",
                  get_variable("w"));
  EXPECT_EQ(Snapshot(g_), before);
  EXPECT_FALSE(g_.stored_variable("w").has_value());
  EXPECT_EQ(get_variable("w", Shaped({1})).name(), "w:0");
}

TEST_F(FailedCall, AConstantInitializerWithAShapeChangesNothing) {
  Output init = ops::constant(F32(1));
  const auto before = Snapshot(g_);
  GetVariableOptions o = Shaped({1});
  o.initializer = Initializer::from_tensor(init);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "If initializer is a constant, do not specify shape.",
                  get_variable("u", o));
  EXPECT_EQ(Snapshot(g_), before);
}

TEST_F(FailedCall, AnInitializerTensorDtypeMismatchChangesNothing) {
  Output i = ops::constant(I32(1));
  const auto before = Snapshot(g_);
  GetVariableOptions o;
  o.initializer = Initializer::from_tensor(i);
  o.dtype = DataType::kDouble;
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Initializer type '<dtype: 'int32'>' and explicit dtype '<dtype: 'float64'>' "
                  "don't match.",
                  get_variable("s", o));
  EXPECT_EQ(Snapshot(g_), before);
}

TEST_F(FailedCall, AnInitializerValueDtypeMismatchLeavesTheRootConstTfMakes) {
  // TF converts a non-tensor initializer to a tensor (a root Const) to read its dtype (§9.1).
  NameScope ns("ns");
  GetVariableOptions o;
  o.initializer = Initializer::from_value(I32(1));
  o.dtype = DataType::kDouble;
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Initializer type '<dtype: 'int32'>' and explicit dtype '<dtype: 'float64'>' "
                  "don't match.",
                  get_variable("s", o));
  EXPECT_EQ(testing::OpNames(g_), (std::vector<std::string>{"Const"}));
  EXPECT_EQ(g_.num_variables(), 0u);
}

TEST_F(FailedCall, AMissingInitializerForComplexChangesNothing) {
  Populate();
  const auto before = Snapshot(g_);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "An initializer for variable z of <dtype: 'complex64'> is required",
                  get_variable("z", Shaped({1}, DataType::kComplex64)));
  EXPECT_EQ(Snapshot(g_), before);
}

TEST_F(FailedCall, AVariableNameInvalidAtTheRootChangesNothing) {
  NameScope ns("ns");
  VariableScopeGuard vs("_v");
  const auto before = Snapshot(g_);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'_v/w' is not a valid scope name",
                  get_variable("w", Shaped({1})));
  EXPECT_EQ(Snapshot(g_), before);
  EXPECT_FALSE(g_.stored_variable("_v/w").has_value());
}

TEST_F(FailedCall, DefaultNameWithReuseChangesNothing) {
  const auto before = Snapshot(g_);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "reuse=True cannot be used without a name_or_scope",
                  auto s = VariableScopeGuard::with_default_name("d", {.reuse = Reuse::kTrue}));
  EXPECT_EQ(Snapshot(g_), before);
  EXPECT_EQ(current_scope().variable_scope().name(), "");
  EXPECT_EQ(g_.unique_name("d", false), "d");
}

TEST_F(FailedCall, APartitionedShapeErrorChangesNothing) {
  Populate();
  const auto before = Snapshot(g_);
  Partitioner p;
  p.fn = [](const PartialShape&, DataType) { return std::vector<int64_t>{2}; };
  GetVariableOptions o;
  o.partitioner = p;
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape of a new partitioned variable must be fully defined, but instead was "
                  "<unknown>.",
                  get_variable_result(current_scope(), "pv", o));
  EXPECT_EQ(Snapshot(g_), before);
  EXPECT_EQ(g_.stored_partitioned_variable("pv"), nullptr);
}

TEST_F(FailedCall, ALookupFailureChangesNothing) {
  Populate();
  const auto before = Snapshot(g_);
  SF_EXPECT_CODE(Code::kNotFound, g_.get_operation_by_name("missing"));
  SF_EXPECT_CODE(Code::kNotFound, g_.get_tensor_by_name("missing:0"));
  EXPECT_EQ(Snapshot(g_), before);
}

TEST(FailedCallExplicit, AFailedExplicitScopeLeavesTheParentUsable) {
  Graph g;
  Scope root = Scope::root(g);
  Scope s = root.name_scope("s");
  SF_EXPECT_ERROR(Code::kInvalidArgument, "'a b' is not a valid scope name", s.name_scope("a b"));
  EXPECT_EQ(s.name_scope("t").name_scope_string(), "s/t/");
  EXPECT_EQ(ops::constant(s, F32(1)).name(), "s/Const:0");
  EXPECT_EQ(testing::OpNames(g), (std::vector<std::string>{"s/Const"}));
}

}  // namespace
}  // namespace scopeflow
