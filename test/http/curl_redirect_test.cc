// Redirects are followed by our code: credentials stay on the original origin.
#include <gtest/gtest.h>

#include "http/client_test_util.h"
#include "http/curl_http_client.h"

namespace copycat::http {
namespace {

using testing::TestHttpServer;

class CurlRedirectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto echo_auth = [](const httplib::Request& req, httplib::Response& res) {
      res.set_content("auth=" + req.get_header_value("Authorization") + ";method=" + req.method +
                          ";body=" + req.body,
                      "text/plain");
    };
    origin_.get("/final", echo_auth).put("/final", echo_auth);
    origin_.get("/relative/start", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("../final", 302);
    });
    origin_.get("/same", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/final?from=same", 301);
    });
    origin_.get("/away", [this](const httplib::Request&, httplib::Response& res) {
      res.set_redirect(other_.url("/landing?X-Amz-Signature=abc"), 307);
    });
    origin_.get("/to-ip", [this](const httplib::Request&, httplib::Response& res) {
      res.set_redirect(origin_.url("/final"), 302);
    });
    origin_.get("/loop", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/loop", 302);
    });
    origin_.post("/submit", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/final", 303);
    });
    origin_.put("/moved", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/final", 307);
    });
    origin_.get("/no-location",
                [](const httplib::Request&, httplib::Response& res) { res.status = 302; });
    other_.get("/landing", echo_auth);
    ASSERT_STARTED(origin_);
    ASSERT_STARTED(other_);
    client_ = makeClient();
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override { client_.reset(); }

  Request withCredentials(const std::string& url) {
    Request r = get(url);
    r.headers.add("Authorization", "Bearer secret-token");
    r.headers.add("X-Registry-Token", "also-secret");
    r.headers.add("X-Trace", "keep-me");
    r.sensitive_headers = {"X-Registry-Token"};
    return r;
  }

  TestHttpServer origin_;
  TestHttpServer other_;
  std::unique_ptr<CurlHttpClient> client_;
};

TEST_F(CurlRedirectTest, SameHostRedirectKeepsAuthorization) {
  auto res = client_->send(withCredentials(origin_.url("/same")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "auth=Bearer secret-token;method=GET;body=");
  EXPECT_EQ(res->effective_url, origin_.url("/final?from=same"));
  EXPECT_EQ(res->redirects, 1);
}

TEST_F(CurlRedirectTest, RelativeLocationResolvesAgainstTheRequestUrl) {
  auto res = client_->send(get(origin_.url("/relative/start")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->effective_url, origin_.url("/final"));
}

TEST_F(CurlRedirectTest, OtherHostNeverSeesCredentials) {
  auto res = client_->send(withCredentials(origin_.url("/away")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->body, "auth=;method=GET;body=");
  auto landed = other_.requests();
  ASSERT_EQ(landed.size(), 1u);
  EXPECT_FALSE(landed[0].hasHeader("Authorization"));
  EXPECT_FALSE(landed[0].hasHeader("X-Registry-Token"));
  EXPECT_EQ(landed[0].header("X-Trace"), "keep-me");
  EXPECT_EQ(landed[0].target, "/landing?X-Amz-Signature=abc");
}

TEST_F(CurlRedirectTest, SameServerUnderAnotherHostNameCountsAsAnotherHost) {
  // localhost and 127.0.0.1 reach the same socket but are different origins.
  Request r = withCredentials("http://localhost:" + std::to_string(origin_.port()) + "/to-ip");
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->body, "auth=;method=GET;body=");
  EXPECT_EQ(res->effective_url, origin_.url("/final"));
}

TEST_F(CurlRedirectTest, FollowRedirectsFalseReturnsTheRedirect) {
  Request r = get(origin_.url("/away"));
  r.follow_redirects = false;
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 307);
  EXPECT_EQ(res->headers.get("Location"), other_.url("/landing?X-Amz-Signature=abc"));
  EXPECT_EQ(other_.requestCount(), 0u);
}

TEST_F(CurlRedirectTest, StopsAfterTenRedirects) {
  auto res = client_->send(get(origin_.url("/loop")));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kProtocol);
  EXPECT_NE(res.error().message.find("stopped after 10 redirects"), std::string::npos);
  EXPECT_EQ(origin_.requestCount(), 11u);  // the request plus ten redirects
}

TEST_F(CurlRedirectTest, SeeOtherTurnsPostIntoGet) {
  Request r = get(origin_.url("/submit"));
  r.method = "POST";
  r.body = "form";
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->body, "auth=;method=GET;body=");
}

TEST_F(CurlRedirectTest, TemporaryRedirectReplaysStringBody) {
  Request r = get(origin_.url("/moved"));
  r.method = "PUT";
  r.body = "manifest";
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->body, "auth=;method=PUT;body=manifest");
}

TEST_F(CurlRedirectTest, TemporaryRedirectOfStreamedBodyIsAnError) {
  Request r = get(origin_.url("/moved"));
  r.method = "PUT";
  const std::string data = "streamed";
  size_t offset = 0;
  r.content_length = static_cast<int64_t>(data.size());
  r.body_source = [&](char* buf, size_t max) -> Result<size_t> {
    size_t n = std::min(max, data.size() - offset);
    std::memcpy(buf, data.data() + offset, n);
    offset += n;
    return n;
  };
  auto res = client_->send(r);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kProtocol);
  EXPECT_NE(res.error().message.find("cannot be replayed"), std::string::npos);
}

TEST_F(CurlRedirectTest, RedirectWithoutLocationIsReturnedAsIs) {
  auto res = client_->send(get(origin_.url("/no-location")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 302);
}

}  // namespace
}  // namespace copycat::http
