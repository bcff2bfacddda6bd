#include "aws/cached_credentials_provider.h"

#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/log.h"
#include "fake_credentials_provider.h"
#include "support/fake_clock.h"

namespace copycat::aws {
namespace {

using namespace std::chrono_literals;
using copycat::testing::FakeClock;
using test::FakeCredentialsProvider;
using test::makeCredentials;

class CachedCredentialsProviderTest : public ::testing::Test {
 protected:
  CachedCredentialsProviderTest() {
    auto fake = std::make_unique<FakeCredentialsProvider>("web identity");
    fake_ = fake.get();
    cache_ = std::make_unique<CachedCredentialsProvider>(std::move(fake), clock_);
  }

  std::string resolveId() {
    auto got = cache_->resolve();
    return got ? got->access_key_id : "error: " + got.error().message;
  }

  FakeClock clock_;
  FakeCredentialsProvider* fake_ = nullptr;
  std::unique_ptr<CachedCredentialsProvider> cache_;
};

TEST_F(CachedCredentialsProviderTest, CredentialsWithoutExpiryAreKeptForever) {
  fake_->push(makeCredentials("STATIC"));
  EXPECT_EQ(resolveId(), "STATIC");
  clock_.advance(24h * 365);
  EXPECT_EQ(resolveId(), "STATIC");
  EXPECT_EQ(fake_->calls(), 1);
  EXPECT_EQ(cache_->name(), "web identity");
}

TEST_F(CachedCredentialsProviderTest, RefreshesFiveMinutesBeforeExpiry) {
  auto start = clock_.wallNow();
  fake_->push(makeCredentials("FIRST", start + 1h));
  fake_->push(makeCredentials("SECOND", start + 2h));
  EXPECT_EQ(resolveId(), "FIRST");
  clock_.advance(55min - 1s);
  EXPECT_EQ(resolveId(), "FIRST");
  EXPECT_EQ(fake_->calls(), 1);
  clock_.advance(1s);  // exactly expiry - 5 min
  EXPECT_EQ(resolveId(), "SECOND");
  EXPECT_EQ(fake_->calls(), 2);
  clock_.advance(30min);
  EXPECT_EQ(resolveId(), "SECOND");
  EXPECT_EQ(fake_->calls(), 2);
}

TEST_F(CachedCredentialsProviderTest, FailedRefreshFallsBackToStillValidCredentials) {
  auto start = clock_.wallNow();
  fake_->push(makeCredentials("FIRST", start + 1h));
  fake_->push(fail(ErrorCode::kUnavailable, "sts: connection refused"));
  std::vector<std::string> logged;
  log::setSinkForTesting([&](std::string_view line) { logged.emplace_back(line); });
  EXPECT_EQ(resolveId(), "FIRST");
  clock_.advance(56min);
  EXPECT_EQ(resolveId(), "FIRST");  // refresh failed, FIRST still valid for 4 minutes
  EXPECT_EQ(resolveId(), "FIRST");  // and every call retries the refresh meanwhile
  log::setSinkForTesting({});
  EXPECT_EQ(fake_->calls(), 3);
  ASSERT_EQ(logged.size(), 2u);
  EXPECT_NE(logged[0].find("credentials refresh failed"), std::string::npos);
  EXPECT_NE(logged[0].find("sts: connection refused"), std::string::npos);
  EXPECT_EQ(logged[0].find("secret"), std::string::npos);
  clock_.advance(4min);  // now expired
  EXPECT_EQ(resolveId(), "error: sts: connection refused");
}

TEST_F(CachedCredentialsProviderTest, ShortLivedCredentialsRefreshHalfwayThroughTheirLife) {
  auto start = clock_.wallNow();
  fake_->push(makeCredentials("SHORT", start + 2min));
  fake_->push(makeCredentials("NEXT", start + 2h));
  EXPECT_EQ(resolveId(), "SHORT");
  clock_.advance(59s);
  EXPECT_EQ(resolveId(), "SHORT");
  EXPECT_EQ(fake_->calls(), 1);
  clock_.advance(1s);
  EXPECT_EQ(resolveId(), "NEXT");
}

TEST_F(CachedCredentialsProviderTest, ErrorsAreNotCached) {
  fake_->push(fail(ErrorCode::kNotFound, "not yet"));
  fake_->push(makeCredentials("LATER"));
  EXPECT_EQ(resolveId(), "error: not yet");
  EXPECT_EQ(resolveId(), "LATER");
  EXPECT_EQ(fake_->calls(), 2);
}

TEST_F(CachedCredentialsProviderTest, InvalidateForcesARefresh) {
  fake_->push(makeCredentials("FIRST"));
  fake_->push(makeCredentials("SECOND"));
  EXPECT_EQ(resolveId(), "FIRST");
  cache_->invalidate();
  EXPECT_EQ(resolveId(), "SECOND");
}

TEST_F(CachedCredentialsProviderTest, OthersUseValidCredentialsDuringARefresh) {
  auto start = clock_.wallNow();
  fake_->push(makeCredentials("OLD", start + 1h));
  fake_->push(makeCredentials("NEW", start + 2h));
  EXPECT_EQ(resolveId(), "OLD");
  clock_.advance(58min);

  fake_->hold();
  std::string refresher_got;
  std::thread refresher([&] { refresher_got = resolveId(); });
  fake_->waitForCalls(2);
  // The refresh is stuck in the provider; other callers are not blocked by it.
  EXPECT_EQ(resolveId(), "OLD");
  EXPECT_EQ(resolveId(), "OLD");
  EXPECT_EQ(fake_->calls(), 2);
  fake_->release();
  refresher.join();
  EXPECT_EQ(refresher_got, "NEW");
  EXPECT_EQ(resolveId(), "NEW");
  EXPECT_EQ(fake_->calls(), 2);
}

TEST_F(CachedCredentialsProviderTest, ConcurrentCallersWithoutCredentialsShareOneRefresh) {
  fake_->push(makeCredentials("ONLY", clock_.wallNow() + 1h));
  fake_->hold();
  constexpr int kThreads = 4;
  std::vector<std::string> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { got[i] = resolveId(); });
  }
  fake_->waitForCalls(1);
  fake_->release();
  for (auto& t : threads) {
    t.join();
  }
  for (const auto& id : got) {
    EXPECT_EQ(id, "ONLY");
  }
  EXPECT_EQ(fake_->calls(), 1);
}

