#include "aws/ecr_auth.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "aws_test_env.h"

namespace copycat::aws {
namespace {

using test::AwsTestEnv;

class EcrTokenCacheTest : public ::testing::Test {
 protected:
  AwsTestEnv env_;
  StaticCredentialsProvider credentials_{AwsTestEnv::staticKeys()};
  EcrClient client_{env_.http(),
                    env_.clock(),
                    credentials_,
                    {env_.endpoint(Service::kEcr), "", AwsTestEnv::fastCalls()}};
  EcrTokenCache cache_{client_, env_.clock()};
};

TEST_F(EcrTokenCacheTest, OneGetAuthorizationTokenPerTokenLifetime) {
  auto first = cache_.login();
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->username, "AWS");
  EXPECT_EQ(first->registry_host, "123456789012.dkr.ecr.us-east-1.amazonaws.com");
  EXPECT_EQ(first->scheme, "https");
  EXPECT_TRUE(env_.fake().isValidRegistryPassword(first->password));
  EXPECT_EQ(first->describe().find(first->password), std::string::npos);
  // Many logins across 11h44m of a 12h token: still one call.
  for (int i = 0; i < 100; ++i) {
    env_.clock().advance(std::chrono::seconds(422));
    auto again = cache_.login();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->password, first->password);
  }
  EXPECT_EQ(env_.fake().count("ecr:GetAuthorizationToken"), 1);
  // 15 minutes before expiresAt the token is replaced.
  env_.clock().advance(std::chrono::minutes(2));
  auto refreshed = cache_.login();
  ASSERT_TRUE(refreshed);
  EXPECT_NE(refreshed->password, first->password);
  EXPECT_EQ(env_.fake().count("ecr:GetAuthorizationToken"), 2);
}

TEST_F(EcrTokenCacheTest, InvalidateDropsOnlyTheRejectedToken) {
  auto first = cache_.login();
  ASSERT_TRUE(first);
  cache_.invalidate("some-older-token");
  EXPECT_EQ(cache_.login()->password, first->password);
  EXPECT_EQ(env_.fake().count("ecr:GetAuthorizationToken"), 1);
  cache_.invalidate(first->password);  // the registry answered 401 to it
  auto second = cache_.login();
  ASSERT_TRUE(second);
  EXPECT_NE(second->password, first->password);
  EXPECT_EQ(env_.fake().count("ecr:GetAuthorizationToken"), 2);
}

TEST_F(EcrTokenCacheTest, FailedRefreshKeepsTheStillValidTokenThenFails) {
  auto first = cache_.login();
  ASSERT_TRUE(first);
  env_.clock().advance(std::chrono::hours(11) + std::chrono::minutes(50));
  env_.fake().failNext("ecr:GetAuthorizationToken", 100, 500, "ServerException");
  auto kept = cache_.login();
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->password, first->password);
  env_.clock().advance(std::chrono::minutes(11));  // now past expiresAt
  auto expired = cache_.login();
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kUnavailable);
}

TEST_F(EcrTokenCacheTest, ConcurrentLoginsShareOneFetch) {
  std::vector<std::thread> threads;
  std::vector<std::string> passwords(16);
  for (size_t i = 0; i < passwords.size(); ++i) {
    threads.emplace_back([&, i] {
      auto login = cache_.login();
      passwords[i] = login ? login->password : "error";
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const std::string& p : passwords) {
    EXPECT_EQ(p, passwords[0]);
  }
  EXPECT_NE(passwords[0], "error");
  EXPECT_EQ(env_.fake().count("ecr:GetAuthorizationToken"), 1);
}

TEST(EcrTokenCacheShortLivedTest, TokensShorterThanTheWindowRefreshHalfway) {
  AwsTestEnv env({.authorization_token_lifetime = std::chrono::minutes(10)});
  StaticCredentialsProvider credentials(AwsTestEnv::staticKeys());
  EcrClient client(env.http(), env.clock(), credentials,
                   {env.endpoint(Service::kEcr), "", AwsTestEnv::fastCalls()});
  EcrTokenCache cache(client, env.clock());
  ASSERT_TRUE(cache.login());
  env.clock().advance(std::chrono::minutes(4));
  ASSERT_TRUE(cache.login());
  EXPECT_EQ(env.fake().count("ecr:GetAuthorizationToken"), 1);
  env.clock().advance(std::chrono::minutes(2));
  ASSERT_TRUE(cache.login());
  EXPECT_EQ(env.fake().count("ecr:GetAuthorizationToken"), 2);
}

TEST(EcrLoginTest, BuildsFromProxyEndpoint) {
  EcrAuthorization auth{"AWS", "secret", {}, "http://127.0.0.1:5000"};
  auto login = loginFromAuthorization(auth);
  ASSERT_TRUE(login);
  EXPECT_EQ(login->registry_host, "127.0.0.1:5000");
  EXPECT_EQ(login->scheme, "http");
  auth.proxy_endpoint = "not a url";
  EXPECT_EQ(loginFromAuthorization(auth).error().code, ErrorCode::kProtocol);
}

}  // namespace
}  // namespace copycat::aws
