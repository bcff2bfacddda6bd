#include "workload/change_detection.h"

#include <gtest/gtest.h>

#include "workload/summary_extractor.h"
#include "workload/test_files.h"

namespace copycat::workload {
namespace {

WorkloadSummary load(const char* name) {
  SummaryExtractor extractor;
  Result<WorkloadSummary> s = extractor.extract(testing::fixture(name));
  EXPECT_TRUE(s.has_value());
  return s.value_or(WorkloadSummary{});
}

TEST(ChangeDetectionTest, IdenticalObjectsDoNotCount) {
  for (const char* name : {"pod_running.json", "deployment.json", "node.json", "cronjob.json"}) {
    WorkloadSummary s = load(name);
    EXPECT_FALSE(imagesChanged(s, s)) << name;
  }
}

TEST(ChangeDetectionTest, WorkloadStatusOnlyUpdateDoesNotCount) {
  WorkloadSummary before = load("deployment.json");
  WorkloadSummary after = before;
  after.resource_version = "999999";  // a status write bumps only the resourceVersion
  EXPECT_FALSE(imagesChanged(before, after));
}

TEST(ChangeDetectionTest, WorkloadGenerationOrImagesCount) {
  WorkloadSummary before = load("deployment.json");
  WorkloadSummary after = before;
  after.generation++;
  EXPECT_TRUE(imagesChanged(before, after));
  after = before;
  after.images[1].image = "nginx:1.26";
  EXPECT_TRUE(imagesChanged(before, after));
  after = before;
  after.images.pop_back();
  EXPECT_TRUE(imagesChanged(before, after));
}

TEST(ChangeDetectionTest, PodImageIdsNodeAndActivePhaseCount) {
  WorkloadSummary before = load("pod_running.json");
  WorkloadSummary after = before;
  after.images[1].image_id = "docker.io/library/nginx@sha256:ffff";
  EXPECT_TRUE(imagesChanged(before, after));
  after = before;
  after.node_name = "worker-9";
  EXPECT_TRUE(imagesChanged(before, after));
  after = before;
  after.generation++;  // pods' spec is mostly immutable; images/ids tell the story
  EXPECT_FALSE(imagesChanged(before, after));
}

TEST(ChangeDetectionTest, PodPhaseCountsOnlyWhenCrossingTheActiveSet) {
  struct Case {
    const char* from;
    const char* to;
    bool want;
  };
  const Case cases[] = {
      {"Pending", "Running", false},  {"Running", "Succeeded", true}, {"Running", "Failed", true},
      {"Succeeded", "Failed", false}, {"", "Pending", true},          {"Unknown", "Running", true},
      {"Running", "Running", false},
  };
  WorkloadSummary before = load("pod_running.json");
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.from) + " -> " + c.to);
    WorkloadSummary a = before;
    WorkloadSummary b = before;
    a.phase = c.from;
    b.phase = c.to;
    EXPECT_EQ(imagesChanged(a, b), c.want);
  }
}

TEST(ChangeDetectionTest, RecreatedOrDifferentKindCounts) {
  WorkloadSummary before = load("deployment.json");
  WorkloadSummary after = before;
  after.uid = "another";
  EXPECT_TRUE(imagesChanged(before, after));
  after = before;
  after.kind = Kind::kStatefulSet;
  EXPECT_TRUE(imagesChanged(before, after));
}

TEST(ChangeDetectionTest, NodePlatformAndOtherKinds) {
  WorkloadSummary node = load("node.json");
  WorkloadSummary changed = node;
  changed.node_arch = "amd64";
  EXPECT_TRUE(imagesChanged(node, changed));
  changed = node;
  changed.resource_version = "x";
  EXPECT_FALSE(imagesChanged(node, changed));

  WorkloadSummary config_map;
  config_map.kind_name = "ConfigMap";
  WorkloadSummary edited = config_map;
  edited.generation = 5;
  edited.uid = "new";
  EXPECT_FALSE(imagesChanged(config_map, edited));
}

TEST(ChangeDetectionTest, ActivePhases) {
  EXPECT_TRUE(isActivePhase("Pending"));
  EXPECT_TRUE(isActivePhase("Running"));
  EXPECT_FALSE(isActivePhase("Succeeded"));
  EXPECT_FALSE(isActivePhase(""));
}

}  // namespace
}  // namespace copycat::workload
