// Runs the reflectors copycat needs: one per watched kind (cluster-wide when every namespace is
// included, else one per selected namespace), replicasets/jobs for pod owner resolution, nodes
// when node platforms matter, and a namespace reflector that adds watches for namespaces
// created later (glob matches) and retires those of deleted namespaces. Pods start listing
// only once the owner indexes (replicasets, jobs, nodes) are synced, so pods are attributed to
// their workloads from the first event.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "base/result.h"
#include "kube/api_client.h"
#include "kube/namespace_selection.h"
#include "kube/reflector.h"
#include "workload/workload.h"

namespace copycat::kube {

struct ClusterWatcherOptions {
  // Watched workload kinds (policy::WorkloadFilter::watchedKinds()).
  std::vector<workload::Kind> kinds{};
  std::vector<std::string> include_namespaces{};  // names and globs; empty or "*" = all
  std::vector<std::string> skip_namespaces{};     // namespaces never given a watch
  bool watch_nodes = false;                       // checkNodePlatform: node os/arch per pod
  ListAllOptions list{};
  std::chrono::seconds min_watch_timeout{300};
  std::chrono::seconds max_watch_timeout{600};
  BackoffPolicy backoff{std::chrono::milliseconds(800), std::chrono::seconds(30), 2.0, 0.5};
  // How long pods wait for the owner indexes before listing anyway.
  std::chrono::milliseconds dependency_wait{60000};
};

// Thread-safe. `handler` receives every reflector's events on the reflectors' threads and must
// be thread-safe. Does not own `api` or `handler`; both must outlive it.
class ClusterWatcher {
 public:
  ClusterWatcher(ApiClient& api, EventHandler& handler, ClusterWatcherOptions options);
  ~ClusterWatcher();
  ClusterWatcher(const ClusterWatcher&) = delete;
  ClusterWatcher& operator=(const ClusterWatcher&) = delete;

  // Resolves the namespaces (LIST namespaces unless all are included), then starts the
  // reflectors and returns. Errors: kNotFound naming missing named namespaces, the namespace
  // LIST's error, kCancelled. Call once.
  [[nodiscard]] Status start(std::stop_token stop = {});
  // Stops every reflector (prompt, even mid-stream) and joins. Idempotent.
  void stop();

  // The kinds reflected: watched kinds plus owner-index kinds (ReplicaSet, Job, Node).
  [[nodiscard]] const std::vector<workload::Kind>& kinds() const { return kinds_; }
  // True once the initial LIST of `kind` has been processed in every namespace watched at
  // that time; stays true afterwards (readiness).
  [[nodiscard]] bool hasSynced(workload::Kind kind) const;
  // hasSynced() for every kind in kinds().
  [[nodiscard]] bool hasSynced() const;
  // Waits (bounded) for hasSynced(); false on timeout or stop.
  bool waitForSync(std::chrono::milliseconds timeout, std::stop_token stop = {}) const;

  // Counters per kind, including reflectors already retired; the namespace reflector's apart.
  [[nodiscard]] std::map<workload::Kind, ReflectorStats> stats() const;
  [[nodiscard]] ReflectorStats namespaceStats() const;
  // Namespaces with watches now (empty when all namespaces are watched cluster-wide).
  [[nodiscard]] std::vector<std::string> namespaces() const;
  // Objects stored for `kind` across its reflectors.
  [[nodiscard]] size_t objectCount(workload::Kind kind) const;

 private:
  struct Slot;
  class SlotHandler;
  class NamespaceHandler;

  void planKinds();
  ReflectorOptions reflectorOptions(workload::Kind kind, const std::string& namespace_name);
  void addSlotLocked(workload::Kind kind, const std::string& namespace_name);
  void addNamespaceLocked(const std::string& namespace_name);
  void addNamespace(const std::string& namespace_name);
  void removeNamespace(const std::string& namespace_name);
  void reconcileNamespaces();
  void startNamespaceReflector();
  void slotSynced(workload::Kind kind);
  void waitForOwners(std::stop_token stop);
  [[nodiscard]] bool kindSyncedLocked(workload::Kind kind) const;
  [[nodiscard]] bool ownersSyncedLocked() const;
  Result<std::vector<std::string>> listNamespaces(std::stop_token stop);

  ApiClient& api_;
  EventHandler& handler_;
  const ClusterWatcherOptions options_;
  const NamespaceSelection selection_;
  std::vector<workload::Kind> kinds_;
  std::set<workload::Kind> owner_kinds_;   // pods wait for these
  std::set<workload::Kind> helper_kinds_;  // reflected for owner resolution only (trimmed)
  std::unique_ptr<SlotHandler> relay_;

  mutable std::mutex mu_;
  mutable std::condition_variable_any synced_cv_;
  std::vector<std::unique_ptr<Slot>> slots_;          // guarded by mu_
  std::set<std::string> namespaces_;                  // guarded by mu_
  std::set<workload::Kind> initially_synced_;         // guarded by mu_
  std::map<workload::Kind, ReflectorStats> retired_;  // guarded by mu_
  bool started_ = false;                              // guarded by mu_
  bool stopping_ = false;                             // guarded by mu_

  std::unique_ptr<NamespaceHandler> namespace_handler_;
  std::unique_ptr<Reflector> namespace_reflector_;  // set once in start(), under mu_
};

}  // namespace copycat::kube
