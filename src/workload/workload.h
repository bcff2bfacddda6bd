// The compact view of a Kubernetes object that copycat keeps: only what image discovery needs,
// never the whole object (a pod's JSON is 4-8 KB; this is a few hundred bytes).
// Shared by `copycat plan` (files) and the kube/ reflectors (API server), so both discover
// images with one implementation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace copycat::workload {

enum class Kind {
  kPod,
  kDeployment,
  kStatefulSet,
  kDaemonSet,
  kReplicaSet,
  kJob,
  kCronJob,
  kNode,
  kOther,
};

// "Deployment", "Pod", ... (the Kubernetes kind spelling).
std::string_view kindName(Kind kind);
// Parses a kind ("Deployment") or a resource name ("deployments", "deployment") case-insensitively.
Kind parseKind(std::string_view text);
// The plural lower-case resource name: "deployments", "cronjobs", "pods".
std::string_view resourceName(Kind kind);
// True for the kinds whose objects carry a pod spec: Pod and the six workload controllers.
bool carriesPods(Kind kind);
// The API group a built-in kind lives in ("" for Pod and Node, "apps", "batch"); "" for kOther.
std::string_view apiGroup(Kind kind);

enum class ContainerType { kContainer, kInitContainer, kEphemeralContainer, kImageVolume };
std::string_view containerTypeName(ContainerType type);  // "container", "initContainer", ...

struct ContainerImage {
  std::string name;   // container name, or the volume name for an image volume
  std::string image;  // the image string as written in the spec
  ContainerType type = ContainerType::kContainer;
  std::string image_id;  // pod status imageID for this container ("" when not reported)

  friend bool operator==(const ContainerImage&, const ContainerImage&) = default;
};

struct OwnerRef {
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;

  friend bool operator==(const OwnerRef&, const OwnerRef&) = default;
};

struct WorkloadSummary {
  Kind kind = Kind::kOther;
  std::string kind_name;  // as written in the object, e.g. "Deployment" (useful for kOther)
  std::string namespace_name;
  std::string name;
  std::string uid;
  std::string resource_version;
  int64_t generation = 0;
  std::vector<OwnerRef> owners;
  std::vector<ContainerImage> images;  // pod template (or pod) containers and image volumes
  // Pods only.
  std::string phase;      // "Pending", "Running", ...
  std::string node_name;  // spec.nodeName
  // Nodes only (status.nodeInfo and labels).
  std::string node_os;
  std::string node_arch;
  std::string node_variant;

  friend bool operator==(const WorkloadSummary&, const WorkloadSummary&) = default;
};

}  // namespace copycat::workload
