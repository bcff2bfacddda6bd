#include "registry/retry_policy.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace copycat::registry {

Sleeper realSleeper() {
  return [](std::chrono::milliseconds delay, std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock<std::mutex> lock(mu);
    // wait_for with a stop token returns the predicate: true only when stop was requested.
    return !cv.wait_for(lock, stop, delay, [] { return false; });
  };
}

bool isRetryableStatus(int status) {
  return status == 408 || status == 429 ||
         (status >= 500 && status <= 599 && status != 501 && status != 505);
}

bool isRetryableError(const Error& error) {
  switch (error.code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
    case ErrorCode::kRateLimited:
      return true;
    default:
      return false;
  }
}

std::chrono::milliseconds retryDelay(const RetryPolicy& policy, int retry,
                                     double retry_after_seconds) {
  std::chrono::milliseconds delay = backoffDelay(policy.backoff, retry);
  if (retry_after_seconds >= 0) {
    auto asked = std::chrono::milliseconds(static_cast<int64_t>(retry_after_seconds * 1000.0));
    delay = std::max(delay, asked);
  }
  return delay;
}

bool sleepFor(const RetryPolicy& policy, std::chrono::milliseconds delay, std::stop_token stop) {
  if (stop.stop_requested()) {
    return false;
  }
  if (delay.count() <= 0) {
    return true;
  }
  return policy.sleeper ? policy.sleeper(delay, stop) : realSleeper()(delay, stop);
}

}  // namespace copycat::registry
