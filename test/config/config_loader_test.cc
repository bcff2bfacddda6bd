// Defaults, parsing of every key from YAML, and how the file is found and read.
#include "config/config_loader.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_test_util.h"

namespace copycat::config {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using testing::kMinimalEcr;
using testing::load;
using testing::loadOk;
using testing::loadProblems;
using testing::options;

TEST(ConfigDefaultsTest, MatchTheDocumentedDefaults) {
  auto loaded = loadOk(kMinimalEcr);
  const Config& c = loaded.config;
  EXPECT_EQ(c.target_kind, TargetKind::kEcr);
  EXPECT_TRUE(c.ecr.create_repo);
  EXPECT_EQ(c.ecr.role_session_name, "k8s-copycat");
  EXPECT_EQ(c.ecr.assume_role_duration_seconds, 3600);
  EXPECT_FALSE(c.ecr.reconcile_settings);
  EXPECT_EQ(c.ecr.image_tag_mutability, "MUTABLE");
  EXPECT_FALSE(c.ecr.scan_on_push);
  EXPECT_EQ(c.ecr.encryption.type, "AES256");
  EXPECT_TRUE(c.ecr.tags.empty());
  EXPECT_EQ(c.docker.registry, "");
  EXPECT_FALSE(c.docker.insecure);
  EXPECT_EQ(c.include_namespaces, std::vector<std::string>{"*"});
  EXPECT_TRUE(c.skip_namespaces.empty());
  EXPECT_EQ(c.watch_resources,
            (std::vector<std::string>{"deployments", "statefulsets", "daemonsets", "jobs",
                                      "cronjobs", "pods"}));
  EXPECT_EQ(c.push_interval.count(), 0);
  EXPECT_FALSE(c.dry_run);
  EXPECT_FALSE(c.dry_pull);
  EXPECT_FALSE(c.digest_pull);
  EXPECT_EQ(c.digest_pull_ignored_tags, std::vector<std::string>{"latest"});
  EXPECT_FALSE(c.check_node_platform);
  EXPECT_TRUE(c.allow_different_digest_repush);
  EXPECT_EQ(c.request_timeout_seconds, 300);
  EXPECT_EQ(c.registry_retry_attempts, 3);
  EXPECT_EQ(c.registry_retry_backoff_seconds, 10);
  EXPECT_EQ(c.failure_cooldown_minutes, 60);
  EXPECT_EQ(c.force_reconcile_minutes, 0);
  EXPECT_EQ(c.max_concurrent_reconciles, 2);
  EXPECT_EQ(c.registry_concurrency, 4);
  EXPECT_EQ(c.shutdown_timeout_seconds, 25);
  EXPECT_EQ(c.log_level, log::Level::kInfo);
  EXPECT_FALSE(c.debug);
  EXPECT_EQ(c.metrics_addr, ":8080");
  EXPECT_EQ(c.health_addr, ":8081");
  EXPECT_EQ(c.admin_token, "");
  EXPECT_TRUE(c.leader_elect);
  EXPECT_EQ(c.leader_election_namespace, "");
  EXPECT_EQ(c.lease_name, "k8s-copycat");
  EXPECT_TRUE(c.events);
  EXPECT_TRUE(c.path_map.empty());
  EXPECT_TRUE(c.registry_credentials.empty());
  EXPECT_TRUE(loaded.warnings.empty());
  EXPECT_EQ(loaded.originOf("metricsAddr").source, Source::kDefault);
  EXPECT_EQ(loaded.originOf("ecr.region").source, Source::kFile);
}

constexpr char kFullConfig[] = R"yaml(
targetKind: Docker
logLevel: warn
debug: false
dryRun: true
dryPull: yes
ecr:
  accountID: "123456789012"
  region: us-gov-west-1
  repoPrefix: mirror/$registry
  createRepo: false
  assumeRoleArn: arn:aws:iam::123456789012:role/CentralECRPushRole
  externalId: copycat-external
  roleSessionName: copycat-session
  assumeRoleDurationSeconds: 7200
  registryEndpoint: http://127.0.0.1:5000
  lifecyclePolicy: |
    {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any",
      "countType": "imageCountMoreThan", "countNumber": 5}, "action": {"type": "expire"}}]}
  repositoryPolicy: '{"Version": "2012-10-17", "Statement": []}'
  reconcileSettings: true
  imageTagMutability: immutable
  scanOnPush: true
  encryption:
    type: kms
    kmsKey: arn:aws:kms:eu-central-1:123456789012:key/abc
  tags:
    team: platform
    cost-center: "42"
