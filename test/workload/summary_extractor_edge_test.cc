// Field order, nulls, unknown fields, type errors and malformed JSON.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "workload/summary_extractor.h"
#include "workload/test_files.h"
#include "workload/test_print.h"

namespace copycat::workload {
namespace {

using testing::fixture;

Result<WorkloadSummary> extract(std::string_view json, std::string_view default_kind = {}) {
  SummaryExtractor extractor;
  return extractor.extract(json, default_kind);
}

// Rebuilds `in` with the keys of every object in a random order.
nlohmann::ordered_json shuffleKeys(const nlohmann::ordered_json& in, std::mt19937& rng) {
  if (in.is_array()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& element : in) {
      out.push_back(shuffleKeys(element, rng));
    }
    return out;
  }
  if (!in.is_object()) {
    return in;
  }
  std::vector<std::string> keys;
  for (const auto& [key, value] : in.items()) {
    keys.push_back(key);
  }
  std::shuffle(keys.begin(), keys.end(), rng);
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& key : keys) {
    out[key] = shuffleKeys(in[key], rng);
  }
  return out;
}

TEST(SummaryExtractorEdgeTest, FieldOrderDoesNotMatter) {
  for (const char* name :
       {"pod_running.json", "deployment.json", "statefulset.json", "daemonset.json",
        "replicaset.json", "job.json", "cronjob.json", "node.json"}) {
    SCOPED_TRACE(name);
    std::string original = fixture(name);
    Result<WorkloadSummary> want = extract(original);
    ASSERT_TRUE(want.has_value()) << want.error().message;
    auto parsed = nlohmann::ordered_json::parse(original);
    std::mt19937 rng(42);
    for (int round = 0; round < 25; ++round) {
      std::string shuffled = shuffleKeys(parsed, rng).dump();
      Result<WorkloadSummary> got = extract(shuffled);
      ASSERT_TRUE(got.has_value()) << got.error().message;
      EXPECT_EQ(*got, *want) << shuffled.substr(0, 300);
    }
  }
}

TEST(SummaryExtractorEdgeTest, KindAfterSpecAndStatusBeforeSpec) {
  Result<WorkloadSummary> s = extract(R"({
      "status": {"containerStatuses": [{"imageID": "id-a", "name": "a"}], "phase": "Running"},
      "spec": {"containers": [{"image": "img-a", "name": "a"}], "nodeName": "n1"},
      "metadata": {"name": "p"},
      "kind": "Pod"})");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->kind, Kind::kPod);
  ASSERT_EQ(s->images.size(), 1u);
  EXPECT_EQ(s->images[0].image_id, "id-a");
  EXPECT_EQ(s->phase, "Running");
  EXPECT_EQ(s->node_name, "n1");
}

TEST(SummaryExtractorEdgeTest, StatusMatchesByTypeAndName) {
  Result<WorkloadSummary> s = extract(R"({"kind":"Pod","spec":{
      "initContainers":[{"name":"x","image":"init-img"}],
      "containers":[{"name":"x","image":"main-img"},{"name":"y","image":"other"}]},
      "status":{"initContainerStatuses":[{"name":"x","imageID":"init-id"}],
                "containerStatuses":[{"name":"x","imageID":"main-id"},{"name":"zzz","imageID":"q"}]}})");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(s->images.size(), 3u);
  EXPECT_EQ(s->images[0].image_id, "init-id");
  EXPECT_EQ(s->images[1].image_id, "main-id");
  EXPECT_EQ(s->images[2].image_id, "");
}

TEST(SummaryExtractorEdgeTest, NullsAreAbsent) {
  Result<WorkloadSummary> s = extract(R"({"kind":"Pod","apiVersion":null,
      "metadata":{"name":"p","namespace":null,"uid":null,"generation":null,"labels":null,
                  "ownerReferences":[null,{"kind":"ReplicaSet","name":"r","controller":null}]},
      "spec":{"containers":[null,{"name":"a","image":null},{"name":null,"image":"b"}],
              "initContainers":null,"ephemeralContainers":null,"nodeName":null,
              "volumes":[{"name":"v","image":null},{"name":"w","image":{"reference":null}}]},
      "status":{"phase":null,"containerStatuses":null}})");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->namespace_name, "");
  EXPECT_EQ(s->generation, 0);
  EXPECT_EQ(s->owners, (std::vector<OwnerRef>{{"ReplicaSet", "r", "", false}}));
  // A container without an image is kept (and reported later as an empty reference); a volume
  // with "image": null is not an image volume, one with an image source but no reference is.
  EXPECT_EQ(s->images, (std::vector<ContainerImage>{
                           {"a", "", ContainerType::kContainer, ""},
                           {"", "b", ContainerType::kContainer, ""},
                           {"w", "", ContainerType::kImageVolume, ""},
                       }));
}

