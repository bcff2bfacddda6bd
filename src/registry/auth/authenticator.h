// Answers registry authentication challenges (RFC 9110 §11.6.1) for every registry of the
// process: Bearer via the distribution token flow (token_exchange.h), Basic with the
// keychain's credentials, registry tokens sent directly. No /v2/ ping: the 401 of the first
// real request carries the challenge, which is remembered per registry host so later requests
// carry credentials up front.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "http/http_client.h"
#include "registry/auth/challenge.h"
#include "registry/auth/credentials.h"
#include "registry/auth/token_cache.h"
#include "registry/call_context.h"

namespace copycat::registry::auth {

// Scope strings of the token spec ("Token Scope Documentation").
[[nodiscard]] std::string pullScope(std::string_view repository);  // repository:NAME:pull
[[nodiscard]] std::string pushScope(std::string_view repository);  // repository:NAME:pull,push

// The registry a request goes to.
struct AuthTarget {
  std::string host;       // authority as in URLs: "ghcr.io", "127.0.0.1:5000"
  bool insecure = false;  // configured insecure: plain-http realms on its host may get secrets
};

// Thread-safe; one per process so tokens and challenges are shared by every copy. Does not own
// the HttpClient, the keychain or the clock; they must outlive it. Blocks while fetching
// tokens (one fetch per (host, scopes) at a time; concurrent callers wait for it). Never logs
// tokens or passwords.
class Authenticator {
 public:
  struct Options {
    Keychain* keychain = nullptr;  // null = anonymous everywhere
    const Clock* clock = nullptr;  // null = SystemClock::instance()
    std::chrono::seconds expiry_margin{10};
    std::chrono::milliseconds token_timeout{30'000};
    std::string client_id = "copycat";
  };

  Authenticator(http::HttpClient& http, Options options);

  // The Authorization value to send up front for `scopes` on `target`: "" while no challenge
  // is known (except a configured registry token, sent directly as Bearer); a cached or freshly
  // fetched token for a known Bearer challenge; Basic credentials for a known Basic challenge.
  // Errors: token fetch failures (see fetchToken), keychain failures.
  [[nodiscard]] Result<std::string> authorization(const AuthTarget& target,
                                                  const std::vector<std::string>& scopes,
                                                  const CallContext& ctx);

  // Handles a 401 whose WWW-Authenticate values are `challenges` after sending `rejected`
  // ("" = nothing): remembers the challenge, drops a rejected cached token and returns the
  // Authorization value to retry with (once). Errors: kUnauthenticated when there is no
  // supported challenge, no credentials for a Basic challenge, or the same credentials were
  // just rejected; token fetch failures.
  [[nodiscard]] Result<std::string> reauthorize(const AuthTarget& target,
                                                const std::vector<std::string>& scopes,
                                                const std::vector<std::string>& challenges,
                                                std::string_view rejected, const CallContext& ctx);

  // Token requests sent since construction.
  [[nodiscard]] int64_t tokenRequests() const { return token_requests_.load(); }
  [[nodiscard]] const TokenCache& tokenCache() const { return cache_; }

 private:
  enum class Scheme { kUnknown, kBasic, kBearer };
  struct HostState {
    Scheme scheme = Scheme::kUnknown;
    BearerChallenge bearer{};
    bool direct_token_rejected = false;  // the registry token does not work as a Bearer token
  };

  [[nodiscard]] Result<RegistryAuth> credentials(const std::string& host);
  [[nodiscard]] HostState hostState(const std::string& host) const;
  [[nodiscard]] Result<std::string> bearerToken(const AuthTarget& target, const HostState& state,
                                                const std::vector<std::string>& scopes,
                                                const std::vector<std::string>& request_scopes,
                                                const RegistryAuth& creds,
                                                std::string_view rejected_token,
                                                const CallContext& ctx);
  [[nodiscard]] Result<std::string> answerBearer(const AuthTarget& target,
                                                 const std::vector<Challenge>& challenges,
                                                 const std::vector<std::string>& scopes,
                                                 std::string_view rejected,
                                                 const RegistryAuth& creds, const CallContext& ctx);
  [[nodiscard]] Result<std::string> answerBasic(const AuthTarget& target, std::string_view rejected,
                                                const RegistryAuth& creds);
  std::shared_ptr<std::mutex> fetchLock(const std::string& key);

  http::HttpClient& http_;
  const Options options_;
  const Clock& clock_;
  TokenCache cache_;
  std::atomic<int64_t> token_requests_{0};

  mutable std::mutex mu_;
  std::map<std::string, HostState> hosts_;                          // guarded by mu_
  std::map<std::string, std::shared_ptr<std::mutex>> fetch_locks_;  // guarded by mu_
};

}  // namespace copycat::registry::auth
