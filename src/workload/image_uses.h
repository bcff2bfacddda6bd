// Flattens a WorkloadSummary into image uses: one per container and image volume, each naming
// the workload it belongs to. What `copycat plan` prints and what the controller enqueues.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "workload/workload.h"

namespace copycat::workload {

struct ImageUse {
  Kind kind = Kind::kOther;
  std::string kind_name;  // as written in the object ("Deployment")
  std::string namespace_name;
  std::string name;       // the object's name
  std::string container;  // container name, or volume name for an image volume
  ContainerType container_type = ContainerType::kContainer;
  // The image as written. May be "": Kubernetes leaves `image` optional in templates so that
  // config management can fill it in, but an object applied without one cannot run; callers
  // report it as an invalid (empty) reference rather than silently dropping it.
  std::string image;
  std::string image_id;  // pod status imageID ("" for templates and unstarted containers)

  friend bool operator==(const ImageUse&, const ImageUse&) = default;
};

// Returns one use per entry of summary.images, in the summary's order (initContainers,
// containers, ephemeralContainers, image volumes), for the kinds that carry pods (Pod,
// Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob). Any other kind yields none.
std::vector<ImageUse> imageUses(const WorkloadSummary& summary);

}  // namespace copycat::workload
