// REST paths of the Kubernetes API ("API Concepts" → "Resource URIs"): the core group lives
// under /api/v1, every other group under /apis/<group>/<version>.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "workload/workload.h"

namespace copycat::kube {

// Names one collection or one object. A value type.
struct ResourcePath {
  std::string group;  // "" for the core group, "apps", "batch", "coordination.k8s.io", ...
  std::string version = "v1";
  std::string resource;        // plural, lower case: "pods", "leases"
  std::string namespace_name;  // "" for cluster-scoped resources and all-namespace collections
  std::string name;            // "" for a collection
  std::string subresource;     // "status", ... ("" for the object itself)

  // "/api/v1/namespaces/ns/pods/name", "/apis/apps/v1/deployments". Segments are
  // percent-encoded.
  [[nodiscard]] std::string str() const;

  // The built-in kind's resource (Pod, Deployment, ..., Node) in `namespace_name` ("" = all
  // namespaces, or cluster-scoped). kOther yields an empty resource.
  [[nodiscard]] static ResourcePath forKind(workload::Kind kind, std::string namespace_name = {},
                                            std::string name = {});
  // /api/v1/namespaces (or one namespace object when `name` is set).
  [[nodiscard]] static ResourcePath namespaces(std::string name = {});

  // A copy naming one object of this collection.
  [[nodiscard]] ResourcePath withName(std::string object_name) const;
};

// LIST parameters ("API Concepts" → "Retrieving large results sets in chunks").
struct ListOptions {
  int64_t limit = 0;                     // 0 = no limit
  std::string continue_token{};          // from the previous page's metadata.continue
  std::string resource_version{};        // "" = most recent (a consistent read from etcd)
  std::string resource_version_match{};  // "", "Exact", "NotOlderThan"
};

// WATCH parameters ("API Concepts" → "Efficient detection of changes").
struct WatchOptions {
  std::string resource_version{};  // start after this version; "" or "0" = any
  bool allow_bookmarks = true;
  int64_t timeout_seconds = 0;  // server-side timeout; 0 = the server's default
};

// "?limit=500&continue=..." (empty when nothing is set).
[[nodiscard]] std::string listQuery(const ListOptions& options);
// "?watch=true&resourceVersion=...&allowWatchBookmarks=true&timeoutSeconds=..."
[[nodiscard]] std::string watchQuery(const WatchOptions& options);

}  // namespace copycat::kube
