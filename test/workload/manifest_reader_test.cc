#include "workload/manifest_reader.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "workload/test_print.h"

namespace copycat::workload {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("copycat-workload-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& relative, const std::string& text) const {
    fs::path file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }
  [[nodiscard]] std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

ReadResult readYaml(std::string_view text) {
  return readManifestText(text, "test.yaml", ManifestFormat::kYaml);
}

TEST(ManifestReaderTest, MultiDocumentWithBrokenDocumentInTheMiddle) {
  ReadResult r = readYaml(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: first}\n"
      "spec: {containers: [{name: a, image: 'redis:6'}]}\n"
      "---\n"
      "kind: Pod\nmetadata: {name: broken\nspec: {}\n"
      "---\n"
      "kind: Pod\nspec: {containers: nginx}\n"
      "---\n"
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: last, namespace: prod}\n"
      "spec: {template: {spec: {containers: [{name: b, image: nginx:1.25}]}}}\n");
  ASSERT_EQ(r.objects.size(), 2u);
  EXPECT_EQ(r.objects[0].document, 1u);
  EXPECT_EQ(r.objects[0].summary.name, "first");
  EXPECT_EQ(r.objects[0].summary.namespace_name, "default");
  EXPECT_EQ(r.objects[0].summary.images[0].image, "redis:6");
  EXPECT_EQ(r.objects[1].document, 4u);
  EXPECT_EQ(r.objects[1].summary.namespace_name, "prod");
  EXPECT_EQ(r.objects[1].file, "test.yaml");
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0].file, "test.yaml");
  EXPECT_EQ(r.problems[0].document, 2u);
  EXPECT_NE(r.problems[0].reason.find("line 8"), std::string::npos) << r.problems[0].reason;
  EXPECT_EQ(r.problems[1].document, 3u);
  EXPECT_EQ(r.problems[1].reason, "spec.containers: expected an array, got string");
}

TEST(ManifestReaderTest, NumericLookingValuesElsewhereDoNotBreakExtraction) {
  ReadResult r = readYaml(
      "apiVersion: apps/v1\nkind: Deployment\n"
      "metadata:\n  name: web\n  labels: {version: 1.10, build: 007, enabled: yes}\n"
      "  generation: 3\n"
      "spec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n"
      "      - name: a\n        image: redis:6\n"
      "      - name: b\n        image: 3\n"
      "      - name: c\n        image: \"1.10\"\n"
      "      - name: d\n        image: 1.10\n");
  ASSERT_TRUE(r.problems.empty()) << r.problems[0].reason;
  ASSERT_EQ(r.objects.size(), 1u);
  const auto& images = r.objects[0].summary.images;
  ASSERT_EQ(images.size(), 4u);
  EXPECT_EQ(images[0].image, "redis:6");
  EXPECT_EQ(images[1].image, "3");
  EXPECT_EQ(images[2].image, "1.10");
  EXPECT_EQ(images[3].image, "1.10");
  EXPECT_EQ(r.objects[0].summary.generation, 3);
}

TEST(ManifestReaderTest, ListsAreFlattenedWithItemKindFromListKind) {
  ReadResult r = readYaml(
      "apiVersion: v1\nitems:\n"
      "- {kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: x}]}}\n"
      "- {kind: ConfigMap, metadata: {name: c}}\n"
      "- {metadata: {name: nokind}}\n"
      "- 42\n"
      "- null\n"
      "- {kind: Pod, metadata: {name: bad}, spec: {containers: [{name: a, image: [x]}]}}\n"
      "- {kind: DeploymentList, items: [{metadata: {name: d}, spec: {template: {spec: "
      "{containers: [{name: b, image: y}]}}}}]}\n"
      "kind: List\n");
  ASSERT_EQ(r.objects.size(), 3u);
  EXPECT_EQ(r.objects[0].summary.kind, Kind::kPod);
  EXPECT_EQ(r.objects[0].item, 1u);
  EXPECT_EQ(r.objects[1].summary.kind_name, "ConfigMap");
  EXPECT_EQ(r.objects[1].summary.namespace_name, "");  // not a pod carrier: left alone
  EXPECT_EQ(r.objects[2].summary.kind, Kind::kDeployment);
  EXPECT_EQ(r.objects[2].summary.name, "d");
  EXPECT_EQ(r.objects[2].item, 1u);
  ASSERT_EQ(r.problems.size(), 3u);
  EXPECT_EQ(r.problems[0].reason, "items[2]: missing kind");
  EXPECT_EQ(r.problems[0].document, 1u);
  EXPECT_EQ(r.problems[1].reason, "items[3]: expected an object, got number");
  // A failure deep inside an item does not stop the items after it.
  EXPECT_EQ(r.problems[2].reason,
            "items[5]: spec.containers[0].image: expected a string, got array");
}

