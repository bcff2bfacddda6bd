// Kubernetes Events for mirror outcomes. The controller calls EventRecorder; the kube side
// implements it (core/v1 Events). RateLimitedEventRecorder sits in between so that a target
// failing in a loop does not flood the API server.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "base/clock.h"
#include "controller/observation.h"

namespace copycat::controller {

enum class EventType { kNormal, kWarning };
std::string_view eventTypeName(EventType type);  // "Normal", "Warning"

inline constexpr std::string_view kReasonMirrored = "Mirrored";
inline constexpr std::string_view kReasonMirrorFailed = "MirrorFailed";

// Implementations are thread-safe and must not block for long (queue the API call).
class EventRecorder {
 public:
  virtual ~EventRecorder() = default;
  virtual void record(const WorkloadRef& object, EventType type, std::string_view reason,
                      std::string_view message) = 0;
};

struct EventRateLimit {
  // At most one Event per (object, reason) in this window; later ones are counted and the count
  // is appended to the next Event that passes ("(3 similar events suppressed)").
  std::chrono::nanoseconds window{std::chrono::minutes(5)};
  size_t max_keys = 10'000;  // bounds memory; the oldest windows are dropped beyond it
};

// Thread-safe. Does not own `inner` or `clock`. Calls `inner` without holding its lock.
class RateLimitedEventRecorder final : public EventRecorder {
 public:
  RateLimitedEventRecorder(EventRecorder& inner, const Clock& clock, EventRateLimit limit = {});
  void record(const WorkloadRef& object, EventType type, std::string_view reason,
              std::string_view message) override;
  [[nodiscard]] uint64_t suppressed() const;

 private:
  struct Window {
    Clock::Steady::time_point started = {};
    int suppressed = 0;
  };
  using Key = std::pair<WorkloadRef, std::string>;

  EventRecorder& inner_;
  const Clock& clock_;
  const EventRateLimit limit_;
  mutable std::mutex mu_;
  std::map<Key, Window> windows_;  // guarded by mu_
  uint64_t suppressed_total_ = 0;  // guarded by mu_
};

}  // namespace copycat::controller
