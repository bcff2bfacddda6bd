#include "registry/auth/token_cache.h"

#include <algorithm>

namespace copycat::registry::auth {
namespace {

// Expired entries are swept when the map grows past this many entries.
constexpr size_t kPruneThreshold = 256;

}  // namespace

TokenCache::TokenCache(const Clock& clock, std::chrono::seconds margin)
    : clock_(clock), margin_(margin) {}

std::string TokenCache::key(std::string_view host, std::vector<std::string> scopes) {
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  std::string out(host);
  out += '|';
  for (size_t i = 0; i < scopes.size(); ++i) {
    if (i > 0) {
      out += ' ';
    }
    out += scopes[i];
  }
  return out;
}

std::optional<std::string> TokenCache::get(const std::string& key) const {
  auto now = clock_.now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || now >= it->second.fresh_until) {
    return std::nullopt;
  }
  return it->second.token;
}

void TokenCache::put(const std::string& key, std::string token, std::chrono::seconds expires_in) {
  auto lifetime = expires_in.count() > 0 ? expires_in : kDefaultTokenLifetime;
  auto margin = std::min(margin_, lifetime / 2);
  auto now = clock_.now();
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= kPruneThreshold) {
    pruneExpiredLocked(now);
  }
  entries_[key] = Entry{std::move(token), now + (lifetime - margin)};
}

void TokenCache::invalidate(const std::string& key, std::string_view token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.token == token) {
    entries_.erase(it);
  }
}

size_t TokenCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

void TokenCache::pruneExpiredLocked(Clock::Steady::time_point now) {
  std::erase_if(entries_, [now](const auto& item) { return now >= item.second.fresh_until; });
}

}  // namespace copycat::registry::auth
