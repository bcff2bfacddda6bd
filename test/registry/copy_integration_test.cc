// The copy engine against real docker-registry processes (anonymous, htpasswd + TLS, token),
// checked byte for byte with skopeo and counted from the registries' access logs.
#include <string>

#include <gtest/gtest.h>

#include "registry/integration_util.h"
#include "registry/manifest.h"
#include "support/token_server.h"

namespace copycat::registry {
namespace {

using copycat::testing::FixtureImage;
using copycat::testing::ImageFixture;
using copycat::testing::RegistryEndpoint;
using copycat::testing::RegistryHttpClient;
using copycat::testing::RegistryProcess;
using copycat::testing::SkopeoOptions;
using copycat::testing::TokenServer;
using testing::Engine;
using testing::expectCopied;
using testing::ref;
using testing::startRegistry;

// Two anonymous registries, a fixture generator and an engine reaching both over plain HTTP.
class AnonymousCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = startRegistry(RegistryProcess::anonymous());
    target_ = startRegistry(RegistryProcess::anonymous());
    ASSERT_TRUE(source_ && target_);
    auto fixture = ImageFixture::create(7);
    ASSERT_TRUE(fixture);
    fixture_ = std::move(*fixture);
    engine_ = std::make_unique<Engine>(
        Engine::Setup{.insecure_hosts = {source_->host(), target_->host()}});
  }

  void push(const FixtureImage& image, const std::string& repo, const std::string& tag) {
    RegistryHttpClient client(RegistryEndpoint::of(*source_));
    ASSERT_TRUE(client.push(image, repo, tag));
  }

  // Copies repo:tag to the target, checks bytes with skopeo, then checks that a second copy
  // costs one request per registry (HEAD source, HEAD target).
  void copyAndCheck(const FixtureImage& image, const std::string& repo) {
    auto result = engine_->copy(ref(source_->host(), repo + ":" + image.tag),
                                ref(target_->host(), "mirror/" + repo + ":" + image.tag));
    ASSERT_TRUE(result) << result.error().describe();
    EXPECT_EQ(result->target_digest, image.root.digest);
    EXPECT_EQ(static_cast<size_t>(result->blobs_copied), image.blobs.size());
    expectCopied(image, target_->host(), "mirror/" + repo, image.tag);
    // Two requests per uploaded blob: POST (a mount from the repository itself, answered 202
    // with a session) and the streamed PUT; no HEAD.
    EXPECT_EQ(target_->countRequests("POST", "/blobs/uploads/"), image.blobs.size());
    EXPECT_EQ(target_->countRequests("PUT", "/blobs/uploads/"), image.blobs.size());
    EXPECT_EQ(target_->countRequests("HEAD", "/blobs/"), 0u);
    EXPECT_EQ(target_->countRequests("PATCH", ""), 0u);

    source_->clearAccessLog();
    target_->clearAccessLog();
    auto warm = engine_->copy(ref(source_->host(), repo + ":" + image.tag),
                              ref(target_->host(), "mirror/" + repo + ":" + image.tag));
    ASSERT_TRUE(warm) << warm.error().describe();
    EXPECT_EQ(warm->outcome, CopyOutcome::kUpToDate);
    EXPECT_EQ(source_->accessLog().size(), 1u);
    EXPECT_EQ(target_->accessLog().size(), 1u);
  }