TEST_F(CachedCredentialsProviderTest, ConcurrentCallersSeeTheRefreshError) {
  fake_->push(fail(ErrorCode::kUnavailable, "imds: timeout"));
  fake_->hold();
  constexpr int kThreads = 4;
  std::vector<std::string> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { got[i] = resolveId(); });
  }
  fake_->waitForCalls(1);
  fake_->release();
  for (auto& t : threads) {
    t.join();
  }
  for (const auto& id : got) {
    EXPECT_EQ(id, "error: imds: timeout");
  }
  // Callers that waited share the failed refresh; late arrivals may start their own.
  EXPECT_GE(fake_->calls(), 1);
  EXPECT_LE(fake_->calls(), kThreads);
}

class ThrowingProvider final : public CredentialsProvider {
 public:
  Result<Credentials> resolve() override { throw std::runtime_error("boom"); }
  std::string name() const override { return "throwing"; }
};

TEST(CachedCredentialsProviderThrowTest, ExceptionBecomesAnErrorAndDoesNotWedgeTheCache) {
  FakeClock clock;
  CachedCredentialsProvider cache(std::make_unique<ThrowingProvider>(), clock);
  for (int i = 0; i < 2; ++i) {
    auto got = cache.resolve();
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, ErrorCode::kInternal);
    EXPECT_EQ(got.error().message, "credentials provider threw: boom");
  }
}

}  // namespace
}  // namespace copycat::aws
