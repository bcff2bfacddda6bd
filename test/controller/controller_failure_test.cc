// Failures: retries with backoff, the failure cooldown, terminal errors, graceful shutdown.
#include <gtest/gtest.h>

#include "controller/controller.h"
#include "controller_harness.h"

namespace copycat::controller {
namespace {

using fakes::deploymentUse;
using fakes::Harness;
using fakes::kTarget;
using fakes::waitUntil;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

ControllerOptions retrying() {
  return ControllerOptions{.reconcile = {.registry_retry_attempts = 3},
                           .failure_cooldown = minutes(60),
                           .retry_backoff = seconds(10)};
}

TEST(ControllerFailureTest, RetryableFailureBacksOffThenCoolsDown) {
  Harness h(retrying());
  h.executor.failAlways(kTarget, Error(ErrorCode::kUnavailable, "registry unavailable"));
  h.controller().observe(deploymentUse("nginx:1.25"));
  h.controller().start();
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.calls(), 1u);
  EXPECT_EQ(h.controller().stats().waiting, 1u);
  EXPECT_TRUE(h.events.events().empty()) << "no Warning while retrying";

  ASSERT_TRUE(h.advance(seconds(9)));
  EXPECT_EQ(h.executor.calls(), 1u);
  ASSERT_TRUE(h.advance(seconds(1)));  // first retry after registryRetryBackoff
  EXPECT_EQ(h.executor.calls(), 2u);
  ASSERT_TRUE(h.advance(seconds(20)));  // then twice as long
  EXPECT_EQ(h.executor.calls(), 3u);

  // Attempts used up: the target cools down, counted once, one Warning.
  EXPECT_EQ(h.controller().stats().cooldown_entries, 1u);
  EXPECT_EQ(
      h.metric("k8s_copycat_images_failed_total", {{"code", "Unavailable"}, {"terminal", "false"}}),
      1);
  EXPECT_EQ(h.metric("k8s_copycat_registry_push_error_total", {{"registry", "mirror.example.com"}}),
            3);
  EXPECT_EQ(h.metric("k8s_copycat_failure_cooldown_entries"), 1);
  EXPECT_EQ(h.metric("k8s_copycat_workqueue_retries_total"), 3);
  auto events = h.events.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::kWarning);
  EXPECT_EQ(events[0].reason, "MirrorFailed");
  EXPECT_TRUE(h.controller().cacheEntries().empty());

  // Re-observing during the cooldown does not reach the registry.
  h.controller().observe(deploymentUse("nginx:1.25"));
  ASSERT_TRUE(h.advance(minutes(59)));
  EXPECT_EQ(h.executor.calls(), 3u);
  // When the cooldown ends the target is tried again by itself.
  h.executor.clearFailures();
  ASSERT_TRUE(h.advance(minutes(1)));
  EXPECT_EQ(h.executor.calls(), 4u);
  EXPECT_EQ(h.controller().cacheEntries().size(), 1u);
  EXPECT_EQ(h.controller().stats().cooldown_entries, 0u);
}

TEST(ControllerFailureTest, TerminalErrorsAreNotRetried) {
  struct Case {
    ErrorCode code;
    FailedSide side;
    const char* counter;
    const char* registry;
  };
  for (const Case& c : {Case{ErrorCode::kPermissionDenied, FailedSide::kTarget,
                             "k8s_copycat_registry_push_error_total", "mirror.example.com"},
                        Case{ErrorCode::kNotFound, FailedSide::kSource,
                             "k8s_copycat_registry_pull_error_total", "docker.io"},
                        Case{ErrorCode::kInvalidArgument, FailedSide::kUnknown,
                             "k8s_copycat_registry_push_error_total", "mirror.example.com"}}) {
    SCOPED_TRACE(std::string(errorCodeName(c.code)));
    Harness h(retrying());
    h.executor.failAlways(kTarget, Error(c.code, "no"), c.side);
    h.controller().observe(deploymentUse("nginx:1.25"));
    h.controller().start();
    ASSERT_TRUE(h.settle());
    ASSERT_TRUE(h.advance(minutes(30)));
    EXPECT_EQ(h.executor.calls(), 1u);
    EXPECT_EQ(h.controller().stats().cooldown_entries, 1u);
    EXPECT_EQ(h.metric("k8s_copycat_images_failed_total",
                       {{"code", std::string(errorCodeName(c.code))}, {"terminal", "true"}}),
              1);
    EXPECT_EQ(h.metric(c.counter, {{"registry", c.registry}}), 1);
    ASSERT_EQ(h.events.events().size(), 1u);
    EXPECT_EQ(h.events.events()[0].type, EventType::kWarning);
  }
}

TEST(ControllerFailureTest, DigestMismatchIsRetriedThenTerminal) {
  Harness h(retrying());
  h.executor.failAlways(kTarget, Error(ErrorCode::kDigestMismatch, "corrupt blob"));
  h.controller().observe(deploymentUse("nginx:1.25"));
  h.controller().start();
  ASSERT_TRUE(h.settle());
  ASSERT_TRUE(h.advance(seconds(10)));
  ASSERT_TRUE(h.advance(seconds(20)));
  EXPECT_EQ(h.executor.calls(), 3u);
  EXPECT_EQ(h.metric("k8s_copycat_images_failed_total",
                     {{"code", "DigestMismatch"}, {"terminal", "false"}}),
            1);
}

TEST(ControllerFailureTest, WithoutCooldownAFailedTargetWaitsForTheNextDemand) {
  auto options = retrying();
  options.failure_cooldown = minutes(0);
  options.reconcile.registry_retry_attempts = 1;
  Harness h(options);
  h.executor.failNext(kTarget, Error(ErrorCode::kUnavailable, "down"));
  h.controller().observe(deploymentUse("nginx:1.25"));
  h.controller().start();
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.controller().stats().waiting, 0u);
  EXPECT_EQ(h.controller().stats().cooldown_entries, 0u);
  h.controller().observe(deploymentUse("nginx:1.25"));
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.calls(), 2u) << "retried at once on the next demand";
}

TEST(ControllerFailureTest, GracefulShutdownCancelsInFlightCopiesAfterTheDeadline) {
  Harness h({.shutdown_timeout = milliseconds(20)});
  h.executor.setBlocking(true);
  h.controller().observe(deploymentUse("nginx:1.25"));
  h.controller().start();
  ASSERT_TRUE(waitUntil([&] { return h.executor.active() == 1; }));
  h.controller().stop();
  EXPECT_EQ(h.executor.cancelled(), 1);
  EXPECT_EQ(h.controller().stats().cooldown_entries, 0u) << "a cancellation is no failure";
  EXPECT_TRUE(h.controller().cacheEntries().empty()) << "no in-flight entry left behind";
  EXPECT_EQ(
      h.metric("k8s_copycat_images_failed_total", {{"code", "Cancelled"}, {"terminal", "true"}}),
      -1);
  EXPECT_FALSE(h.controller().isReady());
}

TEST(ControllerFailureTest, NoNewWorkIsTakenAfterStop) {
  Harness h({.max_concurrent_reconciles = 1, .shutdown_timeout = milliseconds(20)});
  h.executor.setBlocking(true);
  h.controller().observe(deploymentUse("nginx:1.25", "web"));
  h.controller().observe(deploymentUse("redis:7", "cache"));
  h.controller().start();
  ASSERT_TRUE(waitUntil([&] { return h.executor.active() == 1; }));
  h.controller().stop();
  EXPECT_EQ(h.executor.calls(), 1u) << "the queued second image is not started";
}

}  // namespace
}  // namespace copycat::controller
