// Discovery: turns reflector events into image demands, the one implementation behind the
// controller and `copycat plan` against a live cluster.
//  - Watched workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob) demand their pod
//    template's images.
//  - Pods count only while Pending or Running. A pod whose controller is a WATCHED workload
//    (Pod → ReplicaSet → Deployment, Pod → Job → CronJob, Pod → StatefulSet/DaemonSet/Job) is
//    attributed to it: its demands name the workload, so a rollout of N replicas does not
//    demand the same image N times, yet each pod still contributes its imageID (digestPull)
//    and its node's platform. Stand-alone pods and pods of unwatched owner kinds are demanded
//    as Pods.
//  - policy::WorkloadFilter decides: namespaces, skip lists (a pod owned by a skipped
//    workload is skipped), watched kinds.
//  - Identical demands for the same workload are sent once; a deleted workload (or
//    stand-alone pod) that produced demands is forgotten.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "image/platform.h"
#include "kube/reflector.h"
#include "policy/workload_filter.h"
#include "workload/image_uses.h"
#include "workload/workload.h"

namespace copycat::kube {

// The workload a demand is attributed to. A value type.
struct WorkloadRef {
  workload::Kind kind = workload::Kind::kOther;
  std::string namespace_name;
  std::string name;

  [[nodiscard]] std::string str() const;  // "Deployment/ns/name"
  friend bool operator==(const WorkloadRef&, const WorkloadRef&) = default;
};

// One image a workload needs. A value type.
struct ImageDemand {
  // Attributed to the owning workload: use.kind/kind_name/namespace_name/name name it (the
  // Deployment for a ReplicaSet's pod). use.image_id is the origin pod's status imageID ("" for
  // a template or a container that has not started).
  workload::ImageUse use;
  std::optional<image::Platform> platform;  // the origin pod's node platform, when known
  std::string origin_pod;                   // the pod the demand came from; "" for a template

  [[nodiscard]] WorkloadRef owner() const;
  [[nodiscard]] const std::string& imageId() const { return use.image_id; }
  friend bool operator==(const ImageDemand&, const ImageDemand&) = default;
};

// Where demands go. Called without Discovery's lock held, from reflector threads:
// implementations must be thread-safe.
class DemandSink {
 public:
  virtual ~DemandSink() = default;
  virtual void onDemand(const ImageDemand& demand) = 0;
  // The workload (or stand-alone pod) was deleted: its demands no longer hold.
  virtual void onForget(const WorkloadRef& ref) = 0;
  // The initial LIST of a watched kind has been turned into demands (readiness). Once per kind.
  virtual void onSynced(workload::Kind kind) = 0;
  // An added or changed object's `image_uses` were left out by the namespace / name filters
  // (`reason`: policy::filterDecisionName, or "owner_skipped" for a pod whose owner was).
  virtual void onSkipped(std::string_view /*reason*/, size_t /*image_uses*/) {}
};

struct DiscoveryStats {
  uint64_t demands = 0;     // sent to the sink
  uint64_t duplicates = 0;  // identical demands suppressed
  uint64_t forgets = 0;
  uint64_t attributed_pods = 0;  // pod events attributed to a workload
  uint64_t skipped = 0;          // objects the filter rejected (namespace, skip list, owner)
  uint64_t inactive_pods = 0;    // pod events ignored because not Pending/Running
  uint64_t parked_pods = 0;      // pods waiting for their owner to be seen (now)
};

// Thread-safe: reflectors of different kinds call it concurrently. Does not own `filter` or
// `sink`; both must outlive it.
class Discovery final : public EventHandler {
 public:
  struct Options {
    // Demand keys remembered per workload; past this the memory is reset (bounds workloads
    // whose images change on every rollout).
    size_t max_keys_per_workload = 256;
  };

  Discovery(const policy::WorkloadFilter& filter, DemandSink& sink, Options options);
  Discovery(const policy::WorkloadFilter& filter, DemandSink& sink)
      : Discovery(filter, sink, Options{}) {}

  void onEvent(EventType type, const workload::WorkloadSummary& object,
               const workload::WorkloadSummary* previous) override;
  void onSynced(workload::Kind kind) override;

  [[nodiscard]] DiscoveryStats stats() const;

 private:
  struct OwnerInfo {  // a ReplicaSet or Job: who controls it
    std::string controller_kind;
    std::string controller_name;
  };
  enum class Resolution { kSelf, kOwner, kSkip, kPark };
  struct Resolved {
    Resolution resolution = Resolution::kSelf;
    WorkloadRef owner;
    std::string owner_uid;  // kPark: the owner being waited for
  };
  struct Emitted {
    std::vector<uint64_t> keys;  // hashes of the demands sent
  };
  struct Parked {  // a pod whose owner has not been seen yet (watch streams lag each other)
    workload::WorkloadSummary pod;
    std::string owner_uid;
    workload::Kind owner_kind = workload::Kind::kOther;
  };
  // What one event produces, delivered after the state lock is released.
  struct Batch {
    std::vector<ImageDemand> demands;
    std::vector<WorkloadRef> forgets;
    std::vector<workload::Kind> syncs;
    std::vector<std::pair<std::string_view, size_t>> skips;  // reason, image uses
  };

  void onWorkload(EventType type, const workload::WorkloadSummary& object, Batch& out);
  void onPod(EventType type, const workload::WorkloadSummary& pod, Batch& out);
  void forget(const WorkloadRef& ref, Batch& out);
  void deliver(std::unique_lock<std::mutex> state_lock, const Batch& batch);
  void onOwnerIndex(EventType type, const workload::WorkloadSummary& object, Batch& out);
  void onNode(EventType type, const workload::WorkloadSummary& node);
  Resolved resolve(const workload::WorkloadSummary& pod, bool allow_park) const;
  Resolved resolveReplicaSet(const workload::WorkloadSummary& pod, const workload::OwnerRef& rs,
                             bool allow_park) const;
  Resolved resolveJob(const workload::WorkloadSummary& pod, const workload::OwnerRef& job,
                      bool allow_park) const;
  void emitPod(const workload::WorkloadSummary& pod, bool allow_park, Batch& out);
  void emitUses(const WorkloadRef& ref, const workload::WorkloadSummary& source,
                const std::optional<image::Platform>& platform, std::string_view origin_pod,
                Batch& out);
  void unparkFor(const std::string& owner_uid, Batch& out);
  void flushParked(workload::Kind owner_kind, Batch& out);

  const policy::WorkloadFilter& filter_;
  DemandSink& sink_;
  const Options options_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, OwnerInfo> owners_;       // uid → controller; guarded
  std::unordered_map<std::string, image::Platform> nodes_;  // node name → platform
  std::unordered_map<std::string, Emitted> emitted_;        // WorkloadRef::str() → keys
  std::map<std::string, Parked> parked_;                    // pod key → pod
  std::set<workload::Kind> synced_;
  DiscoveryStats stats_;
  // Held while a batch is delivered, taken before mu_ is released: the sink sees batches in
  // the order they were computed. The sink must not call onEvent()/onSynced() back.
  std::mutex send_mu_;
};

}  // namespace copycat::kube
