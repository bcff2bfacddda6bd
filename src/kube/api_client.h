// A REST client for the Kubernetes API server on the shared HTTP transport: GET, LIST and
// WATCH with streamed bodies, CREATE/UPDATE/PATCH/DELETE, Status errors as Error values,
// bearer tokens re-fetched after a 401, retries of 429/5xx honouring Retry-After, and a
// client-side token bucket (QPS 20, burst 30, as controller-runtime).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/result.h"
#include "http/http_client.h"
#include "kube/kube_config.h"
#include "kube/rate_limiter.h"
#include "kube/resource_path.h"
#include "kube/token_source.h"

namespace copycat::kube {

// PATCH bodies ("API Concepts" → "Patch operations").
enum class PatchType {
  kMerge,           // application/merge-patch+json (RFC 7386)
  kStrategicMerge,  // application/strategic-merge-patch+json (built-in types only)
  kJson,            // application/json-patch+json (RFC 6902)
};
std::string_view patchContentType(PatchType type);

// "copycat/<version>".
std::string defaultUserAgent();

// Counters for metrics: plain values copied out of the client.
struct ApiClientStats {
  uint64_t requests = 0;           // HTTP exchanges, retries included
  uint64_t lists = 0;              // LIST requests (pages), retries included
  uint64_t watches = 0;            // WATCH requests, retries included
  uint64_t retries = 0;            // attempts repeated after 429/5xx/transport errors
  uint64_t reauthentications = 0;  // 401s answered by fetching a fresh token
  uint64_t throttled = 0;          // requests that waited for the client-side rate limit
};

// Thread-safe: any thread may call any method; each call blocks its caller until the exchange
// (and its retries) ends or `stop` fires, which returns kCancelled promptly, even mid-stream.
class ApiClient {
 public:
  struct Options {
    std::string user_agent = defaultUserAgent();
    double qps = 20;  // <= 0 disables the client-side limit
    int burst = 30;
    // Repeats after 429, 5xx (idempotent verbs; POST/PATCH only for 429/503) and transport
    // errors before any body byte was delivered (idempotent verbs only). 401 is separate: one
    // retry with a fresh token.
    int max_retries = 3;
    BackoffPolicy backoff{std::chrono::milliseconds(500), std::chrono::seconds(10), 2.0, 0.2};
    std::chrono::seconds max_retry_after{30};          // a longer Retry-After is cut to this
    std::chrono::milliseconds request_timeout{60000};  // every request except WATCH
    std::chrono::seconds watch_timeout_slack{30};      // WATCH client deadline past timeoutSeconds
    size_t max_body_bytes = 16 * 1024 * 1024;  // responses kept in memory (GET, writes, errors)
  };

  // `tokens` may be null (client certificates or no authentication). Does not own `clock`.
  ApiClient(std::shared_ptr<http::HttpClient> http, std::string server,
            std::shared_ptr<TokenSource> tokens, Clock& clock, Options options);

  // Builds the transport from `config`: CA (only that CA when given, like client-go), client
  // certificate (from the kubeconfig or an exec plugin), tls-server-name, insecure-skip-tls-
  // verify, proxy-url; the token source from makeTokenSource(). Errors: kInvalidArgument for a
  // bad server URL or TLS material, or the exec plugin's error.
  [[nodiscard]] static Result<std::unique_ptr<ApiClient>> create(const ClusterConfig& config,
                                                                 Clock& clock, Options options);
  [[nodiscard]] static Result<std::unique_ptr<ApiClient>> create(const ClusterConfig& config,
                                                                 Clock& clock) {
    return create(config, clock, Options{});
  }

  // The object's JSON. Errors: the Status as an Error (kNotFound, kPermissionDenied, ...).
  [[nodiscard]] Result<std::string> get(const ResourcePath& object, std::stop_token stop = {});
  // POST to the collection; returns the created object (409 AlreadyExists → isAlreadyExists).
  [[nodiscard]] Result<std::string> create(const ResourcePath& collection, std::string body,
                                           std::stop_token stop = {});
  // PUT; returns the stored object (409 Conflict on a stale resourceVersion → isConflict).
  [[nodiscard]] Result<std::string> update(const ResourcePath& object, std::string body,
                                           std::stop_token stop = {});
  [[nodiscard]] Result<std::string> patch(const ResourcePath& object, PatchType type,
                                          std::string body, std::stop_token stop = {});
  // DELETE; returns the server's answer (the object or a Status).
  [[nodiscard]] Result<std::string> remove(const ResourcePath& object, std::stop_token stop = {});

  // One LIST page: a 2xx body goes to `sink` as it arrives (never held whole here). Errors:
  // the Status (410 for an expired continue token → isGone), transport errors, the sink's.
  [[nodiscard]] Status list(const ResourcePath& collection, const ListOptions& options,
                            const http::BodySink& sink, std::stop_token stop = {});
  // A WATCH stream: chunks go to `sink` until the server ends the stream (success), the
  // transfer fails, the sink fails, or `stop` fires (kCancelled).
  [[nodiscard]] Status watch(const ResourcePath& collection, const WatchOptions& options,
                             const http::BodySink& sink, std::stop_token stop = {});

  [[nodiscard]] ApiClientStats stats() const;
  [[nodiscard]] const std::string& server() const { return server_; }

 private:
  struct Call;

  [[nodiscard]] Result<http::Response> execute(const Call& call, std::stop_token stop);
  [[nodiscard]] Result<http::Response> attempt(const Call& call, std::stop_token stop,
                                               std::string* token, bool* delivered);
  [[nodiscard]] Result<std::string> bodyCall(std::string method, const ResourcePath& path,
                                             std::string body, std::string content_type,
                                             std::string what, std::stop_token stop);
  [[nodiscard]] Result<http::Request> buildRequest(const Call& call, std::string* token_used);
  [[nodiscard]] std::chrono::milliseconds retryDelay(const Error& error, int attempt) const;

  const std::shared_ptr<http::HttpClient> http_;
  const std::string server_;
  const std::shared_ptr<TokenSource> tokens_;
  const Options options_;
  TokenBucket limiter_;

  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> lists_{0};
  std::atomic<uint64_t> watches_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> reauthentications_{0};
  std::atomic<uint64_t> throttled_{0};
};

}  // namespace copycat::kube
