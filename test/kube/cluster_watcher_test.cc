// ClusterWatcher + Discovery end to end against FakeApiServer: namespace names and globs,
// namespaces appearing and disappearing, cluster-wide vs per-namespace watches, owner
// attribution with the owner indexes, node platforms, and the cluster snapshot for `plan`.
#include "kube/cluster_watcher.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "kube/cluster_snapshot.h"
#include "kube/discovery.h"
#include "kube/kube_objects.h"
#include "support/fake_api_server.h"

namespace copycat::kube {
namespace {

using copycat::testing::FakeApiServer;
using std::chrono::milliseconds;
using testing::Owner;
using testing::podJson;
using testing::PodSpec;
using testing::RecordingSink;
using testing::waitUntil;
using testing::workloadJson;
using workload::Kind;

class ClusterWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(api_.start());
    ApiClient::Options options;
    options.backoff = BackoffPolicy{milliseconds(10), milliseconds(100), 2.0, 0.2};
    ClusterConfig config;
    config.server = api_.url();
    client_ = ApiClient::create(config, SystemClock::instance(), options).value();
  }
  void TearDown() override {
    if (watcher_) watcher_->stop();
  }

  Status start(policy::WorkloadFilterOptions filter_options, bool watch_nodes = false) {
    ClusterWatcherOptions options;
    options.include_namespaces = filter_options.include_namespaces;
    options.skip_namespaces = filter_options.skip_namespaces;
    filter_ = policy::WorkloadFilter::create(filter_options).value();
    options.kinds = filter_.watchedKinds();
    options.watch_nodes = watch_nodes;
    options.list.page_size = 2;
    options.backoff = BackoffPolicy{milliseconds(20), milliseconds(200), 2.0, 0.2};
    discovery_ = std::make_unique<Discovery>(filter_, sink_);
    watcher_ = std::make_unique<ClusterWatcher>(*client_, *discovery_, options);
    return watcher_->start();
  }
  void addNamespace(const std::string& name) {
    ASSERT_TRUE(api_.upsert("namespaces", testing::namespaceJson(name)));
  }
  void addPod(const std::string& ns, const std::string& name, const std::string& image) {
    ASSERT_TRUE(api_.upsert("pods", podJson({.ns = ns, .name = name, .images = {image}})));
  }
  bool synced() { return watcher_->waitForSync(std::chrono::seconds(10)); }
  // An arm64 node; Deployment → ReplicaSet → 3 pods on it; CronJob → Job → pod; a StatefulSet
  // pod; a finished pod; a second Deployment (skipped by name in the test).
  void seedOwnerChains() {
    ASSERT_TRUE(api_.upsert("nodes", testing::nodeJson("arm-1", "linux", "arm64")));
    ASSERT_TRUE(api_.upsert("deployments",
                            workloadJson("Deployment", "ns", "web", {"nginx:1.25"}, 1, {}, "d-1")));
    ASSERT_TRUE(
        api_.upsert("replicasets", workloadJson("ReplicaSet", "ns", "web-5d8", {"nginx:1.25"}, 1,
                                                {{"Deployment", "web", "d-1"}}, "rs-1")));
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(
          api_.upsert("pods", podJson({.ns = "ns",
                                       .name = "web-5d8-" + std::to_string(i),
                                       .images = {"nginx:1.25"},
                                       .owners = {{"ReplicaSet", "web-5d8", "rs-1"}},
                                       .node = "arm-1",
                                       .image_ids = {"docker.io/library/nginx@sha256:aa"}})));
    }
    ASSERT_TRUE(api_.upsert("cronjobs",
                            workloadJson("CronJob", "ns", "nightly", {"backup:1"}, 1, {}, "cj-1")));
    ASSERT_TRUE(api_.upsert("jobs", workloadJson("Job", "ns", "nightly-1", {"backup:1"}, 1,
                                                 {{"CronJob", "nightly", "cj-1"}}, "job-1")));
    ASSERT_TRUE(api_.upsert("pods", podJson({.ns = "ns",
                                             .name = "nightly-1-x",
                                             .images = {"backup:1"},
                                             .phase = "Pending",
                                             .owners = {{"Job", "nightly-1", "job-1"}}})));
    ASSERT_TRUE(api_.upsert("pods", podJson({.ns = "ns",
                                             .name = "db-0",
                                             .images = {"postgres:16"},
                                             .owners = {{"StatefulSet", "db", "sts-1"}}})));
    ASSERT_TRUE(api_.upsert(
        "pods",
        podJson({.ns = "ns", .name = "finished", .images = {"old:1"}, .phase = "Succeeded"})));
    ASSERT_TRUE(api_.upsert(
        "deployments", workloadJson("Deployment", "ns", "legacy", {"legacy:1"}, 1, {}, "d-2")));
  }

  FakeApiServer api_;
  std::unique_ptr<ApiClient> client_;
  policy::WorkloadFilter filter_;
  RecordingSink sink_;
  std::unique_ptr<Discovery> discovery_;
  std::unique_ptr<ClusterWatcher> watcher_;
};

