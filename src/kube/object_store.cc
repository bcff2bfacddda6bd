#include "kube/object_store.h"

#include <utility>

#include "workload/change_detection.h"

namespace copycat::kube {
namespace {

// Summaries live as long as their objects: vectors filled by push_back carry spare capacity.
void shrink(workload::WorkloadSummary& summary) {
  summary.images.shrink_to_fit();
  summary.owners.shrink_to_fit();
}

}  // namespace

ObjectStore::ObjectStore(ChangedFn changed)
    : changed_(changed ? std::move(changed) : ChangedFn(workload::imagesChanged)) {}

std::string ObjectStore::keyOf(std::string_view namespace_name, std::string_view name) {
  if (namespace_name.empty()) {
    return std::string(name);
  }
  std::string key;
  key.reserve(namespace_name.size() + 1 + name.size());
  key.append(namespace_name).append(1, '/').append(name);
  return key;
}

ObjectStore::Upserted ObjectStore::upsert(workload::WorkloadSummary object) {
  shrink(object);
  std::string key = keyOf(object.namespace_name, object.name);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = objects_.try_emplace(std::move(key));
  Upserted out;
  Entry& entry = it->second;
  entry.epoch = epoch_;
  if (inserted) {
    entry.summary = std::move(object);
    out.outcome = Outcome::kAdded;
  } else if (entry.summary.uid != object.uid && !object.uid.empty()) {
    out.outcome = Outcome::kReplaced;
    out.previous = std::exchange(entry.summary, std::move(object));
  } else if (changed_(entry.summary, object)) {
    out.outcome = Outcome::kModified;
    out.previous = std::exchange(entry.summary, std::move(object));
  } else {
    out.outcome = Outcome::kUnchanged;
    entry.summary = std::move(object);
  }
  out.current = &entry.summary;
  return out;
}

std::optional<workload::WorkloadSummary> ObjectStore::remove(
    const workload::WorkloadSummary& object) {
  const std::string key = keyOf(object.namespace_name, object.name);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    return std::nullopt;
  }
  std::optional<workload::WorkloadSummary> out(std::move(it->second.summary));
  objects_.erase(it);
  return out;
}

void ObjectStore::beginList() {
  std::lock_guard<std::mutex> lock(mu_);
  ++epoch_;
}

std::vector<workload::WorkloadSummary> ObjectStore::sweep() {
  std::vector<workload::WorkloadSummary> gone;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = objects_.begin(); it != objects_.end();) {
    if (it->second.epoch != epoch_) {
      gone.push_back(std::move(it->second.summary));
      it = objects_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

std::vector<workload::WorkloadSummary> ObjectStore::clear() {
  std::vector<workload::WorkloadSummary> all;
  std::lock_guard<std::mutex> lock(mu_);
  all.reserve(objects_.size());
  for (auto& [key, entry] : objects_) {
    all.push_back(std::move(entry.summary));
  }
  objects_.clear();
  return all;
}

std::optional<workload::WorkloadSummary> ObjectStore::get(std::string_view namespace_name,
                                                          std::string_view name) const {
  const std::string key = keyOf(namespace_name, name);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    return std::nullopt;
  }
  return it->second.summary;
}

size_t ObjectStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return objects_.size();
}

void ObjectStore::forEach(const std::function<void(const workload::WorkloadSummary&)>& fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, entry] : objects_) {
    fn(entry.summary);
  }
}

}  // namespace copycat::kube
