#include "workload/summary_extractor.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "workload/test_files.h"
#include "workload/test_print.h"

namespace copycat::workload {
namespace {

using testing::fixture;

ContainerImage image(ContainerType type, std::string name, std::string ref, std::string id = "") {
  return ContainerImage{std::move(name), std::move(ref), type, std::move(id)};
}

WorkloadSummary extractOrDie(std::string_view json, std::string_view default_kind = {}) {
  SummaryExtractor extractor;
  Result<WorkloadSummary> summary = extractor.extract(json, default_kind);
  EXPECT_TRUE(summary.has_value()) << summary.error().message;
  return summary.value_or(WorkloadSummary{});
}

TEST(SummaryExtractorTest, PodFromApiServerWithStatusesAndImageVolume) {
  WorkloadSummary want;
  want.kind = Kind::kPod;
  want.kind_name = "Pod";
  want.namespace_name = "shop";
  want.name = "web-7d9c6b5f4-x2x7q";
  want.uid = "0b5d4a3e-6f2c-4c7a-9a51-2f0b8e6d7c11";
  want.resource_version = "4815162342";
  want.owners = {{"ReplicaSet", "web-7d9c6b5f4", "c0ffee00-1111-2222-3333-444455556666", true}};
  want.images = {
      image(ContainerType::kInitContainer, "migrate", "ghcr.io/example/shop-migrations:2.4.1",
            "ghcr.io/example/shop-migrations@sha256:"
            "1111111111111111111111111111111111111111111111111111111111111111"),
      image(ContainerType::kContainer, "web", "nginx:1.25",
            "docker.io/library/nginx@sha256:"
            "2222222222222222222222222222222222222222222222222222222222222222"),
      image(ContainerType::kContainer, "metrics",
            "quay.io/prometheus/nginx-exporter@sha256:"
            "3f6d9e4c5b1a2f0e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e",
            "quay.io/prometheus/nginx-exporter@sha256:"
            "3f6d9e4c5b1a2f0e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e"),
      image(ContainerType::kImageVolume, "models", "registry.example.com/ml/models:2024.05",
            "registry.example.com/ml/models@sha256:"
            "4444444444444444444444444444444444444444444444444444444444444444"),
  };
  want.phase = "Running";
  want.node_name = "worker-2";
  EXPECT_EQ(extractOrDie(fixture("pod_running.json")), want);
}

TEST(SummaryExtractorTest, DeploymentTemplateIgnoresStatusAndEnvImages) {
  WorkloadSummary s = extractOrDie(fixture("deployment.json"));
  EXPECT_EQ(s.kind, Kind::kDeployment);
  EXPECT_EQ(s.kind_name, "Deployment");
  EXPECT_EQ(s.namespace_name, "shop");
  EXPECT_EQ(s.name, "web");
  EXPECT_EQ(s.uid, "d3b07384-d9a0-4c9b-8f5e-1a2b3c4d5e6f");
  EXPECT_EQ(s.resource_version, "4815160000");
  EXPECT_EQ(s.generation, 7);
  EXPECT_TRUE(s.owners.empty());
  EXPECT_EQ(
      s.images,
      (std::vector<ContainerImage>{
          image(ContainerType::kInitContainer, "migrate", "ghcr.io/example/shop-migrations:2.4.1"),
          image(ContainerType::kContainer, "web", "nginx:1.25"),
          image(ContainerType::kContainer, "metrics", "quay.io/prometheus/nginx-exporter:1.1.0"),
      }));
  EXPECT_EQ(s.phase, "");
  EXPECT_EQ(s.node_name, "");
}

TEST(SummaryExtractorTest, StatefulSet) {
  WorkloadSummary s = extractOrDie(fixture("statefulset.json"));
  EXPECT_EQ(s.kind, Kind::kStatefulSet);
  EXPECT_EQ(s.namespace_name, "data");
  EXPECT_EQ(s.generation, 2);
  EXPECT_EQ(s.images, (std::vector<ContainerImage>{
                          image(ContainerType::kInitContainer, "init-perms", "busybox:1.36"),
                          image(ContainerType::kContainer, "postgres", "postgres:16.2"),
                      }));
}

TEST(SummaryExtractorTest, DaemonSetTemplateNodeNameIsNotThePodsNode) {
  WorkloadSummary s = extractOrDie(fixture("daemonset.json"));
  EXPECT_EQ(s.kind, Kind::kDaemonSet);
  EXPECT_EQ(s.generation, 4);
  EXPECT_EQ(s.node_name, "");
  EXPECT_EQ(s.images, (std::vector<ContainerImage>{
                          image(ContainerType::kContainer, "node-exporter",
                                "quay.io/prometheus/node-exporter:v1.8.1"),
                          image(ContainerType::kContainer, "kube-rbac-proxy",
                                "quay.io/brancz/kube-rbac-proxy:v0.18.0"),
                      }));
}

TEST(SummaryExtractorTest, ReplicaSetKeepsControllerOwner) {
  WorkloadSummary s = extractOrDie(fixture("replicaset.json"));
  EXPECT_EQ(s.kind, Kind::kReplicaSet);
  EXPECT_EQ(
      s.owners,
      (std::vector<OwnerRef>{{"Deployment", "web", "d3b07384-d9a0-4c9b-8f5e-1a2b3c4d5e6f", true}}));
  EXPECT_EQ(s.images,
            (std::vector<ContainerImage>{image(ContainerType::kContainer, "web", "nginx:1.25")}));
}

TEST(SummaryExtractorTest, JobWithSidecarInitContainer) {
  WorkloadSummary s = extractOrDie(fixture("job.json"));
  EXPECT_EQ(s.kind, Kind::kJob);
  EXPECT_EQ(s.owners.size(), 1u);
  EXPECT_EQ(s.owners[0].kind, "CronJob");
  EXPECT_EQ(s.images,
            (std::vector<ContainerImage>{
                image(ContainerType::kInitContainer, "log-shipper", "fluent/fluent-bit:3.0"),
                image(ContainerType::kContainer, "report", "bitnami/kubectl:1.29"),
            }));
}

TEST(SummaryExtractorTest, CronJobReadsJobTemplateIncludingImageVolume) {
  WorkloadSummary s = extractOrDie(fixture("cronjob.json"));
  EXPECT_EQ(s.kind, Kind::kCronJob);
  EXPECT_EQ(s.generation, 5);
  EXPECT_EQ(s.images, (std::vector<ContainerImage>{
                          image(ContainerType::kContainer, "report", "bitnami/kubectl:1.29"),
                          image(ContainerType::kImageVolume, "tools", "ghcr.io/example/tools:1"),
                      }));
}

TEST(SummaryExtractorTest, NodePrefersNodeInfoOverLabels) {
  WorkloadSummary s = extractOrDie(fixture("node.json"));
  EXPECT_EQ(s.kind, Kind::kNode);
  EXPECT_EQ(s.name, "worker-2");
  EXPECT_EQ(s.namespace_name, "");
  EXPECT_EQ(s.node_os, "linux");
  EXPECT_EQ(s.node_arch, "arm64");  // the label says "arm": the kubelet's nodeInfo wins
  EXPECT_EQ(s.node_variant, "");
  EXPECT_TRUE(s.images.empty());  // status.images is the node's image cache, not a use
}

TEST(SummaryExtractorTest, NodeFallsBackToLabelsThenBetaLabels) {
  WorkloadSummary s = extractOrDie(
      R"({"kind":"Node","apiVersion":"v1","metadata":{"name":"n","labels":{
          "kubernetes.io/os":"windows","beta.kubernetes.io/arch":"amd64"}}})");
  EXPECT_EQ(s.node_os, "windows");
  EXPECT_EQ(s.node_arch, "amd64");
}

