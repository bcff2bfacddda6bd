// Config -> each module's own options. Modules never read config::Config themselves, so they
// stay testable alone and the mapping lives in one place (the composition root).
#pragma once

#include <string>

#include "base/result.h"
#include "config/config.h"
#include "planner/mirror_planner.h"

namespace copycat::app {

// The target registry host[:port][/path] that images are mirrored to: docker.registry, or
// ecr.registryEndpoint, or the account's ECR host in its region's partition.
[[nodiscard]] Result<std::string> targetRegistry(const config::Config& config);

[[nodiscard]] Result<planner::PlannerOptions> plannerOptions(const config::Config& config);

}  // namespace copycat::app
