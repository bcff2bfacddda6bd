#include "bench_cluster.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace copycat::bench {
namespace {

using Json = nlohmann::ordered_json;

struct KindInfo {
  const char* resource;
  const char* api_version;
  const char* kind;
};

// Round r = i / images picks the kind: 4 of 10 rounds Deployments, then one each of
// StatefulSet, DaemonSet, Job, CronJob, and two of bare Pods.
const KindInfo& kindForRound(int round) {
  static const KindInfo kKinds[] = {
      {"deployments", "apps/v1", "Deployment"}, {"statefulsets", "apps/v1", "StatefulSet"},
      {"daemonsets", "apps/v1", "DaemonSet"},   {"jobs", "batch/v1", "Job"},
      {"cronjobs", "batch/v1", "CronJob"},      {"pods", "v1", "Pod"}};
  static const int kRoundKind[] = {0, 0, 0, 0, 1, 2, 3, 4, 5, 5};
  return kKinds[kRoundKind[round % 10]];
}

Json podSpec(const std::string& image, const std::string& init_image) {
  Json spec = {
      {"containers",
       Json::array({{{"name", "app"},
                     {"image", image},
                     {"imagePullPolicy", "IfNotPresent"},
                     {"ports", Json::array({{{"containerPort", 8080}}})},
                     {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}}}}})},
      {"restartPolicy", "Always"},
      {"serviceAccountName", "default"}};
  if (!init_image.empty()) {
    spec["initContainers"] = Json::array({{{"name", "init"}, {"image", init_image}}});
  }
  return spec;
}

Json metadata(const std::string& ns, const std::string& name) {
  return {{"name", name},
          {"namespace", ns},
          {"labels", {{"app.kubernetes.io/name", name}, {"app.kubernetes.io/part-of", "bench"}}}};
}

Json workloadJson(const KindInfo& kind, const std::string& ns, const std::string& name,
                  const std::string& image, const std::string& init_image) {
  Json object = {{"apiVersion", kind.api_version}, {"kind", kind.kind}};
  object["metadata"] = metadata(ns, name);
  Json pod = podSpec(image, init_image);
  const std::string k = kind.kind;
  Json selector = {{"matchLabels", {{"app.kubernetes.io/name", name}}}};
  Json tmpl = {{"metadata", {{"labels", {{"app.kubernetes.io/name", name}}}}}, {"spec", pod}};
  if (k == "Pod") {
    object["spec"] = pod;
    object["status"] = {{"phase", "Running"}};
  } else if (k == "CronJob") {
    tmpl["spec"]["restartPolicy"] = "OnFailure";
    object["spec"] = {{"schedule", "*/5 * * * *"},
                      {"jobTemplate", {{"spec", {{"template", tmpl}}}}}};
  } else if (k == "Job") {
    tmpl["spec"]["restartPolicy"] = "OnFailure";
    object["spec"] = {{"backoffLimit", 4}, {"template", tmpl}};
  } else {
    object["spec"] = {{"selector", selector}, {"template", tmpl}};
    if (k != "DaemonSet") {
      object["spec"]["replicas"] = 2;
    }
  }
  return object;
}

}  // namespace

std::string namespaceName(int index) { return fmt::format("team-{:02}", index); }

std::string deploymentJson(const std::string& ns, const std::string& name,
                           const std::string& image) {
  return workloadJson(kindForRound(0), ns, name, image, "").dump();
}

Result<ClusterCensus> loadCluster(testing::FakeApiServer& api, const ClusterSpec& spec,
                                  const std::vector<BenchImage>& images) {
  ClusterCensus census;
  for (int n = 0; n < spec.namespaces; ++n) {
    Json ns = {
        {"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", namespaceName(n)}}}};
    if (auto stored = api.upsert("namespaces", ns.dump()); !stored) {
      return fail(stored.error().code, "namespace: " + stored.error().message);
    }
  }
  const int n_images = static_cast<int>(images.size());
  for (int i = 0; i < spec.workloads; ++i) {
    const int round = i / n_images;
    const KindInfo& kind = kindForRound(round);
    const std::string ns = namespaceName((i + 3 * round) % spec.namespaces);
    const std::string image = images[static_cast<size_t>(i % n_images)].reference;
    std::string init_image;
    if (i % 5 == 4) {
      init_image = images[static_cast<size_t>((i * 7 + 3) % n_images)].reference;
    }
    const std::string name = fmt::format("{}-{:04}", kind.resource, i);
    Json object = workloadJson(kind, ns, name, image, init_image);
    if (auto stored = api.upsert(kind.resource, object.dump()); !stored) {
      return fail(stored.error().code, name + ": " + stored.error().message);
    }
    ++census.objects[kind.resource];
    census.image_uses += init_image.empty() ? 1 : 2;
  }
  return census;
}

}  // namespace copycat::bench
