// Process-wide knowledge the copy engine shares between copies: which repositories of a
// registry hold a blob (for cross-repository mounts) and which blobs are being copied right
// now (so the same blob is never transferred to a registry twice at once).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace copycat::registry {

// Thread-safe. Bounded: at most kMaxReposPerBlob repositories per blob and `max_blobs` blobs
// (the oldest entries go first).
class BlobLocations {
 public:
  static constexpr size_t kMaxReposPerBlob = 4;

  explicit BlobLocations(size_t max_blobs = 100'000) : max_blobs_(max_blobs) {}

  // Records that `repo` on `registry` holds `digest`.
  void add(std::string_view registry, std::string_view digest, std::string_view repo);
  // Repositories of `registry` known to hold `digest`, most recent first, without `except`.
  [[nodiscard]] std::vector<std::string> find(std::string_view registry, std::string_view digest,
                                              std::string_view except = {}) const;
  // Drops one location (a mount from it failed).
  void forget(std::string_view registry, std::string_view digest, std::string_view repo);
  [[nodiscard]] size_t size() const;

 private:
  static std::string key(std::string_view registry, std::string_view digest);

  const size_t max_blobs_;
  mutable std::mutex mu_;
  std::map<std::string, std::deque<std::string>> repos_;  // guarded by mu_; newest first
  std::deque<std::string> order_;                         // guarded by mu_; insertion order
};

// Thread-safe single-flight keys: acquire() blocks while another thread holds the key.
class InFlightKeys {
 public:
  // Releases the key on destruction. Movable.
  class Hold {
   public:
    Hold() = default;
    Hold(InFlightKeys* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
    Hold(Hold&& other) noexcept : owner_(other.owner_), key_(std::move(other.key_)) {
      other.owner_ = nullptr;
    }
    Hold& operator=(Hold&&) = delete;
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold();
    [[nodiscard]] bool held() const { return owner_ != nullptr; }

   private:
    InFlightKeys* owner_ = nullptr;
    std::string key_;
  };

  // Blocks until `key` is free, then holds it. Returns an empty Hold when `stop` fired. Sets
  // *waited when another holder had to finish first.
  [[nodiscard]] Hold acquire(const std::string& key, std::stop_token stop, bool* waited = nullptr);

 private:
  void release(const std::string& key);

  std::mutex mu_;
  std::condition_variable_any cv_;
  std::set<std::string> held_;  // guarded by mu_
};

}  // namespace copycat::registry