TEST(ManifestReaderTest, KindEndingInListWithoutItemsIsAnObject) {
  ReadResult r = readYaml("apiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: a}\n");
  ASSERT_EQ(r.objects.size(), 1u);
  EXPECT_EQ(r.objects[0].summary.kind_name, "AllowList");
}

TEST(ManifestReaderTest, MissingKindAndNonObjectDocumentsAreProblems) {
  ReadResult r = readYaml("metadata: {name: x}\n---\n- a\n- b\n---\njust text\n---\n---\n");
  EXPECT_TRUE(r.objects.empty());
  ASSERT_EQ(r.problems.size(), 3u);
  EXPECT_EQ(r.problems[0].reason, "missing kind");
  EXPECT_EQ(r.problems[1].reason, "expected an object, got array");
  EXPECT_EQ(r.problems[2].reason, "expected an object, got string");
  EXPECT_EQ(r.problems[2].document, 3u);  // the empty documents 4 and 5 are skipped
}

TEST(ManifestReaderTest, DefaultNamespaceIsConfigurable) {
  ReadResult r = readManifestText("kind: Pod\nmetadata: {name: p}\n", "x", ManifestFormat::kYaml,
                                  ReadOptions{.default_namespace = "team-a"});
  ASSERT_EQ(r.objects.size(), 1u);
  EXPECT_EQ(r.objects[0].summary.namespace_name, "team-a");
}

TEST(ManifestReaderTest, JsonFiles) {
  ReadResult r = readManifestText(
      R"({"kind":"PodList","items":[{"metadata":{"name":"a"},"spec":{"containers":[]}}]})",
      "l.json", ManifestFormat::kJson);
  ASSERT_EQ(r.objects.size(), 1u);
  EXPECT_EQ(r.objects[0].summary.kind, Kind::kPod);
  EXPECT_EQ(r.objects[0].document, 1u);

  r = readManifestText(R"({"kind":"Pod"} trailing)", "bad.json", ManifestFormat::kJson);
  EXPECT_TRUE(r.objects.empty());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].file, "bad.json");
  EXPECT_EQ(r.problems[0].document, 1u);
}

TEST(ManifestReaderTest, DirectoriesAreWalkedRecursivelyInSortedOrder) {
  TempDir dir;
  dir.write("b.yaml", "kind: Pod\nmetadata: {name: b}\n");
  dir.write("a/z.yml", "kind: Pod\nmetadata: {name: a-z}\n");
  dir.write("a/nested/deep.json", R"({"kind":"Pod","metadata":{"name":"a-nested-deep"}})");
  dir.write("a-c.yaml", "kind: Pod\nmetadata: {name: a-c}\n");
  dir.write("notes.txt", "kind: Pod\nmetadata: {name: ignored}\n");
  dir.write("chart/README.md", "kind: Pod\n");
  dir.write("c.YAML", "kind: Pod\nmetadata: {name: upper-case-extension-ignored}\n");
  ReadResult r = readManifests({dir.str()});
  EXPECT_TRUE(r.problems.empty());
  std::vector<std::string> names;
  for (const auto& object : r.objects) {
    names.push_back(object.summary.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a-nested-deep", "a-z", "a-c", "b"}));
}

TEST(ManifestReaderTest, ExplicitFilesAreReadWhateverTheirExtension) {
  TempDir dir;
  std::string txt = dir.write("pod.txt", "kind: Pod\nmetadata: {name: t}\n");
  std::string json = dir.write("pod.json", R"({"kind":"Pod","metadata":{"name":"j"}})");
  ReadResult r = readManifests({txt, json, dir.str() + "/missing.yaml"});
  ASSERT_EQ(r.objects.size(), 2u);
  EXPECT_EQ(r.objects[0].summary.name, "t");
  EXPECT_EQ(r.objects[0].file, txt);
  EXPECT_EQ(r.objects[1].summary.name, "j");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].document, 0u);
  EXPECT_EQ(r.problems[0].file, dir.str() + "/missing.yaml");
}

TEST(ManifestReaderTest, DashReadsStandardInput) {
  std::istringstream input("kind: Pod\nmetadata: {name: from-stdin}\n");
  std::streambuf* saved = std::cin.rdbuf(input.rdbuf());
  ReadResult r = readManifests({"-"});
  std::cin.rdbuf(saved);
  ASSERT_EQ(r.objects.size(), 1u);
  EXPECT_EQ(r.objects[0].file, "-");
  EXPECT_EQ(r.objects[0].summary.name, "from-stdin");
}

TEST(ManifestReaderTest, RepositoryExamples) {
  std::string examples = std::string(COPYCAT_SOURCE_DIR) + "/examples/manifests";
  ReadResult r = readManifests({examples});
  EXPECT_TRUE(r.problems.empty()) << r.problems[0].reason;
  EXPECT_FALSE(r.objects.empty());
}

}  // namespace
}  // namespace copycat::workload
