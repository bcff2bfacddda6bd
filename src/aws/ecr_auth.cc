#include "aws/ecr_auth.h"

#include <ostream>

#include "aws/credentials.h"
#include "base/log.h"
#include "http/url.h"

namespace copycat::aws {

std::string EcrLogin::describe() const {
  return "registry=" + registry_host + " username=" + username +
         " expires_at=" + formatRfc3339(expires_at);
}

void PrintTo(const EcrLogin& login, std::ostream* out) {
  *out << "EcrLogin{" << login.describe() << "}";
}

Result<EcrLogin> loginFromAuthorization(const EcrAuthorization& authorization) {
  Result<http::Url> url = http::parseUrl(authorization.proxy_endpoint);
  if (!url) {
    return fail(ErrorCode::kProtocol, "ecr GetAuthorizationToken: bad proxyEndpoint '" +
                                          authorization.proxy_endpoint + "'");
  }
  EcrLogin login;
  login.username = authorization.username;
  login.password = authorization.password;
  login.registry_host = url->authority();
  login.scheme = url->scheme;
  login.expires_at = authorization.expires_at;
  return login;
}

EcrTokenCache::EcrTokenCache(const EcrClient& client, const Clock& clock, Options options)
    : client_(client),
      value_("ecr token refresh", clock, options.refresh_before_expiry, [](const EcrLogin& login) {
        return std::optional<std::chrono::system_clock::time_point>(login.expires_at);
      }) {}

Result<EcrLogin> EcrTokenCache::login() {
  return value_.get(
      [this] { return client_.getAuthorizationToken().and_then(loginFromAuthorization); },
      [](const Result<EcrLogin>& fresh, bool served_cached) {
        if (fresh) {
          LOG_DEBUG("aws", "ecr authorization token refreshed", {{"login", fresh->describe()}});
        } else if (served_cached) {
          LOG_WARN("aws", "ecr token refresh failed, using the cached token until it expires",
                   {{"error", fresh.error().describe()}});
        }
      });
}

void EcrTokenCache::invalidate(std::string_view rejected_password) {
  value_.invalidateIf(
      [rejected_password](const EcrLogin& login) { return login.password == rejected_password; });
}

void EcrTokenCache::invalidateAll() { value_.invalidate(); }

}  // namespace copycat::aws
