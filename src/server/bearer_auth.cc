#include "server/bearer_auth.h"

#include "base/crypto.h"
#include "base/log.h"
#include "base/strings.h"

namespace copycat::server {
namespace {

// Compares equal-length strings without an early exit.
bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

// The token of "Bearer <token>" (scheme case-insensitive, RFC 7235 §2.1), or "".
std::string_view bearerToken(std::string_view value) {
  value = strings::trim(value);
  size_t space = value.find_first_of(" \t");
  if (space == std::string_view::npos ||
      !strings::equalsIgnoreCase(value.substr(0, space), "bearer")) {
    return {};
  }
  return strings::trim(value.substr(space + 1));
}

}  // namespace

BearerAuth::BearerAuth(std::string_view token)
    : enabled_(!token.empty()), token_digest_(crypto::sha256Raw(token)) {}

bool BearerAuth::isAuthorized(const HttpRequest& request) const {
  if (!enabled_) {
    return true;
  }
  auto header = request.header("Authorization");
  if (!header) {
    return false;
  }
  std::string_view token = bearerToken(*header);
  // Hashing both sides makes the comparison independent of the presented length.
  return !token.empty() && constantTimeEquals(crypto::sha256Raw(token), token_digest_);
}

std::optional<HttpResponse> BearerAuth::check(const HttpRequest& request) const {
  if (isAuthorized(request)) {
    return std::nullopt;
  }
  LOG_DEBUG("server", "admin request unauthorized",
            {{"path", request.path},
             {"remote", request.remote_addr},
             {"credentials_present", request.header("Authorization").has_value()}});
  auto response = textResponse(401, "unauthorized");
  response.setHeader("WWW-Authenticate", std::string(kChallenge));
  return response;
}

}  // namespace copycat::server
