// One token request to a Bearer realm (distribution "Token Authentication Specification" and
// "OAuth2 Token Authentication"): GET with Basic credentials or anonymously, or the OAuth2
// refresh-token grant (POST) for Docker identity tokens. Stateless and thread-safe.
#pragma once

#include <chrono>
#include <stop_token>
#include <string>
#include <vector>

#include "base/result.h"
#include "http/http_client.h"
#include "registry/auth/credentials.h"

namespace copycat::registry::auth {

struct TokenRequest {
  std::string realm;                // absolute URL from the challenge
  std::string service;              // "" = not sent
  std::vector<std::string> scopes;  // one `scope` parameter each
  std::string registry_host;        // the registry that sent the challenge (realm guard)
  bool registry_insecure = false;
  std::string client_id = "copycat";  // OAuth2 client_id for the refresh-token grant
  std::chrono::milliseconds timeout{30'000};
  std::stop_token stop{};
};

struct TokenResponse {
  std::string token;  // `token`, else `access_token`; never logged
  std::chrono::seconds expires_in{0};
};

// Username sent with a registry token when the credentials name none (GHCR-style registries
// accept any user name with a personal access token as the password).
inline constexpr std::string_view kTokenUsername = "token";

// Fetches a token for `request` with `credentials`:
//  - identity_token: POST grant_type=refresh_token (OAuth2, RFC 6749 §6);
//  - username/password: GET with Basic credentials;
//  - registry_token: GET with Basic (username or kTokenUsername, the token as password);
//  - anonymous: GET without credentials.
// The realm is checked first (checkRealm). Errors: kPermissionDenied from the realm guard,
// transport errors, the token server's HTTP error (401 → kUnauthenticated), kProtocol when the
// response carries no token.
[[nodiscard]] Result<TokenResponse> fetchToken(http::HttpClient& http, const TokenRequest& request,
                                               const RegistryAuth& credentials);

// Parses a token response body. Errors: kProtocol for non-JSON or a missing token.
[[nodiscard]] Result<TokenResponse> parseTokenResponse(std::string_view body);

// "Basic base64(user:password)".
[[nodiscard]] std::string basicAuthorization(std::string_view user, std::string_view password);

}  // namespace copycat::registry::auth
