#include "base/backoff.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace copycat {

std::chrono::milliseconds backoffDelay(const BackoffPolicy& policy, int attempt) {
  double base = static_cast<double>(policy.initial.count()) *
                std::pow(policy.factor, static_cast<double>(std::max(attempt, 0)));
  base = std::min(base, static_cast<double>(policy.max.count()));
  if (policy.jitter > 0) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_real_distribution<double> dist(1.0 - policy.jitter, 1.0 + policy.jitter);
    base *= dist(rng);
  }
  return std::chrono::milliseconds(static_cast<int64_t>(std::max(base, 0.0)));
}

}  // namespace copycat
