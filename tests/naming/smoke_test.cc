#include <gtest/gtest.h>
#include "scopeflow/scopeflow.h"
TEST(Smoke, Builds) { EXPECT_TRUE(true); }