TEST_F(ClusterWatcherTest, MissingNamedNamespacesAreAStartupError) {
  addNamespace("a");
  Status status = start({.include_namespaces = {"a", "missing", "team-*"}});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(status.error().message, "includeNamespaces: namespace \"missing\" does not exist");
  EXPECT_EQ(api_.requestCount("list", "pods"), 0u);
}

TEST_F(ClusterWatcherTest, NamespaceListFailureIsAStartupError) {
  api_.setForbidden("namespaces", "list");
  Status status = start({.include_namespaces = {"a"}});
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(status.error().message.rfind("includeNamespaces: list namespaces: ", 0), 0u)
      << status.error().message;
}

TEST_F(ClusterWatcherTest, GlobMatchingNothingWatchesNothingUntilANamespaceAppears) {
  addNamespace("default");
  addPod("default", "p", "nginx:1");
  ASSERT_TRUE(start({.include_namespaces = {"team-*"}}));
  ASSERT_TRUE(synced());
  EXPECT_TRUE(watcher_->namespaces().empty());
  EXPECT_EQ(api_.requestCount("list", "pods"), 0u);
  EXPECT_EQ(sink_.synced().size(), 6u);  // every watched kind is trivially synced
  EXPECT_TRUE(sink_.demands().empty());

  addNamespace("team-a");
  addPod("team-a", "web", "nginx:2");
  ASSERT_TRUE(waitUntil([&] { return !sink_.demandsFor("Pod/team-a/web").empty(); }));
  EXPECT_EQ(watcher_->namespaces(), std::vector<std::string>{"team-a"});
  EXPECT_TRUE(sink_.demandsFor("Pod/default/p").empty());

  ASSERT_TRUE(api_.remove("namespaces", "", "team-a"));  // its watches go, its pods are forgotten
  ASSERT_TRUE(waitUntil([&] { return sink_.hasForget("Pod/team-a/web"); }));
  ASSERT_TRUE(waitUntil([&] { return watcher_->namespaces().empty(); }));
  EXPECT_EQ(watcher_->stats()[Kind::kPod].lists, 1u);  // retired reflectors still count
}

TEST_F(ClusterWatcherTest, NamedAndGlobNamespacesGetOneWatchPerKindEach) {
  for (const char* ns : {"a", "team-1", "team-2", "other"}) addNamespace(ns);
  addPod("a", "pa", "app:a");
  addPod("team-2", "pt", "app:t");
  addPod("other", "po", "app:o");
  ASSERT_TRUE(start({.include_namespaces = {"a", "team-*"},
                     .skip_namespaces = {"team-1"},
                     .watch_resources = {"pods", "statefulsets"}}));
  ASSERT_TRUE(synced());
  EXPECT_EQ(watcher_->namespaces(), (std::vector<std::string>{"a", "team-2"}));
  // 2 kinds x 2 namespaces, plus the namespace watch.
  ASSERT_TRUE(api_.waitForOpenWatches(5, std::chrono::seconds(10)));
  EXPECT_EQ(api_.requestCount("list", "pods"), 2u);
  EXPECT_EQ(sink_.demands().size(), 2u);
  EXPECT_TRUE(sink_.demandsFor("Pod/other/po").empty());
}

