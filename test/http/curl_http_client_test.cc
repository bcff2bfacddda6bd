#include "http/curl_http_client.h"

#include <thread>

#include <gtest/gtest.h>

#include "http/client_test_util.h"

namespace copycat::http {
namespace {

using testing::TestHttpServer;

class CurlHttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.get("/v2/", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Docker-Distribution-Api-Version", "registry/2.0");
      res.set_content("{\"accept\":\"" + req.get_header_value("Accept") + "\"}",
                      "application/json");
    });
    server_.get("/auth", [](const httplib::Request&, httplib::Response& res) {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Bearer realm=\"https://auth.example/token\"");
      res.set_header("WWW-Authenticate", "Basic realm=\"registry\"");
      res.set_content("{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}", "application/json");
    });
    auto echo = [](const httplib::Request& req, httplib::Response& res) {
      res.status = req.method == "POST" ? 202 : 201;
      res.set_header("Location", "/v2/app/blobs/uploads/u1?_state=s");
      res.set_content(req.method + ":" + req.body, "text/plain");
    };
    server_.post("/echo", echo).put("/echo", echo).patch("/echo", echo);
    server_.del("/echo", [](const httplib::Request&, httplib::Response& res) { res.status = 202; });
    server_.get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(10000, 'b'), "application/octet-stream");
    });
    ASSERT_STARTED(server_);
    client_ = makeClient({.user_agent = "copycat/test"});
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override { client_.reset(); }  // close connections before the server stops

  TestHttpServer server_;
  std::unique_ptr<CurlHttpClient> client_;
};

TEST_F(CurlHttpClientTest, GetReturnsStatusHeadersAndBody) {
  Request r = get(server_.url("/v2/"));
  r.headers.add("Accept", "application/vnd.oci.image.index.v1+json");
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->isSuccess());
  EXPECT_EQ(res->body, "{\"accept\":\"application/vnd.oci.image.index.v1+json\"}");
  EXPECT_EQ(res->headers.get("docker-distribution-api-version"), "registry/2.0");
  EXPECT_EQ(res->headers.get("Content-Type"), "application/json");
  EXPECT_EQ(res->effective_url, server_.url("/v2/"));
  EXPECT_EQ(res->http_version, HttpVersion::kHttp11);
  EXPECT_EQ(res->redirects, 0);
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("User-Agent"), "copycat/test");
  EXPECT_FALSE(seen[0].hasHeader("Expect"));
}

TEST_F(CurlHttpClientTest, KeepsEveryWwwAuthenticateChallenge) {
  auto res = client_->send(get(server_.url("/auth")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 401);
  EXPECT_FALSE(res->isSuccess());
  EXPECT_EQ(res->headers.getAll("www-authenticate"),
            (std::vector<std::string>{"Bearer realm=\"https://auth.example/token\"",
                                      "Basic realm=\"registry\""}));
  EXPECT_EQ(res->body, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
}

TEST_F(CurlHttpClientTest, HeadReturnsHeadersWithoutBody) {
  Request r = get(server_.url("/big"));
  r.method = "HEAD";
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->headers.get("Content-Length"), "10000");
  EXPECT_TRUE(res->body.empty());
  EXPECT_EQ(server_.requests().at(0).method, "HEAD");
}

TEST_F(CurlHttpClientTest, UploadMethodsSendBodyWithContentLength) {
  for (const char* method : {"POST", "PUT", "PATCH"}) {
    SCOPED_TRACE(method);
    server_.clearRequests();
    Request r = get(server_.url("/echo"));
    r.method = method;
    r.body = "{\"k\":1}";
    r.headers.add("Content-Type", "application/json");
    auto res = client_->send(r);
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->body, std::string(method) + ":{\"k\":1}");
    auto seen = server_.requests().at(0);
    EXPECT_EQ(seen.method, method);
    EXPECT_EQ(seen.header("Content-Length"), "7");
    EXPECT_EQ(seen.header("Content-Type"), "application/json");
    EXPECT_FALSE(seen.hasHeader("Transfer-Encoding"));
  }
}

