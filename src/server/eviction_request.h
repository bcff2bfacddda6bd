// Parsing of POST /admin/cache/evict requests as upstream's parseEvictionRequest does
// (cmd/manager/cache_admin.go): a JSON body {"target"|"prefix"|"all"} with unknown fields
// rejected, overridden by the query parameters ?target=, ?prefix=, ?all=; target and prefix
// together are an error; no selector means "evict everything".
#pragma once

#include <string_view>

#include "base/result.h"
#include "server/admin_backend.h"
#include "server/http_message.h"

namespace copycat::server {

// Errors (kInvalidArgument, message sent to the client as the 400 body):
// "decode request body: ..." for invalid JSON, a non-object body, an unknown field or a value
// of the wrong type; "specify either target or prefix, not both".
[[nodiscard]] Result<EvictSelector> parseEvictionRequest(const HttpRequest& request);

// Upstream's parseBool for ?all=: 1, true, yes, y, on (any case) are true, anything else false.
[[nodiscard]] bool parseQueryBool(std::string_view value);

}  // namespace copycat::server
