// Per-operation context passed down the registry stack: cancellation and request accounting.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>

namespace copycat::registry {

// Counts the requests one operation (a copy) makes. Thread-safe: the copy engine's workers
// share one instance.
class RequestStats {
 public:
  void addRegistryRequest(const std::string& host) {
    std::lock_guard<std::mutex> lock(mu_);
    ++per_registry_[host];
  }
  void addTokenRequest() {
    std::lock_guard<std::mutex> lock(mu_);
    ++token_requests_;
  }
  // Registry API requests per registry host (token requests excluded).
  [[nodiscard]] std::map<std::string, int64_t> perRegistry() const {
    std::lock_guard<std::mutex> lock(mu_);
    return per_registry_;
  }
  [[nodiscard]] int64_t registryRequests(const std::string& host) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = per_registry_.find(host);
    return it == per_registry_.end() ? 0 : it->second;
  }
  [[nodiscard]] int64_t tokenRequests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return token_requests_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, int64_t> per_registry_;  // guarded by mu_
  int64_t token_requests_ = 0;                   // guarded by mu_
};

// A value; `stats` (optional, not owned) must outlive every call it is passed to.
struct CallContext {
  std::stop_token stop{};
  RequestStats* stats = nullptr;
  // Ask for push access even for reads, so one token covers every request of a copy to this
  // repository (the copy engine sets it for the target unless dry-running).
  bool push = false;
};

}  // namespace copycat::registry
