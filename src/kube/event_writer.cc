#include "kube/event_writer.h"

#include <cstdio>
#include <cstdlib>
#include <exception>

#include <nlohmann/json.hpp>
#include <pthread.h>

#include "base/log.h"
#include "kube/api_status.h"
#include "kube/lease_lock.h"
#include "kube/rate_limiter.h"

namespace copycat::kube {
namespace {

// Field limits the API server enforces on Events with eventTime (core validation, events.go).
constexpr size_t kMaxReasonBytes = 128;
constexpr size_t kMaxMessageBytes = 1024;
constexpr size_t kMaxNameBytes = 253;  // a DNS subdomain

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string cutUtf8(std::string_view text, size_t limit) {
  if (text.size() <= limit) {
    return std::string(text);
  }
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;  // text[end] continues a sequence: cut before the sequence starts
  }
  return std::string(text.substr(0, end));
}

std::string eventNamespace(const ObjectReference& object) {
  return object.namespace_name.empty() ? "default" : object.namespace_name;
}

ResourcePath eventsPath(const std::string& namespace_name, std::string name = {}) {
  return ResourcePath{"", "v1", "events", namespace_name, std::move(name), ""};
}

nlohmann::json referenceJson(const ObjectReference& object) {
  nlohmann::json ref = nlohmann::json::object();
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) {
      ref[key] = value;
    }
  };
  put("apiVersion", object.api_version);
  put("kind", object.kind);
  put("namespace", object.namespace_name);
  put("name", object.name);
  put("uid", object.uid);
  return ref;
}

// client-go getEventKey: everything that makes two Events "the same".
std::string eventKey(const ObjectReference& o, EventSeverity severity, const std::string& reason,
                     const std::string& message) {
  std::string key;
  for (const std::string* part :
       {&o.api_version, &o.kind, &o.namespace_name, &o.name, &o.uid, &reason}) {
    key += *part;
    key += '\n';
  }
  key += eventSeverityName(severity);
  key += '\n';
  return key + message;
}

bool isTransportError(const Error& error) {
  return error.http_status == 0 && error.code != ErrorCode::kCancelled && error.isRetryable();
}

}  // namespace

ObjectReference objectReference(workload::Kind kind, std::string namespace_name, std::string name,
                                std::string uid) {
  std::string_view group = workload::apiGroup(kind);
  return ObjectReference{group.empty() ? "v1" : std::string(group) + "/v1",
                         std::string(workload::kindName(kind)), std::move(namespace_name),
                         std::move(name), std::move(uid)};
}

std::string_view eventSeverityName(EventSeverity severity) {
  return severity == EventSeverity::kWarning ? "Warning" : "Normal";
}

EventWriter::EventWriter(ApiClient& client, Clock& clock, Options options)
    : client_(client), clock_(clock), options_(std::move(options)) {
  thread_ = std::jthread([this](std::stop_token stop) {
    pthread_setname_np(pthread_self(), "event-writer");
    try {
      run(std::move(stop));
    } catch (const std::exception& e) {
      LOG_ERROR("kube", "event writer thread failed", {{"error", e.what()}});
      std::abort();
    }
  });
}

EventWriter::~EventWriter() { stop(); }

bool EventWriter::write(const ObjectReference& object, EventSeverity severity,
                        std::string_view reason, std::string_view message) {
  Pending event{object,
                severity,
                cutUtf8(reason, kMaxReasonBytes),
                cutUtf8(message, kMaxMessageBytes),
                clock_.wallNow(),
                clock_.now()};
  uint64_t dropped_before = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_ || queue_.size() >= options_.queue_capacity) {
      dropped_before = dropped_.fetch_add(1);
    } else {
      queue_.push_back(std::move(event));
      accepted_.fetch_add(1);
      queued_cv_.notify_one();
      return true;
    }
  }
  if (dropped_before == 0) {
    LOG_WARN("kube", "event queue full, dropping events",
             {{"queue_capacity", options_.queue_capacity}});
  }
  return false;
}

bool EventWriter::waitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [&] { return queue_.empty() && !in_flight_; });
}

void EventWriter::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
  }
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

EventWriterStats EventWriter::stats() const {
  return EventWriterStats{accepted_.load(), dropped_.load(),         created_.load(),
                          patched_.load(),  patch_fallbacks_.load(), failed_.load()};
}

void EventWriter::run(std::stop_token stop) {
  while (true) {
    Pending event;
    {
      std::unique_lock<std::mutex> lock(mu_);
      queued_cv_.wait(lock, stop, [&] { return !queue_.empty(); });
      if (stop.stop_requested()) {
        dropped_.fetch_add(queue_.size());
        queue_.clear();
        break;
      }
      event = std::move(queue_.front());
      queue_.pop_front();
      in_flight_ = true;
    }
    process(event, stop);
    {
      std::lock_guard<std::mutex> lock(mu_);
      in_flight_ = false;
    }
    idle_cv_.notify_all();
  }
  idle_cv_.notify_all();
}

