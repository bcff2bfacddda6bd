#include "server/admin_json.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

namespace copycat::server {

std::string formatRfc3339Nano(const std::optional<std::chrono::system_clock::time_point>& time) {
  if (!time) {
    return "0001-01-01T00:00:00Z";
  }
  using std::chrono::duration_cast;
  auto since_epoch = duration_cast<std::chrono::nanoseconds>(time->time_since_epoch());
  auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  auto nanos = (since_epoch - seconds).count();
  std::time_t tt = seconds.count();
  std::tm utc{};
  gmtime_r(&tt, &utc);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", utc.tm_year + 1900,
                                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  if (nanos > 0) {
    std::string fraction = fmt::format("{:09}", nanos);
    fraction.erase(fraction.find_last_not_of('0') + 1);
    out += "." + fraction;
  }
  return out + "Z";
}

nlohmann::ordered_json cacheEntryJson(const CacheEntry& entry) {
  return {{"target", entry.target},
          {"digest", entry.digest},
          {"lastPush", formatRfc3339Nano(entry.last_push)},
          {"inflight", entry.inflight}};
}

nlohmann::ordered_json cacheEntriesJson(std::vector<CacheEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const CacheEntry& a, const CacheEntry& b) { return a.target < b.target; });
  auto array = nlohmann::ordered_json::array();
  for (const auto& entry : entries) {
    array.push_back(cacheEntryJson(entry));
  }
  return array;
}

nlohmann::ordered_json cooldownResetJson(const CooldownResetResult& result) {
  std::string message;
  if (!result.cooldown_enabled) {
    message = "failure cooldown disabled";
  } else if (result.cleared == 0) {
    message = "no cooldown entries to reset";
  } else {
    message = "failure cooldown reset";
  }
  return {{"reset", result.cooldown_enabled && result.cleared > 0},
          {"clearedTargets", result.cleared},
          {"message", message}};
}

nlohmann::ordered_json forceReconcileJson(const ForceReconcileReply& reply) {
  // The counts belong to upstream's synchronous run; an asynchronous start has none yet.
  return {{"triggered", reply.triggered},
          {"success", reply.success},
          {"workloadsProcessed", 0},
          {"imagesMirrored", 0},
          {"message", reply.message}};
}

}  // namespace copycat::server
