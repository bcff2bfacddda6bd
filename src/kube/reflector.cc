#include "kube/reflector.h"

#include <algorithm>
#include <exception>
#include <random>
#include <utility>

#include <pthread.h>

#include "base/log.h"
#include "kube/api_status.h"
#include "kube/rate_limiter.h"

namespace copycat::kube {

namespace {

constexpr std::chrono::seconds kShortWatch{1};

}  // namespace

std::string_view eventTypeName(EventType type) {
  switch (type) {
    case EventType::kAdded:
      return "added";
    case EventType::kModified:
      return "modified";
    case EventType::kDeleted:
      return "deleted";
  }
  return "unknown";
}

ReflectorStats& ReflectorStats::operator+=(const ReflectorStats& other) {
  lists += other.lists;
  list_pages += other.list_pages;
  list_restarts += other.list_restarts;
  relists += other.relists;
  watches += other.watches;
  watch_restarts += other.watch_restarts;
  objects_listed += other.objects_listed;
  added += other.added;
  modified += other.modified;
  unchanged += other.unchanged;
  deleted += other.deleted;
  bookmarks += other.bookmarks;
  error_events += other.error_events;
  failures += other.failures;
  return *this;
}

ReflectorOptions ReflectorOptions::forKind(workload::Kind kind, std::string namespace_name) {
  ReflectorOptions options;
  options.collection = ResourcePath::forKind(kind, std::move(namespace_name));
  options.default_kind = std::string(workload::kindName(kind));
  options.kind = kind;
  return options;
}

Reflector::Reflector(ApiClient& api, EventHandler& handler, ReflectorOptions options)
    : api_(api), handler_(handler), options_(std::move(options)), store_(options_.changed) {}

Reflector::~Reflector() { stop(); }

void Reflector::start() {
  thread_ = std::jthread([this](std::stop_token stop) {
    std::string name = "rf-" + options_.collection.resource;
    name.resize(std::min<size_t>(name.size(), 15));  // the kernel's limit for thread names
    pthread_setname_np(pthread_self(), name.c_str());
    try {
      run(std::move(stop));
    } catch (const std::exception& e) {
      LOG_ERROR("kube", "reflector thread failed",
                {{"scope", describeScope()}, {"error", e.what()}});
      std::abort();
    }
  });
}

void Reflector::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

void Reflector::forgetAll() {
  for (const auto& object : store_.clear()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.deleted;
    }
    handler_.onEvent(EventType::kDeleted, object, nullptr);
  }
  synced_ = false;
}

std::string Reflector::describeScope() const {
  return options_.collection.namespace_name.empty()
             ? options_.collection.resource
             : options_.collection.resource + " in " + options_.collection.namespace_name;
}

void Reflector::run(std::stop_token stop) {
  if (options_.before_first_list) {
    options_.before_first_list(stop);
  }
  bool need_list = true;
  int failures = 0;
  while (!stop.stop_requested()) {
    if (need_list) {
      auto rv = listOnce(stop);
      if (!rv) {
        if (stop.stop_requested() || rv.error().code == ErrorCode::kCancelled) {
          return;
        }
        if (!backoff(rv.error(), ++failures, stop)) {
          return;
        }
        continue;
      }
      setResourceVersion(std::move(*rv));
      need_list = false;
      failures = 0;
      synced_ = true;
      handler_.onSynced(options_.kind);
    }
    Error failure;
    const WatchEnd end = watchOnce(stop, &failure);
    if (end == WatchEnd::kCancelled) {
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.watch_restarts;
      stats_.relists += end == WatchEnd::kRelist ? 1 : 0;
    }
    need_list = end == WatchEnd::kRelist;
    if (end != WatchEnd::kFailed) {
      failures = 0;
    } else if (!backoff(failure, ++failures, stop)) {
      return;
    }
  }
}

Result<std::string> Reflector::listOnce(std::stop_token stop) {
  store_.beginList();
  ListCallbacks callbacks;
  callbacks.on_item = [this](workload::WorkloadSummary&& item) {
    applyUpsert(std::move(item));
    return ok();
  };
  // Objects seen before the restart are marked again when the new list returns them.
  callbacks.on_restart = [this] { store_.beginList(); };
  auto listed =
      listAll(api_, options_.collection, options_.default_kind, options_.list, callbacks, stop);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.lists;
    if (listed) {
      stats_.list_pages += listed->pages;
      stats_.list_restarts += static_cast<uint64_t>(listed->restarts);
      stats_.objects_listed += listed->items;
    }
  }
  if (!listed) {
    return fail(listed.error());
  }
  // Deleted while we were not watching: the new list no longer has them.
  for (const auto& gone : store_.sweep()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.deleted;
    }
    handler_.onEvent(EventType::kDeleted, gone, nullptr);
  }
  LOG_DEBUG("kube", "list applied",
            {{"scope", describeScope()},
             {"objects", listed->items},
             {"pages", listed->pages},
             {"resource_version", listed->resource_version}});
  return std::move(listed->resource_version);
}

