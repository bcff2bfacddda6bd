// Internal: reads the image-relevant parts of a Kubernetes PodSpec and PodStatus (core/v1) from
// simdjson On-Demand values. Used by summary_extractor.cc; not part of the public API.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "workload/json_walk.h"
#include "workload/workload.h"

namespace copycat::workload::detail {

// The images of one PodSpec, kept per field so the summary lists them in a fixed order
// whatever the field order in the document.
struct PodSpecParts {
  std::vector<ContainerImage> init_containers;
  std::vector<ContainerImage> containers;
  std::vector<ContainerImage> ephemeral_containers;
  std::vector<ContainerImage> image_volumes;
  std::string node_name;

  // initContainers, containers, ephemeralContainers, then image volumes; moves out of *this.
  std::vector<ContainerImage> takeImages();
};

// One imageID reported in a pod's status. The views point into the parser's buffers and stay
// valid until the parser reads another document.
struct ImageIdRef {
  ContainerType type = ContainerType::kContainer;
  std::string_view name;  // container name, or volume name for an image volume
  std::string_view image_id;
};

struct PodStatusParts {
  std::string phase;
  std::vector<ImageIdRef> image_ids;
};

// Reads spec.{containers,initContainers,ephemeralContainers,volumes,nodeName}.
Status readPodSpec(Object& spec, const Path& path, PodSpecParts& out);
// Reads one PodSpec field when it is one of the above; ignores any other key.
Status readPodSpecField(std::string_view key, Value& value, const Path& path, PodSpecParts& out);
// Reads one field of a PodStatus when it is phase, containerStatuses, initContainerStatuses or
// ephemeralContainerStatuses; ignores any other key. The caller iterates status, so it can read
// other kinds' status fields (Node nodeInfo) in the same pass.
Status readPodStatusField(std::string_view key, Value& value, const Path& path,
                          PodStatusParts& out);
// Sets image_id on every image that has a status entry of the same type and name.
void applyImageIds(const std::vector<ImageIdRef>& ids, std::vector<ContainerImage>& images);

}  // namespace copycat::workload::detail
