// Writes core/v1 Events about workloads, like client-go's event broadcaster and recorder:
// write() only queues (bounded; never blocks, drops with a counter when full) and one thread
// POSTs. Repeats of an identical Event (same object, type, reason and message) within the
// aggregation window increase `count` and `lastTimestamp` on the Event already written, with a
// JSON merge patch (RFC 7386). A server that refuses PATCH (405) gets a new Event per repeat
// from then on; an Event that is gone (404, expired) is created again with its count, as
// client-go does.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "base/clock.h"
#include "base/result.h"
#include "kube/api_client.h"
#include "workload/workload.h"

namespace copycat::kube {

// core/v1 ObjectReference: the Event's involvedObject.
struct ObjectReference {
  std::string api_version;     // "apps/v1", "v1"
  std::string kind;            // "Deployment"
  std::string namespace_name;  // "" for cluster-scoped objects (their Events go to "default")
  std::string name;
  std::string uid;  // optional

  friend bool operator==(const ObjectReference&, const ObjectReference&) = default;
};

// The reference to an object of a built-in kind; apiVersion follows the kind's group.
ObjectReference objectReference(workload::Kind kind, std::string namespace_name, std::string name,
                                std::string uid = {});

// An Event's `type`.
enum class EventSeverity { kNormal, kWarning };
std::string_view eventSeverityName(EventSeverity severity);  // "Normal", "Warning"

// Counters, copied out as plain values (metrics, tests).
struct EventWriterStats {
  uint64_t accepted = 0;         // queued by write()
  uint64_t dropped = 0;          // refused by write(): queue full, or the writer stopped
  uint64_t created = 0;          // Events POSTed
  uint64_t patched = 0;          // repeats counted on an existing Event
  uint64_t patch_fallbacks = 0;  // PATCH answered 405 or 404, so an Event was created instead
  uint64_t failed = 0;           // Events lost to API or transport errors
};

// Thread-safe: write() and stats() may be called from any thread. The writer thread starts in
// the constructor. Does not own `client` or `clock`, which must outlive it.
class EventWriter {
 public:
  struct Options {
    std::string component = "k8s-copycat";  // source.component and reportingComponent
    // This replica (podName()): reportingInstance. With it, Events also carry eventTime; the
    // API server requires reportingInstance on Events that set eventTime.
    std::string reporting_instance;
    size_t queue_capacity = 1000;
    std::chrono::nanoseconds aggregation_window = std::chrono::minutes(10);
    size_t cache_size = 4096;  // Events remembered for aggregation (client-go's LRU size)
    // Tries per API call on transport errors (no HTTP status); API errors are final, as in
    // client-go's recordToSink.
    int max_attempts = 3;
    std::chrono::milliseconds retry_delay{1000};
  };

  EventWriter(ApiClient& client, Clock& clock, Options options);
  ~EventWriter();  // stop()
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // Queues an Event; returns at once. False (counted in `dropped`) when the queue is full or
  // the writer stopped. The reason is cut to 128 bytes and the message to 1024 (API limits).
  bool write(const ObjectReference& object, EventSeverity severity, std::string_view reason,
             std::string_view message);
  // Waits until the queue is empty and no request is in flight; false on timeout.
  bool waitIdle(std::chrono::milliseconds timeout);
  // Cancels the request in flight, drops (and counts) what is still queued and joins.
  // Idempotent.
  void stop();

  [[nodiscard]] EventWriterStats stats() const;

 private:
  // One write() call, stamped when it was made.
  struct Pending {
    ObjectReference object;
    EventSeverity severity = EventSeverity::kNormal;
    std::string reason;
    std::string message;
    Clock::Wall::time_point at;
    Clock::Steady::time_point seen;
  };
  // An Event on the server that repeats are counted on.
  struct Written {
    std::string namespace_name;
    std::string name;
    int count = 1;
    Clock::Wall::time_point first;
    Clock::Steady::time_point last_seen;
  };
  using Lru = std::list<std::pair<std::string, Written>>;

  void run(std::stop_token stop);
  void process(const Pending& event, std::stop_token stop);
  enum class PatchOutcome {
    kDone,         // counted, or failed for good
    kGone,         // 404: create it again under its name
    kUnsupported,  // 405: create a new Event
  };
  // Counts a repeat on the Event already written.
  PatchOutcome patchRepeat(const Pending& event, Written& written, std::stop_token stop);
  Status createEvent(const Pending& event, const Written& written, std::stop_token stop);
  Result<std::string> withRetries(const std::function<Result<std::string>()>& call,
                                  std::stop_token stop);
  std::string nextName(const ObjectReference& object, Clock::Wall::time_point at);
  Written* lookup(const std::string& key);
  void remember(const std::string& key, Written written);

  ApiClient& client_;
  Clock& clock_;
  const Options options_;

  // Writer thread only.
  Lru lru_;
  std::unordered_map<std::string, Lru::iterator> index_;
  bool patch_supported_ = true;
  int64_t last_suffix_ = 0;

  mutable std::mutex mu_;
  std::condition_variable_any queued_cv_;
  std::condition_variable_any idle_cv_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool in_flight_ = false;     // guarded by mu_
  bool stopped_ = false;       // guarded by mu_

  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> created_{0};
  std::atomic<uint64_t> patched_{0};
  std::atomic<uint64_t> patch_fallbacks_{0};
  std::atomic<uint64_t> failed_{0};

  std::jthread thread_;  // last: starts after every member above exists
};

}  // namespace copycat::kube
