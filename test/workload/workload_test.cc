#include "workload/workload.h"

#include <gtest/gtest.h>

namespace copycat::workload {
namespace {

TEST(WorkloadKindTest, NamesAndResources) {
  EXPECT_EQ(kindName(Kind::kDeployment), "Deployment");
  EXPECT_EQ(kindName(Kind::kCronJob), "CronJob");
  EXPECT_EQ(kindName(Kind::kOther), "Other");
  EXPECT_EQ(resourceName(Kind::kStatefulSet), "statefulsets");
  EXPECT_EQ(resourceName(Kind::kPod), "pods");
  EXPECT_EQ(resourceName(Kind::kOther), "");
  EXPECT_EQ(apiGroup(Kind::kPod), "");
  EXPECT_EQ(apiGroup(Kind::kDaemonSet), "apps");
  EXPECT_EQ(apiGroup(Kind::kJob), "batch");
}

TEST(WorkloadKindTest, ParseKindAcceptsKindsResourcesAndShortNames) {
  struct Case {
    const char* text;
    Kind want;
  };
  const Case cases[] = {
      {"Deployment", Kind::kDeployment},
      {"deployments", Kind::kDeployment},
      {"deployment", Kind::kDeployment},
      {"DEPLOY", Kind::kDeployment},
      {" StatefulSet ", Kind::kStatefulSet},
      {"sts", Kind::kStatefulSet},
      {"ds", Kind::kDaemonSet},
      {"replicasets", Kind::kReplicaSet},
      {"job", Kind::kJob},
      {"cronjobs", Kind::kCronJob},
      {"cj", Kind::kCronJob},
      {"po", Kind::kPod},
      {"Node", Kind::kNode},
      {"nodes", Kind::kNode},
      {"", Kind::kOther},
      {"ConfigMap", Kind::kOther},
      {"deploymentss", Kind::kOther},
      {"j", Kind::kOther},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(parseKind(c.text), c.want);
  }
}

TEST(WorkloadKindTest, EveryKindRoundTrips) {
  for (Kind kind : {Kind::kPod, Kind::kDeployment, Kind::kStatefulSet, Kind::kDaemonSet,
                    Kind::kReplicaSet, Kind::kJob, Kind::kCronJob, Kind::kNode}) {
    EXPECT_EQ(parseKind(kindName(kind)), kind);
    EXPECT_EQ(parseKind(resourceName(kind)), kind);
  }
}

TEST(WorkloadKindTest, CarriesPods) {
  EXPECT_TRUE(carriesPods(Kind::kPod));
  EXPECT_TRUE(carriesPods(Kind::kCronJob));
  EXPECT_FALSE(carriesPods(Kind::kNode));
  EXPECT_FALSE(carriesPods(Kind::kOther));
}

TEST(WorkloadKindTest, ContainerTypeNames) {
  EXPECT_EQ(containerTypeName(ContainerType::kContainer), "container");
  EXPECT_EQ(containerTypeName(ContainerType::kInitContainer), "initContainer");
  EXPECT_EQ(containerTypeName(ContainerType::kEphemeralContainer), "ephemeralContainer");
  EXPECT_EQ(containerTypeName(ContainerType::kImageVolume), "imageVolume");
}

}  // namespace
}  // namespace copycat::workload
