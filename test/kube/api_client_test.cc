// ApiClient over HTTP against FakeApiServer (and a scripted server for PATCH): verbs, Status
// errors, retries honouring Retry-After, token rotation after a 401, exec plugins, the
// client-side rate limit and cancellation.
#include "kube/api_client.h"

#include <future>

#include <gtest/gtest.h>

#include "kube/api_status.h"
#include "kube/kube_objects.h"
#include "kube/test_util.h"
#include "support/fake_api_server.h"
#include "support/test_http_server.h"

namespace copycat::kube {
namespace {

using copycat::testing::FakeApiServer;
using copycat::testing::TestHttpServer;
using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

ApiClient::Options fastOptions() {
  ApiClient::Options options;
  options.backoff = BackoffPolicy{milliseconds(10), milliseconds(100), 2.0, 0.2};
  return options;
}

std::unique_ptr<ApiClient> makeClient(ClusterConfig config,
                                      ApiClient::Options options = fastOptions()) {
  auto client = ApiClient::create(config, SystemClock::instance(), std::move(options));
  EXPECT_TRUE(client) << client.error().message;
  return std::move(*client);
}

ClusterConfig configFor(const std::string& server) {
  ClusterConfig config;
  config.server = server;
  return config;
}

const ResourcePath kLeases{"coordination.k8s.io", "v1", "leases", "kube-system", "", ""};
constexpr const char* kLease =
    R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"copycat"},)"
    R"("spec":{"holderIdentity":"a"}})";

class ApiClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(api_.start()); }

  // Drains a LIST into a string.
  Result<std::string> listBody(ApiClient& client, const ResourcePath& path, ListOptions options) {
    std::string body;
    Status status = client.list(path, options,
                                [&](std::string_view chunk) {
                                  body.append(chunk);
                                  return ok();
                                },
                                {});
    if (!status) return fail(status.error());
    return body;
  }

  FakeApiServer api_;
};

