#include "planner/mirror_planner.h"

#include <gtest/gtest.h>

namespace copycat::planner {
namespace {

constexpr char kDigest[] =
    "sha256:3f6d9e4c5b1a2f0e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e";

workload::ImageUse use(std::string image, std::string ns = "shop",
                       workload::Kind kind = workload::Kind::kDeployment) {
  return workload::ImageUse{.kind = kind,
                            .kind_name = std::string(workload::kindName(kind)),
                            .namespace_name = std::move(ns),
                            .name = "web",
                            .container = "app",
                            .image = std::move(image),
                            .image_id = {}};
}

MirrorPlanner plannerFor(PlannerOptions options) {
  if (options.target_registry.empty()) {
    options.target_registry = "mirror.example.com";
  }
  auto p = MirrorPlanner::create(options);
  EXPECT_TRUE(p) << p.error().message;
  return std::move(*p);
}

TEST(MirrorPlannerTest, MirrorsUnderTargetRegistryKeepingTag) {
  auto d = plannerFor({}).decide(use("nginx:1.25"));
  ASSERT_EQ(d.action, Action::kMirror) << d.detail;
  EXPECT_EQ(d.source->str(), "docker.io/library/nginx:1.25");
  EXPECT_EQ(d.target->str(), "mirror.example.com/library/nginx:1.25");
}

TEST(MirrorPlannerTest, ReportsFilterReasonsBeforeParsing) {
  auto p = plannerFor({.filter = {.skip_namespaces = {"kube-*"}}});
  auto d = p.decide(use("not a reference", "kube-system"));
  EXPECT_EQ(d.action, Action::kSkip);
  EXPECT_EQ(d.reason, "namespace_skipped");
}

TEST(MirrorPlannerTest, InvalidReferenceNamesTheReason) {
  auto d = plannerFor({}).decide(use("Nginx:1.25"));
  EXPECT_EQ(d.action, Action::kInvalid);
  EXPECT_EQ(d.reason, "invalid_reference");
  EXPECT_NE(d.detail.find("invalid reference format"), std::string::npos) << d.detail;
}

TEST(MirrorPlannerTest, EmptyImageIsInvalid) {
  auto d = plannerFor({}).decide(use(""));
  EXPECT_EQ(d.action, Action::kInvalid);
  EXPECT_EQ(d.detail, "empty image reference");
}

TEST(MirrorPlannerTest, TargetRegistryIsAlwaysExcluded) {
  auto d = plannerFor({}).decide(use("mirror.example.com/library/nginx:1.25"));
  EXPECT_EQ(d.action, Action::kSkip);
  EXPECT_EQ(d.reason, "excluded_registry");
}

TEST(MirrorPlannerTest, ExcludeRegistriesUsesNormalisedNames) {
  auto p = plannerFor({.exclude_registries = {"docker.io"}});
  EXPECT_EQ(p.decide(use("busybox")).reason, "excluded_registry");
  EXPECT_EQ(p.decide(use("ghcr.io/org/app:1")).action, Action::kMirror);
}

TEST(MirrorPlannerTest, PathMapAndPrefixShapeTheTarget) {
  auto p = plannerFor(
      {.path_map = {{.from = "bitnami", .to = "vendor/bitnami"}}, .repo_prefix = "$namespace"});
  auto d = p.decide(use("bitnami/kubectl:1.29"));
  ASSERT_EQ(d.action, Action::kMirror);
  EXPECT_EQ(d.target->str(), "mirror.example.com/shop/vendor/bitnami/kubectl:1.29");
}

TEST(MirrorPlannerTest, DigestPullPinsToImageIdOfSameRepository) {
  auto p = plannerFor({.digest_pull = true});
  auto u = use("nginx:1.25");
  u.image_id = std::string("docker-pullable://nginx@") + kDigest;
  auto d = p.decide(u);
  ASSERT_EQ(d.action, Action::kMirror);
  EXPECT_TRUE(d.pinned_by_image_id);
  EXPECT_EQ(d.target->str(), std::string("mirror.example.com/library/nginx:1.25@") + kDigest);
}

TEST(MirrorPlannerTest, DigestPullIgnoresOtherRepositoriesAndIgnoredTags) {
  auto p = plannerFor({.digest_pull = true});
  auto other = use("nginx:1.25");
  other.image_id = std::string("docker.io/library/httpd@") + kDigest;
  EXPECT_FALSE(p.decide(other).pinned_by_image_id);
  auto latest = use("nginx");
  latest.image_id = std::string("docker.io/library/nginx@") + kDigest;
  EXPECT_FALSE(p.decide(latest).pinned_by_image_id);
}

TEST(MirrorPlannerTest, InvalidSettingsFailAtCreate) {
  EXPECT_FALSE(MirrorPlanner::create({.target_registry = ""}));
  EXPECT_FALSE(MirrorPlanner::create(
      {.path_map = {{.from = "(", .to = "x", .regex = true}}, .target_registry = "m.example"}));
  EXPECT_FALSE(MirrorPlanner::create({.target_registry = "m.example", .repo_prefix = "$nmespace"}));
}

TEST(ParseImageIdTest, AcceptsRuntimeSchemesAndRejectsBareIds) {
  auto a = parseImageId(std::string("docker-pullable://nginx@") + kDigest);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->repository, "docker.io/library/nginx");
  EXPECT_EQ(a->digest, kDigest);
  auto b = parseImageId(std::string("ghcr.io/org/app@") + kDigest);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->repository, "ghcr.io/org/app");
  EXPECT_FALSE(parseImageId(std::string("docker://") + kDigest));
  EXPECT_FALSE(parseImageId(kDigest));
  EXPECT_FALSE(parseImageId(""));
}

}  // namespace
}  // namespace copycat::planner
