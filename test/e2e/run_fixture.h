// RunFixture: `copycat run` as an operator runs it, for the policy and fault e2e tests. One
// fake API server, a source and a target distribution registry, and the real copycat binary
// (COPYCAT_EXE) started with a kubeconfig and a YAML config written per test; observed through
// the registries (HEAD, skopeo, access logs filtered to copycat's User-Agent), /metrics, the
// admin API and its JSON logs.
//
// Not thread-safe: one test thread drives it.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/fake_api_server.h"
#include "support/harness_process.h"
#include "support/image_fixture.h"
#include "support/registry_harness.h"
#include "support/wait_until.h"

namespace copycat::testing {

// How often the e2e checks poll: they scrape /metrics, read logs and ask the registries.
inline constexpr std::chrono::milliseconds kPoll{50};

// Kubernetes objects as JSON text. `kind` is the resource's plural ("deployments",
// "statefulsets", "daemonsets", "jobs", "cronjobs", "pods"); a pod is stand-alone (no
// ownerReferences) and Running unless `owner` names its controller.
struct OwnerRef {
  std::string kind;
  std::string name;
  std::string uid;
};
std::string workloadJson(const std::string& resource, const std::string& ns,
                         const std::string& name, const std::string& image,
                         const std::optional<OwnerRef>& owner = std::nullopt);
std::string namespaceJson(const std::string& name);

// One parsed JSON log line of copycat.
using LogRecord = nlohmann::json;

class RunFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // --- configuration and process
  // The base config (docker target, insecure source registries, ports 0, no leader election,
  // debug logs, one registry attempt) followed by `extra` YAML lines.
  void writeConfig(const std::string& extra = "");
  // Starts copycat and waits for its "serving" line (ports). Fatal failure when it does not.
  void startCopycat(const std::vector<std::string>& extra_args = {});
  // GET /readyz on the health port answers 200 (bounded wait).
  bool waitReady(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // The work queue is empty and nothing is in flight (from /metrics).
  bool waitIdle(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  [[nodiscard]] std::string logs() const;
  // Every log line whose "msg" equals `msg`.
  [[nodiscard]] std::vector<LogRecord> logRecords(const std::string& msg) const;
  // Stops copycat (SIGTERM) and expects exit code 0.
  void stopCopycat();

  // --- registries
  // Pushes a fresh one-layer OCI image (content unique within the test) as repo:tag.
  FixtureImage pushImage(RegistryProcess& registry, const std::string& repo,
                         const std::string& tag);
  // Pushes a fresh image as <source>/<repo>:<tag> and creates or updates `name` (of the
  // plural `resource`) in `ns` to run it.
  FixtureImage applyWorkload(const std::string& resource, const std::string& ns,
                             const std::string& name, const std::string& repo,
                             const std::string& tag = "v1",
                             const std::optional<OwnerRef>& owner = std::nullopt);
  // The target's manifest digest for repo:tag (HEAD by an independent client); nullopt when
  // absent.
  [[nodiscard]] std::optional<std::string> targetDigest(const std::string& repo,
                                                        const std::string& tag);
  bool waitForTarget(const std::string& repo, const std::string& tag, const std::string& digest,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // skopeo's digest of the target's repo:tag ("" when skopeo fails).
  [[nodiscard]] std::string skopeoTargetDigest(const std::string& repo, const std::string& tag);
  // Requests copycat (User-Agent copycat/...) sent to `registry` whose method matches
  // `method_regex` and whose path matches `path_regex` (both searched).
  [[nodiscard]] size_t copycatRequests(RegistryProcess& registry, const std::string& method_regex,
                                       const std::string& path_regex);
  // A source image reference: "<source host>/<repo>:<tag>".
  [[nodiscard]] std::string sourceRef(const std::string& repo, const std::string& tag) const;
  [[nodiscard]] std::string targetRef(const std::string& repo, const std::string& tag) const;

  // --- HTTP surface
  [[nodiscard]] std::string metricsText();
  // Sum of the samples of `name` whose labels contain every `key="value"` given; nullopt when
  // no sample matches.
  [[nodiscard]] std::optional<double> metric(const std::string& name,
                                             const std::map<std::string, std::string>& labels = {});
  bool waitMetricAtLeast(const std::string& name, const std::map<std::string, std::string>& labels,
                         double value,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // An admin call on the metrics port: status and body (status 0 when unreachable).
  struct HttpAnswer {
    int status = 0;
    std::string body;
    [[nodiscard]] nlohmann::json json() const;
  };
  HttpAnswer adminGet(const std::string& path);
  HttpAnswer adminPost(const std::string& path);

  std::filesystem::path dir_;
  std::unique_ptr<RegistryProcess> source_;
  std::unique_ptr<RegistryProcess> target_;
  std::unique_ptr<FakeApiServer> api_;
  std::unique_ptr<ImageFixture> images_;
  std::vector<std::string> insecure_sources_;  // besides source_; written by writeConfig
  ChildProcess copycat_;
  int metrics_port_ = 0;
  int health_port_ = 0;
};

}  // namespace copycat::testing
