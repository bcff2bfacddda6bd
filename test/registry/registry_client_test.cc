// RegistryClient against scripted servers: manifest verbs, uploads and Location handling,
// chunked fallback, retries, redirects.
#include "registry/registry_client.h"

#include <algorithm>
#include <atomic>
#include <string>

#include <gtest/gtest.h>

#include "base/base64.h"
#include "image/digest.h"
#include "registry/client_test_util.h"
#include "support/test_http_server.h"

namespace copycat::registry {
namespace {

using copycat::testing::RecordedRequest;
using copycat::testing::TestHttpServer;
using testing::ClientFixture;

constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
const std::string kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
    std::string(64, 'c') + R"(","size":2},"layers":[]})";

http::BodySource stringSource(const std::string& data) {
  auto offset = std::make_shared<size_t>(0);
  return [&data, offset](char* buffer, size_t max) -> Result<size_t> {
    size_t n = std::min(max, data.size() - *offset);
    std::copy_n(data.data() + *offset, n, buffer);
    *offset += n;
    return n;
  };
}

std::vector<RecordedRequest> withMethod(const TestHttpServer& server, const std::string& method) {
  std::vector<RecordedRequest> out;
  for (auto& r : server.requests()) {
    if (r.method == method) {
      out.push_back(r);
    }
  }
  return out;
}

void serveManifest(TestHttpServer& server, std::string body, std::string content_type,
                   std::string digest_header) {
  server.get("/v2/app/manifests/.*", [=](const httplib::Request&, httplib::Response& res) {
    if (!digest_header.empty()) {
      res.set_header("Docker-Content-Digest", digest_header);
    }
    res.set_content(body, content_type);
  });
}

TEST(RegistryClientTest, ManifestHeadReportsDigestMediaTypeAndSize) {
  TestHttpServer server;
  std::string digest = image::Digest::ofSha256(kManifest).str();
  serveManifest(server, kManifest, std::string(kOciManifest), digest);
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto head = f.client->manifestHead("app", "v1", {});
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_EQ(head->digest, digest);
  EXPECT_EQ(head->media_type, kOciManifest);
  EXPECT_EQ(head->size, static_cast<int64_t>(kManifest.size()));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "HEAD");
  EXPECT_EQ(requests[0].header("Accept").find("v1+prettyjws"), std::string::npos);
  EXPECT_NE(requests[0].header("Accept").find("application/vnd.oci.image.index.v1+json"),
            std::string::npos);
}

TEST(RegistryClientTest, MissingManifestIsNotFound) {
  TestHttpServer server;
  server.get("/v2/app/manifests/.*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content(R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})",
                    "application/json");
  });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto head = f.client->manifestHead("app", "v1", {});
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::kNotFound);
  auto get = f.client->manifestGet("app", "v1", {});
  ASSERT_FALSE(get);
  EXPECT_EQ(get.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(get.error().remote_code, "MANIFEST_UNKNOWN");
  EXPECT_TRUE(f.sleeper.delays().empty());  // 404 is never retried
}

TEST(RegistryClientTest, ManifestGetReturnsExactBytesVerifiedByDigest) {
  TestHttpServer server;
  std::string digest = image::Digest::ofSha256(kManifest).str();
  serveManifest(server, kManifest, std::string(kOciManifest), "");
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto got = f.client->manifestGet("app", digest, {});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->bytes, kManifest);
  EXPECT_EQ(got->digest, digest);
  EXPECT_EQ(got->media_type, kOciManifest);

  auto wrong = f.client->manifestGet("app", "sha256:" + std::string(64, 'e'), {});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kDigestMismatch);
}

TEST(RegistryClientTest, ManifestGetByTagChecksDockerContentDigest) {
  TestHttpServer server;
  serveManifest(server, kManifest, std::string(kOciManifest), "sha256:" + std::string(64, 'f'));
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto got = f.client->manifestGet("app", "v1", {});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kDigestMismatch);
}

TEST(RegistryClientTest, Schema1IsRefused) {
  TestHttpServer server;
  serveManifest(server, R"({"schemaVersion":1,"name":"app","tag":"v1","fsLayers":[]})",
                "application/vnd.docker.distribution.manifest.v1+prettyjws", "");
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto got = f.client->manifestGet("app", "v1", {});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(got.error().message.find("schema 1"), std::string::npos);
}

