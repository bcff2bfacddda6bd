// Helpers for the copy engine's integration tests against real docker-registry processes
// (test/support/registry_harness.h): an ImageCopier wired to given registries, references,
// skopeo checks and peak-RSS measurement.
#pragma once

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "http/curl_http_client.h"
#include "image/reference.h"
#include "registry/auth/keychain.h"
#include "registry/client_test_util.h"
#include "registry/image_copier.h"
#include "support/image_fixture.h"
#include "support/image_fixture_client.h"
#include "support/registry_harness.h"

namespace copycat::registry::testing {

using copycat::testing::FixtureImage;
using copycat::testing::RegistryProcess;

inline image::Reference ref(const std::string& host, const std::string& repo_and_ref) {
  auto parsed = image::parseNormalized(host + "/" + repo_and_ref);
  EXPECT_TRUE(parsed) << repo_and_ref;
  return parsed ? *parsed : image::Reference{};
}

// An ImageCopier for tests: hermetic HTTP client (no proxy variables), the given CA and
// credentials (host -> user/password), every host insecure unless TLS-verified, recorded
// retry sleeps.
struct Engine {
  struct Setup {
    std::vector<std::string> insecure_hosts{};
    std::string ca_file{};
    std::map<std::string, auth::RegistryAuth> credentials{};
    int jobs = 4;
  };

  explicit Engine(Setup setup) {
    http::CurlHttpClient::Options http_options;
    http_options.proxy = http::ProxyConfig{};
    http_options.tls.ca_file = setup.ca_file;
    http_options.insecure_hosts = setup.insecure_hosts;
    auto client = http::CurlHttpClient::create(std::move(http_options));
    EXPECT_TRUE(client) << client.error().message;
    http = std::move(*client);
    auto chain = auth::StaticKeychain::create({.cli_credentials = setup.credentials,
                                               .registry_credentials = {},
                                               .use_docker_config = false,
                                               .docker_config_path = {},
                                               .env = {}});
    EXPECT_TRUE(chain);
    keychain = std::move(*chain);
    ImageCopierOptions options;
    options.http = http.get();
    options.keychain = keychain.get();
    options.insecure_hosts = setup.insecure_hosts;
    options.jobs = setup.jobs;
    options.retry = fastRetry(sleeper);
    auto created = ImageCopier::create(std::move(options));
    EXPECT_TRUE(created);
    copier = std::move(*created);
  }

  Result<CopyResult> copy(const image::Reference& src, const image::Reference& dst,
                          const CopyOptions& options = {}) {
    return copier->copyImage(src, dst, options);
  }

  RecordingSleeper sleeper;
  std::unique_ptr<http::CurlHttpClient> http;
  std::unique_ptr<auth::StaticKeychain> keychain;
  std::unique_ptr<ImageCopier> copier;
};

inline std::unique_ptr<RegistryProcess> startRegistry(RegistryProcess::Options options) {
  auto registry = RegistryProcess::start(std::move(options));
  EXPECT_TRUE(registry) << registry.error().describe();
  return registry ? std::move(*registry) : nullptr;
}

// Peak resident set size of this process in KiB (VmHWM).
inline int64_t peakRssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stoll(line.substr(6));
    }
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0); false when not permitted.
inline bool resetPeakRss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  return static_cast<bool>(clear.flush());
}

// Every manifest of `image` is at `host/repo` with the same bytes (skopeo's view), the root
// under `reference` (tag or digest).
inline void expectCopied(const FixtureImage& image, const std::string& host,
                         const std::string& repo, const std::string& reference,
                         const copycat::testing::SkopeoOptions& skopeo = {}) {
  std::string sep = reference.find(':') == std::string::npos ? ":" : "@";
  auto raw =
      copycat::testing::skopeoInspectRaw("docker://" + host + "/" + repo + sep + reference, skopeo);
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_EQ(*raw, image.root.bytes);
  for (const auto& child : image.children) {
    auto child_raw = copycat::testing::skopeoInspectRaw(
        "docker://" + host + "/" + repo + "@" + child.digest, skopeo);
    ASSERT_TRUE(child_raw) << child.digest << ": " << child_raw.error().message;
    EXPECT_EQ(*child_raw, child.bytes);
  }
}

}  // namespace copycat::registry::testing
