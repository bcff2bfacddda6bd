#include "registry/registry_transport.h"

#include <fmt/format.h>

#include "base/clock.h"
#include "base/log.h"
#include "http/redact.h"
#include "http/url.h"
#include "registry/registry_error.h"

namespace copycat::registry {
namespace {

constexpr std::string_view kAuthorization = "Authorization";

std::string schemePrefix(bool https) { return https ? "https://" : "http://"; }

}  // namespace

Error responseError(const http::Response& response, std::string_view what) {
  std::string retry_after = response.headers.get("Retry-After").value_or("");
  Error error = registryError(
      {.http_status = response.status, .body = response.body, .retry_after = retry_after},
      SystemClock::instance().wallNow());
  return error.withContext(what);
}

RegistryTransport::RegistryTransport(http::HttpClient& http, auth::Authenticator& auth,
                                     Options options)
    : http_(http),
      auth_(auth),
      options_(std::move(options)),
      target_{.host = options_.host, .insecure = options_.insecure},
      scheme_(options_.insecure ? Scheme::kUndecided : Scheme::kHttps) {}

std::string RegistryTransport::url(std::string_view path) const {
  return schemePrefix(scheme_.load() != Scheme::kHttp) + options_.host + std::string(path);
}

bool RegistryTransport::isRegistryOrigin(std::string_view url) const {
  if (url.starts_with("/")) {
    return true;
  }
  auto parsed = http::parseUrl(url);
  auto base = http::parseUrl(this->url("/"));
  return parsed && base && http::isSameOrigin(*parsed, *base);
}

Result<http::Response> RegistryTransport::send(http::Request request,
                                               const std::vector<std::string>& scopes,
                                               const CallContext& ctx) {
  bool streamed_up = static_cast<bool>(request.body_source);
  int64_t delivered = 0;  // the sink runs on this thread, inside http_.send()
  if (request.body_sink) {
    request.body_sink = [&delivered, sink = std::move(request.body_sink)](std::string_view chunk) {
      delivered += static_cast<int64_t>(chunk.size());
      return sink(chunk);
    };
  } else if (!streamed_up && request.timeout.count() == 0) {
    request.timeout = options_.request_timeout;
  }
  if (!options_.user_agent.empty() && !request.headers.has("User-Agent")) {
    request.headers.set("User-Agent", options_.user_agent);
  }
  request.stop = ctx.stop;
  int attempts = streamed_up ? 1 : std::max(1, options_.retry.attempts);
  for (int attempt = 0;; ++attempt) {
    auto response = sendAuthenticated(request, scopes, ctx);
    bool last = attempt + 1 >= attempts || delivered > 0 || ctx.stop.stop_requested();
    double retry_after = -1;
    std::string reason;
    if (!response) {
      if (last || !isRetryableError(response.error())) {
        return response;
      }
      reason = response.error().message;
    } else if (!last && isRetryableStatus(response->status)) {
      auto header = response->headers.get("Retry-After");
      if (header) {
        retry_after = parseRetryAfter(*header, SystemClock::instance().wallNow()).value_or(-1);
      }
      if (retry_after > static_cast<double>(options_.retry.max_retry_after.count())) {
        return response;  // longer than we are willing to wait: fail now
      }
      reason = fmt::format("http {}", response->status);
    } else {
      return response;
    }
    auto delay = retryDelay(options_.retry, attempt, retry_after);
    LOG_WARN("registry", "retrying registry request",
             {{"registry", options_.host},
              {"method", request.method},
              {"url", http::redactUrl(request.url)},
              {"attempt", attempt + 1},
              {"delay_ms", delay.count()},
              {"reason", reason}});
    if (!sleepFor(options_.retry, delay, ctx.stop)) {
      return fail(ErrorCode::kCancelled, fmt::format("{} {}: cancelled while waiting to retry",
                                                     request.method, http::redactUrl(request.url)));
    }
  }
}

Result<http::Response> RegistryTransport::sendAuthenticated(http::Request& request,
                                                            const std::vector<std::string>& scopes,
                                                            const CallContext& ctx) {
  if (!isRegistryOrigin(request.url)) {
    request.headers.remove(kAuthorization);
    return sendOnce(request, ctx);
  }
  ASSIGN_OR_RETURN(std::string sent, auth_.authorization(target_, scopes, ctx));
  if (sent.empty()) {
    request.headers.remove(kAuthorization);
  } else {
    request.headers.set(std::string(kAuthorization), sent);
  }
  ASSIGN_OR_RETURN(http::Response response, sendOnce(request, ctx));
  if (response.status != 401) {
    return response;
  }
  auto retry =
      auth_.reauthorize(target_, scopes, response.headers.getAll("WWW-Authenticate"), sent, ctx);
  if (!retry) {
    Error error = retry.error();
    error.http_status = error.http_status == 0 ? 401 : error.http_status;
    return fail(std::move(error));
  }
  if (request.body_source) {
    return response;  // a streamed body cannot be replayed; the caller re-runs the transfer
  }
  request.headers.set(std::string(kAuthorization), *retry);
  return sendOnce(request, ctx);
}

Result<http::Response> RegistryTransport::sendOnce(const http::Request& request,
                                                   const CallContext& ctx) {
  if (!request.url.starts_with("/")) {
    return exchange(request, ctx, true);
  }
  std::string path = request.url;
  Scheme scheme = scheme_.load();
  if (scheme == Scheme::kUndecided) {
    return probeScheme(request, path, ctx);
  }
  http::Request absolute = request;
  absolute.url = schemePrefix(scheme == Scheme::kHttps) + options_.host + path;
  return exchange(absolute, ctx, true);
}

// An insecure registry may speak TLS with an untrusted certificate or plain HTTP: try https
// first (a TLS handshake against a plain-HTTP port fails before any request is made), then
// http, and remember what worked (the ggcr/docker behaviour for insecure registries).
Result<http::Response> RegistryTransport::probeScheme(http::Request request,
                                                      const std::string& path,
                                                      const CallContext& ctx) {
  request.url = schemePrefix(true) + options_.host + path;
  auto https = exchange(request, ctx, false);
  if (https) {
    scheme_.store(Scheme::kHttps);
    return https;
  }
  if (https.error().code == ErrorCode::kCancelled) {
    return https;
  }
  request.url = schemePrefix(false) + options_.host + path;
  auto plain = exchange(request, ctx, true);
  if (plain) {
    scheme_.store(Scheme::kHttp);
    LOG_INFO("registry", "insecure registry uses plain http", {{"registry", options_.host}});
  }
  return plain;
}

Result<http::Response> RegistryTransport::exchange(const http::Request& request,
                                                   const CallContext& ctx, bool count_failure) {
  auto response = http_.send(request);
  if (!response && !count_failure) {
    return response;
  }
  if (ctx.stats) {
    ctx.stats->addRegistryRequest(options_.host);
  }
  if (options_.observer) {
    options_.observer(RequestEvent{.registry = options_.host,
                                   .method = request.method,
                                   .status = response ? response->status : 0});
  }
  LOG_DEBUG("registry", "registry request",
            {{"registry", options_.host},
             {"method", request.method},
             {"url", http::redactUrl(request.url)},
             {"status", response ? response->status : 0}});
  return response;
}

}  // namespace copycat::registry
