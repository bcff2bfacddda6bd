// Helpers for the registry client and copy engine tests: a hermetic HTTP client, a fixed
// keychain, a recording sleeper and a client wired to a TestHttpServer.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "http/curl_http_client.h"
#include "registry/auth/authenticator.h"
#include "registry/auth/credentials.h"
#include "registry/registry_client.h"
#include "registry/retry_policy.h"

namespace copycat::registry::testing {

inline auth::RegistryAuth userPassword(std::string user, std::string password) {
  auth::RegistryAuth out;
  out.username = std::move(user);
  out.password = std::move(password);
  return out;
}
inline auth::RegistryAuth registryToken(std::string token) {
  auth::RegistryAuth out;
  out.registry_token = std::move(token);
  return out;
}
inline auth::RegistryAuth identityToken(std::string token) {
  auth::RegistryAuth out;
  out.identity_token = std::move(token);
  return out;
}

// A CurlHttpClient that ignores the machine's proxy variables.
inline std::unique_ptr<http::CurlHttpClient> makeHttpClient() {
  http::CurlHttpClient::Options options;
  options.proxy = http::ProxyConfig{};
  auto client = http::CurlHttpClient::create(std::move(options));
  EXPECT_TRUE(client) << client.error().message;
  return client ? std::move(*client) : nullptr;
}

// Returns the same credentials for every host (or per host when set). Thread-safe.
class FixedKeychain final : public auth::Keychain {
 public:
  explicit FixedKeychain(auth::RegistryAuth auth = {}) : auth_(std::move(auth)) {}
  Result<auth::RegistryAuth> resolve(std::string_view) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++lookups_;
    return auth_;
  }
  int lookups() {
    std::lock_guard<std::mutex> lock(mu_);
    return lookups_;
  }

 private:
  std::mutex mu_;
  auth::RegistryAuth auth_;
  int lookups_ = 0;
};

// Records requested delays instead of sleeping. Thread-safe.
class RecordingSleeper {
 public:
  Sleeper sleeper() {
    return [this](std::chrono::milliseconds delay, std::stop_token stop) {
      std::lock_guard<std::mutex> lock(mu_);
      delays_.push_back(delay);
      return !stop.stop_requested();
    };
  }
  std::vector<std::chrono::milliseconds> delays() {
    std::lock_guard<std::mutex> lock(mu_);
    return delays_;
  }

 private:
  std::mutex mu_;
  std::vector<std::chrono::milliseconds> delays_;
};

// A fast retry policy whose sleeps are recorded.
inline RetryPolicy fastRetry(RecordingSleeper& sleeper, int attempts = 3) {
  RetryPolicy policy;
  policy.attempts = attempts;
  policy.backoff.initial = std::chrono::milliseconds(10);
  policy.backoff.max = std::chrono::milliseconds(100);
  policy.sleeper = sleeper.sleeper();
  return policy;
}

// HTTP client + authenticator + RegistryClient for one test server (insecure: plain http).
struct ClientFixture {
  explicit ClientFixture(const std::string& host, auth::RegistryAuth creds = {},
                         const Clock* clock = nullptr)
      : keychain(std::move(creds)), http(makeHttpClient()) {
    auth = std::make_unique<auth::Authenticator>(
        *http, auth::Authenticator::Options{.keychain = &keychain, .clock = clock});
    client = std::make_unique<RegistryClient>(
        *http, *auth,
        RegistryClient::Options{.host = host, .insecure = true, .retry = fastRetry(sleeper)});
  }

  FixedKeychain keychain;
  RecordingSleeper sleeper;
  std::unique_ptr<http::CurlHttpClient> http;
  std::unique_ptr<auth::Authenticator> auth;
  std::unique_ptr<RegistryClient> client;
};

}  // namespace copycat::registry::testing
