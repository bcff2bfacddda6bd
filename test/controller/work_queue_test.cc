#include "controller/work_queue.h"

#include <atomic>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "controller_test_util.h"
#include "support/fake_clock.h"

namespace copycat::controller {
namespace {

using fakes::waitUntil;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeClock;

WorkQueueOptions manual(std::unique_ptr<RateLimiter> limiter = nullptr,
                        WorkQueueMetrics* metrics = nullptr) {
  return WorkQueueOptions{
      .rate_limiter = std::move(limiter), .metrics = metrics, .start_timer_thread = false};
}

TEST(WorkQueueTest, IdenticalAddsCoalesceWhileQueued) {
  FakeClock clock;
  WorkQueue q(clock, manual());
  q.add("a");
  q.add("a");
  q.add("b");
  EXPECT_EQ(q.len(), 2u);
  EXPECT_EQ(q.get(), "a");
  EXPECT_EQ(q.get(), "b");
  EXPECT_EQ(q.len(), 0u);
}

TEST(WorkQueueTest, ItemAddedDuringProcessingRunsAgainAfterDone) {
  FakeClock clock;
  WorkQueue q(clock, manual());
  q.add("a");
  ASSERT_EQ(q.get(), "a");
  q.add("a");
  q.add("a");
  EXPECT_EQ(q.len(), 0u) << "a processing key is not handed out twice";
  EXPECT_EQ(q.processing(), 1u);
  q.done("a");
  EXPECT_EQ(q.len(), 1u) << "re-added once, however often it was added";
  EXPECT_EQ(q.get(), "a");
  q.done("a");
  EXPECT_TRUE(q.idle());
}

TEST(WorkQueueTest, DoneWithoutReAddDoesNotRequeue) {
  FakeClock clock;
  WorkQueue q(clock, manual());
  q.add("a");
  ASSERT_EQ(q.get(), "a");
  q.done("a");
  EXPECT_EQ(q.len(), 0u);
  q.done("unknown");  // harmless
  EXPECT_TRUE(q.idle());
}

TEST(WorkQueueTest, KeyIsNeverProcessedByTwoWorkersAtOnce) {
  FakeClock clock;
  WorkQueue q(clock, manual());
  std::mutex mu;
  std::set<std::string> busy;
  std::atomic<bool> overlap{false};
  std::atomic<int> handled{0};
  std::vector<std::jthread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto key = q.get()) {
        {
          std::lock_guard lock(mu);
          overlap = overlap || !busy.insert(*key).second;
        }
        std::this_thread::yield();
        {
          std::lock_guard lock(mu);
          busy.erase(*key);
        }
        ++handled;
        q.done(*key);
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    q.add("k" + std::to_string(i % 3));
  }
  ASSERT_TRUE(waitUntil([&] { return q.idle(); }));
  q.shutDown();
  workers.clear();
  EXPECT_FALSE(overlap);
  EXPECT_GE(handled.load(), 3);
}

TEST(WorkQueueTest, AddAfterHandsOutKeysInDueOrder) {
  FakeClock clock;
  WorkQueue q(clock, manual());
  q.addAfter("late", milliseconds(30));
  q.addAfter("early", milliseconds(10));
  q.addAfter("middle", milliseconds(20));
  EXPECT_EQ(q.waiting(), 3u);
  EXPECT_EQ(q.processDueItems(), clock.now() + milliseconds(10));
  EXPECT_EQ(q.len(), 0u);
  clock.advance(milliseconds(15));
  q.processDueItems();
  EXPECT_EQ(q.len(), 1u);
  clock.advance(milliseconds(20));
  EXPECT_FALSE(q.processDueItems().has_value());
  EXPECT_EQ(q.get(), "early");
  EXPECT_EQ(q.get(), "middle");
  EXPECT_EQ(q.get(), "late");
  EXPECT_EQ(q.waiting(), 0u);
}

TEST(WorkQueueTest, AddAfterKeepsTheEarliestTimeForAKey) {
  FakeClock clock;
  WorkQueue q(clock, manual());
  q.addAfter("a", seconds(10));
  q.addAfter("a", seconds(5));
  q.addAfter("a", seconds(20));
  EXPECT_EQ(q.waiting(), 1u);
  clock.advance(seconds(5));
  q.processDueItems();
  EXPECT_EQ(q.len(), 1u);
  EXPECT_EQ(q.waiting(), 0u);
  clock.advance(seconds(30));
  q.processDueItems();
  EXPECT_EQ(q.len(), 1u) << "the superseded later entries do not add it again";
}

TEST(WorkQueueTest, AddAfterWithoutDelayAddsAtOnce) {
  FakeClock clock;
  WorkQueue q(clock, manual());
  q.addAfter("a", milliseconds(0));
  q.addAfter("b", milliseconds(-5));
  EXPECT_EQ(q.len(), 2u);
  EXPECT_EQ(q.waiting(), 0u);
}

TEST(WorkQueueTest, RateLimitedAddsBackOffPerKeyUntilForgotten) {
  FakeClock clock;
  WorkQueue q(clock, manual(std::make_unique<ItemExponentialFailureRateLimiter>(
                         ExponentialBackoffOptions{.base = milliseconds(5), .max = seconds(1)})));
  q.addRateLimited("a");
  EXPECT_EQ(q.numRequeues("a"), 1);
  clock.advance(milliseconds(4));
  q.processDueItems();
  EXPECT_EQ(q.len(), 0u);
  clock.advance(milliseconds(1));
  q.processDueItems();
  ASSERT_EQ(q.get(), "a");
  q.addRateLimited("a");  // second failure: 10 ms
  q.done("a");
  clock.advance(milliseconds(9));
  q.processDueItems();
  EXPECT_EQ(q.len(), 0u);
  clock.advance(milliseconds(1));
  q.processDueItems();
  EXPECT_EQ(q.len(), 1u);
  EXPECT_EQ(q.numRequeues("a"), 2);
  q.forget("a");
  EXPECT_EQ(q.numRequeues("a"), 0);
}

TEST(WorkQueueTest, ShutDownIgnoresAddsButHandsOutWhatIsQueued) {
  FakeClock clock;
  WorkQueue q(clock, manual());
  q.add("a");
  q.add("b");
  q.addAfter("later", seconds(1));
  q.shutDown();
  EXPECT_TRUE(q.shuttingDown());
  q.add("c");
  q.addAfter("d", milliseconds(0));
  EXPECT_EQ(q.get(), "a");
  EXPECT_EQ(q.get(), "b");
  EXPECT_EQ(q.get(), std::nullopt);
  clock.advance(seconds(2));
  q.processDueItems();
  EXPECT_EQ(q.len(), 0u) << "parked keys are dropped at shutdown";
}

TEST(WorkQueueTest, ShutDownWakesBlockedGetters) {
  FakeClock clock;
  WorkQueue q(clock, manual());
  std::atomic<int> ended{0};
  std::vector<std::jthread> getters;
  for (int i = 0; i < 3; ++i) {
    getters.emplace_back([&] {
      EXPECT_EQ(q.get(), std::nullopt);
      ++ended;
    });
  }
  q.shutDown();
  getters.clear();
  EXPECT_EQ(ended.load(), 3);
}

TEST(WorkQueueTest, ShutDownWithDrainWaitsForProcessingKeys) {
  FakeClock clock;
  WorkQueue q(clock, manual());
  q.add("a");
  ASSERT_EQ(q.get(), "a");
  std::atomic<bool> drained{false};
  std::jthread drainer([&] {
    q.shutDownWithDrain();
    drained = true;
  });
  ASSERT_TRUE(waitUntil([&] { return q.shuttingDown(); }));
  EXPECT_FALSE(drained.load());
  q.add("b");  // ignored while shutting down
  q.done("a");
  drainer.join();
  EXPECT_TRUE(drained.load());
  EXPECT_EQ(q.get(), std::nullopt);
}

TEST(WorkQueueTest, GetForGivesUpAfterTimeout) {
  FakeClock clock;
  WorkQueue q(clock, manual());
  EXPECT_EQ(q.getFor(milliseconds(1)), std::nullopt);
  q.add("a");
  EXPECT_EQ(q.getFor(milliseconds(1)), "a");
}

TEST(WorkQueueTest, TimerThreadMovesDueKeysWithoutManualProcessing) {
  FakeClock clock;
  WorkQueue q(clock, WorkQueueOptions{.start_timer_thread = true, .timer_poll = milliseconds(1)});
  q.addAfter("a", seconds(30));
  EXPECT_EQ(q.getFor(milliseconds(5)), std::nullopt);
  clock.advance(seconds(30));
  EXPECT_TRUE(waitUntil([&] { return q.len() == 1; }));
  EXPECT_EQ(q.get(), "a");
}

class CountingMetrics final : public WorkQueueMetrics {
 public:
  void onAdd() override { ++adds; }
  void onDepth(size_t depth) override { last_depth = depth; }
  void onInFlight(size_t n) override { last_in_flight = n; }
  void onQueueLatency(std::chrono::nanoseconds d) override { latency = d; }
  void onWorkDuration(std::chrono::nanoseconds d) override { work = d; }
  void onRetry() override { ++retries; }
  int adds = 0;
  int retries = 0;
  size_t last_depth = 99;
  size_t last_in_flight = 99;
  std::chrono::nanoseconds latency{-1};
  std::chrono::nanoseconds work{-1};
};

TEST(WorkQueueTest, ReportsDepthLatencyDurationAndRetries) {
  FakeClock clock;
  CountingMetrics m;
  WorkQueue q(clock, manual(nullptr, &m));
  q.add("a");
  q.add("a");
  EXPECT_EQ(m.adds, 1);
  EXPECT_EQ(m.last_depth, 1u);
  clock.advance(seconds(2));
  ASSERT_EQ(q.get(), "a");
  EXPECT_EQ(m.latency, seconds(2));
  EXPECT_EQ(m.last_depth, 0u);
  EXPECT_EQ(m.last_in_flight, 1u);
  clock.advance(seconds(3));
  q.done("a");
  EXPECT_EQ(m.work, seconds(3));
  EXPECT_EQ(m.last_in_flight, 0u);
  q.addAfter("b", seconds(1));
  q.addRateLimited("c");
  EXPECT_EQ(m.retries, 2);
}

}  // namespace
}  // namespace copycat::controller
