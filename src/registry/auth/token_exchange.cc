#include "registry/auth/token_exchange.h"

#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "base/clock.h"
#include "http/redact.h"
#include "http/url.h"
#include "registry/auth/realm_guard.h"
#include "registry/registry_error.h"

namespace copycat::registry::auth {
namespace {

// Token responses are small JSON documents.
constexpr size_t kMaxTokenResponseBytes = 1024 * 1024;

bool hasCredentials(const RegistryAuth& credentials) { return !credentials.isAnonymous(); }

std::string formEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) {
      out += '&';
    }
    out += http::percentEncode(name) + "=" + http::percentEncode(value);
  }
  return out;
}

std::string joinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& scope : scopes) {
    out += out.empty() ? scope : " " + scope;
  }
  return out;
}

// OAuth2 refresh-token grant (distribution docs "oauth.md", RFC 6749 §6): scopes are one
// space-separated parameter here, unlike the GET flow.
http::Request refreshGrant(const TokenRequest& request, const RegistryAuth& credentials) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"grant_type", "refresh_token"},
      {"refresh_token", credentials.identity_token},
      {"client_id", request.client_id},
  };
  if (!request.service.empty()) {
    fields.emplace_back("service", request.service);
  }
  if (!request.scopes.empty()) {
    fields.emplace_back("scope", joinScopes(request.scopes));
  }
  http::Request out;
  out.method = "POST";
  out.url = request.realm;
  out.headers.set("Content-Type", "application/x-www-form-urlencoded");
  out.body = formEncode(fields);
  return out;
}

http::Request tokenGet(const TokenRequest& request, const RegistryAuth& credentials) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!request.service.empty()) {
    params.emplace_back("service", request.service);
  }
  for (const auto& scope : request.scopes) {
    params.emplace_back("scope", scope);
  }
  http::Request out;
  out.method = "GET";
  out.url = params.empty() ? request.realm : http::appendQueryParams(request.realm, params);
  if (!credentials.registry_token.empty()) {
    std::string_view user =
        credentials.username.empty() ? kTokenUsername : std::string_view(credentials.username);
    out.headers.set("Authorization", basicAuthorization(user, credentials.registry_token));
  } else if (!credentials.username.empty() || !credentials.password.empty()) {
    out.headers.set("Authorization",
                    basicAuthorization(credentials.username, credentials.password));
  }
  return out;
}

}  // namespace

std::string basicAuthorization(std::string_view user, std::string_view password) {
  std::string pair(user);
  pair += ':';
  pair += password;
  return "Basic " + base64Encode(pair);
}

Result<TokenResponse> parseTokenResponse(std::string_view body) {
  auto doc = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(ErrorCode::kProtocol, "token response is not a JSON object");
  }
  TokenResponse out;
  for (const char* field : {"token", "access_token"}) {
    auto it = doc.find(field);
    if (it != doc.end() && it->is_string() && !it->get<std::string>().empty()) {
      out.token = it->get<std::string>();
      break;
    }
  }
  if (out.token.empty()) {
    return fail(ErrorCode::kProtocol, "token response has neither token nor access_token");
  }
  auto expires = doc.find("expires_in");
  if (expires != doc.end() && expires->is_number()) {
    double seconds = expires->get<double>();
    if (seconds > 0 && seconds < 1e9) {
      out.expires_in = std::chrono::seconds(static_cast<int64_t>(seconds));
    }
  }
  return out;
}

Result<TokenResponse> fetchToken(http::HttpClient& http, const TokenRequest& request,
                                 const RegistryAuth& credentials) {
  std::string what = fmt::format("fetching token from {}", http::redactUrl(request.realm));
  auto realm = http::parseUrl(request.realm);
  if (!realm) {
    return fail(ErrorCode::kProtocol, fmt::format("{}: invalid realm url", what));
  }
  RETURN_IF_ERROR(checkRealm(*realm, request.registry_host, request.registry_insecure,
                             hasCredentials(credentials)));
  http::Request http_request = credentials.identity_token.empty()
                                   ? tokenGet(request, credentials)
                                   : refreshGrant(request, credentials);
  http_request.timeout = request.timeout;
  http_request.stop = request.stop;
  http_request.max_body_bytes = kMaxTokenResponseBytes;
  // The realm's own redirects must not carry our credentials elsewhere (http/ drops
  // Authorization across origins).
  auto response = http.send(http_request);
  if (!response) {
    return fail(response.error().withContext(what));
  }
  if (!response->isSuccess()) {
    auto retry_after = response->headers.get("Retry-After").value_or("");
    Error error = registryError(
        {.http_status = response->status, .body = response->body, .retry_after = retry_after},
        SystemClock::instance().wallNow());
    return fail(error.withContext(what));
  }
  auto parsed = parseTokenResponse(response->body);
  if (!parsed) {
    return fail(parsed.error().withContext(what));
  }
  return parsed;
}

}  // namespace copycat::registry::auth
