// Tensor <-> TensorProto: TF 1.15's make_tensor_proto encodings, both read forms (content and
// typed values with the last value repeating), shapes, dtypes and malformed protos.
#include "scopeflow/io/tensor_proto.h"

#include <gtest/gtest.h>

#include <complex>
#include <cstring>

#include "../sf_testing.h"

namespace scopeflow::io {
namespace {

TEST(TensorProtoTest, ScalarFloatIsOneFloatValWithEmptyShape) {
  tensorflow::TensorProto p = to_tensor_proto(Tensor::scalar(0.5f));
  EXPECT_EQ(p.dtype(), tensorflow::DT_FLOAT);
  EXPECT_TRUE(p.has_tensor_shape());  // TF writes `tensor_shape {}` for scalars
  EXPECT_EQ(p.tensor_shape().dim_size(), 0);
  ASSERT_EQ(p.float_val_size(), 1);
  EXPECT_EQ(p.float_val(0), 0.5f);
  EXPECT_TRUE(p.tensor_content().empty());
  // The bytes: dtype, an empty tensor_shape message, then the packed float.
  EXPECT_EQ(p.SerializeAsString(), std::string("\x08\x01\x12\x00\x2a\x04\x00\x00\x00\x3f", 10));
}

TEST(TensorProtoTest, VariedInt32VectorIsTensorContent) {
  tensorflow::TensorProto p = to_tensor_proto(Tensor::vector<int32_t>({5, 5, 1}));
  EXPECT_EQ(p.dtype(), tensorflow::DT_INT32);
  ASSERT_EQ(p.tensor_shape().dim_size(), 1);
  EXPECT_EQ(p.tensor_shape().dim(0).size(), 3);
  EXPECT_EQ(p.int_val_size(), 0);
  const int32_t want[] = {5, 5, 1};
  EXPECT_EQ(p.tensor_content(), std::string(reinterpret_cast<const char*>(want), 12));
}

TEST(TensorProtoTest, AllSameIntegersStayFull) {
  // Shape vectors such as random_normal_4/shape = [5, 5] are lists in TF: tensor_content.
  tensorflow::TensorProto p = to_tensor_proto(Tensor::vector<int32_t>({5, 5}));
  EXPECT_EQ(p.tensor_content().size(), 8u);
  EXPECT_EQ(p.int_val_size(), 0);
}

TEST(TensorProtoTest, AllSameFloatsAreOneValue) {
  // tf.zeros([3, 2]) and tf.constant(0.1, shape=[32]): one float_val, the shape says the rest.
  tensorflow::TensorProto p = to_tensor_proto(Tensor(DataType::kFloat, {3, 2}));
  ASSERT_EQ(p.float_val_size(), 1);
  EXPECT_EQ(p.float_val(0), 0.0f);
  EXPECT_TRUE(p.tensor_content().empty());
  EXPECT_EQ(p.tensor_shape().dim(0).size(), 3);
  EXPECT_EQ(p.tensor_shape().dim(1).size(), 2);
}

TEST(TensorProtoTest, NegativeZeroAmongZerosIsNotAllSame) {
  Tensor t(DataType::kFloat, {2});
  t.data<float>()[1] = -0.0f;
  tensorflow::TensorProto p = to_tensor_proto(t);
  EXPECT_EQ(p.tensor_content().size(), 8u);  // bitwise comparison: -0 differs from 0
}

TEST(TensorProtoTest, StringsAreAlwaysFullStringVal) {
  // save/SaveV2/shape_and_slices: every "" written out.
  tensorflow::TensorProto p = to_tensor_proto(Tensor::strings({"", "", ""}, {3}));
  EXPECT_EQ(p.dtype(), tensorflow::DT_STRING);
  ASSERT_EQ(p.string_val_size(), 3);
  EXPECT_EQ(p.string_val(2), "");
}

TEST(TensorProtoTest, BoolAndHalfUseTypedFields) {
  tensorflow::TensorProto b = to_tensor_proto(Tensor::vector<bool>({true, false}));
  ASSERT_EQ(b.bool_val_size(), 2);
  EXPECT_TRUE(b.bool_val(0));
  EXPECT_FALSE(b.bool_val(1));
  Tensor h(DataType::kHalf, {2});
  h.data<uint16_t>()[0] = 0x3c00;  // 1.0
  h.data<uint16_t>()[1] = 0x4000;  // 2.0
  tensorflow::TensorProto hp = to_tensor_proto(h);
  ASSERT_EQ(hp.half_val_size(), 2);
  EXPECT_EQ(hp.half_val(0), 0x3c00);
  EXPECT_EQ(hp.half_val(1), 0x4000);
  EXPECT_EQ(from_tensor_proto(hp).data<uint16_t>()[1], 0x4000);
}

TEST(TensorProtoTest, TypedFormForOpDefDefaults) {
  // ImageSummary's bad_color default, as TF's C++ op registration writes it.
  Tensor bad_color(DataType::kUInt8, {4});
  const uint8_t rgba[] = {255, 0, 0, 255};
  std::memcpy(bad_color.raw(), rgba, 4);
  tensorflow::TensorProto p;
  to_typed_tensor_proto(bad_color, &p);
  EXPECT_EQ(p.ShortDebugString(),
            "dtype: DT_UINT8 tensor_shape { dim { size: 4 } } int_val: 255 int_val: 0 int_val: 0 "
            "int_val: 255");
  EXPECT_EQ(to_tensor_proto(bad_color).tensor_content().size(), 4u);  // a Const would pack it
}

TEST(TensorProtoTest, EmptyTensorHasNoValues) {
  // gradients/Shape of a scalar: an int32 [0].
  tensorflow::TensorProto p = to_tensor_proto(Tensor(DataType::kInt32, {0}));
  EXPECT_EQ(p.tensor_shape().dim(0).size(), 0);
  EXPECT_EQ(p.int_val_size(), 0);
  EXPECT_TRUE(p.tensor_content().empty());
  Tensor back = from_tensor_proto(p);
  EXPECT_EQ(back.shape(), std::vector<int64_t>{0});
}

TEST(TensorProtoTest, RoundTripsEveryDtype) {
  auto check = [](const Tensor& t) {
    Tensor back = from_tensor_proto(to_tensor_proto(t));
    EXPECT_EQ(back.dtype(), t.dtype()) << dtype_name(t.dtype());
    EXPECT_EQ(back.shape(), t.shape());
    if (t.dtype() == DataType::kString)
      EXPECT_EQ(back.string_data(), t.string_data());
    else
      EXPECT_EQ(std::memcmp(back.raw(), t.raw(), t.byte_size()), 0) << dtype_name(t.dtype());
  };
  for (DataType d : {DataType::kFloat, DataType::kDouble, DataType::kInt32, DataType::kUInt8,
                     DataType::kInt16, DataType::kInt8, DataType::kInt64, DataType::kBool,
                     DataType::kUInt16, DataType::kUInt32, DataType::kUInt64, DataType::kHalf,
                     DataType::kBFloat16, DataType::kComplex64, DataType::kComplex128,
                     DataType::kQInt8, DataType::kQUInt8, DataType::kQInt32}) {
    for (std::vector<int64_t> shape : {std::vector<int64_t>{}, {1}, {2, 3}}) {
      Tensor t(d, shape);
      auto* bytes = static_cast<unsigned char*>(t.raw());
      for (size_t i = 0; i < t.byte_size(); ++i) bytes[i] = static_cast<unsigned char>(i * 7 + 1);
      if (d == DataType::kBool)
        for (int64_t i = 0; i < t.num_elements(); ++i) t.data<bool>()[i] = i % 2 == 0;
      check(t);
    }
  }
  check(Tensor::strings({"a", "bc", std::string("\0x", 2), ""}, {2, 2}));
}

TEST(TensorProtoTest, LastTypedValueRepeats) {
  tensorflow::TensorProto p;
  p.set_dtype(tensorflow::DT_FLOAT);
  p.mutable_tensor_shape()->add_dim()->set_size(4);
  p.add_float_val(1.0f);
  p.add_float_val(2.0f);
  Tensor t = from_tensor_proto(p);
  ASSERT_EQ(t.num_elements(), 4);
  EXPECT_EQ(t.data<float>()[0], 1.0f);
  EXPECT_EQ(t.data<float>()[1], 2.0f);
  EXPECT_EQ(t.data<float>()[2], 2.0f);
  EXPECT_EQ(t.data<float>()[3], 2.0f);
  // No value at all: zeros.
  p.clear_float_val();
  t = from_tensor_proto(p);
  EXPECT_EQ(t.data<float>()[3], 0.0f);
  // Strings repeat too.
  tensorflow::TensorProto s;
  s.set_dtype(tensorflow::DT_STRING);
  s.mutable_tensor_shape()->add_dim()->set_size(3);
  s.add_string_val("model");
  EXPECT_EQ(from_tensor_proto(s).string_data(), (std::vector<std::string>{"model", "model", "model"}));
}

TEST(TensorProtoTest, ComplexPairs) {
  Tensor c(DataType::kComplex64, {2});
  c.data<std::complex<float>>()[0] = {1, 2};
  c.data<std::complex<float>>()[1] = {3, 4};
  tensorflow::TensorProto p = to_tensor_proto(c);
  ASSERT_EQ(p.scomplex_val_size(), 4);
  EXPECT_EQ(p.scomplex_val(3), 4.0f);
  Tensor back = from_tensor_proto(p);
  EXPECT_EQ(back.data<std::complex<float>>()[1], std::complex<float>(3, 4));
}

TEST(TensorProtoTest, MalformedProtosThrowClearErrors) {
  tensorflow::TensorProto p;
  p.set_dtype(tensorflow::DT_FLOAT);
  p.mutable_tensor_shape()->add_dim()->set_size(2);
  p.set_tensor_content(std::string(5, 'x'));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "TensorProto's tensor_content holds 5 bytes, but shape [2] of float32 needs 8",
                  from_tensor_proto(p));
  p.clear_tensor_content();
  for (int i = 0; i < 3; ++i) p.add_float_val(1);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "TensorProto of dtype float32 holds 3 values in float_val but its shape has 2 "
                  "elements",
                  from_tensor_proto(p));
  p.clear_float_val();
  p.mutable_tensor_shape()->mutable_dim(0)->set_size(-1);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "TensorProto has a dimension of size -1 (a tensor's shape must be fully known)",
                  from_tensor_proto(p));
  p.mutable_tensor_shape()->clear_dim();
  p.mutable_tensor_shape()->set_unknown_rank(true);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "TensorProto has a shape of unknown rank",
                  from_tensor_proto(p));
  tensorflow::TensorProto bad_type;
  bad_type.set_dtype(static_cast<tensorflow::DataType>(77));
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "TensorProto has an invalid dtype: Unsupported DataType 77",
                  from_tensor_proto(bad_type));
  bad_type.set_dtype(tensorflow::DT_INVALID);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "TensorProto has an invalid dtype: Unsupported DataType 0",
                  from_tensor_proto(bad_type));
  tensorflow::TensorProto ref;
  ref.set_dtype(static_cast<tensorflow::DataType>(101));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "TensorProto has a reference dtype (float32_ref)",
                  from_tensor_proto(ref));
  tensorflow::TensorProto huge;
  huge.set_dtype(tensorflow::DT_FLOAT);
  huge.mutable_tensor_shape()->add_dim()->set_size(int64_t{1} << 40);
  huge.add_float_val(0);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Cannot create a tensor proto whose content is larger than 2GB.",
                  from_tensor_proto(huge));
  tensorflow::TensorProto str;
  str.set_dtype(tensorflow::DT_STRING);
  str.set_tensor_content("abc");
  SF_EXPECT_ERROR(Code::kInvalidArgument, "TensorProto of dtype string has tensor_content",
                  from_tensor_proto(str));
}

