#include "kube/list_pager.h"

#include <utility>

#include "base/log.h"
#include "kube/api_status.h"
#include "kube/list_page_parser.h"

namespace copycat::kube {

Result<ListAllResult> listAll(ApiClient& api, const ResourcePath& collection,
                              std::string_view default_kind, const ListAllOptions& options,
                              const ListCallbacks& callbacks, std::stop_token stop) {
  ListAllResult result;
  ListPageParser parser(std::string(default_kind), callbacks.on_item);
  const http::BodySink sink = [&parser](std::string_view chunk) { return parser.feed(chunk); };
  ListOptions page;
  page.limit = options.page_size;
  while (true) {
    parser.reset();
    Status status = api.list(collection, page, sink, stop);
    Result<ListMetadata> metadata =
        status ? parser.finish() : Result<ListMetadata>(fail(status.error()));
    if (!metadata) {
      const Error& error = metadata.error();
      if (isGone(error) && !page.continue_token.empty() && result.restarts < options.max_restarts) {
        LOG_INFO("kube", "continue token expired, restarting the list",
                 {{"resource", collection.resource}, {"namespace", collection.namespace_name}});
        ++result.restarts;
        result.items = 0;
        result.pages = 0;
        page.continue_token.clear();
        if (callbacks.on_restart) {
          callbacks.on_restart();
        }
        continue;
      }
      return fail(error);
    }
    ++result.pages;
    result.items += parser.itemCount();
    result.resource_version = std::move(metadata->resource_version);
    if (metadata->continue_token.empty()) {
      return result;
    }
    page.continue_token = std::move(metadata->continue_token);
  }
}

}  // namespace copycat::kube
