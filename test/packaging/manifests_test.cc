// Checks the plain Kubernetes manifests in deploy/kubernetes: structure, least-privilege RBAC,
// and a Deployment that runs copycat the way the binary expects (probes, ports, config path,
// downward API, security context). Without a cluster, this is what can be verified.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "packaging/packaging_files.h"

namespace copycat::packaging {
namespace {

constexpr char kNamespace[] = "k8s-copycat";
// The Lease copycat uses by default (config key leaseName).
constexpr char kLeaseName[] = "k8s-copycat";
// Files that kustomization.yaml does not list: itself and the optional ServiceMonitor.
const std::set<std::string> kNotInKustomization = {"kustomization.yaml", "servicemonitor.yaml"};

// What the controller reads cluster-wide, and the only verbs it needs on it.
const RuleSet kExpectedClusterRules = {
    {"apps/deployments", {"get", "list", "watch"}},
    {"apps/statefulsets", {"get", "list", "watch"}},
    {"apps/daemonsets", {"get", "list", "watch"}},
    {"apps/replicasets", {"get", "list", "watch"}},
    {"batch/jobs", {"get", "list", "watch"}},
    {"batch/cronjobs", {"get", "list", "watch"}},
    {"/pods", {"get", "list", "watch"}},
    {"/nodes", {"get", "list", "watch"}},
    {"/namespaces", {"get", "list", "watch"}},
    {"/events", {"create", "patch"}},
};

const std::set<std::string> kWriteVerbs = {"create", "update",           "patch",
                                           "delete", "deletecollection", "escalate",
                                           "bind",   "impersonate",      "*"};

class ManifestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    objects_ = loadObjects(sourcePath("deploy/kubernetes"), {"kustomization.yaml"});
    ASSERT_FALSE(objects_.empty());
  }

  const YAML::Node container() {
    const Object* deployment = findObject(objects_, "Deployment");
    if (deployment == nullptr) {
      return YAML::Node();
    }
    return deployment->node["spec"]["template"]["spec"]["containers"][0];
  }

  std::vector<Object> objects_;
};

// A probe or Service port: a number, or the name of one of the container's ports.
int resolvePort(const YAML::Node& container, const YAML::Node& port) {
  if (port.IsScalar()) {
    int number = port.as<int>(-1);
    if (number > 0) {
      return number;
    }
    for (const auto& p : container["ports"]) {
      if (p["name"].as<std::string>("") == port.as<std::string>()) {
        return p["containerPort"].as<int>(-1);
      }
    }
  }
  return -1;
}

bool labelsMatch(const YAML::Node& selector, const YAML::Node& labels) {
  if (!selector.IsMap() || selector.size() == 0) {
    return false;
  }
  for (const auto& entry : selector) {
    const YAML::Node& const_labels = labels;
    if (const_labels[entry.first.as<std::string>()].as<std::string>("") !=
        entry.second.as<std::string>()) {
      return false;
    }
  }
  return true;
}

TEST_F(ManifestsTest, EveryObjectHasApiVersionKindNameAndTheNamespace) {
  const std::set<std::string> cluster_scoped = {"Namespace", "ClusterRole", "ClusterRoleBinding"};
  std::set<std::string> seen;
  for (const auto& object : objects_) {
    SCOPED_TRACE(object.file);
    ASSERT_TRUE(object.node.IsMap());
    EXPECT_FALSE(object.node["apiVersion"].as<std::string>("").empty());
    EXPECT_FALSE(object.kind().empty());
    EXPECT_FALSE(object.name().empty());
    if (cluster_scoped.count(object.kind()) != 0) {
      EXPECT_EQ(object.nameSpace(), "");
    } else {
      EXPECT_EQ(object.nameSpace(), kNamespace);
    }
    EXPECT_TRUE(seen.insert(object.kind() + "/" + object.name()).second)
        << "duplicate " << object.kind() << " " << object.name();
  }
  const Object* ns = findObject(objects_, "Namespace", kNamespace);
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ(
      ns->node["metadata"]["labels"]["pod-security.kubernetes.io/enforce"].as<std::string>(""),
      "restricted");
}

