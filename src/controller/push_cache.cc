#include "controller/push_cache.h"

#include <algorithm>

namespace copycat::controller {

PushCache::PushCache(const Clock& clock, size_t max_entries)
    : clock_(clock), max_entries_(std::max<size_t>(max_entries, 1)) {}

PushCache::Slot& PushCache::slotLocked(const std::string& key) {
  auto [it, inserted] = slots_.try_emplace(key);
  if (inserted) {
    lru_.push_front(key);
    it->second.lru = lru_.begin();
  } else {
    touchLocked(it->second);
  }
  return it->second;
}

void PushCache::touchLocked(Slot& slot) { lru_.splice(lru_.begin(), lru_, slot.lru); }

void PushCache::eraseLocked(std::unordered_map<std::string, Slot>::iterator it) {
  lru_.erase(it->second.lru);
  slots_.erase(it);
}

void PushCache::trimLocked() {
  // Oldest first; an entry whose push is in flight stays (its worker will update it).
  auto pos = lru_.end();
  while (slots_.size() > max_entries_ && pos != lru_.begin()) {
    --pos;
    auto it = slots_.find(*pos);
    if (it->second.inflight) {
      continue;
    }
    pos = std::next(pos);
    eraseLocked(it);
  }
}

std::optional<PushRecord> PushCache::lookup(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end() || !it->second.record) {
    return std::nullopt;
  }
  touchLocked(it->second);
  return it->second.record;
}

bool PushCache::beginPush(const std::string& key) {
  std::lock_guard lock(mu_);
  Slot& slot = slotLocked(key);
  if (slot.inflight) {
    return false;
  }
  slot.inflight = true;
  trimLocked();
  return true;
}

void PushCache::abortPush(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end()) {
    return;
  }
  it->second.inflight = false;
  if (!it->second.record) {
    eraseLocked(it);
  }
}

void PushCache::record(const std::string& key, PushRecord record) {
  std::sort(record.fingerprints.begin(), record.fingerprints.end());
  record.fingerprints.erase(std::unique(record.fingerprints.begin(), record.fingerprints.end()),
                            record.fingerprints.end());
  if (record.fingerprints.size() > kMaxFingerprints) {
    record.fingerprints.resize(kMaxFingerprints);
  }
  record.last_push = clock_.wallNow();
  std::lock_guard lock(mu_);
  Slot& slot = slotLocked(key);
  slot.record = std::move(record);
  slot.inflight = false;
  trimLocked();
}

std::vector<CacheEntry> PushCache::entries() const {
  std::vector<CacheEntry> out;
  {
    std::lock_guard lock(mu_);
    out.reserve(slots_.size());
    for (const auto& [key, slot] : slots_) {
      CacheEntry entry{.target = key, .inflight = slot.inflight};
      if (slot.record) {
        entry.digest = slot.record->digest;
        entry.last_push = slot.record->last_push;
      }
      out.push_back(std::move(entry));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const CacheEntry& a, const CacheEntry& b) { return a.target < b.target; });
  return out;
}

bool PushCache::evict(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end()) {
    return false;
  }
  eraseLocked(it);
  return true;
}

std::vector<std::string> PushCache::evictPrefix(std::string_view prefix) {
  std::vector<std::string> removed;
  if (prefix.empty()) {
    return removed;  // upstream: an empty prefix evicts nothing
  }
  std::lock_guard lock(mu_);
  for (auto it = slots_.begin(); it != slots_.end();) {
    auto next = std::next(it);
    if (std::string_view(it->first).starts_with(prefix)) {
      removed.push_back(it->first);
      eraseLocked(it);
    }
    it = next;
  }
  std::sort(removed.begin(), removed.end());
  return removed;
}

std::vector<std::string> PushCache::evictAll() {
  std::vector<std::string> removed;
  {
    std::lock_guard lock(mu_);
    removed.reserve(slots_.size());
    for (const auto& [key, slot] : slots_) {
      removed.push_back(key);
    }
    slots_.clear();
    lru_.clear();
  }
  std::sort(removed.begin(), removed.end());
  return removed;
}

size_t PushCache::size() const {
  std::lock_guard lock(mu_);
  return slots_.size();
}

}  // namespace copycat::controller
