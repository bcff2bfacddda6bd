// Intake and mirroring: coalescing, the push cache, pushInterval, platforms, digest pinning.
#include "controller/controller.h"

#include <gtest/gtest.h>

#include "controller_harness.h"

namespace copycat::controller {
namespace {

using fakes::deploymentUse;
using fakes::Harness;
using fakes::kDigestA;
using fakes::kDigestB;
using fakes::kTarget;
using fakes::onNode;
using fakes::podUse;
using std::chrono::minutes;

std::string imageId(const std::string& digest) {
  return "docker-pullable://docker.io/library/nginx@" + digest;
}

TEST(ControllerTest, MirrorsAnImageOnceAndSkipsCoveredDemands) {
  Harness h;
  h.controller().observe(deploymentUse("nginx:1.25"));
  h.controller().start();
  ASSERT_TRUE(h.settle());
  auto jobs = h.executor.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].source.str(), "docker.io/library/nginx:1.25");
  EXPECT_EQ(jobs[0].target.str(), kTarget);
  EXPECT_TRUE(jobs[0].platforms.empty()) << "the whole index by default";
  EXPECT_FALSE(jobs[0].dry_run);

  auto entries = h.controller().cacheEntries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].target, kTarget);
  EXPECT_EQ(entries[0].digest, fakes::FakeMirrorExecutor::digestFor(jobs[0]));
  EXPECT_EQ(entries[0].last_push, h.clock.wallNow());

  h.controller().observe(deploymentUse("nginx:1.25"));
  h.controller().observe(deploymentUse("nginx:1.25", "api"));  // another workload, same target
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.calls(), 1u) << "covered by the push cache: no registry contacted";
  EXPECT_EQ(h.metric("k8s_copycat_images_skipped_total", {{"reason", "cached"}}), 1);

  EXPECT_EQ(h.metric("k8s_copycat_images_mirrored_total", {{"result", "copied"}}), 1);
  EXPECT_EQ(h.metric("k8s_copycat_registry_pull_success_total", {{"registry", "docker.io"}}), 1);
  EXPECT_EQ(
      h.metric("k8s_copycat_registry_push_success_total", {{"registry", "mirror.example.com"}}), 1);
  EXPECT_EQ(h.metric("k8s_copycat_bytes_copied_total"), 1000);
  EXPECT_EQ(h.metric("k8s_copycat_blobs_total", {{"result", "copied"}}), 2);
  EXPECT_EQ(h.metric("k8s_copycat_blobs_total", {{"result", "mounted"}}), 1);
  EXPECT_EQ(h.metric("k8s_copycat_copy_duration_seconds"), 1);
  EXPECT_EQ(h.metric("k8s_copycat_images_known"), 1);
  EXPECT_EQ(h.metric("k8s_copycat_push_cache_entries"), 1);
  EXPECT_EQ(h.metric("k8s_copycat_last_successful_mirror_timestamp_seconds"), 1'700'000'000);
  EXPECT_EQ(h.metric("k8s_copycat_workqueue_adds_total"), 1);
  EXPECT_EQ(h.metric("k8s_copycat_workqueue_depth"), 0);

  auto events = h.events.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::kNormal);
  EXPECT_EQ(events[0].reason, "Mirrored");
  EXPECT_EQ(events[0].object.str(), "Deployment shop/web");
}

TEST(ControllerTest, IdenticalDemandsCoalesceIntoOneCopy) {
  Harness h;
  h.controller().observe(deploymentUse("nginx:1.25", "web"));
  h.controller().observe(deploymentUse("nginx:1.25", "api"));
  h.controller().observe(deploymentUse("docker.io/library/nginx:1.25", "batch"));
  EXPECT_EQ(h.controller().stats().queue_depth, 1u);
  EXPECT_EQ(h.controller().stats().demands, 3u);
  h.controller().start();
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.calls(), 1u);
  EXPECT_EQ(h.events.events().size(), 3u) << "every owner hears about the copy";
}

TEST(ControllerTest, PushIntervalRequeuesADemandInsteadOfDroppingIt) {
  Harness h({.reconcile = {.push_interval = minutes(10)}});
  h.controller().start();
  h.controller().observe(podUse("nginx:1.25", "web-1", imageId(kDigestA)));
  ASSERT_TRUE(h.settle());
  ASSERT_EQ(h.executor.calls(), 1u);
  // The tag moved: a new pod runs another digest, which the cache does not cover.
  h.controller().observe(podUse("nginx:1.25", "web-2", imageId(kDigestB)));
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.calls(), 1u) << "throttled inside the interval";
  EXPECT_EQ(h.controller().stats().waiting, 1u) << "requeued for the rest of the interval";
  ASSERT_TRUE(h.advance(minutes(9)));
  EXPECT_EQ(h.executor.calls(), 1u);
  ASSERT_TRUE(h.advance(minutes(1)));
  EXPECT_EQ(h.executor.calls(), 2u);
}

TEST(ControllerTest, PodsOfDifferentArchitecturesShareOneFilteredIndex) {
  Harness h({.reconcile = {.platforms = {.check_node_platform = true}}});
  h.controller().observe(podUse("nginx:1.25", "web-amd"), onNode("amd64"));
  h.controller().observe(podUse("nginx:1.25", "web-arm"), onNode("arm64"));
  h.controller().start();
  ASSERT_TRUE(h.settle());
  auto jobs = h.executor.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  ASSERT_EQ(jobs[0].platforms.size(), 2u);
  EXPECT_EQ(jobs[0].platforms[0].str(), "linux/amd64");
  EXPECT_EQ(jobs[0].platforms[1].str(), "linux/arm64/v8");
}