TEST_F(ApiClientTest, CreateGetUpdateRemoveAndTheirStatusErrors) {
  auto client = makeClient(configFor(api_.url()));
  auto created = client->create(kLeases, kLease);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_NE(created->find("\"resourceVersion\""), std::string::npos);
  auto again = client->create(kLeases, kLease);
  ASSERT_FALSE(again);
  EXPECT_TRUE(isAlreadyExists(again.error()));
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);

  auto got = client->get(kLeases.withName("copycat"));
  ASSERT_TRUE(got);
  EXPECT_NE(got->find("\"holderIdentity\":\"a\""), std::string::npos);
  auto stale = client->update(
      kLeases.withName("copycat"),
      R"({"metadata":{"name":"copycat","resourceVersion":"1"},"spec":{"holderIdentity":"b"}})");
  ASSERT_FALSE(stale);
  EXPECT_TRUE(isConflict(stale.error()));
  EXPECT_NE(stale.error().message.find("update leases \"copycat\" in namespace \"kube-system\": "
                                       "Operation cannot be fulfilled"),
            std::string::npos)
      << stale.error().message;
  EXPECT_EQ(api_.requestCount("update", "leases"), 1u);  // a 409 is never retried

  auto missing = client->get(kLeases.withName("nope"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_EQ(missing.error().remote_code, "NotFound");
  ASSERT_TRUE(client->remove(kLeases.withName("copycat")));
  EXPECT_FALSE(api_.get("leases", "kube-system", "copycat"));
}

TEST(ApiClientPatchTest, PatchTypesUserAgentAndBearerToken) {
  TestHttpServer server;
  server.patch(R"(/api/v1/namespaces/ns/pods/p)",
               [](const httplib::Request&, httplib::Response& res) {
                 res.set_content(R"({"kind":"Pod","metadata":{"name":"p"}})", "application/json");
               });
  ASSERT_TRUE(server.start());
  ClusterConfig config = configFor(server.baseUrl());
  config.token = "static-token";
  auto client = makeClient(config);
  const ResourcePath pod = ResourcePath::forKind(workload::Kind::kPod, "ns", "p");
  ASSERT_TRUE(client->patch(pod, PatchType::kMerge, R"({"metadata":{"labels":{"a":"b"}}})"));
  ASSERT_TRUE(client->patch(pod, PatchType::kStrategicMerge, "{}"));
  ASSERT_TRUE(client->patch(pod, PatchType::kJson, "[]"));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PATCH");
  EXPECT_EQ(requests[0].header("Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(requests[0].body, R"({"metadata":{"labels":{"a":"b"}}})");
  EXPECT_EQ(requests[1].header("Content-Type"), "application/strategic-merge-patch+json");
  EXPECT_EQ(requests[2].header("Content-Type"), "application/json-patch+json");
  EXPECT_EQ(requests[0].header("User-Agent"), defaultUserAgent());
  EXPECT_EQ(defaultUserAgent().rfind("copycat/", 0), 0u);
  EXPECT_EQ(requests[0].header("Authorization"), "Bearer static-token");
  EXPECT_EQ(requests[0].header("Accept"), "application/json");
}

TEST_F(ApiClientTest, ListPagesStreamToTheSink) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(api_.upsert(
        "pods", R"({"metadata":{"name":"p)" + std::to_string(i) + R"(","namespace":"ns"}})"));
  }
  auto client = makeClient(configFor(api_.url()));
  auto page = listBody(*client, ResourcePath::forKind(workload::Kind::kPod), {2, "", "", ""});
  ASSERT_TRUE(page);
  EXPECT_NE(page->find("\"continue\""), std::string::npos);
  EXPECT_NE(page->find("\"p1\""), std::string::npos);
  EXPECT_EQ(page->find("\"p2\""), std::string::npos);
  EXPECT_EQ(client->stats().lists, 1u);
}

TEST_F(ApiClientTest, ServerErrorsAreRetriedWithBackoff) {
  auto client = makeClient(configFor(api_.url()));
  api_.failNextLists(2, 500);
  ASSERT_TRUE(listBody(*client, ResourcePath::forKind(workload::Kind::kPod), {}));
  EXPECT_EQ(api_.requestCount("list", "pods"), 3u);
  EXPECT_EQ(client->stats().retries, 2u);
  EXPECT_EQ(client->stats().lists, 3u);
}

TEST_F(ApiClientTest, RetryAfterIsHonouredAndBounded) {
  auto client = makeClient(configFor(api_.url()));
  api_.failNextLists(1, 429, 1);
  auto start = Steady::now();
  ASSERT_TRUE(listBody(*client, ResourcePath::forKind(workload::Kind::kPod), {}));
  EXPECT_GE(Steady::now() - start, milliseconds(950));

  ApiClient::Options bounded = fastOptions();
  bounded.max_retry_after = std::chrono::seconds(0);
  auto impatient = makeClient(configFor(api_.url()), bounded);
  api_.failNextLists(1, 429, 3600);
  start = Steady::now();
  ASSERT_TRUE(listBody(*impatient, ResourcePath::forKind(workload::Kind::kPod), {}));
  EXPECT_LT(Steady::now() - start, std::chrono::seconds(5));
}

TEST_F(ApiClientTest, GivesUpAfterMaxRetriesWithTheLastStatus) {
  ApiClient::Options options = fastOptions();
  options.max_retries = 2;
  auto client = makeClient(configFor(api_.url()), options);
  api_.failNextLists(10, 503);
  auto result = listBody(*client, ResourcePath::forKind(workload::Kind::kPod), {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(result.error().http_status, 503);
  EXPECT_EQ(result.error().remote_code, "ServiceUnavailable");
  EXPECT_EQ(api_.requestCount("list", "pods"), 3u);
}

TEST_F(ApiClientTest, ForbiddenIsNotRetried) {
  auto client = makeClient(configFor(api_.url()));
  api_.setForbidden("pods", "list");
  auto result = listBody(*client, ResourcePath::forKind(workload::Kind::kPod, "ns"), {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(result.error().message.find("cannot list resource \"pods\""), std::string::npos);
  EXPECT_EQ(api_.requestCount("list", "pods"), 1u);
}

TEST_F(ApiClientTest, RotatedTokenFileIsReReadAfterA401) {
  testing::TempDir dir;
  ClusterConfig config = configFor(api_.url());
  config.token_file = dir.write("token", "token-1\n");
  testing::setMtime(config.token_file, 1700000000);
  api_.setRequiredToken("token-1");
  auto client = makeClient(config);
  const ResourcePath pods = ResourcePath::forKind(workload::Kind::kPod);
  ASSERT_TRUE(listBody(*client, pods, {}));
  // The kubelet rotates the projected token: the server accepts only the new one. Same size
  // and mtime, so only the 401 can tell the client to re-read the file.
  api_.setRequiredToken("token-2");
  dir.write("token", "token-2\n");
  testing::setMtime(config.token_file, 1700000000);
  auto rotated = listBody(*client, pods, {});
  ASSERT_TRUE(rotated) << rotated.error().message;
  EXPECT_EQ(client->stats().reauthentications, 1u);
  EXPECT_EQ(api_.requestCount("list", "pods"), 3u);

  api_.setRequiredToken("token-3");  // the file is not updated: one retry, then 401
  auto rejected = listBody(*client, pods, {});
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(api_.requestCount("list", "pods"), 5u);
}

TEST_F(ApiClientTest, ExecPluginTokenIsUsedAndRefreshedAfterA401) {
  testing::TempDir dir;
  dir.write("current", "exec-1");
  std::string plugin =
      dir.write("plugin.sh",
                "#!/bin/sh\nprintf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
                "\"ExecCredential\",\"status\":{\"token\":\"%s\"}}' \"$(cat '" +
                    dir.file("current") + "')\"\n",
                true);
  ClusterConfig config = configFor(api_.url());
  ExecConfig exec;
  exec.api_version = "client.authentication.k8s.io/v1";
  exec.command = plugin;
  exec.interactive_mode = InteractiveMode::kNever;
  config.exec = exec;
  api_.setRequiredToken("exec-1");
  auto client = makeClient(config);
  const ResourcePath pods = ResourcePath::forKind(workload::Kind::kPod);
  ASSERT_TRUE(listBody(*client, pods, {}));
  dir.write("current", "exec-2");
  api_.setRequiredToken("exec-2");
  auto refreshed = listBody(*client, pods, {});
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_EQ(client->stats().reauthentications, 1u);
}

TEST_F(ApiClientTest, ClientSideRateLimit) {
  ApiClient::Options options = fastOptions();
  options.qps = 20;
  options.burst = 2;
  auto client = makeClient(configFor(api_.url()), options);
  const auto start = Steady::now();
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(listBody(*client, ResourcePath::forKind(workload::Kind::kPod), {}));
  }
  EXPECT_GE(Steady::now() - start, milliseconds(190));  // (6 - 2) / 20 s
  // Four when requests are instant; fewer when the machine is slow enough to refill tokens.
  EXPECT_GE(client->stats().throttled, 1u);
  EXPECT_LE(client->stats().throttled, 4u);
}

TEST_F(ApiClientTest, StopEndsAnOpenWatchPromptly) {
  auto client = makeClient(configFor(api_.url()));
  std::stop_source stop;
  auto done = std::async(std::launch::async, [&] {
    return client->watch(
        ResourcePath::forKind(workload::Kind::kPod), {"", true, 600},
        [](std::string_view) { return ok(); }, stop.get_token());
  });
  ASSERT_TRUE(api_.waitForOpenWatches(1, std::chrono::seconds(10)));
  const auto start = Steady::now();
  stop.request_stop();
  ASSERT_EQ(done.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_LT(Steady::now() - start, std::chrono::seconds(2));
  Status status = done.get();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kCancelled);
}

TEST(ApiClientConnectTest, ConnectionRefusedIsRetriedThenReported) {
  int port = 0;
  {
    TestHttpServer closed;  // bind a port, then free it: nothing listens there any more
    ASSERT_TRUE(closed.start());
    port = closed.port();
  }
  ApiClient::Options options = fastOptions();
  options.max_retries = 2;
  auto client = makeClient(configFor("http://127.0.0.1:" + std::to_string(port)), options);
  auto result = client->get(ResourcePath::forKind(workload::Kind::kPod, "ns", "p"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(client->stats().requests, 3u);
}

TEST(ApiClientCreateTest, RejectsABadServerUrl) {
  auto client = ApiClient::create(configFor("not a url"), SystemClock::instance());
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace copycat::kube
