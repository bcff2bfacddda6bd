#include "controller/mirror_jobs.h"

#include <gtest/gtest.h>

#include "controller/mirror_request.h"

namespace copycat::controller {
namespace {

constexpr char kAmdDigest[] =
    "sha256:1111111111111111111111111111111111111111111111111111111111111111";
constexpr char kArmDigest[] =
    "sha256:2222222222222222222222222222222222222222222222222222222222222222";

image::Platform platform(std::string arch) {
  return image::normalizePlatform(
      image::Platform{.os = "linux", .architecture = std::move(arch), .variant = {}});
}

Demand demand(std::string pod, std::string digest = {}, std::string arch = {}) {
  Demand d;
  d.object = WorkloadRef{.kind = workload::Kind::kPod,
                         .kind_name = "Pod",
                         .namespace_name = "shop",
                         .name = std::move(pod)};
  d.owner = WorkloadRef{.kind = workload::Kind::kDeployment,
                        .kind_name = "Deployment",
                        .namespace_name = "shop",
                        .name = "web"};
  d.container = "app";
  d.source = image::Reference{
      .registry = "docker.io", .repository = "library/nginx", .tag = "1.25", .digest = digest};
  d.target = policy::TargetName{.registry = "mirror.example.com",
                                .repository = "library/nginx",
                                .tag = "1.25",
                                .digest = digest};
  d.pinned = !digest.empty();
  d.observed_digest = digest;
  if (!arch.empty()) {
    d.node_platform = platform(arch);
  }
  return d;
}

TEST(DemandStoreTest, DemandsOfOneTargetAggregateIntoOneRequest) {
  DemandStore store;
  auto a = store.upsert(demand("web-a", kAmdDigest, "amd64"));
  auto b = store.upsert(demand("web-b", kArmDigest, "arm64"));
  EXPECT_EQ(a.key, "mirror.example.com/library/nginx:1.25");
  EXPECT_EQ(a.key, b.key);
  auto req = store.request(a.key);
  ASSERT_TRUE(req);
  EXPECT_EQ(req->demands, 2u);
  EXPECT_EQ(req->pinned_digests, (std::vector<std::string>{kAmdDigest, kArmDigest}));
  EXPECT_EQ(req->node_platforms.size(), 2u);
  ASSERT_EQ(req->owners.size(), 1u) << "both pods belong to one Deployment";
  EXPECT_EQ(req->owners[0].name, "web");
  EXPECT_EQ(req->latest.object.name, "web-b");
}

TEST(DemandStoreTest, ReobservingAContainerReplacesItsDemand) {
  DemandStore store;
  auto first = store.upsert(demand("web-a", kAmdDigest));
  EXPECT_TRUE(first.changed);
  EXPECT_FALSE(store.upsert(demand("web-a", kAmdDigest)).changed);
  EXPECT_TRUE(store.upsert(demand("web-a", kArmDigest)).changed);
  auto req = store.request(first.key);
  EXPECT_EQ(req->pinned_digests, std::vector<std::string>{kArmDigest});
  EXPECT_EQ(store.demandCount(), 1u);
}

TEST(DemandStoreTest, ForgettingAWorkloadDropsItsDemands) {
  DemandStore store;
  auto key = store.upsert(demand("web-a")).key;
  store.upsert(demand("web-b"));
  EXPECT_EQ(store.removeWorkload(
                WorkloadRef{.kind_name = "Pod", .namespace_name = "shop", .name = "web-a"}),
            std::vector<std::string>{key});
  EXPECT_EQ(store.demandCount(), 1u);
  // Deleting the owner drops the demands of all its pods.
  store.removeWorkload(
      WorkloadRef{.kind_name = "Deployment", .namespace_name = "shop", .name = "web"});
  EXPECT_FALSE(store.request(key));
  EXPECT_EQ(store.size(), 0u);
}

TEST(MirrorJobsTest, DefaultCopiesTheWholeIndex) {
  DemandStore store;
  auto req = store.request(store.upsert(demand("web-a", {}, "arm64")).key);
  auto plan = wantedPlatforms(*req, {});
  EXPECT_TRUE(plan.all);
  auto jobs = planJobs(*req, plan, {});
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_TRUE(jobs[0].platforms.empty());
  EXPECT_EQ(jobs[0].target.str(), "mirror.example.com/library/nginx:1.25");
  EXPECT_EQ(jobs[0].source.str(), "docker.io/library/nginx:1.25");
}

TEST(MirrorJobsTest, NodePlatformsAndMirrorPlatformsMakeOneFilteredIndex) {
  DemandStore store;
  store.upsert(demand("web-a", {}, "amd64"));
  auto req = store.request(store.upsert(demand("web-b", {}, "aarch64")).key);
  PlatformOptions options{.check_node_platform = true, .mirror_platforms = {platform("s390x")}};
  auto plan = wantedPlatforms(*req, options);
  ASSERT_FALSE(plan.all);
  std::vector<std::string> names;
  for (const auto& p : plan.platforms) {
    names.push_back(p.str());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"linux/amd64", "linux/arm64/v8", "linux/s390x"}));
  auto jobs = planJobs(*req, plan, {});
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].platforms.size(), 3u);
}

