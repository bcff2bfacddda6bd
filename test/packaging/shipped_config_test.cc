// The configurations this repository ships (the plain ConfigMap's config.yaml and the chart's
// default `config`) must load in the copycat binary they are shipped with: no errors, no
// unknown-key warnings. Runs `copycat config`, which validates and prints the effective values.
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "packaging/packaging_files.h"

namespace copycat::packaging {
namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

CommandResult loadInCopycat(const std::string& config_text, const Env& env) {
  TempDir dir;
  auto file = dir.path() / "config.yaml";
  {
    std::ofstream out(file);
    out << config_text;
  }
  return runCommand({COPYCAT_BINARY, "config", "--config", file.string()}, env);
}

TEST(ShippedConfigTest, PlainConfigMapLoadsWithoutWarnings) {
  auto objects = loadObjects(sourcePath("deploy/kubernetes"), {"kustomization.yaml"});
  const Object* cm = findObject(objects, "ConfigMap");
  ASSERT_NE(cm, nullptr);
  auto result = loadInCopycat(cm->node["data"]["config.yaml"].as<std::string>(""), {});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err.find("warning"), std::string::npos) << result.err;
  // Shipped in dry-run mode, and every value came from the file.
  EXPECT_NE(result.out.find("dryRun: true  # file"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("targetKind: docker  # file"), std::string::npos) << result.out;
}

TEST(ShippedConfigTest, ChartDefaultConfigLoadsOnceTheTargetIsSet) {
  auto docs = loadDocuments(sourcePath("charts/copycat/values.yaml"));
  ASSERT_EQ(docs.size(), 1u);
  YAML::Emitter emitter;
  emitter << docs[0]["config"];
  ASSERT_TRUE(emitter.good()) << emitter.GetLastError();
  // The chart leaves the target registry to the user (config.docker.registry or this variable).
  auto result = loadInCopycat(emitter.c_str(), {{"TARGET_REGISTRY", "registry.example.com"}});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err.find("warning"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("dryRun: true  # file"), std::string::npos) << result.out;
  // Without it, copycat refuses to start and says what to set.
  auto unset = loadInCopycat(emitter.c_str(), {});
  EXPECT_NE(unset.exit_code, 0);
  EXPECT_NE(unset.err.find("docker.registry"), std::string::npos) << unset.err;
}

}  // namespace
}  // namespace copycat::packaging
