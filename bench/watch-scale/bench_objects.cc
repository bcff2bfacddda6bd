#include "bench_objects.h"

#include <cstdio>
#include <functional>

#include <nlohmann/json.hpp>

namespace copycat::bench {
namespace {

using Json = nlohmann::ordered_json;

std::string uid(const char* kind, int index) {
  const size_t h = std::hash<std::string>{}(std::string(kind) + std::to_string(index));
  char out[40];
  std::snprintf(out, sizeof(out), "%08x-%04x-4%03x-a%03x-%012x", static_cast<unsigned>(h),
                static_cast<unsigned>(h >> 32) & 0xffff, static_cast<unsigned>(index) & 0xfff,
                static_cast<unsigned>(h >> 20) & 0xfff, static_cast<unsigned>(index));
  return out;
}

std::string digest(const std::string& image) {
  std::string hex;
  size_t h = std::hash<std::string>{}(image);
  while (hex.size() < 64) {
    char part[17];
    std::snprintf(part, sizeof(part), "%016zx", h);
    hex += part;
    h = std::hash<std::string>{}(hex);
  }
  return "sha256:" + hex.substr(0, 64);
}

// Five images per deployment: the app, and sidecars shared across the cluster.
std::string image(int deployment, int container) {
  switch (container) {
    case 0:
      return "registry.example.com/team-" + std::to_string(deployment % 50) + "/service-" +
             std::to_string(deployment) + ":1." + std::to_string(deployment % 10) + ".3";
    case 1:
      return "docker.io/envoyproxy/envoy:v1.29." + std::to_string(deployment % 3);
    case 2:
      return "quay.io/prometheus/statsd-exporter:v0.26.0";
    case 3:
      return "gcr.io/distroless/static:nonroot";
    default:
      return "docker.io/library/busybox:1.36." + std::to_string(container);
  }
}

std::string imageId(const std::string& ref) {
  const size_t colon = ref.rfind(':');
  return ref.substr(0, colon) + "@" + digest(ref);
}

Json labels(const ClusterShape& shape, int deployment) {
  return {{"app.kubernetes.io/name", deploymentName(deployment)},
          {"app.kubernetes.io/instance", deploymentName(deployment) + "-prod"},
          {"app.kubernetes.io/version", "1." + std::to_string(deployment % 10) + ".3"},
          {"app.kubernetes.io/part-of", "platform"},
          {"app.kubernetes.io/managed-by", "Helm"},
          {"team", "team-" + std::to_string(deployment % 50)},
          {"namespace-hint", namespaceName(shape, deployment)}};
}

Json container(int deployment, int index) {
  Json env = Json::array();
  env.push_back({{"name", "LOG_LEVEL"}, {"value", "info"}});
  env.push_back({{"name", "SERVICE_NAME"}, {"value", deploymentName(deployment)}});
  env.push_back(
      {{"name", "POD_NAME"},
       {"valueFrom", {{"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", "metadata.name"}}}}}});
  env.push_back(
      {{"name", "POD_IP"},
       {"valueFrom", {{"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", "status.podIP"}}}}}});
  env.push_back({{"name", "DB_PASSWORD"},
                 {"valueFrom", {{"secretKeyRef", {{"name", "db"}, {"key", "password"}}}}}});
  Json probe = {{"httpGet", {{"path", "/healthz"}, {"port", 8080 + index}, {"scheme", "HTTP"}}},
                {"initialDelaySeconds", 10},
                {"timeoutSeconds", 1},
                {"periodSeconds", 10},
                {"successThreshold", 1},
                {"failureThreshold", 3}};
  if (index > 0) {
    return {{"name", "sidecar-" + std::to_string(index)},
            {"image", image(deployment, index)},
            {"env", {env[0], env[2]}},
            {"resources", {{"requests", {{"cpu", "10m"}, {"memory", "32Mi"}}}}},
            {"volumeMounts", {{{"name", "config"}, {"mountPath", "/etc/config"}}}},
            {"readinessProbe", {{"tcpSocket", {{"port", 9000 + index}}}, {"periodSeconds", 10}}},
            {"terminationMessagePath", "/dev/termination-log"},
            {"terminationMessagePolicy", "File"},
            {"imagePullPolicy", "IfNotPresent"}};
  }
  // Sizes vary between deployments, as in a real cluster: half of the apps have no liveness
  // probe and fewer variables.
  if (deployment % 2 == 1) {
    env.erase(env.begin() + 3, env.end());
  }
  Json app = {{"name", "app"},
              {"image", image(deployment, index)},
              {"ports", {{{"name", "http"}, {"containerPort", 8080 + index}, {"protocol", "TCP"}}}},
              {"env", env},
              {"resources",
               {{"limits", {{"cpu", "500m"}, {"memory", "256Mi"}}},
                {"requests", {{"cpu", "50m"}, {"memory", "64Mi"}}}}},
              {"volumeMounts",
               {{{"name", "config"}, {"mountPath", "/etc/config"}, {"readOnly", true}},
                {{"name", "kube-api-access"},
                 {"mountPath", "/var/run/secrets/kubernetes.io/serviceaccount"},
                 {"readOnly", true}}}},
              {"readinessProbe", probe},
              {"terminationMessagePath", "/dev/termination-log"},
              {"terminationMessagePolicy", "File"},
              {"imagePullPolicy", "IfNotPresent"},
              {"securityContext",
               {{"allowPrivilegeEscalation", false},
                {"readOnlyRootFilesystem", true},
                {"capabilities", {{"drop", {"ALL"}}}}}}};
  if (deployment % 2 == 0) {
    app["livenessProbe"] = probe;
  }
  return app;
}

