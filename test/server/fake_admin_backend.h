// An AdminBackend for tests: an in-memory push cache and cooldown table, and a force-reconcile
// job that holds until the test releases it.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/admin_backend.h"
#include "server/background_task.h"

namespace copycat::server::testing {

// Thread-safe.
class FakeAdminBackend final : public AdminBackend {
 public:
  void putEntry(CacheEntry entry) {
    std::lock_guard lock(mu_);
    cache_[entry.target] = std::move(entry);
  }
  void setCooldown(std::vector<std::string> targets, bool enabled) {
    std::lock_guard lock(mu_);
    cooldown_ = std::move(targets);
    cooldown_enabled_ = enabled;
  }
  void failForceReconcileWith(std::string message) {
    std::lock_guard lock(mu_);
    force_error_ = std::move(message);
  }
  std::vector<EvictSelector> evictions() const {
    std::lock_guard lock(mu_);
    return evictions_;
  }
  std::vector<std::optional<std::string>> cooldownCalls() const {
    std::lock_guard lock(mu_);
    return cooldown_calls_;
  }
  // Lets the running force-reconcile job finish.
  void releaseReconcile() {
    std::lock_guard lock(gate_mu_);
    released_ = true;
    gate_.notify_all();
  }
  bool reconcileRunning() const { return task_.isRunning(); }
  int reconcileRuns() const {
    std::lock_guard lock(gate_mu_);
    return runs_;
  }

  std::vector<CacheEntry> cacheEntries() override {
    std::lock_guard lock(mu_);
    std::vector<CacheEntry> out;
    // Reverse order, so the handler's sorting is what the tests see.
    for (auto it = cache_.rbegin(); it != cache_.rend(); ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  EvictResult evict(const EvictSelector& selector) override {
    std::unique_lock lock(mu_);
    evictions_.push_back(selector);
    std::vector<std::string> removed;
    for (auto it = cache_.begin(); it != cache_.end();) {
      bool match =
          selector.kind == EvictSelector::Kind::kAll ||
          (selector.kind == EvictSelector::Kind::kTarget && it->first == selector.value) ||
          (selector.kind == EvictSelector::Kind::kPrefix && it->first.starts_with(selector.value));
      if (match) {
        removed.insert(removed.begin(), it->first);  // unsorted on purpose
        it = cache_.erase(it);
      } else {
        ++it;
      }
    }
    lock.unlock();
    return {.removed = std::move(removed), .entries = cacheEntries()};
  }

  CooldownResetResult resetCooldown(const std::optional<std::string>& target) override {
    std::lock_guard lock(mu_);
    cooldown_calls_.push_back(target);
    if (!cooldown_enabled_) {
      return {.cleared = 0, .cooldown_enabled = false};
    }
    size_t before = cooldown_.size();
    std::erase_if(cooldown_, [&](const std::string& t) { return !target || t == *target; });
    return {.cleared = static_cast<int>(before - cooldown_.size()), .cooldown_enabled = true};
  }

  Result<ForceReconcileStart> forceReconcile() override {
    {
      std::lock_guard lock(mu_);
      if (force_error_) {
        return fail(ErrorCode::kUnavailable, *force_error_);
      }
    }
    bool started = task_.tryStart([this](std::stop_token token) {
      std::unique_lock lock(gate_mu_);
      ++runs_;
      gate_.wait(lock, token, [&] { return released_; });
      released_ = false;
    });
    return started ? ForceReconcileStart::kStarted : ForceReconcileStart::kAlreadyRunning;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, CacheEntry> cache_;
  std::vector<std::string> cooldown_;
  bool cooldown_enabled_ = true;
  std::optional<std::string> force_error_;
  std::vector<EvictSelector> evictions_;
  std::vector<std::optional<std::string>> cooldown_calls_;

  mutable std::mutex gate_mu_;
  std::condition_variable_any gate_;
  bool released_ = false;
  int runs_ = 0;
  BackgroundTask task_{"fake-force-reconcile"};  // last: stopped before the state it uses
};

}  // namespace copycat::server::testing
