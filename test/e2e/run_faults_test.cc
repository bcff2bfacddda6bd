// `copycat run` end to end, failures and operator actions: the failure cooldown and
// POST /reset-cooldown (missing image, stopped source registry), the push cache over the admin
// API (inspect, evict, force a re-verification), and watch faults of the API server.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "e2e/run_fixture.h"
#include "support/image_fixture_client.h"

namespace copycat::testing {
namespace {

using std::chrono::seconds;

class RunFaultsTest : public RunFixture {
 protected:
  // While the target cools down, a new demand for it and a forced reconcile only log "target
  // in failure cooldown" (debug); the caller checks that no request reached the source.
  void expectNoRetryDuringCooldown(const std::string& image) {
    auto cooling = [&] { return logRecords("target in failure cooldown").size(); };
    const size_t before = cooling();
    ASSERT_TRUE(api_->upsert("deployments", workloadJson("deployments", "shop", "second", image)));
    ASSERT_TRUE(waitUntil([&] { return cooling() > before; }, seconds(20), kPoll));
    const size_t after_demand = cooling();
    auto forced = adminPost("/force-reconcile");
    ASSERT_EQ(forced.status, 202) << forced.body;
    ASSERT_TRUE(waitUntil([&] { return cooling() > after_demand; }, seconds(20), kPoll));
    EXPECT_EQ(metric("k8s_copycat_failure_cooldown_entries"), 1.0);
  }

  // The reflectors' restart and relist counters of `kind` (fed from the watcher at each scrape).
  void expectWatchCounters(const std::string& kind, double restarts, double relists) {
    EXPECT_GE(metric("k8s_copycat_watch_restarts_total", {{"kind", kind}}).value_or(0), restarts)
        << metricsText();
    EXPECT_GE(metric("k8s_copycat_relists_total", {{"kind", kind}}).value_or(0), relists)
        << metricsText();
  }

  // Two Deployments (team/app and team/tool, v1) mirrored, and copycat idle.
  std::pair<FixtureImage, FixtureImage> mirrorAppAndTool() {
    auto app = applyWorkload("deployments", "shop", "app", "team/app");
    auto tool = applyWorkload("deployments", "shop", "tool", "team/tool");
    startCopycat();
    EXPECT_TRUE(waitForTarget("team/app", "v1", app.root.digest));
    EXPECT_TRUE(waitForTarget("team/tool", "v1", tool.root.digest));
    EXPECT_TRUE(waitIdle());
    return {app, tool};
  }

