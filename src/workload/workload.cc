#include "workload/workload.h"

#include <array>

#include "base/strings.h"

namespace copycat::workload {
namespace {

struct KindInfo {
  Kind kind;
  std::string_view name;        // Kubernetes kind spelling
  std::string_view resource;    // plural resource name
  std::string_view short_name;  // kubectl short name ("" when none)
  std::string_view group;
};

constexpr std::array<KindInfo, 8> kKinds{{
    {Kind::kPod, "Pod", "pods", "po", ""},
    {Kind::kDeployment, "Deployment", "deployments", "deploy", "apps"},
    {Kind::kStatefulSet, "StatefulSet", "statefulsets", "sts", "apps"},
    {Kind::kDaemonSet, "DaemonSet", "daemonsets", "ds", "apps"},
    {Kind::kReplicaSet, "ReplicaSet", "replicasets", "rs", "apps"},
    {Kind::kJob, "Job", "jobs", "", "batch"},
    {Kind::kCronJob, "CronJob", "cronjobs", "cj", "batch"},
    {Kind::kNode, "Node", "nodes", "no", ""},
}};

const KindInfo* find(Kind kind) {
  for (const auto& info : kKinds) {
    if (info.kind == kind) {
      return &info;
    }
  }
  return nullptr;
}

}  // namespace

std::string_view kindName(Kind kind) {
  const KindInfo* info = find(kind);
  return info != nullptr ? info->name : std::string_view("Other");
}

Kind parseKind(std::string_view text) {
  std::string_view trimmed = strings::trim(text);
  if (trimmed.empty()) {
    return Kind::kOther;
  }
  for (const auto& info : kKinds) {
    std::string_view singular = info.resource.substr(0, info.resource.size() - 1);
    if (strings::equalsIgnoreCase(trimmed, info.name) ||
        strings::equalsIgnoreCase(trimmed, info.resource) ||
        strings::equalsIgnoreCase(trimmed, singular) ||
        (!info.short_name.empty() && strings::equalsIgnoreCase(trimmed, info.short_name))) {
      return info.kind;
    }
  }
  return Kind::kOther;
}

std::string_view resourceName(Kind kind) {
  const KindInfo* info = find(kind);
  return info != nullptr ? info->resource : std::string_view();
}

bool carriesPods(Kind kind) {
  switch (kind) {
    case Kind::kPod:
    case Kind::kDeployment:
    case Kind::kStatefulSet:
    case Kind::kDaemonSet:
    case Kind::kReplicaSet:
    case Kind::kJob:
    case Kind::kCronJob:
      return true;
    case Kind::kNode:
    case Kind::kOther:
      return false;
  }
  return false;
}

std::string_view apiGroup(Kind kind) {
  const KindInfo* info = find(kind);
  return info != nullptr ? info->group : std::string_view();
}

std::string_view containerTypeName(ContainerType type) {
  switch (type) {
    case ContainerType::kContainer:
      return "container";
    case ContainerType::kInitContainer:
      return "initContainer";
    case ContainerType::kEphemeralContainer:
      return "ephemeralContainer";
    case ContainerType::kImageVolume:
      return "imageVolume";
  }
  return "container";
}

}  // namespace copycat::workload