TEST_F(CurlHttpClientTest, EmptyPostSendsContentLengthZero) {
  Request r = get(server_.url("/echo"));
  r.method = "POST";
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 202);
  EXPECT_EQ(res->headers.get("Location"), "/v2/app/blobs/uploads/u1?_state=s");
  EXPECT_EQ(server_.requests().at(0).header("Content-Length"), "0");
}

TEST_F(CurlHttpClientTest, DeleteWithoutBody) {
  Request r = get(server_.url("/echo"));
  r.method = "DELETE";
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 202);
  EXPECT_EQ(server_.requests().at(0).method, "DELETE");
}

TEST_F(CurlHttpClientTest, BodyOverTheCapIsAnError) {
  Request r = get(server_.url("/big"));
  r.max_body_bytes = 1024;
  auto res = client_->send(r);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kProtocol);
  EXPECT_NE(res.error().message.find("response body too large"), std::string::npos);
  r.max_body_bytes = 10000;  // exactly the size is fine
  EXPECT_TRUE(client_->send(r));
}

TEST_F(CurlHttpClientTest, SequentialRequestsReuseTheConnection) {
  auto first = client_->send(get(server_.url("/v2/")));
  auto second = client_->send(get(server_.url("/v2/")));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->new_connections, 1);
  EXPECT_EQ(second->new_connections, 0);
  EXPECT_EQ(server_.connectionCount(), 1u);
}

TEST_F(CurlHttpClientTest, ConcurrentRequestsFromManyThreads) {
  constexpr int kThreads = 4;
  constexpr int kRequestsPerThread = 15;
  std::atomic<int> successes{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kRequestsPerThread; ++i) {
          auto res = client_->send(get(server_.url("/v2/")));
          if (res && res->status == 200) {
            ++successes;
          }
        }
      });
    }
  }
  EXPECT_EQ(successes, kThreads * kRequestsPerThread);
  // Pooled handles keep their connections: at most one per concurrently active thread.
  EXPECT_LE(server_.connectionCount(), static_cast<size_t>(kThreads));
}

TEST_F(CurlHttpClientTest, InvalidUrlIsInvalidArgument) {
  for (auto url : {"not a url", "ftp://127.0.0.1/x", "https:///nohost"}) {
    SCOPED_TRACE(url);
    auto res = client_->send(get(url));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST_F(CurlHttpClientTest, RejectsHeaderAndMethodInjection) {
  Request bad_value = get(server_.url("/v2/"));
  bad_value.headers.add("Authorization", "Bearer t\r\nX-Injected: 1");
  Request bad_name = get(server_.url("/v2/"));
  bad_name.headers.add("X Bad", "v");
  Request bad_method = get(server_.url("/v2/"));
  bad_method.method = "GET /other HTTP/1.1\r\n";
  for (const Request* r : {&bad_value, &bad_name, &bad_method}) {
    auto res = client_->send(*r);
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(res.error().message.find("Bearer"), std::string::npos);  // never echo values
  }
  EXPECT_EQ(server_.requestCount(), 0u);
}

TEST(CurlHttpClientOptionsTest, InsecureHostsMatchHostOrHostPort) {
  auto client = makeClient({.insecure_hosts = {"registry.local:5000", "Plain.Example"}});
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->isInsecureHost("registry.local:5000"));
  EXPECT_FALSE(client->isInsecureHost("registry.local:5001"));
  EXPECT_FALSE(client->isInsecureHost("registry.local"));
  EXPECT_TRUE(client->isInsecureHost("plain.example"));
  EXPECT_TRUE(client->isInsecureHost("plain.example:8443"));
  EXPECT_FALSE(client->isInsecureHost("other.example"));
}

TEST(CurlHttpClientOptionsTest, UnreadableCaFileFailsAtCreate) {
  auto client = CurlHttpClient::create({.tls = {.ca_file = "/nonexistent/ca.pem"}});
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code, ErrorCode::kInvalidArgument);
  auto no_anchors = CurlHttpClient::create({.tls = {.use_system_cas = false}});
  ASSERT_FALSE(no_anchors);
  EXPECT_EQ(no_anchors.error().code, ErrorCode::kInvalidArgument);
  auto not_pem = CurlHttpClient::create({.tls = {.ca_pem = "garbage"}});
  ASSERT_FALSE(not_pem);
}

}  // namespace
}  // namespace copycat::http
