// BearerAuth: optional "Authorization: Bearer <token>" protection of the admin endpoints
// (RFC 6750 §2.1), compared in constant time.
//
// Thread-safe (immutable after construction).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/http_message.h"

namespace copycat::server {

class BearerAuth {
 public:
  static constexpr std::string_view kChallenge = "Bearer realm=\"copycat-admin\"";

  // An empty token disables the check.
  explicit BearerAuth(std::string_view token);

  [[nodiscard]] bool enabled() const { return enabled_; }
  [[nodiscard]] bool isAuthorized(const HttpRequest& request) const;
  // nullopt when authorized; otherwise 401 with WWW-Authenticate.
  [[nodiscard]] std::optional<HttpResponse> check(const HttpRequest& request) const;

 private:
  bool enabled_ = false;
  std::string token_digest_;  // SHA-256 of the token: fixed length, so no length leaks
};

}  // namespace copycat::server
