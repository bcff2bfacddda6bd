// failureCooldownMinutes: a target whose mirror failed waits this long before the next attempt
// (upstream pusher.go beginProcessing/failureResult); 0 disables it. The admin reset follows
// upstream's POST /reset-cooldown (cmd/manager/http_handlers.go).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace copycat::controller {

// The answer of a reset, shaped like upstream's cooldownResetResponse
// {"reset": bool, "clearedTargets": int, "message": string}.
struct CooldownResetResult {
  bool reset = false;  // enabled and at least one entry cleared
  int cleared_targets = 0;
  std::string message = {};  // "failure cooldown disabled" | "no cooldown entries to reset" |
                             // "failure cooldown reset"
  bool enabled = false;
  std::vector<std::string> targets = {};  // the cleared targets, sorted
};

// Thread-safe. Does not own `clock`.
class FailureCooldown {
 public:
  FailureCooldown(const Clock& clock, std::chrono::nanoseconds cooldown);

  [[nodiscard]] bool enabled() const { return cooldown_ > std::chrono::nanoseconds::zero(); }
  [[nodiscard]] std::chrono::nanoseconds cooldown() const { return cooldown_; }

  // Starts (or restarts) the cooldown of `target`; nothing when disabled.
  void recordFailure(const std::string& target);
  // Time left before `target` may be tried again; nullopt when it is not cooling down (an
  // expired entry is dropped).
  [[nodiscard]] std::optional<std::chrono::nanoseconds> remaining(const std::string& target);
  // Clears `target` after a success.
  void clear(const std::string& target);

  // Clears one target, or every target when `target` is nullopt.
  CooldownResetResult reset(const std::optional<std::string>& target = std::nullopt);
  // Targets cooling down now.
  [[nodiscard]] size_t size() const;
  [[nodiscard]] std::vector<std::string> targets() const;

 private:
  void pruneLocked(Clock::Steady::time_point now);

  const Clock& clock_;
  const std::chrono::nanoseconds cooldown_;
  mutable std::mutex mu_;
  std::map<std::string, Clock::Steady::time_point> until_;  // guarded by mu_
};

}  // namespace copycat::controller
