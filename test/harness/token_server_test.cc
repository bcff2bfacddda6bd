// TokenServer with a real docker-registry in token mode, driven by the harness client and skopeo.
#include "support/token_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/image_fixture.h"
#include "support/image_fixture_client.h"
#include "support/registry_harness.h"

namespace copycat::testing {
namespace {

std::string base64UrlDecode(std::string s) {
  for (char& c : s) {
    c = c == '-' ? '+' : (c == '_' ? '/' : c);
  }
  while (s.size() % 4 != 0) {
    s += '=';
  }
  std::string out;
  int val = 0;
  int bits = -8;
  for (char c : s) {
    if (c == '=') {
      break;
    }
    val = (val << 6) +
          static_cast<int>(std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0"
                                            "123456789+/")
                               .find(c));
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

nlohmann::json jwtPart(const std::string& jwt, int part) {
  size_t a = jwt.find('.');
  size_t b = jwt.find('.', a + 1);
  std::string text = part == 0 ? jwt.substr(0, a) : jwt.substr(a + 1, b - a - 1);
  return nlohmann::json::parse(base64UrlDecode(text));
}

class TokenServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TokenServer::Options options;
    options.users["alice"] = TokenServer::User{"alice-pw", {"pull", "push"}, "*"};
    options.users["reader"] = TokenServer::User{"reader-pw", {"pull"}, "*"};
    options.anonymous_actions = {"pull"};
    auto ts = TokenServer::start(options);
    ASSERT_TRUE(ts) << ts.error().describe();
    tokens_ = std::move(*ts);
    auto registry = RegistryProcess::start(RegistryProcess::token(tokens_->authConfig()));
    ASSERT_TRUE(registry) << registry.error().describe();
    registry_ = std::move(*registry);
    auto fixture = ImageFixture::create(11);
    ASSERT_TRUE(fixture);
    fixture_ = std::move(*fixture);
  }