docker:
  registry: registry.example.com:5000
  repoPrefix: mirror/$namespace
  insecure: true
includeNamespaces: [production, "team-*"]
skipNamespaces: [kube-system]
skipNames:
  deployments: [production/temporary-test]
  statefulSets: ["*"]
  daemonSets: [ds]
  jobs: [job-a, job-b]
  cronJobs: [cj]
  pods: [manual-debug]
watchResources: [Deployments, pods]
excludeRegistries: [123456789012.dkr.ecr.eu-central-1.amazonaws.com]
pushInterval: 1m30s
digestPull: true
digestPullIgnoredTags: [latest, stable]
checkNodePlatform: true
mirrorPlatforms: [linux/amd64, linux/arm64/v8]
ignoreMissingPlatforms: ['^registry\.gitlab\.com/.+\|linux/arm64$', 'a{1,3}']
allowDifferentDigestRepush: false
requestTimeout: 120
registryRetryAttempts: 5
registryRetryBackoff: 7
failureCooldownMinutes: 0
forceReconcileMinutes: 30
maxConcurrentReconciles: 8
registryConcurrency: 6
shutdownTimeoutSeconds: 40
metricsAddr: 127.0.0.1:9090
healthAddr: ":9091"
adminToken: s3cret
leaderElect: false
leaderElectionNamespace: copycat
leaseName: copycat-lease
events: false
insecureRegistries: [localhost:5000]
pathMap:
  - from: group/project
    to: prod/project
  - from: "^legacy/(.*)"
    to: modern/$1
    regex: true
registryCredentials:
  - registry: Index.Docker.IO
    registryAliases: [docker.io, "*.docker.io"]
    usernameEnv: DOCKERHUB_USERNAME
    passwordEnv: DOCKERHUB_PASSWORD
  - registry: ghcr.io
    username: bot
    password: inline-pass
    token: inline-token
    tokenEnv: GHCR_TOKEN
)yaml";

