// The token flow end to end over HTTP: challenges, token requests, caching, one re-try per
// 401, Basic, registry tokens, identity tokens and the realm guard.
#include "registry/auth/authenticator.h"

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/base64.h"
#include "registry/client_test_util.h"
#include "support/fake_clock.h"
#include "support/test_http_server.h"

namespace copycat::registry {
namespace {

using copycat::testing::FakeClock;
using copycat::testing::RecordedRequest;
using copycat::testing::TestHttpServer;
using testing::ClientFixture;

struct TokenCall {
  std::string method;
  std::string authorization;
  std::string service;
  std::vector<std::string> scopes;
  std::string body;
};

// A registry that accepts `accepted` as Authorization and challenges everything else, plus a
// token endpoint at /token answering `token_body`.
class AuthServer {
 public:
  AuthServer() {
    server_.get("/token",
                [this](const httplib::Request& req, httplib::Response& res) { onToken(req, res); });
    server_.post("/token", [this](const httplib::Request& req, httplib::Response& res) {
      onToken(req, res);
    });
    server_.get("/v2/.*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      if (req.get_header_value("Authorization") != accepted_) {
        res.status = 401;
        res.set_header("WWW-Authenticate", challenge_);
        return;
      }
      res.status = 200;
      res.set_header("Docker-Content-Digest", "sha256:" + std::string(64, 'a'));
      res.set_header("Content-Type", "application/vnd.oci.image.manifest.v1+json");
    });
    server_.post("/v2/.*", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      if (req.get_header_value("Authorization") != accepted_) {
        res.status = 401;
        res.set_header("WWW-Authenticate", challenge_);
        return;
      }
      res.status = 201;
    });
    EXPECT_TRUE(server_.start());
  }

  void setAccepted(std::string value) {
    std::lock_guard<std::mutex> lock(mu_);
    accepted_ = std::move(value);
  }
  void setChallenge(std::string value) {
    std::lock_guard<std::mutex> lock(mu_);
    challenge_ = std::move(value);
  }
  void setTokenBody(std::string value) {
    std::lock_guard<std::mutex> lock(mu_);
    token_body_ = std::move(value);
  }
  std::string bearerChallenge(const std::string& realm_host = "127.0.0.1") {
    return "Bearer realm=\"http://" + realm_host + ":" + std::to_string(server_.port()) +
           "/token\",service=\"test-registry\",scope=\"repository:app:pull\"";
  }
  std::vector<TokenCall> tokenCalls() {
    std::lock_guard<std::mutex> lock(mu_);
    return token_calls_;
  }
  std::vector<RecordedRequest> registryRequests() {
    std::vector<RecordedRequest> out;
    for (auto& r : server_.requests()) {
      if (r.path.starts_with("/v2/")) {
        out.push_back(std::move(r));
      }
    }
    return out;
  }
  TestHttpServer& server() { return server_; }

 private:
  void onToken(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    TokenCall call{.method = req.method,
                   .authorization = req.get_header_value("Authorization"),
                   .service = req.get_param_value("service"),
                   .scopes = {},
                   .body = req.body};
    for (size_t i = 0; i < req.get_param_value_count("scope"); ++i) {
      call.scopes.push_back(req.get_param_value("scope", i));
    }
    token_calls_.push_back(std::move(call));
    res.set_content(token_body_, "application/json");
  }

  TestHttpServer server_;
  std::mutex mu_;
  std::string accepted_ = "Bearer t1";
  std::string challenge_;
  std::string token_body_ = R"({"token":"t1","expires_in":300})";
  std::vector<TokenCall> token_calls_;
};

CallContext noContext() { return CallContext{}; }

TEST(AuthenticatorTest, BearerChallengeFetchesOneTokenAndLaterRequestsSendItUpFront) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge());
  ClientFixture f(server.server().authority());

  ASSERT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  ASSERT_TRUE(f.client->manifestHead("app", "v2", noContext()));

  auto calls = server.tokenCalls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "GET");
  EXPECT_EQ(calls[0].service, "test-registry");
  EXPECT_EQ(calls[0].scopes, std::vector<std::string>{"repository:app:pull"});
  EXPECT_EQ(calls[0].authorization, "");  // anonymous
  auto requests = server.registryRequests();
  ASSERT_EQ(requests.size(), 3u);  // 401, retry with token, then up front
  EXPECT_EQ(requests[0].header("Authorization"), "");
  EXPECT_EQ(requests[1].header("Authorization"), "Bearer t1");
  EXPECT_EQ(requests[2].header("Authorization"), "Bearer t1");
  EXPECT_EQ(f.auth->tokenRequests(), 1);
}