Json podSpec(const ClusterShape& shape, int deployment) {
  Json containers = Json::array();
  for (int c = 0; c < shape.containers; ++c) {
    containers.push_back(container(deployment, c));
  }
  return {{"volumes",
           {{{"name", "config"},
             {"configMap", {{"name", deploymentName(deployment)}, {"defaultMode", 420}}}},
            {{"name", "kube-api-access"},
             {"projected",
              {{"sources",
                {{{"serviceAccountToken", {{"expirationSeconds", 3607}, {"path", "token"}}}},
                 {{"configMap",
                   {{"name", "kube-root-ca.crt"},
                    {"items", {{{"key", "ca.crt"}, {"path", "ca.crt"}}}}}}}}},
               {"defaultMode", 420}}}}}},
          {"containers", containers},
          {"restartPolicy", "Always"},
          {"terminationGracePeriodSeconds", 30},
          {"dnsPolicy", "ClusterFirst"},
          {"serviceAccountName", "default"},
          {"securityContext", {{"runAsNonRoot", true}, {"fsGroup", 2000}}},
          {"schedulerName", "default-scheduler"},
          {"tolerations",
           {{{"key", "node.kubernetes.io/not-ready"},
             {"operator", "Exists"},
             {"effect", "NoExecute"},
             {"tolerationSeconds", 300}},
            {{"key", "node.kubernetes.io/unreachable"},
             {"operator", "Exists"},
             {"effect", "NoExecute"},
             {"tolerationSeconds", 300}}}},
          {"priority", 0},
          {"enableServiceLinks", true}};
}

Json managedFields(const std::string& manager) {
  return Json::array(
      {{{"manager", manager},
        {"operation", "Update"},
        {"apiVersion", "v1"},
        {"time", "2024-05-01T10:00:00Z"},
        {"fieldsType", "FieldsV1"},
        {"fieldsV1",
         {{"f:metadata",
           {{"f:labels", {{".", Json::object()}, {"f:app.kubernetes.io/name", Json::object()}}},
            {"f:ownerReferences", {{".", Json::object()}}}}},
          {"f:spec",
           {{"f:containers",
             {{"k:{\"name\":\"app\"}", {{".", Json::object()}, {"f:image", Json::object()}}}}},
            {"f:dnsPolicy", Json::object()},
            {"f:restartPolicy", Json::object()}}}}}}});
}

Json containerStatuses(const ClusterShape& shape, int deployment, const std::string& pod,
                       int revision) {
  Json statuses = Json::array();
  for (int c = 0; c < shape.containers; ++c) {
    const std::string ref = image(deployment, c);
    statuses.push_back(
        {{"name", c == 0 ? "app" : "sidecar-" + std::to_string(c)},
         {"state",
          {{"running",
            {{"startedAt", "2024-05-01T10:00:0" + std::to_string(revision % 10) + "Z"}}}}},
         {"lastState", Json::object()},
         {"ready", true},
         {"restartCount", revision},
         {"image", ref},
         {"imageID", imageId(ref)},
         {"containerID", "containerd://" + digest(pod + std::to_string(c)).substr(7)},
         {"started", true}});
  }
  return statuses;
}

}  // namespace

std::string namespaceName(const ClusterShape& shape, int deployment) {
  return "ns-" + std::to_string(deployment % shape.namespaces);
}

std::string deploymentName(int deployment) { return "service-" + std::to_string(deployment); }

std::string namespaceJson(const std::string& name) {
  return Json{{"metadata", {{"name", name}, {"labels", {{"kubernetes.io/metadata.name", name}}}}},
              {"spec", {{"finalizers", {"kubernetes"}}}},
              {"status", {{"phase", "Active"}}}}
      .dump();
}

