#include "kube/exec_credential.h"

#include <thread>

#include <gtest/gtest.h>

#include "kube/file_util.h"
#include "kube/test_util.h"

namespace copycat::kube {
namespace {

using testing::ManualClock;
using testing::TempDir;

constexpr const char* kV1 = "client.authentication.k8s.io/v1";
constexpr const char* kV1Beta1 = "client.authentication.k8s.io/v1beta1";

// A plugin script that records its arguments, env and exec info, then prints `output`.
std::string writePlugin(TempDir& dir, const std::string& name, const std::string& output,
                        const std::string& extra = "") {
  return dir.write(name,
                   "#!/bin/sh\n"
                   "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"" +
                       dir.file(name + ".info") +
                       "\"\n"
                       "printf '%s|' \"$@\" > \"" +
                       dir.file(name + ".args") +
                       "\"\n"
                       "printf '%s' \"$PLUGIN_VAR\" > \"" +
                       dir.file(name + ".env") + "\"\n" + extra + "cat <<'JSON'\n" + output +
                       "\nJSON\n",
                   true);
}

ExecConfig execConfig(const std::string& command, const char* version = kV1) {
  ExecConfig e;
  e.api_version = version;
  e.command = command;
  e.interactive_mode = InteractiveMode::kNever;
  return e;
}

std::string readText(const std::string& path) { return readFile(path, "test").value_or(""); }

TEST(ExecCredentialTest, V1PluginTokenIsCachedUntilExpiry) {
  TempDir dir;
  std::string plugin =
      writePlugin(dir, "plugin",
                  R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
                  R"("status":{"token":"tok-1","expirationTimestamp":"2024-05-01T00:10:00Z"}})");
  ExecConfig config = execConfig(plugin);
  config.args = {"get-token", "--cluster", "prod"};
  config.env = {{"PLUGIN_VAR", "from-kubeconfig"}};
  ManualClock clock;
  ExecClusterInfo cluster;
  cluster.server = "https://k8s";
  ExecCredentialProvider provider(config, cluster, clock);
  EXPECT_EQ(provider.token().value(), "tok-1");
  EXPECT_EQ(provider.token().value(), "tok-1");
  EXPECT_EQ(provider.runCount(), 1);
  EXPECT_EQ(readText(dir.file("plugin.args")), "get-token|--cluster|prod|");
  EXPECT_EQ(readText(dir.file("plugin.env")), "from-kubeconfig");
  auto info = nlohmann::json::parse(readText(dir.file("plugin.info")));
  EXPECT_EQ(info, nlohmann::json::parse(R"({"kind":"ExecCredential","apiVersion":)"
                                        R"("client.authentication.k8s.io/v1",)"
                                        R"("spec":{"interactive":false}})"));
  clock.advance(std::chrono::minutes(9));
  EXPECT_EQ(provider.token().value(), "tok-1");
  EXPECT_EQ(provider.runCount(), 1);
  clock.advance(std::chrono::minutes(2));  // past expirationTimestamp
  EXPECT_EQ(provider.token().value(), "tok-1");
  EXPECT_EQ(provider.runCount(), 2);
}

TEST(ExecCredentialTest, InvalidateAfter401RerunsThePlugin) {
  TempDir dir;
  std::string plugin = writePlugin(
      dir, "plugin", R"({"apiVersion":"client.authentication.k8s.io/v1","status":{"token":"t"}})");
  ManualClock clock;
  ExecCredentialProvider provider(execConfig(plugin), {}, clock);
  EXPECT_EQ(provider.token().value(), "t");
  clock.advance(std::chrono::hours(24));  // no expiry: cached indefinitely
  EXPECT_EQ(provider.token().value(), "t");
  EXPECT_EQ(provider.runCount(), 1);
  provider.invalidate("an-older-token");  // someone else already refreshed: no-op
  EXPECT_EQ(provider.token().value(), "t");
  EXPECT_EQ(provider.runCount(), 1);
  provider.invalidate("t");
  EXPECT_EQ(provider.token().value(), "t");
  EXPECT_EQ(provider.runCount(), 2);
}

TEST(ExecCredentialTest, V1Beta1PluginWithClientCertificateAndClusterInfo) {
  TempDir dir;
  std::string plugin = writePlugin(dir, "plugin",
                                   R"({"apiVersion":"client.authentication.k8s.io/v1beta1",)"
                                   R"("kind":"ExecCredential","status":{)"
                                   R"("clientCertificateData":"-----BEGIN CERTIFICATE-----",)"
                                   R"("clientKeyData":"-----BEGIN PRIVATE KEY-----"}})");
  ExecConfig config = execConfig(plugin, kV1Beta1);
  config.provide_cluster_info = true;
  config.cluster_config = nlohmann::json{{"audience", "sts"}};
  ManualClock clock;
  ExecClusterInfo cluster;
  cluster.server = "https://k8s:6443";
  cluster.ca_pem = "CA";
  cluster.tls_server_name = "api";
  ExecCredentialProvider provider(config, cluster, clock);
  auto cred = provider.credential();
  ASSERT_TRUE(cred.has_value()) << cred.error().message;
  EXPECT_EQ(cred->client_cert_pem, "-----BEGIN CERTIFICATE-----");
  EXPECT_EQ(cred->client_key_pem, "-----BEGIN PRIVATE KEY-----");
  EXPECT_EQ(provider.token().value(), "");
  auto info = nlohmann::json::parse(readText(dir.file("plugin.info")));
  EXPECT_EQ(info["apiVersion"], kV1Beta1);
  EXPECT_EQ(info["spec"]["cluster"]["server"], "https://k8s:6443");
  EXPECT_EQ(info["spec"]["cluster"]["certificate-authority-data"], "Q0E=");
  EXPECT_EQ(info["spec"]["cluster"]["tls-server-name"], "api");
  EXPECT_EQ(info["spec"]["cluster"]["config"]["audience"], "sts");
}

TEST(ExecCredentialTest, FailingPluginReportsExitCodeStderrAndInstallHint) {
  TempDir dir;
  std::string plugin = dir.write(
      "fail", "#!/bin/sh\necho 'partial output'\necho '  boom: no credentials  ' >&2\nexit 3\n",
      true);
  ExecConfig config = execConfig(plugin);
  config.install_hint = "brew install the-plugin";
  ManualClock clock;
  ExecCredentialProvider provider(config, {}, clock);
  auto r = provider.token();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(r.error().message, "exec plugin \"" + plugin +
                                   "\" failed with exit code 3: boom: no credentials "
                                   "(install hint: brew install the-plugin)");
}

TEST(ExecCredentialTest, LongStderrIsCapped) {
  TempDir dir;
  std::string plugin =
      dir.write("noisy", "#!/bin/sh\nhead -c 100000 /dev/zero | tr '\\0' 'x' >&2\nexit 1\n", true);
  ManualClock clock;
  ExecCredentialProvider provider(execConfig(plugin), {}, clock);
  auto r = provider.token();
  ASSERT_FALSE(r.has_value());
  EXPECT_LT(r.error().message.size(), 1300u);
  EXPECT_NE(r.error().message.find("xxx..."), std::string::npos);
}

TEST(ExecCredentialTest, MissingExecutableShowsInstallHint) {
  TempDir dir;
  ExecConfig config = execConfig(dir.file("not-installed"));
  config.install_hint = "see https://example.invalid/install";
  ManualClock clock;
  ExecCredentialProvider provider(config, {}, clock);
  auto r = provider.token();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("No such file or directory"), std::string::npos);
  EXPECT_NE(r.error().message.find("install hint: see https://example.invalid/install"),
            std::string::npos);
}

TEST(ExecCredentialTest, TimeoutKillsThePlugin) {
  TempDir dir;
  std::string plugin = dir.write("slow", "#!/bin/sh\nsleep 30\n", true);
  ManualClock clock;
  ExecCredentialProvider::Options options;
  options.timeout = std::chrono::milliseconds(200);
  ExecCredentialProvider provider(execConfig(plugin), {}, clock, options);
  auto r = provider.token();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos);
}