TEST(MirrorJobsTest, UnknownNodePlatformFallsBackToTheWholeIndex) {
  DemandStore store;
  auto req = store.request(store.upsert(demand("web-a")).key);
  EXPECT_TRUE(wantedPlatforms(*req, {.check_node_platform = true}).all);
}

TEST(MirrorJobsTest, PlatformsNeverShrinkBelowThePreviousPush) {
  DemandStore store;
  auto req = store.request(store.upsert(demand("web-b", {}, "arm64")).key);
  auto wanted = wantedPlatforms(*req, {.check_node_platform = true});
  PushRecord previous{.all_platforms = false, .platforms = {platform("amd64")}};
  auto widened = widenPlatforms(wanted, previous);
  ASSERT_EQ(widened.platforms.size(), 2u);
  EXPECT_EQ(widened.platforms[0].str(), "linux/amd64");
  EXPECT_EQ(widened.platforms[1].str(), "linux/arm64/v8");
}

TEST(MirrorJobsTest, DigestOnlySourceIsPushedWholeUnderItsDigestAndAnchorTag) {
  Demand d = demand("web-a");
  d.source.tag.clear();
  d.source.digest = kAmdDigest;
  d.target.tag.clear();
  d.target.digest = kAmdDigest;
  d.node_platform = platform("arm64");
  DemandStore store;
  auto key = store.upsert(d).key;
  EXPECT_EQ(key, std::string("mirror.example.com/library/nginx@") + kAmdDigest);
  auto req = store.request(key);
  auto plan = wantedPlatforms(*req, {.check_node_platform = true});
  EXPECT_TRUE(plan.all) << "a filtered index would not match the digest";
  auto jobs = planJobs(*req, plan, {});
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].anchor_tag, std::string("sha256-") + (kAmdDigest + 7));
  EXPECT_EQ(jobs[0].target.tag, "");
  EXPECT_EQ(jobs[0].target.digest, kAmdDigest);
  EXPECT_EQ(jobs[0].source.digest, kAmdDigest);
}

TEST(MirrorJobsTest, OnePinnedDigestIsCopiedToTheTag) {
  DemandStore store;
  auto req = store.request(store.upsert(demand("web-a", kAmdDigest)).key);
  auto jobs = planJobs(*req, wantedPlatforms(*req, {}), {.dry_pull = true});
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].source.digest, kAmdDigest);
  EXPECT_EQ(jobs[0].target.tag, "1.25");
  EXPECT_EQ(jobs[0].target.digest, "");
  EXPECT_TRUE(jobs[0].dry_pull);
  EXPECT_TRUE(jobs[0].dry_run) << "dry pull implies dry run";
}

TEST(MirrorJobsTest, SeveralPinnedDigestsGetAnchorsAndTheTagStaysAnIndex) {
  DemandStore store;
  store.upsert(demand("web-a", kAmdDigest, "amd64"));
  auto req = store.request(store.upsert(demand("web-b", kArmDigest, "arm64")).key);
  auto jobs = planJobs(*req, wantedPlatforms(*req, {.check_node_platform = true}), {});
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].target.digest, kAmdDigest);
  EXPECT_EQ(jobs[0].anchor_tag, anchorTag(kAmdDigest));
  EXPECT_EQ(jobs[1].target.digest, kArmDigest);
  const MirrorJob& tag_job = jobs[2];
  EXPECT_EQ(tag_job.source.str(), "docker.io/library/nginx:1.25") << "from the source tag";
  EXPECT_EQ(tag_job.target.str(), "mirror.example.com/library/nginx:1.25");
  EXPECT_EQ(tag_job.platforms.size(), 2u) << "both architectures, never one";
}

TEST(MirrorJobsTest, CoverageNeedsSameSourceDigestsAndPlatforms) {
  DemandStore store;
  store.upsert(demand("web-a", kAmdDigest, "amd64"));
  auto req = store.request(store.upsert(demand("web-a", kAmdDigest, "amd64")).key);
  auto wanted = wantedPlatforms(*req, {.check_node_platform = true});
  PushRecord record{.source_name = "docker.io/library/nginx:1.25",
                    .fingerprints = {kAmdDigest},
                    .all_platforms = false,
                    .platforms = {platform("amd64")}};
  EXPECT_TRUE(covers(record, *req, wanted));
  record.fingerprints = {kArmDigest};
  EXPECT_FALSE(covers(record, *req, wanted)) << "another digest demanded";
  record.fingerprints = {kAmdDigest, kArmDigest};
  EXPECT_TRUE(covers(record, *req, wanted));
  record.platforms = {platform("arm64")};
  EXPECT_FALSE(covers(record, *req, wanted)) << "the node platform is missing";
  record.all_platforms = true;
  EXPECT_TRUE(covers(record, *req, wanted));
  record.source_name = "ghcr.io/x/nginx:1.25";
  EXPECT_FALSE(covers(record, *req, wanted));
}

TEST(MirrorJobsTest, AnchorTagFitsTheTagGrammar) {
  EXPECT_EQ(anchorTag(kAmdDigest).size(), 71u);
  EXPECT_EQ(anchorTag("sha512:" + std::string(128, 'a')).size(), 128u);
}

}  // namespace
}  // namespace copycat::controller
