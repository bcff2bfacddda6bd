#include "kube/cluster_watcher.h"

#include <algorithm>
#include <utility>

#include "base/log.h"
#include "base/strings.h"
#include "kube/cluster_snapshot.h"
#include "workload/change_detection.h"

namespace copycat::kube {

using workload::Kind;
using workload::WorkloadSummary;

struct ClusterWatcher::Slot {
  Kind kind = Kind::kOther;
  std::string namespace_name;
  std::unique_ptr<Reflector> reflector;
};

// Forwards reflector events to the user's handler; syncs go through the watcher, which tells
// the handler once every reflector of the kind has listed.
class ClusterWatcher::SlotHandler final : public EventHandler {
 public:
  explicit SlotHandler(ClusterWatcher& watcher) : watcher_(watcher) {}
  void onEvent(EventType type, const WorkloadSummary& object,
               const WorkloadSummary* previous) override {
    watcher_.handler_.onEvent(type, object, previous);
  }
  void onSynced(Kind kind) override { watcher_.slotSynced(kind); }

 private:
  ClusterWatcher& watcher_;
};

// Namespaces appearing (matching a glob or a name) get watches; deleted ones lose them.
class ClusterWatcher::NamespaceHandler final : public EventHandler {
 public:
  explicit NamespaceHandler(ClusterWatcher& watcher) : watcher_(watcher) {}
  void onEvent(EventType type, const WorkloadSummary& object,
               const WorkloadSummary* /*previous*/) override {
    if (type == EventType::kAdded && watcher_.selection_.matches(object.name)) {
      watcher_.addNamespace(object.name);
    } else if (type == EventType::kDeleted) {
      watcher_.removeNamespace(object.name);
    }
  }
  // A namespace deleted between the startup LIST and this reflector's LIST never produces a
  // DELETED event: compare with what the reflector now holds.
  void onSynced(Kind /*kind*/) override { watcher_.reconcileNamespaces(); }

 private:
  ClusterWatcher& watcher_;
};

namespace {

bool contains(const std::vector<Kind>& kinds, Kind kind) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

// Owner indexes need only identity and owners.
void dropImages(WorkloadSummary& summary) {
  summary.images.clear();
  summary.images.shrink_to_fit();
}

bool ownersChanged(const WorkloadSummary& before, const WorkloadSummary& after) {
  return before.owners != after.owners;
}

}  // namespace

ClusterWatcher::ClusterWatcher(ApiClient& api, EventHandler& handler, ClusterWatcherOptions options)
    : api_(api),
      handler_(handler),
      options_(std::move(options)),
      selection_(options_.include_namespaces, options_.skip_namespaces),
      relay_(std::make_unique<SlotHandler>(*this)) {
  planKinds();
}

ClusterWatcher::~ClusterWatcher() { stop(); }

void ClusterWatcher::planKinds() {
  const std::vector<Kind>& watched = options_.kinds;
  const bool pods = contains(watched, Kind::kPod);
  if (options_.watch_nodes) {
    owner_kinds_.insert(Kind::kNode);
    kinds_.push_back(Kind::kNode);
  }
  if (pods && contains(watched, Kind::kDeployment)) {
    owner_kinds_.insert(Kind::kReplicaSet);
    helper_kinds_.insert(Kind::kReplicaSet);
    kinds_.push_back(Kind::kReplicaSet);
  }
  if (pods && contains(watched, Kind::kCronJob)) {
    owner_kinds_.insert(Kind::kJob);
    if (!contains(watched, Kind::kJob)) {
      helper_kinds_.insert(Kind::kJob);
      kinds_.push_back(Kind::kJob);
    }
  }
  for (Kind kind : watched) {
    if (kind != Kind::kPod && !contains(kinds_, kind)) {
      kinds_.push_back(kind);
    }
  }
  if (pods) {
    kinds_.push_back(Kind::kPod);  // last: it waits for the owner indexes anyway
  }
}

ReflectorOptions ClusterWatcher::reflectorOptions(Kind kind, const std::string& namespace_name) {
  ReflectorOptions options = ReflectorOptions::forKind(kind, namespace_name);
  options.list = options_.list;
  options.min_watch_timeout = options_.min_watch_timeout;
  options.max_watch_timeout = options_.max_watch_timeout;
  options.backoff = options_.backoff;
  if (helper_kinds_.count(kind) != 0) {
    options.trim = dropImages;
    options.changed = ownersChanged;
  } else if (kind == Kind::kJob) {
    // Jobs are also an owner index (Pod → Job → CronJob).
    options.changed = [](const WorkloadSummary& a, const WorkloadSummary& b) {
      return workload::imagesChanged(a, b) || ownersChanged(a, b);
    };
  }
  if (kind == Kind::kPod && !owner_kinds_.empty()) {
    options.before_first_list = [this](std::stop_token stop) { waitForOwners(std::move(stop)); };
  }
  return options;
}

void ClusterWatcher::addSlotLocked(Kind kind, const std::string& namespace_name) {
  auto slot = std::make_unique<Slot>();
  slot->kind = kind;
  slot->namespace_name = namespace_name;
  slot->reflector =
      std::make_unique<Reflector>(api_, *relay_, reflectorOptions(kind, namespace_name));
  // Its thread may call slotSynced(), which waits for mu_ until the caller releases it.
  slot->reflector->start();
  slots_.push_back(std::move(slot));
}

void ClusterWatcher::addNamespaceLocked(const std::string& namespace_name) {
  if (stopping_ || !namespaces_.insert(namespace_name).second) {
    return;
  }
  for (Kind kind : kinds_) {
    if (kind != Kind::kNode) {  // cluster-scoped: one reflector regardless of namespaces
      addSlotLocked(kind, namespace_name);
    }
  }
}

void ClusterWatcher::addNamespace(const std::string& namespace_name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (namespaces_.count(namespace_name) == 0) {
    LOG_INFO("kube", "namespace watched", {{"namespace", namespace_name}});
  }
  addNamespaceLocked(namespace_name);
}

void ClusterWatcher::removeNamespace(const std::string& namespace_name) {
  std::vector<std::unique_ptr<Slot>> removed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (namespaces_.erase(namespace_name) == 0) {
      return;
    }
    auto split = std::stable_partition(slots_.begin(), slots_.end(), [&](const auto& slot) {
      return slot->namespace_name != namespace_name;
    });
    std::move(split, slots_.end(), std::back_inserter(removed));
    slots_.erase(split, slots_.end());
  }
  LOG_INFO("kube", "namespace no longer watched", {{"namespace", namespace_name}});
  for (auto& slot : removed) {
    slot->reflector->requestStop();
  }
  for (auto& slot : removed) {
    slot->reflector->stop();
    slot->reflector->forgetAll();  // whatever is left goes, so discovery forgets it
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& slot : removed) {
    retired_[slot->kind] += slot->reflector->stats();
  }
}

