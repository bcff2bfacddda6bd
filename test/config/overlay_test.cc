// Precedence: YAML < environment < flags; aliases and legacy spellings.
#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace copycat::config {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::kMinimalEcr;
using testing::loadOk;
using testing::loadProblems;

TEST(EnvOverlayTest, EnvironmentOverridesTheFile) {
  auto loaded = loadOk(std::string(kMinimalEcr) + "dryRun: false\nmetricsAddr: \":7000\"\n",
                       {{"DRY_RUN", "true"},
                        {"METRICS_ADDR", ":9000"},
                        {"AWS_REGION", "us-east-1"},
                        {"TARGET_KIND", "ECR"},
                        {"REGISTRY_REQUEST_TIMEOUT", "45"},
                        {"LOG_LEVEL", "2"}});
  EXPECT_TRUE(loaded.config.dry_run);
  EXPECT_EQ(loaded.config.metrics_addr, ":9000");
  EXPECT_EQ(loaded.config.ecr.region, "us-east-1");
  EXPECT_EQ(loaded.config.request_timeout_seconds, 45);
  EXPECT_EQ(loaded.config.log_level, log::Level::kDebug);
  EXPECT_EQ(loaded.originOf("ecr.region").source, Source::kEnv);
  EXPECT_EQ(loaded.originOf("ecr.region").env_var, "AWS_REGION");
  EXPECT_EQ(loaded.originOf("dryRun").env_var, "DRY_RUN");
}

TEST(EnvOverlayTest, EveryDocumentedVariableIsRead) {
  auto loaded = loadOk("", {{"TARGET_KIND", "docker"},
                            {"TARGET_REGISTRY", "reg.local:5000"},
                            {"TARGET_REPO_PREFIX", "mirror"},
                            {"TARGET_INSECURE", "yes"},
                            {"TARGET_USERNAME", "pusher"},
                            {"TARGET_PASSWORD", "pw"},
                            {"ECR_ACCOUNT_ID", "123456789012"},
                            {"ECR_REPO_PREFIX", "p"},
                            {"ECR_CREATE_REPO", "false"},
                            {"ECR_ASSUME_ROLE_ARN", "arn:aws:iam::123456789012:role/x"},
                            {"SKIP_DEPLOYMENTS", "a,ns/b"},
                            {"SKIP_STATEFULSETS", "s"},
                            {"SKIP_DAEMONSETS", "d"},
                            {"SKIP_JOBS", "j"},
                            {"SKIP_CRONJOBS", "c"},
                            {"SKIP_PODS", "p"},
                            {"EXCLUDE_REGISTRIES", "quay.io"},
                            {"DRY_PULL", "1"},
                            {"DIGEST_PULL", "on"},
                            {"DIGEST_PULL_IGNORED_TAGS", "latest,edge"},
                            {"CHECK_NODE_PLATFORM", "true"},
                            {"MIRROR_PLATFORMS", "linux/amd64, arm64"},
                            {"IGNORE_MISSING_PLATFORMS", "^a\\|linux/arm64$"},
                            {"ALLOW_DIFFERENT_DIGEST_REPUSH", "false"},
                            {"REGISTRY_RETRY_ATTEMPTS", "4"},
                            {"REGISTRY_RETRY_BACKOFF", "0"},
                            {"FAILURE_COOLDOWN_MINUTES", "15"},
                            {"FORCE_RECONCILE_MINUTES", "10"},
                            {"MAX_CONCURRENT_RECONCILES", "3"},
                            {"DEBUG", "true"},
                            {"HEALTH_ADDR", ":9443"},
                            {"ADMIN_TOKEN", "t0ken"},
                            {"LEADER_ELECT", "false"},
                            {"POD_NAMESPACE", "copycat"},
                            {"INSECURE_REGISTRIES", "localhost:5000"},
                            {"PUSH_INTERVAL", "250ms"}});
  const Config& c = loaded.config;
  EXPECT_EQ(c.target_kind, TargetKind::kDocker);
  EXPECT_EQ(c.docker.registry, "reg.local:5000");
  EXPECT_EQ(c.docker.repo_prefix, "mirror");
  EXPECT_TRUE(c.docker.insecure);
  EXPECT_EQ(c.docker.username, "pusher");
  EXPECT_EQ(c.docker.password, "pw");
  EXPECT_EQ(c.ecr.account_id, "123456789012");
  EXPECT_EQ(c.ecr.repo_prefix, "p");
  EXPECT_FALSE(c.ecr.create_repo);
  EXPECT_EQ(c.ecr.assume_role_arn, "arn:aws:iam::123456789012:role/x");
  EXPECT_EQ(c.skip_names.deployments, (std::vector<std::string>{"a", "ns/b"}));
  EXPECT_EQ(c.skip_names.stateful_sets, std::vector<std::string>{"s"});
  EXPECT_EQ(c.skip_names.daemon_sets, std::vector<std::string>{"d"});
  EXPECT_EQ(c.skip_names.jobs, std::vector<std::string>{"j"});
  EXPECT_EQ(c.skip_names.cron_jobs, std::vector<std::string>{"c"});
  EXPECT_EQ(c.skip_names.pods, std::vector<std::string>{"p"});
  EXPECT_EQ(c.exclude_registries, std::vector<std::string>{"quay.io"});
  EXPECT_TRUE(c.dry_pull);
  EXPECT_TRUE(c.digest_pull);
  EXPECT_EQ(c.digest_pull_ignored_tags, (std::vector<std::string>{"latest", "edge"}));
  EXPECT_TRUE(c.check_node_platform);
  EXPECT_EQ(c.mirror_platforms, (std::vector<std::string>{"linux/amd64", "linux/arm64/v8"}));
  EXPECT_EQ(c.ignore_missing_platforms, std::vector<std::string>{"^a\\|linux/arm64$"});
  EXPECT_FALSE(c.allow_different_digest_repush);
  EXPECT_EQ(c.registry_retry_attempts, 4);
  EXPECT_EQ(c.registry_retry_backoff_seconds, 0);
  EXPECT_EQ(c.failure_cooldown_minutes, 15);
  EXPECT_EQ(c.force_reconcile_minutes, 10);
  EXPECT_EQ(c.max_concurrent_reconciles, 3);
  EXPECT_TRUE(c.debug);
  EXPECT_EQ(c.log_level, log::Level::kDebug);  // debug implies logLevel debug
  EXPECT_EQ(c.health_addr, ":9443");
  EXPECT_EQ(c.admin_token, "t0ken");
  EXPECT_FALSE(c.leader_elect);
  EXPECT_EQ(c.leader_election_namespace, "copycat");
  EXPECT_EQ(c.insecure_registries, std::vector<std::string>{"localhost:5000"});
  EXPECT_EQ(c.push_interval.count(), 250'000'000);
}

