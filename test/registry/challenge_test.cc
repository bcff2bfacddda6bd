// WWW-Authenticate parsing against every case of test/data/conformance/www_authenticate.json
// (see SOURCE.md there): the strict verdict must equal the file's RFC 9110 `expected` column,
// and what is salvaged from invalid headers must equal the observed output of the real parser
// whose recovery we chose for that problem family (documented in registry/auth/challenge.h).
#include "registry/auth/challenge.h"

#include <fstream>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace copycat::registry::auth {
namespace {

using nlohmann::json;

constexpr char kDistribution[] =
    "distribution (docker/distribution, go-containerregistry, containers/image, containerd "
    "family)";
constexpr char kRegclient[] = "regclient";

const json& conformance() {
  static const json kDoc = [] {
    std::ifstream in(std::string(COPYCAT_TEST_DATA_DIR) + "/conformance/www_authenticate.json");
    return json::parse(in);
  }();
  return kDoc;
}

std::vector<Challenge> challengesFrom(const json& list) {
  std::vector<Challenge> out;
  for (const json& item : list) {
    Challenge c;
    c.scheme = item.at("scheme").get<std::string>();
    if (item.contains("params") && item["params"].is_object()) {
      c.params = item["params"].get<std::map<std::string, std::string>>();
    }
    if (item.contains("token68")) c.token68 = item["token68"].get<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

std::string describe(const std::vector<Challenge>& challenges) {
  json out = json::array();
  for (const Challenge& c : challenges) {
    out.push_back({{"scheme", c.scheme}, {"params", c.params}, {"token68", c.token68}});
  }
  return out.dump();
}

// Invalid cases: whose observed parse our salvage reproduces (the recovery policy per family).
const std::map<std::string, std::string>& salvagePolicy() {
  static const std::map<std::string, std::string> kPolicy = {
      {"ggcr-unterminated-quote", kDistribution},    // stop at the broken quoted-string
      {"oras-empty", kDistribution},                 // nothing to salvage
      {"oras-param-no-value", kDistribution},        // drop the empty param, keep the rest
      {"oras-param-no-value-space", kDistribution},  // same
      {"oras-incomplete-quote", kDistribution},      // keep params before the broken one
      {"regclient-unquoted-slash", kRegclient},      // keep a non-token unquoted value
      {"regclient-quoted-scheme", kDistribution},    // no scheme: nothing
      {"regclient-missing-commas", kDistribution},   // stop at the missing ','
      {"regclient-missing-close-quote", kDistribution},
      {"regclient-escape-at-eol", kDistribution},
  };
  return kPolicy;
}

TEST(ChallengeConformanceTest, EveryCaseMatchesTheStrictExpectation) {
  const json& doc = conformance();
  ASSERT_EQ(doc.at("cases").size(), doc.at("count").get<size_t>());
  int valid_cases = 0;
  for (const json& c : doc.at("cases")) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    ChallengeParse parsed = parseChallenges(c.at("headers").get<std::vector<std::string>>());
    const json& expected = c.at("expected");
    ASSERT_EQ(parsed.valid, expected.at("valid").get<bool>()) << parsed.problem;
    if (parsed.valid) {
      ++valid_cases;
      EXPECT_TRUE(parsed.problem.empty());
      std::vector<Challenge> want = challengesFrom(expected.at("challenges"));
      EXPECT_EQ(parsed.challenges, want) << describe(parsed.challenges) << " vs " << describe(want);
    } else {
      EXPECT_EQ(parsed.problem, expected.at("error").get<std::string>());
    }
  }
  EXPECT_EQ(valid_cases, 61);
}

TEST(ChallengeConformanceTest, InvalidHeadersSalvageWhatTheChosenParserObserved) {
  std::set<std::string> seen;
  for (const json& c : conformance().at("cases")) {
    if (c.at("expected").at("valid").get<bool>()) continue;
    std::string id = c.at("id").get<std::string>();
    SCOPED_TRACE(id);
    auto policy = salvagePolicy().find(id);
    ASSERT_NE(policy, salvagePolicy().end()) << "no recovery decision for this invalid case";
    seen.insert(id);
    ChallengeParse parsed = parseChallenges(c.at("headers").get<std::vector<std::string>>());
    std::vector<Challenge> want = challengesFrom(c.at("observed").at(policy->second));
    EXPECT_EQ(parsed.challenges, want) << describe(parsed.challenges) << " vs " << describe(want);
  }
  EXPECT_EQ(seen.size(), salvagePolicy().size());
}

TEST(ChallengeConformanceTest, PreferredChallengeFollowsTheGuidance) {
  std::map<std::string, std::string> want = {
      {"ggcr-negotiate-then-basic", "basic"},
      {"ggcr-negotiate-digest-only", ""},
      {"regclient-multi-challenge", "bearer"},
      {"ecr-private-basic", "basic"},
      {"dockerhub-v2-ping", "bearer"},
      {"oras-bearer-no-params", ""},  // Bearer without a realm cannot be answered
  };
  for (const json& c : conformance().at("cases")) {
    auto it = want.find(c.at("id").get<std::string>());
    if (it == want.end()) continue;
    SCOPED_TRACE(it->first);
    ChallengeParse parsed = parseChallenges(c.at("headers").get<std::vector<std::string>>());
    const Challenge* chosen = preferredChallenge(parsed.challenges);
    EXPECT_EQ(chosen == nullptr ? "" : chosen->scheme, it->second);
  }
}

TEST(ChallengeTest, BearerChallengeSplitsScopesOnBlanks) {
  ChallengeParse parsed = parseChallenges(
      "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
      "scope=\"repository:foo/bar:pull,push "
      "repository:foo/baz:pull\",error=\"insufficient_scope\"");
  std::optional<BearerChallenge> bearer = bearerChallenge(parsed.challenges);
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->realm, "https://auth.docker.io/token");
  EXPECT_EQ(bearer->service, "registry.docker.io");
  EXPECT_EQ(bearer->scopes,
            (std::vector<std::string>{"repository:foo/bar:pull,push", "repository:foo/baz:pull"}));
  EXPECT_EQ(bearer->error, "insufficient_scope");
}

TEST(ChallengeTest, BearerChallengeWithoutServiceOrScope) {
  ChallengeParse parsed = parseChallenges("Bearer realm=\"https://us-docker.pkg.dev/v2/token\"");
  std::optional<BearerChallenge> bearer = bearerChallenge(parsed.challenges);
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->service, "");
  EXPECT_TRUE(bearer->scopes.empty());
}

