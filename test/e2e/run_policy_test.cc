// `copycat run` end to end, selection and throttling policies: every workload kind through its
// life cycle, namespace filters and skip lists, excludeRegistries (and the target itself),
// pushInterval and --dry-run. Asserted on the target registry (HEAD, skopeo, access logs of
// copycat's own requests), /metrics and the admin API.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "e2e/run_fixture.h"

namespace copycat::testing {
namespace {

using std::chrono::seconds;

const std::vector<std::string> kKinds = {"deployments", "statefulsets", "daemonsets",
                                         "jobs",        "cronjobs",     "pods"};

// Milliseconds since the epoch of a log line's "ts" ("2024-05-01T12:00:00.123Z").
int64_t logMillis(const LogRecord& record) {
  const std::string ts = record.value("ts", "");
  std::tm tm{};
  if (ts.size() < 23 || ::strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) {
    return -1;
  }
  return static_cast<int64_t>(::timegm(&tm)) * 1000 + std::stoll(ts.substr(20, 3));
}

using RunPolicyTest = RunFixture;

// Created → mirrored byte-identically; image changed → the new image mirrored; deleted → the
// cache keeps its entries, nothing is copied again and the controller keeps working.
TEST_F(RunPolicyTest, EveryWorkloadKindIsMirroredFollowedOnUpdateAndForgottenOnDelete) {
  std::map<std::string, FixtureImage> v1;
  std::map<std::string, FixtureImage> v2;
  for (const auto& kind : kKinds) {
    v1[kind] = applyWorkload(kind, "shop", "w-" + kind, "kinds/" + kind, "v1");
  }
  startCopycat();
  ASSERT_TRUE(waitReady());
  for (const auto& kind : kKinds) {
    EXPECT_TRUE(waitForTarget("kinds/" + kind, "v1", v1[kind].root.digest)) << kind;
    EXPECT_EQ(skopeoTargetDigest("kinds/" + kind, "v1"), v1[kind].root.digest) << kind;
  }

  for (const auto& kind : kKinds) {
    v2[kind] = applyWorkload(kind, "shop", "w-" + kind, "kinds/" + kind, "v2");
  }
  for (const auto& kind : kKinds) {
    EXPECT_TRUE(waitForTarget("kinds/" + kind, "v2", v2[kind].root.digest)) << kind;
    EXPECT_EQ(skopeoTargetDigest("kinds/" + kind, "v2"), v2[kind].root.digest) << kind;
  }
  ASSERT_TRUE(waitIdle());
  auto cache = adminGet("/admin/cache");
  ASSERT_EQ(cache.status, 200);
  const auto listed = cache.json();
  ASSERT_EQ(listed["count"], 2 * kKinds.size()) << cache.body;
  for (const auto& entry : listed["entries"]) {
    bool known = false;
    for (const auto& kind : kKinds) {
      known = known || (entry["target"] == targetRef("kinds/" + kind, "v1") &&
                        entry["digest"] == v1[kind].root.digest);
      known = known || (entry["target"] == targetRef("kinds/" + kind, "v2") &&
                        entry["digest"] == v2[kind].root.digest);
    }
    EXPECT_TRUE(known) << entry.dump();
  }
  EXPECT_EQ(metric("k8s_copycat_images_known"), static_cast<double>(kKinds.size()));
  const size_t writes = copycatRequests(*target_, "POST|PUT|PATCH", "^/v2/kinds/");
  EXPECT_GT(writes, 0u);

  for (const auto& kind : kKinds) {
    ASSERT_TRUE(api_->remove(kind, "shop", "w-" + kind));
  }
  // A workload created after the deletions is mirrored: the controller still works, and every
  // delete event before it has been processed by then.
  auto after = applyWorkload("deployments", "shop", "after", "kinds/after");
  ASSERT_TRUE(waitForTarget("kinds/after", "v1", after.root.digest));
  ASSERT_TRUE(waitIdle());
  EXPECT_TRUE(
      waitUntil([&] { return metric("k8s_copycat_images_known") == 1.0; }, seconds(10), kPoll))
      << metricsText();
  EXPECT_EQ(adminGet("/admin/cache").json()["count"], 2 * kKinds.size() + 1);
  EXPECT_EQ(copycatRequests(*target_, "POST|PUT|PATCH", "^/v2/kinds/(?!after/)"), writes);
  EXPECT_TRUE(copycat_.running());
  EXPECT_TRUE(waitReady(seconds(5)));
  stopCopycat();
}

struct FilterCase {
  std::string resource, ns, name, repo;
  std::optional<OwnerRef> owner = std::nullopt;
};

const std::vector<FilterCase> kAllowed = {
    {"deployments", "shop", "web", "allowed/shop-web"},
    {"deployments", "team-a", "web", "allowed/team-a-web"},
    {"deployments", "team-a", "skip-deploy", "allowed/team-a-skip-deploy"},  // shop/ only
    {"statefulsets", "shop", "db", "allowed/db"},
    {"jobs", "shop", "migrate", "allowed/migrate"},
    {"cronjobs", "shop", "nightly", "allowed/nightly"},
    {"pods", "shop", "debug", "allowed/debug"}};

const std::vector<FilterCase> kFiltered = {
    {"deployments", "team-secret", "web", "filtered/ns-skipped"},
    {"deployments", "other", "web", "filtered/ns-not-included"},
    {"deployments", "shop", "skip-deploy", "filtered/skip-deploy"},
    {"statefulsets", "team-a", "skip-sts", "filtered/skip-sts"},
    {"daemonsets", "shop", "agent", "filtered/daemonset-star"},
    {"jobs", "shop", "skip-job", "filtered/skip-job"},
    {"cronjobs", "shop", "skip-cron", "filtered/skip-cron"},
    {"pods", "shop", "skip-pod", "filtered/skip-pod"},
    {"pods", "shop", "skip-job-x7k2p", "filtered/pod-of-skipped-job",
     OwnerRef{"jobs", "skip-job", "uid-shop-skip-job"}}};

// includeNamespaces (names and a glob, also matching a namespace created later), skipNamespaces
// and skipNames per kind ("name", "namespace/name", "*", and a pod owned by a skipped Job):
// filtered images are never requested from the source nor the target.
TEST_F(RunPolicyTest, NamespaceFiltersAndSkipNamesKeepImagesAwayFromTheTarget) {
  for (const auto* ns : {"team-a", "team-secret", "other"}) {
    ASSERT_TRUE(api_->upsert("namespaces", namespaceJson(ns)));
  }
  writeConfig(
      "includeNamespaces: [shop, \"team-*\"]\nskipNamespaces: [team-secret]\n"
      "skipNames:\n  deployments: [shop/skip-deploy]\n  statefulSets: [skip-sts]\n"
      "  daemonSets: [\"*\"]\n  jobs: [skip-job]\n  cronJobs: [skip-cron]\n  pods: [skip-pod]\n");
  std::map<std::string, FixtureImage> images;
  for (const auto& list : {kAllowed, kFiltered}) {
    for (const auto& c : list) {
      images[c.repo] = applyWorkload(c.resource, c.ns, c.name, c.repo, "v1", c.owner);
    }
  }
  startCopycat();
  ASSERT_TRUE(waitReady());
  for (const auto& c : kAllowed) {
    EXPECT_TRUE(waitForTarget(c.repo, "v1", images[c.repo].root.digest)) << c.repo;
  }
  // Later: a namespace matching the glob joins; filtered objects arrive by watch; a skipped
  // deployment rolls out. The last object, in a namespace watched from the start, is the
  // barrier: once it is mirrored and the queue is idle, everything before it was decided.
  ASSERT_TRUE(api_->upsert("namespaces", namespaceJson("team-b")));
  auto late = applyWorkload("deployments", "team-b", "web", "allowed/team-b-web");
  applyWorkload("deployments", "team-secret", "late", "filtered/late-secret");
  applyWorkload("deployments", "shop", "skip-deploy", "filtered/skip-deploy", "v2");
  auto barrier = applyWorkload("deployments", "shop", "barrier", "allowed/barrier");
  EXPECT_TRUE(waitForTarget("allowed/team-b-web", "v1", late.root.digest));
  ASSERT_TRUE(waitForTarget("allowed/barrier", "v1", barrier.root.digest));
  ASSERT_TRUE(waitIdle());

  EXPECT_EQ(copycatRequests(*target_, ".*", "^/v2/filtered/"), 0u);
  EXPECT_EQ(copycatRequests(*source_, ".*", "^/v2/filtered/"), 0u);
  for (const auto& c : kFiltered) {
    EXPECT_FALSE(targetDigest(c.repo, "v1")) << c.repo;
  }
  auto cache = adminGet("/admin/cache").json();
  EXPECT_EQ(cache["count"], kAllowed.size() + 2) << cache.dump();
  stopCopycat();
}

// Image uses a skip list rejects are "not mirrored" and counted by reason, as the planner's
// decisions are (docs/controller.md, step 1).
TEST_F(RunPolicyTest, SkippedNamesAreCountedInTheSkippedMetric) {
  writeConfig("skipNames:\n  deployments: [skip-deploy]\n  pods: [shop/skip-pod]\n");
  applyWorkload("deployments", "shop", "skip-deploy", "filtered/deploy");
  applyWorkload("pods", "shop", "skip-pod", "filtered/pod");
  auto barrier = applyWorkload("deployments", "shop", "barrier", "allowed/barrier");
  startCopycat();
  ASSERT_TRUE(waitReady());
  ASSERT_TRUE(waitForTarget("allowed/barrier", "v1", barrier.root.digest));
  ASSERT_TRUE(waitIdle());
  EXPECT_EQ(copycatRequests(*source_, ".*", "^/v2/filtered/"), 0u);
  EXPECT_GE(metric("k8s_copycat_images_skipped_total", {{"reason", "name_skipped"}}).value_or(0),
            2.0)
      << metricsText();
  stopCopycat();
}

// excludeRegistries by host and by host/path; the target registry is always excluded as a
// source, so an image already pulled from the mirror is never copied onto itself.
TEST_F(RunPolicyTest, ExcludedRegistriesAndTheTargetItselfAreNeverMirrored) {
  auto excluded = RegistryProcess::start(RegistryProcess::anonymous());
  ASSERT_TRUE(excluded) << excluded.error().describe();
  auto& other = **excluded;
  insecure_sources_ = {other.host()};
  writeConfig("excludeRegistries: [\"" + other.host() + "\", \"" + source_->host() +
              "/vendor\"]\n");
  pushImage(other, "team/excluded", "v1");
  pushImage(*target_, "team/mirrored", "v1");
  ASSERT_TRUE(api_->upsert("deployments", workloadJson("deployments", "shop", "excluded",
                                                       other.host() + "/team/excluded:v1")));
  applyWorkload("deployments", "shop", "vendor", "vendor/tool");
  ASSERT_TRUE(api_->upsert("deployments", workloadJson("deployments", "shop", "from-mirror",
                                                       targetRef("team/mirrored", "v1"))));
  ASSERT_TRUE(api_->upsert(
      "pods", workloadJson("pods", "shop", "from-mirror", targetRef("team/mirrored", "v1"))));
  startCopycat();
  ASSERT_TRUE(waitReady());
  auto allowed = applyWorkload("deployments", "shop", "app", "team/app");
  ASSERT_TRUE(waitForTarget("team/app", "v1", allowed.root.digest));
  ASSERT_TRUE(waitIdle());
  EXPECT_EQ(skopeoTargetDigest("team/app", "v1"), allowed.root.digest);

  EXPECT_EQ(copycatRequests(other, ".*", ".*"), 0u);
  EXPECT_EQ(copycatRequests(*source_, ".*", "^/v2/vendor/"), 0u);
  EXPECT_EQ(copycatRequests(*target_, ".*", "^/v2/(team/mirrored|team/excluded|vendor)/"), 0u);
  EXPECT_FALSE(targetDigest("team/excluded", "v1"));
  EXPECT_FALSE(targetDigest("vendor/tool", "v1"));
  EXPECT_GE(
      metric("k8s_copycat_images_skipped_total", {{"reason", "excluded_registry"}}).value_or(0),
      4.0)
      << metricsText();
  auto cache = adminGet("/admin/cache").json();
  ASSERT_EQ(cache["count"], 1) << cache.dump();
  EXPECT_EQ(cache["entries"][0]["target"], targetRef("team/app", "v1"));
  stopCopycat();
}

// Two pushes of one target within pushInterval: the second waits for the rest of the interval
// and then happens (delayed, not dropped). The same repo:tag from a second source registry
// names the same target, and a rollout switches to it.
TEST_F(RunPolicyTest, PushIntervalDelaysASecondPushOfTheSameTargetWithoutDroppingIt) {
  auto second = RegistryProcess::start(RegistryProcess::anonymous());
  ASSERT_TRUE(second) << second.error().describe();
  insecure_sources_ = {(*second)->host()};
  writeConfig("pushInterval: 2s\n");
  auto first_image = applyWorkload("deployments", "shop", "web", "team/app");
  auto second_image = pushImage(**second, "team/app", "v1");
  ASSERT_NE(first_image.root.digest, second_image.root.digest);
  startCopycat();
  ASSERT_TRUE(waitForTarget("team/app", "v1", first_image.root.digest));
  ASSERT_TRUE(api_->upsert("deployments", workloadJson("deployments", "shop", "web",
                                                       (*second)->host() + "/team/app:v1")));
  ASSERT_TRUE(waitForTarget("team/app", "v1", second_image.root.digest));
  EXPECT_EQ(skopeoTargetDigest("team/app", "v1"), second_image.root.digest);

  const std::string target = targetRef("team/app", "v1");
  auto throttled = logRecords("push throttled by pushInterval");
  ASSERT_FALSE(throttled.empty()) << logs();
  for (const auto& record : throttled) {
    EXPECT_EQ(record.value("target", ""), target);
    EXPECT_GT(record.value("retry_in_ms", -1), 0);
    EXPECT_LE(record.value("retry_in_ms", 1 << 30), 2000);
  }
  std::vector<LogRecord> mirrored;
  for (const auto& record : logRecords("image mirrored")) {
    if (record.value("target", "") == target) {
      mirrored.push_back(record);
    }
  }
  ASSERT_EQ(mirrored.size(), 2u) << logs();
  // Start of each attempt = log time - its duration; the second starts >= 2 s after the first
  // (a 20 ms allowance for millisecond rounding of both clocks).
  const int64_t first_start = logMillis(mirrored[0]) - mirrored[0].value("duration_ms", 0);
  const int64_t second_start = logMillis(mirrored[1]) - mirrored[1].value("duration_ms", 0);
  EXPECT_GE(second_start - first_start, 2000 - 20);
  EXPECT_EQ(metric("k8s_copycat_images_mirrored_total", {{"result", "copied"}}), 2.0);
  EXPECT_EQ(copycatRequests(*target_, "PUT", "^/v2/team/app/manifests/v1$"), 2u);
  stopCopycat();
}

// --dry-run reads the sources and decides, but writes nothing to the target.
TEST_F(RunPolicyTest, DryRunFlagPushesNothing) {
  applyWorkload("deployments", "shop", "web", "team/app");
  applyWorkload("jobs", "shop", "once", "team/job");
  startCopycat({"--dry-run"});
  ASSERT_TRUE(waitReady());
  ASSERT_TRUE(waitMetricAtLeast("k8s_copycat_images_mirrored_total", {{"result", "dry_run"}}, 2))
      << metricsText();
  ASSERT_TRUE(waitIdle());
  EXPECT_EQ(copycatRequests(*target_, "POST|PUT|PATCH|DELETE", ".*"), 0u);
  EXPECT_GT(copycatRequests(*source_, "GET|HEAD", "^/v2/team/"), 0u);
  EXPECT_FALSE(targetDigest("team/app", "v1"));
  EXPECT_FALSE(targetDigest("team/job", "v1"));
  EXPECT_EQ(metric("k8s_copycat_images_mirrored_total", {{"result", "copied"}}).value_or(0), 0.0);
  EXPECT_EQ(adminGet("/admin/cache").json()["count"], 0);
  stopCopycat();
}

}  // namespace
}  // namespace copycat::testing
