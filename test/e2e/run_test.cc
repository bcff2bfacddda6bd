// `copycat run` as an operator runs it: a separate process watching a (fake) API server and
// mirroring between real distribution registries, observed through skopeo, /metrics, the
// admin API and its exit code.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/fake_api_server.h"
#include "support/harness_process.h"
#include "support/image_fixture.h"
#include "support/image_fixture_client.h"
#include "support/registry_harness.h"
#include "support/wait_until.h"

namespace copycat::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// skopeo and HTTP checks are polled: every 100 ms is plenty.
constexpr auto kPoll = std::chrono::milliseconds(100);

std::string deployment(const std::string& name, const std::string& image, int generation) {
  nlohmann::json d = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       {{"name", name}, {"namespace", "shop"}, {"uid", "uid-" + name}, {"generation", generation}}},
      {"spec",
       {{"template", {{"spec", {{"containers", {{{"name", "app"}, {"image", image}}}}}}}}}}};
  return d.dump();
}

class RunCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("copycat-e2e-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    source_ = RegistryProcess::start(RegistryProcess::anonymous()).value();
    target_ = RegistryProcess::start(RegistryProcess::anonymous()).value();
    api_ = std::make_unique<FakeApiServer>(FakeApiServer::Options{});
    ASSERT_TRUE(api_->start());
    api_->setRequiredToken("e2e-token");
    ASSERT_TRUE(api_->upsert("namespaces", R"({"metadata":{"name":"shop","uid":"ns-shop"}})"));
    metrics_port_ = pickFreePort().value();
    health_port_ = pickFreePort().value();
    writeFiles();
  }

  void TearDown() override {
    copycat_.terminate();
    std::filesystem::remove_all(dir_);
  }

  void writeFiles() {
    std::ofstream(dir_ / "kubeconfig")
        << "apiVersion: v1\nkind: Config\n"
        << "clusters:\n- name: fake\n  cluster:\n    server: " << api_->url() << "\n"
        << "users:\n- name: u\n  user:\n    token: e2e-token\n"
        << "contexts:\n- name: c\n  context: {cluster: fake, user: u}\n"
        << "current-context: c\n";
    std::ofstream(dir_ / "config.yaml")
        << "targetKind: docker\ndocker:\n  registry: " << target_->host() << "\n  insecure: true\n"
        << "insecureRegistries: [\"" << source_->host() << "\"]\n"
        << "metricsAddr: 127.0.0.1:" << metrics_port_ << "\n"
        << "healthAddr: 127.0.0.1:" << health_port_ << "\n"
        << "leaderElect: false\nlogLevel: debug\n";
  }

  void startCopycat() {
    auto child = ChildProcess::spawn(
        {COPYCAT_EXE, "run", "--kubeconfig", (dir_ / "kubeconfig").string(), "--config",
         (dir_ / "config.yaml").string(), "--leader-elect=false"},
        CommandOptions{.timeout = milliseconds(0), .env = {}, .unset_prefixes = {"KUBECONFIG"}},
        (dir_ / "stdout.log").string(), (dir_ / "stderr.log").string());
    ASSERT_TRUE(child) << child.error().message;
    copycat_ = std::move(*child);
  }

  std::string logs() const {
    std::ifstream in(dir_ / "stderr.log");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  FixtureImage pushSource(ImageFixture& fixture, const std::string& tag) {
    auto image = fixture.ociImage(tag).value();
    RegistryHttpClient client(RegistryEndpoint::of(*source_));
    EXPECT_TRUE(client.push(image, "team/app", tag));
    return image;
  }

  bool targetHas(const std::string& tag, const std::string& digest) {
    auto got = skopeoDigest("docker://" + target_->host() + "/team/app:" + tag);
    return got && *got == digest;
  }

  std::filesystem::path dir_;
  std::unique_ptr<RegistryProcess> source_;
  std::unique_ptr<RegistryProcess> target_;
  std::unique_ptr<FakeApiServer> api_;
  int metrics_port_ = 0;
  int health_port_ = 0;
  ChildProcess copycat_;
};

