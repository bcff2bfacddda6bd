#include "base/error.h"

#include <gtest/gtest.h>

#include "base/result.h"

namespace copycat {
namespace {

Result<int> half(int v) {
  if (v % 2 != 0) {
    return fail(ErrorCode::kInvalidArgument, "odd value");
  }
  return v / 2;
}

Result<int> quarter(int v) {
  ASSIGN_OR_RETURN(int h, half(v));
  return half(h);
}

TEST(ErrorTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*quarter(8), 2);
  auto r = quarter(6);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(ErrorTest, RetryableClassification) {
  EXPECT_TRUE(Error(ErrorCode::kUnavailable, "x").isRetryable());
  Error e(ErrorCode::kProtocol, "x");
  e.http_status = 503;
  EXPECT_TRUE(e.isRetryable());
  EXPECT_FALSE(Error(ErrorCode::kNotFound, "x").isRetryable());
  EXPECT_EQ(Error(ErrorCode::kNotFound, "gone").withContext("get manifest").message,
            "get manifest: gone");
}

}  // namespace
}  // namespace copycat
