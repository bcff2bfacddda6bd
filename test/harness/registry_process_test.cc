// RegistryProcess: a real docker-registry in each mode, its access log and its lifecycle.
#include <filesystem>

#include <gtest/gtest.h>
#include <httplib.h>

#include "support/image_fixture.h"
#include "support/image_fixture_client.h"
#include "support/registry_harness.h"

namespace copycat::testing {
namespace {

TEST(RegistryProcessTest, AnonymousRegistryAnswersAndCleansUp) {
  auto registry = RegistryProcess::start(RegistryProcess::anonymous());
  ASSERT_TRUE(registry) << registry.error().describe();
  std::string dir = (*registry)->dir();
  EXPECT_FALSE((*registry)->tls());
  EXPECT_EQ((*registry)->caCertFile(), "");
  httplib::Client client((*registry)->baseUrl());
  auto res = client.Get("/v2/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Docker-Distribution-Api-Version"), "registry/2.0");
  EXPECT_TRUE(std::filesystem::exists(dir + "/config.yml"));
  registry->reset();
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(RegistryProcessTest, MissingBinaryIsAClearError) {
  auto options = RegistryProcess::anonymous();
  options.binary = "/nonexistent/docker-registry";
  auto registry = RegistryProcess::start(options);
  ASSERT_FALSE(registry);
  EXPECT_EQ(registry.error().code, ErrorCode::kNotFound);
  EXPECT_NE(registry.error().message.find("docker-registry"), std::string::npos);
}

TEST(RegistryProcessTest, TokenModeWithoutConfigIsRejected) {
  RegistryProcess::Options options;
  options.auth = RegistryAuth::kToken;
  auto registry = RegistryProcess::start(options);
  ASSERT_FALSE(registry);
  EXPECT_EQ(registry.error().code, ErrorCode::kInvalidArgument);
}

TEST(RegistryProcessTest, HtpasswdOverTlsRejectsBadCredentials) {
  auto registry = RegistryProcess::start(RegistryProcess::htpasswd({{"alice", "s3cret"}}));
  ASSERT_TRUE(registry) << registry.error().describe();
  RegistryProcess& r = **registry;
  ASSERT_TRUE(r.tls());
  EXPECT_EQ(r.baseUrl().rfind("https://127.0.0.1:", 0), 0U);
  EXPECT_TRUE(std::filesystem::exists(r.certDir() + "/ca.crt"));

  httplib::Client client(r.baseUrl());
  client.set_ca_cert_path(r.caCertFile().c_str());
  client.enable_server_certificate_verification(true);
  auto anonymous = client.Get("/v2/");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(anonymous->get_header_value("WWW-Authenticate").rfind("Basic realm=", 0), 0U);

  client.set_basic_auth("alice", "wrong");
  auto bad = client.Get("/v2/");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  client.set_basic_auth("mallory", "s3cret");
  auto unknown = client.Get("/v2/");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
  client.set_basic_auth("alice", "s3cret");
  auto good = client.Get("/v2/");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);

  // The server certificate does not come from a system CA: unverified trust fails.
  httplib::Client untrusting(r.baseUrl());
  untrusting.enable_server_certificate_verification(true);
  untrusting.set_ca_cert_path("/nonexistent-ca.pem");
  EXPECT_FALSE(untrusting.Get("/v2/"));
}

TEST(RegistryProcessTest, SkopeoPushesOverTlsWithBasicCredentials) {
  auto registry = RegistryProcess::start(RegistryProcess::htpasswd({{"alice", "s3cret"}}));
  ASSERT_TRUE(registry) << registry.error().describe();
  auto fixture = ImageFixture::create(9);
  ASSERT_TRUE(fixture);
  auto image = (*fixture)->ociImage("v1", 1);
  ASSERT_TRUE(image);
  auto options = SkopeoOptions::forRegistry(**registry, "alice", "s3cret");
  EXPECT_TRUE(options.tls_verify);
  std::string ref = "docker://" + (*registry)->host() + "/secure/app:v1";
  auto pushed = skopeoPush(**fixture, *image, ref, options);
  ASSERT_TRUE(pushed) << pushed.error().describe();
  auto digest = skopeoDigest(ref, options);
  ASSERT_TRUE(digest) << digest.error().describe();
  EXPECT_EQ(*digest, image->root.digest);
  // The harness client speaks TLS with the same CA and Basic credentials.
  RegistryHttpClient client(RegistryEndpoint::of(**registry, "alice", "s3cret"));
  auto fetched = client.getManifest("secure/app", "v1");
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->bytes, image->root.bytes);
  RegistryHttpClient anonymous(RegistryEndpoint::of(**registry));
  EXPECT_EQ(anonymous.getManifest("secure/app", "v1")->status, 401);
}

