#include "controller/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace copycat::controller {

using std::chrono::nanoseconds;

ItemExponentialFailureRateLimiter::ItemExponentialFailureRateLimiter(
    ExponentialBackoffOptions options)
    : options_(std::move(options)) {}

double ItemExponentialFailureRateLimiter::uniform() const {
  if (options_.uniform) {
    return options_.uniform();
  }
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

nanoseconds ItemExponentialFailureRateLimiter::when(const std::string& item) {
  int exp = 0;
  {
    std::lock_guard lock(mu_);
    exp = failures_[item]++;
  }
  const double max = static_cast<double>(options_.max.count());
  double backoff = static_cast<double>(options_.base.count()) * std::pow(2.0, exp);
  // client-go returns maxDelay when the product overflows int64 or exceeds it.
  if (!(backoff < max)) {
    backoff = max;
  }
  if (options_.jitter > 0) {
    backoff *= 1.0 + options_.jitter * (2.0 * uniform() - 1.0);
    backoff = std::clamp(backoff, 0.0, max);
  }
  return nanoseconds(static_cast<int64_t>(backoff));
}

void ItemExponentialFailureRateLimiter::forget(const std::string& item) {
  std::lock_guard lock(mu_);
  failures_.erase(item);
}

int ItemExponentialFailureRateLimiter::numRequeues(const std::string& item) const {
  std::lock_guard lock(mu_);
  auto it = failures_.find(item);
  return it == failures_.end() ? 0 : it->second;
}

BucketRateLimiter::BucketRateLimiter(const Clock& clock, double qps, int burst)
    : clock_(clock), qps_(qps > 0 ? qps : 1e-9), burst_(std::max(burst, 1)) {}

nanoseconds BucketRateLimiter::when(const std::string& /*item*/) {
  const auto now = clock_.now();
  std::lock_guard lock(mu_);
  if (!started_) {
    started_ = true;
    tokens_ = burst_;
    last_ = now;
  }
  // x/time/rate advance(): tokens accrue for the time since the last reservation; a clock that
  // reads earlier than `last` accrues nothing.
  auto elapsed = std::max(now - last_, Clock::Steady::duration::zero());
  tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(elapsed).count() * qps_);
  last_ = std::max(last_, now);
  tokens_ -= 1;
  if (tokens_ >= 0) {
    return nanoseconds(0);
  }
  return std::chrono::duration_cast<nanoseconds>(std::chrono::duration<double>(-tokens_ / qps_));
}

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
    : limiters_(std::move(limiters)) {}

nanoseconds MaxOfRateLimiter::when(const std::string& item) {
  nanoseconds longest{0};
  for (auto& limiter : limiters_) {
    longest = std::max(longest, limiter->when(item));
  }
  return longest;
}

void MaxOfRateLimiter::forget(const std::string& item) {
  for (auto& limiter : limiters_) {
    limiter->forget(item);
  }
}

int MaxOfRateLimiter::numRequeues(const std::string& item) const {
  int most = 0;
  for (const auto& limiter : limiters_) {
    most = std::max(most, limiter->numRequeues(item));
  }
  return most;
}

std::unique_ptr<RateLimiter> makeControllerRateLimiter(const Clock& clock,
                                                       ControllerRateLimiterOptions options) {
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(options.backoff));
  limiters.push_back(std::make_unique<BucketRateLimiter>(clock, options.qps, options.burst));
  return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

}  // namespace copycat::controller