void ClusterWatcher::reconcileNamespaces() {
  std::vector<std::string> gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& ns : namespaces_) {
      if (!namespace_reflector_->store().get("", ns)) {
        gone.push_back(ns);
      }
    }
  }
  for (const auto& ns : gone) {
    removeNamespace(ns);
  }
}

Result<std::vector<std::string>> ClusterWatcher::listNamespaces(std::stop_token stop) {
  auto names = listNamespaceNames(api_, options_.list, std::move(stop));
  if (!names) {
    return fail(names.error().withContext("includeNamespaces"));
  }
  return names;
}

Status ClusterWatcher::start(std::stop_token stop) {
  std::vector<std::string> selected;
  if (!selection_.all()) {
    ASSIGN_OR_RETURN(std::vector<std::string> existing, listNamespaces(stop));
    ASSIGN_OR_RETURN(selected, selection_.resolve(existing));
    for (const auto& glob : selection_.globs()) {
      if (std::none_of(selected.begin(), selected.end(),
                       [&](const std::string& ns) { return strings::globMatch(glob, ns); })) {
        LOG_WARN("kube", "namespace glob matches no namespace yet", {{"pattern", glob}});
      }
    }
    LOG_INFO("kube", "namespaces selected", {{"namespaces", selected}});
  }
  std::vector<Kind> empty_kinds;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_) {
      return fail(ErrorCode::kInternal, "cluster watcher started twice");
    }
    started_ = true;
    for (Kind kind : kinds_) {
      if (selection_.all() || kind == Kind::kNode) {
        addSlotLocked(kind, "");
      }
    }
    for (const auto& ns : selected) {
      addNamespaceLocked(ns);
    }
    // Kinds without any reflector (no namespace selected) have nothing to list.
    for (Kind kind : kinds_) {
      if (std::none_of(slots_.begin(), slots_.end(),
                       [&](const auto& slot) { return slot->kind == kind; })) {
        initially_synced_.insert(kind);
        empty_kinds.push_back(kind);
      }
    }
  }
  synced_cv_.notify_all();
  for (Kind kind : empty_kinds) {
    handler_.onSynced(kind);
  }
  if (!selection_.all()) {
    startNamespaceReflector();
  }
  return ok();
}

