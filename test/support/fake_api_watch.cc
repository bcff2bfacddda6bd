// FakeApiServer WATCH: a chunked stream of newline-delimited JSON events, as the API server's
// watch cache serves it ("API Concepts" → "Efficient detection of changes", "Watch bookmarks").
#include <algorithm>
#include <memory>

#include "base/clock.h"
#include "support/fake_api_server_internal.h"

namespace copycat::testing {

using fakeapi::ApiError;
using fakeapi::apiError;
using Steady = std::chrono::steady_clock;

namespace {

constexpr size_t kBatchEvents = 256;
constexpr size_t kChunkBytes = 256 << 10;

std::string eventLine(std::string_view type, const std::string& object) {
  std::string line;
  line.reserve(object.size() + 32);
  line += "{\"type\":\"";
  line += type;
  line += "\",\"object\":";
  line += object;
  line += "}\n";
  return line;
}

std::string bookmarkLine(const fakeapi::ResourceInfo& r, uint64_t rv, bool initial_events_end) {
  std::string meta = "{\"resourceVersion\":\"" + std::to_string(rv) + "\"";
  if (initial_events_end) {
    meta += ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}";
  }
  meta += "}";
  return eventLine("BOOKMARK", "{\"kind\":\"" + std::string(r.kind) + "\",\"apiVersion\":\"" +
                                   r.apiVersion() + "\",\"metadata\":" + meta + "}");
}

ApiError tooOld(uint64_t rv, uint64_t floor) {
  return ApiError{
      410, "Expired",
      "too old resource version: " + std::to_string(rv) + " (" + std::to_string(floor) + ")",
      nullptr, -1};
}

std::optional<uint64_t> parseUnsigned(const std::string& text) {
  if (text.empty() || text.size() > 19 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoull(text);
}

}  // namespace

void FakeApiServer::serveWatch(const httplib::Request& req, httplib::Response& res,
                               const Route& route) {
  const std::string rv_text = req.get_param_value("resourceVersion");
  const std::string timeout_text = req.get_param_value("timeoutSeconds");
  const bool send_initial = fakeapi::parseBoolParam(req.get_param_value("sendInitialEvents"));
  auto session = std::make_shared<WatchSession>();
  session->resource = route.resource;
  session->ns = route.ns;
  session->bookmarks = fakeapi::parseBoolParam(req.get_param_value("allowWatchBookmarks"));
  std::optional<uint64_t> rv =
      rv_text.empty() ? std::optional<uint64_t>(0) : parseUnsigned(rv_text);
  if (!rv || (!timeout_text.empty() && !parseUnsigned(timeout_text))) {
    return fakeapi::writeError(
        res, ApiError{400, "BadRequest", "invalid watch parameters", nullptr, -1});
  }
  if (send_initial &&
      (!session->bookmarks || req.get_param_value("resourceVersionMatch") != "NotOlderThan")) {
    return fakeapi::writeError(
        res, ApiError{422, "Invalid",
                      "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: "
                      "sendInitialEvents requires setting allowWatchBookmarks to true and "
                      "resourceVersionMatch to NotOlderThan",
                      nullptr, -1});
  }
  if (*rv != 0 && !send_initial && *rv < store_.floorRv(*route.resource) &&
      options_.watch_expired_as_http_status) {
    return fakeapi::writeError(res, tooOld(*rv, store_.floorRv(*route.resource)));
  }
  if (*rv != 0) {
    auto fresh = waitUntilFresh(*rv);
    if (!fresh) return fakeapi::writeError(res, fresh.error());
  }
  if (*rv == 0 || send_initial) {
    // "Get State and Start at Most Recent" / "Start at Any": synthetic ADDED for what exists.
    auto objects = store_.snapshot(*route.resource, route.ns, &session->cursor);
    session->initial.assign(objects.begin(), objects.end());
    session->initial_events_end_bookmark = send_initial;
  } else {
    session->cursor = *rv;  // "Start at Exact": events after rv (410 when it is too old)
  }
  const Steady::time_point now = SystemClock::instance().now();
  if (!timeout_text.empty() && *parseUnsigned(timeout_text) > 0) {
    session->deadline = now + std::chrono::seconds(*parseUnsigned(timeout_text));
  }
  session->last_bookmark = now;
  session->close_epoch = close_epoch_.load();
  session->error_epoch = error_epoch_.load();
  {
    std::lock_guard<std::mutex> lock(mu_);
    session->drop_after = drop_after_;
    session->drop_abrupt = drop_abrupt_;
  }
  // The API server never compresses watch streams; a gzip encoder would also hold events back.
  const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
  watchOpened();
  res.set_chunked_content_provider(
      "application/json",
      [this, session](size_t /*offset*/, httplib::DataSink& sink) {
        int action = fakeapi::kWatchContinue;
        std::string out = watchStep(*session, &action);
        if (!out.empty() && !sink.write(out.data(), out.size())) return false;
        if (action == fakeapi::kWatchAbort) return false;
        if (action == fakeapi::kWatchDone) sink.done();
        return true;
      },
      [this](bool /*success*/) { watchClosed(); });
}

std::string FakeApiServer::watchStep(WatchSession& s, int* action) {
  if (stopping_ || s.close_epoch != close_epoch_.load()) {
    *action = fakeapi::kWatchDone;
    return "";
  }
  if (s.error_epoch != error_epoch_.load()) {
    *action = fakeapi::kWatchDone;
    std::lock_guard<std::mutex> lock(mu_);
    return watch_error_;
  }
  if (!s.initial.empty()) {
    std::string out;
    while (!s.initial.empty() && out.size() < kChunkBytes) {
      out += eventLine("ADDED", fakeapi::wireJson(*s.initial.front(), *s.resource));
      s.initial.pop_front();
      if (++s.sent == s.drop_after) {
        *action = s.drop_abrupt ? fakeapi::kWatchAbort : fakeapi::kWatchDone;
        return out;
      }
    }
    if (s.initial.empty() && s.initial_events_end_bookmark) {
      out += bookmarkLine(*s.resource, s.cursor, true);
    }
    return out;
  }
  if (SystemClock::instance().now() >= s.deadline) {
    *action = fakeapi::kWatchDone;  // timeoutSeconds: the server ends the stream
    return "";
  }
  return watchEventsStep(s, action);
}

std::string FakeApiServer::watchEventsStep(WatchSession& s, int* action) {
  const auto interval = std::chrono::milliseconds(bookmark_interval_ms_.load());
  const Steady::time_point now = SystemClock::instance().now();
  Steady::time_point wait_until = std::min(s.deadline, now + std::chrono::seconds(1));
  if (s.bookmarks) {
    wait_until = std::min(wait_until, std::max(now, s.last_bookmark + interval));
  }
  const uint64_t close_epoch = s.close_epoch, error_epoch = s.error_epoch;
  fakeapi::WatchBatch batch = store_.nextEvents(
      *s.resource, s.ns, s.cursor, kBatchEvents, wait_until, [this, close_epoch, error_epoch] {
        return stopping_ || close_epoch_.load() != close_epoch ||
               error_epoch_.load() != error_epoch;
      });
  if (batch.expired) {
    *action = fakeapi::kWatchDone;
    return eventLine("ERROR", fakeapi::statusJson(tooOld(s.cursor, batch.floor_rv)));
  }
  std::string out;
  for (const auto& ev : batch.events) {
    out += eventLine(fakeapi::eventTypeName(ev.type), fakeapi::wireJson(*ev.object, *s.resource));
    s.cursor = ev.rv;
    if (++s.sent == s.drop_after) {
      *action = s.drop_abrupt ? fakeapi::kWatchAbort : fakeapi::kWatchDone;
      return out;
    }
  }
  if (batch.full) {
    return out;
  }
  // Every in-scope event up to current_rv has been sent, so the watch is at current_rv.
  s.cursor = std::max(s.cursor, batch.current_rv);
  if (s.bookmarks && SystemClock::instance().now() >= s.last_bookmark + interval) {
    out += bookmarkLine(*s.resource, s.cursor, false);
    s.last_bookmark = SystemClock::instance().now();
  }
  return out;
}

}  // namespace copycat::testing
