// Redirect policy for HttpClient implementations: which statuses are followed, how the method
// and body change, and which headers must not follow the request to another origin.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "http/headers.h"
#include "http/http_client.h"
#include "http/url.h"

namespace copycat::http {

inline constexpr int kMaxRedirects = 10;  // Go net/http and curl's usual default

// One request on the wire while following redirects.
struct Hop {
  std::string method{};
  std::string url{};
  Headers headers{};
  bool send_body = false;  // false after a 301/302/303 turned the request into a GET
};

// True for 301, 302, 303, 307 and 308 (RFC 9110 §15.4).
[[nodiscard]] bool isRedirectStatus(int status);

// The first hop for `request`: its method, URL and headers, with a body for POST/PUT/PATCH or
// whenever one is given.
[[nodiscard]] Hop firstHop(const Request& request);

// Computes the hop after `current` answered `status` with `location`:
//  - 301/302/303 turn any method but GET/HEAD into GET without a body (as Go net/http and
//    browsers do); 307/308 repeat method and body (RFC 9110 §15.4.8, §15.4.9);
//  - headers are rebuilt from `original`, dropping Authorization, Cookie, Host and the caller's
//    sensitive headers when the target origin (scheme, host, port) differs from `original_url`.
// Errors: kProtocol for a Location that does not resolve to an http(s) URL, or a 307/308 that
// would need to replay a streamed body.
[[nodiscard]] Result<Hop> nextHop(const Request& original, const Url& original_url,
                                  const Hop& current, int status, std::string_view location);

}  // namespace copycat::http
