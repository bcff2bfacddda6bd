// Every validation error class with its message, all reported at once, and unknown keys.
#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace copycat::config {
namespace {

using testing::kMinimalEcr;
using testing::loadOk;
using testing::loadProblems;

// Loads `extra` on top of a valid ECR config and expects exactly one problem.
std::string onlyProblem(const std::string& extra, testing::Env env = {}) {
  auto problems = loadProblems(std::string(kMinimalEcr) + extra, std::move(env));
  EXPECT_EQ(problems.size(), 1u) << ::testing::PrintToString(problems);
  return problems.empty() ? "" : problems[0];
}

TEST(ValidationTest, EachProblemClassNamesKeyValueAndWhatIsAllowed) {
  struct Case {
    std::string yaml;
    std::string want;
  };
  const Case cases[] = {
      {"targetKind: gcr\n",
       R"(targetKind (line 4): unknown target kind "gcr" (allowed: ecr, docker))"},
      {"pushInterval: 5 minutes\n",
       R"(pushInterval (line 4): invalid duration "5 minutes": time: unknown unit " minutes" in duration "5 minutes" (use Go syntax such as 300ms, 30s, 1m, 1h30m))"},
      {"pushInterval: -1m\n", R"(pushInterval (line 4): must not be negative, got "-1m")"},
      {"requestTimeout: -5\n", "requestTimeout (line 4): must be >= 0, got -5"},
      {"failureCooldownMinutes: -1\n", "failureCooldownMinutes (line 4): must be >= 0, got -1"},
      {"registryRetryAttempts: 0\n", "registryRetryAttempts (line 4): must be >= 1, got 0"},
      {"maxConcurrentReconciles: 99999999999\n",
       "maxConcurrentReconciles (line 4): must be >= 1, got 99999999999"},
      {"registryConcurrency: abc\n", R"(registryConcurrency (line 4): invalid integer "abc")"},
      {"shutdownTimeoutSeconds: 1.5\n",
       R"(shutdownTimeoutSeconds (line 4): invalid integer "1.5")"},
      {"dryRun: maybe\n",
       R"(dryRun (line 4): invalid boolean "maybe" (allowed: true/false, yes/no, on/off, 1/0))"},
      {"logLevel: loud\n",
       R"(logLevel (line 4): invalid log level "loud" (allowed: debug, info, warn, error, or a numeric verbosity))"},
      {"watchResources: [pods, replicasets]\n",
       R"(watchResources[1] (line 4): unknown watch resource "replicasets" (allowed: deployments, statefulsets, daemonsets, jobs, cronjobs, pods))"},
      {"mirrorPlatforms: [linux/amd64, \"linux//v7\"]\n",
       R"(mirrorPlatforms[1] (line 4): invalid platform "linux//v7": components must match [A-Za-z0-9_.-]+ (want os/arch[/variant], e.g. linux/arm64))"},
      {"mirrorPlatforms: [linux]\n",
       R"(mirrorPlatforms[0] (line 4): invalid platform "linux": an architecture is required (want os/arch[/variant], e.g. linux/arm64))"},
      {"ignoreMissingPlatforms: [\"(unclosed\"]\n",
       R"(ignoreMissingPlatforms[0] (line 4): invalid regular expression "(unclosed": missing ): (unclosed)"},
      {"pathMap:\n  - from: a\n    to: b\n  - from: \"(\"\n    to: x\n    regex: true\n",
       R"(pathMap[1].from (line 7): invalid regular expression "(": missing ): ()"},
      {"pathMap:\n  - to: b\n", "pathMap[0].from (line 5): must not be empty"},
      {"pathMap:\n  - from: a\n    regex: sometimes\n",
       R"(pathMap[0].regex (line 6): invalid boolean "sometimes" (allowed: true/false, yes/no, on/off, 1/0))"},
      {"includeNamespaces: [Prod_1]\n",
       R"(includeNamespaces[0] (line 4): invalid namespace pattern "Prod_1" (want "*", a namespace name or a glob such as "team-*"))"},
      {"skipNamespaces: [\"kube-*\"]\n",
       R"(skipNamespaces[0] (line 4): invalid namespace "kube-*" (want a namespace name))"},
      {"skipNames:\n  pods: [a/b/c]\n",
       R"(skipNames.pods[0] (line 5): invalid name "a/b/c" (want "name", "namespace/name" or "*"))"},
      {"digestPullIgnoredTags: [\".hidden\"]\n",
       R"(digestPullIgnoredTags[0] (line 4): invalid tag ".hidden" (want [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))"},
      {"metricsAddr: \"8080\"\n",
       R"(metricsAddr (line 4): invalid listen address "8080" (want [host]:port such as :8080, or 0 to disable))"},
      {"healthAddr: \":8080\"\n", R"(healthAddr (line 4): must differ from metricsAddr ":8080")"},
      {"leaseName: Copycat\n",
       R"(leaseName (line 4): invalid name "Copycat" (want a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'))"},
      {"leaderElectionNamespace: a.b\n",
       R"(leaderElectionNamespace (line 4): invalid namespace "a.b" (want a namespace name))"},
      {"caFile: /nonexistent/ca.pem\n", R"(caFile (line 4): cannot read "/nonexistent/ca.pem")"},
      {"insecureRegistries: [\"http://reg:5000\"]\n",
       R"(insecureRegistries[0] (line 4): invalid registry host "http://reg:5000" (want host[:port] without a scheme or path))"},
      {"registryCredentials:\n  - username: a\n",
       "registryCredentials[0].registry (line 5): must not be empty"},
      {"registryCredentials:\n  - registry: ghcr.io\n    registryAliases: [\"https://x\"]\n",
       R"(registryCredentials[0].registryAliases[0] (line 6): invalid registry alias "https://x" (want host[:port] or a wildcard such as *.example.com))"},
      {"registryCredentials:\n  - registry: ghcr.io\n    tokenEnv: \"GHCR TOKEN\"\n",
       R"(registryCredentials[0].tokenEnv (line 6): invalid environment variable name "GHCR TOKEN")"},
      {"ecr:\n  lifecyclePolicy: \"{not json\"\n",
       R"(ecr.lifecyclePolicy (line 5): invalid JSON: [json.exception.parse_error.101] parse error at line 1, column 3: syntax error while parsing object key - invalid literal; last read: '{no'; expected string literal)"},
      {"ecr:\n  lifecyclePolicy: '{\"rules\": []}'\n",
       R"(ecr.lifecyclePolicy (line 5): must be a JSON object with a non-empty "rules" list)"},
      {"ecr:\n  repositoryPolicy: '[1]'\n", "ecr.repositoryPolicy (line 5): must be a JSON object"},
      {"ecr:\n  imageTagMutability: sometimes\n",
       R"(ecr.imageTagMutability (line 5): unknown value "sometimes" (allowed: MUTABLE, IMMUTABLE))"},
      {"ecr:\n  encryption:\n    type: rot13\n",
       R"(ecr.encryption.type (line 6): unknown value "rot13" (allowed: AES256, KMS))"},
      {"ecr:\n  encryption:\n    kmsKey: alias/x\n",
       "ecr.encryption.kmsKey (line 6): only allowed when ecr.encryption.type is KMS"},
      {"ecr:\n  assumeRoleArn: role/x\n",
       R"(ecr.assumeRoleArn (line 5): invalid role ARN "role/x" (want arn:aws:iam::<account>:role/<name>))"},
      {"ecr:\n  assumeRoleDurationSeconds: 60\n",
       "ecr.assumeRoleDurationSeconds (line 5): must be between 900 and 43200, got 60"},
      {"ecr:\n  roleSessionName: \"has space\"\n",
       R"(ecr.roleSessionName (line 5): invalid session name "has space" (want 2-64 characters of letters, digits and +=,.@_-))"},
      {"ecr:\n  externalId: x\n",
       R"(ecr.externalId (line 5): invalid external ID "x" (want 2-1224 characters of letters, digits and +=,.@:/_-))"},
      {"ecr:\n  registryEndpoint: \"ftp://x/y\"\n",
       R"(ecr.registryEndpoint (line 5): invalid endpoint "ftp://x/y" (want host[:port] or http(s)://host[:port]))"},
      {"ecr:\n  tags: {\"\": x}\n",
       R"(ecr.tags (line 5): invalid tag "" (keys need 1-128 characters, values at most 256))"},
      {"docker:\n  registry: https://registry.example.com\n",
       R"(docker.registry (line 5): invalid registry "https://registry.example.com" (want host[:port] without a scheme or path))"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    EXPECT_EQ(onlyProblem(c.yaml), c.want);
  }
}

TEST(ValidationTest, EcrTargetNeedsAccountAndRegion) {
  auto problems = loadProblems("targetKind: ecr\n");
  EXPECT_EQ(problems,
            (std::vector<std::string>{
                "ecr.accountID: required when targetKind is ecr (set ecr.accountID or "
                "ECR_ACCOUNT_ID)",
                "ecr.region: required when targetKind is ecr (set ecr.region or AWS_REGION)"}));
  EXPECT_EQ(onlyProblem("ecr:\n  accountID: \"1234\"\n"),
            R"(ecr.accountID (line 5): invalid account ID "1234" (want 12 digits))");
  EXPECT_EQ(
      onlyProblem("", {{"AWS_REGION", "Frankfurt"}}),
      R"(ecr.region (env AWS_REGION): invalid region "Frankfurt" (want a region such as eu-central-1))");
}

TEST(ValidationTest, DockerTargetNeedsARegistryButNoEcrSettings) {
  auto problems = loadProblems("targetKind: docker\n");
  EXPECT_EQ(problems,
            std::vector<std::string>{"docker.registry: required when targetKind is docker (set "
                                     "docker.registry or TARGET_REGISTRY)"});
  auto loaded = loadOk("targetKind: DOCKER\ndocker:\n  registry: localhost:5000\n");
  EXPECT_EQ(loaded.config.target_kind, TargetKind::kDocker);
}

TEST(ValidationTest, ReportsAllProblemsAtOnce) {
  auto problems = loadProblems(
      "targetKind: docker\npushInterval: 10\nrequestTimeout: -1\nwatchResources: [pod]\n"
      "mirrorPlatforms: [\"/\"]\npathMap:\n  - from: \"[\"\n    regex: true\n"
      "ecr:\n  lifecyclePolicy: nope\n",
      {{"MAX_CONCURRENT_RECONCILES", "-2"}});
  EXPECT_EQ(problems.size(), 8u) << ::testing::PrintToString(problems);
  const char* expected_prefixes[] = {"pushInterval (line 2)",
                                     "requestTimeout (line 3)",
                                     "maxConcurrentReconciles (env MAX_CONCURRENT_RECONCILES)",
                                     "docker.registry: required",
                                     "ecr.lifecyclePolicy (line 10): invalid JSON",
                                     "watchResources[0] (line 4)",
                                     "mirrorPlatforms[0] (line 5)",
                                     "pathMap[0].from (line 7)"};
  for (size_t i = 0; i < problems.size() && i < std::size(expected_prefixes); ++i) {
    EXPECT_EQ(problems[i].rfind(expected_prefixes[i], 0), 0u) << problems[i];
  }
}

TEST(ValidationTest, ProblemsStayOnOneLine) {
  auto problems = loadProblems(std::string(kMinimalEcr) + "ignoreMissingPlatforms: [\"a\\n(\"]\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(
      problems[0],
      R"(ignoreMissingPlatforms[0] (line 4): invalid regular expression "a\n(": missing ): a\n()");
}

TEST(ValidationTest, NormalisesSpellings) {
  auto loaded =
      loadOk(std::string(kMinimalEcr) +
             "watchResources: [PODS, pods, Jobs]\nmirrorPlatforms: [Linux/ARM64, amd64]\n"
             "insecureRegistries: [Reg.Local:5000]\n"
             "registryCredentials:\n  - registry: GHCR.io\n    registryAliases: [\"*.GHCR.io\"]\n");
  EXPECT_EQ(loaded.config.watch_resources, (std::vector<std::string>{"pods", "jobs"}));
  EXPECT_EQ(loaded.config.mirror_platforms,
            (std::vector<std::string>{"linux/arm64/v8", "linux/amd64"}));
  EXPECT_EQ(loaded.config.insecure_registries, std::vector<std::string>{"reg.local:5000"});
  EXPECT_EQ(loaded.config.registry_credentials[0].registry, "ghcr.io");
  EXPECT_EQ(loaded.config.registry_credentials[0].registry_aliases,
            std::vector<std::string>{"*.ghcr.io"});
}

TEST(ValidationTest, ListenAddressesAcceptHostsPortZeroAndDisable) {
  for (const char* addr : {":8080", "0.0.0.0:9090", "localhost:1", "[::1]:8080", "[::]:0", "0"}) {
    SCOPED_TRACE(addr);
    auto loaded = loadOk(std::string(kMinimalEcr), {}, {{"metricsAddr", addr}});
    EXPECT_EQ(loaded.config.metrics_addr, addr);
  }
  auto both_ephemeral = loadOk(kMinimalEcr, {}, {{"metricsAddr", ":0"}, {"healthAddr", ":0"}});
  EXPECT_EQ(both_ephemeral.config.health_addr, ":0");
}

TEST(UnknownKeyTest, SuggestsTheClosestKnownKey) {
  auto loaded = loadOk(std::string(kMinimalEcr) +
                       "pathmap: []\nnamespaces: [a]\nzzzzzz: 1\n"
                       "ecr:\n  regoin: x\n"
                       "skipNames:\n  deployment: [a]\n"
                       "pathMap:\n  - from: a\n    form: b\n");
  EXPECT_EQ(
      loaded.warnings,
      (std::vector<std::string>{
          R"(unknown key "pathmap" (did you mean "pathMap"?) at line 4)",
          R"(unknown key "namespaces" at line 5)",
          R"(unknown key "zzzzzz" at line 6)",
          R"(unknown key "ecr.regoin" (did you mean "ecr.region"?) at line 8)",
          R"(unknown key "skipNames.deployment" (did you mean "skipNames.deployments"?) at line 10)",
          R"(unknown key "pathMap[0].form" (did you mean "pathMap[0].from"?) at line 13)",
      }));
}

TEST(UnknownKeyTest, SuggestsInsideCredentialItems) {
  auto loaded = loadOk(std::string(kMinimalEcr) +
                       "registryCredentials:\n  - registry: ghcr.io\n    passwordENV: X\n");
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_EQ(
      loaded.warnings[0],
      R"(unknown key "registryCredentials[0].passwordENV" (did you mean "registryCredentials[0].passwordEnv"?) at line 6)");
}

}  // namespace
}  // namespace copycat::config

namespace copycat::config {
namespace {

TEST(ValidationTest, TargetKeysAreNotRequiredWhenTheCommandNamesItsOwnDestination) {
  auto opts = testing::options();
  opts.require_target = false;
  auto loaded = loadConfigFromString("targetKind: ecr\nregistryRetryAttempts: 5\n", opts);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->config.registry_retry_attempts, 5);
  // Values that are set are still validated.
  auto bad = loadConfigFromString("ecr:\n  accountID: \"1234\"\n", opts);
  EXPECT_FALSE(bad);
}

}  // namespace
}  // namespace copycat::config
