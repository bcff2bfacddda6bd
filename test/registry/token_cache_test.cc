#include "registry/auth/token_cache.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace copycat::registry::auth {
namespace {

using copycat::testing::FakeClock;
using std::chrono::seconds;

TEST(TokenCacheTest, KeyIgnoresScopeOrderAndDuplicates) {
  EXPECT_EQ(TokenCache::key("r.io", {"repository:b:pull", "repository:a:pull,push"}),
            TokenCache::key("r.io",
                            {"repository:a:pull,push", "repository:b:pull", "repository:b:pull"}));
  EXPECT_NE(TokenCache::key("r.io", {"repository:a:pull"}),
            TokenCache::key("other.io", {"repository:a:pull"}));
}

TEST(TokenCacheTest, TokensExpireAMarginBeforeExpiresIn) {
  FakeClock clock;
  TokenCache cache(clock, seconds(10));
  cache.put("k", "t", seconds(300));
  clock.advance(seconds(289));
  EXPECT_EQ(cache.get("k"), "t");
  clock.advance(seconds(1));
  EXPECT_FALSE(cache.get("k"));
}

TEST(TokenCacheTest, MissingExpiresInMeansSixtySeconds) {
  FakeClock clock;
  TokenCache cache(clock, seconds(10));
  cache.put("k", "t", seconds(0));
  clock.advance(seconds(49));
  EXPECT_TRUE(cache.get("k"));
  clock.advance(seconds(1));
  EXPECT_FALSE(cache.get("k"));
}

TEST(TokenCacheTest, ShortLivedTokensKeepHalfTheirLifetime) {
  FakeClock clock;
  TokenCache cache(clock, seconds(10));
  cache.put("k", "t", seconds(4));
  clock.advance(seconds(1));
  EXPECT_TRUE(cache.get("k"));
  clock.advance(seconds(1));
  EXPECT_FALSE(cache.get("k"));
}

TEST(TokenCacheTest, InvalidateDropsOnlyTheRejectedToken) {
  FakeClock clock;
  TokenCache cache(clock);
  cache.put("k", "new", seconds(300));
  cache.invalidate("k", "old");
  EXPECT_EQ(cache.get("k"), "new");
  cache.invalidate("k", "new");
  EXPECT_FALSE(cache.get("k"));
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace copycat::registry::auth
