#include "controller/controller_metrics.h"

#include <string>

#include <gtest/gtest.h>

#include "controller_test_util.h"

namespace copycat::controller {
namespace {

using fakes::metricValue;

TEST(ControllerMetricsTest, SettersForLeaderAndReflectors) {
  prometheus::Registry registry;
  auto metrics = ControllerMetrics::create(registry);
  ASSERT_TRUE(metrics) << metrics.error().message;
  auto& m = **metrics;
  EXPECT_EQ(metricValue(registry, "k8s_copycat_leader"), 0);
  m.setLeader(true);
  EXPECT_EQ(metricValue(registry, "k8s_copycat_leader"), 1);
  m.watchRestarted("Pod");
  m.watchRestarted("Pod");
  m.relisted("Deployment");
  EXPECT_EQ(metricValue(registry, "k8s_copycat_watch_restarts_total", {{"kind", "Pod"}}), 2);
  EXPECT_EQ(metricValue(registry, "k8s_copycat_relists_total", {{"kind", "Deployment"}}), 1);
  m.imageFailed(ErrorCode::kUnavailable, false);
  EXPECT_EQ(metricValue(registry, "k8s_copycat_images_failed_total",
                        {{"code", "Unavailable"}, {"terminal", "false"}}),
            1);
  m.pullFailed("ghcr.io");
  EXPECT_EQ(
      metricValue(registry, "k8s_copycat_registry_pull_error_total", {{"registry", "ghcr.io"}}), 1);
}

TEST(ControllerMetricsTest, WatchTotalsAddTheirIncreasePerKind) {
  prometheus::Registry registry;
  auto metrics = ControllerMetrics::create(registry);
  ASSERT_TRUE(metrics);
  auto& m = **metrics;
  auto restarts = [&](const std::string& kind) {
    return metricValue(registry, "k8s_copycat_watch_restarts_total", {{"kind", kind}});
  };
  auto relists = [&](const std::string& kind) {
    return metricValue(registry, "k8s_copycat_relists_total", {{"kind", kind}});
  };
  m.observeWatchTotals("Pod", 0, 0);  // a kind without restarts still gets its series
  EXPECT_EQ(restarts("Pod"), 0);
  EXPECT_EQ(relists("Pod"), 0);
  m.observeWatchTotals("Pod", 3, 1);
  m.observeWatchTotals("Deployment", 2, 0);  // first sample of a kind: all of it is new
  EXPECT_EQ(restarts("Pod"), 3);
  EXPECT_EQ(relists("Pod"), 1);
  EXPECT_EQ(restarts("Deployment"), 2);
  m.observeWatchTotals("Pod", 3, 1);  // unchanged: nothing added
  EXPECT_EQ(restarts("Pod"), 3);
  m.observeWatchTotals("Pod", 5, 4);
  EXPECT_EQ(restarts("Pod"), 5);
  EXPECT_EQ(relists("Pod"), 4);
  EXPECT_EQ(restarts("Deployment"), 2);
}

// Events written, dropped (queue full) and failed, from the writer's cumulative totals.
TEST(ControllerMetricsTest, EventTotalsAddTheirIncreasePerResult) {
  prometheus::Registry registry;
  auto metrics = ControllerMetrics::create(registry);
  ASSERT_TRUE(metrics);
  auto& m = **metrics;
  auto events = [&](const std::string& result) {
    return metricValue(registry, "k8s_copycat_events_total", {{"result", result}});
  };
  m.observeEventTotals(0, 0, 0);
  EXPECT_EQ(events("dropped"), 0);  // every series exists from the first scrape
  m.observeEventTotals(20, 5, 1);
  m.observeEventTotals(30, 5, 1);
  EXPECT_EQ(events("written"), 30);
  EXPECT_EQ(events("dropped"), 5);
  EXPECT_EQ(events("failed"), 1);
}

TEST(ControllerMetricsTest, WatchTotalsSurviveASourceStartingAgainFromZero) {
  prometheus::Registry registry;
  auto metrics = ControllerMetrics::create(registry);
  ASSERT_TRUE(metrics);
  auto& m = **metrics;
  m.observeWatchTotals("Pod", 7, 2);
  m.observeWatchTotals("Pod", 1, 0);  // a new watcher: its 1 restart is new, nothing lost
  EXPECT_EQ(metricValue(registry, "k8s_copycat_watch_restarts_total", {{"kind", "Pod"}}), 8);
  EXPECT_EQ(metricValue(registry, "k8s_copycat_relists_total", {{"kind", "Pod"}}), 2);
  m.observeWatchTotals("Pod", 4, 1);  // and it grows from there
  EXPECT_EQ(metricValue(registry, "k8s_copycat_watch_restarts_total", {{"kind", "Pod"}}), 11);
  EXPECT_EQ(metricValue(registry, "k8s_copycat_relists_total", {{"kind", "Pod"}}), 3);
}

TEST(ControllerMetricsTest, QueueHooksFeedTheWorkqueueFamilies) {
  prometheus::Registry registry;
  auto metrics = ControllerMetrics::create(registry);
  ASSERT_TRUE(metrics);
  auto& q = (*metrics)->queueMetrics();
  q.onAdd();
  q.onDepth(3);
  q.onInFlight(2);
  q.onRetry();
  q.onQueueLatency(std::chrono::milliseconds(5));
  q.onWorkDuration(std::chrono::seconds(2));
  EXPECT_EQ(metricValue(registry, "k8s_copycat_workqueue_adds_total"), 1);
  EXPECT_EQ(metricValue(registry, "k8s_copycat_workqueue_depth"), 3);
  EXPECT_EQ(metricValue(registry, "k8s_copycat_workqueue_in_flight"), 2);
  EXPECT_EQ(metricValue(registry, "k8s_copycat_workqueue_retries_total"), 1);
  EXPECT_EQ(metricValue(registry, "k8s_copycat_workqueue_queue_duration_seconds"), 1);
  EXPECT_EQ(metricValue(registry, "k8s_copycat_workqueue_work_duration_seconds"), 1);
}

TEST(ControllerMetricsTest, ANameTakenWithAnotherTypeIsAnError) {
  prometheus::Registry registry;
  prometheus::BuildGauge().Name("k8s_copycat_bytes_copied_total").Help("x").Register(registry);
  auto metrics = ControllerMetrics::create(registry);
  ASSERT_FALSE(metrics);
  EXPECT_EQ(metrics.error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace copycat::controller
