// End-to-end tests of the copycat command line: the binary is run as a separate process, exactly as
// a user runs it, on the examples and on generated inputs.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/run_copycat.h"
#include "base/strings.h"

namespace {

using copycat::testing::runCopycat;

std::string examples() { return std::string(COPYCAT_SOURCE_DIR) + "/examples"; }

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("copycat-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    auto p = path_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

std::vector<nlohmann::json> jsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  for (const auto& line : copycat::strings::split(out, '\n')) {
    if (!line.empty() && line.front() == '{') {
      lines.push_back(nlohmann::json::parse(line));
    }
  }
  return lines;
}

TEST(PlanCommandTest, ExamplePlanListsEveryImageUseWithTargetOrReason) {
  auto r = runCopycat("plan -o json -f " + examples() + "/manifests --config " + examples() +
                      "/config.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto records = jsonLines(r.out);
  ASSERT_EQ(records.size(), 7u) << r.out;
  std::map<std::string, nlohmann::json> by_container;
  for (const auto& rec : records) {
    by_container[rec["name"].get<std::string>() + "/" + rec["container"].get<std::string>()] = rec;
  }
  EXPECT_EQ(by_container["storefront/web"]["target"],
            "registry.example.internal:5000/mirror/shop/library/nginx:1.25");
  EXPECT_EQ(by_container["storefront/migrate"]["containerType"], "initContainer");
  EXPECT_EQ(by_container["node-exporter/node-exporter"]["target"],
            "registry.example.internal:5000/mirror/monitoring/prometheus/node-exporter:v1.8.1");
  EXPECT_EQ(by_container["nightly-report/report"]["reason"], "name_skipped");
  EXPECT_EQ(by_container["debug/shell"]["reason"], "namespace_skipped");
  EXPECT_EQ(by_container["mirror-self-test/probe"]["reason"], "excluded_registry");
  for (const auto& rec : records) {
    for (const char* field : {"kind", "namespace", "name", "container", "image", "source", "action",
                              "target", "reason", "file", "document"}) {
      EXPECT_TRUE(rec.contains(field)) << field << " missing in " << rec.dump();
    }
  }
}

TEST(PlanCommandTest, TableOutputHasHeaderAndOneRowPerUse) {
  auto r =
      runCopycat("plan -f " + examples() + "/manifests --config " + examples() + "/config.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto lines = copycat::strings::split(r.out, '\n');
  EXPECT_EQ(lines[0].rfind("KIND", 0), 0u);
  EXPECT_EQ(lines.size(), 1u + 7u + 1u);  // header, rows, trailing newline
}

TEST(PlanCommandTest, BadDocumentIsReportedAndTheRestStillPlanned) {
  TempDir dir;
  auto cfg = dir.write("c.yaml", "targetKind: docker\ndocker:\n  registry: m.example.com\n");
  auto file = dir.write("w.yaml",
                        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n"
                        "  - {name: c, image: nginx}\n---\nkind: [broken\n---\n"
                        "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers:\n"
                        "  - {name: c, image: Nginx}\n");
  auto r = runCopycat("plan -o json -f " + file + " --config " + cfg);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("document 2"), std::string::npos) << r.out;
  auto records = jsonLines(r.out);
  ASSERT_EQ(records.size(), 2u) << r.out;
  EXPECT_EQ(records[0]["target"], "m.example.com/library/nginx:latest");
  EXPECT_EQ(records[1]["action"], "invalid");
  EXPECT_EQ(records[1]["reason"], "invalid_reference");
}

TEST(PlanCommandTest, InvalidConfigExitsTwoWithOneLinePerProblem) {
  TempDir dir;
  auto cfg =
      dir.write("c.yaml",
                "targetKind: docker\ndocker:\n  registry: m.example.com\n"
                "pushInterval: 5 minutes\npathMap:\n  - from: '('\n    to: x\n    regex: true\n");
  auto r = runCopycat("plan -f " + examples() + "/manifests --config " + cfg);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("pushInterval"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pathMap[0]"), std::string::npos) << r.out;
}

TEST(ConfigCommandTest, PrintsEffectiveConfigWithSourcesAndRedactsSecrets) {
  TempDir dir;
  auto cfg = dir.write("c.yaml",
                       "targetKind: docker\ndocker:\n  registry: m.example.com\n"
                       "registryCredentials:\n  - registry: ghcr.io\n    username: bot\n"
                       "    password: hunter2-secret\n");
  auto r = runCopycat("config --config " + cfg);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("hunter2-secret"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("m.example.com"), std::string::npos);
  EXPECT_NE(r.out.find("file"), std::string::npos);
  EXPECT_NE(r.out.find("default"), std::string::npos);
}

TEST(CliTest, UnknownSubcommandIsAUsageError) {
  EXPECT_EQ(runCopycat("frobnicate").exit_code, 2);
  EXPECT_EQ(runCopycat("version").exit_code, 0);
}

}  // namespace
