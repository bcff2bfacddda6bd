// The informer store of one reflector: the last seen WorkloadSummary of every object, keyed by
// "namespace/name" (never the whole object). It decides what an update means: added, replaced
// (same name, new uid), modified in a way that matters (the change predicate), or a silent
// refresh (status-only churn), and it finds the objects a relist no longer contains.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "workload/workload.h"

namespace copycat::kube {

// Thread-safe. Mutators are meant for one writer (the reflector thread); the pointer returned
// by upsert() stays valid until that writer's next mutation. Readers on other threads use
// get()/size()/forEach(), which copy or run under the lock.
class ObjectStore {
 public:
  // True when `after` matters compared with `before` (default: workload::imagesChanged).
  using ChangedFn =
      std::function<bool(const workload::WorkloadSummary&, const workload::WorkloadSummary&)>;

  enum class Outcome {
    kAdded,      // new key
    kModified,   // the change predicate says it matters
    kUnchanged,  // stored (newer resourceVersion), nothing that matters changed
    kReplaced,   // same key, different uid: the old object was deleted, this one is new
  };
  struct Upserted {
    Outcome outcome = Outcome::kAdded;
    const workload::WorkloadSummary* current = nullptr;
    std::optional<workload::WorkloadSummary> previous;  // kModified and kReplaced
  };

  explicit ObjectStore(ChangedFn changed = {});

  // "namespace/name" ("name" for cluster-scoped objects).
  [[nodiscard]] static std::string keyOf(std::string_view namespace_name, std::string_view name);

  // Stores `object` (its vectors shrunk to fit) and marks it seen by the current list.
  Upserted upsert(workload::WorkloadSummary object);
  // Removes the object with `object`'s key; returns what was stored (nullopt when absent).
  std::optional<workload::WorkloadSummary> remove(const workload::WorkloadSummary& object);

  // A relist starts: objects not upserted before sweep() are gone.
  void beginList();
  // Removes and returns the objects the current list did not contain.
  std::vector<workload::WorkloadSummary> sweep();
  // Removes and returns everything.
  std::vector<workload::WorkloadSummary> clear();

  [[nodiscard]] std::optional<workload::WorkloadSummary> get(std::string_view namespace_name,
                                                             std::string_view name) const;
  [[nodiscard]] size_t size() const;
  // Calls `fn` for every object under the lock: `fn` must not call back into the store.
  void forEach(const std::function<void(const workload::WorkloadSummary&)>& fn) const;

 private:
  struct Entry {
    workload::WorkloadSummary summary;
    uint32_t epoch = 0;
  };

  const ChangedFn changed_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> objects_;  // guarded by mu_
  uint32_t epoch_ = 0;                              // guarded by mu_
};

}  // namespace copycat::kube
