// The request layer under RegistryClient: registry URLs and scheme choice, authentication
// (auth/authenticator.h) with one re-authentication per 401, retries with backoff honouring
// Retry-After, per-request timeouts and request accounting.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/http_client.h"
#include "registry/auth/authenticator.h"
#include "registry/call_context.h"
#include "registry/retry_policy.h"

namespace copycat::registry {

// One HTTP exchange with a registry, for metrics (copycat_registry_requests_total).
struct RequestEvent {
  std::string_view registry;
  std::string_view method;
  int status = 0;  // 0 = transport failure
};
using RequestObserver = std::function<void(const RequestEvent&)>;

// Converts a failed registry response into an Error (registry_error.h) with `what` as context.
[[nodiscard]] Error responseError(const http::Response& response, std::string_view what);

// Thread-safe. Does not own `http` or `auth`; both must outlive it. send() blocks until the
// exchange (and its retries) end or ctx.stop fires.
class RegistryTransport {
 public:
  struct Options {
    std::string host;  // authority: "ghcr.io", "127.0.0.1:5000"
    // Plain HTTP / unverified TLS allowed: the first request tries https (certificate checks
    // are off when the HttpClient lists the host as insecure) and falls back to http on a
    // transport failure; the working scheme is remembered.
    bool insecure = false;
    RetryPolicy retry{};
    std::chrono::milliseconds request_timeout{60'000};  // requests without a streamed body
    std::string user_agent{};                           // "" = the HttpClient's
    RequestObserver observer{};
  };

  RegistryTransport(http::HttpClient& http, auth::Authenticator& auth, Options options);

  // Sends `request`, whose url is a registry path ("/v2/...") or an absolute URL (upload
  // Locations). Authorization for `scopes` is attached only when the URL is on the registry's
  // origin. Non-2xx statuses are returned as responses, not errors. Retries: connection
  // errors, 408, 429 and 5xx up to retry.attempts tries, never for a streamed request body nor
  // once a streamed response body delivered bytes; a streamed body is not replayed after a
  // 401 either (the 401 response is returned; the next attempt gets the new credentials).
  // Errors: transport errors (http_client.h), authentication errors (authenticator.h),
  // kCancelled.
  [[nodiscard]] Result<http::Response> send(http::Request request,
                                            const std::vector<std::string>& scopes,
                                            const CallContext& ctx);

  // The absolute URL of a registry path with the scheme in use.
  [[nodiscard]] std::string url(std::string_view path) const;
  [[nodiscard]] const std::string& host() const { return options_.host; }
  [[nodiscard]] const Options& options() const { return options_; }

 private:
  enum class Scheme { kHttps, kHttp, kUndecided };

  [[nodiscard]] bool isRegistryOrigin(std::string_view url) const;
  [[nodiscard]] Result<http::Response> sendAuthenticated(http::Request& request,
                                                         const std::vector<std::string>& scopes,
                                                         const CallContext& ctx);
  [[nodiscard]] Result<http::Response> sendOnce(const http::Request& request,
                                                const CallContext& ctx);
  [[nodiscard]] Result<http::Response> probeScheme(http::Request request, const std::string& path,
                                                   const CallContext& ctx);
  [[nodiscard]] Result<http::Response> exchange(const http::Request& request,
                                                const CallContext& ctx, bool count_failure);

  http::HttpClient& http_;
  auth::Authenticator& auth_;
  const Options options_;
  const auth::AuthTarget target_;
  std::atomic<Scheme> scheme_;
};

}  // namespace copycat::registry
