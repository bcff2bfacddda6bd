#include "server/eviction_request.h"

#include <gtest/gtest.h>

namespace copycat::server {
namespace {

using Kind = EvictSelector::Kind;

HttpRequest request(std::string body, HeaderList query = {}) {
  HttpRequest req;
  req.method = "POST";
  req.path = "/admin/cache/evict";
  req.body = std::move(body);
  req.query = std::move(query);
  return req;
}

EvictSelector parse(const HttpRequest& req) {
  auto parsed = parseEvictionRequest(req);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed.value_or(EvictSelector{});
}

std::string errorOf(const HttpRequest& req) {
  auto parsed = parseEvictionRequest(req);
  EXPECT_FALSE(parsed);
  if (parsed) {
    return "";
  }
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  return parsed.error().message;
}

TEST(EvictionRequestTest, NoSelectorEvictsEverything) {
  EXPECT_EQ(parse(request("")), (EvictSelector{Kind::kAll, ""}));
  EXPECT_EQ(parse(request("  \n")), (EvictSelector{Kind::kAll, ""}));
  EXPECT_EQ(parse(request("{}")), (EvictSelector{Kind::kAll, ""}));
  EXPECT_EQ(parse(request("null")), (EvictSelector{Kind::kAll, ""}));
  // As upstream: all=false alone still means "no selector".
  EXPECT_EQ(parse(request("", {{"all", "false"}})), (EvictSelector{Kind::kAll, ""}));
}

TEST(EvictionRequestTest, JsonSelectors) {
  EXPECT_EQ(parse(request(R"({"target":" reg/app:1 "})")),
            (EvictSelector{Kind::kTarget, "reg/app:1"}));
  EXPECT_EQ(parse(request(R"({"prefix":"reg/team/"})")),
            (EvictSelector{Kind::kPrefix, "reg/team/"}));
  EXPECT_EQ(parse(request(R"({"all":true})")), (EvictSelector{Kind::kAll, ""}));
  EXPECT_EQ(parse(request(R"({"target":null,"prefix":"p"})")), (EvictSelector{Kind::kPrefix, "p"}));
}

TEST(EvictionRequestTest, KeysMatchCaseInsensitivelyAsGoDoes) {
  EXPECT_EQ(parse(request(R"({"Target":"t"})")), (EvictSelector{Kind::kTarget, "t"}));
  EXPECT_EQ(parse(request(R"({"PREFIX":"p"})")), (EvictSelector{Kind::kPrefix, "p"}));
}

TEST(EvictionRequestTest, QuerySelectors) {
  EXPECT_EQ(parse(request("", {{"target", "reg/app:1"}})),
            (EvictSelector{Kind::kTarget, "reg/app:1"}));
  EXPECT_EQ(parse(request("", {{"prefix", "reg/"}})), (EvictSelector{Kind::kPrefix, "reg/"}));
  EXPECT_EQ(parse(request("", {{"all", "yes"}})), (EvictSelector{Kind::kAll, ""}));
  // The first value wins, as url.Values.Get.
  EXPECT_EQ(parse(request("", {{"target", "a"}, {"target", "b"}})),
            (EvictSelector{Kind::kTarget, "a"}));
}

TEST(EvictionRequestTest, QueryOverridesBody) {
  EXPECT_EQ(parse(request(R"({"target":"body"})", {{"target", "query"}})),
            (EvictSelector{Kind::kTarget, "query"}));
  // A blank query value does not override.
  EXPECT_EQ(parse(request(R"({"prefix":"body"})", {{"prefix", "  "}})),
            (EvictSelector{Kind::kPrefix, "body"}));
}

TEST(EvictionRequestTest, TargetWinsOverAll) {
  EXPECT_EQ(parse(request(R"({"target":"t","all":true})")), (EvictSelector{Kind::kTarget, "t"}));
}

TEST(EvictionRequestTest, TargetAndPrefixTogetherIsAnError) {
  EXPECT_EQ(errorOf(request(R"({"target":"t","prefix":"p"})")),
            "specify either target or prefix, not both");
  EXPECT_EQ(errorOf(request(R"({"target":"t"})", {{"prefix", "p"}})),
            "specify either target or prefix, not both");
}

TEST(EvictionRequestTest, UnknownFieldsAreRejected) {
  EXPECT_EQ(errorOf(request(R"({"target":"t","force":true})")),
            R"(decode request body: json: unknown field "force")");
}

TEST(EvictionRequestTest, InvalidJsonIsRejected) {
  for (const char* body :
       {"{", "{\"target\":", "target=x", "{\"target\":\"t\"} trailing", "\xff"}) {
    EXPECT_EQ(errorOf(request(body)).rfind("decode request body: ", 0), 0u) << body;
  }
}

TEST(EvictionRequestTest, WrongTypesAreRejected) {
  EXPECT_NE(errorOf(request(R"({"target":5})")).find("cannot unmarshal number"), std::string::npos);
  EXPECT_NE(errorOf(request(R"({"all":"true"})")).find("of type bool"), std::string::npos);
  EXPECT_NE(errorOf(request(R"(["target"])")).find("cannot unmarshal array"), std::string::npos);
  EXPECT_NE(errorOf(request(R"("text")")).find("cannot unmarshal string"), std::string::npos);
}

TEST(EvictionRequestTest, DeepNestingIsRejectedWithoutRecursion) {
  EXPECT_FALSE(parseEvictionRequest(request(std::string(200000, '['))));
  EXPECT_FALSE(parseEvictionRequest(request(std::string(100000, '[') + std::string(100000, ']'))));
}

TEST(EvictionRequestTest, QueryBoolFollowsUpstreamList) {
  for (const char* yes : {"1", "true", "TRUE", "yes", "y", "on", " On "}) {
    EXPECT_TRUE(parseQueryBool(yes)) << yes;
  }
  for (const char* no : {"0", "false", "no", "off", "t", "2", ""}) {
    EXPECT_FALSE(parseQueryBool(no)) << no;
  }
}

}  // namespace
}  // namespace copycat::server
