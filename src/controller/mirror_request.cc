#include "controller/mirror_request.h"

#include <algorithm>

#include "workload/workload.h"

namespace copycat::controller {
namespace {

// One container of one object demands one image.
std::string demandId(const Demand& d) {
  std::string id = d.object.kind_name;
  for (const std::string* part : {&d.object.namespace_name, &d.object.name, &d.container}) {
    id += '\x1f';
    id += *part;
  }
  return id;
}

bool samePlatform(const image::Platform& a, const image::Platform& b) {
  return image::normalizePlatform(a) == image::normalizePlatform(b);
}

bool sameDemand(const Demand& a, const Demand& b) {
  return a.owner == b.owner && a.source == b.source && a.target.str() == b.target.str() &&
         samePlatform(a.node_platform, b.node_platform) && a.observed_digest == b.observed_digest &&
         a.pinned == b.pinned;
}

template <class T>
void sortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

std::string targetKey(const policy::TargetName& target) {
  if (!target.tag.empty()) {
    return target.name() + ":" + target.tag;
  }
  return target.name() + "@" + target.digest;
}

std::string sourceIdentity(const image::Reference& source) {
  if (source.tag.empty()) {
    return source.str();
  }
  image::Reference unpinned = source;
  unpinned.digest.clear();
  return unpinned.str();
}

DemandStore::Upsert DemandStore::upsert(Demand demand) {
  Upsert result{.key = targetKey(demand.target)};
  const std::string id = demandId(demand);
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it != by_id_.end()) {
    result.changed = !sameDemand(it->second.demand, demand);
    if (it->second.key != result.key) {
      result.previous_key = it->second.key;
      eraseLocked(id);
      it = by_id_.end();
    }
  } else {
    result.changed = true;
  }
  if (it == by_id_.end()) {
    by_id_.emplace(id, Entry{.demand = std::move(demand), .key = result.key, .seq = next_seq_++});
    by_key_[result.key].insert(id);
    return result;
  }
  if (result.changed) {
    it->second.demand = std::move(demand);
    it->second.seq = next_seq_++;
  }
  return result;
}

void DemandStore::eraseLocked(const std::string& id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    return;
  }
  auto key_it = by_key_.find(it->second.key);
  if (key_it != by_key_.end()) {
    key_it->second.erase(id);
    if (key_it->second.empty()) {
      by_key_.erase(key_it);
    }
  }
  by_id_.erase(it);
}

std::optional<std::string> DemandStore::remove(const WorkloadRef& object,
                                               const std::string& container) {
  const std::string id = demandId(Demand{.object = object, .container = container});
  std::lock_guard lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    return std::nullopt;
  }
  std::string key = it->second.key;
  eraseLocked(id);
  return key;
}

std::vector<std::string> DemandStore::removeWorkload(const WorkloadRef& ref) {
  std::vector<std::string> ids;
  std::vector<std::string> keys;
  std::lock_guard lock(mu_);
  for (const auto& [id, entry] : by_id_) {
    if (entry.demand.object == ref || entry.demand.owner == ref) {
      ids.push_back(id);
      keys.push_back(entry.key);
    }
  }
  for (const auto& id : ids) {
    eraseLocked(id);
  }
  sortUnique(keys);
  return keys;
}

std::optional<MirrorRequest> DemandStore::request(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto key_it = by_key_.find(key);
  if (key_it == by_key_.end() || key_it->second.empty()) {
    return std::nullopt;
  }
  MirrorRequest req{.key = key, .demands = key_it->second.size()};
  const Entry* latest = nullptr;
  for (const auto& id : key_it->second) {
    const Entry& entry = by_id_.at(id);
    if (latest == nullptr || entry.seq > latest->seq) {
      latest = &entry;
    }
  }
  req.latest = latest->demand;
  const std::string identity = sourceIdentity(req.latest.source);
  for (const auto& id : key_it->second) {
    const Demand& d = by_id_.at(id).demand;
    if (!d.node_platform.os.empty() && !d.node_platform.architecture.empty()) {
      auto p = image::normalizePlatform(d.node_platform);
      if (std::find(req.node_platforms.begin(), req.node_platforms.end(), p) ==
          req.node_platforms.end()) {
        req.node_platforms.push_back(std::move(p));
      }
    }
    req.owners.push_back(d.owner.empty() ? d.object : d.owner);
    if (sourceIdentity(d.source) != identity) {
      continue;  // an older source mapped to the same target: the latest one wins
    }
    if (d.pinned || (d.source.tag.empty() && !d.source.digest.empty())) {
      if (d.pinned) {
        req.pinned_digests.push_back(d.source.digest);
      }
      req.fingerprints.push_back(d.source.digest);
    } else if (!d.observed_digest.empty()) {
      req.fingerprints.push_back(d.observed_digest);
    }
  }
  sortUnique(req.pinned_digests);
  sortUnique(req.fingerprints);
  sortUnique(req.owners);
  if (req.owners.size() > MirrorRequest::kMaxOwners) {
    req.owners.resize(MirrorRequest::kMaxOwners);
  }
  std::sort(req.node_platforms.begin(), req.node_platforms.end(),
            [](const image::Platform& a, const image::Platform& b) { return a.str() < b.str(); });
  return req;
}

std::vector<std::string> DemandStore::keys() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  out.reserve(by_key_.size());
  for (const auto& [key, ids] : by_key_) {
    out.push_back(key);
  }
  return out;
}

size_t DemandStore::size() const {
  std::lock_guard lock(mu_);
  return by_key_.size();
}

size_t DemandStore::demandCount() const {
  std::lock_guard lock(mu_);
  return by_id_.size();
}

}  // namespace copycat::controller
