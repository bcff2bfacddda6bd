#include "workload/image_uses.h"

#include <gtest/gtest.h>

#include "workload/summary_extractor.h"
#include "workload/test_files.h"
#include "workload/test_print.h"

namespace copycat::workload {
namespace {

TEST(ImageUsesTest, OneUsePerContainerAndImageVolumeWithImageIds) {
  SummaryExtractor extractor;
  Result<WorkloadSummary> pod = extractor.extract(testing::fixture("pod_running.json"));
  ASSERT_TRUE(pod.has_value());
  std::vector<ImageUse> uses = imageUses(*pod);
  ASSERT_EQ(uses.size(), 4u);
  EXPECT_EQ(uses[0],
            (ImageUse{Kind::kPod, "Pod", "shop", "web-7d9c6b5f4-x2x7q", "migrate",
                      ContainerType::kInitContainer, "ghcr.io/example/shop-migrations:2.4.1",
                      "ghcr.io/example/shop-migrations@sha256:"
                      "1111111111111111111111111111111111111111111111111111111111111111"}));
  EXPECT_EQ(uses[3].container, "models");
  EXPECT_EQ(uses[3].container_type, ContainerType::kImageVolume);
  EXPECT_EQ(uses[3].image, "registry.example.com/ml/models:2024.05");
}

TEST(ImageUsesTest, EmptyImagesAreKeptForReporting) {
  WorkloadSummary s;
  s.kind = Kind::kDeployment;
  s.kind_name = "Deployment";
  s.namespace_name = "n";
  s.name = "d";
  s.images = {{"a", "", ContainerType::kContainer, ""}};
  std::vector<ImageUse> uses = imageUses(s);
  ASSERT_EQ(uses.size(), 1u);
  EXPECT_EQ(uses[0].image, "");
  EXPECT_EQ(uses[0].container, "a");
}

TEST(ImageUsesTest, KindsWithoutPodsYieldNothing) {
  WorkloadSummary s;
  s.images = {{"a", "nginx", ContainerType::kContainer, ""}};  // cannot come from the extractor
  for (Kind kind : {Kind::kNode, Kind::kOther}) {
    s.kind = kind;
    EXPECT_TRUE(imageUses(s).empty());
  }
}

}  // namespace
}  // namespace copycat::workload
