// Client-side request rate limit (client-go flowcontrol token bucket; controller-runtime's
// defaults are QPS 20, burst 30) and a sleep that ends early on cancellation.
#pragma once

#include <chrono>
#include <mutex>
#include <stop_token>

#include "base/clock.h"

namespace copycat::kube {

// Sleeps for `duration` or until `stop` fires; returns false when it was stopped. Uses the real
// clock: waiting is the one thing a Clock cannot fake.
bool sleepFor(std::chrono::nanoseconds duration, std::stop_token stop);

// A token bucket refilled at `qps` tokens per second up to `burst`. Reservations may take the
// balance below zero, so waiting callers are served in order. qps <= 0 disables the limit.
// Thread-safe. Does not own `clock`, which must outlive it.
class TokenBucket {
 public:
  TokenBucket(double qps, int burst, Clock& clock);

  // Takes one token and returns how long to wait before using it (zero when one was ready).
  [[nodiscard]] std::chrono::nanoseconds reserve();
  // reserve() then sleepFor(); false when `stop` fired while waiting.
  bool acquire(std::stop_token stop);

 private:
  const double qps_;
  const double burst_;
  Clock& clock_;
  std::mutex mu_;
  double tokens_;                   // guarded by mu_
  Clock::Steady::time_point last_;  // guarded by mu_
};

}  // namespace copycat::kube