TEST(RegistryClientTest, ManifestsOver4MiBAreRefused) {
  TestHttpServer server;
  serveManifest(server, std::string(kMaxManifestBytes + 1, ' '), std::string(kOciManifest), "");
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto got = f.client->manifestGet("app", "v1", {});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kProtocol);
  EXPECT_NE(got.error().message.find("too large"), std::string::npos);
}

TEST(RegistryClientTest, ManifestPutSendsTheBytesAndContentType) {
  TestHttpServer server;
  std::string digest = image::Digest::ofSha256(kManifest).str();
  server.put("/v2/app/manifests/.*", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 201;
    res.set_header("Docker-Content-Digest", digest);
  });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto put = f.client->manifestPut("app", "v1", kManifest, kOciManifest, {});
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(*put, digest);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body, kManifest);
  EXPECT_EQ(requests[0].header("Content-Type"), kOciManifest);
}

// Distribution-spec "POST then PUT": two requests per blob, the Location's query kept.
TEST(RegistryClientTest, BlobUploadIsOnePostAndOneStreamedPut) {
  TestHttpServer server;
  server.post("/v2/app/blobs/uploads/", [](const httplib::Request&, httplib::Response& res) {
    res.status = 202;
    res.set_header("Location", "/v2/app/blobs/uploads/u1?_state=abc");
  });
  server.put("/v2/app/blobs/uploads/u1",
             [](const httplib::Request&, httplib::Response& res) { res.status = 201; });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  std::string blob(300'000, 'x');
  std::string digest = image::Digest::ofSha256(blob).str();
  ASSERT_TRUE(f.client->blobUpload("app", digest, static_cast<int64_t>(blob.size()),
                                   stringSource(blob), {}));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].method, "PUT");
  EXPECT_EQ(requests[1].target,
            "/v2/app/blobs/uploads/u1?_state=abc&digest=sha256%3A" + digest.substr(7));
  EXPECT_EQ(requests[1].header("Content-Length"), std::to_string(blob.size()));
  EXPECT_FALSE(requests[1].hasHeader("Transfer-Encoding"));
  EXPECT_EQ(requests[1].body, blob);
}

TEST(RegistryClientTest, AbsoluteLocationIsUsedAsIs) {
  TestHttpServer server;
  server.post("/v2/app/blobs/uploads/", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 202;
    res.set_header("Location", server.url("/upload/session-7"));
  });
  server.put("/upload/session-7",
             [](const httplib::Request&, httplib::Response& res) { res.status = 201; });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  std::string blob = "hello";
  std::string digest = image::Digest::ofSha256(blob).str();
  ASSERT_TRUE(f.client->blobUpload("app", digest, 5, stringSource(blob), {}));
  auto puts = withMethod(server, "PUT");
  ASSERT_EQ(puts.size(), 1u);
  EXPECT_EQ(puts[0].target, "/upload/session-7?digest=sha256%3A" + digest.substr(7));
}

TEST(RegistryClientTest, RefusedMonolithicUploadSwitchesToChunks) {
  TestHttpServer server;
  std::atomic<int> sessions{0};
  server.post("/v2/app/blobs/uploads/", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 202;
    res.set_header("Location", "/v2/app/blobs/uploads/s" + std::to_string(++sessions));
  });
  server.patch("/v2/app/blobs/uploads/.*", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 202;
    res.set_header("Location", req.path + "x");
  });
  server.put("/v2/app/blobs/uploads/.*", [](const httplib::Request& req, httplib::Response& res) {
    res.status = req.body.empty() ? 201 : 405;  // only the closing PUT of a chunked upload
  });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  std::string blob(2500, 'y');
  std::string digest = image::Digest::ofSha256(blob).str();

  auto first = f.client->blobUpload("app", digest, 2500, stringSource(blob), {});
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(f.client->usesChunkedUploads());

  // Chunk size 1000 to see several PATCHes.
  RegistryClient chunked(
      *f.http, *f.auth,
      {.host = server.authority(), .insecure = true, .chunk_bytes = 1000, .force_chunked = true});
  server.clearRequests();
  ASSERT_TRUE(chunked.blobUpload("app", digest, 2500, stringSource(blob), {}));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 5u);  // POST, 3 x PATCH, PUT
  EXPECT_EQ(requests[1].header("Content-Range"), "0-999");
  EXPECT_EQ(requests[2].header("Content-Range"), "1000-1999");
  EXPECT_EQ(requests[3].header("Content-Range"), "2000-2499");
  EXPECT_EQ(requests[3].path, "/v2/app/blobs/uploads/s2xx");
  EXPECT_EQ(requests[1].body + requests[2].body + requests[3].body, blob);
  EXPECT_EQ(requests[4].method, "PUT");
  EXPECT_EQ(requests[4].path, "/v2/app/blobs/uploads/s2xxx");
  EXPECT_TRUE(requests[4].body.empty());
}

