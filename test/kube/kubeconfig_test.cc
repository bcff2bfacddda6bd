#include "kube/kubeconfig.h"

#include <map>

#include <gtest/gtest.h>

#include "base/base64.h"
#include "kube/kube_config.h"
#include "kube/test_util.h"

namespace copycat::kube {
namespace {

using testing::TempDir;

constexpr const char* kCaPem = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";

LoadOptions optionsWithEnv(std::map<std::string, std::string> env) {
  LoadOptions options;
  options.getenv = [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return options;
}

TEST(KubeconfigTest, RelativeCertificateAuthorityIsResolvedAgainstTheFileDirectory) {
  TempDir dir;
  dir.write("certs/ca.crt", kCaPem);
  std::string path = dir.write("cfg/config",
                               "current-context: dev\n"
                               "clusters:\n- name: c\n  cluster:\n    server: https://k8s:6443/\n"
                               "    certificate-authority: ../certs/ca.crt\n"
                               "    tls-server-name: api.internal\n"
                               "    proxy-url: http://proxy:3128\n"
                               "contexts:\n- name: dev\n  context: {cluster: c, user: u}\n"
                               "users:\n- name: u\n  user: {token: t0}\n");
  LoadOptions options = optionsWithEnv({});
  options.kubeconfig_path = path;
  auto config = loadClusterConfig(options);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server, "https://k8s:6443");
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_EQ(config->tls_server_name, "api.internal");
  EXPECT_EQ(config->proxy_url, "http://proxy:3128");
  EXPECT_EQ(config->token, "t0");
  EXPECT_EQ(config->namespace_name, "default");
  EXPECT_EQ(config->context_name, "dev");
  EXPECT_EQ(config->user_agent, "copycat");
}

TEST(KubeconfigTest, DataFieldsAreBase64Decoded) {
  TempDir dir;
  std::string path =
      dir.write("config",
                "current-context: x\nclusters:\n- name: c\n  cluster:\n    server: https://h\n"
                "    certificate-authority-data: " +
                    base64Encode(kCaPem) +
                    "\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                    "users:\n- name: u\n  user:\n    client-certificate-data: " +
                    base64Encode("CERT") + "\n    client-key-data: " + base64Encode("KEY") + "\n");
  LoadOptions options = optionsWithEnv({});
  options.kubeconfig_path = path;
  auto config = loadClusterConfig(options);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_EQ(config->client_cert_pem, "CERT");
  EXPECT_EQ(config->client_key_pem, "KEY");
  EXPECT_TRUE(config->token.empty());
}

TEST(KubeconfigTest, BadBase64NamesTheFieldAndTheUser) {
  auto parsed =
      parseKubeconfig("users:\n- name: bob\n  user:\n    client-key-data: '%%%'\n", "/k/config");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(parsed.error().message.find("client-key-data"), std::string::npos);
  EXPECT_NE(parsed.error().message.find("\"bob\""), std::string::npos);
  EXPECT_NE(parsed.error().message.find("/k/config"), std::string::npos);
}

TEST(KubeconfigTest, ExplicitContextOverridesCurrentContext) {
  auto parsed = parseKubeconfig(
      "current-context: a\n"
      "clusters:\n- {name: ca, cluster: {server: 'https://a'}}\n"
      "- {name: cb, cluster: {server: 'https://b'}}\n"
      "contexts:\n- {name: a, context: {cluster: ca}}\n"
      "- {name: b, context: {cluster: cb, namespace: nb}}\n",
      "/k/config");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(resolveContext(*parsed, "").value().server, "https://a");
  auto b = resolveContext(*parsed, "b");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->server, "https://b");
  EXPECT_EQ(b->namespace_name, "nb");
}

TEST(KubeconfigTest, MissingContextListsTheAvailableOnes) {
  auto parsed = parseKubeconfig(
      "clusters:\n- {name: c, cluster: {server: 'https://a'}}\n"
      "contexts:\n- {name: b, context: {cluster: c}}\n- {name: a, context: {cluster: c}}\n",
      "/k/config");
  ASSERT_TRUE(parsed.has_value());
  auto r = resolveContext(*parsed, "x");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "context \"x\" not found in kubeconfig (available: a, b)");
  auto none = resolveContext(*parsed, "");
  ASSERT_FALSE(none.has_value());
  EXPECT_NE(none.error().message.find("no current-context"), std::string::npos);
}

TEST(KubeconfigTest, MissingClusterOrUserIsAnError) {
  auto parsed = parseKubeconfig(
      "clusters:\n- {name: c, cluster: {server: 'https://a'}}\n"
      "users:\n- {name: u, user: {token: t}}\n"
      "contexts:\n- {name: nocluster, context: {cluster: gone, user: u}}\n"
      "- {name: nouser, context: {cluster: c, user: ghost}}\n",
      "/k/config");
  ASSERT_TRUE(parsed.has_value());
  auto a = resolveContext(*parsed, "nocluster");
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().message,
            "cluster \"gone\" of context \"nocluster\" not found in kubeconfig (available: c)");
  auto b = resolveContext(*parsed, "nouser");
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().message,
            "user \"ghost\" of context \"nouser\" not found in kubeconfig (available: u)");
}

