#include "kube/rate_limiter.h"

#include <algorithm>
#include <condition_variable>

namespace copycat::kube {

bool sleepFor(std::chrono::nanoseconds duration, std::stop_token stop) {
  if (stop.stop_requested()) {
    return false;
  }
  if (duration <= std::chrono::nanoseconds::zero()) {
    return true;
  }
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(mu);
  // Returns on timeout or when the stop fires (the predicate never holds).
  cv.wait_for(lock, stop, duration, [] { return false; });
  return !stop.stop_requested();
}

TokenBucket::TokenBucket(double qps, int burst, Clock& clock)
    : qps_(qps),
      burst_(std::max(1, burst)),
      clock_(clock),
      tokens_(std::max(1, burst)),
      last_(clock.now()) {}

std::chrono::nanoseconds TokenBucket::reserve() {
  if (qps_ <= 0) {
    return std::chrono::nanoseconds::zero();
  }
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::Steady::time_point now = clock_.now();
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) {
    return std::chrono::nanoseconds::zero();
  }
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(-tokens_ / qps_));
}

bool TokenBucket::acquire(std::stop_token stop) { return sleepFor(reserve(), std::move(stop)); }

}  // namespace copycat::kube
