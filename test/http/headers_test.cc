#include "http/headers.h"

#include <gtest/gtest.h>

namespace copycat::http {
namespace {

TEST(HeadersTest, LookupIsCaseInsensitiveAndKeepsRepeatedFields) {
  Headers h;
  h.add("WWW-Authenticate", "Bearer realm=\"https://auth\"");
  h.add("www-authenticate", "Basic realm=\"r\"");
  h.add("Content-Type", "application/json");
  EXPECT_EQ(h.get("Www-Authenticate"), "Bearer realm=\"https://auth\"");
  EXPECT_EQ(h.getAll("WWW-AUTHENTICATE"),
            (std::vector<std::string>{"Bearer realm=\"https://auth\"", "Basic realm=\"r\""}));
  EXPECT_TRUE(h.has("content-type"));
  EXPECT_FALSE(h.has("Location"));
  EXPECT_EQ(h.get("Location"), std::nullopt);
  EXPECT_EQ(h.size(), 3u);
}

TEST(HeadersTest, SetReplacesAndRemoveDeletesAllFields) {
  Headers h{{"Accept", "a"}, {"accept", "b"}, {"X", "1"}};
  h.set("ACCEPT", "c");
  EXPECT_EQ(h.getAll("accept"), std::vector<std::string>{"c"});
  EXPECT_EQ(h.remove("x"), 1u);
  EXPECT_EQ(h.remove("x"), 0u);
  EXPECT_EQ(h.size(), 1u);
}

TEST(HeadersTest, AppendToLastJoinsFoldedLines) {
  Headers h;
  h.appendToLast("ignored");  // no field yet
  h.add("X-Long", "first");
  h.appendToLast("   second  ");
  EXPECT_EQ(h.get("x-long"), "first second");
}

}  // namespace
}  // namespace copycat::http