TEST(AuthenticatorTest, AcceptsAccessTokenField) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge());
  server.setTokenBody(R"({"access_token":"t1"})");
  ClientFixture f(server.server().authority());
  EXPECT_TRUE(f.client->manifestHead("app", "v1", noContext()));
}

TEST(AuthenticatorTest, TokenIsRefetchedWhenItExpires) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge());
  server.setTokenBody(R"({"token":"t1","expires_in":60})");
  FakeClock clock;
  ClientFixture f(server.server().authority(), {}, &clock);

  ASSERT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  clock.advance(std::chrono::seconds(45));  // fresh for 60 s minus a 10 s margin
  ASSERT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  EXPECT_EQ(server.tokenCalls().size(), 1u);
  clock.advance(std::chrono::seconds(10));
  ASSERT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  EXPECT_EQ(server.tokenCalls().size(), 2u);
  // The challenge was remembered: the refreshed token went up front, no further 401.
  EXPECT_EQ(server.registryRequests().size(), 4u);
}

TEST(AuthenticatorTest, ARejectedTokenIsReplacedOnceThenTheRequestFails) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge());
  server.setAccepted("Bearer never");
  ClientFixture f(server.server().authority());

  auto head = f.client->manifestHead("app", "v1", noContext());
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(head.error().http_status, 401);
  EXPECT_EQ(server.registryRequests().size(), 2u);
  EXPECT_EQ(server.tokenCalls().size(), 1u);
}

TEST(AuthenticatorTest, BasicChallengeIsAnsweredAndRemembered) {
  AuthServer server;
  server.setChallenge("Basic realm=\"registry\"");
  std::string basic = "Basic " + base64Encode("alice:s3cret");
  server.setAccepted(basic);
  ClientFixture f(server.server().authority(), testing::userPassword("alice", "s3cret"));

  ASSERT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  ASSERT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  auto requests = server.registryRequests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2].header("Authorization"), basic);
  EXPECT_TRUE(server.tokenCalls().empty());
}

TEST(AuthenticatorTest, BasicChallengeWithoutCredentialsFails) {
  AuthServer server;
  server.setChallenge("Basic realm=\"registry\"");
  ClientFixture f(server.server().authority());
  auto head = f.client->manifestHead("app", "v1", noContext());
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(head.error().message.find("Basic"), std::string::npos);
}

TEST(AuthenticatorTest, WrongBasicCredentialsFailAfterOneTry) {
  AuthServer server;
  server.setChallenge("Basic realm=\"registry\"");
  server.setAccepted("Basic other");
  ClientFixture f(server.server().authority(), testing::userPassword("alice", "wrong"));
  auto head = f.client->manifestHead("app", "v1", noContext());
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(server.registryRequests().size(), 2u);
  EXPECT_EQ(head.error().message.find("wrong"), std::string::npos);  // never the password
}

TEST(AuthenticatorTest, PasswordGoesToTheTokenEndpointAsBasic) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge());
  ClientFixture f(server.server().authority(), testing::userPassword("alice", "s3cret"));
  ASSERT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  auto calls = server.tokenCalls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].authorization, "Basic " + base64Encode("alice:s3cret"));
}

TEST(AuthenticatorTest, RegistryTokenIsTriedDirectlyThenExchangedAsPassword) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge());
  ClientFixture f(server.server().authority(), testing::registryToken("pat"));

  ASSERT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  ASSERT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  auto requests = server.registryRequests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].header("Authorization"), "Bearer pat");
  EXPECT_EQ(requests[1].header("Authorization"), "Bearer t1");
  EXPECT_EQ(requests[2].header("Authorization"), "Bearer t1");
  auto calls = server.tokenCalls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].authorization, "Basic " + base64Encode("token:pat"));
}

