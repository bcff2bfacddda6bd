// JSON shapes of the admin endpoints, field for field as upstream's Go structs encode them
// (cmd/manager/cache_admin.go, http_handlers.go).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/admin_backend.h"

namespace copycat::server {

// Go's time.Time JSON encoding (RFC 3339 with nanoseconds, trailing zeros trimmed) in UTC:
// "2024-05-01T12:00:00.5Z". nullopt is Go's zero time, "0001-01-01T00:00:00Z".
[[nodiscard]] std::string formatRfc3339Nano(
    const std::optional<std::chrono::system_clock::time_point>& time);

// {"target","digest","lastPush","inflight"}.
[[nodiscard]] nlohmann::ordered_json cacheEntryJson(const CacheEntry& entry);
// An array of entries sorted by target.
[[nodiscard]] nlohmann::ordered_json cacheEntriesJson(std::vector<CacheEntry> entries);

// {"reset","clearedTargets","message"} with upstream's messages.
[[nodiscard]] nlohmann::ordered_json cooldownResetJson(const CooldownResetResult& result);

// {"triggered","success","workloadsProcessed","imagesMirrored","message"}.
struct ForceReconcileReply {
  bool triggered = false;
  bool success = false;
  std::string message{};
};
[[nodiscard]] nlohmann::ordered_json forceReconcileJson(const ForceReconcileReply& reply);

}  // namespace copycat::server
