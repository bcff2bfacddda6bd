// Bearer tokens of the distribution token flow, cached per (registry host, sorted scopes) until
// `expires_in` minus a safety margin (distribution "Token Authentication Specification",
// "Token Response Fields": expires_in defaults to 60 seconds).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace copycat::registry::auth {

// Token lifetime assumed when the token server sends no (or a non-positive) expires_in.
inline constexpr std::chrono::seconds kDefaultTokenLifetime{60};

// Thread-safe. Does not own `clock`, which must outlive the cache. Never logs tokens.
class TokenCache {
 public:
  // A token is dropped `margin` before it expires (at most half its lifetime), so a request
  // never leaves with a token that expires on the way.
  explicit TokenCache(const Clock& clock, std::chrono::seconds margin = std::chrono::seconds(10));

  // The cache key: "host|scope1 scope2" with the scopes sorted and de-duplicated, so the same
  // set of scopes in any order shares one token.
  [[nodiscard]] static std::string key(std::string_view host, std::vector<std::string> scopes);

  // Returns the token for `key` while it is fresh, else nullopt.
  [[nodiscard]] std::optional<std::string> get(const std::string& key) const;
  // Stores `token` for `expires_in` (kDefaultTokenLifetime when <= 0).
  void put(const std::string& key, std::string token, std::chrono::seconds expires_in);
  // Drops the entry for `key` when it still holds `token` (a registry rejected it); a newer
  // token stored meanwhile by another thread is kept.
  void invalidate(const std::string& key, std::string_view token);

  [[nodiscard]] size_t size() const;

 private:
  struct Entry {
    std::string token;
    Clock::Steady::time_point fresh_until;
  };
  void pruneExpiredLocked(Clock::Steady::time_point now);

  const Clock& clock_;
  const std::chrono::seconds margin_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace copycat::registry::auth
