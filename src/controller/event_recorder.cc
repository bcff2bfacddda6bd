#include "controller/event_recorder.h"

#include <fmt/format.h>

namespace copycat::controller {

std::string_view eventTypeName(EventType type) {
  return type == EventType::kWarning ? "Warning" : "Normal";
}

RateLimitedEventRecorder::RateLimitedEventRecorder(EventRecorder& inner, const Clock& clock,
                                                   EventRateLimit limit)
    : inner_(inner), clock_(clock), limit_(limit) {}

void RateLimitedEventRecorder::record(const WorkloadRef& object, EventType type,
                                      std::string_view reason, std::string_view message) {
  const auto now = clock_.now();
  int suppressed = 0;
  {
    std::lock_guard lock(mu_);
    Key key{object, std::string(reason)};
    auto it = windows_.find(key);
    if (it != windows_.end() && now - it->second.started < limit_.window) {
      ++it->second.suppressed;
      ++suppressed_total_;
      return;
    }
    if (it != windows_.end()) {
      suppressed = it->second.suppressed;
      it->second = Window{.started = now};
    } else {
      if (windows_.size() >= limit_.max_keys) {
        std::erase_if(windows_,
                      [&](const auto& w) { return now - w.second.started >= limit_.window; });
        if (windows_.size() >= limit_.max_keys) {
          windows_.erase(windows_.begin());
        }
      }
      windows_.emplace(std::move(key), Window{.started = now});
    }
  }
  if (suppressed == 0) {
    inner_.record(object, type, reason, message);
    return;
  }
  inner_.record(object, type, reason,
                fmt::format("{} ({} similar events suppressed)", message, suppressed));
}

uint64_t RateLimitedEventRecorder::suppressed() const {
  std::lock_guard lock(mu_);
  return suppressed_total_;
}

}  // namespace copycat::controller
