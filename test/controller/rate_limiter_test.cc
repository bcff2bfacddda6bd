#include "controller/rate_limiter.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace copycat::controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// client-go default_rate_limiters_test.go TestItemExponentialFailureRateLimiter.
TEST(RateLimiterTest, ExponentialDoublesPerItemUntilMax) {
  ItemExponentialFailureRateLimiter limiter({.base = milliseconds(1), .max = seconds(1)});
  EXPECT_EQ(limiter.when("one"), milliseconds(1));
  EXPECT_EQ(limiter.when("one"), milliseconds(2));
  EXPECT_EQ(limiter.when("one"), milliseconds(4));
  EXPECT_EQ(limiter.when("one"), milliseconds(8));
  EXPECT_EQ(limiter.when("one"), milliseconds(16));
  EXPECT_EQ(limiter.numRequeues("one"), 5);
  EXPECT_EQ(limiter.when("two"), milliseconds(1));
  EXPECT_EQ(limiter.when("two"), milliseconds(2));
  EXPECT_EQ(limiter.numRequeues("two"), 2);
  limiter.forget("one");
  EXPECT_EQ(limiter.numRequeues("one"), 0);
  EXPECT_EQ(limiter.when("one"), milliseconds(1));
}

TEST(RateLimiterTest, ExponentialCapsAtMaxAndNeverOverflows) {
  ItemExponentialFailureRateLimiter limiter({.base = milliseconds(5), .max = seconds(1000)});
  nanoseconds last{0};
  for (int i = 0; i < 200; ++i) {
    last = limiter.when("x");
    ASSERT_GE(last, nanoseconds(0));
    ASSERT_LE(last, seconds(1000));
  }
  EXPECT_EQ(last, seconds(1000));
}

TEST(RateLimiterTest, JitterStaysWithinItsFraction) {
  double u = 0.0;
  ItemExponentialFailureRateLimiter limiter(
      {.base = seconds(10), .max = seconds(100), .jitter = 0.2, .uniform = [&] { return u; }});
  EXPECT_EQ(limiter.when("a"), seconds(8));  // 10 s * (1 - 0.2)
  u = 0.5;
  EXPECT_EQ(limiter.when("a"), seconds(20));  // 20 s * 1
  u = 0.999999;
  auto d = limiter.when("a");  // 40 s * ~1.2
  EXPECT_GT(d, seconds(47));
  EXPECT_LE(d, seconds(48));
  EXPECT_LT(limiter.when("a"), seconds(100));  // 80 s * ~1.2
  EXPECT_EQ(limiter.when("a"), seconds(100));  // 160 s: capped, and still capped after jitter
}

TEST(RateLimiterTest, BucketAllowsBurstThenSpacesRequests) {
  testing::FakeClock clock;
  BucketRateLimiter limiter(clock, /*qps=*/1, /*burst=*/3);
  EXPECT_EQ(limiter.when("a"), nanoseconds(0));
  EXPECT_EQ(limiter.when("b"), nanoseconds(0));
  EXPECT_EQ(limiter.when("c"), nanoseconds(0));
  EXPECT_EQ(limiter.when("d"), seconds(1));
  EXPECT_EQ(limiter.when("e"), seconds(2));
  EXPECT_EQ(limiter.numRequeues("a"), 0);
  clock.advance(seconds(10));  // refills to the burst, not beyond
  EXPECT_EQ(limiter.when("f"), nanoseconds(0));
  EXPECT_EQ(limiter.when("g"), nanoseconds(0));
  EXPECT_EQ(limiter.when("h"), nanoseconds(0));
  EXPECT_EQ(limiter.when("i"), seconds(1));
}

TEST(RateLimiterTest, MaxOfTakesLongestDelayAndForgetsEverywhere) {
  testing::FakeClock clock;
  std::vector<std::unique_ptr<RateLimiter>> parts;
  parts.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(
      ExponentialBackoffOptions{.base = milliseconds(1), .max = seconds(1)}));
  parts.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(
      ExponentialBackoffOptions{.base = milliseconds(3), .max = seconds(1)}));
  MaxOfRateLimiter limiter(std::move(parts));
  EXPECT_EQ(limiter.when("one"), milliseconds(3));
  EXPECT_EQ(limiter.when("one"), milliseconds(6));
  EXPECT_EQ(limiter.numRequeues("one"), 2);
  limiter.forget("one");
  EXPECT_EQ(limiter.numRequeues("one"), 0);
  EXPECT_EQ(limiter.when("one"), milliseconds(3));
}

TEST(RateLimiterTest, ControllerDefaultCombinesBackoffAndBucket) {
  testing::FakeClock clock;
  auto limiter = makeControllerRateLimiter(clock);
  EXPECT_EQ(limiter->when("x"), milliseconds(5));
  EXPECT_EQ(limiter->when("x"), milliseconds(10));
  // 98 more tokens of the 100 burst; the 101st request waits for a refill at 10 qps.
  for (int i = 0; i < 98; ++i) {
    limiter->when("y" + std::to_string(i));
  }
  EXPECT_NEAR(static_cast<double>(limiter->when("z").count()), 1e8, 1e3);  // 100 ms
}

}  // namespace
}  // namespace copycat::controller
