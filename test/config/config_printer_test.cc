#include "config/config_printer.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "config/config_test_util.h"

namespace copycat::config {
namespace {

using testing::kMinimalEcr;
using testing::loadOk;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

constexpr char kSecretsYaml[] = R"yaml(ecr:
  accountID: "123456789012"
  region: eu-central-1
adminToken: admin-secret-value
registryCredentials:
  - registry: ghcr.io
    username: bot
    password: inline-password-value
    token: inline-token-value
  - registry: quay.io
    passwordEnv: QUAY_PASSWORD
pathMap:
  - from: "^legacy/(.*)"
    to: modern/$1
    regex: true
)yaml";

TEST(ConfigPrinterTest, RedactsEverySecret) {
  auto loaded = loadOk(kSecretsYaml, {{"TARGET_PASSWORD", "target-password-value"},
                                      {"QUAY_PASSWORD", "quay-password-value"}});
  std::string out = renderEffectiveConfig(loaded);
  for (const char* secret : {"admin-secret-value", "inline-password-value", "inline-token-value",
                             "target-password-value", "quay-password-value"}) {
    EXPECT_FALSE(contains(out, secret)) << secret << " leaked:\n" << out;
  }
  EXPECT_TRUE(contains(out, "adminToken: \"<redacted>\"  # file\n")) << out;
  EXPECT_TRUE(contains(out, "  password: \"<redacted>\"  # env TARGET_PASSWORD\n")) << out;
  EXPECT_TRUE(contains(out, "    password: \"<redacted>\"  # file\n")) << out;
  EXPECT_TRUE(contains(out, "    token: \"<redacted>\"  # file\n")) << out;
  EXPECT_TRUE(contains(out, "    password: \"<redacted>\"  # env QUAY_PASSWORD\n")) << out;
  EXPECT_TRUE(contains(out, "    username: bot  # file\n")) << out;
  // Unset secrets print as empty, so "redacted" always means "set".
  EXPECT_TRUE(contains(out, "    token: \"\"  # default\n")) << out;
}

TEST(ConfigPrinterTest, CommentsNameTheSourceOfEachValue) {
  auto loaded = loadOk(std::string(kMinimalEcr) + "dryRun: true\n",
                       {{"TARGET_REGISTRY", "reg.example.com"}, {"PUSH_INTERVAL", "90s"}},
                       {{"metricsAddr", ":9090"}});
  std::string out = renderEffectiveConfig(loaded);
  EXPECT_TRUE(contains(out, "targetKind: ecr  # default\n")) << out;
  EXPECT_TRUE(contains(out, "ecr:\n  accountID: \"123456789012\"  # file\n")) << out;
  EXPECT_TRUE(contains(out, "  region: eu-central-1  # file\n")) << out;
  EXPECT_TRUE(contains(out, "docker:\n  registry: reg.example.com  # env TARGET_REGISTRY\n"))
      << out;
  EXPECT_TRUE(contains(out, "dryRun: true  # file\n")) << out;
  EXPECT_TRUE(contains(out, "metricsAddr: \":9090\"  # flag\n")) << out;
  EXPECT_TRUE(contains(out, "pushInterval: 1m30s  # env PUSH_INTERVAL\n")) << out;
  EXPECT_TRUE(contains(out, "  encryption:\n    type: AES256  # default\n")) << out;
  EXPECT_TRUE(contains(out, "includeNamespaces: [\"*\"]  # default\n")) << out;
  EXPECT_TRUE(contains(out, "skipNames:\n  deployments: []  # default\n")) << out;
  EXPECT_TRUE(contains(out, "logLevel: info  # default\n")) << out;
  EXPECT_TRUE(contains(out, "requestTimeout: 300  # default\n")) << out;
  EXPECT_TRUE(contains(out, "pathMap: []  # default\n")) << out;
  EXPECT_TRUE(contains(out, "# file: /test/config.yaml\n")) << out;
}

TEST(ConfigPrinterTest, DebugShowsWhereTheForcedLogLevelCameFrom) {
  auto loaded = loadOk(std::string(kMinimalEcr) + "logLevel: warn\n", {{"DEBUG", "1"}});
  std::string out = renderEffectiveConfig(loaded);
  EXPECT_TRUE(contains(out, "logLevel: debug  # env DEBUG\n")) << out;
  EXPECT_TRUE(contains(out, "debug: true  # env DEBUG\n")) << out;
}

TEST(ConfigPrinterTest, ObjectListsPrintPerFieldSources) {
  auto loaded = loadOk(kSecretsYaml);
  std::string out = renderEffectiveConfig(loaded);
  EXPECT_TRUE(contains(out,
                       "pathMap:  # file\n"
                       "  - from: \"^legacy/(.*)\"  # file\n"
                       "    to: \"modern/$1\"  # file\n"
                       "    regex: true  # file\n"))
      << out;
  EXPECT_TRUE(contains(out, "  - registry: quay.io  # file\n    registryAliases: []  # default\n"))
      << out;
}

// Values that YAML would read as another type are quoted, so the output loads back unchanged.
TEST(ConfigPrinterTest, OutputLoadsBackToTheSameConfig) {
  auto loaded = loadOk(std::string(kMinimalEcr) +
                       "skipNamespaces: [\"yes\", \"null\", \"012\", \"1e3\"]\n"
                       "ecr:\n  repoPrefix: \"a: b #c\"\n  tags: {\"on\": \"1.5\", k: v}\n"
                       "  lifecyclePolicy: |\n    {\"rules\": [{\"rulePriority\": 1}]}\n"
                       "excludeRegistries: [\"quay.io\", \"*.example.com\", \"a,b\"]\n"
                       "pushInterval: 1.5h\nlogLevel: error\n"
                       "ignoreMissingPlatforms: ['^x\\|linux/arm64$', 'a{1,3}']\n");
  std::string out = renderEffectiveConfig(loaded);
  auto reloaded = loadOk(out);
  EXPECT_TRUE(reloaded.warnings.empty()) << reloaded.warnings.front() << "\n" << out;
  const Config& a = loaded.config;
  const Config& b = reloaded.config;
  EXPECT_EQ(a.skip_namespaces.size(), 0u + 4);
  EXPECT_EQ(b.skip_namespaces, a.skip_namespaces);
  EXPECT_EQ(b.ecr.repo_prefix, "a: b #c");
  EXPECT_EQ(b.ecr.tags, a.ecr.tags);
  EXPECT_EQ(b.ecr.lifecycle_policy, a.ecr.lifecycle_policy);
  EXPECT_EQ(b.exclude_registries, (std::vector<std::string>{"quay.io", "*.example.com", "a", "b"}));
  EXPECT_EQ(b.push_interval, a.push_interval);
  EXPECT_EQ(b.log_level, log::Level::kError);
  EXPECT_EQ(b.ignore_missing_platforms, a.ignore_missing_platforms);
  EXPECT_EQ(b.watch_resources, a.watch_resources);
  EXPECT_EQ(b.metrics_addr, a.metrics_addr);
  EXPECT_NO_THROW(YAML::Load(out));
}

TEST(ConfigPrinterTest, SaysWhenNoFileWasRead) {
  LoadedConfig loaded;
  loaded.file_found = false;
  std::string out = renderEffectiveConfig(loaded);
  EXPECT_EQ(out.rfind("# copycat effective configuration (secrets redacted)\n"
                      "# file: none (defaults and environment)\n",
                      0),
            0u);
}

}  // namespace
}  // namespace copycat::config
