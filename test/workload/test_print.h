// gtest printers for workload types, so failed comparisons show fields instead of bytes.
#pragma once

#include <ostream>

#include "workload/image_uses.h"
#include "workload/workload.h"

namespace copycat::workload {

inline void PrintTo(const ContainerImage& c, std::ostream* os) {
  *os << "{" << containerTypeName(c.type) << " " << c.name << " image=" << c.image
      << " id=" << c.image_id << "}";
}

inline void PrintTo(const OwnerRef& o, std::ostream* os) {
  *os << "{" << o.kind << "/" << o.name << " uid=" << o.uid << " controller=" << o.controller
      << "}";
}

inline void PrintTo(const WorkloadSummary& s, std::ostream* os) {
  *os << "{kind=" << kindName(s.kind) << " kind_name=" << s.kind_name << " ns=" << s.namespace_name
      << " name=" << s.name << " uid=" << s.uid << " rv=" << s.resource_version
      << " gen=" << s.generation << " phase=" << s.phase << " node=" << s.node_name
      << " os=" << s.node_os << " arch=" << s.node_arch << " variant=" << s.node_variant
      << " owners=[";
  for (const auto& o : s.owners) {
    PrintTo(o, os);
  }
  *os << "] images=[";
  for (const auto& c : s.images) {
    PrintTo(c, os);
  }
  *os << "]}";
}

inline void PrintTo(const ImageUse& u, std::ostream* os) {
  *os << "{" << u.kind_name << " " << u.namespace_name << "/" << u.name << " "
      << containerTypeName(u.container_type) << " " << u.container << " image=" << u.image
      << " id=" << u.image_id << "}";
}

}  // namespace copycat::workload
