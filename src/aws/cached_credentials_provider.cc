#include "aws/cached_credentials_provider.h"

#include <exception>

#include "base/log.h"

namespace copycat::aws {

CachedCredentialsProvider::CachedCredentialsProvider(std::unique_ptr<CredentialsProvider> inner,
                                                     const Clock& clock, Options options)
    : inner_(std::move(inner)), clock_(clock), options_(options) {}

Result<Credentials> CachedCredentialsProvider::resolve() {
  std::unique_lock lock(mu_);
  while (true) {
    WallTime now = clock_.wallNow();
    if (cached_ && now < refresh_at_) {
      return *cached_;
    }
    if (!refreshing_) {
      return refresh(lock);
    }
    // Another thread is refreshing: still-valid credentials beat waiting for it.
    if (cached_ && !cached_->isExpired(now)) {
      return *cached_;
    }
    uint64_t generation = generation_;
    refreshed_.wait(lock, [&] { return !refreshing_; });
    if (generation_ != generation && last_error_) {
      return fail(*last_error_);
    }
  }
}

Result<Credentials> CachedCredentialsProvider::refresh(std::unique_lock<std::mutex>& lock) {
  refreshing_ = true;
  lock.unlock();
  Result<Credentials> fresh = fail(ErrorCode::kInternal, "credentials refresh did not run");
  try {
    fresh = inner_->resolve();
  } catch (const std::exception& e) {
    fresh = fail(ErrorCode::kInternal, std::string("credentials provider threw: ") + e.what());
  }
  lock.lock();
  refreshing_ = false;
  ++generation_;
  WallTime now = clock_.wallNow();
  if (fresh) {
    store(*fresh, now);
    last_error_.reset();
  } else {
    last_error_ = fresh.error();
  }
  refreshed_.notify_all();
  if (fresh) {
    LOG_DEBUG("aws", "credentials refreshed",
              {{"provider", inner_->name()}, {"credentials", fresh->describe()}});
    return fresh;
  }
  if (cached_ && !cached_->isExpired(now)) {
    LOG_WARN("aws", "credentials refresh failed, using cached credentials until they expire",
             {{"provider", inner_->name()}, {"error", fresh.error().describe()}});
    return *cached_;
  }
  return fresh;
}

void CachedCredentialsProvider::store(const Credentials& credentials, WallTime now) {
  cached_ = credentials;
  if (!credentials.expiration) {
    refresh_at_ = WallTime::max();
    return;
  }
  WallTime expiration = *credentials.expiration;
  refresh_at_ = expiration - options_.refresh_before_expiry;
  if (refresh_at_ <= now) {
    refresh_at_ = now + (expiration - now) / 2;
  }
}

void CachedCredentialsProvider::invalidate() {
  std::lock_guard lock(mu_);
  cached_.reset();
}

}  // namespace copycat::aws
