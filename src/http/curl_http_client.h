// HttpClient on libcurl: blocking easy handles from a per-client pool, a shared DNS/TLS-session
// cache, redirects followed by our own code so credentials never leak to another origin.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "http/ca_bundle.h"
#include "http/http_client.h"
#include "http/proxy_config.h"
#include "http/redirect.h"
#include "http/tls_options.h"
#include "http/url.h"

namespace copycat::http {

class CurlShare;
class CurlSlot;
struct HopResult;

// Thread-safe: send() may run on many threads at once. Each call borrows a pooled curl handle
// (LIFO, so a thread issuing sequential requests gets its warm connection back) and blocks its
// caller until the exchange ends or Request::stop fires. The client must outlive every send().
class CurlHttpClient final : public HttpClient {
 public:
  struct Options {
    std::string user_agent = "copycat";  // callers pass "copycat/<version>"
    std::chrono::milliseconds connect_timeout{15000};
    // Abort a transfer slower than this for `low_speed_time` (stalled peers). Never a total
    // deadline, so large blobs are not killed for being large. 0 disables.
    int64_t low_speed_limit_bytes_per_second = 1024;
    std::chrono::seconds low_speed_time{60};
    // Total time per hop for every request without its own Request::timeout; 0 = none.
    std::chrono::milliseconds total_timeout{0};
    TlsOptions tls{};
    // "host" (any port) or "host:port" entries for which TLS verification is off. Whether to
    // use plain http for them is the caller's choice (registry scheme fallback).
    std::vector<std::string> insecure_hosts{};
    // nullopt = ProxyConfig::fromEnvironment() at create().
    std::optional<ProxyConfig> proxy{};
    bool enable_http2 = true;      // HTTP/2 over TLS when the server offers it (ALPN)
    size_t max_idle_handles = 16;  // pooled handles kept for reuse
  };

  // Builds a client. Errors: kInvalidArgument for unreadable CA bundles or an empty trust
  // store; kInternal when libcurl cannot allocate its share object.
  [[nodiscard]] static Result<std::unique_ptr<CurlHttpClient>> create(Options options);
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  [[nodiscard]] Result<Response> send(const Request& request) override;

  // True when `authority` ("host" or "host:port") matches an insecure_hosts entry: an entry
  // without a port matches every port of that host.
  [[nodiscard]] bool isInsecureHost(std::string_view authority) const;

  [[nodiscard]] const ProxyConfig& proxy() const { return proxy_; }

 private:
  CurlHttpClient(Options options, ProxyConfig proxy, TrustStore trust,
                 std::unique_ptr<CurlShare> share);

  [[nodiscard]] bool isInsecureHostPort(const std::string& host, int port) const;
  std::unique_ptr<CurlSlot> acquireSlot();
  void releaseSlot(std::unique_ptr<CurlSlot> slot);
  [[nodiscard]] Result<HopResult> performHop(const CurlSlot& slot, const Request& request,
                                             const Hop& hop, const Url& original_url);

  const Options options_;
  const ProxyConfig proxy_;
  const TrustStore trust_;
  std::vector<std::pair<std::string, int>> insecure_;  // (lower-case host, port or -1)
  std::unique_ptr<CurlShare> share_;                   // outlives the slots below (declared first)

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<CurlSlot>> idle_slots_;  // guarded by pool_mu_; LIFO
};

}  // namespace copycat::http
