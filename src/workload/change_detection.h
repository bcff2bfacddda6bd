// Decides whether an update of an object can change which images copycat must mirror, so the
// reflectors enqueue only those and ignore the status churn of a large cluster. Pure
// functions, thread-safe.
#pragma once

#include <string_view>

#include "workload/workload.h"

namespace copycat::workload {

// True when `after` may need images mirrored that `before` did not:
//  - a different kind, or a different uid (the object was deleted and recreated);
//  - workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob): a new
//    metadata.generation (the spec changed) or different images; status-only updates do not
//    bump the generation and do not count;
//  - Pods: different images or imageIDs, a new node, or the phase moving into or out of the
//    active set {Pending, Running} (copycat mirrors images of active pods only, like
//    k8s-copycat's pod reconciler);
//  - Nodes: a different os/arch/variant.
// Everything else (ConfigMaps, CRDs, ...) never counts.
bool imagesChanged(const WorkloadSummary& before, const WorkloadSummary& after);

// True for the phases in which a pod's images are pulled or running: "Pending", "Running".
bool isActivePhase(std::string_view phase);

}  // namespace copycat::workload