TEST_F(RunCommandTest, MirrorsWorkloadImagesServesMetricsAndStopsCleanly) {
  auto fixture = ImageFixture::create(21).value();
  auto v1 = pushSource(*fixture, "v1");
  auto v2 = pushSource(*fixture, "v2");
  ASSERT_TRUE(api_->upsert("deployments", deployment("web", source_->host() + "/team/app:v1", 1)));
  startCopycat();

  ASSERT_TRUE(waitUntil([&] { return targetHas("v1", v1.root.digest); }, seconds(60), kPoll))
      << logs();

  httplib::Client health("127.0.0.1", health_port_);
  ASSERT_TRUE(waitUntil(
      [&] {
        auto r = health.Get("/readyz");
        return r && r->status == 200;
      },
      seconds(30), kPoll))
      << logs();

  httplib::Client metrics("127.0.0.1", metrics_port_);
  auto m = metrics.Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("k8s_copycat_registry_push_success_total"), std::string::npos);
  auto cache = metrics.Get("/admin/cache");
  ASSERT_TRUE(cache);
  auto entries = nlohmann::json::parse(cache->body);
  EXPECT_EQ(entries["count"], 1) << cache->body;

  // A rollout to a new tag is picked up from the watch.
  ASSERT_TRUE(api_->upsert("deployments", deployment("web", source_->host() + "/team/app:v2", 2)));
  EXPECT_TRUE(waitUntil([&] { return targetHas("v2", v2.root.digest); }, seconds(60), kPoll))
      << logs();

  copycat_.terminate(milliseconds(30'000));
  EXPECT_EQ(copycat_.exitCode(), 0) << logs();
  EXPECT_EQ(logs().find("e2e-token"), std::string::npos) << "a secret was logged";
}

TEST_F(RunCommandTest, DryRunPushesNothing) {
  auto fixture = ImageFixture::create(22).value();
  pushSource(*fixture, "v1");
  ASSERT_TRUE(api_->upsert("deployments", deployment("web", source_->host() + "/team/app:v1", 1)));
  std::ofstream(dir_ / "config.yaml", std::ios::app) << "dryRun: true\n";
  startCopycat();
  httplib::Client health("127.0.0.1", health_port_);
  ASSERT_TRUE(waitUntil(
      [&] {
        auto r = health.Get("/readyz");
        return r && r->status == 200;
      },
      seconds(30), kPoll))
      << logs();
  // Give the worker time to process the demand, then check nothing was written.
  ASSERT_TRUE(waitUntil([&] { return target_->countRequests("HEAD", "/v2/team/app/") > 0; },
                        seconds(30), kPoll))
      << logs();
  EXPECT_EQ(target_->countRequests("PUT", ".*"), 0u) << logs();
  EXPECT_EQ(target_->countRequests("POST", ".*"), 0u) << logs();
  copycat_.terminate(milliseconds(30'000));
  EXPECT_EQ(copycat_.exitCode(), 0) << logs();
}

TEST_F(RunCommandTest, PlanAgainstTheLiveClusterListsWhatRunsWithoutPerObjectGets) {
  ASSERT_TRUE(api_->upsert("deployments", deployment("web", "nginx:1.25", 1)));
  auto plan = runCommand(
      {COPYCAT_EXE, "plan", "-o", "json", "--kubeconfig", (dir_ / "kubeconfig").string(),
       "--config", (dir_ / "config.yaml").string()},
      CommandOptions{.timeout = seconds(60), .env = {}, .unset_prefixes = {"KUBECONFIG"}});
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->exit_code, 0) << plan->out << plan->err;
  auto record = nlohmann::json::parse(plan->out.substr(0, plan->out.find('\n')));
  EXPECT_EQ(record["kind"], "Deployment");
  EXPECT_EQ(record["name"], "web");
  EXPECT_EQ(record["target"], target_->host() + "/library/nginx:1.25");
  EXPECT_EQ(api_->requestCount("get", "deployments"), 0u);
  EXPECT_EQ(api_->requestCount("list", "deployments"), 1u);
}

// Two replicas with leader election: exactly one copies; killing it hands over within the
// lease duration (15 s) and the standby then mirrors new demands.
TEST_F(RunCommandTest, OnlyTheLeaderMirrorsAndAStandbyTakesOver) {
  auto fixture = ImageFixture::create(23).value();
  auto v1 = pushSource(*fixture, "v1");
  auto v2 = pushSource(*fixture, "v2");
  ASSERT_TRUE(api_->upsert("deployments", deployment("web", source_->host() + "/team/app:v1", 1)));
  auto config = [&](int metrics, int health) {
    auto path = dir_ / ("config-" + std::to_string(metrics) + ".yaml");
    std::ofstream(path) << "targetKind: docker\ndocker:\n  registry: " << target_->host()
                        << "\n  insecure: true\ninsecureRegistries: [\"" << source_->host()
                        << "\"]\nmetricsAddr: 127.0.0.1:" << metrics
                        << "\nhealthAddr: 127.0.0.1:" << health << "\nleaderElect: true\n";
    return path.string();
  };
  std::vector<int> metrics_ports;
  std::vector<ChildProcess> replicas;
  for (int i = 0; i < 2; ++i) {
    int metrics = pickFreePort().value();
    int health = pickFreePort().value();
    metrics_ports.push_back(metrics);
    auto child = ChildProcess::spawn(
        {COPYCAT_EXE, "run", "--kubeconfig", (dir_ / "kubeconfig").string(), "--config",
         config(metrics, health)},
        CommandOptions{.timeout = milliseconds(0),
                       .env = {"POD_NAMESPACE=shop", "POD_NAME=replica-" + std::to_string(i)},
                       .unset_prefixes = {"KUBECONFIG"}},
        (dir_ / ("r" + std::to_string(i) + ".out")).string(),
        (dir_ / ("r" + std::to_string(i) + ".err")).string());
    ASSERT_TRUE(child) << child.error().message;
    replicas.push_back(std::move(*child));
  }
  auto leaderGauge = [](int port) {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get("/metrics");
    if (!r) {
      return -1;
    }
    const std::string key = "\nk8s_copycat_leader ";
    auto pos = r->body.find(key);
    return pos == std::string::npos ? -1 : std::atoi(r->body.c_str() + pos + key.size());
  };
  ASSERT_TRUE(waitUntil([&] { return targetHas("v1", v1.root.digest); }, seconds(60), kPoll));
  ASSERT_TRUE(
      waitUntil([&] { return leaderGauge(metrics_ports[0]) + leaderGauge(metrics_ports[1]) == 1; },
                seconds(20), kPoll));
  size_t leader = leaderGauge(metrics_ports[0]) == 1 ? 0 : 1;
  size_t standby = 1 - leader;
  EXPECT_EQ(leaderGauge(metrics_ports[standby]), 0);

  ::kill(replicas[leader].pid(), SIGKILL);  // no release: the standby waits for expiry
  replicas[leader].terminate(milliseconds(100));
  ASSERT_TRUE(
      waitUntil([&] { return leaderGauge(metrics_ports[standby]) == 1; }, seconds(25), kPoll));
  ASSERT_TRUE(api_->upsert("deployments", deployment("web", source_->host() + "/team/app:v2", 2)));
  EXPECT_TRUE(waitUntil([&] { return targetHas("v2", v2.root.digest); }, seconds(60), kPoll));
  replicas[standby].terminate(milliseconds(30'000));
  EXPECT_EQ(replicas[standby].exitCode(), 0);
}

}  // namespace
}  // namespace copycat::testing
