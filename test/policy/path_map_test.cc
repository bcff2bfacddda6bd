#include "policy/path_map.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace copycat::policy {
namespace {

PathMapper mustCreate(const std::vector<PathMapRule>& rules) {
  auto mapper = PathMapper::create(rules);
  EXPECT_TRUE(mapper.has_value()) << (mapper ? "" : mapper.error().message);
  return mapper.value_or(PathMapper());
}

struct MapCase {
  const char* path;
  const char* want;
  std::optional<size_t> rule;
};

void expectCases(const PathMapper& mapper, const std::vector<MapCase>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    MappedPath got = mapper.map(c.path);
    EXPECT_EQ(got.path, c.want);
    EXPECT_EQ(got.rule, c.rule);
  }
}

// pkg/util/path_test.go TestNewRepoPathTransformer, re-expressed.
TEST(PathMapTest, UpstreamPrefixAndRegexRules) {
  PathMapper mapper = mustCreate({{"old/", "new/", false}, {"^legacy/(.*)", "modern/$1", true}});
  expectCases(mapper, {{"old/repo", "new/repo", 0},
                       {"legacy/service", "modern/service", 1},
                       {"other/repo", "other/repo", std::nullopt}});
}

// README example: from "group/project" to "prod/project".
TEST(PathMapTest, PlainRulesMatchWholeLeadingComponents) {
  PathMapper mapper = mustCreate({{"group/project", "prod/project", false}});
  expectCases(mapper, {{"group/project", "prod/project", 0},
                       {"group/project/app", "prod/project/app", 0},
                       {"group/project/a/b", "prod/project/a/b", 0},
                       {"group/project-other/app", "group/project-other/app", std::nullopt},
                       {"group/projectx", "group/projectx", std::nullopt},
                       {"x/group/project", "x/group/project", std::nullopt}});
}

TEST(PathMapTest, EmptyToRemovesThePrefix) {
  PathMapper mapper = mustCreate({{"mirror", "", false}});
  expectCases(mapper, {{"mirror/app", "app", 0}, {"mirror/a/b", "a/b", 0}, {"mirror", "", 0}});
}

TEST(PathMapTest, SlashesAroundPlainRulesAreIgnored) {
  PathMapper mapper = mustCreate({{" /old/ ", "/new/", false}});
  expectCases(mapper, {{"old/repo", "new/repo", 0}, {"old", "new", 0}});
}

TEST(PathMapTest, PlainRulesSeeThePathNotTheRegistry) {
  // "docker.io/library/nginx" is never a repository path, so this rule never matches.
  PathMapper mapper =
      mustCreate({{"docker.io/library", "hub", false}, {"library", "official", false}});
  expectCases(mapper, {{"library/nginx", "official/nginx", 1}});
}

TEST(PathMapTest, FirstMatchingRuleWins) {
  PathMapper mapper =
      mustCreate({{"^team/(.*)$", "a/$1", true}, {"team", "b", false}, {"team/app", "c", false}});
  expectCases(mapper, {{"team/app", "a/app", 0}});
  PathMapper reversed = mustCreate({{"team/app", "c", false}, {"team", "b", false}});
  expectCases(reversed, {{"team/app", "c", 0}, {"team/other", "b/other", 1}});
}

TEST(PathMapTest, RegexRulesReplaceEveryMatchAnywhere) {
  PathMapper mapper = mustCreate({{"legacy/(.*)", "modern/$1", true}, {"-", "_", true}});
  expectCases(mapper, {{"x/legacy/y", "x/modern/y", 0}, {"a-b-c", "a_b_c", 1}});
}

TEST(PathMapTest, RegexRulesExpandNamedGroupsLikeGo) {
  // "$1x" is the (absent) group named "1x", so it expands to nothing, as in Go.
  PathMapper mapper = mustCreate(
      {{"^x/(.*)$", "$1x/$$/${1}y", true}, {"^(?P<org>[^/]+)/(?P<img>.+)$", "${img}/$org", true}});
  expectCases(mapper, {{"bitnami/redis", "redis/bitnami", 1}, {"x/app", "/$/appy", 0}});
}

TEST(PathMapTest, EmptyMapperReturnsPathsUnchanged) {
  PathMapper mapper;
  EXPECT_EQ(mapper.size(), 0u);
  expectCases(mapper, {{"library/nginx", "library/nginx", std::nullopt}});
}

TEST(PathMapTest, CopiesShareCompiledRules) {
  PathMapper original = mustCreate({{"^a/(.*)", "b/$1", true}});
  PathMapper copy = original;
  expectCases(copy, {{"a/x", "b/x", 0}});
  expectCases(original, {{"a/y", "b/y", 0}});
}

struct ErrorCase {
  std::vector<PathMapRule> rules;
  const char* message;
};

TEST(PathMapTest, InvalidRulesAreReportedWithTheirIndex) {
  const ErrorCase cases[] = {
      {{{"ok", "x", false}, {"(", "x", true}}, "pathMap[1]: invalid regular expression \"(\": "},
      {{{"", "x", false}}, "pathMap[0]: from must not be empty"},
      {{{"/", "x", false}}, "pathMap[0]: from must not be empty"},
      {{{"a", "b", false}, {"", "x", true}}, "pathMap[1]: from must not be empty"},
      {{{"a{2000}", "x", true}}, "pathMap[0]: invalid regular expression \"a{2000}\": "},
      {{{"(?=x)", "x", true}}, "pathMap[0]: invalid regular expression \"(?=x)\": "},
      {{{"[a-", "x", true}}, "pathMap[0]: invalid regular expression \"[a-\": "},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    auto mapper = PathMapper::create(c.rules);
    ASSERT_FALSE(mapper.has_value());
    EXPECT_EQ(mapper.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(mapper.error().message.rfind(c.message, 0), 0u) << mapper.error().message;
  }
}

}  // namespace
}  // namespace copycat::policy