TEST(RegistryClientTest, ServerErrorsAreRetriedWithBackoff) {
  TestHttpServer server;
  std::atomic<int> calls{0};
  std::string digest = image::Digest::ofSha256(kManifest).str();
  server.get("/v2/app/manifests/.*", [&](const httplib::Request&, httplib::Response& res) {
    if (++calls == 1) {
      res.status = 503;
      return;
    }
    res.set_header("Docker-Content-Digest", digest);
    res.set_content(kManifest, std::string(kOciManifest));
  });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto got = f.client->manifestGet("app", "v1", {});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(f.sleeper.delays().size(), 1u);
}

TEST(RegistryClientTest, RetryAfterIsHonoured) {
  TestHttpServer server;
  std::atomic<int> calls{0};
  server.get("/v2/app/manifests/.*", [&](const httplib::Request&, httplib::Response& res) {
    if (++calls == 1) {
      res.status = 429;
      res.set_header("Retry-After", "3");
      return;
    }
    res.set_header("Docker-Content-Digest", "sha256:" + std::string(64, 'a'));
  });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  ASSERT_TRUE(f.client->manifestHead("app", "v1", {}));
  auto delays = f.sleeper.delays();
  ASSERT_EQ(delays.size(), 1u);
  EXPECT_GE(delays[0].count(), 3000);
}

TEST(RegistryClientTest, ClientErrorsAreNotRetried) {
  TestHttpServer server;
  server.get("/v2/app/manifests/.*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 400;
    res.set_content(R"({"errors":[{"code":"NAME_INVALID","message":"bad name"}]})",
                    "application/json");
  });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto got = f.client->manifestGet("app", "v1", {});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(server.requestCount(), 1u);
  EXPECT_TRUE(f.sleeper.delays().empty());
}

TEST(RegistryClientTest, PersistentFailuresStopAfterTheConfiguredAttempts) {
  TestHttpServer server;
  server.get("/v2/app/manifests/.*",
             [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto head = f.client->manifestHead("app", "v1", {});
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(server.requestCount(), 3u);
  EXPECT_EQ(f.sleeper.delays().size(), 2u);
}

TEST(RegistryClientTest, ConnectionFailuresAreRetried) {
  int port = 0;
  {
    TestHttpServer probe;
    ASSERT_TRUE(probe.start());
    port = probe.port();
  }  // now nothing listens there
  ClientFixture f("127.0.0.1:" + std::to_string(port));
  auto head = f.client->manifestHead("app", "v1", {});
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(f.sleeper.delays().size(), 2u);
}

TEST(RegistryClientTest, StreamedUploadsAreNeverReplayed) {
  TestHttpServer server;
  server.post("/v2/app/blobs/uploads/", [](const httplib::Request&, httplib::Response& res) {
    res.status = 202;
    res.set_header("Location", "/v2/app/blobs/uploads/u1");
  });
  server.put("/v2/app/blobs/uploads/u1",
             [](const httplib::Request&, httplib::Response& res) { res.status = 503; });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  std::string blob = "data";
  auto put =
      f.client->blobUpload("app", image::Digest::ofSha256(blob).str(), 4, stringSource(blob), {});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(withMethod(server, "PUT").size(), 1u);
}

TEST(RegistryClientTest, BlobRedirectToStorageDropsAuthorization) {
  TestHttpServer storage;
  std::string blob(200'000, 'z');
  std::string digest = image::Digest::ofSha256(blob).str();
  storage.get("/bucket/.*", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(blob, "application/octet-stream");
  });
  ASSERT_TRUE(storage.start());
  TestHttpServer registry;
  std::string basic = "Basic " + base64Encode("alice:s3cret");
  registry.get("/v2/app/blobs/.*", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != basic) {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic realm=\"r\"");
      return;
    }
    res.status = 307;
    res.set_header("Location", storage.url("/bucket/blob?sig=1"));
  });
  ASSERT_TRUE(registry.start());
  ClientFixture f(registry.authority(), testing::userPassword("alice", "s3cret"));
  std::string received;
  auto status = f.client->blobGet("app", digest,
                                  [&](std::string_view chunk) {
                                    received.append(chunk);
                                    return ok();
                                  },
                                  {});
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(received, blob);
  auto stored = storage.requests();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_FALSE(stored[0].hasHeader("Authorization"));
  EXPECT_EQ(registry.requests().back().header("Authorization"), basic);
}

