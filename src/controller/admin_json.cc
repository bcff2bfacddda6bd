#include "controller/admin_json.h"

#include <ctime>

#include <fmt/format.h>

#include "base/strings.h"

namespace copycat::controller {
namespace {

using nlohmann::json;

}  // namespace

std::string formatRfc3339Nano(Clock::Wall::time_point t) {
  if (t == Clock::Wall::time_point{}) {
    return "0001-01-01T00:00:00Z";
  }
  const auto ns_total = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
  auto secs = std::chrono::floor<std::chrono::seconds>(ns_total);
  int64_t nanos = (ns_total - secs).count();
  std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (nanos > 0) {
    std::string frac = fmt::format("{:09}", nanos);
    frac.erase(frac.find_last_not_of('0') + 1);
    out += "." + frac;
  }
  return out + "Z";
}

json cacheEntryJson(const CacheEntry& entry) {
  return json{{"target", entry.target},
              {"digest", entry.digest},
              {"lastPush", formatRfc3339Nano(entry.last_push)},
              {"inflight", entry.inflight}};
}

json cacheStateJson(const std::vector<CacheEntry>& entries) {
  json list = json::array();
  for (const auto& e : entries) {
    list.push_back(cacheEntryJson(e));
  }
  return json{{"entries", std::move(list)}, {"count", entries.size()}};
}

json evictionJson(const EvictionResult& result) {
  json list = json::array();
  for (const auto& e : result.entries) {
    list.push_back(cacheEntryJson(e));
  }
  // Go encodes a nil slice as null: upstream answers "removed":null when nothing matched.
  json removed = result.removed.empty() ? json(nullptr) : json(result.removed);
  return json{{"removed", std::move(removed)},
              {"remaining", result.remaining},
              {"entries", std::move(list)}};
}

json cooldownResetJson(const CooldownResetResult& result) {
  return json{{"reset", result.reset},
              {"clearedTargets", result.cleared_targets},
              {"message", result.message}};
}

Result<EvictSelector> parseEvictSelector(std::string_view body,
                                         const std::map<std::string, std::string>& query) {
  std::string target;
  std::string prefix;
  // "all" is accepted but changes nothing: without target or prefix everything is evicted anyway
  // (upstream sets All when both are empty and defaults to evicting everything).
  if (!strings::trim(body).empty()) {
    auto doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) {
      return fail(ErrorCode::kInvalidArgument, "decode request body: invalid JSON object");
    }
    for (const auto& [name, value] : doc.items()) {
      if (name == "target" && value.is_string()) {
        target = value.get<std::string>();
      } else if (name == "prefix" && value.is_string()) {
        prefix = value.get<std::string>();
      } else if (name == "all" && value.is_boolean()) {
        continue;
      } else {
        return fail(ErrorCode::kInvalidArgument,
                    fmt::format("decode request body: unknown or mistyped field \"{}\"", name));
      }
    }
  }
  if (auto it = query.find("target"); it != query.end() && !strings::trim(it->second).empty()) {
    target = it->second;
  }
  if (auto it = query.find("prefix"); it != query.end() && !strings::trim(it->second).empty()) {
    prefix = it->second;
  }
  target = std::string(strings::trim(target));
  prefix = std::string(strings::trim(prefix));
  if (!target.empty() && !prefix.empty()) {
    return fail(ErrorCode::kInvalidArgument, "specify either target or prefix, not both");
  }
  if (!target.empty()) {
    return EvictSelector{.scope = EvictScope::kTarget, .value = target};
  }
  if (!prefix.empty()) {
    return EvictSelector{.scope = EvictScope::kPrefix, .value = prefix};
  }
  return EvictSelector{.scope = EvictScope::kAll, .value = {}};
}

}  // namespace copycat::controller