TEST_F(ManifestsTest, KustomizationListsEveryManifestButTheOptionalOnes) {
  auto docs = loadDocuments(sourcePath("deploy/kubernetes/kustomization.yaml"));
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["kind"].as<std::string>(""), "Kustomization");
  std::set<std::string> listed;
  for (const auto& file : scalarList(docs[0]["resources"])) {
    EXPECT_TRUE(std::filesystem::exists(sourcePath("deploy/kubernetes/" + file))) << file;
    listed.insert(file);
  }
  std::set<std::string> present;
  for (const auto& object : objects_) {
    if (kNotInKustomization.count(object.file) == 0) {
      present.insert(object.file);
    }
  }
  EXPECT_EQ(listed, present);
  // The image override must name the image the Deployment uses.
  std::string image = container()["image"].as<std::string>("");
  ASSERT_FALSE(docs[0]["images"][0]["name"].as<std::string>("").empty());
  EXPECT_EQ(image.rfind(docs[0]["images"][0]["name"].as<std::string>() + ":", 0), 0u) << image;
}

TEST_F(ManifestsTest, ClusterRoleGrantsOnlyReadsAndEvents) {
  const Object* role = findObject(objects_, "ClusterRole");
  ASSERT_NE(role, nullptr);
  std::map<std::string, std::set<std::string>> named;
  RuleSet rules = foldRules(role->node["rules"], &named);
  for (const auto& [key, verbs] : rules) {
    EXPECT_EQ(key.find('*'), std::string::npos) << "wildcard resource " << key;
    EXPECT_EQ(verbs.count("*"), 0u) << "wildcard verb on " << key;
    EXPECT_EQ(key.find("secrets"), std::string::npos) << "copycat must not read Secrets";
    bool workload = key != "/events";
    for (const auto& verb : verbs) {
      if (workload) {
        EXPECT_EQ(kWriteVerbs.count(verb), 0u) << verb << " on " << key;
      }
    }
  }
  EXPECT_TRUE(named.empty());
  EXPECT_EQ(rules, kExpectedClusterRules);
}

TEST_F(ManifestsTest, RoleGrantsOnlyTheLeaderElectionLease) {
  const Object* role = findObject(objects_, "Role");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->nameSpace(), kNamespace);
  std::map<std::string, std::set<std::string>> named;
  RuleSet rules = foldRules(role->node["rules"], &named);
  EXPECT_EQ(rules, (RuleSet{{"coordination.k8s.io/leases", {"create", "get", "update"}}}));
  EXPECT_EQ(named["coordination.k8s.io/leases"], std::set<std::string>{kLeaseName});
  // get/update are bound to the lease name; create cannot be.
  for (const auto& rule : role->node["rules"]) {
    auto verbs = scalarList(rule["verbs"]);
    bool has_names = rule["resourceNames"].IsDefined();
    for (const auto& verb : verbs) {
      EXPECT_EQ(has_names, verb != "create") << verb;
    }
  }
}

TEST_F(ManifestsTest, BindingsConnectTheServiceAccountToBothRoles) {
  const Object* sa = findObject(objects_, "ServiceAccount");
  ASSERT_NE(sa, nullptr);
  for (const auto& [binding_kind, role_kind] : std::vector<std::pair<std::string, std::string>>{
           {"ClusterRoleBinding", "ClusterRole"}, {"RoleBinding", "Role"}}) {
    SCOPED_TRACE(binding_kind);
    const Object* binding = findObject(objects_, binding_kind);
    ASSERT_NE(binding, nullptr);
    const YAML::Node ref = binding->node["roleRef"];
    EXPECT_EQ(ref["apiGroup"].as<std::string>(""), "rbac.authorization.k8s.io");
    EXPECT_EQ(ref["kind"].as<std::string>(""), role_kind);
    const Object* role = findObject(objects_, role_kind, ref["name"].as<std::string>(""));
    ASSERT_NE(role, nullptr);
    EXPECT_EQ(role->nameSpace(), binding->nameSpace());
    ASSERT_EQ(binding->node["subjects"].size(), 1u);
    const YAML::Node subject = binding->node["subjects"][0];
    EXPECT_EQ(subject["kind"].as<std::string>(""), "ServiceAccount");
    EXPECT_EQ(subject["name"].as<std::string>(""), sa->name());
    EXPECT_EQ(subject["namespace"].as<std::string>(""), sa->nameSpace());
  }
}