void ClusterWatcher::startNamespaceReflector() {
  ReflectorOptions options;
  options.collection = ResourcePath::namespaces();
  options.default_kind = "Namespace";
  options.list = options_.list;
  options.min_watch_timeout = options_.min_watch_timeout;
  options.max_watch_timeout = options_.max_watch_timeout;
  options.backoff = options_.backoff;
  // Names never change: only creation (kAdded) and deletion matter.
  options.changed = [](const WorkloadSummary&, const WorkloadSummary&) { return false; };
  namespace_handler_ = std::make_unique<NamespaceHandler>(*this);
  std::lock_guard<std::mutex> lock(mu_);
  namespace_reflector_ = std::make_unique<Reflector>(api_, *namespace_handler_, options);
  namespace_reflector_->start();
}

void ClusterWatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  synced_cv_.notify_all();
  Reflector* namespace_reflector = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    namespace_reflector = namespace_reflector_.get();
  }
  if (namespace_reflector != nullptr) {
    namespace_reflector->stop();  // no namespace comes or goes from here on
  }
  std::vector<Reflector*> reflectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& slot : slots_) {
      reflectors.push_back(slot->reflector.get());
    }
  }
  for (Reflector* reflector : reflectors) {
    reflector->requestStop();
  }
  for (Reflector* reflector : reflectors) {
    reflector->stop();
  }
}

void ClusterWatcher::slotSynced(Kind kind) {
  bool forward = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    forward = kindSyncedLocked(kind);
    if (forward) {
      initially_synced_.insert(kind);
    }
  }
  synced_cv_.notify_all();
  if (forward) {
    handler_.onSynced(kind);
  }
}

bool ClusterWatcher::kindSyncedLocked(Kind kind) const {
  return std::all_of(slots_.begin(), slots_.end(), [&](const auto& slot) {
    return slot->kind != kind || slot->reflector->hasSynced();
  });
}

bool ClusterWatcher::ownersSyncedLocked() const {
  return std::all_of(owner_kinds_.begin(), owner_kinds_.end(),
                     [&](Kind kind) { return initially_synced_.count(kind) != 0; });
}

void ClusterWatcher::waitForOwners(std::stop_token stop) {
  std::unique_lock<std::mutex> lock(mu_);
  const bool synced = synced_cv_.wait_for(lock, stop, options_.dependency_wait,
                                          [&] { return stopping_ || ownersSyncedLocked(); });
  if (!synced && !stop.stop_requested()) {
    LOG_WARN("kube", "owner indexes not synced in time, listing pods anyway",
             {{"waited_ms", options_.dependency_wait.count()}});
  }
}

bool ClusterWatcher::hasSynced(Kind kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  return initially_synced_.count(kind) != 0;
}

bool ClusterWatcher::hasSynced() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::all_of(kinds_.begin(), kinds_.end(),
                     [&](Kind kind) { return initially_synced_.count(kind) != 0; });
}

bool ClusterWatcher::waitForSync(std::chrono::milliseconds timeout, std::stop_token stop) const {
  std::unique_lock<std::mutex> lock(mu_);
  return synced_cv_.wait_for(lock, stop, timeout, [&] {
    return std::all_of(kinds_.begin(), kinds_.end(),
                       [&](Kind kind) { return initially_synced_.count(kind) != 0; });
  });
}

std::map<Kind, ReflectorStats> ClusterWatcher::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<Kind, ReflectorStats> out = retired_;
  for (Kind kind : kinds_) {
    out[kind];  // every reflected kind appears, even without reflectors
  }
  for (const auto& slot : slots_) {
    out[slot->kind] += slot->reflector->stats();
  }
  return out;
}

ReflectorStats ClusterWatcher::namespaceStats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return namespace_reflector_ ? namespace_reflector_->stats() : ReflectorStats{};
}

std::vector<std::string> ClusterWatcher::namespaces() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::vector<std::string>(namespaces_.begin(), namespaces_.end());
}

size_t ClusterWatcher::objectCount(Kind kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t total = 0;
  for (const auto& slot : slots_) {
    if (slot->kind == kind) {
      total += slot->reflector->store().size();
    }
  }
  return total;
}

}  // namespace copycat::kube
