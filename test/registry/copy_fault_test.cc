// The copy engine through FaultProxy (test/support/fault_proxy.h) in front of a real source
// registry: rate limits, server errors, resets and corruption mid-blob, cross-origin redirects.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "registry/integration_util.h"
#include "support/fault_proxy.h"
#include "support/token_server.h"

namespace copycat::registry {
namespace {

using copycat::testing::Fault;
using copycat::testing::FaultProxy;
using copycat::testing::FaultRule;
using copycat::testing::FixtureImage;
using copycat::testing::ImageFixture;
using copycat::testing::ImageFormat;
using copycat::testing::LayerSpec;
using copycat::testing::RegistryEndpoint;
using copycat::testing::RegistryHttpClient;
using copycat::testing::RegistryProcess;
using copycat::testing::TokenServer;
using testing::Engine;
using testing::expectCopied;
using testing::ref;
using testing::startRegistry;

class CopyFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = startRegistry(RegistryProcess::anonymous());
    target_ = startRegistry(RegistryProcess::anonymous());
    ASSERT_TRUE(source_ && target_);
    auto proxy = FaultProxy::start({.upstream_port = source_->port()});
    ASSERT_TRUE(proxy) << proxy.error().message;
    proxy_ = std::move(*proxy);
    auto fixture = ImageFixture::create(21);
    ASSERT_TRUE(fixture);
    auto image = (*fixture)->addImage("v1", {.format = ImageFormat::kOci,
                                             .layers = {LayerSpec{.size = 1 << 20, .seed = 0},
                                                        LayerSpec{.size = 8192, .seed = 0}}});
    ASSERT_TRUE(image);
    image_ = *image;
    fixture_ = std::move(*fixture);
    RegistryHttpClient pusher(RegistryEndpoint::of(*source_));
    ASSERT_TRUE(pusher.push(image_, "app", "v1"));
    engine_ = std::make_unique<Engine>(
        Engine::Setup{.insecure_hosts = {proxy_->host(), target_->host()}});
  }

  Result<CopyResult> copy() {
    return engine_->copy(ref(proxy_->host(), "app:v1"), ref(target_->host(), "app:v1"));
  }

  std::unique_ptr<RegistryProcess> source_;
  std::unique_ptr<RegistryProcess> target_;
  std::unique_ptr<FaultProxy> proxy_;
  std::unique_ptr<ImageFixture> fixture_;
  FixtureImage image_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(CopyFaultTest, TooManyRequestsWaitsForRetryAfter) {
  // A cold copy's first source request is the manifest GET (the target is asked first).
  int rule = proxy_->addRule(FaultRule{.method = "GET",
                                       .path_regex = "/manifests/",
                                       .skip = 0,
                                       .times = 1,
                                       .fault = Fault::tooManyRequests(2)});
  auto result = copy();
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(proxy_->timesFired(rule), 1);
  auto delays = engine_->sleeper.delays();
  ASSERT_FALSE(delays.empty());
  EXPECT_GE(delays.front().count(), 2000);
  expectCopied(image_, target_->host(), "app", "v1");
}

TEST_F(CopyFaultTest, AServerErrorIsRetried) {
  int rule = proxy_->addRule(FaultRule{.method = "GET",
                                       .path_regex = "/blobs/",
                                       .skip = 0,
                                       .times = 1,
                                       .fault = Fault::serverError(500)});
  auto result = copy();
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(proxy_->timesFired(rule), 1);
  EXPECT_EQ(proxy_->countRequests("GET", "/blobs/"), image_.blobs.size() + 1);
  expectCopied(image_, target_->host(), "app", "v1");
}

TEST_F(CopyFaultTest, AConnectionResetMidBlobReRunsTheBlobCopy) {
  const std::string& big = image_.root.layer_digests.front();
  int rule = proxy_->addRule(FaultRule{.method = "GET",
                                       .path_regex = "/blobs/" + big,
                                       .skip = 0,
                                       .times = 1,
                                       .fault = Fault::resetAfterBodyBytes(100'000)});
  auto result = copy();
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(proxy_->timesFired(rule), 1);
  EXPECT_EQ(proxy_->countRequests("GET", "/blobs/" + big), 2u);
  expectCopied(image_, target_->host(), "app", "v1");
}

TEST_F(CopyFaultTest, ACorruptedBlobFailsAndLeavesNoManifest) {
  const std::string& big = image_.root.layer_digests.front();
  proxy_->addRule(FaultRule{.method = "GET",
                            .path_regex = "/blobs/" + big,
                            .skip = 0,
                            .times = -1,
                            .fault = Fault::corruptBody(500'000)});
  auto result = copy();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kDigestMismatch);
  EXPECT_EQ(target_->countRequests("PUT", "/manifests/"), 0u);
  EXPECT_FALSE(copycat::testing::skopeoInspectRaw("docker://" + target_->host() + "/app:v1"));
  RegistryHttpClient check(RegistryEndpoint::of(*target_));
  auto exists = check.blobExists("app", big);
  ASSERT_TRUE(exists);
  EXPECT_FALSE(*exists);
}

TEST(CopyRedirectTest, ARedirectToAnotherHostGetsNoAuthorization) {
  TokenServer::Options token_options;
  token_options.users["alice"] = TokenServer::User{.password = "s3cret"};
  auto tokens = TokenServer::start(token_options);
  ASSERT_TRUE(tokens);
  auto source = startRegistry(RegistryProcess::token((*tokens)->authConfig()));
  auto target = startRegistry(RegistryProcess::anonymous());
  ASSERT_TRUE(source && target);
  auto proxy = FaultProxy::start({.upstream_port = source->port()});
  ASSERT_TRUE(proxy);
  auto fixture = ImageFixture::create(23);
  ASSERT_TRUE(fixture);
  auto image = (*fixture)->ociImage("v1");
  ASSERT_TRUE(image);
  RegistryHttpClient pusher(RegistryEndpoint::of(*source, "alice", "s3cret"));
  ASSERT_TRUE(pusher.push(*image, "app", "v1"));
  (*proxy)->addRule(FaultRule{.method = "GET",
                              .path_regex = "/blobs/",
                              .skip = 0,
                              .times = -1,
                              .fault = Fault::redirect()});

  Engine engine({.insecure_hosts = {(*proxy)->host(), target->host()},
                 .credentials = {{(*proxy)->host(), testing::userPassword("alice", "s3cret")}}});
  auto result = engine.copy(ref((*proxy)->host(), "app:v1"), ref(target->host(), "app:v1"));
  ASSERT_TRUE(result) << result.error().describe();
  expectCopied(*image, target->host(), "app", "v1");
  auto redirected = (*proxy)->redirectRequests();
  ASSERT_EQ(redirected.size(), image->blobs.size());
  for (const auto& request : redirected) {
    EXPECT_FALSE(request.hasHeader("Authorization")) << request.target;
  }
  for (const auto& request : (*proxy)->requests()) {
    if (request.method == "GET" && request.path().find("/blobs/") != std::string::npos) {
      EXPECT_TRUE(request.header("Authorization").starts_with("Bearer ")) << request.target;
    }
  }
}

}  // namespace
}  // namespace copycat::registry
