#include "registry/parallel.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "registry/blob_locations.h"

namespace copycat::registry {
namespace {

TEST(ParallelTest, RunsEveryTaskWithBoundedConcurrency) {
  std::atomic<int> running{0}, peak{0}, done{0};
  auto status = runParallel(20, 3, {}, [&](size_t, std::stop_token) -> Status {
    int now = ++running;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    --running;
    ++done;
    return ok();
  });
  EXPECT_TRUE(status);
  EXPECT_EQ(done.load(), 20);
  EXPECT_LE(peak.load(), 3);
}

TEST(ParallelTest, TheFirstRealErrorWinsOverSiblingCancellations) {
  auto status = runParallel(50, 4, {}, [&](size_t i, std::stop_token stop) -> Status {
    if (i == 3) {
      return fail(ErrorCode::kDigestMismatch, "bad blob");
    }
    if (stop.stop_requested()) {
      return fail(ErrorCode::kCancelled, "cancelled");
    }
    return ok();
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kDigestMismatch);
}

TEST(ParallelTest, AStoppedRunIsCancelled) {
  std::stop_source stop;
  stop.request_stop();
  std::atomic<int> ran{0};
  auto status = runParallel(5, 2, stop.get_token(), [&](size_t, std::stop_token) -> Status {
    ++ran;
    return ok();
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(ran.load(), 0);
}

TEST(BlobLocationsTest, FindsOtherRepositoriesMostRecentFirst) {
  BlobLocations locations;
  locations.add("r.io", "sha256:a", "one");
  locations.add("r.io", "sha256:a", "two");
  locations.add("other.io", "sha256:a", "three");
  EXPECT_EQ(locations.find("r.io", "sha256:a", "one"), std::vector<std::string>{"two"});
  EXPECT_EQ(locations.find("r.io", "sha256:a"), (std::vector<std::string>{"two", "one"}));
  locations.forget("r.io", "sha256:a", "two");
  EXPECT_EQ(locations.find("r.io", "sha256:a"), std::vector<std::string>{"one"});
}

TEST(BlobLocationsTest, IsBounded) {
  BlobLocations locations(2);
  locations.add("r", "sha256:1", "a");
  locations.add("r", "sha256:2", "a");
  locations.add("r", "sha256:3", "a");
  EXPECT_EQ(locations.size(), 2u);
  EXPECT_TRUE(locations.find("r", "sha256:1").empty());
  for (int i = 0; i < 10; ++i) {
    locations.add("r", "sha256:3", "repo" + std::to_string(i));
  }
  EXPECT_EQ(locations.find("r", "sha256:3").size(), BlobLocations::kMaxReposPerBlob);
}

TEST(InFlightKeysTest, ASecondHolderWaitsForTheFirst) {
  InFlightKeys keys;
  std::atomic<bool> second_in{false};
  std::thread other;
  {
    auto hold = keys.acquire("k", {});
    ASSERT_TRUE(hold.held());
    other = std::thread([&] {
      auto second = keys.acquire("k", {});
      second_in = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(second_in.load());
  }
  other.join();
  EXPECT_TRUE(second_in.load());
}

}  // namespace
}  // namespace copycat::registry