TEST(ConfigFileTest, ParsesEveryKey) {
  auto loaded = loadOk(kFullConfig, {{"DOCKERHUB_USERNAME", "hubuser"},
                                     {"DOCKERHUB_PASSWORD", "hubpass"},
                                     {"GHCR_TOKEN", "ghcr-token"}});
  const Config& c = loaded.config;
  EXPECT_EQ(c.target_kind, TargetKind::kDocker);
  EXPECT_EQ(c.log_level, log::Level::kWarn);
  EXPECT_TRUE(c.dry_run);
  EXPECT_TRUE(c.dry_pull);
  EXPECT_EQ(c.ecr.account_id, "123456789012");
  EXPECT_EQ(c.ecr.region, "us-gov-west-1");
  EXPECT_EQ(c.ecr.repo_prefix, "mirror/$registry");
  EXPECT_FALSE(c.ecr.create_repo);
  EXPECT_EQ(c.ecr.assume_role_arn, "arn:aws:iam::123456789012:role/CentralECRPushRole");
  EXPECT_EQ(c.ecr.external_id, "copycat-external");
  EXPECT_EQ(c.ecr.role_session_name, "copycat-session");
  EXPECT_EQ(c.ecr.assume_role_duration_seconds, 7200);
  EXPECT_EQ(c.ecr.registry_endpoint, "http://127.0.0.1:5000");
  EXPECT_NE(c.ecr.lifecycle_policy.find("imageCountMoreThan"), std::string::npos);
  EXPECT_EQ(c.ecr.repository_policy, R"({"Version": "2012-10-17", "Statement": []})");
  EXPECT_TRUE(c.ecr.reconcile_settings);
  EXPECT_EQ(c.ecr.image_tag_mutability, "IMMUTABLE");
  EXPECT_TRUE(c.ecr.scan_on_push);
  EXPECT_EQ(c.ecr.encryption.type, "KMS");
  EXPECT_EQ(c.ecr.encryption.kms_key, "arn:aws:kms:eu-central-1:123456789012:key/abc");
  EXPECT_EQ(c.ecr.tags,
            (std::map<std::string, std::string>{{"cost-center", "42"}, {"team", "platform"}}));
  EXPECT_EQ(c.docker.registry, "registry.example.com:5000");
  EXPECT_EQ(c.docker.repo_prefix, "mirror/$namespace");
  EXPECT_TRUE(c.docker.insecure);
  EXPECT_EQ(c.include_namespaces, (std::vector<std::string>{"production", "team-*"}));
  EXPECT_EQ(c.skip_namespaces, std::vector<std::string>{"kube-system"});
  EXPECT_EQ(c.skip_names.deployments, std::vector<std::string>{"production/temporary-test"});
  EXPECT_EQ(c.skip_names.stateful_sets, std::vector<std::string>{"*"});
  EXPECT_EQ(c.skip_names.daemon_sets, std::vector<std::string>{"ds"});
  EXPECT_EQ(c.skip_names.jobs, (std::vector<std::string>{"job-a", "job-b"}));
  EXPECT_EQ(c.skip_names.cron_jobs, std::vector<std::string>{"cj"});
  EXPECT_EQ(c.skip_names.pods, std::vector<std::string>{"manual-debug"});
  EXPECT_EQ(c.watch_resources, (std::vector<std::string>{"deployments", "pods"}));
  EXPECT_EQ(c.exclude_registries,
            std::vector<std::string>{"123456789012.dkr.ecr.eu-central-1.amazonaws.com"});
  EXPECT_EQ(c.push_interval, minutes{1} + seconds{30});
  EXPECT_TRUE(c.digest_pull);
  EXPECT_EQ(c.digest_pull_ignored_tags, (std::vector<std::string>{"latest", "stable"}));
  EXPECT_TRUE(c.check_node_platform);
  EXPECT_EQ(c.mirror_platforms, (std::vector<std::string>{"linux/amd64", "linux/arm64/v8"}));
  EXPECT_EQ(c.ignore_missing_platforms,
            (std::vector<std::string>{R"(^registry\.gitlab\.com/.+\|linux/arm64$)", "a{1,3}"}));
  EXPECT_FALSE(c.allow_different_digest_repush);
  EXPECT_EQ(c.request_timeout_seconds, 120);
  EXPECT_EQ(c.registry_retry_attempts, 5);
  EXPECT_EQ(c.registry_retry_backoff_seconds, 7);
  EXPECT_EQ(c.failure_cooldown_minutes, 0);
  EXPECT_EQ(c.force_reconcile_minutes, 30);
  EXPECT_EQ(c.max_concurrent_reconciles, 8);
  EXPECT_EQ(c.registry_concurrency, 6);
  EXPECT_EQ(c.shutdown_timeout_seconds, 40);
  EXPECT_EQ(c.metrics_addr, "127.0.0.1:9090");
  EXPECT_EQ(c.health_addr, ":9091");
  EXPECT_EQ(c.admin_token, "s3cret");
  EXPECT_FALSE(c.leader_elect);
  EXPECT_EQ(c.leader_election_namespace, "copycat");
  EXPECT_EQ(c.lease_name, "copycat-lease");
  EXPECT_FALSE(c.events);
  EXPECT_EQ(c.insecure_registries, std::vector<std::string>{"localhost:5000"});
  ASSERT_EQ(c.path_map.size(), 2u);
  EXPECT_EQ(c.path_map[0].from, "group/project");
  EXPECT_EQ(c.path_map[0].to, "prod/project");
  EXPECT_FALSE(c.path_map[0].regex);
  EXPECT_EQ(c.path_map[1].from, "^legacy/(.*)");
  EXPECT_EQ(c.path_map[1].to, "modern/$1");
  EXPECT_TRUE(c.path_map[1].regex);
  ASSERT_EQ(c.registry_credentials.size(), 2u);
  const auto& hub = c.registry_credentials[0];
  EXPECT_EQ(hub.registry, "index.docker.io");
  EXPECT_EQ(hub.registry_aliases, (std::vector<std::string>{"docker.io", "*.docker.io"}));
  EXPECT_EQ(hub.username, "hubuser");
  EXPECT_EQ(hub.password, "hubpass");
  EXPECT_EQ(hub.username_env, "DOCKERHUB_USERNAME");
  EXPECT_EQ(hub.password_env, "DOCKERHUB_PASSWORD");
  const auto& ghcr = c.registry_credentials[1];
  EXPECT_EQ(ghcr.username, "bot");
  EXPECT_EQ(ghcr.password, "inline-pass");
  EXPECT_EQ(ghcr.token, "ghcr-token");  // tokenEnv wins over the inline token
  EXPECT_TRUE(loaded.warnings.empty()) << loaded.warnings.front();
  EXPECT_EQ(loaded.originOf("pathMap[1].regex").source, Source::kFile);
  EXPECT_EQ(loaded.originOf("pathMap[1].regex").line, 73);
  EXPECT_EQ(loaded.originOf("registryCredentials[0].password").source, Source::kEnv);
  EXPECT_EQ(loaded.originOf("registryCredentials[0].password").env_var, "DOCKERHUB_PASSWORD");
}

