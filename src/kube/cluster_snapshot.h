// `copycat plan` against a live cluster: one paginated LIST per kind (and namespace), no
// per-object GETs, read with the reflectors' list code, so the summaries are exactly those the
// controller would see.
#pragma once

#include <stop_token>
#include <string>
#include <vector>

#include "base/result.h"
#include "kube/api_client.h"
#include "kube/discovery.h"
#include "kube/list_pager.h"
#include "policy/workload_filter.h"
#include "workload/workload.h"

namespace copycat::kube {

// Lists every object of `kinds` in `namespaces` (empty = all namespaces, one cluster-wide LIST
// per kind), in kind order, then namespace order, then server order. Cluster-scoped kinds
// (Node) are listed once. Errors: the first failing LIST, with the kind and namespace in the
// message; kCancelled.
[[nodiscard]] Result<std::vector<workload::WorkloadSummary>> listWorkloads(
    ApiClient& api, const std::vector<workload::Kind>& kinds,
    const std::vector<std::string>& namespaces, const ListAllOptions& options = {},
    std::stop_token stop = {});

// The demands Discovery produces for the cluster as it is now, without watching: the LISTs a
// ClusterWatcher would make (watched kinds, the replicaset/job owner indexes, nodes when
// `with_nodes`), streamed through a Discovery in dependency order (nodes, owner indexes,
// workloads, pods last), so `copycat plan` and the controller attribute images identically.
// Objects are never held: each item goes to Discovery as it is parsed. `namespaces` as in
// listWorkloads(). Errors: the first failing LIST; kCancelled.
[[nodiscard]] Result<std::vector<ImageDemand>> snapshotDemands(
    ApiClient& api, const policy::WorkloadFilter& filter,
    const std::vector<std::string>& namespaces, bool with_nodes, const ListAllOptions& options = {},
    std::stop_token stop = {});

// The names of every namespace (for NamespaceSelection::resolve).
[[nodiscard]] Result<std::vector<std::string>> listNamespaceNames(
    ApiClient& api, const ListAllOptions& options = {}, std::stop_token stop = {});

}  // namespace copycat::kube
