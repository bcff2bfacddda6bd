// The copy engine against in-memory registries: byte-identical copies, request budgets of
// warm copies, push order, platform filtering, overwrite policy, dry runs.
#include "registry/image_copier.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "registry/copier_test_util.h"
#include "registry/image_fixtures.h"
#include "registry/manifest.h"

namespace copycat::registry {
namespace {

using testing::CopierFixture;
using testing::ImageSpec;
using testing::pushAttestation;
using testing::pushImage;
using testing::pushIndex;
using testing::TestManifest;

size_t writes(const testing::FakeRegistry& registry) {
  return registry.count("POST", "") + registry.count("PUT", "") + registry.count("PATCH", "");
}

TEST(ImageCopierTest, CopiesASingleImageByteForByte) {
  CopierFixture f;
  TestManifest image = pushImage(f.source, "app", "v1", ImageSpec{.layers = 3});
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("mirror/app", "v1"), {});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->outcome, CopyOutcome::kCopied);
  EXPECT_EQ(result->source_digest, image.digest);
  EXPECT_EQ(result->target_digest, image.digest);
  EXPECT_EQ(result->blobs_copied, 4);
  EXPECT_EQ(result->manifests_pushed, 1);
  auto copied = f.target.manifest("mirror/app", "v1");
  ASSERT_TRUE(copied);
  EXPECT_EQ(copied->bytes, image.bytes);
  EXPECT_EQ(copied->media_type, image.media_type);
  for (const auto& digest : image.blobs) {
    EXPECT_TRUE(f.target.hasBlob("mirror/app", digest));
    EXPECT_EQ(f.target.blob(digest), f.source.blob(digest));
  }
  // Two requests per blob upload (POST + one PUT), no PATCH.
  EXPECT_EQ(f.target.count("POST", "/blobs/uploads/"), 4u);
  EXPECT_EQ(f.target.count("PUT", "/blobs/uploads/"), 4u);
  EXPECT_EQ(f.target.count("PATCH", ""), 0u);
}

TEST(ImageCopierTest, DockerSchema2ImageKeepsItsMediaType) {
  CopierFixture f;
  TestManifest image = pushImage(f.source, "app", "v1", ImageSpec{.oci = false});
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), {});
  ASSERT_TRUE(result) << result.error().message;
  auto copied = f.target.manifest("app", "v1");
  ASSERT_TRUE(copied);
  EXPECT_EQ(copied->media_type, "application/vnd.docker.distribution.manifest.v2+json");
  EXPECT_EQ(copied->bytes, image.bytes);
}

TEST(ImageCopierTest, AWarmCopyOfATagCostsTwoRequests) {
  CopierFixture f;
  pushImage(f.source, "app", "v1", ImageSpec{});
  ASSERT_TRUE(f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), {}));
  f.source.clearRequests();
  f.target.clearRequests();
  auto warm = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), {});
  ASSERT_TRUE(warm) << warm.error().message;
  EXPECT_EQ(warm->outcome, CopyOutcome::kUpToDate);
  EXPECT_EQ(f.source.requests().size(), 1u);
  EXPECT_EQ(f.target.requests().size(), 1u);
  EXPECT_EQ(warm->requests.at(f.source.host()), 1);
  EXPECT_EQ(warm->requests.at(f.target.host()), 1);
}

TEST(ImageCopierTest, AWarmCopyOfADigestCostsOneRequest) {
  CopierFixture f;
  TestManifest image = pushImage(f.source, "app", "v1", ImageSpec{});
  auto src = f.src("app", "", image.digest);
  ASSERT_TRUE(f.copier->copyImage(src, f.dst("app", "v1"), {}));
  f.source.clearRequests();
  f.target.clearRequests();
  auto warm = f.copier->copyImage(src, f.dst("app", "v1"), {});
  ASSERT_TRUE(warm) << warm.error().message;
  EXPECT_EQ(warm->outcome, CopyOutcome::kUpToDate);
  EXPECT_EQ(f.source.requests().size(), 0u);
  EXPECT_EQ(f.target.requests().size(), 1u);
}