TEST_F(ClusterWatcherTest, AllNamespacesUseOneClusterWideWatchPerKind) {
  addPod("a", "p1", "x:1");
  addPod("b", "p2", "y:1");
  ASSERT_TRUE(start({.skip_namespaces = {"b"}}));
  ASSERT_TRUE(synced());
  // deployments, statefulsets, daemonsets, jobs, cronjobs, pods + the replicaset index.
  EXPECT_EQ(watcher_->kinds().size(), 7u);
  ASSERT_TRUE(api_.waitForOpenWatches(7, std::chrono::seconds(10)));
  EXPECT_EQ(api_.requestCount("list", "pods"), 1u);
  EXPECT_EQ(api_.requestCount("list", "namespaces"), 0u);
  EXPECT_EQ(sink_.demandsFor("Pod/a/p1").size(), 1u);
  EXPECT_TRUE(sink_.demandsFor("Pod/b/p2").empty());  // skipped namespace
  EXPECT_TRUE(watcher_->hasSynced(Kind::kReplicaSet));
}

TEST_F(ClusterWatcherTest, OwnersAttributionPlatformsAndSkipLists) {
  seedOwnerChains();
  ASSERT_TRUE(start(
      {.skip_deployments = {"legacy"}, .watch_resources = {"deployments", "cronjobs", "pods"}},
      /*watch_nodes=*/true));
  ASSERT_TRUE(synced());
  // The job index is reflected although jobs are not watched.
  EXPECT_EQ(watcher_->kinds(), (std::vector<Kind>{Kind::kNode, Kind::kReplicaSet, Kind::kJob,
                                                  Kind::kDeployment, Kind::kCronJob, Kind::kPod}));
  ASSERT_TRUE(waitUntil([&] { return sink_.synced().size() == 3u; }));

  auto web = sink_.demandsFor("Deployment/ns/web");
  ASSERT_EQ(web.size(), 2u);  // the template, and one pod's imageID + platform for all three
  // Deployments and pods are separate streams: either may come first.
  const ImageDemand& from_template = web[0].origin_pod.empty() ? web[0] : web[1];
  const ImageDemand& from_pod = web[0].origin_pod.empty() ? web[1] : web[0];
  EXPECT_EQ(from_template.use.image, "nginx:1.25");
  EXPECT_EQ(from_template.imageId(), "");
  EXPECT_FALSE(from_template.platform);
  EXPECT_EQ(from_pod.use.image, "nginx:1.25");
  EXPECT_EQ(from_pod.imageId(), "docker.io/library/nginx@sha256:aa");
  ASSERT_TRUE(from_pod.platform);
  EXPECT_EQ(from_pod.platform->str(), "linux/arm64/v8");
  EXPECT_EQ(from_pod.origin_pod.rfind("web-5d8-", 0), 0u);

  EXPECT_EQ(sink_.demandsFor("CronJob/ns/nightly").size(), 1u);
  EXPECT_TRUE(sink_.demandsFor("Job/ns/nightly-1").empty());
  EXPECT_TRUE(sink_.demandsFor("Pod/ns/nightly-1-x").empty());
  EXPECT_EQ(sink_.demandsFor("Pod/ns/db-0").size(), 1u);  // statefulsets are not watched
  EXPECT_TRUE(sink_.demandsFor("Pod/ns/finished").empty());
  EXPECT_TRUE(sink_.demandsFor("Deployment/ns/legacy").empty());
  EXPECT_EQ(sink_.demands().size(), 4u);

  // A new rollout: new ReplicaSet and pods; then the deployment goes away.
  ASSERT_TRUE(api_.upsert("replicasets", workloadJson("ReplicaSet", "ns", "web-7f9", {"nginx:1.26"},
                                                      1, {{"Deployment", "web", "d-1"}}, "rs-2")));
  ASSERT_TRUE(api_.upsert("pods", podJson({.ns = "ns",
                                           .name = "web-7f9-0",
                                           .images = {"nginx:1.26"},
                                           .phase = "Pending",
                                           .owners = {{"ReplicaSet", "web-7f9", "rs-2"}}})));
  ASSERT_TRUE(waitUntil([&] { return sink_.demandsFor("Deployment/ns/web").size() == 3u; }));
  EXPECT_EQ(sink_.demandsFor("Deployment/ns/web")[2].use.image, "nginx:1.26");
  EXPECT_EQ(sink_.demandsFor("Deployment/ns/web")[2].origin_pod, "web-7f9-0");
  ASSERT_TRUE(api_.remove("deployments", "ns", "web"));
  ASSERT_TRUE(waitUntil([&] { return sink_.hasForget("Deployment/ns/web"); }));
}

