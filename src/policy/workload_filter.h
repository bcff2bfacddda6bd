// Which workloads copycat looks at: includeNamespaces / skipNamespaces, skipNames per kind and
// watchResources. Works on plain strings and workload::Kind so `copycat plan` (files) and the
// controller (API server) decide identically.
//
//  - includeNamespaces: empty, or containing "*", means every namespace; otherwise names or
//    globs ('*', '?', base/strings globMatch).
//  - skipNamespaces: names or globs; a skipped namespace is skipped even when included.
//  - skipNames.<kind>: "name" (any namespace), "ns/name", "*" (every object of the kind);
//    both parts may be globs ("ns/*"). Kubernetes names cannot contain '*' or '?', so plain
//    names keep the Go original's exact-match meaning.
//  - watchResources: resource names, case-insensitive, plural or singular ("deployments",
//    "CronJob"); empty means all six watchable kinds; anything else is rejected at startup.
// Pods owned by a skipped workload: the caller resolves the owner chain (Pod -> ReplicaSet ->
// Deployment, Pod -> Job -> CronJob) and asks isNameSkipped for each owner.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "workload/workload.h"

namespace copycat::policy {

struct WorkloadFilterOptions {
  std::vector<std::string> include_namespaces = {};
  std::vector<std::string> skip_namespaces = {};
  std::vector<std::string> skip_deployments = {};
  std::vector<std::string> skip_stateful_sets = {};
  std::vector<std::string> skip_daemon_sets = {};
  std::vector<std::string> skip_jobs = {};
  std::vector<std::string> skip_cron_jobs = {};
  std::vector<std::string> skip_pods = {};
  std::vector<std::string> watch_resources = {};
};

enum class FilterDecision {
  kAllowed,
  kKindNotWatched,
  kNamespaceNotIncluded,
  kNamespaceSkipped,
  kNameSkipped,
};

// "allowed", "kind_not_watched", "namespace_not_included", "namespace_skipped", "name_skipped".
std::string_view filterDecisionName(FilterDecision decision);

// Immutable after create(). Thread-safe (const methods only).
class WorkloadFilter {
 public:
  // Watches everything, skips nothing.
  WorkloadFilter();

  // Trims entries and drops empty ones. kInvalidArgument for unsupported watch resources:
  // "unsupported watch resource(s): replicasets, foo", or an empty part in "ns/" / "/name".
  [[nodiscard]] static Result<WorkloadFilter> create(const WorkloadFilterOptions& options);

  [[nodiscard]] bool isNamespaceAllowed(std::string_view namespace_name) const;
  [[nodiscard]] bool isNameSkipped(workload::Kind kind, std::string_view namespace_name,
                                   std::string_view name) const;
  [[nodiscard]] bool isWatched(workload::Kind kind) const;
  // Watched kinds in the canonical order: deployments, statefulsets, daemonsets, jobs,
  // cronjobs, pods.
  [[nodiscard]] const std::vector<workload::Kind>& watchedKinds() const { return watched_; }

  // All three checks, first failing one reported.
  [[nodiscard]] FilterDecision evaluate(workload::Kind kind, std::string_view namespace_name,
                                        std::string_view name) const;

 private:
  struct NamePattern {
    std::string namespace_pattern;  // "" = any namespace
    std::string name_pattern;
  };

  static Result<std::vector<NamePattern>> parseSkipNames(const std::vector<std::string>& values,
                                                         std::string_view field);
  const std::vector<NamePattern>* skipListFor(workload::Kind kind) const;

  bool all_namespaces_ = true;
  std::vector<std::string> include_namespaces_;
  std::vector<std::string> skip_namespaces_;
  std::vector<NamePattern> skip_deployments_;
  std::vector<NamePattern> skip_stateful_sets_;
  std::vector<NamePattern> skip_daemon_sets_;
  std::vector<NamePattern> skip_jobs_;
  std::vector<NamePattern> skip_cron_jobs_;
  std::vector<NamePattern> skip_pods_;
  std::vector<workload::Kind> watched_;
};

// Parses watchResources entries (see above); returns the kinds in canonical order.
[[nodiscard]] Result<std::vector<workload::Kind>> parseWatchResources(
    const std::vector<std::string>& values);

}  // namespace copycat::policy