TEST(ImageCopierTest, DigestOnlyTargetIsPushedByDigest) {
  CopierFixture f;
  TestManifest image = pushImage(f.source, "app", "", ImageSpec{});
  auto result =
      f.copier->copyImage(f.src("app", "", image.digest), f.dst("app", "", image.digest), {});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(f.target.count("PUT", "/manifests/" + image.digest), 1u);
  EXPECT_TRUE(f.target.manifest("app", image.digest));
}

TEST(ImageCopierTest, CopiesAnIndexWithEveryChildIncludingAttestations) {
  CopierFixture f;
  TestManifest amd64 = pushImage(f.source, "app", "", ImageSpec{.seed = 1});
  TestManifest arm64 = pushImage(f.source, "app", "",
                                 ImageSpec{.seed = 2, .architecture = "arm64", .variant = "v8"});
  TestManifest att1 = pushAttestation(f.source, "app", amd64.digest, 1);
  TestManifest att2 = pushAttestation(f.source, "app", arm64.digest, 2);
  TestManifest index = pushIndex(f.source, "app", "v1", {amd64, arm64, att1, att2});

  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), {});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->target_digest, index.digest);
  EXPECT_EQ(result->manifests_pushed, 5);
  EXPECT_EQ(f.target.manifest("app", "v1")->bytes, index.bytes);
  for (const auto* child : {&amd64, &arm64, &att1, &att2}) {
    auto copied = f.target.manifest("app", child->digest);
    ASSERT_TRUE(copied) << child->digest;
    EXPECT_EQ(copied->bytes, child->bytes);
  }
  // Order: every blob, then children by digest, then the index by tag.
  auto requests = f.target.requests();
  size_t last_blob = 0, first_manifest = requests.size(), index_put = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    if (r.method == "PUT" && r.path.find("/blobs/uploads/") != std::string::npos) {
      last_blob = i;
    }
    if (r.method == "PUT" && r.path.find("/manifests/") != std::string::npos) {
      first_manifest = std::min(first_manifest, i);
      if (r.path.ends_with("/manifests/v1")) {
        index_put = i;
      }
    }
  }
  EXPECT_LT(last_blob, first_manifest);
  EXPECT_EQ(index_put, requests.size() - 1);
}

TEST(ImageCopierTest, PlatformFilterPushesANewIndexWithOnlyTheMatchingChildren) {
  CopierFixture f;
  TestManifest amd64 = pushImage(f.source, "app", "", ImageSpec{.seed = 1});
  TestManifest arm64 = pushImage(f.source, "app", "",
                                 ImageSpec{.seed = 2, .architecture = "arm64", .variant = "v8"});
  TestManifest att = pushAttestation(f.source, "app", arm64.digest, 3);
  TestManifest index = pushIndex(f.source, "app", "v1", {amd64, arm64, att});

  CopyOptions options;
  options.platforms = {image::Platform{.os = "linux", .architecture = "arm64", .variant = ""}};
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), options);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_NE(result->target_digest, index.digest);
  auto pushed = f.target.manifest("app", "v1");
  ASSERT_TRUE(pushed);
  auto parsed = parseManifest(pushed->bytes, pushed->media_type);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->index().manifests.size(), 1u);
  EXPECT_EQ(parsed->index().manifests[0].digest, arm64.digest);
  EXPECT_EQ(f.target.manifest("app", arm64.digest)->bytes, arm64.bytes);
  EXPECT_FALSE(f.target.manifest("app", amd64.digest));
  EXPECT_FALSE(f.target.manifest("app", att.digest));
  EXPECT_FALSE(f.target.hasBlob("app", amd64.blobs[1]));

  // Warm: GET the source index + HEAD the target.
  f.source.clearRequests();
  f.target.clearRequests();
  auto warm = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), options);
  ASSERT_TRUE(warm) << warm.error().message;
  EXPECT_EQ(warm->outcome, CopyOutcome::kUpToDate);
  EXPECT_EQ(f.source.requests().size() + f.target.requests().size(), 2u);
}

