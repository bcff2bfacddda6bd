// Paginated LIST ("API Concepts" → "Retrieving large results sets in chunks"): pages of
// `limit` objects chained by continue tokens, every item streamed through ListPageParser. An
// expired continue token (410 "Expired") restarts the list from its first page, as client-go's
// pager does when it cannot fall back to a full list. Shared by the reflectors and
// cluster_snapshot.
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>

#include "base/result.h"
#include "kube/api_client.h"
#include "kube/resource_path.h"
#include "workload/workload.h"

namespace copycat::kube {

struct ListAllOptions {
  int64_t page_size = 500;
  int max_restarts = 5;  // expired-token restarts before giving up with the 410
};

struct ListAllResult {
  std::string resource_version;  // of the snapshot the pages came from
  uint64_t items = 0;
  uint64_t pages = 0;
  int restarts = 0;
};

struct ListCallbacks {
  // Every item, in server order. An error aborts the list.
  std::function<Status(workload::WorkloadSummary&& item)> on_item;
  // Called before a restart: the items seen so far belonged to a list that will be redone.
  std::function<void()> on_restart;
};

// Lists `collection` completely. `default_kind` is the items' kind ("Pod"). Errors: the API
// errors (410 after max_restarts), kProtocol for malformed bodies, kCancelled.
[[nodiscard]] Result<ListAllResult> listAll(ApiClient& api, const ResourcePath& collection,
                                            std::string_view default_kind,
                                            const ListAllOptions& options,
                                            const ListCallbacks& callbacks, std::stop_token stop);

}  // namespace copycat::kube
