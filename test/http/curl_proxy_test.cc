// Proxy selection: explicit configuration, environment variables, NO_PROXY.
#include <cstdlib>
#include <map>
#include <optional>

#include <gtest/gtest.h>

#include "http/client_test_util.h"
#include "http/curl_http_client.h"
#include "http/proxy_config.h"

namespace copycat::http {
namespace {

using testing::TestHttpServer;

constexpr const char* kProxyVariables[] = {"HTTP_PROXY",  "http_proxy", "HTTPS_PROXY",
                                           "https_proxy", "NO_PROXY",   "no_proxy"};

// Clears the proxy variables for a test and restores them afterwards.
class ScopedProxyEnvironment {
 public:
  ScopedProxyEnvironment() {
    for (const char* name : kProxyVariables) {
      if (const char* value = std::getenv(name)) {
        saved_[name] = value;
      }
      unsetenv(name);
    }
  }
  ~ScopedProxyEnvironment() {
    for (const char* name : kProxyVariables) {
      auto it = saved_.find(name);
      if (it == saved_.end()) {
        unsetenv(name);
      } else {
        setenv(name, it->second.c_str(), 1);
      }
    }
  }
  void set(const char* name, const std::string& value) { setenv(name, value.c_str(), 1); }

 private:
  std::map<std::string, std::string> saved_;
};

class CurlProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    target_.get("/v2/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("direct", "text/plain");
    });
    // A forward proxy receives the absolute-form request-target (RFC 9112 §3.2.2).
    proxy_.get(".*", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content("proxied " + req.target, "text/plain");
    });
    ASSERT_STARTED(target_);
    ASSERT_STARTED(proxy_);
  }

  std::string fetch(ProxyConfig proxy) {
    auto client = makeClient({.proxy = std::move(proxy)});
    auto res = client->send(get(target_.url("/v2/")));
    EXPECT_TRUE(res) << res.error().message;
    return res ? res->body : "";
  }

  TestHttpServer target_;
  TestHttpServer proxy_;
};

TEST_F(CurlProxyTest, UsesHttpProxyForHttpUrls) {
  EXPECT_EQ(fetch({.http_proxy = proxy_.baseUrl()}), "proxied " + target_.url("/v2/"));
  EXPECT_EQ(target_.requestCount(), 0u);
}

TEST_F(CurlProxyTest, HttpsProxyDoesNotApplyToHttpUrls) {
  EXPECT_EQ(fetch({.https_proxy = proxy_.baseUrl()}), "direct");
}

TEST_F(CurlProxyTest, NoProxyBypassesTheProxy) {
  for (const char* no_proxy : {"127.0.0.1", "localhost,127.0.0.1", "127.0.0.0/8", "*"}) {
    SCOPED_TRACE(no_proxy);
    EXPECT_EQ(fetch({.http_proxy = proxy_.baseUrl(), .no_proxy = no_proxy}), "direct");
  }
  EXPECT_EQ(fetch({.http_proxy = proxy_.baseUrl(), .no_proxy = "other.example"}),
            "proxied " + target_.url("/v2/"));
  EXPECT_EQ(proxy_.requestCount(), 1u);
}

TEST_F(CurlProxyTest, ReadsProxyAndNoProxyFromEnvironment) {
  ScopedProxyEnvironment env;
  env.set("HTTP_PROXY", proxy_.baseUrl());
  auto from_env = CurlHttpClient::create({});  // proxy = nullopt: read the environment
  ASSERT_TRUE(from_env);
  EXPECT_EQ((*from_env)->proxy().http_proxy, proxy_.baseUrl());
  auto res = (*from_env)->send(get(target_.url("/v2/")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->body, "proxied " + target_.url("/v2/"));

  env.set("NO_PROXY", "127.0.0.1");
  auto bypass = CurlHttpClient::create({});
  ASSERT_TRUE(bypass);
  auto direct = (*bypass)->send(get(target_.url("/v2/")));
  ASSERT_TRUE(direct) << direct.error().message;
  EXPECT_EQ(direct->body, "direct");
}

TEST(ProxyConfigTest, UpperCaseVariablesWin) {
  ScopedProxyEnvironment env;
  env.set("https_proxy", "http://lower:1");
  env.set("HTTPS_PROXY", "http://upper:2");
  env.set("http_proxy", "http://lower-only:3");
  env.set("no_proxy", ".svc,10.0.0.0/8");
  ProxyConfig config = ProxyConfig::fromEnvironment();
  EXPECT_EQ(config.https_proxy, "http://upper:2");
  EXPECT_EQ(config.http_proxy, "http://lower-only:3");
  EXPECT_EQ(config.no_proxy, ".svc,10.0.0.0/8");
  EXPECT_EQ(config.proxyForScheme("https"), "http://upper:2");
  EXPECT_EQ(config.proxyForScheme("http"), "http://lower-only:3");
}

}  // namespace
}  // namespace copycat::http