  std::unique_ptr<RegistryProcess> source_;
  std::unique_ptr<RegistryProcess> target_;
  std::unique_ptr<ImageFixture> fixture_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(AnonymousCopyTest, DockerSchema2Image) {
  auto image = fixture_->dockerImage("v1");
  ASSERT_TRUE(image);
  push(*image, "docker", "v1");
  copyAndCheck(*image, "docker");
}

TEST_F(AnonymousCopyTest, OciImage) {
  auto image = fixture_->ociImage("v1");
  ASSERT_TRUE(image);
  push(*image, "oci", "v1");
  copyAndCheck(*image, "oci");
}

TEST_F(AnonymousCopyTest, DockerManifestList) {
  auto image = fixture_->dockerManifestList("v1");
  ASSERT_TRUE(image);
  push(*image, "list", "v1");
  copyAndCheck(*image, "list");
}

TEST_F(AnonymousCopyTest, OciIndexWithAttestations) {
  auto image = fixture_->ociIndexWithAttestations("v1");
  ASSERT_TRUE(image);
  push(*image, "attested", "v1");
  copyAndCheck(*image, "attested");
}

TEST_F(AnonymousCopyTest, FortyLayers) {
  auto image = fixture_->manyLayers("v1", 40);
  ASSERT_TRUE(image);
  push(*image, "many", "v1");
  copyAndCheck(*image, "many");
}

TEST_F(AnonymousCopyTest, DigestOnlyImageCostsOneRequestWhenWarm) {
  auto image = fixture_->ociImage("v1");
  ASSERT_TRUE(image);
  push(*image, "pinned", "v1");
  auto src = ref(source_->host(), "pinned@" + image->root.digest);
  auto dst = ref(target_->host(), "pinned@" + image->root.digest);
  auto result = engine_->copy(src, dst);
  ASSERT_TRUE(result) << result.error().describe();
  expectCopied(*image, target_->host(), "pinned", image->root.digest);
  source_->clearAccessLog();
  target_->clearAccessLog();
  auto warm = engine_->copy(src, dst);
  ASSERT_TRUE(warm) << warm.error().describe();
  EXPECT_EQ(warm->outcome, CopyOutcome::kUpToDate);
  EXPECT_EQ(source_->accessLog().size(), 0u);
  EXPECT_EQ(target_->accessLog().size(), 1u);
}

TEST_F(AnonymousCopyTest, RepositoriesSharingLayersUseMounts) {
  auto images = fixture_->sharedBase("a", "b", 2);
  ASSERT_TRUE(images);
  push(images->first, "base-a", "a");
  push(images->second, "base-b", "b");
  ASSERT_TRUE(engine_->copy(ref(source_->host(), "base-a:a"), ref(target_->host(), "team/a:a")));
  target_->clearAccessLog();
  auto second = engine_->copy(ref(source_->host(), "base-b:b"), ref(target_->host(), "team/b:b"));
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(second->blobs_mounted, 2);
  size_t mounts = 0;
  for (const auto& entry : target_->accessLog()) {
    if (entry.method == "POST" && entry.target.find("mount=") != std::string::npos &&
        entry.status == 201) {
      ++mounts;
    }
  }
  EXPECT_EQ(mounts, 2u);
  // Only the image's own layer and config were uploaded.
  EXPECT_EQ(target_->countRequests("PUT", "/blobs/uploads/"), images->second.blobs.size() - 2);
  expectCopied(images->second, target_->host(), "team/b", "b");
}

// A new tag of a repository that already holds some of its blobs: one POST per present blob
// (the self-mount answers 201), POST + PUT per new one.
TEST_F(AnonymousCopyTest, BlobsAlreadyInTheRepositoryCostOneRequest) {
  auto images = fixture_->sharedBase("a", "b", 2);
  ASSERT_TRUE(images);
  push(images->first, "app", "a");
  push(images->second, "app", "b");
  ASSERT_TRUE(engine_->copy(ref(source_->host(), "app:a"), ref(target_->host(), "team/app:a")));
  target_->clearAccessLog();
  Engine fresh(Engine::Setup{.insecure_hosts = {source_->host(), target_->host()}});
  auto second = fresh.copy(ref(source_->host(), "app:b"), ref(target_->host(), "team/app:b"));
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(second->blobs_skipped, 2);
  size_t uploaded = images->second.blobs.size() - 2;
  EXPECT_EQ(static_cast<size_t>(second->blobs_copied), uploaded);
  EXPECT_EQ(target_->countRequests("POST", "/blobs/uploads/"), images->second.blobs.size());
  EXPECT_EQ(target_->countRequests("PUT", "/blobs/uploads/"), uploaded);
  EXPECT_EQ(target_->countRequests("HEAD", "/blobs/"), 0u);
  expectCopied(images->second, target_->host(), "team/app", "b");
}

TEST_F(AnonymousCopyTest, PlatformFilteredIndex) {
  auto image = fixture_->multiPlatform("v1");
  ASSERT_TRUE(image);
  push(*image, "multi", "v1");
  CopyOptions options;
  options.platforms = {image::Platform{.os = "linux", .architecture = "arm64", .variant = ""},
                       image::Platform{.os = "linux", .architecture = "s390x", .variant = ""}};
  auto result =
      engine_->copy(ref(source_->host(), "multi:v1"), ref(target_->host(), "multi:v1"), options);
  ASSERT_TRUE(result) << result.error().describe();
  auto raw = copycat::testing::skopeoInspectRaw("docker://" + target_->host() + "/multi:v1");
  ASSERT_TRUE(raw) << raw.error().message;
  auto parsed = parseManifest(*raw);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->index().manifests.size(), 2u);
  for (const char* platform : {"linux/arm64/v8", "linux/s390x"}) {
    const auto* child = image->child(platform);
    ASSERT_NE(child, nullptr) << platform;
    auto child_raw = copycat::testing::skopeoInspectRaw("docker://" + target_->host() + "/multi@" +
                                                        child->digest);
    ASSERT_TRUE(child_raw) << platform;
    EXPECT_EQ(*child_raw, child->bytes);
  }
  EXPECT_FALSE(copycat::testing::skopeoInspectRaw("docker://" + target_->host() + "/multi@" +
                                                  image->child("linux/amd64")->digest));
}

