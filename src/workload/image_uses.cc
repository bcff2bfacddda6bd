#include "workload/image_uses.h"

namespace copycat::workload {

std::vector<ImageUse> imageUses(const WorkloadSummary& summary) {
  std::vector<ImageUse> uses;
  if (!carriesPods(summary.kind)) {
    return uses;
  }
  uses.reserve(summary.images.size());
  for (const auto& image : summary.images) {
    ImageUse use;
    use.kind = summary.kind;
    use.kind_name = summary.kind_name;
    use.namespace_name = summary.namespace_name;
    use.name = summary.name;
    use.container = image.name;
    use.container_type = image.type;
    use.image = image.image;
    use.image_id = image.image_id;
    uses.push_back(std::move(use));
  }
  return uses;
}

}  // namespace copycat::workload
