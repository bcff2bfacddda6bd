#include "server/bearer_auth.h"

#include <gtest/gtest.h>

namespace copycat::server {
namespace {

HttpRequest withAuthorization(std::optional<std::string> value) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/admin/cache";
  if (value) {
    request.headers.emplace_back("authorization", *value);
  }
  return request;
}

TEST(BearerAuthTest, DisabledWithoutToken) {
  BearerAuth auth("");
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.isAuthorized(withAuthorization(std::nullopt)));
  EXPECT_FALSE(auth.check(withAuthorization(std::nullopt)).has_value());
}

TEST(BearerAuthTest, AcceptsTheTokenWithAnySchemeCase) {
  BearerAuth auth("s3cret");
  EXPECT_TRUE(auth.isAuthorized(withAuthorization("Bearer s3cret")));
  EXPECT_TRUE(auth.isAuthorized(withAuthorization("bearer s3cret")));
  EXPECT_TRUE(auth.isAuthorized(withAuthorization("BEARER   s3cret  ")));
}

TEST(BearerAuthTest, RejectsEverythingElse) {
  BearerAuth auth("s3cret");
  for (std::optional<std::string> value :
       {std::optional<std::string>(), std::optional<std::string>(""),
        std::optional<std::string>("Bearer"), std::optional<std::string>("Bearer "),
        std::optional<std::string>("Bearer s3cre"), std::optional<std::string>("Bearer s3cret2"),
        std::optional<std::string>("Bearer S3CRET"), std::optional<std::string>("Basic s3cret"),
        std::optional<std::string>("s3cret"), std::optional<std::string>("Bearers3cret")}) {
    EXPECT_FALSE(auth.isAuthorized(withAuthorization(value))) << value.value_or("<none>");
  }
}

TEST(BearerAuthTest, ChallengeNamesTheRealm) {
  BearerAuth auth("s3cret");
  auto denied = auth.check(withAuthorization("Bearer nope"));
  ASSERT_TRUE(denied.has_value());
  EXPECT_EQ(denied->status, 401);
  EXPECT_EQ(denied->header("WWW-Authenticate"), "Bearer realm=\"copycat-admin\"");
  EXPECT_EQ(denied->body, "unauthorized\n");
  EXPECT_EQ(denied->body.find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace copycat::server
