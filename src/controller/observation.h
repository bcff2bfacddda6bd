// What the kube side tells the controller about one image use besides the use itself: which
// workload owns it and on which node platform its pod runs.
#pragma once

#include <compare>
#include <string>

#include "image/platform.h"
#include "workload/image_uses.h"
#include "workload/workload.h"

namespace copycat::controller {

// A Kubernetes object by kind, namespace and name. A plain value.
struct WorkloadRef {
  workload::Kind kind = workload::Kind::kOther;
  std::string kind_name = {};  // "Deployment" (the spelling Events and logs use)
  std::string namespace_name = {};
  std::string name = {};
  std::string uid = {};  // optional; for Events' involvedObject

  // "Deployment shop/web".
  [[nodiscard]] std::string str() const;
  [[nodiscard]] bool empty() const { return name.empty(); }
  // Identity ignores the uid, which the caller may not know.
  friend bool operator==(const WorkloadRef& a, const WorkloadRef& b) {
    return a.kind_name == b.kind_name && a.namespace_name == b.namespace_name && a.name == b.name;
  }
  friend std::strong_ordering operator<=>(const WorkloadRef& a, const WorkloadRef& b) {
    if (auto c = a.kind_name <=> b.kind_name; c != 0) {
      return c;
    }
    if (auto c = a.namespace_name <=> b.namespace_name; c != 0) {
      return c;
    }
    return a.name <=> b.name;
  }
};

// Builds the ref of the object an ImageUse came from.
WorkloadRef refOf(const workload::ImageUse& use);

struct ObservationContext {
  // The platform of the node the pod runs on; os and architecture empty when unknown (templates,
  // unscheduled pods, nodes not read).
  image::Platform node_platform = {};
  // The workload that owns the object (a Pod's Deployment, resolved through its ReplicaSet);
  // empty = the object itself.
  WorkloadRef owner = {};
};

}  // namespace copycat::controller