TEST(SummaryExtractorTest, PodLabelsAndNodeInfoDoNotLeakIntoOtherKinds) {
  WorkloadSummary s = extractOrDie(
      R"({"metadata":{"labels":{"kubernetes.io/os":"linux"}},
          "status":{"nodeInfo":{"architecture":"amd64"},"phase":"Running"},"kind":"Deployment",
          "apiVersion":"apps/v1"})");
  EXPECT_EQ(s.kind, Kind::kDeployment);
  EXPECT_EQ(s.node_os, "");
  EXPECT_EQ(s.node_arch, "");
  EXPECT_EQ(s.phase, "");
}

// The reflector parses a LIST page itself and hands each item to extractSummary(); items carry
// no kind, so the list's item kind is passed as the default.
TEST(SummaryExtractorTest, ListItemsWithoutKindUseDefaultKind) {
  std::string json = fixture("pod_list.json");
  simdjson::padded_string padded(json);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc = parser.iterate(padded);
  simdjson::ondemand::array items = doc["items"].get_array();
  std::vector<WorkloadSummary> got;
  for (auto item : items) {
    simdjson::ondemand::value value = item.value();
    Result<WorkloadSummary> summary = extractSummary(value, "Pod");
    ASSERT_TRUE(summary.has_value()) << summary.error().message;
    got.push_back(std::move(*summary));
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, Kind::kPod);
  EXPECT_EQ(got[0].kind_name, "Pod");
  EXPECT_EQ(got[0].namespace_name, "ns1");
  EXPECT_EQ(got[0].phase, "Pending");
  EXPECT_EQ(got[0].node_name, "worker-1");
  EXPECT_EQ(got[0].images,
            (std::vector<ContainerImage>{image(ContainerType::kContainer, "app", "nginx:1.25")}));
  EXPECT_EQ(got[1].images,
            (std::vector<ContainerImage>{
                image(ContainerType::kContainer, "app", "redis:7",
                      "docker.io/library/redis@sha256:"
                      "3333333333333333333333333333333333333333333333333333333333333333"),
                image(ContainerType::kEphemeralContainer, "debugger-x1", "busybox:1.36",
                      "docker.io/library/busybox@sha256:"
                      "5555555555555555555555555555555555555555555555555555555555555555"),
            }));
}