TEST(ChallengeTest, BearerChallengeSkipsBasicAndRealmlessBearer) {
  ChallengeParse parsed =
      parseChallenges(std::vector<std::string>{"Basic realm=\"x\"", "Bearer", "Bearer realm=y"});
  std::optional<BearerChallenge> bearer = bearerChallenge(parsed.challenges);
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->realm, "y");
  EXPECT_FALSE(bearerChallenge(parseChallenges("Basic realm=\"x\"").challenges));
}

TEST(ChallengeTest, Token68WithPaddingAndFollowingChallenge) {
  ChallengeParse parsed = parseChallenges("Negotiate YII+/abc==, Basic realm=\"r\"");
  ASSERT_TRUE(parsed.valid) << parsed.problem;
  ASSERT_EQ(parsed.challenges.size(), 2u);
  EXPECT_EQ(parsed.challenges[0].token68, "YII+/abc==");
  EXPECT_EQ(parsed.challenges[1].scheme, "basic");
}

TEST(ChallengeTest, EmptyListElementsAndTabsAreAccepted) {
  ChallengeParse parsed = parseChallenges(" , Bearer\trealm=\"r\" ,, service=s ,");
  ASSERT_TRUE(parsed.valid) << parsed.problem;
  ASSERT_EQ(parsed.challenges.size(), 1u);
  EXPECT_EQ(parsed.challenges[0].params,
            (std::map<std::string, std::string>{{"realm", "r"}, {"service", "s"}}));
}

TEST(ChallengeTest, DuplicateParameterKeepsTheFirstAndIsReported) {
  ChallengeParse parsed = parseChallenges("Bearer realm=\"a\",Realm=\"b\",service=s");
  EXPECT_FALSE(parsed.valid);
  EXPECT_EQ(parsed.problem, "duplicate parameter 'realm'");
  ASSERT_EQ(parsed.challenges.size(), 1u);
  EXPECT_EQ(*parsed.challenges[0].param("realm"), "a");
  EXPECT_EQ(*parsed.challenges[0].param("service"), "s");
}

TEST(ChallengeTest, UnquotedUrlIsKeptButReported) {
  ChallengeParse parsed = parseChallenges("Bearer realm=https://auth.example.com/token,service=x");
  EXPECT_FALSE(parsed.valid);
  EXPECT_EQ(parsed.problem, "empty or invalid param value for 'realm'");
  std::optional<BearerChallenge> bearer = bearerChallenge(parsed.challenges);
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->realm, "https://auth.example.com/token");
  EXPECT_EQ(bearer->service, "x");
}

TEST(ChallengeTest, ControlCharacterInQuotedStringStopsTheLine) {
  ChallengeParse parsed = parseChallenges(std::string("Basic realm=\"a\x01") + "b\"");
  EXPECT_FALSE(parsed.valid);
  EXPECT_EQ(parsed.problem, "invalid character in quoted-string at offset 14");
}

TEST(ChallengeTest, ProblemsNameTheLineWhenThereAreSeveral) {
  ChallengeParse parsed =
      parseChallenges(std::vector<std::string>{"Basic realm=\"ok\"", "Bearer realm=\"open"});
  EXPECT_FALSE(parsed.valid);
  EXPECT_EQ(parsed.problem, "header line 2: unterminated quoted-string");
  ASSERT_EQ(parsed.challenges.size(), 2u);  // the good line is unaffected
  EXPECT_EQ(*parsed.challenges[0].param("realm"), "ok");
}

TEST(ChallengeTest, NoHeaderLinesIsNoChallenge) {
  ChallengeParse parsed = parseChallenges(std::vector<std::string>{});
  EXPECT_FALSE(parsed.valid);
  EXPECT_EQ(parsed.problem, "no challenge");
}

TEST(ChallengeTest, SchemeGluedToAQuoteIsReported) {
  ChallengeParse parsed = parseChallenges("Basic\"realm\"");
  EXPECT_FALSE(parsed.valid);
  EXPECT_EQ(parsed.problem, "expected ' ' or ',' after scheme at offset 5 (found '\"')");
  ASSERT_EQ(parsed.challenges.size(), 1u);
  EXPECT_EQ(parsed.challenges[0].scheme, "basic");
}

}  // namespace
}  // namespace copycat::registry::auth
