#include "kube/kube_config.h"

#include <map>

#include <gtest/gtest.h>

#include "kube/test_util.h"

namespace copycat::kube {
namespace {

using testing::TempDir;

// A service-account directory plus an environment for in-cluster tests.
struct Fixture {
  TempDir dir;
  std::map<std::string, std::string> env{{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                         {"KUBERNETES_SERVICE_PORT", "443"}};

  Fixture() {
    dir.write("sa/token", "sa-token\n");
    dir.write("sa/ca.crt", "CA PEM");
    dir.write("sa/namespace", "copycat-system\n");
    env["HOME"] = dir.file("home");
  }

  LoadOptions options() const {
    LoadOptions o;
    o.service_account_dir = dir.file("sa");
    o.getenv = [env = env](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    return o;
  }

  void writeHomeConfig(const std::string& current_context = "home") {
    dir.write("home/.kube/config",
              "current-context: " + current_context +
                  "\nclusters:\n- {name: c, cluster: {server: 'https://home:6443'}}\n"
                  "contexts:\n- {name: home, context: {cluster: c}}\n");
  }
};

TEST(InClusterTest, UsesServiceAccountFilesAndEnvironment) {
  Fixture f;
  auto config = inClusterConfig(f.options());
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->token_file, f.dir.file("sa/token"));
  EXPECT_TRUE(config->token.empty());
  EXPECT_EQ(config->ca_pem, "CA PEM");
  EXPECT_EQ(config->namespace_name, "copycat-system");
  EXPECT_EQ(config->source, "in-cluster");
}

TEST(InClusterTest, BracketsIpv6Hosts) {
  Fixture f;
  f.env["KUBERNETES_SERVICE_HOST"] = "fd00:10:96::1";
  f.env["KUBERNETES_SERVICE_PORT"] = "6443";
  EXPECT_EQ(inClusterConfig(f.options()).value().server, "https://[fd00:10:96::1]:6443");
}

TEST(InClusterTest, PodNamespaceWinsAndDefaultIsDefault) {
  Fixture f;
  f.env["POD_NAMESPACE"] = "from-env";
  EXPECT_EQ(inClusterConfig(f.options()).value().namespace_name, "from-env");
  Fixture g;
  std::filesystem::remove(g.dir.file("sa/namespace"));
  EXPECT_EQ(inClusterConfig(g.options()).value().namespace_name, "default");
}

TEST(InClusterTest, MissingCaIsToleratedMissingTokenIsNot) {
  Fixture f;
  std::filesystem::remove(f.dir.file("sa/ca.crt"));
  auto config = inClusterConfig(f.options());
  ASSERT_TRUE(config.has_value());
  EXPECT_TRUE(config->ca_pem.empty());
  std::filesystem::remove(f.dir.file("sa/token"));
  EXPECT_FALSE(inClusterPossible(f.options()));
  auto broken = inClusterConfig(f.options());
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code, ErrorCode::kNotFound);
}

TEST(InClusterTest, NotInClusterWithoutTheVariables) {
  Fixture f;
  f.env.erase("KUBERNETES_SERVICE_PORT");
  EXPECT_FALSE(inClusterPossible(f.options()));
  auto config = inClusterConfig(f.options());
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find("KUBERNETES_SERVICE_PORT"), std::string::npos);
}

TEST(LoadClusterConfigTest, InClusterWhenNoKubeconfigExists) {
  Fixture f;
  auto config = loadClusterConfig(f.options());
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->source, "in-cluster");
}

TEST(LoadClusterConfigTest, ClientGoPrefersHomeConfigOverInCluster) {
  Fixture f;
  f.writeHomeConfig();
  auto config = loadClusterConfig(f.options());
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server, "https://home:6443");
}

TEST(LoadClusterConfigTest, ControllerRuntimePrefersInClusterOverHomeConfig) {
  Fixture f;
  f.writeHomeConfig();
  LoadOptions options = f.options();
  options.precedence = Precedence::kControllerRuntime;
  auto config = loadClusterConfig(options);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->source, "in-cluster");
}

TEST(LoadClusterConfigTest, KubeconfigWithoutCurrentContextFallsBackToInCluster) {
  Fixture f;
  f.writeHomeConfig("");
  auto config = loadClusterConfig(f.options());
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->source, "in-cluster");
  // ... unless a context is asked for explicitly.
  LoadOptions explicit_context = f.options();
  explicit_context.context = "home";
  EXPECT_EQ(loadClusterConfig(explicit_context).value().server, "https://home:6443");
}

TEST(LoadClusterConfigTest, KubeconfigEnvWinsOverInCluster) {
  Fixture f;
  std::string path =
      f.dir.write("env-config",
                  "current-context: e\nclusters:\n- {name: c, cluster: {server: "
                  "'https://env'}}\ncontexts:\n- {name: e, context: {cluster: c}}\n");
  f.env["KUBECONFIG"] = path;
  LoadOptions options = f.options();
  options.precedence = Precedence::kControllerRuntime;
  options.namespace_override = "override";
  options.user_agent = "copycat/1.2.3";
  auto config = loadClusterConfig(options);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server, "https://env");
  EXPECT_EQ(config->namespace_name, "override");
  EXPECT_EQ(config->user_agent, "copycat/1.2.3");
}

TEST(LoadClusterConfigTest, NothingFoundIsAClearError) {
  Fixture f;
  f.env.erase("KUBERNETES_SERVICE_HOST");
  auto config = loadClusterConfig(f.options());
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::kNotFound);
  EXPECT_NE(config.error().message.find("no Kubernetes configuration found"), std::string::npos);
  EXPECT_NE(config.error().message.find(f.dir.file("home/.kube/config")), std::string::npos);
}

TEST(LoadClusterConfigTest, KubeconfigEnvWithOnlyMissingFilesIsAnError) {
  Fixture f;
  f.env.erase("KUBERNETES_SERVICE_HOST");
  f.env["KUBECONFIG"] = f.dir.file("a") + ":" + f.dir.file("b");
  auto config = loadClusterConfig(f.options());
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find("none of the KUBECONFIG files exist"), std::string::npos);
}

}  // namespace
}  // namespace copycat::kube
