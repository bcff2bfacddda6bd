#include "kube/discovery.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "workload/change_detection.h"

namespace copycat::kube {

using workload::Kind;
using workload::OwnerRef;
using workload::WorkloadSummary;

std::string WorkloadRef::str() const {
  return std::string(workload::kindName(kind)) + "/" + namespace_name + "/" + name;
}

WorkloadRef ImageDemand::owner() const { return {use.kind, use.namespace_name, use.name}; }

namespace {

const OwnerRef* controllerOf(const WorkloadSummary& object) {
  for (const auto& owner : object.owners) {
    if (owner.controller) {
      return &owner;
    }
  }
  return nullptr;
}

// What makes two demands of one workload identical (the origin pod does not).
uint64_t demandKey(const workload::ImageUse& use, const std::optional<image::Platform>& platform) {
  std::string text;
  text.reserve(use.container.size() + use.image.size() + use.image_id.size() + 32);
  text.append(use.container).append(1, '\0');
  text.append(workload::containerTypeName(use.container_type)).append(1, '\0');
  text.append(use.image).append(1, '\0').append(use.image_id).append(1, '\0');
  if (platform) {
    text.append(platform->str());
  }
  return std::hash<std::string>{}(text);
}

}  // namespace

Discovery::Discovery(const policy::WorkloadFilter& filter, DemandSink& sink, Options options)
    : filter_(filter), sink_(sink), options_(options) {}

void Discovery::onEvent(EventType type, const WorkloadSummary& object,
                        const WorkloadSummary* /*previous*/) {
  Batch batch;
  std::unique_lock<std::mutex> lock(mu_);
  switch (object.kind) {
    case Kind::kPod:
      onPod(type, object, batch);
      break;
    case Kind::kReplicaSet:
      onOwnerIndex(type, object, batch);
      break;
    case Kind::kJob:
      onOwnerIndex(type, object, batch);
      onWorkload(type, object, batch);
      break;
    case Kind::kNode:
      onNode(type, object);
      break;
    case Kind::kDeployment:
    case Kind::kStatefulSet:
    case Kind::kDaemonSet:
    case Kind::kCronJob:
      onWorkload(type, object, batch);
      break;
    case Kind::kOther:
      break;
  }
  deliver(std::move(lock), batch);
}

void Discovery::onSynced(Kind kind) {
  Batch batch;
  std::unique_lock<std::mutex> lock(mu_);
  const bool first = synced_.insert(kind).second;
  if (kind == Kind::kReplicaSet || kind == Kind::kJob) {
    // A complete list of owners: a pod still waiting names an owner that does not exist.
    flushParked(kind, batch);
  }
  if (first && filter_.isWatched(kind)) {
    batch.syncs.push_back(kind);
  }
  deliver(std::move(lock), batch);
}

void Discovery::deliver(std::unique_lock<std::mutex> state_lock, const Batch& batch) {
  if (batch.demands.empty() && batch.forgets.empty() && batch.syncs.empty() &&
      batch.skips.empty()) {
    return;
  }
  std::lock_guard<std::mutex> send_lock(send_mu_);
  state_lock.unlock();
  for (const auto& demand : batch.demands) {
    sink_.onDemand(demand);
  }
  for (const auto& ref : batch.forgets) {
    sink_.onForget(ref);
  }
  for (Kind kind : batch.syncs) {
    sink_.onSynced(kind);
  }
  for (const auto& [reason, uses] : batch.skips) {
    sink_.onSkipped(reason, uses);
  }
}

void Discovery::forget(const WorkloadRef& ref, Batch& out) {
  if (emitted_.erase(ref.str()) != 0) {
    ++stats_.forgets;
    out.forgets.push_back(ref);
  }
}

void Discovery::onWorkload(EventType type, const WorkloadSummary& object, Batch& out) {
  if (!filter_.isWatched(object.kind)) {
    return;
  }
  const WorkloadRef ref{object.kind, object.namespace_name, object.name};
  if (type == EventType::kDeleted) {
    forget(ref, out);
    return;
  }
  auto decision = filter_.evaluate(object.kind, object.namespace_name, object.name);
  if (decision != policy::FilterDecision::kAllowed) {
    ++stats_.skipped;
    out.skips.emplace_back(policy::filterDecisionName(decision), object.images.size());
    return;
  }
  emitUses(ref, object, std::nullopt, "", out);
}

void Discovery::onPod(EventType type, const WorkloadSummary& pod, Batch& out) {
  const std::string key = pod.namespace_name + "/" + pod.name;
  parked_.erase(key);  // re-parked below when its owner is still unknown
  if (type == EventType::kDeleted) {
    // Attributed pods leave their workload's demands alone; a stand-alone pod is forgotten.
    forget(WorkloadRef{Kind::kPod, pod.namespace_name, pod.name}, out);
    return;
  }
  if (!workload::isActivePhase(pod.phase)) {
    ++stats_.inactive_pods;
    return;
  }
  auto decision = filter_.evaluate(Kind::kPod, pod.namespace_name, pod.name);
  if (decision != policy::FilterDecision::kAllowed) {
    ++stats_.skipped;
    out.skips.emplace_back(policy::filterDecisionName(decision), pod.images.size());
    return;
  }
  emitPod(pod, /*allow_park=*/true, out);
}

void Discovery::emitPod(const WorkloadSummary& pod, bool allow_park, Batch& out) {
  const Resolved resolved = resolve(pod, allow_park);
  WorkloadRef ref{Kind::kPod, pod.namespace_name, pod.name};
  switch (resolved.resolution) {
    case Resolution::kSkip:
      ++stats_.skipped;
      out.skips.emplace_back("owner_skipped", pod.images.size());
      return;
    case Resolution::kPark: {
      const Kind owner_kind = resolved.owner.kind;
      parked_[pod.namespace_name + "/" + pod.name] = Parked{pod, resolved.owner_uid, owner_kind};
      return;
    }
    case Resolution::kOwner:
      ++stats_.attributed_pods;
      ref = resolved.owner;
      break;
    case Resolution::kSelf:
      break;
  }
  std::optional<image::Platform> platform;
  if (auto node = nodes_.find(pod.node_name); !pod.node_name.empty() && node != nodes_.end()) {
    platform = node->second;
  }
  emitUses(ref, pod, platform, pod.name, out);
}

void Discovery::emitUses(const WorkloadRef& ref, const WorkloadSummary& source,
                         const std::optional<image::Platform>& platform,
                         std::string_view origin_pod, Batch& out) {
  Emitted& emitted = emitted_[ref.str()];
  for (workload::ImageUse& use : workload::imageUses(source)) {
    use.kind = ref.kind;
    use.kind_name = std::string(workload::kindName(ref.kind));
    use.namespace_name = ref.namespace_name;
    use.name = ref.name;
    const uint64_t key = demandKey(use, platform);
    if (std::find(emitted.keys.begin(), emitted.keys.end(), key) != emitted.keys.end()) {
      ++stats_.duplicates;
      continue;
    }
    if (emitted.keys.size() >= options_.max_keys_per_workload) {
      emitted.keys.clear();
    }
    emitted.keys.push_back(key);
    ++stats_.demands;
    out.demands.push_back(ImageDemand{std::move(use), platform, std::string(origin_pod)});
  }
}

Discovery::Resolved Discovery::resolve(const WorkloadSummary& pod, bool allow_park) const {
  const OwnerRef* controller = controllerOf(pod);
  if (controller == nullptr) {
    return {};
  }
  if (controller->kind == "ReplicaSet") {
    return resolveReplicaSet(pod, *controller, allow_park);
  }
  if (controller->kind == "Job") {
    return resolveJob(pod, *controller, allow_park);
  }
  if (controller->kind == "StatefulSet" || controller->kind == "DaemonSet") {
    const Kind kind = controller->kind == "StatefulSet" ? Kind::kStatefulSet : Kind::kDaemonSet;
    if (filter_.isNameSkipped(kind, pod.namespace_name, controller->name)) {
      return {Resolution::kSkip, {}, {}};
    }
    if (filter_.isWatched(kind)) {
      return {Resolution::kOwner, {kind, pod.namespace_name, controller->name}, {}};
    }
  }
  return {};  // not owned by a workload copycat watches: the pod stands for itself
}

Discovery::Resolved Discovery::resolveReplicaSet(const WorkloadSummary& pod, const OwnerRef& rs,
                                                 bool allow_park) const {
  if (!filter_.isWatched(Kind::kDeployment)) {
    return {};
  }
  auto info = owners_.find(rs.uid);
  if (info == owners_.end()) {
    // Only a complete replicaset index can tell "not seen yet" from "does not exist".
    if (allow_park && synced_.count(Kind::kReplicaSet) != 0) {
      return {Resolution::kPark, {Kind::kReplicaSet, pod.namespace_name, rs.name}, rs.uid};
    }
    return {};
  }
  if (info->second.controller_kind != "Deployment") {
    return {};  // a stand-alone ReplicaSet, or one run by a custom controller
  }
  const std::string& deployment = info->second.controller_name;
  if (filter_.isNameSkipped(Kind::kDeployment, pod.namespace_name, deployment)) {
    return {Resolution::kSkip, {}, {}};
  }
  return {Resolution::kOwner, {Kind::kDeployment, pod.namespace_name, deployment}, {}};
}

Discovery::Resolved Discovery::resolveJob(const WorkloadSummary& pod, const OwnerRef& job,
                                          bool allow_park) const {
  if (filter_.isNameSkipped(Kind::kJob, pod.namespace_name, job.name)) {
    return {Resolution::kSkip, {}, {}};
  }
  auto info = owners_.find(job.uid);
  if (info != owners_.end() && info->second.controller_kind == "CronJob") {
    const std::string& cron_job = info->second.controller_name;
    if (filter_.isNameSkipped(Kind::kCronJob, pod.namespace_name, cron_job)) {
      return {Resolution::kSkip, {}, {}};
    }
    if (filter_.isWatched(Kind::kCronJob)) {
      return {Resolution::kOwner, {Kind::kCronJob, pod.namespace_name, cron_job}, {}};
    }
  } else if (info == owners_.end() && filter_.isWatched(Kind::kCronJob) && allow_park &&
             synced_.count(Kind::kJob) != 0) {
    return {Resolution::kPark, {Kind::kJob, pod.namespace_name, job.name}, job.uid};
  }
  if (filter_.isWatched(Kind::kJob)) {
    return {Resolution::kOwner, {Kind::kJob, pod.namespace_name, job.name}, {}};
  }
  return {};
}

void Discovery::onOwnerIndex(EventType type, const WorkloadSummary& object, Batch& out) {
  if (type == EventType::kDeleted) {
    owners_.erase(object.uid);
    return;
  }
  const OwnerRef* controller = controllerOf(object);
  OwnerInfo info;
  if (controller != nullptr) {
    info.controller_kind = controller->kind;
    info.controller_name = controller->name;
  }
  owners_[object.uid] = std::move(info);
  unparkFor(object.uid, out);
}

void Discovery::onNode(EventType type, const WorkloadSummary& node) {
  if (type == EventType::kDeleted || node.node_arch.empty()) {
    nodes_.erase(node.name);
    return;
  }
  nodes_[node.name] = image::normalizePlatform(image::Platform{
      node.node_os.empty() ? "linux" : node.node_os, node.node_arch, node.node_variant});
}

void Discovery::unparkFor(const std::string& owner_uid, Batch& out) {
  std::vector<WorkloadSummary> ready;
  for (auto it = parked_.begin(); it != parked_.end();) {
    if (it->second.owner_uid == owner_uid) {
      ready.push_back(std::move(it->second.pod));
      it = parked_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& pod : ready) {
    emitPod(pod, /*allow_park=*/true, out);
  }
}

void Discovery::flushParked(Kind owner_kind, Batch& out) {
  std::vector<WorkloadSummary> ready;
  for (auto it = parked_.begin(); it != parked_.end();) {
    if (it->second.owner_kind == owner_kind) {
      ready.push_back(std::move(it->second.pod));
      it = parked_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& pod : ready) {
    emitPod(pod, /*allow_park=*/false, out);
  }
}

DiscoveryStats Discovery::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  DiscoveryStats out = stats_;
  out.parked_pods = parked_.size();
  return out;
}

}  // namespace copycat::kube