TEST(ConfigFileTest, EmptyAndNullValuesKeepDefaults) {
  auto loaded = loadOk(std::string(kMinimalEcr) +
                       "requestTimeout:\nincludeNamespaces: []\nwatchResources: ~\n"
                       "digestPullIgnoredTags: []\nallowDifferentDigestRepush:\n");
  EXPECT_EQ(loaded.config.request_timeout_seconds, 300);
  EXPECT_EQ(loaded.config.include_namespaces, std::vector<std::string>{"*"});
  EXPECT_EQ(loaded.config.watch_resources.size(), 6u);
  EXPECT_EQ(loaded.config.digest_pull_ignored_tags, std::vector<std::string>{"latest"});
  EXPECT_TRUE(loaded.config.allow_different_digest_repush);
}

TEST(ConfigFileTest, ListItemsWithCommasAreSplitAndAScalarIsAList) {
  auto loaded = loadOk(std::string(kMinimalEcr) +
                       "skipNamespaces: [\"a, b\", c]\nincludeNamespaces: \"x,y\"\n");
  EXPECT_EQ(loaded.config.skip_namespaces, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(loaded.config.include_namespaces, (std::vector<std::string>{"x", "y"}));
}

TEST(ConfigFileTest, EmptyDocumentMeansDefaults) {
  auto loaded = loadOk("", {{"ECR_ACCOUNT_ID", "123456789012"}, {"AWS_REGION", "eu-west-1"}});
  EXPECT_EQ(loaded.config.ecr.region, "eu-west-1");
  auto comments_only =
      loadOk("# nothing here\n", {{"ECR_ACCOUNT_ID", "123456789012"}, {"AWS_REGION", "eu-west-1"}});
  EXPECT_EQ(comments_only.config.max_concurrent_reconciles, 2);
}

TEST(ConfigFileTest, InvalidYamlIsOneProblemWithItsPosition) {
  auto problems = loadProblems("dryRun: true\npathMap: [\n  - from: a\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("config \"/test/config.yaml\": invalid YAML at line"),
            std::string::npos)
      << problems[0];
}

TEST(ConfigFileTest, TopLevelMustBeAMapping) {
  auto problems = loadProblems("- a\n- b\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0],
            "config \"/test/config.yaml\": the top level must be a mapping of keys, got a list");
}

TEST(ConfigFileTest, WrongShapesAreProblemsNamingTheKey) {
  auto problems = loadProblems(std::string(kMinimalEcr) +
                               "dryRun: [true]\ndocker: registry\nincludeNamespaces: {a: b}\n"
                               "pathMap: {from: a}\nwatchResources: [[pods]]\n"
                               "registryCredentials:\n  - ghcr.io\n");
  EXPECT_EQ(problems, (std::vector<std::string>{
                          "dryRun (line 4): expected a scalar value, got a list",
                          "docker (line 5): expected a mapping, got a scalar",
                          "includeNamespaces (line 6): expected a list of strings, got a mapping",
                          "pathMap (line 7): expected a list of mappings, got a mapping",
                          "watchResources[0] (line 8): expected a string, got a list",
                          "registryCredentials[0] (line 10): expected a mapping, got a scalar",
                      }));
}

class ConfigPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("copycat-config-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigPathTest, MissingFileAtTheDefaultPathMeansDefaults) {
  auto opts = options({{"ECR_ACCOUNT_ID", "123456789012"}, {"AWS_REGION", "eu-west-1"}});
  opts.path = (dir_ / "absent.yaml").string();
  opts.path_explicit = false;
  auto loaded = loadConfig(opts);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_FALSE(loaded->file_found);
  EXPECT_EQ(loaded->file_path, "");
  EXPECT_EQ(loaded->config.ecr.region, "eu-west-1");
}

TEST_F(ConfigPathTest, MissingExplicitFileIsAnError) {
  auto opts = options();
  opts.path = (dir_ / "absent.yaml").string();
  opts.path_explicit = true;
  auto loaded = loadConfig(opts);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(loaded.error().message, "config file \"" + opts.path + "\": does not exist");
}

TEST_F(ConfigPathTest, ConfigPathEnvNamesAnExplicitFile) {
  std::string path = write("from-env.yaml", std::string(kMinimalEcr) + "dryRun: true\n");
  auto opts = options({{"CONFIG_PATH", path}});
  opts.path = (dir_ / "default.yaml").string();
  auto loaded = loadConfig(opts);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_TRUE(loaded->file_found);
  EXPECT_EQ(loaded->file_path, path);
  EXPECT_TRUE(loaded->config.dry_run);

  auto missing = options({{"CONFIG_PATH", (dir_ / "nope.yaml").string()}});
  auto result = loadConfig(missing);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("does not exist"), std::string::npos);
}

TEST_F(ConfigPathTest, ExplicitFlagPathWinsOverConfigPathEnv) {
  std::string flag_path = write("flag.yaml", std::string(kMinimalEcr) + "dryPull: true\n");
  std::string env_path = write("env.yaml", std::string(kMinimalEcr) + "dryRun: true\n");
  auto opts = options({{"CONFIG_PATH", env_path}});
  opts.path = flag_path;
  opts.path_explicit = true;
  auto loaded = loadConfig(opts);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_TRUE(loaded->config.dry_pull);
  EXPECT_FALSE(loaded->config.dry_run);
}

TEST_F(ConfigPathTest, ReadsAnExistingFile) {
  std::string path =
      write("config.yaml", std::string(kMinimalEcr) + "maxConcurrentReconciles: 5\n");
  auto opts = options();
  opts.path = path;
  auto loaded = loadConfig(opts);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(loaded->config.max_concurrent_reconciles, 5);
  EXPECT_EQ(loaded->originOf("maxConcurrentReconciles").line, 4);
}

TEST_F(ConfigPathTest, UnreadablePathIsAnErrorEvenAtTheDefaultPath) {
  std::filesystem::create_directories(dir_ / "config.yaml");  // exists, but is no file
  auto opts = options();
  opts.path = (dir_ / "config.yaml").string();
  auto loaded = loadConfig(opts);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().message, "config file \"" + opts.path + "\": is a directory");
}

TEST_F(ConfigPathTest, UnparseableFileIsAnError) {
  std::string path = write("bad.yaml", "ecr: {accountID: \"1\"\n");
  auto opts = options();
  opts.path = path;
  auto loaded = loadConfig(opts);
  ASSERT_FALSE(loaded.has_value());
  auto problems = configProblems(loaded.error());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind("config file \"" + path + "\": invalid YAML at line ", 0), 0u)
      << problems[0];
}

TEST_F(ConfigPathTest, PathThroughAFileIsAnError) {
  std::string file = write("plain", "x");
  auto opts = options();
  opts.path = file + "/config.yaml";
  auto loaded = loadConfig(opts);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().message,
            "config file \"" + opts.path + "\": cannot open: Not a directory");
}

}  // namespace
}  // namespace copycat::config
