#include "aws/ecr_auth.h"

#include <exception>
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

Result<EcrLogin> EcrTokenCache::login() {
  std::unique_lock lock(mu_);
  while (true) {
    WallTime now = clock_.wallNow();
    if (cached_ && now < refresh_at_) {
      return *cached_;
    }
    if (!refreshing_) {
      return refresh(lock);
    }
    if (cached_ && now < cached_->expires_at) {
      return *cached_;
    }
    uint64_t generation = generation_;
    refreshed_.wait(lock, [&] { return !refreshing_; });
    if (generation_ != generation && last_error_) {
      return fail(*last_error_);
    }
  }
}

Result<EcrLogin> EcrTokenCache::refresh(std::unique_lock<std::mutex>& lock) {
  refreshing_ = true;
  lock.unlock();
  Result<EcrLogin> fresh = fail(ErrorCode::kInternal, "ecr token refresh did not run");
  try {
    fresh = client_.getAuthorizationToken().and_then(loginFromAuthorization);
  } catch (const std::exception& e) {
    fresh = fail(ErrorCode::kInternal, std::string("ecr token refresh threw: ") + e.what());
  }
  lock.lock();
  refreshing_ = false;
  ++generation_;
  WallTime now = clock_.wallNow();
  if (fresh) {
    cached_ = *fresh;
    refresh_at_ = fresh->expires_at - options_.refresh_before_expiry;
    if (refresh_at_ <= now) {
      refresh_at_ = now + (fresh->expires_at - now) / 2;
    }
    last_error_.reset();
  } else {
    last_error_ = fresh.error();
  }
  refreshed_.notify_all();
  if (fresh) {
    LOG_DEBUG("aws", "ecr authorization token refreshed", {{"login", fresh->describe()}});
    return fresh;
  }
  if (cached_ && now < cached_->expires_at) {
    LOG_WARN("aws", "ecr token refresh failed, using the cached token until it expires",
             {{"error", fresh.error().describe()}});
    return *cached_;
  }
  return fresh;
}

void EcrTokenCache::invalidate(std::string_view rejected_password) {
  std::lock_guard lock(mu_);
  if (cached_ && cached_->password == rejected_password) {
    cached_.reset();
  }
}

void EcrTokenCache::invalidateAll() {
  std::lock_guard lock(mu_);
  cached_.reset();
}

}  // namespace copycat::aws