TEST(ImageCopierTest, MissingPlatformsWarnAndNoMatchFails) {
  CopierFixture f;
  TestManifest amd64 = pushImage(f.source, "app", "", ImageSpec{.seed = 1});
  pushIndex(f.source, "app", "v1", {amd64});
  CopyOptions some;
  some.platforms = {image::Platform{.os = "linux", .architecture = "amd64", .variant = ""},
                    image::Platform{.os = "linux", .architecture = "s390x", .variant = ""}};
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), some);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->missing_platforms, std::vector<std::string>{"linux/s390x"});

  CopyOptions none;
  none.platforms = {image::Platform{.os = "linux", .architecture = "riscv64", .variant = ""}};
  auto failed = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v2"), none);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kInvalidArgument);
}

TEST(ImageCopierTest, ATagWithAnotherDigestIsOverwrittenOnlyWhenAllowed) {
  CopierFixture f;
  TestManifest old_image = pushImage(f.target, "app", "v1", ImageSpec{.seed = 7});
  pushImage(f.target, "app", "latest", ImageSpec{.seed = 7});
  TestManifest image = pushImage(f.source, "app", "v1", ImageSpec{.seed = 8});
  pushImage(f.source, "app", "latest", ImageSpec{.seed = 8});

  CopyOptions strict;
  strict.allow_overwrite = false;
  auto refused = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), strict);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(refused.error().message.find(old_image.digest), std::string::npos);
  EXPECT_NE(refused.error().message.find(image.digest), std::string::npos);
  EXPECT_EQ(writes(f.target), 0u);

  auto latest = f.copier->copyImage(f.src("app", "latest"), f.dst("app", "latest"), strict);
  ASSERT_TRUE(latest) << latest.error().message;
  auto allowed = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), {});
  ASSERT_TRUE(allowed) << allowed.error().message;
  EXPECT_EQ(f.target.manifest("app", "v1")->bytes, image.bytes);
}

TEST(ImageCopierTest, DryRunReadsButNeverWrites) {
  CopierFixture f;
  pushImage(f.source, "app", "v1", ImageSpec{.layers = 2});
  CopyOptions options;
  options.dry_run = true;
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), options);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->outcome, CopyOutcome::kDryRun);
  EXPECT_EQ(result->blobs_copied, 3);
  EXPECT_EQ(result->manifests_pushed, 1);
  EXPECT_EQ(writes(f.target), 0u);
  EXPECT_FALSE(f.target.manifest("app", "v1"));
  EXPECT_EQ(f.source.count("GET", "/blobs/"), 0u);
}

TEST(ImageCopierTest, DryPullSendsNothingToTheSource) {
  CopierFixture f;
  pushImage(f.source, "app", "v1", ImageSpec{});
  CopyOptions options;
  options.dry_pull = true;
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), options);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->outcome, CopyOutcome::kDryRun);
  EXPECT_EQ(f.source.requests().size(), 0u);
  EXPECT_EQ(f.target.requests().size(), 1u);
  EXPECT_EQ(writes(f.target), 0u);
}

TEST(ImageCopierTest, MissingSourceIsNotFound) {
  CopierFixture f;
  auto result = f.copier->copyImage(f.src("app", "nope"), f.dst("app", "nope"), {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
  EXPECT_NE(result.error().message.find("copying "), std::string::npos);
}

TEST(ImageCopierTest, ProgressReportsEveryBlob) {
  CopierFixture f;
  TestManifest image =
      pushImage(f.source, "app", "v1", ImageSpec{.layers = 2, .layer_bytes = 300'000});
  std::mutex mu;
  std::map<std::string, std::pair<int64_t, int64_t>> last;
  CopyOptions options;
  options.progress = [&](const std::string& digest, int64_t done, int64_t total) {
    std::lock_guard<std::mutex> lock(mu);
    last[digest] = {done, total};
  };
  ASSERT_TRUE(f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), options));
  ASSERT_EQ(last.size(), 3u);
  for (const auto& [digest, progress] : last) {
    EXPECT_EQ(progress.first, progress.second) << digest;
  }
}

}  // namespace
}  // namespace copycat::registry
