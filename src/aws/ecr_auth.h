// Registry login for ECR: an authorization token from GetAuthorizationToken, cached for its
// lifetime (12 h) and shared by every push, as basic credentials "AWS:<password>".
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>

#include "aws/ecr_client.h"
#include "base/clock.h"
#include "base/refreshing_value.h"

namespace copycat::aws {

// Basic credentials for an ECR registry. `password` is a secret: describe() and PrintTo()
// leave it out.
struct EcrLogin {
  std::string username{};  // "AWS"
  std::string password{};  // the token
  // From proxyEndpoint: "123456789012.dkr.ecr.eu-west-1.amazonaws.com" and "https".
  std::string registry_host{};
  std::string scheme{};
  std::chrono::system_clock::time_point expires_at{};

  [[nodiscard]] std::string describe() const;
};
void PrintTo(const EcrLogin& login, std::ostream* out);

// Fetches a token once and serves it until `refresh_before_expiry` before its expiresAt (half of
// the remaining lifetime when tokens are shorter than that), so one GetAuthorizationToken
// covers a token's whole lifetime.
//
// Thread-safe, single-flight: one fetch at a time and no lock held during it; concurrent callers
// get the still-valid token or wait for the fetch and share its result. A failed refresh while
// the old token is still valid returns the old token (and logs a warning).
// Does not own `client` or `clock`.
class EcrTokenCache {
 public:
  struct Options {
    std::chrono::seconds refresh_before_expiry{15 * 60};
  };

  EcrTokenCache(const EcrClient& client, const Clock& clock, Options options);
  EcrTokenCache(const EcrClient& client, const Clock& clock)
      : EcrTokenCache(client, clock, Options{}) {}

  [[nodiscard]] Result<EcrLogin> login();

  // Drops the cached token when it is `rejected_password` (a registry answered 401 to it), so
  // the next login() fetches a new one; a token already replaced by another thread is kept.
  void invalidate(std::string_view rejected_password);
  // Drops whatever is cached.
  void invalidateAll();

 private:
  const EcrClient& client_;
  RefreshingValue<EcrLogin> value_;
};

// Builds a login from an authorization (registry host and scheme from proxyEndpoint).
[[nodiscard]] Result<EcrLogin> loginFromAuthorization(const EcrAuthorization& authorization);

}  // namespace copycat::aws
