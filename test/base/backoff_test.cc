#include "base/backoff.h"

#include <gtest/gtest.h>

namespace copycat {
namespace {

TEST(BackoffTest, GrowsExponentiallyAndCaps) {
  BackoffPolicy p{.initial = std::chrono::milliseconds(100),
                  .max = std::chrono::milliseconds(1000),
                  .factor = 2.0,
                  .jitter = 0};
  EXPECT_EQ(backoffDelay(p, 0).count(), 100);
  EXPECT_EQ(backoffDelay(p, 3).count(), 800);
  EXPECT_EQ(backoffDelay(p, 10).count(), 1000);
}

TEST(BackoffTest, JitterStaysWithinBounds) {
  BackoffPolicy p{.initial = std::chrono::milliseconds(1000), .jitter = 0.2};
  for (int i = 0; i < 100; ++i) {
    auto d = backoffDelay(p, 0).count();
    EXPECT_GE(d, 800);
    EXPECT_LE(d, 1200);
  }
}

}  // namespace
}  // namespace copycat
