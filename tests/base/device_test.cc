// DeviceSpec parsing, merging and printing (TF's DeviceSpec), and devices on ops and variables.
#include "scopeflow/base/device.h"

#include <gtest/gtest.h>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

TEST(DeviceSpec, ShortCpuAndGpuFormsAreSpelledAsDeviceTypeAndIndex) {
  EXPECT_EQ(DeviceSpec::parse("/cpu:0").to_string(), "/device:CPU:0");
  EXPECT_EQ(DeviceSpec::parse("/gpu:1").to_string(), "/device:GPU:1");
  EXPECT_EQ(DeviceSpec::parse("gpu").to_string(), "/device:GPU:*");
  EXPECT_EQ(DeviceSpec::parse("/job:ps/replica:1/task:2/device:GPU:3").to_string(),
            "/job:ps/replica:1/task:2/device:GPU:3");
  EXPECT_EQ(DeviceSpec::parse("").to_string(), "");
}

TEST(DeviceSpec, AnInnerSpecOverridesOnlyTheFieldsItNames) {
  DeviceSpec outer = DeviceSpec::parse("/job:ps/task:0/device:CPU:0");
  EXPECT_EQ(outer.merged_with(DeviceSpec::parse("/gpu:1")).to_string(),
            "/job:ps/task:0/device:GPU:1");
  EXPECT_EQ(outer.merged_with(DeviceSpec::parse("/task:3")).to_string(),
            "/job:ps/task:3/device:CPU:0");
}

TEST(DeviceSpec, AnUnknownPartIsRejectedWithTfsMessage) {
  SF_EXPECT_ERROR(Code::kInvalidArgument, "Unknown attribute: 'bogus' in '/bogus:1'",
                  DeviceSpec::parse("/bogus:1"));
}

TEST(DeviceScope, OpsGetTheMergedDeviceAndNulloptClearsIt) {
  Graph g;
  Scope ps = Scope::root(g).with_device("/job:ps");
  Output a = ops::constant(ps.with_device("/gpu:0"), Tensor::scalar(1.0f));
  Output b = ops::constant(ps.with_device(std::nullopt), Tensor::scalar(1.0f));
  EXPECT_EQ(a.op().device(), "/job:ps/device:GPU:0");
  EXPECT_EQ(a.str(), "Tensor(\"Const:0\", shape=(), dtype=float32, device=/job:ps/device:GPU:0)");
  EXPECT_EQ(b.op().device(), "");
}

TEST(DeviceScope, AVariablesSnapshotSitsBesideItUnlessACachingDeviceIsSet) {
  Graph g;
  Scope ps = Scope::root(g).with_device("/job:ps");
  Variable v = get_variable(ps, "v", {.shape = PartialShape({1})});
  EXPECT_EQ(v.op().device(), "/job:ps");
  EXPECT_EQ(v.value().op().device(), "/job:ps");
  // The initializer's ops are built with no device (TF: ops.device(None)).
  EXPECT_EQ(v.initial_value().op().device(), "");
  VariableScopeOptions cached;
  cached.caching_device = "/job:worker";
  Variable w = get_variable(ps.variable_scope("c", cached), "w", {.shape = PartialShape({1})});
  EXPECT_EQ(w.op().device(), "/job:ps");
  EXPECT_EQ(w.value().op().device(), "/job:worker");
}

TEST(ControlDependencies, AnOpWhoseInputWasBuiltInsideTheBlockGetsNoControlInput) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::constant(root, Tensor::scalar(1.0f), "x");
  Scope block = root.with_control_dependencies({x.op()});
  Output y = ops::constant(block, Tensor::scalar(2.0f), "y");
  Output z = ops::identity(block, y, "z");
  Output w = ops::identity(block, x, "w");
  ASSERT_EQ(y.op().num_control_inputs(), 1);
  EXPECT_EQ(y.op().control_input(0).name(), "x");
  EXPECT_EQ(z.op().num_control_inputs(), 0);
  // x feeds w as data: it is not repeated as a control input.
  EXPECT_EQ(w.op().num_control_inputs(), 0);
  EXPECT_EQ(ops::constant(block.without_control_dependencies(), Tensor::scalar(3.0f))
                .op()
                .num_control_inputs(),
            0);
}

TEST(ControlDependencies, VariablesIgnoreThem) {
  Graph g;
  Scope root = Scope::root(g);
  Output x = ops::constant(root, Tensor::scalar(1.0f), "x");
  Variable v = make_variable(root.with_control_dependencies({x.op()}), Input(2.0f),
                             VariableOptions{.name = "v"});
  EXPECT_EQ(v.op().num_control_inputs(), 0);
  EXPECT_EQ(v.initializer().num_control_inputs(), 0);
}

}  // namespace
}  // namespace scopeflow