TEST(RegistryClientTest, MountAnswersMountedOrAnUploadSession) {
  TestHttpServer server;
  server.post("/v2/app/blobs/uploads/", [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_param_value("from") == "base") {
      res.status = 201;
      return;
    }
    res.status = 202;
    res.set_header("Location", "/v2/app/blobs/uploads/s9");
  });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  std::string digest = "sha256:" + std::string(64, 'd');
  auto mounted = f.client->blobMount("app", digest, "base", {});
  ASSERT_TRUE(mounted) << mounted.error().message;
  EXPECT_TRUE(mounted->mounted);
  auto session = f.client->blobMount("app", digest, "elsewhere", {});
  ASSERT_TRUE(session);
  EXPECT_FALSE(session->mounted);
  EXPECT_EQ(session->upload_location, server.url("/v2/app/blobs/uploads/s9"));
  auto requests = server.requests();
  EXPECT_NE(requests[0].target.find("mount=sha256%3A" + digest.substr(7)), std::string::npos);
  EXPECT_NE(requests[0].target.find("from=base"), std::string::npos);
}

// A mount from the repository itself: 201 = present, 202 = the session to upload into.
TEST(RegistryClientTest, FindOrStartUploadIsOneRequest) {
  TestHttpServer server;
  std::string present = "sha256:" + std::string(64, 'a');
  server.post("/v2/app/blobs/uploads/", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_param_value("from") == "app" && req.get_param_value("mount") == present) {
      res.status = 201;
      return;
    }
    res.status = 202;
    res.set_header("Location", "/v2/app/blobs/uploads/s1");
  });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto found = f.client->blobFindOrStartUpload("app", present, {});
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_TRUE(found->mounted);
  auto missing = f.client->blobFindOrStartUpload("app", "sha256:" + std::string(64, 'b'), {});
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_FALSE(missing->mounted);
  EXPECT_EQ(missing->upload_location, server.url("/v2/app/blobs/uploads/s1"));
  EXPECT_EQ(server.requests().size(), 2u);
}

// A registry that refuses mounts with a 4xx is asked HEAD then POST, and not asked to mount
// again.
TEST(RegistryClientTest, RefusedSelfMountFallsBackToHeadThenPost) {
  TestHttpServer server;
  std::string present = "sha256:" + std::string(64, 'a');
  server.post("/v2/app/blobs/uploads/", [](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("mount")) {
      res.status = 400;
      res.set_content(R"({"errors":[{"code":"UNSUPPORTED","message":"no mounts"}]})",
                      "application/json");
      return;
    }
    res.status = 202;
    res.set_header("Location", "/v2/app/blobs/uploads/s2");
  });
  server.get("/v2/app/blobs/.*", [&](const httplib::Request& req, httplib::Response& res) {
    res.status = req.path.ends_with(present) ? 200 : 404;
  });
  ASSERT_TRUE(server.start());
  ClientFixture f(server.authority());
  auto missing = f.client->blobFindOrStartUpload("app", "sha256:" + std::string(64, 'b'), {});
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_FALSE(missing->mounted);
  EXPECT_EQ(missing->upload_location, server.url("/v2/app/blobs/uploads/s2"));
  auto found = f.client->blobFindOrStartUpload("app", present, {});
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_TRUE(found->mounted);
  std::vector<std::string> methods;
  for (const auto& r : server.requests()) {
    methods.push_back(r.method + (r.target.find("mount=") != std::string::npos ? "+mount" : ""));
  }
  EXPECT_EQ(methods, (std::vector<std::string>{"POST+mount", "HEAD", "POST", "HEAD"}));
}

}  // namespace
}  // namespace copycat::registry