TEST(RegistryProcessTest, AccessLogCountsEveryRequestSinceStartOrClear) {
  auto registry = RegistryProcess::start(RegistryProcess::anonymous());
  ASSERT_TRUE(registry) << registry.error().describe();
  RegistryProcess& r = **registry;
  EXPECT_TRUE(r.accessLog().empty());  // readiness probes are not listed

  auto fixture = ImageFixture::create(7);
  ASSERT_TRUE(fixture);
  auto image = (*fixture)->ociImage("v1", 3);
  ASSERT_TRUE(image) << image.error().describe();
  RegistryHttpClient client(RegistryEndpoint::of(r));
  ASSERT_TRUE(client.push(*image, "team/app", "v1"));

  // 4 blobs (config + 3 layers): HEAD, POST, PUT each; then one manifest PUT.
  EXPECT_EQ(r.countRequests("HEAD", "/blobs/sha256:"), 4U);
  EXPECT_EQ(r.countRequests("POST", "^/v2/team/app/blobs/uploads/$"), 4U);
  EXPECT_EQ(r.countRequests("PUT", "/blobs/uploads/"), 4U);
  EXPECT_EQ(r.countRequests("PUT", "/manifests/v1$"), 1U);
  auto log = r.accessLog();
  ASSERT_EQ(log.size(), 13U);
  EXPECT_EQ(log.back().method, "PUT");
  EXPECT_EQ(log.back().path(), "/v2/team/app/manifests/v1");
  EXPECT_EQ(log.back().status, 201);
  EXPECT_NE(log[2].target.find("digest=sha256:"), std::string::npos);  // the query is kept

  r.clearAccessLog();
  EXPECT_TRUE(r.accessLog().empty());
  auto fetched = client.getManifest("team/app", "v1");
  ASSERT_TRUE(fetched);
  auto after = r.accessLog();
  ASSERT_EQ(after.size(), 1U);
  EXPECT_EQ(after[0].status, 200);
  EXPECT_EQ(after[0].bytes, image->root.bytes.size());
}

TEST(RegistryProcessTest, RestartKeepsPortAndStorage) {
  auto registry = RegistryProcess::start(RegistryProcess::anonymous());
  ASSERT_TRUE(registry) << registry.error().describe();
  RegistryProcess& r = **registry;
  auto fixture = ImageFixture::create(8);
  ASSERT_TRUE(fixture);
  auto image = (*fixture)->dockerImage("v1", 1);
  ASSERT_TRUE(image);
  ASSERT_TRUE(RegistryHttpClient(RegistryEndpoint::of(r)).push(*image, "app", "v1"));

  int port = r.port();
  r.stop();
  EXPECT_FALSE(r.running());
  EXPECT_FALSE(RegistryHttpClient(RegistryEndpoint::of(r)).getManifest("app", "v1"));
  ASSERT_TRUE(r.restart());
  EXPECT_TRUE(r.running());
  EXPECT_EQ(r.port(), port);
  auto fetched = RegistryHttpClient(RegistryEndpoint::of(r)).getManifest("app", "v1");
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->bytes, image->root.bytes);
  EXPECT_EQ(r.accessLog().size(), 1U);  // the probes of the restart are not listed
}

TEST(RegistryProcessTest, ReadOnlyRegistryRefusesPushes) {
  auto options = RegistryProcess::anonymous();
  options.read_only = true;
  auto registry = RegistryProcess::start(options);
  ASSERT_TRUE(registry) << registry.error().describe();
  RegistryHttpClient client(RegistryEndpoint::of(**registry));
  auto reply = client.send("POST", "/v2/app/blobs/uploads/", "app", true);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 405);
}

TEST(AccessLogParserTest, ParsesCombinedLogLines) {
  std::string text =
      "127.0.0.1 - - [30/Nov/2026:14:38:01 +0000] \"GET /v2/ HTTP/1.1\" 200 2 \"\" "
      "\"curl/7.88.1\"\n"
      "garbage line\n"
      "127.0.0.1 - alice [30/Nov/2026:14:38:01 +0000] \"HEAD /v2/a/b/blobs/sha256:00?x=1 "
      "HTTP/1.1\" 404 - \"\" \"Go-http-client/1.1\"\n";
  auto entries = parseAccessLog(text);
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].method, "GET");
  EXPECT_EQ(entries[0].target, "/v2/");
  EXPECT_EQ(entries[0].status, 200);
  EXPECT_EQ(entries[0].bytes, 2U);
  EXPECT_EQ(entries[0].user_agent, "curl/7.88.1");
  EXPECT_EQ(entries[1].method, "HEAD");
  EXPECT_EQ(entries[1].path(), "/v2/a/b/blobs/sha256:00");
  EXPECT_EQ(entries[1].status, 404);
  EXPECT_EQ(entries[1].bytes, 0U);
}

}  // namespace
}  // namespace copycat::testing
