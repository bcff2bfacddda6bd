// JSON bodies of the admin endpoints, in upstream k8s-copycat's shapes, so that the HTTP server
// (through the adapter in app/) answers exactly what upstream's clients parse:
//   GET  /admin/cache        {"entries":[{"target","digest","lastPush","inflight"}],"count":n}
//   POST /admin/cache/evict  {"removed":[...],"remaining":n,"entries":[...]}
//   POST /reset-cooldown     {"reset":bool,"clearedTargets":n,"message":"..."}
// (cmd/manager/cache_admin.go, cmd/manager/http_handlers.go). Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "controller/controller.h"
#include "controller/failure_cooldown.h"
#include "controller/push_cache.h"

namespace copycat::controller {

// Go's time.Time JSON form (RFC 3339 with nanoseconds, trailing zeros dropped, UTC "Z");
// the zero time_point is written as Go's zero time "0001-01-01T00:00:00Z".
std::string formatRfc3339Nano(Clock::Wall::time_point t);

nlohmann::json cacheEntryJson(const CacheEntry& entry);
nlohmann::json cacheStateJson(const std::vector<CacheEntry>& entries);
nlohmann::json evictionJson(const EvictionResult& result);
nlohmann::json cooldownResetJson(const CooldownResetResult& result);

// Reads an eviction request like upstream's parseEvictionRequest: a JSON body
// {"target","prefix","all"} (unknown fields rejected; an empty body is fine), overridden by the
// query parameters target and prefix; values are trimmed. Target and
// prefix together are kInvalidArgument; neither means all.
Result<EvictSelector> parseEvictSelector(std::string_view body,
                                         const std::map<std::string, std::string>& query);

}  // namespace copycat::controller
