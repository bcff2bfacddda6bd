#include "controller/admin_json.h"

#include <gtest/gtest.h>

namespace copycat::controller {
namespace {

using nlohmann::json;

TEST(AdminJsonTest, TimesUseGoRfc3339Nano) {
  EXPECT_EQ(formatRfc3339Nano({}), "0001-01-01T00:00:00Z");
  Clock::Wall::time_point t{std::chrono::seconds(1'700'000'000)};
  EXPECT_EQ(formatRfc3339Nano(t), "2023-11-14T22:13:20Z");
  EXPECT_EQ(formatRfc3339Nano(t + std::chrono::milliseconds(120)), "2023-11-14T22:13:20.12Z");
  EXPECT_EQ(formatRfc3339Nano(t + std::chrono::nanoseconds(5)), "2023-11-14T22:13:20.000000005Z");
}

TEST(AdminJsonTest, CacheStateHasUpstreamFields) {
  std::vector<CacheEntry> entries = {
      {.target = "r/a:1",
       .digest = "sha256:aa",
       .last_push = Clock::Wall::time_point{std::chrono::seconds(1'700'000'000)},
       .inflight = false},
      {.target = "r/b:1", .digest = "", .last_push = {}, .inflight = true}};
  auto doc = cacheStateJson(entries);
  EXPECT_EQ(doc, json::parse(R"({"count":2,"entries":[
      {"target":"r/a:1","digest":"sha256:aa","lastPush":"2023-11-14T22:13:20Z","inflight":false},
      {"target":"r/b:1","digest":"","lastPush":"0001-01-01T00:00:00Z","inflight":true}]})"));
}

TEST(AdminJsonTest, EvictionAndCooldownResponsesHaveUpstreamFields) {
  EXPECT_EQ(evictionJson(EvictionResult{}),
            json::parse(R"({"removed":null,"remaining":0,"entries":[]})"));
  EXPECT_EQ(evictionJson(EvictionResult{.removed = {"r/a:1"}, .remaining = 0, .entries = {}}),
            json::parse(R"({"removed":["r/a:1"],"remaining":0,"entries":[]})"));
  CooldownResetResult reset{.reset = true,
                            .cleared_targets = 2,
                            .message = "failure cooldown reset",
                            .enabled = true,
                            .targets = {"a", "b"}};
  EXPECT_EQ(cooldownResetJson(reset),
            json::parse(R"({"reset":true,"clearedTargets":2,"message":"failure cooldown reset"})"));
}

TEST(AdminJsonTest, EvictSelectorFollowsUpstreamParsing) {
  struct Case {
    std::string body;
    std::map<std::string, std::string> query;
    EvictScope scope;
    std::string value;
  };
  for (const auto& c : std::vector<Case>{
           {"", {}, EvictScope::kAll, ""},
           {R"({"all":false})", {}, EvictScope::kAll, ""},
           {R"({"target":" r/a:1 "})", {}, EvictScope::kTarget, "r/a:1"},
           {R"({"prefix":"r/"})", {}, EvictScope::kPrefix, "r/"},
           {"", {{"prefix", "q/"}}, EvictScope::kPrefix, "q/"},
           {R"({"prefix":"r/"})", {{"prefix", "q/"}}, EvictScope::kPrefix, "q/"},
           {"", {{"target", "  "}, {"all", "true"}}, EvictScope::kAll, ""},
       }) {
    SCOPED_TRACE(c.body);
    auto s = parseEvictSelector(c.body, c.query);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->scope, c.scope);
    EXPECT_EQ(s->value, c.value);
  }
  EXPECT_FALSE(parseEvictSelector(R"({"target":"a","prefix":"b"})", {}));
  EXPECT_FALSE(parseEvictSelector(R"({"target":"a"})", {{"prefix", "b"}}));
  EXPECT_FALSE(parseEvictSelector(R"({"unknown":1})", {}));
  EXPECT_FALSE(parseEvictSelector("{not json", {}));
  EXPECT_FALSE(parseEvictSelector("[]", {}));
}

}  // namespace
}  // namespace copycat::controller