TEST(ExecCredentialTest, InteractiveModeAlwaysIsRefusedWithoutRunning) {
  TempDir dir;
  std::string plugin = writePlugin(
      dir, "plugin", R"({"apiVersion":"client.authentication.k8s.io/v1","status":{"token":"t"}})");
  ExecConfig config = execConfig(plugin);
  config.interactive_mode = InteractiveMode::kAlways;
  ManualClock clock;
  ExecCredentialProvider provider(config, {}, clock);
  auto r = provider.token();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(provider.runCount(), 0);
  EXPECT_FALSE(fileExists(dir.file("plugin.info")));
}

TEST(ExecCredentialTest, ConcurrentCallersShareOneRun) {
  TempDir dir;
  std::string plugin = writePlugin(
      dir, "plugin", R"({"apiVersion":"client.authentication.k8s.io/v1","status":{"token":"t"}})");
  ManualClock clock;
  ExecCredentialProvider provider(execConfig(plugin), {}, clock);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] { EXPECT_EQ(provider.token().value_or(""), "t"); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(provider.runCount(), 1);
}

TEST(ExecCredentialTest, OutputValidation) {
  struct Case {
    std::string output;
    std::string want;
  };
  const Case cases[] = {
      {"not json", "not a JSON object"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"t"}})",
       "plugin returned version"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Other","status":{"token":"t"}})",
       "want ExecCredential"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1"})", "didn't return a status"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","status":{}})",
       "didn't return a token or cert/key pair"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","status":{"clientKeyData":"k"}})",
       "only certificate or key"},
      {R"({"apiVersion":"client.authentication.k8s.io/v1","status":{"token":"t",)"
       R"("expirationTimestamp":"tomorrow"}})",
       "invalid expirationTimestamp"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.output);
    auto r = parseExecCredential(c.output, kV1);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kProtocol);
    EXPECT_NE(r.error().message.find(c.want), std::string::npos) << r.error().message;
  }
}

TEST(ExecCredentialTest, ParsesRfc3339Timestamps) {
  using std::chrono::sys_days;
  auto base = sys_days(std::chrono::year(2024) / 5 / 1);
  EXPECT_EQ(parseRfc3339("2024-05-01T00:00:00Z").value(), base);
  EXPECT_EQ(parseRfc3339("2024-05-01T02:00:00+02:00").value(), base);
  EXPECT_EQ(parseRfc3339("2024-04-30T23:30:00.5-00:30").value(),
            base + std::chrono::milliseconds(500));
  EXPECT_FALSE(parseRfc3339("2024-02-30T00:00:00Z").has_value());
  EXPECT_FALSE(parseRfc3339("2024-05-01 00:00:00").has_value());
  EXPECT_FALSE(parseRfc3339("2024-05-01T00:00:00Zjunk").has_value());
}

}  // namespace
}  // namespace copycat::kube
