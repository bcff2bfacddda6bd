// When and how long registry requests are retried: connection errors, 408, 429 and 5xx, with
// exponential backoff and jitter (base/backoff.h), honouring Retry-After (RFC 9110 §10.2.3).
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>

#include "base/backoff.h"
#include "base/error.h"

namespace copycat::registry {

// Waits `delay` unless `stop` is requested first; returns false when cancelled.
using Sleeper = std::function<bool(std::chrono::milliseconds delay, std::stop_token stop)>;

// A Sleeper on a condition variable woken by the stop token.
[[nodiscard]] Sleeper realSleeper();

// A value type.
struct RetryPolicy {
  int attempts = 3;  // total tries per request (registryRetryAttempts); < 1 counts as 1
  BackoffPolicy backoff{.initial = std::chrono::milliseconds(1000),
                        .max = std::chrono::milliseconds(30'000),
                        .factor = 2.0,
                        .jitter = 0.2};
  // Longest Retry-After honoured; a registry asking for longer makes the request fail.
  std::chrono::seconds max_retry_after{60};
  Sleeper sleeper{};  // null = realSleeper()
};

// True for statuses worth retrying: 408, 429 and 5xx except 501 (not implemented) and 505.
[[nodiscard]] bool isRetryableStatus(int status);

// True for transport errors worth retrying (kUnavailable, kDeadlineExceeded, kRateLimited).
[[nodiscard]] bool isRetryableError(const Error& error);

// The delay before retry number `retry` (0-based): the backoff delay, raised to
// `retry_after_seconds` when that is larger (negative = none).
[[nodiscard]] std::chrono::milliseconds retryDelay(const RetryPolicy& policy, int retry,
                                                   double retry_after_seconds);

// Sleeps with the policy's sleeper; false when cancelled.
[[nodiscard]] bool sleepFor(const RetryPolicy& policy, std::chrono::milliseconds delay,
                            std::stop_token stop);

}  // namespace copycat::registry