TEST(EnvOverlayTest, ListsFromTheEnvironmentReplaceTheFileList) {
  auto loaded = loadOk(std::string(kMinimalEcr) +
                           "includeNamespaces: [a, b, c]\nskipNamespaces: [x]\n"
                           "watchResources: [deployments, pods, jobs]\n",
                       {{"INCLUDE_NAMESPACES", " prod , ,team-* "},
                        {"WATCH_RESOURCES", "Pods"},
                        {"SKIP_NAMESPACES", "kube-system"}});
  EXPECT_EQ(loaded.config.include_namespaces, (std::vector<std::string>{"prod", "team-*"}));
  EXPECT_EQ(loaded.config.watch_resources, std::vector<std::string>{"pods"});
  EXPECT_EQ(loaded.config.skip_namespaces, std::vector<std::string>{"kube-system"});
  EXPECT_EQ(loaded.originOf("includeNamespaces").env_var, "INCLUDE_NAMESPACES");
}

TEST(EnvOverlayTest, EmptyVariablesAreUnset) {
  auto loaded = loadOk(std::string(kMinimalEcr) + "dryRun: true\nincludeNamespaces: [a]\n",
                       {{"DRY_RUN", ""}, {"INCLUDE_NAMESPACES", "  "}});
  EXPECT_TRUE(loaded.config.dry_run);
  EXPECT_EQ(loaded.config.include_namespaces, std::vector<std::string>{"a"});
  EXPECT_EQ(loaded.originOf("dryRun").source, Source::kFile);
}

TEST(EnvOverlayTest, OnlySeparatorsMeansAllNamespaces) {
  auto loaded =
      loadOk(std::string(kMinimalEcr) + "includeNamespaces: [a]\n", {{"INCLUDE_NAMESPACES", ",,"}});
  EXPECT_EQ(loaded.config.include_namespaces, std::vector<std::string>{"*"});
}

TEST(EnvOverlayTest, InvalidEnvironmentValuesNameTheVariable) {
  auto problems = loadProblems(kMinimalEcr, {{"DRY_RUN", "maybe"},
                                             {"MAX_CONCURRENT_RECONCILES", "0"},
                                             {"REGISTRY_REQUEST_TIMEOUT", "2m"},
                                             {"TARGET_KIND", "gcr"},
                                             {"LOG_LEVEL", "verbose"}});
  EXPECT_EQ(
      problems,
      (std::vector<std::string>{
          R"(targetKind (env TARGET_KIND): unknown target kind "gcr" (allowed: ecr, docker))",
          R"(dryRun (env DRY_RUN): invalid boolean "maybe" (allowed: true/false, yes/no, on/off, 1/0))",
          R"(requestTimeout (env REGISTRY_REQUEST_TIMEOUT): invalid integer "2m")",
          "maxConcurrentReconciles (env MAX_CONCURRENT_RECONCILES): must be >= 1, got 0",
          R"(logLevel (env LOG_LEVEL): invalid log level "verbose" (allowed: debug, info, warn, error, or a numeric verbosity))",
      }));
}

