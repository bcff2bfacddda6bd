// The push cache (upstream k8s-copycat's "pushed" map, seen through /admin/cache): what copycat
// last pushed to each target reference. A demand whose target, source, demanded digests and
// platforms are covered by an entry is skipped without contacting any registry, until the entry
// is evicted (admin API) or the periodic re-verification finds the target gone or changed.
// Bounded: the least recently used entries are dropped beyond `max_entries`.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "image/platform.h"
#include "image/reference.h"

namespace copycat::controller {

// What a successful push established at one target reference.
struct PushRecord {
  image::Reference target = {};  // the reference pushed (tag, else digest)
  std::string digest = {};       // what the target reference points to
  std::string source_name = {};  // the source without digest ("docker.io/library/nginx:1.25")
  // Digests the demands carried when it was pushed: pinned sources (digestPull) or the pods'
  // reported imageIDs. A demand with another digest is not covered. Sorted, at most
  // kMaxFingerprints.
  std::vector<std::string> fingerprints = {};
  bool all_platforms = true;                    // the whole index was copied
  std::vector<image::Platform> platforms = {};  // else: the platforms kept
  Clock::Wall::time_point last_push = {};
};

// The admin view of one entry (upstream mirror.CacheEntry).
struct CacheEntry {
  std::string target = {};
  std::string digest = {};  // "" while the first push is in flight
  Clock::Wall::time_point last_push = {};
  bool inflight = false;
};

// Thread-safe. Does not own `clock`.
class PushCache {
 public:
  static constexpr size_t kDefaultMaxEntries = 100'000;
  static constexpr size_t kMaxFingerprints = 16;

  explicit PushCache(const Clock& clock, size_t max_entries = kDefaultMaxEntries);

  // The record of `key`, if a push succeeded and the entry was not evicted since. Counts as a
  // use for the LRU order.
  [[nodiscard]] std::optional<PushRecord> lookup(const std::string& key);
  // Marks a push of `key` as started; false when one is already in flight.
  bool beginPush(const std::string& key);
  // Ends the push of `key` without a result (failure or cancellation): clears the flag, and
  // drops the entry when no push of it ever succeeded.
  void abortPush(const std::string& key);
  // Stores the result of a successful push of `key` (clears the in-flight flag); last_push is
  // set from the clock.
  void record(const std::string& key, PushRecord record);

  [[nodiscard]] std::vector<CacheEntry> entries() const;  // sorted by target
  // Each returns the keys it removed, sorted. In-flight pushes keep running; their entries go.
  bool evict(const std::string& key);
  std::vector<std::string> evictPrefix(std::string_view prefix);
  std::vector<std::string> evictAll();
  [[nodiscard]] size_t size() const;

 private:
  struct Slot {
    std::optional<PushRecord> record = {};
    bool inflight = false;
    std::list<std::string>::iterator lru = {};
  };

  Slot& slotLocked(const std::string& key);
  void touchLocked(Slot& slot);
  void trimLocked();
  void eraseLocked(std::unordered_map<std::string, Slot>::iterator it);

  const Clock& clock_;
  const size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Slot> slots_;  // guarded by mu_
  std::list<std::string> lru_;                   // guarded by mu_; most recent first
};

}  // namespace copycat::controller
