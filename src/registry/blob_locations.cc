#include "registry/blob_locations.h"

#include <algorithm>

namespace copycat::registry {

std::string BlobLocations::key(std::string_view registry, std::string_view digest) {
  std::string out(registry);
  out += '@';
  out += digest;
  return out;
}

void BlobLocations::add(std::string_view registry, std::string_view digest, std::string_view repo) {
  std::string k = key(registry, digest);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = repos_.try_emplace(k);
  std::deque<std::string>& repos = it->second;
  repos.erase(std::remove(repos.begin(), repos.end(), repo), repos.end());
  repos.emplace_front(repo);
  if (repos.size() > kMaxReposPerBlob) {
    repos.pop_back();
  }
  if (inserted) {
    order_.push_back(k);
  }
  while (repos_.size() > max_blobs_ && !order_.empty()) {
    repos_.erase(order_.front());
    order_.pop_front();
  }
}

std::vector<std::string> BlobLocations::find(std::string_view registry, std::string_view digest,
                                             std::string_view except) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = repos_.find(key(registry, digest));
  std::vector<std::string> out;
  if (it == repos_.end()) {
    return out;
  }
  for (const auto& repo : it->second) {
    if (repo != except) {
      out.push_back(repo);
    }
  }
  return out;
}

void BlobLocations::forget(std::string_view registry, std::string_view digest,
                           std::string_view repo) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = repos_.find(key(registry, digest));
  if (it != repos_.end()) {
    auto& repos = it->second;
    repos.erase(std::remove(repos.begin(), repos.end(), repo), repos.end());
  }
}

size_t BlobLocations::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return repos_.size();
}

InFlightKeys::Hold::~Hold() {
  if (owner_) {
    owner_->release(key_);
  }
}

InFlightKeys::Hold InFlightKeys::acquire(const std::string& key, std::stop_token stop,
                                         bool* waited) {
  std::unique_lock<std::mutex> lock(mu_);
  bool busy = held_.count(key) > 0;
  if (waited) {
    *waited = busy;
  }
  if (!cv_.wait(lock, stop, [&] { return held_.count(key) == 0; })) {
    return Hold();
  }
  held_.insert(key);
  return Hold(this, key);
}

void InFlightKeys::release(const std::string& key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    held_.erase(key);
  }
  cv_.notify_all();
}

}  // namespace copycat::registry