Reflector::WatchEnd Reflector::watchOnce(std::stop_token stop, Error* failure) {
  WatchOptions watch;
  watch.resource_version = resourceVersion();
  watch.allow_bookmarks = true;
  watch.timeout_seconds = watchTimeoutSeconds();
  std::optional<Error> error_event;
  WatchStreamDecoder decoder(options_.default_kind, [&](WatchEvent& event) -> Status {
    Error watch_error;
    Status status = applyWatchEvent(event, &watch_error);
    if (!status) {
      error_event = std::move(watch_error);
    }
    return status;
  });
  const http::BodySink sink = [&decoder](std::string_view chunk) { return decoder.feed(chunk); };
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.watches;
  }
  Clock& clock = options_.clock != nullptr ? *options_.clock : SystemClock::instance();
  const Clock::Steady::time_point opened = clock.now();
  Status status = api_.watch(options_.collection, watch, sink, stop);
  if (status) {
    status = decoder.finish();
  }
  if (stop.stop_requested()) {
    return WatchEnd::kCancelled;
  }
  if (error_event) {
    // An ERROR event ends the stream; 410 means our resourceVersion is older than the
    // watch cache's window: only a new LIST can catch up.
    if (isGone(*error_event)) {
      LOG_INFO("kube", "watch expired, relisting",
               {{"scope", describeScope()}, {"error", error_event->message}});
      return WatchEnd::kRelist;
    }
    *failure = std::move(*error_event);
    return WatchEnd::kFailed;
  }
  if (!status) {
    if (status.error().code == ErrorCode::kCancelled) {
      return WatchEnd::kCancelled;
    }
    if (isGone(status.error())) {
      LOG_INFO("kube", "watch expired, relisting",
               {{"scope", describeScope()}, {"error", status.error().message}});
      return WatchEnd::kRelist;
    }
    *failure = status.error();
    return WatchEnd::kFailed;
  }
  // A server that ends every watch at once would otherwise be asked again at the rate
  // limit's pace; client-go calls this a "very short watch" and backs off too.
  if (decoder.eventCount() == 0 && clock.now() - opened < kShortWatch) {
    *failure = Error(ErrorCode::kUnavailable,
                     "very short watch: the server closed it within a second without events");
    return WatchEnd::kFailed;
  }
  return WatchEnd::kResume;  // timeoutSeconds or the server closed it: resume from the last RV
}

// Returns an error only for an ERROR event (copied to *watch_error): it ends the transfer.
Status Reflector::applyWatchEvent(WatchEvent& event, Error* watch_error) {
  std::string rv = event.object.resource_version;
  switch (event.type) {
    case WatchEventType::kAdded:
    case WatchEventType::kModified:
      applyUpsert(std::move(event.object));
      break;
    case WatchEventType::kDeleted:
      applyDelete(event.object);
      break;
    case WatchEventType::kBookmark: {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.bookmarks;
      break;
    }
    case WatchEventType::kError: {
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.error_events;
      }
      *watch_error = event.error;
      return fail(std::move(event.error));
    }
  }
  if (!rv.empty()) {
    setResourceVersion(std::move(rv));
  }
  return ok();
}

void Reflector::applyUpsert(workload::WorkloadSummary object) {
  if (options_.trim) {
    options_.trim(object);
  }
  ObjectStore::Upserted up = store_.upsert(std::move(object));
  {
    std::lock_guard<std::mutex> lock(mu_);
    switch (up.outcome) {
      case ObjectStore::Outcome::kAdded:
        ++stats_.added;
        break;
      case ObjectStore::Outcome::kModified:
        ++stats_.modified;
        break;
      case ObjectStore::Outcome::kReplaced:
        ++stats_.deleted;
        ++stats_.added;
        break;
      case ObjectStore::Outcome::kUnchanged:
        ++stats_.unchanged;
        break;
    }
  }
  switch (up.outcome) {
    case ObjectStore::Outcome::kAdded:
      handler_.onEvent(EventType::kAdded, *up.current, nullptr);
      break;
    case ObjectStore::Outcome::kModified:
      handler_.onEvent(EventType::kModified, *up.current, &*up.previous);
      break;
    case ObjectStore::Outcome::kReplaced:
      handler_.onEvent(EventType::kDeleted, *up.previous, nullptr);
      handler_.onEvent(EventType::kAdded, *up.current, nullptr);
      break;
    case ObjectStore::Outcome::kUnchanged:
      break;
  }
}

void Reflector::applyDelete(const workload::WorkloadSummary& object) {
  std::optional<workload::WorkloadSummary> stored = store_.remove(object);
  if (!stored) {
    return;  // never seen (or already gone): nothing to report
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.deleted;
  }
  handler_.onEvent(EventType::kDeleted, *stored, nullptr);
}

void Reflector::setResourceVersion(std::string rv) {
  std::lock_guard<std::mutex> lock(mu_);
  resource_version_ = std::move(rv);
}

std::string Reflector::resourceVersion() const {
  std::lock_guard<std::mutex> lock(mu_);
  return resource_version_;
}

ReflectorStats Reflector::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

bool Reflector::backoff(const Error& error, int failures, std::stop_token stop) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.failures;
  }
  auto delay = backoffDelay(options_.backoff, failures - 1);
  if (error.retry_after_seconds >= 0) {
    auto wanted = std::chrono::milliseconds(static_cast<int64_t>(error.retry_after_seconds * 1000));
    delay = std::max(delay, std::min<std::chrono::milliseconds>(wanted, options_.max_retry_after));
  }
  LOG_WARN("kube", "list/watch failed, retrying",
           {{"scope", describeScope()}, {"error", error.describe()}, {"delay_ms", delay.count()}});
  return sleepFor(delay, std::move(stop));
}

int64_t Reflector::watchTimeoutSeconds() const {
  const int64_t low = options_.min_watch_timeout.count();
  const int64_t high = std::max(low, options_.max_watch_timeout.count());
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_int_distribution<int64_t>(low, high)(rng);
}

}  // namespace copycat::kube