TEST(KubeconfigTest, KubeconfigListMergesFirstFileWins) {
  TempDir dir;
  std::string first = dir.write("first",
                                "clusters:\n- {name: shared, cluster: {server: 'https://first'}}\n"
                                "contexts:\n- {name: ctx, context: {cluster: shared, user: u}}\n");
  std::string second =
      dir.write("second",
                "current-context: ctx\n"
                "clusters:\n- {name: shared, cluster: {server: 'https://second'}}\n"
                "contexts:\n- {name: ctx, context: {cluster: other, user: nobody}}\n"
                "users:\n- {name: u, user: {token: from-second}}\n");
  LoadOptions options = optionsWithEnv(
      {{"KUBECONFIG", first + ":" + dir.file("missing") + "::" + second}, {"HOME", dir.path()}});
  auto config = loadClusterConfig(options);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->server, "https://first");  // cluster and context from the first file
  EXPECT_EQ(config->token, "from-second");     // the user only exists in the second
  EXPECT_EQ(config->context_name, "ctx");      // current-context from the first file setting it
}

TEST(KubeconfigTest, CurrentContextComesFromTheFirstFileThatSetsIt) {
  Kubeconfig a = parseKubeconfig("current-context: one\n", "/a").value();
  Kubeconfig b = parseKubeconfig("current-context: two\n", "/b").value();
  Kubeconfig merged;
  mergeKubeconfig(merged, a);
  mergeKubeconfig(merged, b);
  EXPECT_EQ(merged.current_context, "one");
  EXPECT_EQ(merged.files, (std::vector<std::string>{"/a", "/b"}));
}

TEST(KubeconfigTest, ExplicitKubeconfigMustExist) {
  TempDir dir;
  LoadOptions options = optionsWithEnv({});
  options.kubeconfig_path = dir.file("nope");
  auto config = loadClusterConfig(options);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::kNotFound);
  EXPECT_NE(config.error().message.find(dir.file("nope")), std::string::npos);
  EXPECT_NE(config.error().message.find("No such file or directory"), std::string::npos);
}

TEST(KubeconfigTest, UnreadableCertificateAuthorityNamesPathAndReason) {
  TempDir dir;
  std::string path = dir.write("config",
                               "current-context: x\nclusters:\n- name: c\n  cluster:\n"
                               "    server: https://h\n    certificate-authority: ca.pem\n"
                               "contexts:\n- {name: x, context: {cluster: c}}\n");
  LoadOptions options = optionsWithEnv({});
  options.kubeconfig_path = path;
  auto config = loadClusterConfig(options);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message, "cannot read certificate-authority \"" + dir.file("ca.pem") +
                                        "\": No such file or directory");
}

TEST(KubeconfigTest, ConflictingSettingsAreRejected) {
  struct Case {
    std::string yaml;
    std::string want;
  };
  const Case cases[] = {
      {"clusters:\n- {name: c, cluster: {server: 'https://h', insecure-skip-tls-verify: true, "
       "certificate-authority-data: " +
           base64Encode("CA") + "}}\ncontexts:\n- {name: x, context: {cluster: c}}\n",
       "insecure-skip-tls-verify"},
      {"clusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
       "users:\n- {name: u, user: {client-certificate: /a, client-certificate-data: " +
           base64Encode("C") + ", client-key-data: " + base64Encode("K") +
           "}}\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\n",
       "client-certificate-data and client-certificate are both specified"},
      {"clusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
       "users:\n- {name: u, user: {client-certificate-data: " +
           base64Encode("C") + "}}\ncontexts:\n- {name: x, context: {cluster: c, user: u}}\n",
       "must be specified together"},
      {"clusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
       "users:\n- {name: u, user: {username: a, password: b}}\n"
       "contexts:\n- {name: x, context: {cluster: c, user: u}}\n",
       "basic authentication"},
      {"clusters:\n- {name: c, cluster: {}}\ncontexts:\n- {name: x, context: {cluster: c}}\n",
       "has no server"},
      {"clusters:\n- {name: c, cluster: {server: 'ftp://h'}}\n"
       "contexts:\n- {name: x, context: {cluster: c}}\n",
       "must use http or https"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    auto parsed = parseKubeconfig(c.yaml, "/k/config");
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
    auto r = resolveContext(*parsed, "x");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(c.want), std::string::npos) << r.error().message;
  }
}

TEST(KubeconfigTest, SyntaxErrorsAndDuplicatesAreReported) {
  auto bad = parseKubeconfig("clusters: [unclosed\n", "/k/bad");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("/k/bad"), std::string::npos);
  auto dup = parseKubeconfig(
      "clusters:\n- {name: c, cluster: {server: 'https://a'}}\n"
      "- {name: c, cluster: {server: 'https://b'}}\n",
      "/k/dup");
  ASSERT_FALSE(dup.has_value());
  EXPECT_NE(dup.error().message.find("duplicate name"), std::string::npos);
  EXPECT_TRUE(parseKubeconfig("", "/k/empty").value().empty());
}

