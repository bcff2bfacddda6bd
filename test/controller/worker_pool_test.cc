#include "controller/worker_pool.h"

#include <atomic>
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

WorkQueueOptions manual() { return WorkQueueOptions{.start_timer_thread = false}; }

TEST(WorkerPoolTest, AppliesReconcileResultsToTheQueue) {
  FakeClock clock;
  WorkQueue queue(clock, manual());
  std::atomic<int> calls{0};
  WorkerPool pool(queue, [&](const std::string& key, int requeues, std::stop_token) {
    ++calls;
    if (key == "retry" && requeues == 0) {
      return ReconcileResult{ReconcileAction::kRequeueRateLimited};
    }
    if (key == "later") {
      return ReconcileResult{ReconcileAction::kRequeueAfter, seconds(30)};
    }
    return ReconcileResult{};
  });
  pool.start();
  queue.add("retry");
  queue.add("later");
  queue.add("done");
  ASSERT_TRUE(waitUntil([&] { return calls == 3 && queue.idle(); }));
  EXPECT_EQ(queue.waiting(), 2u);
  EXPECT_EQ(queue.numRequeues("retry"), 1);
  EXPECT_EQ(queue.numRequeues("later"), 0) << "RequeueAfter forgets the backoff";
  clock.advance(seconds(30));
  queue.processDueItems();
  ASSERT_TRUE(waitUntil([&] { return calls == 5 && queue.idle(); }));
  EXPECT_EQ(queue.numRequeues("retry"), 0) << "success forgets the backoff";
  pool.stop();
}

TEST(WorkerPoolTest, StopLetsInFlightWorkFinishWithinTheGracePeriod) {
  FakeClock clock;
  WorkQueue queue(clock, manual());
  std::atomic<bool> started{false};
  std::atomic<bool> release{false};
  std::atomic<bool> saw_stop{false};
  WorkerPool pool(
      queue,
      [&](const std::string&, int, std::stop_token stop) {
        started = true;
        while (!release && !stop.stop_requested()) {
          std::this_thread::yield();
        }
        saw_stop = stop.stop_requested();
        return ReconcileResult{};
      },
      WorkerPoolOptions{.workers = 2, .shutdown_grace = seconds(30)});
  pool.start();
  queue.add("a");
  ASSERT_TRUE(waitUntil([&] { return started.load(); }));
  std::jthread stopper([&] { pool.stop(); });
  ASSERT_TRUE(waitUntil([&] { return queue.shuttingDown(); }));
  release = true;
  stopper.join();
  EXPECT_FALSE(saw_stop.load()) << "finished within the grace period, never cancelled";
}

TEST(WorkerPoolTest, StopCancelsWorkThatOutlastsTheGracePeriod) {
  FakeClock clock;
  WorkQueue queue(clock, manual());
  std::atomic<bool> started{false};
  std::atomic<bool> saw_stop{false};
  WorkerPool pool(
      queue,
      [&](const std::string&, int, std::stop_token stop) {
        started = true;
        while (!stop.stop_requested()) {
          std::this_thread::yield();
        }
        saw_stop = true;
        return ReconcileResult{};
      },
      WorkerPoolOptions{.workers = 1, .shutdown_grace = milliseconds(10)});
  pool.start();
  queue.add("a");
  ASSERT_TRUE(waitUntil([&] { return started.load(); }));
  pool.stop();
  EXPECT_TRUE(saw_stop.load());
  EXPECT_EQ(pool.inFlight(), 0u);
  pool.stop();  // idempotent
}

}  // namespace
}  // namespace copycat::controller
