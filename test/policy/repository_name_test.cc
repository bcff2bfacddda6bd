#include "policy/repository_name.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <re2/re2.h>

#include "test_patterns.h"

namespace copycat::policy {
namespace {

TEST(RepositoryNameTest, ValidComponentsFollowTheDistributionGrammar) {
  for (const char* component :
       {"a", "nginx", "a.b", "a_b", "a__b", "a-b", "a---b", "0", "a1.b2_c3__d4-e5"}) {
    SCOPED_TRACE(component);
    EXPECT_TRUE(isValidPathComponent(component));
  }
}

TEST(RepositoryNameTest, InvalidComponentsAreRejected) {
  for (const char* component : {"", "-a", "a-", ".a", "a.", "_a", "a_", "a..b", "a___b", "a._b",
                                "a-_b", "A", "a b", "a:b", "a/b", "a@b", "ä"}) {
    SCOPED_TRACE(component);
    EXPECT_FALSE(isValidPathComponent(component));
  }
}

TEST(RepositoryNameTest, PathsNeedNonEmptyValidComponents) {
  EXPECT_TRUE(isValidRepositoryPath("library/nginx"));
  EXPECT_TRUE(isValidRepositoryPath("a/b/c/d"));
  EXPECT_FALSE(isValidRepositoryPath(""));
  EXPECT_FALSE(isValidRepositoryPath("/a"));
  EXPECT_FALSE(isValidRepositoryPath("a/"));
  EXPECT_FALSE(isValidRepositoryPath("a//b"));
}

struct SanitizeCase {
  const char* input;
  const char* want;
  bool lower, replaced, fixed, trimmed, dropped;
};

TEST(RepositoryNameTest, SanitizerRepairsEachKindOfDefect) {
  const SanitizeCase cases[] = {
      {"library/nginx", "library/nginx", false, false, false, false, false},
      {"Library/NGINX", "library/nginx", true, false, false, false, false},
      {"my app/x", "my-app/x", false, true, false, false, false},
      {"a$$$b", "a-b", false, true, false, false, false},
      {"localhost:5000/x", "localhost-5000/x", false, true, false, false, false},
      {"a..b", "a-b", false, false, true, false, false},
      {"a___b", "a-b", false, false, true, false, false},
      {"a._b", "a-b", false, false, true, false, false},
      {"a.$b", "a-b", false, true, true, false, false},
      {"a__b/c--d", "a__b/c--d", false, false, false, false, false},
      {"-a-/_b_", "a/b", false, false, false, true, false},
      {"__mirror__", "mirror", false, false, false, true, false},
      {"/a//b/", "a/b", false, false, false, false, true},
      {"a/___/b", "a/b", false, false, false, true, true},
      {"\xc3\xa4/x", "x", false, true, false, true, true},
      {"", "", false, false, false, false, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    SanitizedPath got = sanitizeRepositoryPath(c.input);
    EXPECT_EQ(got.path, c.want);
    EXPECT_EQ(got.lower_cased, c.lower);
    EXPECT_EQ(got.replaced_invalid, c.replaced);
    EXPECT_EQ(got.fixed_separators, c.fixed);
    EXPECT_EQ(got.trimmed_separators, c.trimmed);
    EXPECT_EQ(got.dropped_empty, c.dropped);
    EXPECT_EQ(got.changed(), got.notes().size() > 0);
  }
}

TEST(RepositoryNameTest, NotesNameEveryChange) {
  SanitizedPath got = sanitizeRepositoryPath("/Team A/..x");
  EXPECT_EQ(got.path, "team-a/x");
  std::vector<std::string> want = {
      "lower-cased upper-case characters", "replaced invalid characters with '-'",
      "trimmed separators at component edges", "dropped empty path components"};
  EXPECT_EQ(got.notes(), want);
}

// Property: whatever goes in, the output is empty or valid for both the distribution grammar
// and the ECR RepositoryName pattern, and sanitising again changes nothing.
TEST(RepositoryNameTest, RandomInputsSanitizeToValidIdempotentPaths) {
  re2::RE2 ecr{std::string(kEcrRepositoryNamePattern)};
  re2::RE2 distribution{std::string(kDistributionPathPattern)};
  ASSERT_TRUE(ecr.ok());
  ASSERT_TRUE(distribution.ok());
  const std::string alphabet = "abcXYZ019._-/:@ $\xc3\xa4";
  std::mt19937 rng(12345);  // fixed seed: deterministic
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  for (int i = 0; i < 5000; ++i) {
    std::string input;
    for (int n = length(rng); n > 0; --n) {
      input += alphabet[pick(rng)];
    }
    SCOPED_TRACE(input);
    SanitizedPath got = sanitizeRepositoryPath(input);
    if (!got.path.empty()) {
      EXPECT_TRUE(isValidRepositoryPath(got.path)) << got.path;
      EXPECT_TRUE(re2::RE2::FullMatch(got.path, ecr)) << got.path;
      EXPECT_TRUE(re2::RE2::FullMatch(got.path, distribution)) << got.path;
    }
    SanitizedPath again = sanitizeRepositoryPath(got.path);
    EXPECT_EQ(again.path, got.path);
    EXPECT_FALSE(again.changed());
    EXPECT_EQ(isValidRepositoryPath(input), !got.changed() && !input.empty());
  }
}

}  // namespace
}  // namespace copycat::policy
