// Exponential backoff with full jitter, the schedule every retry loop in copycat uses.
#pragma once

#include <chrono>
#include <cstdint>

namespace copycat {

struct BackoffPolicy {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{30'000};
  double factor = 2.0;
  double jitter = 0.2;  // +/- fraction applied to each delay
};

// Returns the delay before retry number `attempt` (0-based): initial * factor^attempt capped at
// max, then jittered by +/- jitter. Thread-safe (uses a thread-local generator).
std::chrono::milliseconds backoffDelay(const BackoffPolicy& policy, int attempt);

}  // namespace copycat
