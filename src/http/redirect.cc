#include "http/redirect.h"

#include <fmt/format.h>

namespace copycat::http {
namespace {

bool methodCarriesBody(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

void dropCredentials(const Request& original, Headers& headers) {
  headers.remove("Authorization");
  headers.remove("Cookie");
  headers.remove("Host");
  for (const auto& name : original.sensitive_headers) {
    headers.remove(name);
  }
}

}  // namespace

bool isRedirectStatus(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Hop firstHop(const Request& request) {
  Hop hop{.method = request.method, .url = request.url, .headers = request.headers};
  hop.send_body = static_cast<bool>(request.body_source) || !request.body.empty() ||
                  methodCarriesBody(request.method);
  return hop;
}

Result<Hop> nextHop(const Request& original, const Url& original_url, const Hop& current,
                    int status, std::string_view location) {
  auto target = resolveReference(current.url, location);
  if (!target) {
    return fail(ErrorCode::kProtocol, fmt::format("redirect {} has an invalid location: {}", status,
                                                  target.error().message));
  }
  ASSIGN_OR_RETURN(Url target_url, parseUrl(*target));
  if (target_url.scheme != "http" && target_url.scheme != "https") {
    return fail(ErrorCode::kProtocol,
                fmt::format("redirect {} to unsupported scheme {}", status, target_url.scheme));
  }
  Hop next{.method = current.method, .url = *target, .headers = original.headers};
  next.send_body = current.send_body;
  if (status == 301 || status == 302 || status == 303) {
    if (current.method != "GET" && current.method != "HEAD") {
      next.method = "GET";
      next.send_body = false;
    }
  } else if (current.send_body && original.body_source) {
    return fail(ErrorCode::kProtocol,
                fmt::format("redirect {} asks to resend a streamed request body, which cannot be "
                            "replayed",
                            status));
  }
  if (!next.send_body) {
    next.headers.remove("Content-Type");
    next.headers.remove("Content-Length");
    next.headers.remove("Content-Encoding");
  }
  if (!isSameOrigin(original_url, target_url)) {
    dropCredentials(original, next.headers);
  }
  return next;
}

}  // namespace copycat::http
