#include "http/redirect.h"

#include <gtest/gtest.h>

namespace copycat::http {
namespace {

Request requestWithCredentials(std::string method) {
  Request r;
  r.method = std::move(method);
  r.url = "https://r.example/v2/app/blobs/sha256:1";
  r.headers = {{"Authorization", "Bearer secret"},
               {"Cookie", "s=1"},
               {"X-Registry-Token", "t"},
               {"Accept", "*/*"},
               {"Content-Type", "application/octet-stream"}};
  r.sensitive_headers = {"x-registry-token"};
  return r;
}

TEST(RedirectTest, FollowsOnlyRedirectStatuses) {
  for (int s : {301, 302, 303, 307, 308}) {
    EXPECT_TRUE(isRedirectStatus(s)) << s;
  }
  for (int s : {200, 201, 202, 300, 304, 305, 306, 400}) {
    EXPECT_FALSE(isRedirectStatus(s)) << s;
  }
}

TEST(RedirectTest, FirstHopSendsBodyForUploadMethods) {
  Request r;
  EXPECT_FALSE(firstHop(r).send_body);
  r.method = "POST";
  EXPECT_TRUE(firstHop(r).send_body);
  r.method = "DELETE";
  EXPECT_FALSE(firstHop(r).send_body);
  r.body = "x";
  EXPECT_TRUE(firstHop(r).send_body);
}

TEST(RedirectTest, SameOriginKeepsCredentials) {
  Request r = requestWithCredentials("GET");
  Url original = *parseUrl(r.url);
  auto next = nextHop(r, original, firstHop(r), 307, "/v2/other");
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->url, "https://r.example/v2/other");
  EXPECT_EQ(next->headers.get("Authorization"), "Bearer secret");
  EXPECT_EQ(next->headers.get("X-Registry-Token"), "t");
}

TEST(RedirectTest, OtherOriginDropsCredentialsAndSensitiveHeaders) {
  Request r = requestWithCredentials("GET");
  Url original = *parseUrl(r.url);
  for (auto location : {"https://cdn.example/blob", "http://r.example/v2/x",
                        "https://r.example:8443/v2/x", "//cdn.example/x"}) {
    SCOPED_TRACE(location);
    auto next = nextHop(r, original, firstHop(r), 302, location);
    ASSERT_TRUE(next) << next.error().message;
    EXPECT_FALSE(next->headers.has("Authorization"));
    EXPECT_FALSE(next->headers.has("Cookie"));
    EXPECT_FALSE(next->headers.has("X-Registry-Token"));
    EXPECT_EQ(next->headers.get("Accept"), "*/*");
  }
}

TEST(RedirectTest, ReturningToTheOriginalOriginRestoresCredentials) {
  Request r = requestWithCredentials("GET");
  Url original = *parseUrl(r.url);
  auto away = nextHop(r, original, firstHop(r), 302, "https://cdn.example/x");
  ASSERT_TRUE(away);
  auto back = nextHop(r, original, *away, 302, "https://r.example/v2/y");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->headers.get("Authorization"), "Bearer secret");
}

TEST(RedirectTest, SeeOtherTurnsUploadsIntoGetWithoutBody) {
  for (int status : {301, 302, 303}) {
    SCOPED_TRACE(status);
    Request r = requestWithCredentials("POST");
    r.body = "payload";
    auto next = nextHop(r, *parseUrl(r.url), firstHop(r), status, "/done");
    ASSERT_TRUE(next);
    EXPECT_EQ(next->method, "GET");
    EXPECT_FALSE(next->send_body);
    EXPECT_FALSE(next->headers.has("Content-Type"));
  }
  Request head = requestWithCredentials("HEAD");
  auto next = nextHop(head, *parseUrl(head.url), firstHop(head), 303, "/x");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->method, "HEAD");
}

TEST(RedirectTest, TemporaryRedirectKeepsMethodAndBody) {
  Request r = requestWithCredentials("PUT");
  r.body = "payload";
  auto next = nextHop(r, *parseUrl(r.url), firstHop(r), 308, "/v2/new");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->method, "PUT");
  EXPECT_TRUE(next->send_body);
  EXPECT_EQ(next->headers.get("Content-Type"), "application/octet-stream");
}

TEST(RedirectTest, StreamedBodyCannotBeReplayed) {
  Request r = requestWithCredentials("PUT");
  r.body_source = [](char*, size_t) -> Result<size_t> { return 0; };
  auto next = nextHop(r, *parseUrl(r.url), firstHop(r), 307, "/v2/new");
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().code, ErrorCode::kProtocol);
  // A 303 needs no body, so it is fine.
  EXPECT_TRUE(nextHop(r, *parseUrl(r.url), firstHop(r), 303, "/v2/new"));
}

TEST(RedirectTest, RejectsUnusableLocations) {
  Request r = requestWithCredentials("GET");
  for (auto location : {"ftp://files.example/x", "https://bad host/"}) {
    SCOPED_TRACE(location);
    auto next = nextHop(r, *parseUrl(r.url), firstHop(r), 302, location);
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error().code, ErrorCode::kProtocol);
  }
}

}  // namespace
}  // namespace copycat::http
