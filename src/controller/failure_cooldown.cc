#include "controller/failure_cooldown.h"

#include <algorithm>

namespace copycat::controller {

FailureCooldown::FailureCooldown(const Clock& clock, std::chrono::nanoseconds cooldown)
    : clock_(clock), cooldown_(std::max(cooldown, std::chrono::nanoseconds::zero())) {}

void FailureCooldown::recordFailure(const std::string& target) {
  if (!enabled()) {
    return;
  }
  const auto until = clock_.now() + std::chrono::duration_cast<Clock::Steady::duration>(cooldown_);
  std::lock_guard lock(mu_);
  until_[target] = until;
}

std::optional<std::chrono::nanoseconds> FailureCooldown::remaining(const std::string& target) {
  if (!enabled()) {
    return std::nullopt;
  }
  const auto now = clock_.now();
  std::lock_guard lock(mu_);
  auto it = until_.find(target);
  if (it == until_.end()) {
    return std::nullopt;
  }
  if (it->second <= now) {
    until_.erase(it);
    return std::nullopt;
  }
  return it->second - now;
}

void FailureCooldown::clear(const std::string& target) {
  std::lock_guard lock(mu_);
  until_.erase(target);
}

void FailureCooldown::pruneLocked(Clock::Steady::time_point now) {
  std::erase_if(until_, [&](const auto& entry) { return entry.second <= now; });
}

CooldownResetResult FailureCooldown::reset(const std::optional<std::string>& target) {
  CooldownResetResult result;
  result.enabled = enabled();
  if (!result.enabled) {
    result.message = "failure cooldown disabled";
    return result;
  }
  {
    const auto now = clock_.now();
    std::lock_guard lock(mu_);
    pruneLocked(now);
    if (target) {
      if (until_.erase(*target) > 0) {
        result.targets.push_back(*target);
      }
    } else {
      for (const auto& [name, until] : until_) {
        result.targets.push_back(name);
      }
      until_.clear();
    }
  }
  result.cleared_targets = static_cast<int>(result.targets.size());
  result.reset = result.cleared_targets > 0;
  result.message = result.reset ? "failure cooldown reset" : "no cooldown entries to reset";
  return result;
}

size_t FailureCooldown::size() const {
  const auto now = clock_.now();
  std::lock_guard lock(mu_);
  return static_cast<size_t>(
      std::count_if(until_.begin(), until_.end(), [&](const auto& e) { return e.second > now; }));
}

std::vector<std::string> FailureCooldown::targets() const {
  const auto now = clock_.now();
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, until] : until_) {
    if (until > now) {
      out.push_back(name);
    }
  }
  return out;
}

}  // namespace copycat::controller