TEST(KubeconfigTest, ServerWithoutSchemeGetsOneFromTheTlsSettings) {
  auto parsed = parseKubeconfig(
      "clusters:\n- {name: plain, cluster: {server: 'localhost:8080'}}\n"
      "- {name: tls, cluster: {server: 'k8s:6443', insecure-skip-tls-verify: true}}\n"
      "contexts:\n- {name: p, context: {cluster: plain}}\n- {name: t, context: {cluster: tls}}\n",
      "/k/config");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(resolveContext(*parsed, "p").value().server, "http://localhost:8080");
  auto t = resolveContext(*parsed, "t");
  EXPECT_EQ(t.value().server, "https://k8s:6443");
  EXPECT_TRUE(t.value().insecure_skip_tls_verify);
}

TEST(KubeconfigTest, TokenFileIsRelativeAndMustBeReadable) {
  TempDir dir;
  dir.write("secrets/token", "file-token\n");
  std::string path =
      dir.write("config",
                "current-context: x\nclusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
                "users:\n- {name: u, user: {tokenFile: secrets/token, token: inline}}\n"
                "contexts:\n- {name: x, context: {cluster: c, user: u}}\n");
  LoadOptions options = optionsWithEnv({});
  options.kubeconfig_path = path;
  auto config = loadClusterConfig(options);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->token_file, dir.file("secrets/token"));
  EXPECT_EQ(config->token, "inline");
  std::filesystem::remove(dir.file("secrets/token"));
  auto missing = loadClusterConfig(options);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("tokenFile"), std::string::npos);
}

TEST(KubeconfigTest, ExecSettingsAreParsedAndValidated) {
  auto parsed = parseKubeconfig(
      "clusters:\n- name: c\n  cluster:\n    server: https://h\n    extensions:\n"
      "    - name: client.authentication.k8s.io/exec\n      extension: {audience: sts, n: 3}\n"
      "users:\n- name: u\n  user:\n    exec:\n"
      "      apiVersion: client.authentication.k8s.io/v1beta1\n"
      "      command: ./bin/plugin\n      args: [get-token, --x]\n"
      "      env: [{name: A, value: '1'}]\n      installHint: install it\n"
      "      provideClusterInfo: true\n"
      "contexts:\n- {name: x, context: {cluster: c, user: u}}\n",
      "/k/dir/config");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  auto config = resolveContext(*parsed, "x");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  ASSERT_TRUE(config->exec.has_value());
  const ExecConfig& e = *config->exec;
  EXPECT_EQ(e.command, "/k/dir/./bin/plugin");
  EXPECT_EQ(e.args, (std::vector<std::string>{"get-token", "--x"}));
  EXPECT_EQ(e.env, (std::vector<std::pair<std::string, std::string>>{{"A", "1"}}));
  EXPECT_EQ(e.install_hint, "install it");
  EXPECT_EQ(e.interactive_mode, InteractiveMode::kIfAvailable);  // v1beta1 default
  EXPECT_TRUE(e.provide_cluster_info);
  ASSERT_TRUE(e.cluster_config.has_value());
  EXPECT_EQ(*e.cluster_config, nlohmann::json({{"audience", "sts"}, {"n", 3}}));

  struct Bad {
    std::string exec;
    std::string want;
  };
  const Bad bad[] = {
      {"{apiVersion: client.authentication.k8s.io/v1, command: x}",
       "interactiveMode must be specified"},
      {"{apiVersion: client.authentication.k8s.io/v1, command: x, interactiveMode: Sometimes}",
       "invalid interactiveMode"},
      {"{command: x}", "apiVersion must be specified"},
      {"{apiVersion: client.authentication.k8s.io/v1alpha1, command: x}", "not supported"},
      {"{apiVersion: client.authentication.k8s.io/v1beta1}", "command must be specified"},
  };
  for (const auto& b : bad) {
    SCOPED_TRACE(b.exec);
    auto r = parseKubeconfig("users:\n- {name: u, user: {exec: " + b.exec + "}}\n", "/k/c");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find(b.want), std::string::npos) << r.error().message;
  }
}

TEST(KubeconfigTest, BarePluginCommandStaysAPathLookup) {
  auto parsed = parseKubeconfig(
      "users:\n- {name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, "
      "command: aws, interactiveMode: Never}}}\n",
      "/k/c");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->users.at("u").exec->command, "aws");
  EXPECT_EQ(parsed->users.at("u").exec->interactive_mode, InteractiveMode::kNever);
}

TEST(KubeconfigTest, InteractiveModeAlwaysIsRefusedAtLoad) {
  auto parsed = parseKubeconfig(
      "clusters:\n- {name: c, cluster: {server: 'https://h'}}\n"
      "users:\n- {name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, "
      "command: aws, interactiveMode: Always}}}\n"
      "contexts:\n- {name: x, context: {cluster: c, user: u}}\n",
      "/k/c");
  ASSERT_TRUE(parsed.has_value());
  auto r = resolveContext(*parsed, "x");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("interactiveMode Always"), std::string::npos);
}

}  // namespace
}  // namespace copycat::kube