  std::unique_ptr<TokenServer> tokens_;
  std::unique_ptr<RegistryProcess> registry_;
  std::unique_ptr<ImageFixture> fixture_;
};

TEST_F(TokenServerTest, RegistryChallengesWithTheTokenRealm) {
  httplib::Client client(registry_->baseUrl());
  auto res = client.Get("/v2/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  std::string challenge = res->get_header_value("WWW-Authenticate");
  EXPECT_NE(challenge.find("Bearer realm=\"" + tokens_->realm() + "\""), std::string::npos);
  EXPECT_NE(challenge.find("service=\"copycat-registry\""), std::string::npos);
}

TEST_F(TokenServerTest, TokensCarryX5cAndTheGrantedAccess) {
  httplib::Client client(tokens_->realm().substr(0, tokens_->realm().rfind('/')));
  client.set_basic_auth("reader", "reader-pw");
  auto res = client.Get("/token?service=copycat-registry&scope=repository:team/app:pull,push");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  auto body = nlohmann::json::parse(res->body);
  ASSERT_TRUE(body.contains("token"));
  EXPECT_EQ(body["token"], body["access_token"]);
  EXPECT_EQ(body["expires_in"], 300);
  EXPECT_TRUE(body.contains("issued_at"));
  std::string jwt = body["token"];
  auto header = jwtPart(jwt, 0);
  EXPECT_EQ(header["alg"], "ES256");
  ASSERT_EQ(header["x5c"].size(), 1U);
  auto claims = jwtPart(jwt, 1);
  EXPECT_EQ(claims["iss"], "copycat-token-issuer");
  EXPECT_EQ(claims["aud"], "copycat-registry");
  EXPECT_EQ(claims["sub"], "reader");
  EXPECT_EQ(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>(), 300);
  ASSERT_EQ(claims["access"].size(), 1U);
  EXPECT_EQ(claims["access"][0]["name"], "team/app");
  EXPECT_EQ(claims["access"][0]["actions"], nlohmann::json::array({"pull"}));  // no push

  client.set_basic_auth("reader", "wrong");
  auto bad = client.Get("/token?service=copycat-registry&scope=repository:team/app:pull");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  auto log = tokens_->requests();
  ASSERT_EQ(log.size(), 2U);
  EXPECT_EQ(log[0].user, "reader");
  EXPECT_EQ(log[0].scopes, std::vector<std::string>{"repository:team/app:pull,push"});
  EXPECT_EQ(log[1].status, 401);
}

TEST_F(TokenServerTest, ResponseFieldsAndOAuthPostAreConfigurable) {
  httplib::Client client(tokens_->realm().substr(0, tokens_->realm().rfind('/')));
  tokens_->setTokenField(TokenServer::TokenField::kAccessTokenOnly);
  tokens_->setExpiresIn(5);
  auto res = client.Get("/token?service=copycat-registry");
  ASSERT_TRUE(res);
  auto body = nlohmann::json::parse(res->body);
  EXPECT_FALSE(body.contains("token"));
  EXPECT_TRUE(body.contains("access_token"));
  EXPECT_EQ(body["expires_in"], 5);
  tokens_->setTokenField(TokenServer::TokenField::kTokenOnly);
  body = nlohmann::json::parse(client.Get("/token?service=copycat-registry")->body);
  EXPECT_TRUE(body.contains("token"));
  EXPECT_FALSE(body.contains("access_token"));

  auto post = client.Post("/token",
                          "grant_type=password&username=alice&password=alice-pw&service=copycat-"
                          "registry&scope=repository%3Aapp%3Apush&client_id=copycat",
                          "application/x-www-form-urlencoded");
  ASSERT_TRUE(post);
  ASSERT_EQ(post->status, 200);
  auto claims = jwtPart(nlohmann::json::parse(post->body)["access_token"], 1);
  EXPECT_EQ(claims["sub"], "alice");
  EXPECT_EQ(claims["access"][0]["actions"], nlohmann::json::array({"push"}));
  EXPECT_EQ(tokens_->requestCount(), 3U);
}

TEST_F(TokenServerTest, RegistryAcceptsIssuedTokensForPushAndPull) {
  auto image = fixture_->ociImage("v1");
  ASSERT_TRUE(image);
  RegistryHttpClient client(RegistryEndpoint::of(*registry_, "alice", "alice-pw"));
  ASSERT_TRUE(client.push(*image, "team/app", "v1"));
  EXPECT_EQ(client.tokenFetches(), 2U);  // one pull scope (HEAD), one pull,push scope
  auto fetched = client.getManifest("team/app", "v1");
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->status, 200);
  EXPECT_EQ(fetched->bytes, image->root.bytes);

  // A pull-only user gets a token without push: the registry refuses the upload.
  RegistryHttpClient reader(RegistryEndpoint::of(*registry_, "reader", "reader-pw"));
  auto start = reader.send("POST", "/v2/team/app/blobs/uploads/", "team/app", true);
  ASSERT_TRUE(start);
  EXPECT_EQ(start->status, 401);
  auto pulled = reader.getManifest("team/app", "v1");
  ASSERT_TRUE(pulled);
  EXPECT_EQ(pulled->status, 200);
}

TEST_F(TokenServerTest, AlreadyExpiredClaimsAreRejectedByTheRegistry) {
  // exp = now - 61 s: beyond distribution's 60 s leeway.
  tokens_->setExpiresIn(300, -61);
  RegistryHttpClient client(RegistryEndpoint::of(*registry_, "alice", "alice-pw"));
  auto reply = client.send("GET", "/v2/", "");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(client.tokenFetches(), 1U);
  tokens_->setExpiresIn(300);
  RegistryHttpClient fresh(RegistryEndpoint::of(*registry_, "alice", "alice-pw"));
  auto accepted = fresh.send("GET", "/v2/", "");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 200);
}

TEST_F(TokenServerTest, SkopeoPushesAndPullsWithCredentials) {
  auto image = fixture_->ociImage("v2");
  ASSERT_TRUE(image);
  SkopeoOptions creds;
  creds.username = "alice";
  creds.password = "alice-pw";
  std::string ref = "docker://" + registry_->host() + "/team/skopeo:v2";
  auto pushed = skopeoCopy(fixture_->ociRef("v2"), ref, {}, creds);
  ASSERT_TRUE(pushed) << pushed.error().describe();
  EXPECT_GE(tokens_->requestCount(), 1U);
  for (const auto& r : tokens_->requests()) {
    EXPECT_EQ(r.user, "alice");
    EXPECT_EQ(r.status, 200);
  }
  auto raw = skopeoInspectRaw(ref, creds);
  ASSERT_TRUE(raw) << raw.error().describe();
  EXPECT_EQ(*raw, image->root.bytes);
  EXPECT_EQ(registry_->countRequests("PUT", "/v2/team/skopeo/manifests/v2"), 1U);

  SkopeoOptions wrong = creds;
  wrong.password = "nope";
  auto denied = skopeoInspectRaw(ref, wrong);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().message.find("nope"), std::string::npos);  // no secret in errors
}

}  // namespace
}  // namespace copycat::testing
