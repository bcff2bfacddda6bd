// Per-item retry delays for the work queue, with client-go's semantics
// (k8s.io/client-go/util/workqueue/default_rate_limiters.go): an exponential per-item failure
// backoff, an overall token bucket, and the maximum of several limiters.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"

namespace copycat::controller {

// Decides how long an item waits before it is retried. Implementations are thread-safe.
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Returns the delay before `item` may be processed again and counts one more failure.
  virtual std::chrono::nanoseconds when(const std::string& item) = 0;
  // Drops what is known about `item` (called after it succeeded or was given up).
  virtual void forget(const std::string& item) = 0;
  // Failures counted for `item` since the last forget().
  [[nodiscard]] virtual int numRequeues(const std::string& item) const = 0;
};

struct ExponentialBackoffOptions {
  std::chrono::nanoseconds base{std::chrono::milliseconds(5)};
  std::chrono::nanoseconds max{std::chrono::seconds(1000)};
  // Each delay is multiplied by a factor in [1 - jitter, 1 + jitter], then capped at max, so that
  // targets failing together do not retry together. 0 gives client-go's exact schedule.
  double jitter = 0.0;
  // Uniform numbers in [0, 1) for the jitter; empty = a thread-local Mersenne twister.
  std::function<double()> uniform = {};
};

// base * 2^failures(item), capped at max (client-go ItemExponentialFailureRateLimiter).
// Thread-safe.
class ItemExponentialFailureRateLimiter final : public RateLimiter {
 public:
  explicit ItemExponentialFailureRateLimiter(ExponentialBackoffOptions options = {});
  std::chrono::nanoseconds when(const std::string& item) override;
  void forget(const std::string& item) override;
  [[nodiscard]] int numRequeues(const std::string& item) const override;

 private:
  [[nodiscard]] double uniform() const;

  const ExponentialBackoffOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int> failures_;  // guarded by mu_
};

// An overall token bucket shared by all items (client-go BucketRateLimiter over
// golang.org/x/time/rate): `burst` tokens, refilled at `qps` per second; a request made when
// the bucket is empty reserves a future token and waits for it. Never counts requeues.
// Thread-safe. Does not own `clock`.
class BucketRateLimiter final : public RateLimiter {
 public:
  BucketRateLimiter(const Clock& clock, double qps, int burst);
  std::chrono::nanoseconds when(const std::string& item) override;
  void forget(const std::string& /*item*/) override {}
  [[nodiscard]] int numRequeues(const std::string& /*item*/) const override { return 0; }

 private:
  const Clock& clock_;
  const double qps_;
  const double burst_;
  std::mutex mu_;
  bool started_ = false;              // guarded by mu_
  double tokens_ = 0;                 // guarded by mu_; negative = reserved future tokens
  Clock::Steady::time_point last_{};  // guarded by mu_
};

// The longest delay of its limiters; forget() reaches all; numRequeues() is the maximum
// (client-go MaxOfRateLimiter). Thread-safe when its limiters are.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);
  std::chrono::nanoseconds when(const std::string& item) override;
  void forget(const std::string& item) override;
  [[nodiscard]] int numRequeues(const std::string& item) const override;

 private:
  std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

struct ControllerRateLimiterOptions {
  ExponentialBackoffOptions backoff = {};
  double qps = 10;  // client-go DefaultControllerRateLimiter: 10 qps,
  int burst = 100;  // burst 100
};

// MaxOf(ItemExponentialFailure(backoff), Bucket(qps, burst)), client-go's
// DefaultControllerRateLimiter with configurable numbers. Does not own `clock`.
std::unique_ptr<RateLimiter> makeControllerRateLimiter(const Clock& clock,
                                                       ControllerRateLimiterOptions options = {});

}  // namespace copycat::controller
