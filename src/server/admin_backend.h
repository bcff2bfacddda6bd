// AdminBackend: what the admin endpoints need from the controller, defined here so the server
// does not depend on it (app/ adapts the controller to this interface).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace copycat::server {

// One entry of the push cache (upstream's mirror.CacheEntry).
struct CacheEntry {
  std::string target{};  // full target reference, "registry/repo:tag" or "registry/repo@digest"
  std::string digest{};  // "" while the first push is in flight
  std::optional<std::chrono::system_clock::time_point> last_push;  // nullopt: never pushed
  bool inflight = false;
};

// Which push-cache entries to evict.
struct EvictSelector {
  enum class Kind { kAll, kTarget, kPrefix };
  Kind kind = Kind::kAll;
  std::string value{};  // the exact target (kTarget) or the target prefix (kPrefix)

  friend bool operator==(const EvictSelector&, const EvictSelector&) = default;
};

// What an eviction removed, and the cache right after it, taken together: evicted targets are
// requeued at once, so a later read could already show them again (in flight).
struct EvictResult {
  std::vector<std::string> removed{};
  std::vector<CacheEntry> entries{};
};

struct CooldownResetResult {
  int cleared = 0;               // cooldown entries removed
  bool cooldown_enabled = true;  // false when failureCooldownMinutes is 0
};

enum class ForceReconcileStart { kStarted, kAlreadyRunning };

// Implementations must be thread-safe: every method is called from HTTP threads, possibly at
// the same time, and must return promptly (forceReconcile starts work, it does not wait for it).
class AdminBackend {
 public:
  virtual ~AdminBackend() = default;

  // A snapshot of the push cache (any order; the handler sorts by target).
  virtual std::vector<CacheEntry> cacheEntries() = 0;
  // Removes the selected entries; returns them and the entries left.
  virtual EvictResult evict(const EvictSelector& selector) = 0;
  // Clears the failure cooldown of one target reference, or of every target when nullopt.
  virtual CooldownResetResult resetCooldown(const std::optional<std::string>& target) = 0;
  // Starts a full reconciliation in the background, one at a time. An error means it could not
  // start (e.g. not the leader, caches not synced).
  virtual Result<ForceReconcileStart> forceReconcile() = 0;
};

}  // namespace copycat::server
