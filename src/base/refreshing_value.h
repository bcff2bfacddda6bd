// A value fetched from a slow source (credentials, registry tokens) and served until shortly
// before it expires, with at most one fetch in flight.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/result.h"

namespace copycat {

// Thread-safe, single-flight: get() returns the cached value until `refresh_before_expiry`
// before its expiry (never refreshed when it has none), then fetches again with no lock held.
// While a fetch runs, other callers get the cached value if it has not expired, and otherwise
// wait and share the fetch's result (value or error). A failed fetch while the cached value is
// still valid returns that value; `failed_but_cached` then tells the caller to log it. A value
// that arrives with less lifetime than the window is refreshed halfway through what is left, so
// a short-lived source is not asked on every get(). Does not own `clock`.
template <class T>
class RefreshingValue {
 public:
  using WallTime = Clock::Wall::time_point;
  using Fetch = std::function<Result<T>()>;
  using Expiry = std::function<std::optional<WallTime>(const T&)>;

  // `source` names the fetch in errors ("<source> threw: ...").
  RefreshingValue(std::string source, const Clock& clock,
                  std::chrono::seconds refresh_before_expiry, Expiry expiry)
      : source_(std::move(source)),
        clock_(clock),
        refresh_before_expiry_(refresh_before_expiry),
        expiry_(std::move(expiry)) {}

  // `fetched` (optional) is called with the fresh value or the error of a fetch this call ran,
  // and whether the cached value is served instead of that error; for logging.
  Result<T> get(const Fetch& fetch,
                const std::function<void(const Result<T>&, bool served_cached)>& fetched = {}) {
    std::unique_lock lock(mu_);
    while (true) {
      WallTime now = clock_.wallNow();
      if (cached_ && now < refresh_at_) {
        return *cached_;
      }
      if (!refreshing_) {
        return refresh(lock, fetch, fetched);
      }
      if (cached_ && validAt(*cached_, now)) {
        return *cached_;  // still-valid beats waiting for the running fetch
      }
      uint64_t generation = generation_;
      refreshed_.wait(lock, [&] { return !refreshing_; });
      if (generation_ != generation && last_error_) {
        return fail(*last_error_);
      }
    }
  }

  // Drops the cached value when `pred` holds for it (e.g. it is the token a server rejected;
  // one another thread already replaced is kept).
  void invalidateIf(const std::function<bool(const T&)>& pred) {
    std::lock_guard lock(mu_);
    if (cached_ && pred(*cached_)) {
      cached_.reset();
    }
  }
  void invalidate() {
    invalidateIf([](const T&) { return true; });
  }

 private:
  bool validAt(const T& value, WallTime now) const {
    auto expires = expiry_(value);
    return !expires || now < *expires;
  }

  Result<T> refresh(std::unique_lock<std::mutex>& lock, const Fetch& fetch,
                    const std::function<void(const Result<T>&, bool)>& fetched) {
    refreshing_ = true;
    lock.unlock();
    Result<T> fresh = fail(ErrorCode::kInternal, source_ + " did not run");
    try {
      fresh = fetch();
    } catch (const std::exception& e) {
      fresh = fail(ErrorCode::kInternal, source_ + " threw: " + e.what());
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
    bool serve_cached = !fresh && cached_ && validAt(*cached_, now);
    if (fetched) {
      fetched(fresh, serve_cached);
    }
    if (serve_cached) {
      return *cached_;
    }
    return fresh;
  }

  void store(const T& value, WallTime now) {
    cached_ = value;
    auto expires = expiry_(value);
    if (!expires) {
      refresh_at_ = WallTime::max();
      return;
    }
    refresh_at_ = *expires - refresh_before_expiry_;
    if (refresh_at_ <= now) {
      refresh_at_ = now + (*expires - now) / 2;
    }
  }

  const std::string source_;
  const Clock& clock_;
  const std::chrono::seconds refresh_before_expiry_;
  const Expiry expiry_;

  std::mutex mu_;
  std::condition_variable refreshed_;
  // Guarded by mu_.
  std::optional<T> cached_;
  WallTime refresh_at_{};            // cached_ is served without a fetch before this time
  bool refreshing_ = false;          // a thread is inside fetch()
  uint64_t generation_ = 0;          // incremented when a fetch ends
  std::optional<Error> last_error_;  // the error of the last fetch, if it failed
};

}  // namespace copycat
