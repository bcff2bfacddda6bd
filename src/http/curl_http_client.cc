#include "http/curl_http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include "base/log.h"
#include "base/strings.h"
#include "http/curl_easy_options.h"
#include "http/curl_handle.h"
#include "http/curl_share.h"
#include "http/curl_transfer.h"
#include "http/redact.h"

namespace copycat::http {
namespace {

// Receive/send buffer per handle: fewer callbacks for blob-sized transfers (default 16 KiB).
constexpr long kBufferBytes = 128 * 1024;
// TCP keepalive keeps long watches and idle pooled connections alive through NAT/LBs.
constexpr long kKeepAliveIdleSeconds = 60;
constexpr long kKeepAliveIntervalSeconds = 30;

struct HopLists {
  CurlSlistPtr headers;
  CurlSlistPtr connect_to;
};

void applyConnectionOptions(EasyOptions& o, const CurlHttpClient::Options& options,
                            const Request& request, CURLSH* share) {
  o.setLong(CURLOPT_NOSIGNAL, 1L);
  o.setString(CURLOPT_PROTOCOLS_STR, "http,https");
  o.setLong(CURLOPT_HTTP_VERSION,
            options.enable_http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
  o.setShare(share);
  o.setLong(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  if (options.low_speed_limit_bytes_per_second > 0) {
    o.setLong(CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(options.low_speed_limit_bytes_per_second));
    o.setLong(CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
  }
  auto timeout = request.timeout.count() > 0 ? request.timeout : options.total_timeout;
  o.setLong(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  o.setLong(CURLOPT_TCP_KEEPALIVE, 1L);
  o.setLong(CURLOPT_TCP_KEEPIDLE, kKeepAliveIdleSeconds);
  o.setLong(CURLOPT_TCP_KEEPINTVL, kKeepAliveIntervalSeconds);
  o.setLong(CURLOPT_BUFFERSIZE, kBufferBytes);
  o.setLong(CURLOPT_UPLOAD_BUFFERSIZE, kBufferBytes);
  if (!request.headers.has("User-Agent")) {
    o.setString(CURLOPT_USERAGENT, options.user_agent);
  }
}

void applyProxy(EasyOptions& o, const ProxyConfig& proxy, const Url& url) {
  // Always set both: an explicit "" disables a proxy, and a non-null NOPROXY stops libcurl
  // from consulting the environment behind the configuration's back.
  o.setString(CURLOPT_PROXY, proxy.proxyForScheme(url.scheme));
  o.setString(CURLOPT_NOPROXY, proxy.no_proxy);
}

void applyTrust(EasyOptions& o, const TrustStore& trust, const TlsOptions& tls, bool insecure) {
  if (insecure) {
    o.setLong(CURLOPT_SSL_VERIFYPEER, 0L);
    o.setLong(CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!trust.ca_blob.empty()) {
    o.setBlob(CURLOPT_CAINFO_BLOB, trust.ca_blob);
  } else if (!trust.ca_file.empty()) {
    o.setString(CURLOPT_CAINFO, trust.ca_file);
  }
  if (!trust.use_ca_path) {
    o.setString(CURLOPT_CAPATH, nullptr);
  }
  if (!tls.client_cert_pem.empty()) {
    o.setString(CURLOPT_SSLCERTTYPE, "PEM");
    o.setBlob(CURLOPT_SSLCERT_BLOB, tls.client_cert_pem);
  } else if (!tls.client_cert_file.empty()) {
    o.setString(CURLOPT_SSLCERT, tls.client_cert_file);
  }
  if (!tls.client_key_pem.empty()) {
    o.setString(CURLOPT_SSLKEYTYPE, "PEM");
    o.setBlob(CURLOPT_SSLKEY_BLOB, tls.client_key_pem);
  } else if (!tls.client_key_file.empty()) {
    o.setString(CURLOPT_SSLKEY, tls.client_key_file);
  }
}

void applyMethodAndBody(EasyOptions& o, const Request& request, const Hop& hop) {
  if (hop.method == "HEAD") {
    o.setLong(CURLOPT_NOBODY, 1L);
    return;
  }
  if (!hop.send_body) {
    o.setLong(CURLOPT_HTTPGET, 1L);
  } else {
    // Upload mode sends Content-Length when the size is known and chunked encoding otherwise.
    curl_off_t size = request.body_source ? static_cast<curl_off_t>(request.content_length)
                                          : static_cast<curl_off_t>(request.body.size());
    o.setLong(CURLOPT_UPLOAD, 1L);
    o.setOffset(CURLOPT_INFILESIZE_LARGE, size < 0 ? -1 : size);
  }
  if (hop.method != (hop.send_body ? "PUT" : "GET")) {
    o.setString(CURLOPT_CUSTOMREQUEST, hop.method);
  }
}

bool buildHeaderList(const Hop& hop, const std::string& host_override, CurlSlistPtr& list) {
  bool ok = true;
  for (const auto& [name, value] : hop.headers) {
    // libcurl derives framing from the body; a caller's copy could contradict it.
    if (strings::equalsIgnoreCase(name, "Content-Length") ||
        strings::equalsIgnoreCase(name, "Transfer-Encoding")) {
      continue;
    }
    // "Name;" is libcurl's spelling for a header with an empty value.
    ok = ok && slistAppend(list, value.empty() ? name + ";" : name + ": " + value);
  }
  if (!hop.headers.has("Expect")) {
    // No "Expect: 100-continue": servers that ignore it would cost a 1 s stall per upload.
    ok = ok && slistAppend(list, "Expect:");
  }
  if (!host_override.empty() && !hop.headers.has("Host")) {
    ok = ok && slistAppend(list, "Host: " + host_override);
  }
  return ok;
}

std::string withoutFragment(const Url& url) {
  Url copy = url;
  copy.has_fragment = false;
  copy.fragment.clear();
  return copy.str();
}

}  // namespace

Result<std::unique_ptr<CurlHttpClient>> CurlHttpClient::create(Options options) {
  ASSIGN_OR_RETURN(TrustStore trust, buildTrustStore(options.tls));
  std::unique_ptr<CurlShare> share = CurlShare::create();
  if (!share) {
    return fail(ErrorCode::kInternal, "cannot create libcurl share object");
  }
  ProxyConfig proxy = options.proxy ? *options.proxy : ProxyConfig::fromEnvironment();
  return std::unique_ptr<CurlHttpClient>(
      new CurlHttpClient(std::move(options), std::move(proxy), std::move(trust), std::move(share)));
}

CurlHttpClient::CurlHttpClient(Options options, ProxyConfig proxy, TrustStore trust,
                               std::unique_ptr<CurlShare> share)
    : options_(std::move(options)),
      proxy_(std::move(proxy)),
      trust_(std::move(trust)),
      share_(std::move(share)) {
  for (const auto& entry : options_.insecure_hosts) {
    insecure_.push_back(splitHostPort(strings::trim(entry)));
  }
}

CurlHttpClient::~CurlHttpClient() {
  idle_slots_.clear();  // easy handles go before the share they use
}

bool CurlHttpClient::isInsecureHost(std::string_view authority) const {
  auto [host, port] = splitHostPort(authority);
  return isInsecureHostPort(host, port);
}

bool CurlHttpClient::isInsecureHostPort(const std::string& host, int port) const {
  for (const auto& [entry_host, entry_port] : insecure_) {
    if (entry_host == host && (entry_port < 0 || entry_port == port)) {
      return true;
    }
  }
  return false;
}

std::unique_ptr<CurlSlot> CurlHttpClient::acquireSlot() {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (!idle_slots_.empty()) {
      std::unique_ptr<CurlSlot> slot = std::move(idle_slots_.back());
      idle_slots_.pop_back();
      return slot;
    }
  }
  return CurlSlot::create();
}

void CurlHttpClient::releaseSlot(std::unique_ptr<CurlSlot> slot) {
  std::unique_ptr<CurlSlot> surplus;
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (idle_slots_.size() < options_.max_idle_handles) {
      idle_slots_.push_back(std::move(slot));
    } else {
      surplus = std::move(slot);  // closed outside the lock
    }
  }
}

Result<HopResult> CurlHttpClient::performHop(const CurlSlot& slot, const Request& request,
                                             const Hop& hop, const Url& original_url) {
  std::string what = fmt::format("{} {}", hop.method, redactUrl(hop.url));
  auto parsed = parseUrl(hop.url);
  if (!parsed) {
    return fail(parsed.error().withContext(what));
  }
  const Url& url = *parsed;
  bool https = url.scheme == "https";
  // kubeconfig tls-server-name: ask libcurl for the server name, but connect to the URL host.
  bool rename = https && !options_.tls.server_name.empty() && isSameOrigin(url, original_url);
  Url curl_url = url;
  HopLists lists;
  std::string host_override;
  if (rename) {
    curl_url.host = strings::toLower(options_.tls.server_name);
    host_override = url.authority();
    std::string port = std::to_string(url.effectivePort());
    if (!slistAppend(lists.connect_to,
                     fmt::format("{}:{}:{}:{}", curl_url.host, port, url.host, port))) {
      return fail(ErrorCode::kInternal, what + ": out of memory");
    }
  }

  CURL* easy = slot.easy();
  curl_easy_reset(easy);
  EasyOptions o(easy);
  o.setString(CURLOPT_URL, withoutFragment(curl_url));
  applyConnectionOptions(o, options_, request, share_->get());
  applyProxy(o, proxy_, url);
  if (https) {
    applyTrust(o, trust_, options_.tls, isInsecureHostPort(url.host, url.effectivePort()));
  }
  if (lists.connect_to) {
    o.setList(CURLOPT_CONNECT_TO, lists.connect_to.get());
  }
  applyMethodAndBody(o, request, hop);
  bool headers_ok = buildHeaderList(hop, host_override, lists.headers);
  o.setList(CURLOPT_HTTPHEADER, lists.headers.get());
  CurlTransfer transfer(slot, request, hop.send_body);
  if (!headers_ok || !o.ok() || !transfer.installCallbacks()) {
    return fail(ErrorCode::kInternal, fmt::format("{}: cannot configure libcurl: {}", what,
                                                  curl_easy_strerror(o.error())));
  }
  ASSIGN_OR_RETURN(HopResult result, transfer.perform(what, url.host));
  LOG_DEBUG("http", "http exchange",
            {{"method", hop.method},
             {"url", redactUrl(hop.url)},
             {"status", result.status},
             {"http_version", httpVersionName(result.http_version)},
             {"new_connections", result.new_connections},
             {"duration_ms", result.duration_us / 1000}});
  return result;
}

Result<Response> CurlHttpClient::send(const Request& request) {
  auto original_url = parseUrl(request.url);
  if (!original_url) {
    return fail(original_url.error().withContext(
        fmt::format("{} {}", request.method, redactUrl(request.url))));
  }
  if (original_url->scheme != "http" && original_url->scheme != "https") {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("unsupported url scheme {}", original_url->scheme));
  }
  if (auto valid = validateRequest(request); !valid) {
    return fail(
        valid.error().withContext(fmt::format("{} {}", request.method, redactUrl(request.url))));
  }
  std::unique_ptr<CurlSlot> slot = acquireSlot();
  if (!slot) {
    return fail(ErrorCode::kInternal, "cannot create libcurl handle");
  }
  struct ReturnToPool {
    CurlHttpClient* client;
    std::unique_ptr<CurlSlot>& slot;
    ~ReturnToPool() { client->releaseSlot(std::move(slot)); }
  } return_to_pool{this, slot};

  Hop hop = firstHop(request);
  Response response;
  for (int redirects = 0;; ++redirects) {
    ASSIGN_OR_RETURN(HopResult result, performHop(*slot, request, hop, *original_url));
    response.new_connections += result.new_connections;
    std::optional<std::string> location = result.headers.get("Location");
    if (!request.follow_redirects || !isRedirectStatus(result.status) || !location) {
      response.status = result.status;
      response.headers = std::move(result.headers);
      response.body = std::move(result.body);
      response.effective_url = hop.url;
      response.http_version = result.http_version;
      response.redirects = redirects;
      return response;
    }
    if (redirects >= kMaxRedirects) {
      return fail(ErrorCode::kProtocol,
                  fmt::format("{} {}: stopped after {} redirects", request.method,
                              redactUrl(request.url), kMaxRedirects));
    }
    auto next = nextHop(request, *original_url, hop, result.status, *location);
    if (!next) {
      return fail(next.error().withContext(fmt::format("{} {}", hop.method, redactUrl(hop.url))));
    }
    hop = std::move(*next);
  }
}

}  // namespace copycat::http
