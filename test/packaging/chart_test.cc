// Static checks of the Helm chart in charts/copycat. Helm is not packaged for Debian 12, so the
// templates are not rendered here; instead: Chart.yaml and values.yaml parse, every template is
// present and structurally balanced, templates read only values that exist, every k8s-copycat
// value name exists and is used, and the defaults agree with the plain manifests.
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "packaging/packaging_files.h"

namespace copycat::packaging {
namespace {

const char* const kTemplates[] = {
    "_helpers.tpl",
    "NOTES.txt",
    "namespace.yaml",
    "serviceaccount.yaml",
    "clusterrole.yaml",
    "clusterrolebinding.yaml",
    "role.yaml",
    "rolebinding.yaml",
    "configmap.yaml",
    "deployment.yaml",
    "service.yaml",
    "servicemonitor.yaml",
    "poddisruptionbudget.yaml",
};

// Every value of the k8s-copycat chart (its values.yaml), so their values files carry over.
const char* const kUpstreamValues[] = {
    "replicaCount",
    "image.repository",
    "image.tag",
    "image.pullPolicy",
    "imagePullSecrets",
    "nameOverride",
    "fullnameOverride",
    "commonLabels",
    "commonAnnotations",
    "namespace.create",
    "namespace.annotations",
    "namespace.labels",
    "serviceAccount.create",
    "serviceAccount.annotations",
    "serviceAccount.labels",
    "serviceAccount.name",
    "rbac.create",
    "rbac.clusterRole.annotations",
    "rbac.clusterRole.labels",
    "rbac.clusterRole.rules",
    "rbac.clusterRoleBinding.annotations",
    "rbac.clusterRoleBinding.labels",
    "podAnnotations",
    "podLabels",
    "podSecurityContext",
    "securityContext",
    "priorityClassName",
    "command",
    "args",
    "extraEnv",
    "extraEnvFrom",
    "extraVolumeMounts",
    "extraVolumes",
    "containerPorts.metrics",
    "containerPorts.health",
    "resources",
    "livenessProbe.enabled",
    "livenessProbe.httpGet",
    "readinessProbe.enabled",
    "readinessProbe.httpGet",
    "service.enabled",
    "service.type",
    "service.port",
    "service.targetPort",
    "service.portName",
    "service.annotations",
    "service.labels",
    "podTopologySpreadConstraints",
    "nodeSelector",
    "tolerations",
    "affinity",
    "podDisruptionBudget.enabled",
    "podDisruptionBudget.labels",
    "podDisruptionBudget.annotations",
    "podDisruptionBudget.minAvailable",
    "podDisruptionBudget.maxUnavailable",
    "serviceMonitor.enabled",
    "serviceMonitor.namespace",
    "serviceMonitor.annotations",
    "serviceMonitor.labels",
    "serviceMonitor.interval",
    "serviceMonitor.scrapeTimeout",
    "serviceMonitor.scheme",
    "serviceMonitor.path",
    "serviceMonitor.namespaceSelector",
    "serviceMonitor.tlsConfig",
    "serviceMonitor.relabelings",
    "serviceMonitor.metricRelabelings",
    "serviceMonitor.targetLabels",
    "configMap.create",
    "configMap.existingConfigMap",
    "configMap.annotations",
    "configMap.labels",
    "configMap.key",
    "configMap.filename",
    "configMap.mountPath",
    "configMap.defaultMode",
    "config",
};

std::filesystem::path chartPath(const std::string& relative) {
  return sourcePath("charts/copycat/" + relative);
}

YAML::Node loadSingle(const std::filesystem::path& path) {
  auto docs = loadDocuments(path);
  EXPECT_EQ(docs.size(), 1u) << path;
  return docs.empty() ? YAML::Node() : docs[0];
}

// Every ".Values.a.b" path the templates read (also "$.Values...").
std::set<std::string> referencedValues() {
  static const std::regex kRef(R"(\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+))");
  std::set<std::string> paths;
  for (const char* name : kTemplates) {
    std::string text = readFile(chartPath(std::string("templates/") + name));
    for (std::sregex_iterator it(text.begin(), text.end(), kRef), end; it != end; ++it) {
      paths.insert((*it)[1].str().substr(1));
    }
  }
  return paths;
}

bool isPrefixPath(const std::string& prefix, const std::string& path) {
  return path == prefix || path.rfind(prefix + ".", 0) == 0;
}

TEST(ChartTest, ChartYamlDescribesAnApplicationAtTheProjectVersion) {
  YAML::Node chart = loadSingle(chartPath("Chart.yaml"));
  ASSERT_TRUE(chart.IsMap());
  EXPECT_EQ(chart["apiVersion"].as<std::string>(""), "v2");
  EXPECT_EQ(chart["name"].as<std::string>(""), "copycat");
  EXPECT_EQ(chart["type"].as<std::string>(""), "application");
  EXPECT_FALSE(chart["description"].as<std::string>("").empty());
  EXPECT_FALSE(chart["kubeVersion"].as<std::string>("").empty());
  static const std::regex kSemver(R"(\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?)");
  EXPECT_TRUE(std::regex_match(chart["version"].as<std::string>(""), kSemver));
  EXPECT_EQ(chart["appVersion"].as<std::string>(""), COPYCAT_PROJECT_VERSION);
}

TEST(ChartTest, ImageVersionsFollowTheProjectVersion) {
  std::string dockerfile = readFile(sourcePath("Dockerfile"));
  EXPECT_NE(dockerfile.find(std::string("ARG VERSION=") + COPYCAT_PROJECT_VERSION + "\n"),
            std::string::npos);
  auto kustomization = loadSingle(sourcePath("deploy/kubernetes/kustomization.yaml"));
  EXPECT_EQ(kustomization["images"][0]["newTag"].as<std::string>(""), COPYCAT_PROJECT_VERSION);
}

TEST(ChartTest, EveryTemplateIsPresentAndBalanced) {
  static const std::regex kOpen(R"(\{\{-?\s*(if|with|range|define|block)\b)");
  static const std::regex kEnd(R"(\{\{-?\s*end\b)");
  for (const char* name : kTemplates) {
    SCOPED_TRACE(name);
    auto path = chartPath(std::string("templates/") + name);
    ASSERT_TRUE(std::filesystem::is_regular_file(path));
    std::string text = readFile(path);
    auto count = [&text](const std::regex& re) {
      return std::distance(std::sregex_iterator(text.begin(), text.end(), re),
                           std::sregex_iterator());
    };
    EXPECT_EQ(count(std::regex(R"(\{\{)")), count(std::regex(R"(\}\})")));
    EXPECT_EQ(count(kOpen), count(kEnd));
  }
  // No stray files that Helm would render without this test knowing.
  for (const auto& entry : std::filesystem::directory_iterator(chartPath("templates"))) {
    std::string file = entry.path().filename().string();
    EXPECT_NE(std::find(std::begin(kTemplates), std::end(kTemplates), file), std::end(kTemplates))
        << "unchecked template " << file;
  }
}

TEST(ChartTest, IncludedHelpersAreDefined) {
  static const std::regex kDefine(R"re(define\s+"([^"]+)")re");
  static const std::regex kInclude(R"re(include\s+"([^"]+)")re");
  std::string helpers = readFile(chartPath("templates/_helpers.tpl"));
  std::set<std::string> defined;
  for (std::sregex_iterator it(helpers.begin(), helpers.end(), kDefine), end; it != end; ++it) {
    defined.insert((*it)[1].str());
  }
  for (const char* name : kTemplates) {
    std::string text = readFile(chartPath(std::string("templates/") + name));
    for (std::sregex_iterator it(text.begin(), text.end(), kInclude), end; it != end; ++it) {
      EXPECT_EQ(defined.count((*it)[1].str()), 1u) << name << " includes " << (*it)[1].str();
    }
  }
}

TEST(ChartTest, TemplatesReadOnlyValuesThatExist) {
  YAML::Node values = loadSingle(chartPath("values.yaml"));
  ASSERT_TRUE(values.IsMap());
  auto referenced = referencedValues();
  ASSERT_FALSE(referenced.empty());
  for (const auto& path : referenced) {
    EXPECT_TRUE(hasPath(values, path)) << ".Values." << path << " is not in values.yaml";
  }
}

TEST(ChartTest, EveryUpstreamValueExistsAndIsUsed) {
  YAML::Node values = loadSingle(chartPath("values.yaml"));
  auto referenced = referencedValues();
  for (const char* name : kUpstreamValues) {
    EXPECT_TRUE(hasPath(values, name)) << name << " missing from values.yaml";
    bool used = false;
    for (const auto& ref : referenced) {
      used |= isPrefixPath(ref, name) || isPrefixPath(name, ref);
    }
    EXPECT_TRUE(used) << name << " is in values.yaml but no template reads it";
  }
}

TEST(ChartTest, DefaultRbacMatchesThePlainManifests) {
  YAML::Node values = loadSingle(chartPath("values.yaml"));
  auto objects = loadObjects(sourcePath("deploy/kubernetes"), {"kustomization.yaml"});
  const Object* cluster_role = findObject(objects, "ClusterRole");
  ASSERT_NE(cluster_role, nullptr);
  std::map<std::string, std::set<std::string>> named;
  EXPECT_EQ(foldRules(values["rbac"]["clusterRole"]["rules"], &named),
            foldRules(cluster_role->node["rules"], nullptr));
  EXPECT_TRUE(named.empty());
  // The lease Role is rendered from the template itself: same verbs as the plain Role.
  std::string role = readFile(chartPath("templates/role.yaml"));
  EXPECT_NE(role.find(R"(verbs: ["create"])"), std::string::npos);
  EXPECT_NE(role.find(R"(verbs: ["get", "update"])"), std::string::npos);
  EXPECT_EQ(role.find("delete"), std::string::npos);
}

TEST(ChartTest, DefaultsRunTheControllerSafely) {
  YAML::Node v = loadSingle(chartPath("values.yaml"));
  EXPECT_EQ(v["replicaCount"].as<int>(0), 2);
  EXPECT_TRUE(v["leaderElection"]["enabled"].as<bool>(false));
  EXPECT_GE(v["terminationGracePeriodSeconds"].as<int>(0), 30);
  EXPECT_TRUE(v["podSecurityContext"]["runAsNonRoot"].as<bool>(false));
  EXPECT_EQ(v["podSecurityContext"]["runAsUser"].as<int>(0), 65532);
  EXPECT_EQ(v["podSecurityContext"]["seccompProfile"]["type"].as<std::string>(""),
            "RuntimeDefault");
  EXPECT_TRUE(v["securityContext"]["readOnlyRootFilesystem"].as<bool>(false));
  EXPECT_FALSE(v["securityContext"]["allowPrivilegeEscalation"].as<bool>(true));
  EXPECT_EQ(scalarList(v["securityContext"]["capabilities"]["drop"]),
            std::vector<std::string>{"ALL"});
  EXPECT_EQ(v["containerPorts"]["metrics"].as<int>(0), 8080);
  EXPECT_EQ(v["containerPorts"]["health"].as<int>(0), 8081);
  EXPECT_EQ(v["livenessProbe"]["httpGet"]["path"].as<std::string>(""), "/healthz");
  EXPECT_EQ(v["readinessProbe"]["httpGet"]["path"].as<std::string>(""), "/readyz");
  for (const char* probe : {"livenessProbe", "readinessProbe"}) {
    auto port = v[probe]["httpGet"]["port"].as<std::string>("");
    EXPECT_TRUE(port == "health" || port == "8081") << probe << " port " << port;
  }
  EXPECT_EQ(v["service"]["port"].as<int>(0), 8080);
  EXPECT_EQ(v["service"]["targetPort"].as<std::string>(""), "metrics");
  EXPECT_EQ(v["configMap"]["mountPath"].as<std::string>("") + "/" +
                v["configMap"]["filename"].as<std::string>(""),
            "/config/config.yaml");
  // The deployment template must pass the ports to the binary and name the pod for the lease.
  std::string deployment = readFile(chartPath("templates/deployment.yaml"));
  for (const char* needle :
       {"- run", "--leader-elect=", "--metrics-addr=:", "--health-addr=:", "name: POD_NAME",
        "fieldPath: metadata.name", "name: POD_NAMESPACE", "fieldPath: metadata.namespace"}) {
    EXPECT_NE(deployment.find(needle), std::string::npos) << needle;
  }
}

}  // namespace
}  // namespace copycat::packaging