TEST(ControllerTest, ALaterArchitectureWidensTheIndexNeverReplacesIt) {
  Harness h({.reconcile = {.platforms = {.check_node_platform = true}}});
  h.controller().start();
  h.controller().observe(podUse("nginx:1.25", "web-amd"), onNode("amd64"));
  ASSERT_TRUE(h.settle());
  h.controller().observe(podUse("nginx:1.25", "web-arm"), onNode("arm64"));
  ASSERT_TRUE(h.settle());
  // The amd64 pod goes away; its platform stays in the tag.
  h.controller().forget(
      WorkloadRef{.kind_name = "Pod", .namespace_name = "shop", .name = "web-amd"});
  h.controller().observe(podUse("nginx:1.25", "web-arm2"), onNode("arm64"));
  ASSERT_TRUE(h.settle());
  auto jobs = h.executor.jobs();
  ASSERT_EQ(jobs.size(), 2u) << "the third demand is covered";
  EXPECT_EQ(jobs[0].platforms.size(), 1u);
  ASSERT_EQ(jobs[1].platforms.size(), 2u) << "amd64 kept, arm64 added";
  for (const auto& job : jobs) {
    EXPECT_EQ(job.target.str(), kTarget);
  }
}

TEST(ControllerTest, MirrorPlatformsAreKeptWithoutNodeInformation) {
  Harness h({.reconcile = {.platforms = {.mirror_platforms = {{"linux", "s390x", ""}}}}});
  h.controller().observe(deploymentUse("nginx:1.25"));
  h.controller().start();
  ASSERT_TRUE(h.settle());
  auto jobs = h.executor.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  ASSERT_EQ(jobs[0].platforms.size(), 1u);
  EXPECT_EQ(jobs[0].platforms[0].str(), "linux/s390x");
}

TEST(ControllerTest, DigestPullPinsToTheImageIdAndMirrorsUnreportedWorkloadsByTag) {
  Harness h({}, {.digest_pull = true});
  h.controller().start();
  h.controller().observe(deploymentUse("nginx:1.25"));
  ASSERT_TRUE(h.settle());
  h.controller().observe(podUse("nginx:1.25", "web-1", imageId(kDigestA)));
  ASSERT_TRUE(h.settle());
  h.controller().observe(podUse("nginx:latest", "web-2", imageId(kDigestA)));
  ASSERT_TRUE(h.settle());
  auto jobs = h.executor.jobs();
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].source.str(), "docker.io/library/nginx:1.25") << "no pod reported yet";
  EXPECT_EQ(jobs[1].source.str(), std::string("docker.io/library/nginx:1.25@") + kDigestA);
  EXPECT_EQ(jobs[1].target.str(), kTarget) << "pushed under the tag";
  EXPECT_EQ(jobs[2].source.str(), "docker.io/library/nginx:latest")
      << "digestPullIgnoredTags stay tag-based";
}

TEST(ControllerTest, DigestOnlySourceIsPushedUnderItsDigestAndAnAnchorTag) {
  Harness h;
  h.controller().observe(deploymentUse(std::string("nginx@") + kDigestA));
  h.controller().start();
  ASSERT_TRUE(h.settle());
  auto jobs = h.executor.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].target.str(), std::string("mirror.example.com/library/nginx@") + kDigestA);
  EXPECT_EQ(jobs[0].anchor_tag, std::string("sha256-") + (kDigestA + 7));
  EXPECT_TRUE(jobs[0].platforms.empty());
  auto entries = h.controller().cacheEntries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].digest, kDigestA);
}

TEST(ControllerTest, InvalidImagesAreCountedOnceAndNeverQueued) {
  Harness h({}, {.exclude_registries = {"quay.io"}});
  h.controller().start();
  for (int i = 0; i < 3; ++i) {
    h.controller().observe(deploymentUse("Not A Reference!"));
    h.controller().observe(deploymentUse("quay.io/org/app:1", "api"));
  }
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.calls(), 0u);
  EXPECT_EQ(h.controller().stats().waiting, 0u);
  EXPECT_EQ(h.metric("k8s_copycat_images_skipped_total", {{"reason", "invalid_reference"}}), 1);
  EXPECT_EQ(h.metric("k8s_copycat_images_skipped_total", {{"reason", "excluded_registry"}}), 1);
  EXPECT_EQ(h.metric("k8s_copycat_images_known"), 0);
}

TEST(ControllerTest, ForgettingAWorkloadDropsItsDemands) {
  Harness h;
  h.controller().observe(deploymentUse("nginx:1.25"));
  EXPECT_EQ(h.metric("k8s_copycat_images_known"), 1);
  h.controller().forget(fakes::deployment());
  EXPECT_EQ(h.metric("k8s_copycat_images_known"), 0);
  h.controller().start();
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.calls(), 0u) << "the queued key has no demand left";
}

TEST(ControllerTest, AnImageChangedToAnExcludedOneDropsTheOldDemand) {
  Harness h({}, {.exclude_registries = {"quay.io"}});
  h.controller().observe(deploymentUse("nginx:1.25"));
  h.controller().observe(deploymentUse("quay.io/org/nginx:1.25"));
  EXPECT_EQ(h.controller().stats().known_images, 0u);
}

}  // namespace
}  // namespace copycat::controller
