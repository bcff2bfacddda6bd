// WATCH streams: newline-delimited JSON events ({"type":"ADDED","object":{...}}) arriving in
// chunks that split events anywhere ("API Concepts" → "Efficient detection of changes",
// "Watch bookmarks"). Each complete line is read with simdjson On-Demand; the object becomes a
// WorkloadSummary, an ERROR event's Status an Error.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "base/result.h"
#include "workload/workload.h"

namespace copycat::kube {

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };
std::string_view watchEventTypeName(WatchEventType type);  // "ADDED", ...

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  // ADDED/MODIFIED/DELETED: the object; BOOKMARK: only resource_version (and kind) are set.
  workload::WorkloadSummary object;
  Error error;  // ERROR: the Status (http_status = Status.code, 410 for "Expired")
};

// Decodes one event line. `line` must be padded (simdjson::SIMDJSON_PADDING readable bytes
// past its end). `default_kind` applies to objects without a kind. Errors: kProtocol for
// invalid JSON, a missing type/object or an unknown type; the extractor's errors.
[[nodiscard]] Result<WatchEvent> decodeWatchEvent(simdjson::ondemand::parser& parser,
                                                  simdjson::padded_string_view line,
                                                  std::string_view default_kind);

// Splits a watch body into lines and decodes them. Not thread-safe; one per watch.
class WatchStreamDecoder {
 public:
  // Returning an error from the handler stops decoding; feed() returns that error.
  using EventHandler = std::function<Status(WatchEvent& event)>;

  WatchStreamDecoder(std::string default_kind, EventHandler handler,
                     size_t max_event_bytes = 16 * 1024 * 1024);

  // Consumes the next chunk; decodes every line it completes. Errors: a line over
  // max_event_bytes (kProtocol), decoding errors, the handler's.
  [[nodiscard]] Status feed(std::string_view chunk);
  // The stream ended: a last line without its newline is decoded too.
  [[nodiscard]] Status finish();
  // Forgets a partial line (a new stream starts).
  void reset() { line_.clear(); }

  [[nodiscard]] uint64_t eventCount() const { return events_; }

 private:
  Status decodeLine();

  const std::string default_kind_;
  const EventHandler handler_;
  const size_t max_event_bytes_;
  simdjson::ondemand::parser parser_;
  std::string line_;  // the partial line; capacity reused across events
  uint64_t events_ = 0;
};

}  // namespace copycat::kube