TEST(AuthenticatorTest, RegistryTokenAcceptedDirectlyNeedsNoExchange) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge());
  server.setAccepted("Bearer pat");
  ClientFixture f(server.server().authority(), testing::registryToken("pat"));
  ASSERT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  EXPECT_TRUE(server.tokenCalls().empty());
  EXPECT_EQ(server.registryRequests().size(), 1u);
}

TEST(AuthenticatorTest, IdentityTokenUsesTheOAuth2RefreshGrant) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge());
  server.setTokenBody(R"({"access_token":"t1","expires_in":120})");
  ClientFixture f(server.server().authority(), testing::identityToken("refresh-me"));
  ASSERT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  auto calls = server.tokenCalls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "POST");
  EXPECT_NE(calls[0].body.find("grant_type=refresh_token"), std::string::npos);
  EXPECT_NE(calls[0].body.find("refresh_token=refresh-me"), std::string::npos);
  EXPECT_NE(calls[0].body.find("service=test-registry"), std::string::npos);
  EXPECT_NE(calls[0].body.find("scope=repository%3Aapp%3Apull"), std::string::npos);
}

TEST(AuthenticatorTest, CredentialsAreNotSentToAPlainHttpRealmOnAnotherHost) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge("localhost"));  // same port, other host name
  ClientFixture f(server.server().authority(), testing::userPassword("alice", "s3cret"));
  auto head = f.client->manifestHead("app", "v1", noContext());
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(head.error().message.find("https"), std::string::npos);
  EXPECT_TRUE(server.tokenCalls().empty());
}

TEST(AuthenticatorTest, AnonymousTokenRequestsMayUsePlainHttpRealms) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge("localhost"));
  ClientFixture f(server.server().authority());
  EXPECT_TRUE(f.client->manifestHead("app", "v1", noContext()));
  EXPECT_EQ(server.tokenCalls().size(), 1u);
}

TEST(AuthenticatorTest, MetadataRealmIsRefused) {
  AuthServer server;
  server.setChallenge("Bearer realm=\"http://169.254.169.254/latest/meta-data\",service=\"x\"");
  ClientFixture f(server.server().authority());
  auto head = f.client->manifestHead("app", "v1", noContext());
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(head.error().message.find("metadata"), std::string::npos);
}

TEST(AuthenticatorTest, MountAsksForPushOnTargetAndPullOnSource) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge());
  ClientFixture f(server.server().authority());
  auto mount =
      f.client->blobMount("team/app", "sha256:" + std::string(64, 'b'), "base/img", noContext());
  ASSERT_TRUE(mount) << mount.error().message;
  EXPECT_TRUE(mount->mounted);
  auto calls = server.tokenCalls();
  ASSERT_EQ(calls.size(), 1u);
  std::vector<std::string> want = {"repository:team/app:pull,push", "repository:base/img:pull",
                                   "repository:app:pull"};  // + the challenge's own scope
  EXPECT_EQ(calls[0].scopes, want);
}

TEST(AuthenticatorTest, ChallengeScopesAlreadyCoveredAreNotRepeated) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge());  // asks for repository:app:pull
  ClientFixture f(server.server().authority());
  CallContext push;
  push.push = true;
  ASSERT_TRUE(f.client->manifestHead("app", "v1", push));
  auto calls = server.tokenCalls();
  ASSERT_EQ(calls.size(), 1u);
  std::vector<std::string> want = {"repository:app:pull,push"};
  EXPECT_EQ(calls[0].scopes, want);
}

TEST(AuthenticatorTest, TokensAreCachedPerSortedScopeSet) {
  AuthServer server;
  server.setChallenge(server.bearerChallenge());
  ClientFixture f(server.server().authority());
  CallContext ctx;
  RequestStats stats;
  ctx.stats = &stats;
  ASSERT_TRUE(f.client->manifestHead("app", "v1", ctx));
  ASSERT_TRUE(f.client->manifestHead("other", "v1", ctx));  // another scope: another token
  ASSERT_TRUE(f.client->manifestHead("app", "v2", ctx));
  EXPECT_EQ(server.tokenCalls().size(), 2u);
  EXPECT_EQ(stats.tokenRequests(), 2);
  EXPECT_EQ(stats.registryRequests(server.server().authority()), 4);  // 1 x 401 + 3
}

}  // namespace
}  // namespace copycat::registry