std::string nodeJson(int node) {
  const std::string arch = node % 4 == 3 ? "arm64" : "amd64";
  return Json{{"metadata",
               {{"name", "node-" + std::to_string(node)},
                {"labels",
                 {{"kubernetes.io/os", "linux"},
                  {"kubernetes.io/arch", arch},
                  {"kubernetes.io/hostname", "node-" + std::to_string(node)}}}}},
              {"status",
               {{"nodeInfo",
                 {{"operatingSystem", "linux"},
                  {"architecture", arch},
                  {"kubeletVersion", "v1.30.0"},
                  {"containerRuntimeVersion", "containerd://1.7.13"}}}}}}
      .dump();
}

std::string deploymentJson(const ClusterShape& shape, int deployment) {
  Json meta = {{"name", deploymentName(deployment)},
               {"namespace", namespaceName(shape, deployment)},
               {"uid", uid("deployment", deployment)},
               {"generation", 3},
               {"labels", labels(shape, deployment)},
               {"annotations", {{"deployment.kubernetes.io/revision", "3"}}}};
  return Json{
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", meta},
      {"spec",
       {{"replicas", shape.pods_per_deployment},
        {"selector", {{"matchLabels", {{"app.kubernetes.io/name", deploymentName(deployment)}}}}},
        {"template",
         {{"metadata", {{"labels", labels(shape, deployment)}}},
          {"spec", podSpec(shape, deployment)}}},
        {"strategy", {{"type", "RollingUpdate"}}}}},
      {"status", {{"observedGeneration", 3}, {"replicas", shape.pods_per_deployment}}}}
      .dump();
}

std::string replicaSetJson(const ClusterShape& shape, int deployment) {
  Json meta = {{"name", deploymentName(deployment) + "-7d4b9c8f6"},
               {"namespace", namespaceName(shape, deployment)},
               {"uid", uid("replicaset", deployment)},
               {"generation", 1},
               {"labels", labels(shape, deployment)},
               {"ownerReferences",
                {{{"apiVersion", "apps/v1"},
                  {"kind", "Deployment"},
                  {"name", deploymentName(deployment)},
                  {"uid", uid("deployment", deployment)},
                  {"controller", true},
                  {"blockOwnerDeletion", true}}}}};
  return Json{{"apiVersion", "apps/v1"},
              {"kind", "ReplicaSet"},
              {"metadata", meta},
              {"spec",
               {{"replicas", shape.pods_per_deployment},
                {"template",
                 {{"metadata", {{"labels", labels(shape, deployment)}}},
                  {"spec", podSpec(shape, deployment)}}}}},
              {"status", {{"replicas", shape.pods_per_deployment}, {"observedGeneration", 1}}}}
      .dump();
}

std::string podJson(const ClusterShape& shape, int pod, int revision) {
  const int deployment = pod / shape.pods_per_deployment;
  const std::string rs = deploymentName(deployment) + "-7d4b9c8f6";
  const std::string name =
      rs + "-" + std::to_string(pod % shape.pods_per_deployment) + "x" + std::to_string(pod);
  const std::string node = "node-" + std::to_string(pod % shape.nodes);
  Json meta = {{"name", name},
               {"generateName", rs + "-"},
               {"namespace", namespaceName(shape, deployment)},
               {"uid", uid("pod", pod)},
               {"creationTimestamp", "2024-05-01T10:00:00Z"},
               {"labels", labels(shape, deployment)},
               {"annotations",
                {{"prometheus.io/scrape", "true"},
                 {"prometheus.io/port", "9102"},
                 {"kubectl.kubernetes.io/restartedAt", "2024-05-01T09:59:00Z"},
                 {"checksum/config", digest(name).substr(7)}}},
               {"ownerReferences",
                {{{"apiVersion", "apps/v1"},
                  {"kind", "ReplicaSet"},
                  {"name", rs},
                  {"uid", uid("replicaset", deployment)},
                  {"controller", true},
                  {"blockOwnerDeletion", true}}}},
               {"managedFields", managedFields("kube-controller-manager")}};
  Json spec = podSpec(shape, deployment);
  spec["nodeName"] = node;
  const Json statuses = containerStatuses(shape, deployment, name, revision);
  Json conditions = Json::array();
  for (const char* type : {"Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
    conditions.push_back({{"type", type},
                          {"status", "True"},
                          {"lastProbeTime", nullptr},
                          {"lastTransitionTime", "2024-05-01T10:00:05Z"}});
  }
  const std::string ip =
      "10.1." + std::to_string(pod / 250 % 250) + "." + std::to_string(pod % 250);
  return Json{{"metadata", meta},
              {"spec", spec},
              {"status",
               {{"phase", "Running"},
                {"conditions", conditions},
                {"hostIP", "192.168.0." + std::to_string(pod % shape.nodes)},
                {"podIP", ip},
                {"podIPs", {{{"ip", ip}}}},
                {"startTime", "2024-05-01T10:00:00Z"},
                {"containerStatuses", statuses},
                {"qosClass", "Burstable"}}}}
      .dump();
}

}  // namespace copycat::bench
