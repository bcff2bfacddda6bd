#include "kube/watch_stream.h"

#include <cstring>
#include <utility>

#include "kube/api_status.h"
#include "workload/summary_extractor.h"

namespace copycat::kube {

std::string_view watchEventTypeName(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
    case WatchEventType::kError:
      return "ERROR";
  }
  return "ERROR";
}

namespace {

constexpr size_t kKeepBufferBytes = 256 * 1024;

Error badEvent(std::string_view what) {
  return Error(ErrorCode::kProtocol, "malformed watch event: " + std::string(what));
}

Result<WatchEventType> parseType(std::string_view text) {
  if (text == "ADDED") return WatchEventType::kAdded;
  if (text == "MODIFIED") return WatchEventType::kModified;
  if (text == "DELETED") return WatchEventType::kDeleted;
  if (text == "BOOKMARK") return WatchEventType::kBookmark;
  if (text == "ERROR") return WatchEventType::kError;
  return fail(badEvent("unknown type \"" + std::string(text.substr(0, 32)) + "\""));
}

}  // namespace

Result<WatchEvent> decodeWatchEvent(simdjson::ondemand::parser& parser,
                                    simdjson::padded_string_view line,
                                    std::string_view default_kind) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object root;
  if (auto error = parser.iterate(line).get(doc); error != simdjson::SUCCESS) {
    return fail(badEvent(simdjson::error_message(error)));
  }
  if (auto error = doc.get_object().get(root); error != simdjson::SUCCESS) {
    return fail(badEvent(simdjson::error_message(error)));
  }
  // The API server writes "type" first; find_field_unordered also copes with any order.
  std::string_view type_text;
  if (root.find_field_unordered("type").get_string().get(type_text) != simdjson::SUCCESS) {
    return fail(badEvent("no string \"type\""));
  }
  WatchEvent event;
  ASSIGN_OR_RETURN(event.type, parseType(type_text));
  simdjson::ondemand::value object;
  if (root.find_field_unordered("object").get(object) != simdjson::SUCCESS) {
    return fail(badEvent("no \"object\""));
  }
  if (event.type == WatchEventType::kError) {
    std::string_view raw;
    simdjson::ondemand::object status;
    if (object.get_object().get(status) != simdjson::SUCCESS ||
        status.raw_json().get(raw) != simdjson::SUCCESS) {
      return fail(badEvent("ERROR object is not JSON"));
    }
    event.error = statusObjectError("watch", raw);
    return event;
  }
  auto summary = workload::extractSummary(object, default_kind);
  if (!summary) {
    return fail(summary.error().withContext(std::string("watch ") +
                                            std::string(watchEventTypeName(event.type))));
  }
  event.object = std::move(*summary);
  return event;
}

WatchStreamDecoder::WatchStreamDecoder(std::string default_kind, EventHandler handler,
                                       size_t max_event_bytes)
    : default_kind_(std::move(default_kind)),
      handler_(std::move(handler)),
      max_event_bytes_(max_event_bytes) {}

Status WatchStreamDecoder::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    const void* found = std::memchr(chunk.data(), '\n', chunk.size());
    const size_t take =
        found == nullptr ? chunk.size() : static_cast<const char*>(found) - chunk.data();
    if (line_.size() + take > max_event_bytes_) {
      return fail(badEvent("event exceeds " + std::to_string(max_event_bytes_) + " bytes"));
    }
    line_.append(chunk.data(), take);
    if (found == nullptr) {
      return ok();
    }
    chunk.remove_prefix(take + 1);
    RETURN_IF_ERROR(decodeLine());
  }
  return ok();
}

Status WatchStreamDecoder::finish() { return decodeLine(); }

Status WatchStreamDecoder::decodeLine() {
  size_t end = line_.size();
  while (end > 0 && (line_[end - 1] == '\r' || line_[end - 1] == ' ' || line_[end - 1] == '\t')) {
    --end;
  }
  if (end == 0) {
    line_.clear();
    return ok();
  }
  line_.reserve(line_.size() + simdjson::SIMDJSON_PADDING);
  auto event = decodeWatchEvent(
      parser_, simdjson::padded_string_view(line_.data(), end, line_.capacity()), default_kind_);
  line_.clear();
  if (line_.capacity() > kKeepBufferBytes) {
    line_.shrink_to_fit();  // one huge event must not pin its buffer for the watch's lifetime
  }
  if (!event) {
    return fail(event.error());
  }
  ++events_;
  return handler_(*event);
}

}  // namespace copycat::kube