TEST(TensorProtoTest, ShapesBothWays) {
  EXPECT_TRUE(to_shape_proto(PartialShape::unknown()).unknown_rank());
  tensorflow::TensorShapeProto s = to_shape_proto(PartialShape({-1, 3}));
  ASSERT_EQ(s.dim_size(), 2);
  EXPECT_EQ(s.dim(0).size(), -1);
  EXPECT_EQ(s.dim(1).size(), 3);
  EXPECT_EQ(from_shape_proto(s), PartialShape({-1, 3}));
  EXPECT_EQ(from_shape_proto(to_shape_proto(PartialShape())), PartialShape());
  EXPECT_EQ(from_shape_proto(to_shape_proto(PartialShape::unknown())), PartialShape::unknown());
  tensorflow::TensorShapeProto bad;
  bad.set_unknown_rank(true);
  bad.add_dim()->set_size(2);
  SF_EXPECT_ERROR(Code::kInvalidArgument, "An unknown shape must not have any dimensions set.",
                  from_shape_proto(bad));
  tensorflow::TensorShapeProto neg;
  neg.add_dim()->set_size(-2);
  SF_EXPECT_ERROR(Code::kInvalidArgument,
                  "Shape has dimension -2 (sizes below -1 are invalid; -1 means unknown)",
                  from_shape_proto(neg));
}

TEST(TensorProtoTest, DtypeNumbersAreTypesProto) {
  EXPECT_EQ(to_proto_dtype(DataType::kFloat), tensorflow::DT_FLOAT);
  EXPECT_EQ(to_proto_dtype(DataType::kUInt64), tensorflow::DT_UINT64);
  EXPECT_EQ(static_cast<int>(to_proto_dtype(ref_dtype(DataType::kFloat))), 101);
  EXPECT_EQ(from_proto_dtype(tensorflow::DT_BOOL), DataType::kBool);
  EXPECT_EQ(from_proto_dtype(103), ref_dtype(DataType::kInt32));
  SF_EXPECT_ERROR(Code::kInvalidArgument, "Unsupported DataType 24", from_proto_dtype(24));
}

}  // namespace
}  // namespace scopeflow::io