void EventWriter::process(const Pending& event, std::stop_token stop) {
  const std::string key = eventKey(event.object, event.severity, event.reason, event.message);
  Written* seen = lookup(key);
  if (seen != nullptr && patch_supported_ &&
      event.seen - seen->last_seen <= options_.aggregation_window) {
    switch (patchRepeat(event, *seen, stop)) {
      case PatchOutcome::kDone:
        return;
      case PatchOutcome::kGone: {
        // The Event expired or was deleted: write it again under its name with the count so
        // far (client-go recordEvent).
        Written again = *seen;
        if (createEvent(event, again, stop)) {
          remember(key, std::move(again));
        }
        return;
      }
      case PatchOutcome::kUnsupported:
        break;  // a new Event instead
    }
  }
  Written fresh{eventNamespace(event.object), nextName(event.object, event.at), 1, event.at,
                event.seen};
  if (createEvent(event, fresh, stop)) {
    remember(key, std::move(fresh));
  }
}

EventWriter::PatchOutcome EventWriter::patchRepeat(const Pending& event, Written& written,
                                                   std::stop_token stop) {
  const int count = written.count + 1;
  nlohmann::json patch = {
      {"count", count}, {"lastTimestamp", formatTime(event.at)}, {"message", event.message}};
  auto result = withRetries(
      [&] {
        return client_.patch(eventsPath(written.namespace_name, written.name), PatchType::kMerge,
                             patch.dump(), stop);
      },
      stop);
  const int status = result ? 200 : result.error().http_status;
  if (result || status == 404) {
    written.count = count;
    written.last_seen = event.seen;
  }
  if (result) {
    patched_.fetch_add(1);
    return PatchOutcome::kDone;
  }
  if (status == 405 || status == 404) {
    patch_fallbacks_.fetch_add(1);
    LOG_DEBUG("kube", "event patch refused, creating an event instead",
              {{"http_status", status}, {"event", written.name}});
    if (status == 405) {
      patch_supported_ = false;  // the server has no PATCH: every repeat becomes a new Event
      return PatchOutcome::kUnsupported;
    }
    return PatchOutcome::kGone;
  }
  // The repeat is lost; the next one tries again with the count the server has.
  failed_.fetch_add(1);
  LOG_WARN("kube", "cannot update event",
           {{"event", written.name},
            {"namespace", written.namespace_name},
            {"error", result.error().message}});
  return PatchOutcome::kDone;
}

Status EventWriter::createEvent(const Pending& event, const Written& written,
                                std::stop_token stop) {
  nlohmann::json body = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", written.name}, {"namespace", written.namespace_name}}},
      {"involvedObject", referenceJson(event.object)},
      {"reason", event.reason},
      {"message", event.message},
      {"type", eventSeverityName(event.severity)},
      {"source", {{"component", options_.component}}},
      {"firstTimestamp", formatTime(written.first)},
      {"lastTimestamp", formatTime(event.at)},
      {"count", written.count},
      {"reportingComponent", options_.component},
  };
  if (!options_.reporting_instance.empty()) {
    body["eventTime"] = formatMicroTime(written.first);
    body["reportingInstance"] = options_.reporting_instance;
  }
  auto result = withRetries(
      [&] { return client_.create(eventsPath(written.namespace_name), body.dump(), stop); }, stop);
  // A retried POST may find its own first attempt (client-go also treats AlreadyExists as done).
  if (result || isAlreadyExists(result.error())) {
    created_.fetch_add(1);
    return ok();
  }
  failed_.fetch_add(1);
  if (result.error().code != ErrorCode::kCancelled) {  // cancelled: shutting down
    LOG_WARN("kube", "cannot write event",
             {{"event", written.name},
              {"namespace", written.namespace_name},
              {"reason", event.reason},
              {"error", result.error().message}});
  }
  return fail(result.error());
}

Result<std::string> EventWriter::withRetries(const std::function<Result<std::string>()>& call,
                                             std::stop_token stop) {
  Result<std::string> result = call();
  for (int attempt = 1; attempt < options_.max_attempts && !result &&
                        isTransportError(result.error()) && sleepFor(options_.retry_delay, stop);
       ++attempt) {
    result = call();
  }
  return result;
}

std::string EventWriter::nextName(const ObjectReference& object, Clock::Wall::time_point at) {
  // client-go: "<name>.<unix nanoseconds in hex>"; kept strictly increasing so two Events in
  // the same clock tick never collide.
  int64_t suffix =
      std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
  suffix = std::max(suffix, last_suffix_ + 1);
  last_suffix_ = suffix;
  char hex[24];
  std::snprintf(hex, sizeof(hex), ".%llx", static_cast<unsigned long long>(suffix));
  std::string prefix = object.name.empty() ? std::string("object") : object.name;
  prefix.resize(std::min(prefix.size(), kMaxNameBytes - std::string_view(hex).size()));
  return prefix + hex;
}

EventWriter::Written* EventWriter::lookup(const std::string& key) {
  auto it = index_.find(key);
  if (it == index_.end()) {
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->second;
}

void EventWriter::remember(const std::string& key, Written written) {
  if (Written* existing = lookup(key)) {
    *existing = std::move(written);
    return;
  }
  lru_.emplace_front(key, std::move(written));
  index_[key] = lru_.begin();
  if (lru_.size() > options_.cache_size) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

}  // namespace copycat::kube
