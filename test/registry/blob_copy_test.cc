// Blob transfer behaviour of the copy engine: mounts, streaming through a small pipe, digest
// verification, chunked fallback, retries of a whole blob, cancellation, in-flight dedupe.
#include <atomic>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "registry/copier_test_util.h"
#include "registry/image_copier.h"
#include "registry/image_fixtures.h"

namespace copycat::registry {
namespace {

using testing::CopierFixture;
using testing::FakeRegistry;
using testing::ImageSpec;
using testing::pushImage;
using testing::TestManifest;

TEST(BlobCopyTest, BlobsKnownInAnotherRepositoryAreMounted) {
  CopierFixture f;
  TestManifest image = pushImage(f.source, "app", "v1", ImageSpec{.layers = 3});
  ASSERT_TRUE(f.copier->copyImage(f.src("app", "v1"), f.dst("team-a/app", "v1"), {}));
  f.source.clearRequests();
  f.target.clearRequests();
  auto second = f.copier->copyImage(f.src("app", "v1"), f.dst("team-b/app", "v1"), {});
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->blobs_mounted, 4);
  EXPECT_EQ(second->blobs_copied, 0);
  EXPECT_EQ(f.target.count("POST", "mount="), 4u);
  EXPECT_EQ(f.target.count("POST", "from=team-a%2Fapp"), 4u);
  EXPECT_EQ(f.source.count("GET", "/blobs/"), 0u);
  for (const auto& digest : image.blobs) {
    EXPECT_TRUE(f.target.hasBlob("team-b/app", digest));
  }
}

TEST(BlobCopyTest, CopiesWithinOneRegistryMountFromTheSourceRepository) {
  CopierFixture f;
  TestManifest image = pushImage(f.target, "upstream/app", "v1", ImageSpec{.layers = 2});
  image::Reference src{
      .registry = f.target.host(), .repository = "upstream/app", .tag = "v1", .digest = ""};
  auto result = f.copier->copyImage(src, f.dst("mirror/app", "v1"), {});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->blobs_mounted, 3);
  EXPECT_EQ(f.target.count("GET", "/blobs/"), 0u);
  EXPECT_EQ(f.target.manifest("mirror/app", "v1")->bytes, image.bytes);
}

TEST(BlobCopyTest, BlobsTheTargetHasAreSkipped) {
  CopierFixture f;
  TestManifest image = pushImage(f.source, "app", "v1", ImageSpec{.layers = 2});
  f.target.putBlob("app", *f.source.blob(image.blobs[1]));
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), {});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->blobs_skipped, 1);
  EXPECT_EQ(result->blobs_copied, 2);
  EXPECT_EQ(f.source.count("GET", image.blobs[1]), 0u);
}

TEST(BlobCopyTest, ABlobLargerThanThePipeStreamsThrough) {
  CopierFixture f({}, 64 * 1024);
  TestManifest image =
      pushImage(f.source, "app", "v1", ImageSpec{.layers = 1, .layer_bytes = 3 * 1024 * 1024});
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), {});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(f.target.blob(image.blobs[1]), f.source.blob(image.blobs[1]));
  EXPECT_EQ(result->bytes_copied,
            static_cast<int64_t>(3 * 1024 * 1024 + f.source.blob(image.blobs[0])->size()));
}

TEST(BlobCopyTest, CorruptSourceBlobFailsWithDigestMismatchAndNoManifest) {
  CopierFixture f;
  TestManifest image =
      pushImage(f.source, "app", "v1", ImageSpec{.layers = 2, .layer_bytes = 500'000});
  f.source.corruptBlob(image.blobs[2]);
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kDigestMismatch);
  EXPECT_NE(result.error().message.find(image.blobs[2]), std::string::npos);
  EXPECT_FALSE(f.target.manifest("app", "v1"));
  EXPECT_FALSE(f.target.hasBlob("app", image.blobs[2]));
  EXPECT_FALSE(f.target.blob(image.blobs[2]));
  // The upload was aborted: no PUT for that blob completed.
  EXPECT_EQ(f.target.count("PUT", "digest=sha256%3A" + image.blobs[2].substr(7)), 0u);
  EXPECT_EQ(f.source.count("GET", image.blobs[2]), 1u);  // never retried
}

TEST(BlobCopyTest, RegistriesRefusingMonolithicUploadsGetChunks) {
  CopierFixture f(FakeRegistry::Options{.refuse_monolithic = true});
  TestManifest image = pushImage(f.source, "app", "v1", ImageSpec{.layers = 2});
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), {});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(f.target.manifest("app", "v1")->bytes, image.bytes);
  EXPECT_GE(f.target.count("PATCH", "/blobs/uploads/"), 3u);
  EXPECT_TRUE(f.copier->client(f.target.host()).usesChunkedUploads());
}

TEST(BlobCopyTest, ServerErrorsOnABlobGetAreRetried) {
  CopierFixture f;
  TestManifest image = pushImage(f.source, "app", "v1", ImageSpec{.layers = 1});
  f.source.failBlobGets(image.blobs[1], 1, 503);
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), {});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(f.source.count("GET", image.blobs[1]), 2u);
  EXPECT_TRUE(f.target.hasBlob("app", image.blobs[1]));
}

TEST(BlobCopyTest, AConnectionDroppedMidBlobReRunsTheWholeBlobCopy) {
  CopierFixture f;
  TestManifest image =
      pushImage(f.source, "app", "v1", ImageSpec{.layers = 1, .layer_bytes = 1024 * 1024});
  f.source.truncateBlobGets(image.blobs[1], 1);
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), {});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(f.source.count("GET", image.blobs[1]), 2u);
  // A fresh upload session for the second attempt.
  EXPECT_EQ(f.target.count("POST", "/blobs/uploads/"), 3u);
  EXPECT_EQ(f.target.blob(image.blobs[1]), f.source.blob(image.blobs[1]));
}

TEST(BlobCopyTest, CancellationStopsTheCopyWithoutAManifest) {
  CopierFixture f({}, 64 * 1024);
  TestManifest image =
      pushImage(f.source, "app", "v1", ImageSpec{.layers = 2, .layer_bytes = 2 * 1024 * 1024});
  std::stop_source stop;
  CopyOptions options;
  options.stop = stop.get_token();
  options.progress = [&](const std::string&, int64_t done, int64_t) {
    if (done > 100'000) {
      stop.request_stop();
    }
  };
  auto result = f.copier->copyImage(f.src("app", "v1"), f.dst("app", "v1"), options);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
  EXPECT_FALSE(f.target.manifest("app", "v1"));
  EXPECT_EQ(f.target.count("PUT", "/manifests/"), 0u);
}

TEST(BlobCopyTest, ConcurrentCopiesTransferEachBlobOnce) {
  CopierFixture f;
  TestManifest image =
      pushImage(f.source, "app", "v1", ImageSpec{.layers = 4, .layer_bytes = 200'000});
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (const char* repo : {"one/app", "two/app", "three/app"}) {
    threads.emplace_back([&, repo] {
      if (!f.copier->copyImage(f.src("app", "v1"), f.dst(repo, "v1"), {})) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(failures.load(), 0);
  for (const auto& digest : image.blobs) {
    EXPECT_EQ(f.source.count("GET", digest), 1u) << digest;
    for (const char* repo : {"one/app", "two/app", "three/app"}) {
      EXPECT_TRUE(f.target.hasBlob(repo, digest));
    }
  }
}

}  // namespace
}  // namespace copycat::registry
