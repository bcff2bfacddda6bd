#include "workload/change_detection.h"

namespace copycat::workload {

bool isActivePhase(std::string_view phase) { return phase == "Pending" || phase == "Running"; }

bool imagesChanged(const WorkloadSummary& before, const WorkloadSummary& after) {
  if (before.kind == Kind::kOther && after.kind == Kind::kOther) {
    return false;
  }
  if (before.kind != after.kind || before.uid != after.uid) {
    return true;
  }
  switch (after.kind) {
    case Kind::kPod:
      // ContainerImage equality covers name, image, type and image_id.
      return before.images != after.images || before.node_name != after.node_name ||
             isActivePhase(before.phase) != isActivePhase(after.phase);
    case Kind::kDeployment:
    case Kind::kStatefulSet:
    case Kind::kDaemonSet:
    case Kind::kReplicaSet:
    case Kind::kJob:
    case Kind::kCronJob:
      return before.generation != after.generation || before.images != after.images;
    case Kind::kNode:
      return before.node_os != after.node_os || before.node_arch != after.node_arch ||
             before.node_variant != after.node_variant;
    case Kind::kOther:
      return false;
  }
  return false;
}

}  // namespace copycat::workload
