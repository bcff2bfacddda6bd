// Discovery on synthetic reflector events: attribution through owner chains, pending/running
// only, skip lists, deduplication, forgets, parking and node platforms.
#include "kube/discovery.h"

#include <gtest/gtest.h>

#include "kube/kube_objects.h"

namespace copycat::kube {
namespace {

using testing::RecordingSink;
using workload::Kind;
using workload::WorkloadSummary;

WorkloadSummary object(Kind kind, const std::string& name, const std::string& uid,
                       std::vector<std::string> images = {},
                       std::vector<workload::OwnerRef> owners = {}) {
  WorkloadSummary s;
  s.kind = kind;
  s.kind_name = std::string(workload::kindName(kind));
  s.namespace_name = kind == Kind::kNode ? "" : "ns";
  s.name = name;
  s.uid = uid;
  s.owners = std::move(owners);
  for (size_t i = 0; i < images.size(); ++i) {
    s.images.push_back(
        {"c" + std::to_string(i), images[i], workload::ContainerType::kContainer, ""});
  }
  return s;
}

WorkloadSummary pod(const std::string& name, std::vector<std::string> images,
                    std::vector<workload::OwnerRef> owners = {},
                    const std::string& phase = "Running", const std::string& image_id = "",
                    const std::string& node = "") {
  WorkloadSummary s = object(Kind::kPod, name, "uid-" + name, std::move(images), std::move(owners));
  s.phase = phase;
  s.node_name = node;
  for (auto& image : s.images) {
    image.image_id = image_id;
  }
  return s;
}

workload::OwnerRef controller(const std::string& kind, const std::string& name,
                              const std::string& uid) {
  return {kind, name, uid, true};
}

class DiscoveryTest : public ::testing::Test {
 protected:
  void make(policy::WorkloadFilterOptions options = {}) {
    filter_ = policy::WorkloadFilter::create(options).value();
    discovery_ = std::make_unique<Discovery>(filter_, sink_);
  }
  void add(const WorkloadSummary& s) { discovery_->onEvent(EventType::kAdded, s, nullptr); }
  void modify(const WorkloadSummary& s) { discovery_->onEvent(EventType::kModified, s, &s); }
  void remove(const WorkloadSummary& s) { discovery_->onEvent(EventType::kDeleted, s, nullptr); }