TEST_F(ManifestsTest, DeploymentRunsTwoLeaderElectedReplicasAsNonRoot) {
  const Object* deployment = findObject(objects_, "Deployment");
  ASSERT_NE(deployment, nullptr);
  const YAML::Node spec = deployment->node["spec"];
  const YAML::Node pod = spec["template"]["spec"];
  EXPECT_EQ(spec["replicas"].as<int>(0), 2);
  EXPECT_TRUE(labelsMatch(spec["selector"]["matchLabels"], spec["template"]["metadata"]["labels"]));
  const Object* sa = findObject(objects_, "ServiceAccount");
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(pod["serviceAccountName"].as<std::string>(""), sa->name());
  EXPECT_GE(pod["terminationGracePeriodSeconds"].as<int>(0), 30);
  EXPECT_FALSE(pod["hostNetwork"].as<bool>(false));
  EXPECT_FALSE(pod["hostPID"].as<bool>(false));

  EXPECT_TRUE(pod["securityContext"]["runAsNonRoot"].as<bool>(false));
  EXPECT_GT(pod["securityContext"]["runAsUser"].as<int>(0), 0);
  EXPECT_EQ(pod["securityContext"]["seccompProfile"]["type"].as<std::string>(""), "RuntimeDefault");
  ASSERT_EQ(pod["containers"].size(), 1u);
  const YAML::Node sc = container()["securityContext"];
  EXPECT_TRUE(sc["readOnlyRootFilesystem"].as<bool>(false));
  EXPECT_FALSE(sc["allowPrivilegeEscalation"].as<bool>(true));
  EXPECT_EQ(scalarList(sc["capabilities"]["drop"]), std::vector<std::string>{"ALL"});
  EXPECT_FALSE(sc["capabilities"]["add"].IsDefined());
  EXPECT_FALSE(sc["privileged"].as<bool>(false));

  auto args = scalarList(container()["args"]);
  ASSERT_FALSE(args.empty());
  EXPECT_EQ(args[0], "run");
  EXPECT_NE(std::find(args.begin(), args.end(), "--leader-elect=true"), args.end());

  const YAML::Node resources = container()["resources"];
  EXPECT_EQ(resources["requests"]["cpu"].as<std::string>(""), "50m");
  EXPECT_EQ(resources["requests"]["memory"].as<std::string>(""), "64Mi");
  EXPECT_EQ(resources["limits"]["memory"].as<std::string>(""), "256Mi");
}

TEST_F(ManifestsTest, ProbesAndPortsMatchTheBinary) {
  const YAML::Node c = container();
  ASSERT_TRUE(c.IsMap());
  EXPECT_EQ(c["livenessProbe"]["httpGet"]["path"].as<std::string>(""), "/healthz");
  EXPECT_EQ(resolvePort(c, c["livenessProbe"]["httpGet"]["port"]), 8081);
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"].as<std::string>(""), "/readyz");
  EXPECT_EQ(resolvePort(c, c["readinessProbe"]["httpGet"]["port"]), 8081);
  EXPECT_EQ(resolvePort(c, YAML::Node("metrics")), 8080);
  EXPECT_EQ(resolvePort(c, YAML::Node("health")), 8081);
}

