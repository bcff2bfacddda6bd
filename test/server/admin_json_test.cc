#include "server/admin_json.h"

#include <gtest/gtest.h>

namespace copycat::server {
namespace {

using std::chrono::system_clock;

system_clock::time_point at(int64_t seconds, int64_t nanos = 0) {
  return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(
      std::chrono::seconds(seconds) + std::chrono::nanoseconds(nanos)));
}

TEST(AdminJsonTest, TimesAreGoRfc3339NanoInUtc) {
  EXPECT_EQ(formatRfc3339Nano(at(1700000000)), "2023-11-14T22:13:20Z");
  EXPECT_EQ(formatRfc3339Nano(at(1700000000, 500000000)), "2023-11-14T22:13:20.5Z");
  EXPECT_EQ(formatRfc3339Nano(at(1700000000, 123456789)), "2023-11-14T22:13:20.123456789Z");
  EXPECT_EQ(formatRfc3339Nano(at(1700000000, 1000)), "2023-11-14T22:13:20.000001Z");
  EXPECT_EQ(formatRfc3339Nano(at(0)), "1970-01-01T00:00:00Z");
}

TEST(AdminJsonTest, NeverPushedIsGoZeroTime) {
  EXPECT_EQ(formatRfc3339Nano(std::nullopt), "0001-01-01T00:00:00Z");
}

TEST(AdminJsonTest, CacheEntryHasUpstreamFieldsInStructOrder) {
  CacheEntry entry{"reg.example/app:1", "sha256:ab", at(1700000000), true};
  EXPECT_EQ(cacheEntryJson(entry).dump(), R"({"target":"reg.example/app:1","digest":"sha256:ab",)"
                                          R"("lastPush":"2023-11-14T22:13:20Z","inflight":true})");
}

TEST(AdminJsonTest, EntriesAreSortedByTarget) {
  auto json = cacheEntriesJson({{"c", "", std::nullopt, false},
                                {"a", "", std::nullopt, false},
                                {"b", "", std::nullopt, false}});
  ASSERT_EQ(json.size(), 3u);
  EXPECT_EQ(json[0]["target"], "a");
  EXPECT_EQ(json[1]["target"], "b");
  EXPECT_EQ(json[2]["target"], "c");
  EXPECT_TRUE(cacheEntriesJson({}).is_array());
}

TEST(AdminJsonTest, CooldownMessagesMatchUpstream) {
  EXPECT_EQ(cooldownResetJson({.cleared = 3, .cooldown_enabled = true}).dump(),
            R"({"reset":true,"clearedTargets":3,"message":"failure cooldown reset"})");
  EXPECT_EQ(cooldownResetJson({.cleared = 0, .cooldown_enabled = true}).dump(),
            R"({"reset":false,"clearedTargets":0,"message":"no cooldown entries to reset"})");
  EXPECT_EQ(cooldownResetJson({.cleared = 0, .cooldown_enabled = false}).dump(),
            R"({"reset":false,"clearedTargets":0,"message":"failure cooldown disabled"})");
}

TEST(AdminJsonTest, ForceReconcileShape) {
  EXPECT_EQ(forceReconcileJson({.triggered = true, .success = true, .message = "m"}).dump(),
            R"({"triggered":true,"success":true,"workloadsProcessed":0,"imagesMirrored":0,)"
            R"("message":"m"})");
}

}  // namespace
}  // namespace copycat::server
