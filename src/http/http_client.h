// The HTTP transport every network module builds on: value-typed Request/Response and the
// HttpClient interface (CurlHttpClient in production, fakes in tests).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/headers.h"

namespace copycat::http {

// Bounds in-memory response bodies: manifests and API objects are small (OCI distribution-spec
// recommends accepting manifests of at least 4 MiB).
inline constexpr size_t kDefaultMaxBodyBytes = size_t{4} * 1024 * 1024;

// Produces the next piece of a streamed request body into `buf` (at most `max` bytes). Returns
// the number of bytes written, 0 at the end of the body, or an error that aborts the request
// (send() then returns that error). May block.
using BodySource = std::function<Result<size_t>(char* buf, size_t max)>;

// Consumes the next piece of a streamed 2xx response body. An error aborts the transfer and is
// what send() returns. May block.
using BodySink = std::function<Status(std::string_view chunk)>;

enum class HttpVersion { kUnknown, kHttp10, kHttp11, kHttp2, kHttp3 };
std::string_view httpVersionName(HttpVersion version);

struct Request {
  std::string method = "GET";
  std::string url{};  // absolute http(s) URL
  Headers headers{};

  // The body: `body_source` when set (streamed, sent once), else `body`. POST, PUT and PATCH
  // always send a body (possibly empty, "Content-Length: 0").
  std::string body{};
  BodySource body_source{};
  // Length of `body_source`; -1 = unknown, sent with "Transfer-Encoding: chunked".
  int64_t content_length = -1;

  // Follow 301/302/303/307/308 (up to 10 hops). Authorization, Cookie and `sensitive_headers`
  // are dropped when a hop leaves the original scheme/host/port. A streamed body cannot be
  // replayed, so a 307/308 answer to it is an error.
  bool follow_redirects = true;
  std::vector<std::string> sensitive_headers{};

  // Cap for a body kept in memory (every non-streamed response, and error bodies of streamed
  // ones); exceeding it fails with kProtocol "response body too large".
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  // When set, a 2xx response body goes here instead of Response::body.
  BodySink body_sink{};

  // Total time per hop; zero means the client's default (none for large transfers).
  std::chrono::milliseconds timeout{0};
  // Cancels the request: send() returns kCancelled promptly, even while waiting on the network.
  std::stop_token stop{};
};

struct Response {
  int status = 0;
  Headers headers{};
  std::string body{};           // empty when the 2xx body went to Request::body_sink
  std::string effective_url{};  // the URL of the last hop
  HttpVersion http_version = HttpVersion::kUnknown;
  int redirects = 0;            // redirect hops followed
  int64_t new_connections = 0;  // TCP connections opened for this exchange (0 = reused)

  [[nodiscard]] bool isSuccess() const { return status >= 200 && status < 300; }
};

// Checks what would otherwise let a caller (or a token a peer handed us) inject protocol text:
// the method and header names must be RFC 9110 §5.6.2 tokens, header values must not contain
// CR, LF or NUL. Errors: kInvalidArgument.
[[nodiscard]] Status validateRequest(const Request& request);

// Sends HTTP requests. Implementations are thread-safe: any thread may call send() at any
// time; each call blocks its caller until the exchange finishes or Request::stop fires.
class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Performs `request`, following redirects when allowed. Any HTTP status is a success at this
  // layer; errors are transport failures:
  //  kUnavailable (connect refused, reset, DNS, TLS handshake; retryable),
  //  kDeadlineExceeded (timeouts, low-speed abort; retryable), kCancelled,
  //  kPermissionDenied (TLS certificate verification failed; not retryable),
  //  kProtocol (body too large, redirect loops, malformed responses), kInvalidArgument (bad
  //  URL), or the error returned by a BodySource/BodySink.
  [[nodiscard]] virtual Result<Response> send(const Request& request) = 0;
};

}  // namespace copycat::http
