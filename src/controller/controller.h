// The long-running pipeline of `copycat run`: image uses from the kube side go through the
// planner into demands per target; targets that the push cache does not cover are queued; a
// pool of workers reconciles them (mirror_reconciler.h). Also the admin surface the HTTP server
// reaches through an adapter (cache, eviction, cooldown reset, force reconcile, readiness) and
// the periodic re-verification of pushed targets (forceReconcileMinutes).
//
// Threads: maxConcurrentReconciles workers, the queue's timer, a scheduler for the periodic
// re-verification and at most one re-verification at a time; none when
// start_background_threads is false except the workers (tests drive tick()).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "base/clock.h"
#include "controller/controller_metrics.h"
#include "controller/event_recorder.h"
#include "controller/failure_cooldown.h"
#include "controller/mirror_executor.h"
#include "controller/mirror_reconciler.h"
#include "controller/mirror_request.h"
#include "controller/observation.h"
#include "controller/push_cache.h"
#include "controller/work_queue.h"
#include "controller/worker_pool.h"
#include "planner/mirror_planner.h"
#include "workload/image_uses.h"

namespace copycat::controller {

struct ControllerOptions {
  ReconcilerOptions reconcile = {};
  int max_concurrent_reconciles = 2;
  std::chrono::nanoseconds shutdown_timeout{std::chrono::seconds(25)};
  std::chrono::nanoseconds failure_cooldown{std::chrono::minutes(60)};  // 0 disables
  std::chrono::nanoseconds force_reconcile_interval{0};  // 0 disables the periodic re-check
  // registryRetryBackoff: the first retry waits this long, each further one twice as long.
  std::chrono::nanoseconds retry_backoff{std::chrono::seconds(10)};
  std::chrono::nanoseconds retry_backoff_max{std::chrono::minutes(5)};
  double retry_jitter = 0.1;
  size_t push_cache_max_entries = PushCache::kDefaultMaxEntries;
  EventRateLimit event_rate_limit = {};
  // Kinds whose initial list must be processed (markSynced) before isReady().
  std::vector<workload::Kind> sync_kinds = {};
  bool start_background_threads = true;
};

// Not owned; all must outlive the controller. `events` may be null (no Events).
struct ControllerDeps {
  const planner::MirrorPlanner& planner;
  MirrorExecutor& executor;
  ControllerMetrics& metrics;
  const Clock& clock;
  EventRecorder* events = nullptr;
};

enum class EvictScope { kTarget, kPrefix, kAll };

struct EvictSelector {
  EvictScope scope = EvictScope::kAll;
  std::string value = {};  // the target or the prefix
};

// Upstream's evictionResponse {"removed", "remaining", "entries"}.
struct EvictionResult {
  std::vector<std::string> removed = {};
  size_t remaining = 0;
  std::vector<CacheEntry> entries = {};
};

struct ControllerStats {
  bool idle = true;  // nothing queued or processing (delayed keys may wait)
  size_t queue_depth = 0;
  size_t waiting = 0;  // parked by addAfter
  size_t in_flight = 0;
  size_t known_images = 0;
  size_t demands = 0;
  size_t cache_entries = 0;
  size_t cooldown_entries = 0;
  bool reverifying = false;
};

// Thread-safe. observe()/forget() never block on registry I/O.
class Controller {
 public:
  Controller(ControllerDeps deps, ControllerOptions options);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  void start();
  // Graceful: no new work; in-flight copies get shutdown_timeout, then are cancelled.
  void stop();

  // One image use of an object (a Pod container, a template container, an image volume).
  void observe(const workload::ImageUse& use, const ObservationContext& context = {});
  // The object was deleted: drop its demands (nothing is un-mirrored).
  void forget(const WorkloadRef& object);
  // `uses` image uses of an object the namespace / name filters left out (metrics only).
  void countFiltered(std::string_view reason, size_t uses);

  // Admin API.
  [[nodiscard]] std::vector<CacheEntry> cacheEntries() const;
  // Evicted targets that workloads still demand are queued again (a cheap re-check).
  EvictionResult evict(const EvictSelector& selector);
  // Cleared targets that workloads still demand are queued again at once.
  CooldownResetResult resetCooldown(const std::optional<std::string>& target = std::nullopt);
  // Starts a re-verification of every known target in the background: cached targets are
  // checked with HEAD requests and queued when gone or changed; the others are queued. False
  // when one is already running.
  bool forceReconcile();
  [[nodiscard]] bool isReverifying() const;

  // Readiness: the kube side reports each kind whose initial list was fully observed.
  void markSynced(workload::Kind kind);
  [[nodiscard]] bool isReady() const;

  // Moves due delayed keys into the queue and starts a due periodic re-verification. The
  // background threads call it; tests with a FakeClock call it themselves.
  void tick();
  [[nodiscard]] ControllerStats stats() const;

 private:
  void handleNotMirrored(const workload::ImageUse& use, const planner::Decision& decision);
  void enqueue(const std::string& key);
  void requeueDemanded(const std::vector<std::string>& keys);
  void reverify(std::stop_token stop);
  void reverifyKey(const std::string& key, bool demanded, std::stop_token stop);
  void schedulerLoop(std::stop_token stop);
  bool logOnce(const std::string& key);
  void updateGauges();

  ControllerDeps deps_;
  const ControllerOptions options_;
  std::unique_ptr<RateLimitedEventRecorder> events_;
  DemandStore demands_;
  PushCache cache_;
  FailureCooldown cooldown_;
  WorkQueue queue_;
  MirrorReconciler reconciler_;

  mutable std::mutex mu_;
  std::unordered_set<std::string> logged_;                  // guarded by mu_; bounded
  std::set<workload::Kind> synced_;                         // guarded by mu_
  bool started_ = false;                                    // guarded by mu_
  bool stopped_ = false;                                    // guarded by mu_
  std::optional<Clock::Steady::time_point> next_reverify_;  // guarded by mu_

  mutable std::mutex reverify_mu_;
  bool reverifying_ = false;      // guarded by reverify_mu_
  std::jthread reverify_thread_;  // guarded by reverify_mu_

  std::condition_variable_any scheduler_cv_;
  std::jthread scheduler_;
  WorkerPool pool_;  // last: stopped and joined first
};

}  // namespace copycat::controller
