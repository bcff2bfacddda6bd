// RefreshingValue: the refresh window, single-flight fetches, stale-while-failing.
#include "base/refreshing_value.h"

#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace copycat {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

struct Token {
  int serial = 0;
  std::optional<Clock::Wall::time_point> expires;
};

RefreshingValue<Token> makeValue(const Clock& clock) {
  return RefreshingValue<Token>("token source", clock, minutes(5),
                                [](const Token& t) { return t.expires; });
}

TEST(RefreshingValueTest, ServesTheValueUntilTheRefreshWindow) {
  testing::FakeClock clock;
  auto value = makeValue(clock);
  int fetches = 0;
  auto fetch = [&]() -> Result<Token> { return Token{++fetches, clock.wallNow() + minutes(60)}; };
  EXPECT_EQ(value.get(fetch)->serial, 1);
  clock.advance(minutes(54));
  EXPECT_EQ(value.get(fetch)->serial, 1);
  clock.advance(minutes(2));  // inside the last five minutes
  EXPECT_EQ(value.get(fetch)->serial, 2);
  value.invalidate();
  EXPECT_EQ(value.get(fetch)->serial, 3);
}

TEST(RefreshingValueTest, ShortLivedValuesAreRefreshedHalfwayAndNeverExpiringOnesNever) {
  testing::FakeClock clock;
  auto value = makeValue(clock);
  int fetches = 0;
  auto short_lived = [&]() -> Result<Token> {
    return Token{++fetches, clock.wallNow() + minutes(2)};
  };
  value.get(short_lived);
  clock.advance(seconds(59));
  EXPECT_EQ(value.get(short_lived)->serial, 1);
  clock.advance(seconds(2));
  EXPECT_EQ(value.get(short_lived)->serial, 2);

  auto forever = makeValue(clock);
  auto never = [&]() -> Result<Token> { return Token{++fetches, std::nullopt}; };
  int first = forever.get(never)->serial;
  clock.advance(std::chrono::hours(24 * 365));
  EXPECT_EQ(forever.get(never)->serial, first);
}

TEST(RefreshingValueTest, AFailedRefreshServesTheStillValidValueAndReportsIt) {
  testing::FakeClock clock;
  auto value = makeValue(clock);
  value.get([&]() -> Result<Token> { return Token{1, clock.wallNow() + minutes(10)}; });
  clock.advance(minutes(6));
  bool reported_cached = false;
  auto broken = []() -> Result<Token> { return fail(ErrorCode::kUnavailable, "down"); };
  auto got = value.get(broken, [&](const Result<Token>& fresh, bool served_cached) {
    reported_cached = !fresh && served_cached;
  });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->serial, 1);
  EXPECT_TRUE(reported_cached);
  clock.advance(minutes(5));  // now expired: the error comes through
  auto expired = value.get(broken);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kUnavailable);
  auto threw = value.get([]() -> Result<Token> { throw std::runtime_error("boom"); });
  ASSERT_FALSE(threw);
  EXPECT_EQ(threw.error().message, "token source threw: boom");
}

TEST(RefreshingValueTest, ConcurrentCallersShareOneFetch) {
  testing::FakeClock clock;
  auto value = makeValue(clock);
  std::atomic<int> fetches{0};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> waiting{0};
  auto fetch = [&]() -> Result<Token> {
    ++fetches;
    released.wait();
    return Token{1, clock.wallNow() + minutes(60)};
  };
  std::vector<std::future<int>> callers;
  for (int i = 0; i < 4; ++i) {
    callers.push_back(std::async(std::launch::async, [&] {
      ++waiting;
      return value.get(fetch)->serial;
    }));
  }
  while (waiting.load() < 4 || fetches.load() < 1) {
    std::this_thread::yield();
  }
  release.set_value();
  for (auto& c : callers) {
    EXPECT_EQ(c.get(), 1);
  }
  EXPECT_EQ(fetches.load(), 1);
}

}  // namespace
}  // namespace copycat