TEST(SummaryExtractorEdgeTest, NullSectionsAndEmptyObject) {
  Result<WorkloadSummary> s =
      extract(R"({"kind":"Deployment","metadata":null,"spec":null,"status":null})");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->kind, Kind::kDeployment);
  EXPECT_TRUE(s->images.empty());
  Result<WorkloadSummary> empty = extract("{}");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->kind, Kind::kOther);
  EXPECT_EQ(empty->kind_name, "");
}

TEST(SummaryExtractorEdgeTest, UnknownFieldsAndDeepIrrelevantSubtreesAreSkipped) {
  std::string deep(200, '[');
  deep += std::string(200, ']');
  Result<WorkloadSummary> s = extract(R"({"x-future":{"a":[1,2,{"b":null}]},"kind":"Pod",
      "spec":{"containers":[{"name":"a","image":"i","future":)" +
                                      deep + R"(,"env":[{"name":"IMAGE","value":"not:me"}]}],
              "overhead":{"cpu":"1"}},"deep":)" +
                                      deep + "}");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(s->images.size(), 1u);
  EXPECT_EQ(s->images[0].image, "i");
}

TEST(SummaryExtractorEdgeTest, ScalarsThatAreNotStringsKeepTheirSpelling) {
  // YAML-converted manifests may carry `image: 3` or a numeric container name.
  Result<WorkloadSummary> s = extract(
      R"({"kind":"Pod","metadata":{"name":1.10},"spec":{"containers":[{"name":7,"image":3},
          {"name":true,"image":1e3  }]}})");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->name, "1.10");
  ASSERT_EQ(s->images.size(), 2u);
  EXPECT_EQ(s->images[0].name, "7");
  EXPECT_EQ(s->images[0].image, "3");
  EXPECT_EQ(s->images[1].name, "true");
  EXPECT_EQ(s->images[1].image, "1e3");
}

TEST(SummaryExtractorEdgeTest, EscapedKeysAndValuesAreUnescaped) {
  Result<WorkloadSummary> s = extract(
      R"({"kind":"P\u006fd","spec":{"cont\u0061iners":[{"name":"a\"b","image":"reg\/x:1"}]}})");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->kind, Kind::kPod);
  ASSERT_EQ(s->images.size(), 1u);
  EXPECT_EQ(s->images[0].name, "a\"b");
  EXPECT_EQ(s->images[0].image, "reg/x:1");
}

TEST(SummaryExtractorEdgeTest, RepeatedContainersKeyLastWins) {
  Result<WorkloadSummary> s = extract(R"({"kind":"Pod","spec":{
      "containers":[{"name":"old","image":"o"}],"containers":[{"name":"new","image":"n"}]}})");
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->images.size(), 1u);
  EXPECT_EQ(s->images[0].name, "new");
}

TEST(SummaryExtractorEdgeTest, ApiGroupTellsBuiltinsFromCrds) {
  struct Case {
    const char* api_version;
    const char* kind;
    Kind want;
  };
  const Case cases[] = {
      {"apps/v1", "Deployment", Kind::kDeployment},
      {"extensions/v1beta1", "Deployment", Kind::kDeployment},
      {"apps/v1beta2", "DaemonSet", Kind::kDaemonSet},
      {"example.com/v1", "Deployment", Kind::kOther},
      {"batch/v1beta1", "CronJob", Kind::kCronJob},
      {"v1", "Pod", Kind::kPod},
      {"argoproj.io/v1alpha1", "Pod", Kind::kOther},
      {"extensions/v1beta1", "Job", Kind::kOther},
      {"v1", "pod", Kind::kOther},  // kinds are case-sensitive
      {"apps/v1", "Rollout", Kind::kOther},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.api_version) + " " + c.kind);
    std::string json = std::string(R"({"apiVersion":")") + c.api_version + R"(","kind":")" +
                       c.kind +
                       R"(","spec":{"containers":[{"name":"a","image":"p"}],"template":{"spec":)"
                       R"({"containers":[{"name":"a","image":"t"}]}},"jobTemplate":{"spec":)"
                       R"({"template":{"spec":{"containers":[{"name":"a","image":"j"}]}}}}}})";
    Result<WorkloadSummary> s = extract(json);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->kind, c.want);
    EXPECT_EQ(s->kind_name, c.kind);
    EXPECT_EQ(s->images.size(), c.want == Kind::kOther ? 0u : 1u);
  }
}

