#include "config/config.h"

namespace copycat::config {

std::string_view targetKindName(TargetKind kind) {
  return kind == TargetKind::kDocker ? "docker" : "ecr";
}

std::string_view sourceName(Source source) {
  switch (source) {
    case Source::kFile:
      return "file";
    case Source::kEnv:
      return "env";
    case Source::kFlag:
      return "flag";
    case Source::kDefault:
      break;
  }
  return "default";
}

}  // namespace copycat::config