TEST_F(AnonymousCopyTest, ABlobLargerThanThePipeKeepsMemoryBounded) {
  auto image = fixture_->bigLayer("v1", 64);
  ASSERT_TRUE(image);
  push(*image, "big", "v1");
  bool reset = testing::resetPeakRss();
  int64_t before = testing::peakRssKib();
  auto result = engine_->copy(ref(source_->host(), "big:v1"), ref(target_->host(), "big:v1"));
  ASSERT_TRUE(result) << result.error().describe();
  int64_t growth_kib = testing::peakRssKib() - before;
  EXPECT_GE(result->bytes_copied, 64 * 1024 * 1024);
  // 64 MiB streamed through a 1 MiB pipe: the peak must stay far below the blob size.
  EXPECT_LT(growth_kib, 32 * 1024) << "peak reset: " << reset;
  expectCopied(*image, target_->host(), "big", "v1");
}

TEST(HtpasswdTlsCopyTest, CopiesIntoABasicAuthTlsRegistry) {
  auto source = startRegistry(RegistryProcess::anonymous());
  auto target = startRegistry(RegistryProcess::htpasswd({{"alice", "s3cret"}}));
  ASSERT_TRUE(source && target);
  auto fixture = ImageFixture::create(11);
  ASSERT_TRUE(fixture);
  auto image = (*fixture)->ociIndexWithAttestations("v1");
  ASSERT_TRUE(image);
  RegistryHttpClient pusher(RegistryEndpoint::of(*source));
  ASSERT_TRUE(pusher.push(*image, "app", "v1"));

  Engine engine({.insecure_hosts = {source->host()},
                 .ca_file = target->caCertFile(),
                 .credentials = {{target->host(), testing::userPassword("alice", "s3cret")}}});
  auto result = engine.copy(ref(source->host(), "app:v1"), ref(target->host(), "app:v1"));
  ASSERT_TRUE(result) << result.error().describe();
  // One 401 carried the challenge; every later request had Basic credentials up front.
  size_t unauthorized = 0;
  for (const auto& entry : target->accessLog()) {
    unauthorized += entry.status == 401 ? 1 : 0;
  }
  EXPECT_EQ(unauthorized, 1u);
  expectCopied(*image, target->host(), "app", "v1",
               SkopeoOptions::forRegistry(*target, "alice", "s3cret"));
}

TEST(TokenCopyTest, TokensAreFetchedOnceAndReusedAcrossCopies) {
  TokenServer::Options token_options;
  token_options.users["alice"] = TokenServer::User{.password = "s3cret"};
  token_options.anonymous_actions = {"pull"};
  auto tokens = TokenServer::start(token_options);
  ASSERT_TRUE(tokens);
  auto target = startRegistry(RegistryProcess::token((*tokens)->authConfig()));
  auto source = startRegistry(RegistryProcess::anonymous());
  ASSERT_TRUE(source && target);
  auto fixture = ImageFixture::create(13);
  ASSERT_TRUE(fixture);
  auto image = (*fixture)->dockerManifestList("v1");
  ASSERT_TRUE(image);
  RegistryHttpClient pusher(RegistryEndpoint::of(*source));
  ASSERT_TRUE(pusher.push(*image, "app", "v1"));

  Engine engine({.insecure_hosts = {source->host(), target->host()},
                 .credentials = {{target->host(), testing::userPassword("alice", "s3cret")}}});
  auto result = engine.copy(ref(source->host(), "app:v1"), ref(target->host(), "app:v1"));
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->token_requests, 1);  // one pull,push token for the whole copy
  auto token_requests = (*tokens)->requests();
  ASSERT_EQ(token_requests.size(), 1u);
  EXPECT_EQ(token_requests[0].user, "alice");
  EXPECT_EQ(token_requests[0].scopes, std::vector<std::string>{"repository:app:pull,push"});

  auto warm = engine.copy(ref(source->host(), "app:v1"), ref(target->host(), "app:v1"));
  ASSERT_TRUE(warm) << warm.error().describe();
  EXPECT_EQ(warm->outcome, CopyOutcome::kUpToDate);
  EXPECT_EQ(warm->token_requests, 0);
  EXPECT_EQ((*tokens)->requestCount(), 1u);
  expectCopied(*image, target->host(), "app", "v1",  // skopeo fetches its own tokens
               SkopeoOptions::forRegistry(*target, "alice", "s3cret"));
}

TEST(TokenCopyTest, ATokenTheRegistryRejectsIsRefetchedOnceThenTheCopyFails) {
  TokenServer::Options token_options;
  token_options.users["alice"] = TokenServer::User{.password = "s3cret"};
  token_options.claim_lifetime_seconds = -61;  // distribution rejects every token at once
  auto tokens = TokenServer::start(token_options);
  ASSERT_TRUE(tokens);
  auto target = startRegistry(RegistryProcess::token((*tokens)->authConfig()));
  ASSERT_TRUE(target);
  Engine engine({.insecure_hosts = {target->host()},
                 .credentials = {{target->host(), testing::userPassword("alice", "s3cret")}}});
  auto result = engine.copy(ref(target->host(), "app:v1"), ref(target->host(), "copy:v1"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ((*tokens)->requestCount(), 1u);
  EXPECT_EQ(target->accessLog().size(), 2u);
}

}  // namespace
}  // namespace copycat::registry
