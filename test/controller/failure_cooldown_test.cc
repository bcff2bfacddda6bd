#include "controller/failure_cooldown.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace copycat::controller {
namespace {

using std::chrono::minutes;
using testing::FakeClock;

TEST(FailureCooldownTest, FailedTargetWaitsOutTheCooldown) {
  FakeClock clock;
  FailureCooldown cooldown(clock, minutes(60));
  EXPECT_FALSE(cooldown.remaining("t"));
  cooldown.recordFailure("t");
  EXPECT_EQ(cooldown.remaining("t"), minutes(60));
  clock.advance(minutes(45));
  EXPECT_EQ(cooldown.remaining("t"), minutes(15));
  EXPECT_EQ(cooldown.size(), 1u);
  clock.advance(minutes(15));
  EXPECT_FALSE(cooldown.remaining("t"));
  EXPECT_EQ(cooldown.size(), 0u);
}

TEST(FailureCooldownTest, SuccessClearsTheTarget) {
  FakeClock clock;
  FailureCooldown cooldown(clock, minutes(60));
  cooldown.recordFailure("t");
  cooldown.clear("t");
  EXPECT_FALSE(cooldown.remaining("t"));
}

TEST(FailureCooldownTest, ZeroDisablesItAndResetSaysSo) {
  FakeClock clock;
  FailureCooldown cooldown(clock, minutes(0));
  EXPECT_FALSE(cooldown.enabled());
  cooldown.recordFailure("t");
  EXPECT_FALSE(cooldown.remaining("t"));
  auto r = cooldown.reset();
  EXPECT_FALSE(r.reset);
  EXPECT_FALSE(r.enabled);
  EXPECT_EQ(r.cleared_targets, 0);
  EXPECT_EQ(r.message, "failure cooldown disabled");
}

TEST(FailureCooldownTest, ResetAllClearsEveryTargetWithUpstreamMessages) {
  FakeClock clock;
  FailureCooldown cooldown(clock, minutes(60));
  auto empty = cooldown.reset();
  EXPECT_FALSE(empty.reset);
  EXPECT_TRUE(empty.enabled);
  EXPECT_EQ(empty.message, "no cooldown entries to reset");
  cooldown.recordFailure("b");
  cooldown.recordFailure("a");
  auto r = cooldown.reset();
  EXPECT_TRUE(r.reset);
  EXPECT_EQ(r.cleared_targets, 2);
  EXPECT_EQ(r.message, "failure cooldown reset");
  EXPECT_EQ(r.targets, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(cooldown.size(), 0u);
}

TEST(FailureCooldownTest, ResetOneTargetKeepsTheOthers) {
  FakeClock clock;
  FailureCooldown cooldown(clock, minutes(60));
  cooldown.recordFailure("a");
  cooldown.recordFailure("b");
  auto r = cooldown.reset(std::string("a"));
  EXPECT_EQ(r.cleared_targets, 1);
  EXPECT_EQ(r.targets, std::vector<std::string>{"a"});
  EXPECT_EQ(cooldown.targets(), std::vector<std::string>{"b"});
  EXPECT_EQ(cooldown.reset(std::string("missing")).message, "no cooldown entries to reset");
}

TEST(FailureCooldownTest, ExpiredEntriesAreNotCountedOrReset) {
  FakeClock clock;
  FailureCooldown cooldown(clock, minutes(10));
  cooldown.recordFailure("a");
  clock.advance(minutes(11));
  EXPECT_EQ(cooldown.size(), 0u);
  EXPECT_EQ(cooldown.reset().cleared_targets, 0);
}

}  // namespace
}  // namespace copycat::controller
