#include "app/options_mapping.h"

#include "aws/endpoints.h"

namespace copycat::app {
namespace {

// Strips a scheme from an endpoint override: pushes go to its host[:port][/path].
std::string withoutScheme(std::string endpoint) {
  if (auto pos = endpoint.find("://"); pos != std::string::npos) {
    endpoint.erase(0, pos + 3);
  }
  while (!endpoint.empty() && endpoint.back() == '/') {
    endpoint.pop_back();
  }
  return endpoint;
}

}  // namespace

Result<std::string> targetRegistry(const config::Config& config) {
  if (config.target_kind == config::TargetKind::kDocker) {
    return withoutScheme(config.docker.registry);
  }
  if (!config.ecr.registry_endpoint.empty()) {
    return withoutScheme(config.ecr.registry_endpoint);
  }
  return aws::ecrRegistryHost(config.ecr.account_id, config.ecr.region);
}

Result<planner::PlannerOptions> plannerOptions(const config::Config& config) {
  const auto& skip = config.skip_names;
  planner::PlannerOptions options{
      .filter = {.include_namespaces = config.include_namespaces,
                 .skip_namespaces = config.skip_namespaces,
                 .skip_deployments = skip.deployments,
                 .skip_stateful_sets = skip.stateful_sets,
                 .skip_daemon_sets = skip.daemon_sets,
                 .skip_jobs = skip.jobs,
                 .skip_cron_jobs = skip.cron_jobs,
                 .skip_pods = skip.pods,
                 .watch_resources = config.watch_resources},
      .exclude_registries = config.exclude_registries,
      .target_kind = config.target_kind == config::TargetKind::kEcr ? policy::TargetKind::kEcr
                                                                    : policy::TargetKind::kGeneric,
      .repo_prefix = config.target_kind == config::TargetKind::kEcr ? config.ecr.repo_prefix
                                                                    : config.docker.repo_prefix,
      .digest_pull = config.digest_pull,
      .digest_pull_ignored_tags = config.digest_pull_ignored_tags,
  };
  for (const auto& rule : config.path_map) {
    options.path_map.push_back({.from = rule.from, .to = rule.to, .regex = rule.regex});
  }
  ASSIGN_OR_RETURN(options.target_registry, targetRegistry(config));
  return options;
}

}  // namespace copycat::app
