#include "http/http_client.h"

#include <fmt/format.h>

namespace copycat::http {
namespace {

bool isToken(std::string_view s) {
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kSpecials.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status validateRequest(const Request& request) {
  if (!isToken(request.method)) {
    return fail(ErrorCode::kInvalidArgument, "invalid http method");
  }
  for (const auto& [name, value] : request.headers) {
    if (!isToken(name)) {
      return fail(ErrorCode::kInvalidArgument, "invalid header name");
    }
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      // The value may be a secret: name the header only.
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("header {} has a line break or NUL in its value", name));
    }
  }
  return ok();
}

std::string_view httpVersionName(HttpVersion version) {
  switch (version) {
    case HttpVersion::kHttp10:
      return "HTTP/1.0";
    case HttpVersion::kHttp11:
      return "HTTP/1.1";
    case HttpVersion::kHttp2:
      return "HTTP/2";
    case HttpVersion::kHttp3:
      return "HTTP/3";
    case HttpVersion::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace copycat::http
