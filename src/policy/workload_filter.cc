#include "policy/workload_filter.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "base/strings.h"

namespace copycat::policy {
namespace {

struct Watchable {
  workload::Kind kind;
  std::string_view plural;
  std::string_view singular;
};

// The kinds copycat can watch, in canonical order (the Go original's AllResourceTypes).
constexpr std::array<Watchable, 6> kWatchable = {{
    {workload::Kind::kDeployment, "deployments", "deployment"},
    {workload::Kind::kStatefulSet, "statefulsets", "statefulset"},
    {workload::Kind::kDaemonSet, "daemonsets", "daemonset"},
    {workload::Kind::kJob, "jobs", "job"},
    {workload::Kind::kCronJob, "cronjobs", "cronjob"},
    {workload::Kind::kPod, "pods", "pod"},
}};

std::vector<std::string> cleanList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    std::string_view trimmed = strings::trim(value);
    if (!trimmed.empty()) {
      out.emplace_back(trimmed);
    }
  }
  return out;
}

bool matchesAny(const std::vector<std::string>& patterns, std::string_view text) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return strings::globMatch(p, text); });
}

}  // namespace

std::string_view filterDecisionName(FilterDecision decision) {
  switch (decision) {
    case FilterDecision::kAllowed:
      return "allowed";
    case FilterDecision::kKindNotWatched:
      return "kind_not_watched";
    case FilterDecision::kNamespaceNotIncluded:
      return "namespace_not_included";
    case FilterDecision::kNamespaceSkipped:
      return "namespace_skipped";
    case FilterDecision::kNameSkipped:
      return "name_skipped";
  }
  return "unknown";
}

Result<std::vector<workload::Kind>> parseWatchResources(const std::vector<std::string>& values) {
  std::vector<bool> selected(kWatchable.size(), false);
  std::vector<std::string> invalid;
  bool any = false;
  for (const std::string& raw : cleanList(values)) {
    std::string lower = strings::toLower(raw);
    auto it = std::find_if(kWatchable.begin(), kWatchable.end(), [&](const Watchable& w) {
      return lower == w.plural || lower == w.singular;
    });
    if (it == kWatchable.end()) {
      invalid.push_back(raw);
      continue;
    }
    selected[static_cast<size_t>(it - kWatchable.begin())] = true;
    any = true;
  }
  if (!invalid.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("unsupported watch resource(s): {}", strings::join(invalid, ", ")));
  }
  std::vector<workload::Kind> kinds;
  for (size_t i = 0; i < kWatchable.size(); ++i) {
    if (selected[i] || !any) {
      kinds.push_back(kWatchable[i].kind);
    }
  }
  return kinds;
}

WorkloadFilter::WorkloadFilter() {
  for (const Watchable& w : kWatchable) {
    watched_.push_back(w.kind);
  }
}

Result<std::vector<WorkloadFilter::NamePattern>> WorkloadFilter::parseSkipNames(
    const std::vector<std::string>& values, std::string_view field) {
  std::vector<NamePattern> out;
  for (size_t i = 0; i < values.size(); ++i) {
    std::string_view entry = strings::trim(values[i]);
    if (entry.empty()) {
      continue;
    }
    size_t slash = entry.find('/');
    if (slash == std::string_view::npos) {
      out.push_back(NamePattern{"", std::string(entry)});
      continue;
    }
    std::string_view ns = strings::trim(entry.substr(0, slash));
    std::string_view name = strings::trim(entry.substr(slash + 1));
    if (ns.empty() || name.empty() || name.find('/') != std::string_view::npos) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("{}[{}]: invalid entry \"{}\" (want name, ns/name or *)", field, i,
                              values[i]));
    }
    out.push_back(NamePattern{std::string(ns), std::string(name)});
  }
  return out;
}

Result<WorkloadFilter> WorkloadFilter::create(const WorkloadFilterOptions& options) {
  WorkloadFilter filter;
  filter.include_namespaces_ = cleanList(options.include_namespaces);
  filter.all_namespaces_ =
      filter.include_namespaces_.empty() ||
      std::find(filter.include_namespaces_.begin(), filter.include_namespaces_.end(), "*") !=
          filter.include_namespaces_.end();
  filter.skip_namespaces_ = cleanList(options.skip_namespaces);
  ASSIGN_OR_RETURN(filter.skip_deployments_,
                   parseSkipNames(options.skip_deployments, "skipNames.deployments"));
  ASSIGN_OR_RETURN(filter.skip_stateful_sets_,
                   parseSkipNames(options.skip_stateful_sets, "skipNames.statefulSets"));
  ASSIGN_OR_RETURN(filter.skip_daemon_sets_,
                   parseSkipNames(options.skip_daemon_sets, "skipNames.daemonSets"));
  ASSIGN_OR_RETURN(filter.skip_jobs_, parseSkipNames(options.skip_jobs, "skipNames.jobs"));
  ASSIGN_OR_RETURN(filter.skip_cron_jobs_,
                   parseSkipNames(options.skip_cron_jobs, "skipNames.cronJobs"));
  ASSIGN_OR_RETURN(filter.skip_pods_, parseSkipNames(options.skip_pods, "skipNames.pods"));
  ASSIGN_OR_RETURN(filter.watched_, parseWatchResources(options.watch_resources));
  return filter;
}

bool WorkloadFilter::isNamespaceAllowed(std::string_view namespace_name) const {
  if (matchesAny(skip_namespaces_, namespace_name)) {
    return false;
  }
  return all_namespaces_ || matchesAny(include_namespaces_, namespace_name);
}

const std::vector<WorkloadFilter::NamePattern>* WorkloadFilter::skipListFor(
    workload::Kind kind) const {
  switch (kind) {
    case workload::Kind::kDeployment:
      return &skip_deployments_;
    case workload::Kind::kStatefulSet:
      return &skip_stateful_sets_;
    case workload::Kind::kDaemonSet:
      return &skip_daemon_sets_;
    case workload::Kind::kJob:
      return &skip_jobs_;
    case workload::Kind::kCronJob:
      return &skip_cron_jobs_;
    case workload::Kind::kPod:
      return &skip_pods_;
    default:
      return nullptr;  // ReplicaSets, Nodes, ...: no skip list of their own
  }
}

bool WorkloadFilter::isNameSkipped(workload::Kind kind, std::string_view namespace_name,
                                   std::string_view name) const {
  const std::vector<NamePattern>* patterns = skipListFor(kind);
  if (patterns == nullptr) {
    return false;
  }
  return std::any_of(patterns->begin(), patterns->end(), [&](const NamePattern& p) {
    bool ns_ok =
        p.namespace_pattern.empty() || strings::globMatch(p.namespace_pattern, namespace_name);
    return ns_ok && strings::globMatch(p.name_pattern, name);
  });
}

bool WorkloadFilter::isWatched(workload::Kind kind) const {
  return std::find(watched_.begin(), watched_.end(), kind) != watched_.end();
}

FilterDecision WorkloadFilter::evaluate(workload::Kind kind, std::string_view namespace_name,
                                        std::string_view name) const {
  if (!isWatched(kind)) {
    return FilterDecision::kKindNotWatched;
  }
  if (matchesAny(skip_namespaces_, namespace_name)) {
    return FilterDecision::kNamespaceSkipped;
  }
  if (!all_namespaces_ && !matchesAny(include_namespaces_, namespace_name)) {
    return FilterDecision::kNamespaceNotIncluded;
  }
  if (isNameSkipped(kind, namespace_name, name)) {
    return FilterDecision::kNameSkipped;
  }
  return FilterDecision::kAllowed;
}

}  // namespace copycat::policy
