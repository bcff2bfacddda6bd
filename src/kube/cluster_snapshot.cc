#include "kube/cluster_snapshot.h"

#include <algorithm>
#include <utility>

#include "kube/resource_path.h"

namespace copycat::kube {
namespace {

Status listInto(ApiClient& api, const ResourcePath& collection, std::string_view default_kind,
                const ListAllOptions& options, std::stop_token stop,
                std::vector<workload::WorkloadSummary>& out) {
  const size_t first = out.size();
  ListCallbacks callbacks;
  callbacks.on_item = [&out](workload::WorkloadSummary&& item) {
    out.push_back(std::move(item));
    return ok();
  };
  // A restarted list returns everything again.
  callbacks.on_restart = [&out, first] { out.resize(first); };
  auto listed = listAll(api, collection, default_kind, options, callbacks, std::move(stop));
  if (!listed) {
    return fail(listed.error());
  }
  return ok();
}

}  // namespace

Result<std::vector<workload::WorkloadSummary>> listWorkloads(
    ApiClient& api, const std::vector<workload::Kind>& kinds,
    const std::vector<std::string>& namespaces, const ListAllOptions& options,
    std::stop_token stop) {
  std::vector<workload::WorkloadSummary> out;
  for (workload::Kind kind : kinds) {
    if (workload::resourceName(kind).empty()) {
      return fail(ErrorCode::kInvalidArgument, "cannot list objects of an unknown kind");
    }
    const std::string kind_name(workload::kindName(kind));
    if (namespaces.empty() || kind == workload::Kind::kNode) {
      RETURN_IF_ERROR(listInto(api, ResourcePath::forKind(kind), kind_name, options, stop, out));
      continue;
    }
    for (const auto& ns : namespaces) {
      RETURN_IF_ERROR(
          listInto(api, ResourcePath::forKind(kind, ns), kind_name, options, stop, out));
    }
  }
  return out;
}

namespace {

// Collects demands in the order Discovery sends them.
class CollectingSink final : public DemandSink {
 public:
  void onDemand(const ImageDemand& demand) override { demands.push_back(demand); }
  void onForget(const WorkloadRef& /*ref*/) override {}
  void onSynced(workload::Kind /*kind*/) override {}
  std::vector<ImageDemand> demands;
};

// The kinds ClusterWatcher reflects, in the order Discovery needs them.
std::vector<workload::Kind> snapshotKinds(const policy::WorkloadFilter& filter, bool with_nodes) {
  using workload::Kind;
  std::vector<Kind> kinds;
  const bool pods = filter.isWatched(Kind::kPod);
  if (with_nodes) {
    kinds.push_back(Kind::kNode);
  }
  if (pods && filter.isWatched(Kind::kDeployment)) {
    kinds.push_back(Kind::kReplicaSet);
  }
  if (pods && filter.isWatched(Kind::kCronJob) && !filter.isWatched(Kind::kJob)) {
    kinds.push_back(Kind::kJob);
  }
  for (Kind kind : filter.watchedKinds()) {
    if (kind != Kind::kPod) {
      kinds.push_back(kind);
    }
  }
  if (pods) {
    kinds.push_back(Kind::kPod);
  }
  return kinds;
}

}  // namespace

Result<std::vector<ImageDemand>> snapshotDemands(ApiClient& api,
                                                 const policy::WorkloadFilter& filter,
                                                 const std::vector<std::string>& namespaces,
                                                 bool with_nodes, const ListAllOptions& options,
                                                 std::stop_token stop) {
  CollectingSink sink;
  Discovery discovery(filter, sink);
  for (workload::Kind kind : snapshotKinds(filter, with_nodes)) {
    const std::string kind_name(workload::kindName(kind));
    ListCallbacks callbacks;
    callbacks.on_item = [&discovery](workload::WorkloadSummary&& item) {
      discovery.onEvent(EventType::kAdded, item, nullptr);
      return ok();
    };
    // A restarted list replays items Discovery already saw; its deduplication absorbs them.
    std::vector<ResourcePath> collections;
    if (namespaces.empty() || kind == workload::Kind::kNode) {
      collections.push_back(ResourcePath::forKind(kind));
    } else {
      for (const auto& ns : namespaces) {
        collections.push_back(ResourcePath::forKind(kind, ns));
      }
    }
    for (const auto& collection : collections) {
      auto listed = listAll(api, collection, kind_name, options, callbacks, stop);
      if (!listed) {
        return fail(listed.error());
      }
    }
    discovery.onSynced(kind);
  }
  return std::move(sink.demands);
}

Result<std::vector<std::string>> listNamespaceNames(ApiClient& api, const ListAllOptions& options,
                                                    std::stop_token stop) {
  std::vector<workload::WorkloadSummary> items;
  RETURN_IF_ERROR(
      listInto(api, ResourcePath::namespaces(), "Namespace", options, std::move(stop), items));
  std::vector<std::string> names;
  names.reserve(items.size());
  for (auto& item : items) {
    names.push_back(std::move(item.name));
  }
  return names;
}

}  // namespace copycat::kube
