// Demands and mirror requests. Every image use the planner sends to a target is a Demand of one
// container of one object; the demands of a target (its queue key) aggregate into the
// MirrorRequest a worker reconciles: the latest source, every pinned or reported digest and
// every node platform demanded. A demand is replaced when its object is observed again and
// removed when the object is deleted, so the request always reflects what runs now.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/observation.h"
#include "image/platform.h"
#include "image/reference.h"
#include "policy/target_naming.h"

namespace copycat::controller {

struct Demand {
  WorkloadRef object = {};  // where the image use was seen (a Pod, a Deployment, ...)
  WorkloadRef owner = {};   // who Events go to: the owning workload, else the object
  std::string container = {};
  image::Reference source = {};  // normalised; pinned to the pod's digest under digestPull
  policy::TargetName target = {};
  image::Platform node_platform = {};  // empty os/arch when unknown
  std::string observed_digest = {};    // the pod's reported imageID digest, "" when none
  bool pinned = false;                 // source.digest came from the pod (digestPull)
};

// The queue key of a target: "registry/repository:tag", or "registry/repository@digest" for a
// digest-only target. Pushes to one key never run concurrently.
std::string targetKey(const policy::TargetName& target);

// The source without a pin: "docker.io/library/nginx:1.25" for "nginx:1.25@sha256:…"; a
// digest-only source keeps its digest.
std::string sourceIdentity(const image::Reference& source);

// Everything demanded of one key now.
struct MirrorRequest {
  std::string key = {};
  Demand latest = {};  // the most recently observed demand: its source and target are used
  // Of the demands with the latest demand's source identity, sorted and distinct:
  std::vector<std::string> pinned_digests = {};      // pinned sources (digestPull)
  std::vector<std::string> fingerprints = {};        // pinned or reported digests
  std::vector<image::Platform> node_platforms = {};  // known node platforms, distinct
  std::vector<WorkloadRef> owners = {};              // distinct, sorted, at most kMaxOwners
  size_t demands = 0;

  static constexpr size_t kMaxOwners = 20;
};

// Thread-safe.
class DemandStore {
 public:
  struct Upsert {
    std::string key = {};
    bool changed = false;           // new, or different from the demand it replaced
    std::string previous_key = {};  // the key the same container demanded before, if another
  };

  Upsert upsert(Demand demand);
  // Removes the demand of one container (its image is no longer mirrored); returns its key.
  std::optional<std::string> remove(const WorkloadRef& object, const std::string& container);
  // Removes every demand whose object or owner is `ref`; returns the keys that lost demands.
  std::vector<std::string> removeWorkload(const WorkloadRef& ref);
  [[nodiscard]] std::optional<MirrorRequest> request(const std::string& key) const;
  [[nodiscard]] std::vector<std::string> keys() const;
  [[nodiscard]] size_t size() const;  // keys with at least one demand
  [[nodiscard]] size_t demandCount() const;

 private:
  struct Entry {
    Demand demand = {};
    std::string key = {};
    uint64_t seq = 0;
  };
  void eraseLocked(const std::string& id);

  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> by_id_;         // guarded by mu_
  std::map<std::string, std::set<std::string>> by_key_;  // guarded by mu_
  uint64_t next_seq_ = 0;                                // guarded by mu_
};

}  // namespace copycat::controller