TEST_F(ClusterWatcherTest, SnapshotDemandsMatchWhatTheWatcherDiscovers) {
  seedOwnerChains();
  policy::WorkloadFilterOptions filter_options{
      .skip_deployments = {"legacy"}, .watch_resources = {"deployments", "cronjobs", "pods"}};
  ASSERT_TRUE(start(filter_options, /*watch_nodes=*/true));
  ASSERT_TRUE(synced());
  ASSERT_TRUE(waitUntil([&] { return sink_.synced().size() == 3u; }));
  auto key = [](const ImageDemand& d) {
    return d.owner().str() + "|" + d.use.container + "|" + d.use.image + "|" + d.imageId() + "|" +
           (d.platform ? d.platform->str() : "");
  };
  std::vector<std::string> watched;
  for (const auto& d : sink_.demands()) watched.push_back(key(d));
  ListAllOptions options;
  options.page_size = 2;
  auto snapshot = snapshotDemands(*client_, filter_, {}, /*with_nodes=*/true, options);
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  std::vector<std::string> listed;
  for (const auto& d : *snapshot) listed.push_back(key(d));
  std::sort(watched.begin(), watched.end());
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, watched);
  EXPECT_EQ(listed.size(), 4u);
}

TEST_F(ClusterWatcherTest, SnapshotListsEachKindOnceWithoutGets) {
  for (int i = 0; i < 5; ++i) addPod(i % 2 ? "a" : "b", "p" + std::to_string(i), "img:1");
  ASSERT_TRUE(api_.upsert("deployments", workloadJson("Deployment", "a", "web", {"nginx"})));
  ListAllOptions options;
  options.page_size = 2;
  auto all = listWorkloads(*client_, {Kind::kDeployment, Kind::kPod}, {}, options);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0].kind, Kind::kDeployment);
  EXPECT_EQ((*all)[1].kind, Kind::kPod);
  EXPECT_EQ((*all)[1].images[0].image, "img:1");
  EXPECT_EQ(api_.requestCount("list", "pods"), 3u);
  EXPECT_EQ(api_.requestCount("get", "pods"), 0u);

  auto only_a = listWorkloads(*client_, {Kind::kPod}, {"a"}, options);
  ASSERT_TRUE(only_a);
  EXPECT_EQ(only_a->size(), 2u);

  api_.setForbidden("deployments", "list");
  auto denied = listWorkloads(*client_, {Kind::kDeployment}, {"a"}, options);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(denied.error().message.find("list deployments in namespace \"a\""), std::string::npos);
}

}  // namespace
}  // namespace copycat::kube
