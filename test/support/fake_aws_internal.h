// FakeAws internals shared by its .cc files (not for tests to include).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>

#include "support/fake_aws.h"
#include "support/test_http_server.h"

namespace copycat::testing {

using WallTime = std::chrono::system_clock::time_point;

struct FakeKey {
  std::string secret;
  std::string session_token;  // "" for long-term keys
  std::optional<WallTime> expires;
  std::string principal_arn;
};

struct FakeFault {
  int times = 0;
  int status = 0;
  std::string code;
};

// All state behind one mutex; handlers lock it for their whole run.
struct FakeAws::State {
  explicit State(FakeAwsOptions o) : options(std::move(o)) {}

  const FakeAwsOptions options;
  TestHttpServer server;

  mutable std::mutex mu;
  std::map<std::string, FakeKey> keys;
  std::map<std::string, FakeRole> roles;
  std::map<std::string, FakeRepository> repositories;
  std::set<std::string> concurrent_creates;
  std::map<std::string, WallTime> registry_passwords;
  std::map<std::string, WallTime> imds_tokens;
  std::string container_token;
  std::map<std::string, int> counts;
  std::map<std::string, int> throttles;
  std::map<std::string, FakeFault> failures;
  std::vector<FakeStsCall> sts_calls;
  int rejected = 0;
  std::string last_rejection;
  std::string last_ecr_principal;
  std::mt19937_64 rng{42};

  [[nodiscard]] WallTime now() const;
  [[nodiscard]] std::string random(size_t n, std::string_view alphabet);
  // Registers session credentials for `principal` and returns them.
  FakeKey issueSession(const std::string& principal, std::chrono::seconds lifetime,
                       std::string* access_key_id);
  // A throttle or injected failure due for `operation`, consumed; nullopt when none.
  std::optional<FakeFault> takeFault(const std::string& operation);
};

// The result of checking a request's SigV4 signature and key.
struct AuthCheck {
  bool ok = false;
  int status = 403;
  std::string code;  // AWS error code when !ok
  std::string message;
  std::string access_key_id;
  std::string principal_arn;
};

// Verifies the Authorization header of `req` for `service` ("ecr" | "sts"). Call with mu held.
AuthCheck authenticate(FakeAws::State& state, const httplib::Request& req,
                       std::string_view service);

void handleEcr(FakeAws::State& state, const httplib::Request& req, httplib::Response& res);
void handleSts(FakeAws::State& state, const httplib::Request& req, httplib::Response& res);

// Helpers.
std::string iso8601(WallTime time);
std::string base64Encode(std::string_view data);
std::string xmlEscape(std::string_view text);
// application/x-www-form-urlencoded body -> map ('+' is a space).
std::map<std::string, std::string> parseForm(std::string_view body);

}  // namespace copycat::testing
