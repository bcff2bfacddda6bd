#include "http/redact.h"

#include <gtest/gtest.h>

namespace copycat::http {
namespace {

TEST(RedactTest, MasksPresignedQueryParameters) {
  EXPECT_EQ(redactUrl("https://s3.example/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                      "&X-Amz-Credential=AKIA%2F20240101&X-Amz-Signature=abcdef&x-id=GetObject"),
            "https://s3.example/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&x-id=GetObject");
  EXPECT_EQ(redactUrl("https://blob.example/c?sv=2020&sig=secret#frag"),
            "https://blob.example/c?sv=2020&sig=REDACTED#frag");
  EXPECT_EQ(redactUrl("https://auth.example/token?scope=repository:a:pull&access_token=t&token=u"),
            "https://auth.example/token?scope=repository:a:pull&access_token=REDACTED"
            "&token=REDACTED");
}

TEST(RedactTest, MasksUserinfoPasswordOnly) {
  EXPECT_EQ(redactUrl("https://user:hunter2@r.example/v2/"), "https://user:REDACTED@r.example/v2/");
  EXPECT_EQ(redactUrl("https://user@r.example/v2/"), "https://user@r.example/v2/");
  EXPECT_EQ(redactUrl("https://r.example/v2/@x"), "https://r.example/v2/@x");
}

TEST(RedactTest, LeavesHarmlessUrlsAlone) {
  for (auto url : {"https://r.example/v2/", "not a url", "https://r.example/p?digest=sha256:1",
                   "https://r.example/p?flag&x="}) {
    SCOPED_TRACE(url);
    EXPECT_EQ(redactUrl(url), url);
  }
}

TEST(RedactTest, MasksSensitiveHeaders) {
  Headers h{{"Authorization", "Bearer abc"},
            {"X-Amz-Security-Token", "tok"},
            {"cookie", "a=b"},
            {"Accept", "application/json"}};
  Headers r = redactHeaders(h);
  EXPECT_EQ(r.get("authorization"), "REDACTED");
  EXPECT_EQ(r.get("x-amz-security-token"), "REDACTED");
  EXPECT_EQ(r.get("Cookie"), "REDACTED");
  EXPECT_EQ(r.get("Accept"), "application/json");
  EXPECT_TRUE(isSensitiveHeader("PROXY-AUTHORIZATION"));
  EXPECT_FALSE(isSensitiveHeader("WWW-Authenticate"));
}

}  // namespace
}  // namespace copycat::http
