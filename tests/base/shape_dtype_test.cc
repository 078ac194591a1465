// Static shapes and dtypes as TF 1.15 prints and compares them (spec §6).
#include <gtest/gtest.h>

#include "../sf_testing.h"
#include "scopeflow/scopeflow.h"

namespace scopeflow {
namespace {

using testing::ThrowsError;

TEST(PartialShape, UnknownRankPrintsUnknown) {
  EXPECT_EQ(PartialShape::unknown().to_string(), "<unknown>");
  EXPECT_FALSE(PartialShape::unknown().known_rank());
  EXPECT_EQ(PartialShape::unknown().rank(), -1);
}

TEST(PartialShape, ScalarPrintsEmptyParentheses) {
  EXPECT_EQ(PartialShape().to_string(), "()");
  EXPECT_EQ(PartialShape().rank(), 0);
}

TEST(PartialShape, RankOnePrintsATrailingComma) {
  EXPECT_EQ(PartialShape({2}).to_string(), "(2,)");
  EXPECT_EQ(PartialShape({-1}).to_string(), "(?,)");
}

TEST(PartialShape, HigherRanksJoinWithCommaSpace) {
  EXPECT_EQ(PartialShape({2, 2}).to_string(), "(2, 2)");
  EXPECT_EQ(PartialShape({1, 2, 3}).to_string(), "(1, 2, 3)");
}

TEST(PartialShape, UnknownDimensionsPrintAsQuestionMarks) {
  EXPECT_EQ(PartialShape({-1, 3}).to_string(), "(?, 3)");
  EXPECT_EQ(PartialShape::unknown_of_rank(2).to_string(), "(?, ?)");
}

TEST(PartialShape, AsListUsesNoneForUnknownDimensions) {
  EXPECT_EQ(PartialShape({-1, 3}).to_list_string(), "[None, 3]");
  EXPECT_EQ(PartialShape({2, 3}).to_list_string(), "[2, 3]");
}

TEST(PartialShape, FullyDefinedNeedsKnownRankAndDimensions) {
  EXPECT_TRUE(PartialShape({2, 3}).fully_defined());
  EXPECT_TRUE(PartialShape().fully_defined());
  EXPECT_FALSE(PartialShape({-1, 3}).fully_defined());
  EXPECT_FALSE(PartialShape::unknown().fully_defined());
  EXPECT_EQ(PartialShape({2, 3}).num_elements(), 6);
  EXPECT_EQ(PartialShape().num_elements(), 1);
  EXPECT_EQ(PartialShape({-1, 3}).num_elements(), -1);
}

TEST(PartialShape, UnknownPartsAreCompatibleWithAnything) {
  EXPECT_TRUE(PartialShape::unknown().compatible_with(PartialShape({2})));
  EXPECT_TRUE(PartialShape({2}).compatible_with(PartialShape::unknown()));
  EXPECT_TRUE(PartialShape({-1, 3}).compatible_with(PartialShape({2, 3})));
  EXPECT_TRUE(PartialShape({2, 3}).compatible_with(PartialShape({2, 3})));
}

TEST(PartialShape, DifferentDimensionsOrRanksAreIncompatible) {
  EXPECT_FALSE(PartialShape({2}).compatible_with(PartialShape({1})));
  EXPECT_FALSE(PartialShape({2}).compatible_with(PartialShape({2, 1})));
  EXPECT_FALSE(PartialShape().compatible_with(PartialShape({1})));
}

TEST(PartialShape, MergeFillsUnknownDimensions) {
  EXPECT_EQ(PartialShape({-1, 3}).merge_with(PartialShape({2, -1})), PartialShape({2, 3}));
  EXPECT_EQ(PartialShape::unknown().merge_with(PartialShape({4})), PartialShape({4}));
}

TEST(PartialShape, MergingIncompatibleShapesRaisesTheTensorShapeMessage) {
  // tensor_shape.TensorShape.merge_with: "Shapes %s and %s are not compatible".
  EXPECT_TRUE(ThrowsError([] { (void)PartialShape({2}).merge_with(PartialShape({1})); },
                          Code::kInvalidArgument, "Shapes (2,) and (1,) are not compatible"));
}

TEST(DataType, NamesFollowTensorFlow) {
  EXPECT_EQ(dtype_name(DataType::kFloat), "float32");
  EXPECT_EQ(dtype_name(DataType::kDouble), "float64");
  EXPECT_EQ(dtype_name(DataType::kHalf), "float16");
  EXPECT_EQ(dtype_name(DataType::kInt32), "int32");
  EXPECT_EQ(dtype_name(DataType::kBool), "bool");
  EXPECT_EQ(dtype_name(DataType::kString), "string");
  EXPECT_EQ(dtype_name(DataType::kComplex64), "complex64");
}

TEST(DataType, ReferenceTypesAddRefSuffix) {
  EXPECT_EQ(dtype_name(ref_dtype(DataType::kFloat)), "float32_ref");
  EXPECT_EQ(dtype_name(ref_dtype(DataType::kInt32)), "int32_ref");
  EXPECT_EQ(dtype_name(ref_dtype(DataType::kBool)), "bool_ref");
  EXPECT_EQ(dtype_name(ref_dtype(DataType::kString)), "string_ref");
  EXPECT_EQ(dtype_name(ref_dtype(DataType::kHalf)), "float16_ref");
  EXPECT_EQ(dtype_name(ref_dtype(DataType::kDouble)), "float64_ref");
}

TEST(DataType, BaseDtypeStripsTheReference) {
  EXPECT_EQ(base_dtype(ref_dtype(DataType::kInt32)), DataType::kInt32);
  EXPECT_EQ(base_dtype(DataType::kInt32), DataType::kInt32);
  EXPECT_TRUE(is_ref(ref_dtype(DataType::kFloat)));
  EXPECT_FALSE(is_ref(DataType::kFloat));
}

TEST(DataType, StrAndReprMatchPython) {
  EXPECT_EQ(dtype_str(DataType::kFloat), "<dtype: 'float32'>");
  EXPECT_EQ(dtype_str(DataType::kInt32), "<dtype: 'int32'>");
  EXPECT_EQ(dtype_str(ref_dtype(DataType::kInt32)), "<dtype: 'int32_ref'>");
  EXPECT_EQ(dtype_repr(DataType::kFloat), "tf.float32");
}

TEST(DataType, ABaseTypeIsCompatibleWithItsReferenceVariable) {
  // float32.is_compatible_with(float32_ref): other's base type equals self.
  EXPECT_TRUE(dtype_compatible(DataType::kFloat, ref_dtype(DataType::kFloat)));
  EXPECT_TRUE(dtype_compatible(DataType::kFloat, DataType::kFloat));
}

TEST(DataType, AReferenceTypeIsNotCompatibleWithItsBase) {
  // TF: self in (other, other.base_dtype); float32_ref is neither float32 nor float32.
  EXPECT_FALSE(dtype_compatible(ref_dtype(DataType::kFloat), DataType::kFloat));
}

TEST(DataType, DifferentBaseTypesAreIncompatible) {
  EXPECT_FALSE(dtype_compatible(DataType::kInt32, ref_dtype(DataType::kFloat)));
  EXPECT_FALSE(dtype_compatible(DataType::kInt32, DataType::kFloat));
}

TEST(DataType, ParsesTheNamesItPrints) {
  EXPECT_EQ(dtype_from_name("float32"), DataType::kFloat);
  EXPECT_EQ(dtype_from_name("int32_ref"), ref_dtype(DataType::kInt32));
  EXPECT_EQ(dtype_from_name("no_such_type"), std::nullopt);
}

}  // namespace
}  // namespace scopeflow