TEST_F(ManifestsTest, PodLearnsItsNameAndNamespaceFromTheDownwardApi) {
  std::map<std::string, std::string> field_refs;
  for (const auto& env : container()["env"]) {
    std::string name = env["name"].as<std::string>("");
    EXPECT_FALSE(env["value"].IsDefined() && name == "ADMIN_TOKEN")
        << "ADMIN_TOKEN must come from a Secret";
    if (env["valueFrom"]["fieldRef"].IsDefined()) {
      field_refs[name] = env["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>("");
    }
  }
  EXPECT_EQ(field_refs["POD_NAME"], "metadata.name");
  EXPECT_EQ(field_refs["POD_NAMESPACE"], "metadata.namespace");
}

TEST_F(ManifestsTest, ConfigMapIsMountedAtTheDefaultConfigPath) {
  const Object* deployment = findObject(objects_, "Deployment");
  ASSERT_NE(deployment, nullptr);
  std::string volume_name;
  for (const auto& mount : container()["volumeMounts"]) {
    if (mount["mountPath"].as<std::string>("") == "/config") {
      volume_name = mount["name"].as<std::string>("");
      EXPECT_TRUE(mount["readOnly"].as<bool>(false));
    }
  }
  ASSERT_FALSE(volume_name.empty()) << "nothing mounted at /config";
  YAML::Node config_volume;
  for (const auto& volume : deployment->node["spec"]["template"]["spec"]["volumes"]) {
    EXPECT_FALSE(volume["secret"].IsDefined() || volume["hostPath"].IsDefined());
    if (volume["name"].as<std::string>("") == volume_name) {
      config_volume.reset(volume);
    }
  }
  ASSERT_TRUE(config_volume["configMap"].IsDefined());
  const Object* cm =
      findObject(objects_, "ConfigMap", config_volume["configMap"]["name"].as<std::string>(""));
  ASSERT_NE(cm, nullptr);
  ASSERT_TRUE(cm->node["data"]["config.yaml"].IsDefined());
  // /config/config.yaml: without items every key is a file; with items, config.yaml must be one.
  if (config_volume["configMap"]["items"].IsDefined()) {
    bool found = false;
    for (const auto& item : config_volume["configMap"]["items"]) {
      found |= item["key"].as<std::string>("") == "config.yaml" &&
               item["path"].as<std::string>("") == "config.yaml";
    }
    EXPECT_TRUE(found);
  }
  YAML::Node parsed = YAML::Load(cm->node["data"]["config.yaml"].as<std::string>());
  EXPECT_TRUE(parsed.IsMap());
}

TEST_F(ManifestsTest, ServiceAndServiceMonitorReachTheMetricsPort) {
  const Object* deployment = findObject(objects_, "Deployment");
  const Object* service = findObject(objects_, "Service");
  const Object* monitor = findObject(objects_, "ServiceMonitor");
  ASSERT_TRUE(deployment != nullptr && service != nullptr && monitor != nullptr);
  EXPECT_TRUE(labelsMatch(service->node["spec"]["selector"],
                          deployment->node["spec"]["template"]["metadata"]["labels"]));
  ASSERT_EQ(service->node["spec"]["ports"].size(), 1u);
  const YAML::Node port = service->node["spec"]["ports"][0];
  EXPECT_EQ(port["port"].as<int>(0), 8080);
  EXPECT_EQ(resolvePort(container(), port["targetPort"]), 8080);

  EXPECT_TRUE(labelsMatch(monitor->node["spec"]["selector"]["matchLabels"],
                          service->node["metadata"]["labels"]));
  const YAML::Node endpoint = monitor->node["spec"]["endpoints"][0];
  EXPECT_EQ(endpoint["port"].as<std::string>(""), port["name"].as<std::string>(""));
  EXPECT_EQ(endpoint["path"].as<std::string>(""), "/metrics");
}

TEST_F(ManifestsTest, DisruptionBudgetKeepsOneOfTheReplicas) {
  const Object* deployment = findObject(objects_, "Deployment");
  const Object* pdb = findObject(objects_, "PodDisruptionBudget");
  ASSERT_TRUE(deployment != nullptr && pdb != nullptr);
  EXPECT_TRUE(labelsMatch(pdb->node["spec"]["selector"]["matchLabels"],
                          deployment->node["spec"]["template"]["metadata"]["labels"]));
  int min_available = pdb->node["spec"]["minAvailable"].as<int>(0);
  EXPECT_GE(min_available, 1);
  EXPECT_LT(min_available, deployment->node["spec"]["replicas"].as<int>(0));
}

}  // namespace
}  // namespace copycat::packaging
