// Image discovery over real-world manifests (test/data/conformance/workloads) against goldens
// written by hand from reading each file (test/data/workloads_expected.json).
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "workload/image_uses.h"
#include "workload/manifest_reader.h"
#include "workload/test_files.h"

namespace copycat::workload {
namespace {

namespace fs = std::filesystem;

const std::string kDataDir = std::string(COPYCAT_TEST_DATA_DIR);
const std::string kWorkloadsDir = kDataDir + "/conformance/workloads";

using Row = std::vector<std::string>;  // kind, namespace, name, container, type, image

std::vector<Row> usesOf(const ReadResult& result) {
  std::vector<Row> rows;
  for (const auto& object : result.objects) {
    for (const auto& use : imageUses(object.summary)) {
      rows.push_back({use.kind_name, use.namespace_name, use.name, use.container,
                      std::string(containerTypeName(use.container_type)), use.image});
    }
  }
  return rows;
}

nlohmann::json golden() {
  return nlohmann::json::parse(testing::readFile(kDataDir + "/workloads_expected.json"));
}

TEST(WorkloadConformanceTest, EveryManifestMatchesItsHandWrittenGolden) {
  nlohmann::json expected = golden();
  for (const auto& entry : expected["files"]) {
    const std::string file = entry["file"];
    SCOPED_TRACE(file);
    ReadResult result = readManifests({kWorkloadsDir + "/" + file});
    for (const auto& problem : result.problems) {
      ADD_FAILURE() << "document " << problem.document << ": " << problem.reason;
    }
    EXPECT_EQ(result.objects.size(), entry["objects"].get<size_t>());
    EXPECT_EQ(usesOf(result), entry["uses"].get<std::vector<Row>>());
  }
}

TEST(WorkloadConformanceTest, GoldenCoversEveryFile) {
  std::set<std::string> in_golden;
  const nlohmann::json expected = golden();
  for (const auto& entry : expected["files"]) {
    in_golden.insert(entry["file"].get<std::string>());
  }
  std::set<std::string> on_disk;
  for (const auto& entry : fs::directory_iterator(kWorkloadsDir)) {
    on_disk.insert(entry.path().filename().string());
  }
  EXPECT_EQ(in_golden, on_disk);
  EXPECT_EQ(on_disk.size(), 32u);
}

TEST(WorkloadConformanceTest, DirectoryReadEqualsFilesInSortedOrder) {
  std::vector<Row> want;
  const nlohmann::json expected = golden();
  for (const auto& entry : expected["files"]) {  // the golden lists files sorted by name
    for (const auto& row : entry["uses"]) {
      want.push_back(row.get<Row>());
    }
  }
  ReadResult result = readManifests({kWorkloadsDir});
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(usesOf(result), want);
}

}  // namespace
}  // namespace copycat::workload
