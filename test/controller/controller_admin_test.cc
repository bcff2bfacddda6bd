// The admin surface: eviction, cooldown reset, re-verification, readiness, dry run.
#include <gtest/gtest.h>

#include "controller/controller.h"
#include "controller_harness.h"

namespace copycat::controller {
namespace {

using fakes::deploymentUse;
using fakes::Harness;
using fakes::kTarget;
using fakes::waitUntil;
using std::chrono::minutes;

TEST(ControllerAdminTest, EvictionReturnsRemovedAndRechecksDemandedTargets) {
  Harness h;
  h.controller().start();
  h.controller().observe(deploymentUse("nginx:1.25"));
  h.controller().observe(deploymentUse("redis:7", "cache"));
  ASSERT_TRUE(h.settle());
  ASSERT_EQ(h.controller().cacheEntries().size(), 2u);

  auto none =
      h.controller().evict({.scope = EvictScope::kTarget, .value = "mirror.example.com/x:1"});
  EXPECT_TRUE(none.removed.empty());
  EXPECT_EQ(none.remaining, 2u);

  auto one = h.controller().evict(
      {.scope = EvictScope::kPrefix, .value = "mirror.example.com/library/nginx"});
  EXPECT_EQ(one.removed, std::vector<std::string>{kTarget});
  EXPECT_EQ(one.remaining, 1u);
  ASSERT_EQ(one.entries.size(), 1u);
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.calls(), 3u) << "the evicted, still demanded target is checked again";
  EXPECT_EQ(h.controller().cacheEntries().size(), 2u);

  h.controller().forget(fakes::deployment("cache"));
  auto all = h.controller().evict({.scope = EvictScope::kAll});
  EXPECT_EQ(all.removed.size(), 2u);
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.calls(), 4u) << "only nginx is still demanded";
}

TEST(ControllerAdminTest, CooldownResetRetriesCooledTargetsAtOnce) {
  Harness h({.failure_cooldown = minutes(60)});
  h.executor.failNext(kTarget, Error(ErrorCode::kPermissionDenied, "denied"));
  h.controller().observe(deploymentUse("nginx:1.25"));
  h.controller().start();
  ASSERT_TRUE(h.settle());
  ASSERT_EQ(h.controller().stats().cooldown_entries, 1u);
  auto result = h.controller().resetCooldown();
  EXPECT_TRUE(result.reset);
  EXPECT_EQ(result.cleared_targets, 1);
  EXPECT_EQ(result.message, "failure cooldown reset");
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.calls(), 2u);
  EXPECT_EQ(h.controller().cacheEntries().size(), 1u);
  EXPECT_EQ(h.metric("k8s_copycat_failure_cooldown_entries"), 0);
  EXPECT_EQ(h.controller().resetCooldown().message, "no cooldown entries to reset");
}

TEST(ControllerAdminTest, ReverificationRequeuesAVanishedTarget) {
  Harness h;
  h.controller().start();
  h.controller().observe(deploymentUse("nginx:1.25"));
  h.controller().observe(deploymentUse("redis:7", "cache"));
  ASSERT_TRUE(h.settle());
  ASSERT_EQ(h.executor.calls(), 2u);
  h.executor.setVerifyResult(kTarget, VerifyResult{.status = VerifyStatus::kMissing});
  ASSERT_TRUE(h.controller().forceReconcile());
  ASSERT_TRUE(waitUntil([&] { return !h.controller().isReverifying(); }));
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.verifyCalls(), 2u);
  auto jobs = h.executor.jobs();
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[2].target.str(), kTarget) << "only the vanished target is copied again";
  EXPECT_EQ(h.metric("k8s_copycat_reverifications_total", {{"result", "missing"}}), 1);
  EXPECT_EQ(h.metric("k8s_copycat_reverifications_total", {{"result", "present"}}), 1);
}

TEST(ControllerAdminTest, PeriodicReverificationRunsEveryForceReconcileInterval) {
  Harness h({.force_reconcile_interval = minutes(30)});
  h.controller().start();
  h.controller().observe(deploymentUse("nginx:1.25"));
  ASSERT_TRUE(h.settle());
  h.executor.setVerifyResult(
      kTarget, VerifyResult{.status = VerifyStatus::kDifferent, .actual_digest = "sha256:other"});
  ASSERT_TRUE(h.advance(minutes(29)));
  EXPECT_EQ(h.executor.verifyCalls(), 0u);
  ASSERT_TRUE(h.advance(minutes(1)));
  ASSERT_TRUE(waitUntil([&] { return h.executor.verifyCalls() == 1; }));
  ASSERT_TRUE(waitUntil([&] { return !h.controller().isReverifying(); }));
  ASSERT_TRUE(h.settle());
  EXPECT_EQ(h.executor.calls(), 2u) << "a changed target is pushed again";
}

TEST(ControllerAdminTest, OnlyOneForceReconcileRunsAtATime) {
  Harness h;
  h.controller().start();
  h.controller().observe(deploymentUse("nginx:1.25"));
  ASSERT_TRUE(h.settle());
  h.executor.setVerifyBlocking(true);
  ASSERT_TRUE(h.controller().forceReconcile());
  ASSERT_TRUE(waitUntil([&] { return h.executor.verifyCalls() == 1; }));
  EXPECT_FALSE(h.controller().forceReconcile());
  h.executor.setVerifyBlocking(false);
  h.executor.releaseVerify();
  ASSERT_TRUE(waitUntil([&] { return !h.controller().isReverifying(); }));
  EXPECT_TRUE(h.controller().forceReconcile());
}

TEST(ControllerAdminTest, DryRunNeverCaches) {
  for (bool dry_pull : {false, true}) {
    SCOPED_TRACE(dry_pull ? "dry pull" : "dry run");
    Harness h({.reconcile = {.dry_run = !dry_pull, .dry_pull = dry_pull}});
    h.controller().start();
    h.controller().observe(deploymentUse("nginx:1.25"));
    ASSERT_TRUE(h.settle());
    h.controller().observe(deploymentUse("nginx:1.25"));
    ASSERT_TRUE(h.settle());
    auto jobs = h.executor.jobs();
    ASSERT_EQ(jobs.size(), 2u) << "nothing cached, so the second demand runs again";
    EXPECT_TRUE(jobs[0].dry_run);
    EXPECT_EQ(jobs[0].dry_pull, dry_pull);
    EXPECT_TRUE(h.controller().cacheEntries().empty());
    EXPECT_EQ(h.metric("k8s_copycat_images_mirrored_total", {{"result", "dry_run"}}), 2);
    EXPECT_EQ(
        h.metric("k8s_copycat_registry_push_success_total", {{"registry", "mirror.example.com"}}),
        -1);
    EXPECT_TRUE(h.events.events().empty());
  }
}

TEST(ControllerAdminTest, ReadyOnceStartedAndEveryKindSynced) {
  Harness h({.sync_kinds = {workload::Kind::kPod, workload::Kind::kDeployment}});
  EXPECT_FALSE(h.controller().isReady());
  h.controller().start();
  EXPECT_FALSE(h.controller().isReady());
  h.controller().markSynced(workload::Kind::kPod);
  EXPECT_FALSE(h.controller().isReady());
  h.controller().markSynced(workload::Kind::kDeployment);
  EXPECT_TRUE(h.controller().isReady());
  h.controller().stop();
  EXPECT_FALSE(h.controller().isReady());
  EXPECT_FALSE(h.controller().forceReconcile());
}

}  // namespace
}  // namespace copycat::controller