  policy::WorkloadFilter filter_;
  RecordingSink sink_;
  std::unique_ptr<Discovery> discovery_;
};

TEST_F(DiscoveryTest, DeploymentPodsAreAttributedAndDeduplicated) {
  make();
  discovery_->onSynced(Kind::kReplicaSet);
  add(object(Kind::kDeployment, "web", "d1", {"nginx:1", "envoy:1"}));
  add(object(Kind::kReplicaSet, "web-abc", "rs1", {}, {controller("Deployment", "web", "d1")}));
  ASSERT_EQ(sink_.demands().size(), 2u);
  EXPECT_EQ(sink_.demands()[0].origin_pod, "");
  for (int i = 0; i < 3; ++i) {
    add(pod("web-abc-" + std::to_string(i), {"nginx:1", "envoy:1"},
            {controller("ReplicaSet", "web-abc", "rs1")}, "Running", "docker.io/x@sha256:1"));
  }
  auto demands = sink_.demandsFor("Deployment/ns/web");
  ASSERT_EQ(demands.size(), 4u);  // two template images + the first pod's two imageIDs
  EXPECT_EQ(demands[2].use.kind, Kind::kDeployment);
  EXPECT_EQ(demands[2].use.kind_name, "Deployment");
  EXPECT_EQ(demands[2].use.name, "web");
  EXPECT_EQ(demands[2].imageId(), "docker.io/x@sha256:1");
  EXPECT_EQ(demands[2].origin_pod, "web-abc-0");
  EXPECT_TRUE(sink_.demandsFor("Pod/ns/web-abc-1").empty());
  EXPECT_EQ(discovery_->stats().duplicates, 4u);
  EXPECT_EQ(discovery_->stats().attributed_pods, 3u);

  remove(pod("web-abc-0", {}, {controller("ReplicaSet", "web-abc", "rs1")}));
  EXPECT_TRUE(sink_.forgets().empty());  // an attributed pod is not forgotten on its own
  remove(object(Kind::kDeployment, "web", "d1"));
  ASSERT_EQ(sink_.forgets().size(), 1u);
  EXPECT_EQ(sink_.forgets()[0].str(), "Deployment/ns/web");
}

TEST_F(DiscoveryTest, CronJobJobPodChain) {
  make();
  discovery_->onSynced(Kind::kJob);
  add(object(Kind::kCronJob, "backup", "cj1", {"backup:2"}));
  add(object(Kind::kJob, "backup-28000", "j1", {"backup:2"},
             {controller("CronJob", "backup", "cj1")}));
  add(pod("backup-28000-xyz", {"backup:2"}, {controller("Job", "backup-28000", "j1")}, "Pending"));
  EXPECT_EQ(sink_.demandsFor("CronJob/ns/backup").size(), 1u);    // template == pod demand
  EXPECT_EQ(sink_.demandsFor("Job/ns/backup-28000").size(), 1u);  // jobs are watched too
  EXPECT_TRUE(sink_.demandsFor("Pod/ns/backup-28000-xyz").empty());
  EXPECT_EQ(discovery_->stats().attributed_pods, 1u);
}

TEST_F(DiscoveryTest, JobPodGoesToTheJobWhenCronJobsAreNotWatched) {
  make({.watch_resources = {"jobs", "pods"}});
  add(pod("once-abc", {"tool:1"}, {controller("Job", "once", "j1")}));
  EXPECT_EQ(sink_.demandsFor("Job/ns/once").size(), 1u);
}

TEST_F(DiscoveryTest, UnwatchedOwnerKindsAndStandalonePodsAreCoveredAsPods) {
  make({.watch_resources = {"deployments", "pods"}});
  add(pod("db-0", {"postgres:16"}, {controller("StatefulSet", "db", "s1")}));
  add(pod("lonely", {"busybox"}));
  add(pod("custom", {"app:1"}, {controller("Rollout", "r", "r1")}));
  add(pod("static", {"etcd:3"}, {{"Node", "node-1", "n1", true}}));
  EXPECT_EQ(sink_.demandsFor("Pod/ns/db-0").size(), 1u);
  EXPECT_EQ(sink_.demandsFor("Pod/ns/lonely").size(), 1u);
  EXPECT_EQ(sink_.demandsFor("Pod/ns/custom").size(), 1u);
  EXPECT_EQ(sink_.demandsFor("Pod/ns/static").size(), 1u);
  remove(pod("lonely", {"busybox"}));
  EXPECT_TRUE(sink_.hasForget("Pod/ns/lonely"));
}

TEST_F(DiscoveryTest, StatefulSetAndDaemonSetPodsAreAttributedDirectly) {
  make();
  add(pod("db-0", {"postgres:16"}, {controller("StatefulSet", "db", "s1")}));
  add(pod("agent-x", {"agent:1"}, {controller("DaemonSet", "agent", "ds1")}));
  EXPECT_EQ(sink_.demandsFor("StatefulSet/ns/db").size(), 1u);
  EXPECT_EQ(sink_.demandsFor("DaemonSet/ns/agent").size(), 1u);
}

TEST_F(DiscoveryTest, OnlyPendingAndRunningPodsCount) {
  make();
  add(pod("done", {"a"}, {}, "Succeeded"));
  add(pod("failed", {"b"}, {}, "Failed"));
  add(pod("unknown", {"c"}, {}, ""));
  EXPECT_TRUE(sink_.demands().empty());
  EXPECT_EQ(discovery_->stats().inactive_pods, 3u);
  add(pod("pending", {"d"}, {}, "Pending"));
  modify(pod("done", {"a"}, {}, "Running"));  // restarted (phase moved into the active set)
  EXPECT_EQ(sink_.demands().size(), 2u);
}

TEST_F(DiscoveryTest, SkipListsApplyToWorkloadsAndTheirPods) {
  make({.skip_namespaces = {"kube-*"}, .skip_deployments = {"ns/skipped"}, .skip_pods = {"tmp-*"}});
  discovery_->onSynced(Kind::kReplicaSet);
  add(object(Kind::kDeployment, "skipped", "d1", {"x:1"}));
  add(object(Kind::kReplicaSet, "skipped-1", "rs1", {},
             {controller("Deployment", "skipped", "d1")}));
  add(pod("skipped-1-a", {"x:1"}, {controller("ReplicaSet", "skipped-1", "rs1")}));
  add(pod("tmp-123", {"y:1"}));
  WorkloadSummary system = pod("dns", {"coredns"});
  system.namespace_name = "kube-system";
  add(system);
  EXPECT_TRUE(sink_.demands().empty());
  EXPECT_EQ(discovery_->stats().skipped, 4u);
  using Skips = std::vector<std::pair<std::string, size_t>>;
  EXPECT_EQ(sink_.skips(), (Skips{{"name_skipped", 1},
                                  {"owner_skipped", 1},
                                  {"name_skipped", 1},
                                  {"namespace_skipped", 1}}));
  remove(object(Kind::kDeployment, "skipped", "d1"));
  EXPECT_TRUE(sink_.forgets().empty());  // nothing was demanded, nothing to forget
}

TEST_F(DiscoveryTest, PodSeenBeforeItsReplicaSetWaitsForIt) {
  make();
  discovery_->onSynced(Kind::kReplicaSet);  // the index is complete: a miss is watch lag
  add(pod("web-1-a", {"nginx"}, {controller("ReplicaSet", "web-1", "rs1")}));
  EXPECT_TRUE(sink_.demands().empty());
  EXPECT_EQ(discovery_->stats().parked_pods, 1u);
  add(object(Kind::kReplicaSet, "web-1", "rs1", {}, {controller("Deployment", "web", "d1")}));
  EXPECT_EQ(sink_.demandsFor("Deployment/ns/web").size(), 1u);
  EXPECT_EQ(discovery_->stats().parked_pods, 0u);

  add(pod("orphan-a", {"nginx"}, {controller("ReplicaSet", "gone", "rs-gone")}));
  EXPECT_EQ(discovery_->stats().parked_pods, 1u);
  discovery_->onSynced(Kind::kReplicaSet);  // relisted, still absent: the pod stands alone
  EXPECT_EQ(sink_.demandsFor("Pod/ns/orphan-a").size(), 1u);
  EXPECT_EQ(discovery_->stats().parked_pods, 0u);
}

TEST_F(DiscoveryTest, WithoutAnOwnerIndexPodsStandAlone) {
  make();  // replicasets never synced (not reflected, or failing)
  add(pod("web-1-a", {"nginx"}, {controller("ReplicaSet", "web-1", "rs1")}));
  EXPECT_EQ(sink_.demandsFor("Pod/ns/web-1-a").size(), 1u);
}

TEST_F(DiscoveryTest, NodePlatformAndNewImageIdsProduceNewDemands) {
  make();
  WorkloadSummary node = object(Kind::kNode, "arm-1", "n1");
  node.node_os = "linux";
  node.node_arch = "arm64";
  add(node);
  add(pod("p", {"nginx"}, {}, "Pending", "", "arm-1"));
  add(pod("q", {"nginx"}, {}, "Pending", "", "unknown-node"));
  auto demands = sink_.demandsFor("Pod/ns/p");
  ASSERT_EQ(demands.size(), 1u);
  ASSERT_TRUE(demands[0].platform);
  EXPECT_EQ(demands[0].platform->str(), "linux/arm64/v8");
  EXPECT_FALSE(sink_.demandsFor("Pod/ns/q")[0].platform);
  modify(pod("p", {"nginx"}, {}, "Running", "docker.io/library/nginx@sha256:ab", "arm-1"));
  demands = sink_.demandsFor("Pod/ns/p");
  ASSERT_EQ(demands.size(), 2u);
  EXPECT_EQ(demands[1].imageId(), "docker.io/library/nginx@sha256:ab");
}

TEST_F(DiscoveryTest, SyncIsReportedOncePerWatchedKind) {
  make({.watch_resources = {"deployments", "pods"}});
  discovery_->onSynced(Kind::kReplicaSet);
  discovery_->onSynced(Kind::kDeployment);
  discovery_->onSynced(Kind::kDeployment);
  discovery_->onSynced(Kind::kPod);
  discovery_->onSynced(Kind::kJob);  // not watched
  EXPECT_EQ(sink_.synced(), (std::vector<Kind>{Kind::kDeployment, Kind::kPod}));
}

}  // namespace
}  // namespace copycat::kube
