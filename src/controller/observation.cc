#include "controller/observation.h"

#include <fmt/format.h>

#include "workload/image_uses.h"

namespace copycat::controller {

std::string WorkloadRef::str() const {
  if (namespace_name.empty()) {
    return fmt::format("{} {}", kind_name, name);
  }
  return fmt::format("{} {}/{}", kind_name, namespace_name, name);
}

WorkloadRef refOf(const workload::ImageUse& use) {
  WorkloadRef ref{.kind = use.kind,
                  .kind_name = use.kind_name,
                  .namespace_name = use.namespace_name,
                  .name = use.name};
  if (ref.kind_name.empty()) {
    ref.kind_name = std::string(workload::kindName(use.kind));
  }
  return ref;
}

}  // namespace copycat::controller
