#include "controller/push_cache.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace copycat::controller {
namespace {

using testing::FakeClock;

PushRecord recordOf(std::string digest) {
  return PushRecord{.digest = std::move(digest), .source_name = "docker.io/library/nginx:1.25"};
}

TEST(PushCacheTest, RemembersTheDigestAndPushTimeOfASuccessfulPush) {
  FakeClock clock;
  PushCache cache(clock);
  EXPECT_FALSE(cache.lookup("r/a:1"));
  ASSERT_TRUE(cache.beginPush("r/a:1"));
  auto entries = cache.entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(entries[0].inflight);
  EXPECT_EQ(entries[0].digest, "");
  EXPECT_FALSE(cache.lookup("r/a:1")) << "an in-flight push is not a result";
  cache.record("r/a:1", recordOf("sha256:aa"));
  auto found = cache.lookup("r/a:1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->digest, "sha256:aa");
  EXPECT_EQ(found->last_push, clock.wallNow());
  entries = cache.entries();
  EXPECT_FALSE(entries[0].inflight);
  EXPECT_EQ(entries[0].last_push, clock.wallNow());
}

TEST(PushCacheTest, OnlyOnePushPerTargetIsInFlight) {
  FakeClock clock;
  PushCache cache(clock);
  ASSERT_TRUE(cache.beginPush("t"));
  EXPECT_FALSE(cache.beginPush("t"));
  cache.abortPush("t");
  EXPECT_EQ(cache.size(), 0u) << "a push that never succeeded leaves nothing behind";
  cache.record("t", recordOf("sha256:1"));
  ASSERT_TRUE(cache.beginPush("t"));
  cache.abortPush("t");
  ASSERT_TRUE(cache.lookup("t")) << "a failed re-push keeps the earlier result";
  EXPECT_FALSE(cache.entries()[0].inflight);
}

TEST(PushCacheTest, EvictsByTargetPrefixAndAllReturningSortedKeys) {
  FakeClock clock;
  PushCache cache(clock);
  for (const char* key : {"reg/team/b:1", "reg/team/a:1", "reg/other:2", "reg/team/a:2"}) {
    cache.record(key, recordOf("sha256:x"));
  }
  EXPECT_FALSE(cache.evict("reg/none:1"));
  EXPECT_TRUE(cache.evict("reg/other:2"));
  EXPECT_EQ(cache.evictPrefix(""), std::vector<std::string>{});
  EXPECT_EQ(cache.evictPrefix("reg/team/a"),
            (std::vector<std::string>{"reg/team/a:1", "reg/team/a:2"}));
  cache.record("reg/z:1", recordOf("sha256:y"));
  EXPECT_EQ(cache.evictAll(), (std::vector<std::string>{"reg/team/b:1", "reg/z:1"}));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(PushCacheTest, EntriesAreSortedByTarget) {
  FakeClock clock;
  PushCache cache(clock);
  cache.record("b", recordOf("sha256:b"));
  cache.record("a", recordOf("sha256:a"));
  auto entries = cache.entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].target, "a");
  EXPECT_EQ(entries[1].target, "b");
}

TEST(PushCacheTest, BoundDropsTheLeastRecentlyUsedEntry) {
  FakeClock clock;
  PushCache cache(clock, /*max_entries=*/2);
  cache.record("a", recordOf("sha256:a"));
  cache.record("b", recordOf("sha256:b"));
  ASSERT_TRUE(cache.lookup("a"));  // a is now more recent than b
  cache.record("c", recordOf("sha256:c"));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.lookup("a"));
  EXPECT_FALSE(cache.lookup("b"));
  EXPECT_TRUE(cache.lookup("c"));
}

TEST(PushCacheTest, BoundNeverDropsAnInFlightPush) {
  FakeClock clock;
  PushCache cache(clock, /*max_entries=*/1);
  ASSERT_TRUE(cache.beginPush("old"));
  cache.record("new", recordOf("sha256:n"));
  auto entries = cache.entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].target, "old");
  EXPECT_TRUE(entries[0].inflight);
}

TEST(PushCacheTest, FingerprintsAreSortedDistinctAndBounded) {
  FakeClock clock;
  PushCache cache(clock);
  PushRecord r = recordOf("sha256:d");
  for (int i = 0; i < 40; ++i) {
    r.fingerprints.push_back("sha256:" + std::to_string(39 - i % 20));
  }
  cache.record("t", r);
  auto found = cache.lookup("t");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->fingerprints.size(), PushCache::kMaxFingerprints);
  EXPECT_TRUE(std::is_sorted(found->fingerprints.begin(), found->fingerprints.end()));
}

}  // namespace
}  // namespace copycat::controller