TEST(EnvOverlayTest, LegacyPushIntervallIsReadWithAWarning) {
  auto loaded = loadOk(kMinimalEcr, {{"PUSH_INTERVALL", "2m"}});
  EXPECT_EQ(loaded.config.push_interval, minutes{2});
  EXPECT_EQ(loaded.originOf("pushInterval").env_var, "PUSH_INTERVALL");
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_EQ(loaded.warnings[0],
            "environment variable PUSH_INTERVALL is a legacy spelling; use PUSH_INTERVAL");
}

TEST(EnvOverlayTest, CurrentPushIntervalWinsOverTheLegacySpelling) {
  auto loaded = loadOk(kMinimalEcr, {{"PUSH_INTERVAL", "1h30m"}, {"PUSH_INTERVALL", "5s"}});
  EXPECT_EQ(loaded.config.push_interval, minutes{90});
  EXPECT_EQ(loaded.originOf("pushInterval").env_var, "PUSH_INTERVAL");
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_EQ(loaded.warnings[0],
            "environment variables PUSH_INTERVAL and PUSH_INTERVALL are both set; using "
            "PUSH_INTERVAL");
}

TEST(AliasTest, SecondsSpellingsAreAccepted) {
  auto loaded = loadOk(std::string(kMinimalEcr) +
                       "requestTimeoutSeconds: 90\nregistryRetryBackoffSeconds: 3\n");
  EXPECT_EQ(loaded.config.request_timeout_seconds, 90);
  EXPECT_EQ(loaded.config.registry_retry_backoff_seconds, 3);
  EXPECT_EQ(loaded.originOf("requestTimeout").source, Source::kFile);
  EXPECT_TRUE(loaded.warnings.empty());
}

TEST(AliasTest, BothSpellingsWarnAndTheLastWins) {
  auto loaded =
      loadOk(std::string(kMinimalEcr) + "requestTimeout: 10\nrequestTimeoutSeconds: 20\n");
  EXPECT_EQ(loaded.config.request_timeout_seconds, 20);
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_EQ(loaded.warnings[0],
            R"(key "requestTimeout" is set more than once (line 5); the last value wins)");
}

TEST(FlagOverlayTest, FlagsWinOverEnvironmentAndFile) {
  auto loaded = loadOk(std::string(kMinimalEcr) + "dryRun: false\nmetricsAddr: \":7000\"\n",
                       {{"DRY_RUN", "false"}, {"METRICS_ADDR", ":9000"}},
                       {{"dryRun", "true"},
                        {"metricsAddr", ":9090"},
                        {"healthAddr", ":9091"},
                        {"leaderElect", "false"},
                        {"includeNamespaces", "a,b"},
                        {"requestTimeoutSeconds", "5"},
                        {"pushInterval", "1.5h"}});
  const Config& c = loaded.config;
  EXPECT_TRUE(c.dry_run);
  EXPECT_EQ(c.metrics_addr, ":9090");
  EXPECT_EQ(c.health_addr, ":9091");
  EXPECT_FALSE(c.leader_elect);
  EXPECT_EQ(c.include_namespaces, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.request_timeout_seconds, 5);
  EXPECT_EQ(c.push_interval, minutes{90});
  EXPECT_EQ(loaded.originOf("dryRun").source, Source::kFlag);
  EXPECT_EQ(loaded.originOf("requestTimeout").source, Source::kFlag);
}

TEST(FlagOverlayTest, UnknownAndInvalidFlagsAreProblems) {
  auto problems = loadProblems(kMinimalEcr, {}, {{"dryrun", "true"}, {"pushInterval", "-1s"}});
  EXPECT_EQ(problems, (std::vector<std::string>{
                          R"(flag override: unknown key "dryrun" (did you mean "dryRun"?))",
                          R"(pushInterval (flag): must not be negative, got "-1s")",
                      }));
}

TEST(CredentialEnvTest, UnsetVariablesFallBackToInlineValuesWithAWarning) {
  auto loaded = loadOk(std::string(kMinimalEcr) +
                           "registryCredentials:\n"
                           "  - registry: ghcr.io\n"
                           "    username: inline-user\n"
                           "    usernameEnv: GHCR_USER\n"
                           "    passwordEnv: GHCR_PASS\n",
                       {{"GHCR_PASS", "env-pass"}});
  const auto& cred = loaded.config.registry_credentials.at(0);
  EXPECT_EQ(cred.username, "inline-user");
  EXPECT_EQ(cred.password, "env-pass");
  EXPECT_EQ(loaded.originOf("registryCredentials[0].username").source, Source::kFile);
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_EQ(
      loaded.warnings[0],
      R"(registryCredentials[0].usernameEnv: environment variable "GHCR_USER" is not set; using the inline value, if any)");
}

}  // namespace
}  // namespace copycat::config
