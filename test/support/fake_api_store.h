// FakeApiStore: the in-memory object store behind FakeApiServer. Objects per resource keyed like
// etcd ("<namespace>/<name>", sorted), one global resourceVersion counter, and a bounded
// per-resource event history that serves watches and consistent snapshots (paginated LISTs and
// resourceVersionMatch=Exact) at past resourceVersions.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_api_objects.h"

namespace copycat::testing::fakeapi {

enum class EventType { kAdded, kModified, kDeleted };
std::string_view eventTypeName(EventType type);  // "ADDED", ...

struct HistoryEvent {
  uint64_t rv = 0;
  EventType type = EventType::kAdded;
  ObjectPtr object;  // the object after the change (for DELETED: last state, new rv)
  ObjectPtr prior;   // the object before the change; null for ADDED
};

// What a LIST asks for.
struct ListQuery {
  uint64_t snapshot_rv = 0;  // 0: the current state
  std::string start;         // first key to include ("" = from the beginning)
  size_t limit = 0;          // 0: everything
  uint64_t emitted = 0;      // items returned by earlier pages of the same list
};

struct ListPage {
  uint64_t rv = 0;
  std::vector<ObjectPtr> items;
  std::string next_start;  // "" when this is the last page
  uint64_t remaining = 0;  // items after this page
};

// A watch's next events.
struct WatchBatch {
  std::vector<HistoryEvent> events;
  bool expired = false;     // `after` is older than the history window
  uint64_t floor_rv = 0;    // the oldest resourceVersion a watch can start from
  uint64_t current_rv = 0;  // every in-scope event up to here has been returned (when !full)
  bool full = false;        // the batch hit its size limit; more events are pending
};

// Thread-safe. Mutations notify waiting watches.
class FakeApiStore {
 public:
  explicit FakeApiStore(size_t history_limit) : history_limit_(history_limit) {}

  uint64_t currentRv() const;
  uint64_t floorRv(const ResourceInfo& resource) const;
  size_t objectCount(const ResourceInfo& resource) const;

  // Inserts or replaces, ignoring resourceVersion preconditions (the test's own writes).
  ApiResult<ObjectPtr> upsert(const ResourceInfo& resource, std::string_view json);
  // POST: 409 AlreadyExists when present, 422 Invalid without a name or generateName, 400 when
  // the body's namespace differs from the URL's.
  ApiResult<ObjectPtr> create(const ResourceInfo& resource, const std::string& ns,
                              std::string_view json);
  // PUT: 404 when absent, 409 Conflict when the body's resourceVersion is not the stored one.
  ApiResult<ObjectPtr> update(const ResourceInfo& resource, const std::string& ns,
                              const std::string& name, std::string_view json);
  ApiResult<ObjectPtr> remove(const ResourceInfo& resource, const std::string& ns,
                              const std::string& name);
  ApiResult<ObjectPtr> get(const ResourceInfo& resource, const std::string& ns,
                           const std::string& name) const;

  // One page of the state at query.snapshot_rv; 410 Expired when that version has left the
  // history window.
  ApiResult<ListPage> list(const ResourceInfo& resource, const std::string& ns,
                           const ListQuery& query) const;
  // The current objects in scope (a watch's synthetic ADDED events) and the version they are at.
  std::vector<ObjectPtr> snapshot(const ResourceInfo& resource, const std::string& ns,
                                  uint64_t* rv) const;

  // Waits until the store reaches `rv`, `interrupt` returns true, or `deadline`.
  bool waitForRv(uint64_t rv, std::chrono::steady_clock::time_point deadline) const;
  // Events of `resource` in `ns` ("" = all) after `after`, at most `max`. Blocks until there is
  // one, `interrupt()` is true (checked under the lock after notifyAll()), or `deadline`.
  WatchBatch nextEvents(const ResourceInfo& resource, const std::string& ns, uint64_t after,
                        size_t max, std::chrono::steady_clock::time_point deadline,
                        const std::function<bool()>& interrupt) const;
  // Wakes every waiter so it re-evaluates its interrupt predicate.
  void notifyAll() const;

  // Drops every resource's history: watches and snapshots before now become 410.
  void compact();

 private:
  struct ResourceState {
    std::map<std::string, ObjectPtr> objects;  // key: "ns/name" or "name"
    std::map<std::string, size_t> per_namespace;
    std::deque<HistoryEvent> history;  // ascending rv
    uint64_t floor_rv = 0;
  };

  ResourceState& state(const ResourceInfo& resource);
  const ResourceState* findState(const ResourceInfo& resource) const;
  uint64_t floorOf(const ResourceState* st) const;
  ApiResult<ObjectPtr> write(const ResourceInfo& resource, const ParsedObject& parsed,
                             const std::string& ns, const std::string& name);
  void record(ResourceState& st, EventType type, ObjectPtr object, ObjectPtr prior);
  std::string newUid();

  const size_t history_limit_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, ResourceState, std::less<>> resources_;  // guarded by mu_
  uint64_t rv_ = 1;
  uint64_t compacted_rv_ = 0;  // compact(): no version before this is reconstructible
  uint64_t uid_counter_ = 0;
};

}  // namespace copycat::testing::fakeapi