TEST(SummaryExtractorTest, WatchEventObject) {
  std::string json = fixture("watch_event.json");
  simdjson::padded_string padded(json);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc = parser.iterate(padded);
  simdjson::ondemand::object event = doc.get_object();
  std::string_view type = event["type"].get_string();
  EXPECT_EQ(type, "MODIFIED");
  simdjson::ondemand::object object = event["object"].get_object();
  Result<WorkloadSummary> summary = extractSummary(object);
  ASSERT_TRUE(summary.has_value()) << summary.error().message;
  EXPECT_EQ(summary->kind, Kind::kDeployment);
  EXPECT_EQ(summary->generation, 8);
  EXPECT_EQ(summary->images,
            (std::vector<ContainerImage>{image(ContainerType::kContainer, "web", "nginx:1.26")}));
}

TEST(SummaryExtractorTest, ObjectKindWinsOverDefaultKind) {
  WorkloadSummary s =
      extractOrDie(R"({"spec":{"containers":[{"name":"a","image":"x"}]},"kind":"Pod"})", "Node");
  EXPECT_EQ(s.kind, Kind::kPod);
  EXPECT_EQ(s.images.size(), 1u);
}

TEST(SummaryExtractorTest, PaddedInputIsReadInPlace) {
  SummaryExtractor extractor;
  simdjson::padded_string padded(fixture("replicaset.json"));
  Result<WorkloadSummary> from_padded = extractor.extract(padded);
  ASSERT_TRUE(from_padded.has_value());
  EXPECT_EQ(from_padded->name, "web-7d9c6b5f4");

  std::string buffer = fixture("statefulset.json");
  const size_t size = buffer.size();
  buffer.reserve(size + simdjson::SIMDJSON_PADDING);
  Result<WorkloadSummary> from_view =
      extractor.extract(simdjson::padded_string_view(buffer.data(), size, buffer.capacity()));
  ASSERT_TRUE(from_view.has_value()) << from_view.error().message;
  EXPECT_EQ(from_view->name, "db");
}

TEST(SummaryExtractorTest, InsufficientPaddingIsAnErrorNotAnOverread) {
  SummaryExtractor extractor;
  std::string buffer = R"({"kind":"Pod"})";
  Result<WorkloadSummary> s =
      extractor.extract(simdjson::padded_string_view(buffer.data(), buffer.size(), buffer.size()));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find("invalid json"), std::string::npos) << s.error().message;
}

TEST(SummaryExtractorTest, ExtractorIsReusableAcrossDocuments) {
  SummaryExtractor extractor;
  for (const char* name :
       {"pod_running.json", "node.json", "deployment.json", "pod_running.json"}) {
    SCOPED_TRACE(name);
    Result<WorkloadSummary> s = extractor.extract(fixture(name));
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_FALSE(s->name.empty());
  }
}

}  // namespace
}  // namespace copycat::workload
