#include "workload/pod_spec_reader.h"

#include <iterator>

namespace copycat::workload::detail {
namespace {

// A (name, image) pair of core/v1 Container or EphemeralContainer.
Status readContainers(Value& value, const Path& path, ContainerType type,
                      std::vector<ContainerImage>& out) {
  out.clear();  // a repeated key replaces the earlier list, as the last key wins in JSON decoding
  return forEachObjectElement(value, path, [&](Object& container, const Path& element) -> Status {
    ContainerImage image;
    image.type = type;
    RETURN_IF_ERROR(
        forEachField(container, element,
                     [&](std::string_view key, Value& field, const Path& field_path) -> Status {
                       if (key == "name") {
                         return assignText(field, field_path, image.name);
                       }
                       if (key == "image") {
                         return assignText(field, field_path, image.image);
                       }
                       return ok();
                     }));
    out.push_back(std::move(image));
    return ok();
  });
}

// core/v1 ImageVolumeSource (Kubernetes 1.31+): volumes[].image.reference. A volume whose
// "image" is absent or null is some other volume type and is not an image use.
Status readVolumes(Value& value, const Path& path, std::vector<ContainerImage>& out) {
  out.clear();
  return forEachObjectElement(value, path, [&](Object& volume, const Path& element) -> Status {
    ContainerImage image;
    image.type = ContainerType::kImageVolume;
    bool is_image = false;
    RETURN_IF_ERROR(forEachField(
        volume, element, [&](std::string_view key, Value& field, const Path& field_path) -> Status {
          if (key == "name") {
            return assignText(field, field_path, image.name);
          }
          if (key != "image") {
            return ok();
          }
          return withObject(field, field_path, [&](Object& source, const Path& source_path) {
            is_image = true;
            return forEachField(
                source, source_path,
                [&](std::string_view source_key, Value& ref, const Path& ref_path) {
                  return source_key == "reference" ? assignText(ref, ref_path, image.image) : ok();
                });
          });
        }));
    if (is_image) {
      out.push_back(std::move(image));
    }
    return ok();
  });
}

// core/v1 VolumeMountStatus (Kubernetes 1.33+): volumeMounts[].volumeStatus.image.imageRef is
// the digest of an image volume, named like the volume mount (= the volume).
Status readVolumeMountStatuses(Value& value, const Path& path, std::vector<ImageIdRef>& out) {
  return forEachObjectElement(value, path, [&](Object& mount, const Path& element) -> Status {
    ImageIdRef ref{ContainerType::kImageVolume, {}, {}};
    RETURN_IF_ERROR(forEachField(
        mount, element, [&](std::string_view key, Value& field, const Path& field_path) -> Status {
          if (key == "name") {
            return readText(field, field_path, ref.name);
          }
          if (key != "volumeStatus") {
            return ok();
          }
          return withObject(field, field_path, [&](Object& status, const Path& status_path) {
            return forEachField(
                status, status_path, [&](std::string_view k, Value& v, const Path& p) {
                  if (k != "image") {
                    return ok();
                  }
                  return withObject(v, p, [&](Object& image, const Path& image_path) {
                    return forEachField(
                        image, image_path, [&](std::string_view ik, Value& iv, const Path& ip) {
                          return ik == "imageRef" ? readText(iv, ip, ref.image_id) : ok();
                        });
                  });
                });
          });
        }));
    if (!ref.image_id.empty()) {
      out.push_back(ref);
    }
    return ok();
  });
}

// core/v1 ContainerStatus: name + imageID (the digest the kubelet resolved).
Status readContainerStatuses(Value& value, const Path& path, ContainerType type,
                             std::vector<ImageIdRef>& out) {
  return forEachObjectElement(value, path, [&](Object& status, const Path& element) -> Status {
    ImageIdRef ref{type, {}, {}};
    RETURN_IF_ERROR(forEachField(
        status, element, [&](std::string_view key, Value& field, const Path& field_path) -> Status {
          if (key == "name") {
            return readText(field, field_path, ref.name);
          }
          if (key == "imageID") {
            return readText(field, field_path, ref.image_id);
          }
          if (key == "volumeMounts") {
            return readVolumeMountStatuses(field, field_path, out);
          }
          return ok();
        }));
    if (!ref.image_id.empty()) {
      out.push_back(ref);
    }
    return ok();
  });
}

void append(std::vector<ContainerImage>& to, std::vector<ContainerImage>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

}  // namespace

std::vector<ContainerImage> PodSpecParts::takeImages() {
  std::vector<ContainerImage> images;
  images.reserve(init_containers.size() + containers.size() + ephemeral_containers.size() +
                 image_volumes.size());
  append(images, init_containers);
  append(images, containers);
  append(images, ephemeral_containers);
  append(images, image_volumes);
  return images;
}

Status readPodSpecField(std::string_view key, Value& value, const Path& path, PodSpecParts& out) {
  if (key == "containers") {
    return readContainers(value, path, ContainerType::kContainer, out.containers);
  }
  if (key == "initContainers") {
    return readContainers(value, path, ContainerType::kInitContainer, out.init_containers);
  }
  if (key == "ephemeralContainers") {
    return readContainers(value, path, ContainerType::kEphemeralContainer,
                          out.ephemeral_containers);
  }
  if (key == "volumes") {
    return readVolumes(value, path, out.image_volumes);
  }
  if (key == "nodeName") {
    return assignText(value, path, out.node_name);
  }
  return ok();
}

Status readPodSpec(Object& spec, const Path& path, PodSpecParts& out) {
  return forEachField(spec, path, [&](std::string_view key, Value& value, const Path& field) {
    return readPodSpecField(key, value, field, out);
  });
}

Status readPodStatusField(std::string_view key, Value& value, const Path& path,
                          PodStatusParts& out) {
  if (key == "phase") {
    return assignText(value, path, out.phase);
  }
  if (key == "containerStatuses") {
    return readContainerStatuses(value, path, ContainerType::kContainer, out.image_ids);
  }
  if (key == "initContainerStatuses") {
    return readContainerStatuses(value, path, ContainerType::kInitContainer, out.image_ids);
  }
  if (key == "ephemeralContainerStatuses") {
    return readContainerStatuses(value, path, ContainerType::kEphemeralContainer, out.image_ids);
  }
  return ok();
}

void applyImageIds(const std::vector<ImageIdRef>& ids, std::vector<ContainerImage>& images) {
  for (auto& image : images) {
    for (const auto& id : ids) {
      if (id.type == image.type && id.name == image.name) {
        image.image_id.assign(id.image_id);
        break;
      }
    }
  }
}

}  // namespace copycat::workload::detail
