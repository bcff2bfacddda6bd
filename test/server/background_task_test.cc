#include "server/background_task.h"

#include <atomic>
#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "server_test_util.h"

namespace copycat::server {
namespace {

using testing::waitUntil;

// A job that runs until released (or asked to stop).
struct Gate {
  std::mutex mu;
  std::condition_variable_any cv;
  bool open = false;
  std::atomic<int> runs{0};

  BackgroundTask::Job job() {
    return [this](std::stop_token token) {
      ++runs;
      std::unique_lock lock(mu);
      cv.wait(lock, token, [&] { return open; });
      open = false;
    };
  }
  void release() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
};

TEST(BackgroundTaskTest, OneRunAtATime) {
  Gate gate;
  BackgroundTask task("test");
  ASSERT_TRUE(task.tryStart(gate.job()));
  EXPECT_TRUE(task.isRunning());
  EXPECT_FALSE(task.tryStart(gate.job()));
  gate.release();
  ASSERT_TRUE(waitUntil([&] { return !task.isRunning(); }));
  ASSERT_TRUE(task.tryStart(gate.job()));
  gate.release();
  ASSERT_TRUE(waitUntil([&] { return !task.isRunning(); }));
  EXPECT_EQ(gate.runs, 2);
}

TEST(BackgroundTaskTest, StopInterruptsTheJobAndRefusesNewOnes) {
  Gate gate;
  BackgroundTask task("test");
  ASSERT_TRUE(task.tryStart(gate.job()));
  ASSERT_TRUE(waitUntil([&] { return gate.runs == 1; }));
  task.stop();
  EXPECT_FALSE(task.isRunning());
  EXPECT_FALSE(task.tryStart(gate.job()));
  task.stop();  // idempotent
}

TEST(BackgroundTaskTest, DestructorStopsARunningJob) {
  Gate gate;
  {
    BackgroundTask task("test");
    ASSERT_TRUE(task.tryStart(gate.job()));
  }
  EXPECT_EQ(gate.runs, 1);
}

}  // namespace
}  // namespace copycat::server