  void expectReset(int cleared) {
    auto reset = adminPost("/reset-cooldown");
    ASSERT_EQ(reset.status, 200) << reset.body;
    auto body = reset.json();
    EXPECT_EQ(body["reset"], cleared > 0) << reset.body;
    EXPECT_EQ(body["clearedTargets"], cleared) << reset.body;
    EXPECT_EQ(body["message"],
              cleared > 0 ? "failure cooldown reset" : "no cooldown entries to reset")
        << reset.body;
  }
};

TEST_F(RunFaultsTest, MissingSourceImageWaitsOutTheCooldownUntilReset) {
  writeConfig("failureCooldownMinutes: 1\n");
  const std::string image = sourceRef("team/missing", "v1");
  ASSERT_TRUE(api_->upsert("deployments", workloadJson("deployments", "shop", "web", image)));
  startCopycat();
  ASSERT_TRUE(waitMetricAtLeast("k8s_copycat_images_failed_total", {}, 1)) << metricsText();
  ASSERT_TRUE(waitUntil([&] { return metric("k8s_copycat_failure_cooldown_entries") == 1.0; },
                        seconds(10), kPoll));
  const size_t tried = copycatRequests(*source_, ".*", "^/v2/team/missing/");
  EXPECT_GE(tried, 1u);

  expectNoRetryDuringCooldown(image);
  EXPECT_EQ(copycatRequests(*source_, ".*", "^/v2/team/missing/"), tried);
  EXPECT_EQ(metric("k8s_copycat_images_failed_total"), 1.0);
  EXPECT_FALSE(targetDigest("team/missing", "v1"));

  auto pushed = pushImage(*source_, "team/missing", "v1");
  expectReset(1);
  ASSERT_TRUE(waitForTarget("team/missing", "v1", pushed.root.digest));
  EXPECT_EQ(skopeoTargetDigest("team/missing", "v1"), pushed.root.digest);
  EXPECT_TRUE(waitUntil([&] { return metric("k8s_copycat_failure_cooldown_entries") == 0.0; },
                        seconds(10), kPoll));
  expectReset(0);
  stopCopycat();
}

TEST_F(RunFaultsTest, StoppedSourceRegistryWaitsOutTheCooldownUntilReset) {
  writeConfig("failureCooldownMinutes: 1\n");
  auto pushed = pushImage(*source_, "team/app", "v1");
  source_->stop();
  const std::string image = sourceRef("team/app", "v1");
  ASSERT_TRUE(api_->upsert("deployments", workloadJson("deployments", "shop", "web", image)));
  startCopycat();
  ASSERT_TRUE(waitMetricAtLeast("k8s_copycat_images_failed_total", {}, 1)) << metricsText();
  ASSERT_TRUE(waitUntil([&] { return metric("k8s_copycat_failure_cooldown_entries") == 1.0; },
                        seconds(10), kPoll));
  // The failure is the source's: counted as a pull error of the source registry.
  auto failure = logRecords("mirror failed");
  ASSERT_FALSE(failure.empty());
  EXPECT_EQ(
      metric("k8s_copycat_registry_pull_error_total", {{"registry", source_->host()}}).value_or(0),
      1.0)
      << failure.front().dump();
  EXPECT_FALSE(metric("k8s_copycat_registry_push_error_total", {{"registry", target_->host()}}))
      << failure.front().dump();

  ASSERT_TRUE(source_->restart());
  source_->clearAccessLog();
  expectNoRetryDuringCooldown(image);
  EXPECT_EQ(copycatRequests(*source_, ".*", ".*"), 0u);

  expectReset(1);
  ASSERT_TRUE(waitForTarget("team/app", "v1", pushed.root.digest));
  EXPECT_EQ(skopeoTargetDigest("team/app", "v1"), pushed.root.digest);
  stopCopycat();
}

// GET /admin/cache lists what was pushed; evicting one target re-checks it (the image is still
// there: no write); POST /force-reconcile verifies every cached target with HEAD requests only.
TEST_F(RunFaultsTest, CacheInspectionEvictionAndForcedReverification) {
  auto [app, tool] = mirrorAppAndTool();
  ASSERT_FALSE(HasFailure());
  auto listed = adminGet("/admin/cache").json();
  ASSERT_EQ(listed["count"], 2) << listed.dump();
  EXPECT_EQ(listed["entries"][0]["target"], targetRef("team/app", "v1"));
  EXPECT_EQ(listed["entries"][0]["digest"], app.root.digest);
  EXPECT_EQ(listed["entries"][1]["target"], targetRef("team/tool", "v1"));
  EXPECT_EQ(listed["entries"][1]["digest"], tool.root.digest);
  for (const auto& entry : listed["entries"]) {
    EXPECT_EQ(entry["inflight"], false);
    EXPECT_NE(entry["lastPush"], "0001-01-01T00:00:00Z");
  }

  target_->clearAccessLog();
  auto evicted = adminPost("/admin/cache/evict?target=" + targetRef("team/app", "v1"));
  ASSERT_EQ(evicted.status, 200) << evicted.body;
  auto body = evicted.json();
  EXPECT_EQ(body["removed"], nlohmann::json::array({targetRef("team/app", "v1")})) << evicted.body;
  // The cache right after the eviction (the evicted target is re-checked in the background).
  EXPECT_EQ(body["remaining"], 1) << evicted.body;
  ASSERT_EQ(body["entries"].size(), 1u) << evicted.body;
  EXPECT_EQ(body["entries"][0]["target"], targetRef("team/tool", "v1"));
  // Still demanded: re-checked at once, found up to date, cached again.
  ASSERT_TRUE(
      waitUntil([&] { return adminGet("/admin/cache").json()["count"] == 2; }, seconds(20), kPoll));
  ASSERT_TRUE(waitIdle());

  auto forced = adminPost("/force-reconcile");
  ASSERT_EQ(forced.status, 202) << forced.body;
  EXPECT_EQ(forced.json()["triggered"], true);
  EXPECT_EQ(forced.json()["message"], "force reconcile started");
  ASSERT_TRUE(waitMetricAtLeast("k8s_copycat_reverifications_total", {{"result", "present"}}, 2))
      << metricsText();
  EXPECT_EQ(copycatRequests(*target_, "POST|PUT|PATCH|DELETE", ".*"), 0u);
  EXPECT_GE(copycatRequests(*target_, "HEAD", "^/v2/team/app/manifests/v1$"), 2u);
  EXPECT_GE(copycatRequests(*target_, "HEAD", "^/v2/team/tool/manifests/v1$"), 1u);
  EXPECT_EQ(copycatRequests(*target_, "GET", "/manifests/"), 0u);
  stopCopycat();
}

// A target deleted behind copycat's back is found by POST /force-reconcile and pushed again;
// the other target, still present, is not rewritten.
TEST_F(RunFaultsTest, ForcedReverificationRepushesATargetDeletedFromTheRegistry) {
  auto [app, tool] = mirrorAppAndTool();
  ASSERT_FALSE(HasFailure());
  target_->clearAccessLog();
  RegistryHttpClient client(RegistryEndpoint::of(*target_));
  ASSERT_TRUE(client.deleteManifest("team/tool", tool.root.digest));
  ASSERT_FALSE(targetDigest("team/tool", "v1"));

  auto forced = adminPost("/force-reconcile");
  ASSERT_EQ(forced.status, 202) << forced.body;
  ASSERT_TRUE(waitMetricAtLeast("k8s_copycat_reverifications_total", {{"result", "missing"}}, 1))
      << metricsText();
  ASSERT_TRUE(waitForTarget("team/tool", "v1", tool.root.digest));
  EXPECT_EQ(skopeoTargetDigest("team/tool", "v1"), tool.root.digest);
  EXPECT_EQ(metric("k8s_copycat_reverifications_total", {{"result", "present"}}), 1.0);
  EXPECT_GE(copycatRequests(*target_, "PUT", "^/v2/team/tool/manifests/v1$"), 1u);
  EXPECT_EQ(copycatRequests(*target_, "POST|PUT|PATCH|DELETE", "^/v2/team/app/"), 0u);
  stopCopycat();
}

// Watch streams closed, failed with 410, resumed past a compaction, and dropped after every
// event (cleanly and abruptly) while workloads keep arriving: every one of them is mirrored.
TEST_F(RunFaultsTest, WatchFaultsLoseNoWorkload) {
  std::vector<std::pair<std::string, FixtureImage>> expected;
  auto add = [&](const std::string& resource, const std::string& name) {
    const std::string repo = "faults/" + name;
    expected.emplace_back(repo, applyWorkload(resource, "shop", name, repo));
  };
  // After a fault: the Deployment reflector sends a new watch, and a deployment created after
  // that request arrives through it, so the next fault hits an established stream.
  auto recovered = [&](uint64_t watch_requests_before, const std::string& name) {
    ASSERT_TRUE(
        api_->waitForRequestCount("watch", "deployments", watch_requests_before + 1, seconds(20)));
    add("deployments", name);
    ASSERT_TRUE(waitForTarget(expected.back().first, "v1", expected.back().second.root.digest));
  };
  auto watchRequests = [&] { return api_->requestCount("watch", "deployments"); };
  add("deployments", "initial");
  startCopycat();
  ASSERT_TRUE(waitReady());
  ASSERT_TRUE(waitForTarget(expected[0].first, "v1", expected[0].second.root.digest));

  uint64_t before = watchRequests();
  api_->closeAllWatches();
  add("deployments", "during-close");
  add("pods", "during-close-pod");
  recovered(before, "after-close");

  before = watchRequests();
  api_->injectWatchError(410, "Expired", "too old resource version");
  add("deployments", "during-expired");
  recovered(before, "after-expired");

  add("statefulsets", "before-compaction");  // moves the store past the deployments' version
  before = watchRequests();
  api_->compactHistory();
  api_->closeAllWatches();
  add("deployments", "during-compaction");
  recovered(before, "after-compaction");

  api_->setWatchDropAfter(1);
  api_->closeAllWatches();
  add("deployments", "dropped-1");
  add("deployments", "dropped-2");
  add("jobs", "dropped-3");
  api_->setWatchDropAfter(1, /*abrupt=*/true);
  api_->closeAllWatches();
  add("deployments", "abrupt-1");
  add("deployments", "abrupt-2");
  add("cronjobs", "abrupt-3");
  api_->setWatchDropAfter(0);

  for (const auto& [repo, image] : expected) {
    EXPECT_TRUE(waitForTarget(repo, "v1", image.root.digest)) << repo;
  }
  EXPECT_EQ(skopeoTargetDigest("faults/abrupt-3", "v1"), expected.back().second.root.digest);
  EXPECT_TRUE(copycat_.running());
  EXPECT_TRUE(waitReady(seconds(5)));

  expectWatchCounters("Deployment", 4, 2);
  stopCopycat();
}

}  // namespace
}  // namespace copycat::testing
