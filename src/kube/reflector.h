// A reflector keeps an ObjectStore in step with one collection of the API server and tells an
// EventHandler what changed: paginated LIST, then WATCH from the list's resourceVersion with
// bookmarks and a randomised timeoutSeconds, resuming from the last version seen when a stream
// ends, relisting on 410 Gone (HTTP status or ERROR event), backing off with jitter on
// failures. A relist is applied in place: objects are upserted as pages arrive and those the
// new list lacks are reported deleted, so no second copy of the store is ever built.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/result.h"
#include "kube/api_client.h"
#include "kube/list_pager.h"
#include "kube/object_store.h"
#include "kube/resource_path.h"
#include "kube/watch_stream.h"
#include "workload/workload.h"

namespace copycat::kube {

enum class EventType { kAdded, kModified, kDeleted };
std::string_view eventTypeName(EventType type);  // "added", "modified", "deleted"

// Receives a reflector's changes on the reflector's thread. Implementations shared by several
// reflectors must be thread-safe.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  // `previous` is the former state for kModified, nullptr otherwise. Status-only updates
  // (ObjectStore::Outcome::kUnchanged) are not reported. A recreated object (same name, new
  // uid) is reported as kDeleted of the old one, then kAdded.
  virtual void onEvent(EventType type, const workload::WorkloadSummary& object,
                       const workload::WorkloadSummary* previous) = 0;
  // A complete LIST of `kind` has been applied (initial list and every relist).
  virtual void onSynced(workload::Kind kind) = 0;
};

// Counters, copied out as plain values (metrics, tests, the benchmark).
struct ReflectorStats {
  uint64_t lists = 0;           // complete paginated LISTs attempted
  uint64_t list_pages = 0;      // pages received
  uint64_t list_restarts = 0;   // lists restarted after an expired continue token
  uint64_t relists = 0;         // lists after the first (410 Gone, failures)
  uint64_t watches = 0;         // WATCH streams opened
  uint64_t watch_restarts = 0;  // watches re-opened after one ended or failed
  uint64_t objects_listed = 0;
  uint64_t added = 0;
  uint64_t modified = 0;
  uint64_t unchanged = 0;  // updates that did not matter (status churn)
  uint64_t deleted = 0;
  uint64_t bookmarks = 0;
  uint64_t error_events = 0;
  uint64_t failures = 0;  // failed lists/watches (each followed by a backoff)

  ReflectorStats& operator+=(const ReflectorStats& other);
};

struct ReflectorOptions {
  ResourcePath collection;                       // what to list and watch
  std::string default_kind;                      // the kind of LIST items ("Pod")
  workload::Kind kind = workload::Kind::kOther;  // reported to onSynced
  ListAllOptions list{};
  // timeoutSeconds of each watch, uniformly random in [min, max] so watches of many
  // reflectors do not expire together (client-go: minWatchTimeout 5 min, random up to 2x).
  std::chrono::seconds min_watch_timeout{300};
  std::chrono::seconds max_watch_timeout{600};
  BackoffPolicy backoff{std::chrono::milliseconds(800), std::chrono::seconds(30), 2.0, 0.5};
  // A server's Retry-After (429/5xx) lengthens the backoff, up to this bound.
  std::chrono::seconds max_retry_after{60};
  // Drops fields nobody needs before an object is stored (replicasets keep only owners).
  std::function<void(workload::WorkloadSummary&)> trim{};
  ObjectStore::ChangedFn changed{};  // default workload::imagesChanged
  // Measures watch durations (a stream closed within a second without events counts as a
  // failure); SystemClock when null. Not owned.
  Clock* clock = nullptr;
  // Runs once on the reflector's thread before the first LIST (pods wait for their owners).
  std::function<void(std::stop_token)> before_first_list{};

  // The options for a built-in kind in `namespace_name` ("" = all namespaces).
  [[nodiscard]] static ReflectorOptions forKind(workload::Kind kind,
                                                std::string namespace_name = {});
};

// Owns one thread (start()/stop()). Thread-safe: stats(), hasSynced() and store() may be read
// from any thread. Does not own `api` or `handler`; both must outlive it.
class Reflector {
 public:
  Reflector(ApiClient& api, EventHandler& handler, ReflectorOptions options);
  ~Reflector();
  Reflector(const Reflector&) = delete;
  Reflector& operator=(const Reflector&) = delete;

  // Starts the list/watch loop on its own thread.
  void start();
  // Requests the stop (an open request ends at once) and joins. Idempotent.
  void stop();
  // Requests the stop without joining (to stop many reflectors at once, then stop() each).
  void requestStop() { thread_.request_stop(); }
  // After stop(): reports every stored object as deleted and empties the store (a namespace
  // that is no longer watched).
  void forgetAll();

  // The loop itself, for callers that bring their own thread; returns when `stop` fires.
  void run(std::stop_token stop);

  [[nodiscard]] bool hasSynced() const { return synced_.load(); }
  [[nodiscard]] ReflectorStats stats() const;
  [[nodiscard]] const ObjectStore& store() const { return store_; }
  [[nodiscard]] const ReflectorOptions& options() const { return options_; }
  // The last resourceVersion seen (list, event or bookmark).
  [[nodiscard]] std::string resourceVersion() const;

 private:
  enum class WatchEnd { kResume, kRelist, kFailed, kCancelled };

  Result<std::string> listOnce(std::stop_token stop);
  WatchEnd watchOnce(std::stop_token stop, Error* failure);
  Status applyWatchEvent(WatchEvent& event, Error* watch_error);
  void applyUpsert(workload::WorkloadSummary object);
  void applyDelete(const workload::WorkloadSummary& object);
  void setResourceVersion(std::string rv);
  bool backoff(const Error& error, int failures, std::stop_token stop);
  [[nodiscard]] int64_t watchTimeoutSeconds() const;
  [[nodiscard]] std::string describeScope() const;

  ApiClient& api_;
  EventHandler& handler_;
  const ReflectorOptions options_;
  ObjectStore store_;
  std::atomic<bool> synced_{false};

  mutable std::mutex mu_;
  std::string resource_version_;  // guarded by mu_
  ReflectorStats stats_;          // guarded by mu_

  std::jthread thread_;
};

}  // namespace copycat::kube