TEST(SummaryExtractorEdgeTest, OtherKindsYieldNoImages) {
  Result<WorkloadSummary> s = extract(R"({"apiVersion":"v1","kind":"ConfigMap",
      "metadata":{"name":"c","namespace":"n"},"data":{"image":"redis:7"},
      "spec":{"containers":[{"name":"a","image":"x"}]}})");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->kind, Kind::kOther);
  EXPECT_EQ(s->kind_name, "ConfigMap");
  EXPECT_EQ(s->name, "c");
  EXPECT_TRUE(s->images.empty());
}

TEST(SummaryExtractorEdgeTest, WrongTypesAreErrorsWithFieldPaths) {
  struct Case {
    const char* json;
    const char* want;
  };
  const Case cases[] = {
      {R"({"kind":"Pod","spec":{"containers":"nginx"}})",
       "spec.containers: expected an array, got string"},
      {R"({"kind":"Pod","spec":{"containers":[{"name":"a","image":{"ref":"x"}}]}})",
       "spec.containers[0].image: expected a string, got object"},
      {R"({"kind":"Pod","spec":{"containers":[{"name":"a"},"b"]}})",
       "spec.containers[1]: expected an object, got string"},
      {R"({"kind":"Deployment","spec":{"template":{"spec":[]}}})",
       "spec.template.spec: expected an object, got array"},
      {R"({"kind":"Pod","metadata":[]})", "metadata: expected an object, got array"},
      {R"({"kind":{}})", "kind: expected a string, got object"},
      {R"({"kind":"Pod","metadata":{"generation":"3"}})",
       "metadata.generation: expected an integer, got string"},
      {R"({"kind":"Pod","metadata":{"ownerReferences":[{"controller":"yes"}]}})",
       "metadata.ownerReferences[0].controller: expected a boolean, got string"},
      {R"({"kind":"Pod","status":{"containerStatuses":[{"imageID":["x"]}]}})",
       "status.containerStatuses[0].imageID: expected a string, got array"},
      {R"({"kind":"Pod","spec":{"volumes":[{"name":"v","image":"x"}]}})",
       "spec.volumes[0].image: expected an object, got string"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.json);
    Result<WorkloadSummary> s = extract(c.json);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().message, c.want);
  }
}

TEST(SummaryExtractorEdgeTest, MalformedDocumentsAreErrors) {
  const char* cases[] = {
      "",
      "   ",
      "[]",
      "\"Pod\"",
      "null",
      R"({"kind":"Pod")",
      R"({"kind":"Pod","spec":{"containers":[{"name":"a","image":"x"}]})",
      R"({"kind":"Pod"} {"kind":"Pod"})",
      R"({"kind":"Pod"} x)",
      "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"\xff\xfe\"}}",
      R"({"kind":"Pod","spec":{"containers":[{"name":"a" "image":"x"}]}})",
      R"({"kind":"Pod",})",
  };
  for (const char* json : cases) {
    SCOPED_TRACE(json);
    Result<WorkloadSummary> s = extract(json);
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(SummaryExtractorEdgeTest, ValueOverloadRejectsNonObjects) {
  simdjson::padded_string json(std::string(R"({"object":null,"other":[1]})"));
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc = parser.iterate(json);
  simdjson::ondemand::value value = doc["object"];
  Result<WorkloadSummary> s = extractSummary(value, "Pod");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message, "expected an object, got null");
}

}  // namespace
}  // namespace copycat::workload
