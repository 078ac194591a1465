#include "scopeflow/io/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace scopeflow::io {
namespace {

TEST(Crc32c, CheckValueAndKnownVectors) {
  EXPECT_EQ(crc32c("123456789"), 0xe3069283u);  // the standard check value
  EXPECT_EQ(crc32c(""), 0u);
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8a9136aau);  // RFC 3720 B.4: 32 zero bytes
  EXPECT_EQ(crc32c(std::string(32, '\xff')), 0x62a8ab43u);  // 32 bytes of 0xff
}

TEST(Crc32c, ExtendEqualsWholeAtEverySplit) {
  std::string s;
  for (int i = 0; i < 1000; ++i) s.push_back(static_cast<char>(i * 37 + 11));
  const uint32_t whole = crc32c(s);
  for (size_t cut : {0u, 1u, 7u, 8u, 9u, 500u, 999u, 1000u}) {
    uint32_t c = crc32c(s.data(), cut);
    c = crc32c_extend(c, s.data() + cut, s.size() - cut);
    EXPECT_EQ(c, whole) << cut;
  }
}

TEST(Crc32c, MaskRoundTripsAndChangesTheValue) {
  for (uint32_t c : {0u, 1u, 0xe3069283u, 0xffffffffu}) {
    EXPECT_EQ(unmask_crc(mask_crc(c)), c);
    EXPECT_NE(mask_crc(c), c);
  }
  EXPECT_EQ(mask_crc(0), kCrcMaskDelta);
}

}  // namespace
}  // namespace scopeflow::io
