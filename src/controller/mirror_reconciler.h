// Reconciles one target key: what its demands want, against the push cache, the failure
// cooldown and the push interval, then the copies, then the outcome (cache, cooldown, metrics,
// Events, one log line). The worker pool applies the returned action to the queue, as
// controller-runtime applies a reconcile.Result.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "controller/controller_metrics.h"
#include "controller/event_recorder.h"
#include "controller/failure_cooldown.h"
#include "controller/mirror_executor.h"
#include "controller/mirror_jobs.h"
#include "controller/mirror_request.h"
#include "controller/push_cache.h"

namespace copycat::controller {

enum class ReconcileAction {
  kDone,                // forget the key's backoff
  kRequeueRateLimited,  // retry with the key's exponential backoff
  kRequeueAfter,        // forget the backoff and add again after `after`
};

struct ReconcileResult {
  ReconcileAction action = ReconcileAction::kDone;
  std::chrono::nanoseconds after{0};
};

struct ReconcilerOptions {
  PlatformOptions platforms = {};
  bool allow_different_digest_repush = true;
  bool dry_run = false;
  bool dry_pull = false;
  std::chrono::nanoseconds push_interval{0};  // at most one push per target per interval
  int registry_retry_attempts = 3;            // attempts for retryable failures, >= 1
};

// Not owned; all must outlive the reconciler. `events` may be null.
struct ReconcilerDeps {
  DemandStore& demands;
  PushCache& cache;
  FailureCooldown& cooldown;
  MirrorExecutor& executor;
  ControllerMetrics& metrics;
  const Clock& clock;
  EventRecorder* events = nullptr;
};

// Thread-safe: workers call reconcile() for different keys at once (the queue never hands one
// key to two workers). reconcile() blocks while the executor copies.
class MirrorReconciler {
 public:
  MirrorReconciler(ReconcilerDeps deps, ReconcilerOptions options);

  // `num_requeues`: failed attempts so far (the queue's count for the key).
  ReconcileResult reconcile(const std::string& key, int num_requeues, std::stop_token stop);

  // True when the push cache already holds what `request` wants (never in dry run).
  [[nodiscard]] bool isCovered(const MirrorRequest& request);

  [[nodiscard]] bool dryRun() const { return options_.dry_run || options_.dry_pull; }

 private:
  struct Attempt {
    MirrorRequest request = {};
    PlatformPlan platforms = {};
    std::vector<MirrorJob> jobs = {};
    std::vector<MirrorResult> results = {};  // one per finished job
    std::string reconcile_id = {};
    Clock::Steady::time_point started = {};
  };

  std::optional<std::chrono::nanoseconds> throttled(const std::string& key);
  void markPushed(const std::string& key);
  ReconcileResult run(Attempt& attempt, int num_requeues, std::stop_token stop);
  ReconcileResult succeeded(Attempt& attempt);
  ReconcileResult failed(Attempt& attempt, const MirrorJob& job, const MirrorError& error,
                         int num_requeues);
  void emit(const MirrorRequest& request, EventType type, std::string_view reason,
            const std::string& message);

  ReconcilerDeps deps_;
  const ReconcilerOptions options_;
  std::mutex mu_;
  // Last push attempt per key, for pushInterval; entries older than the interval are pruned.
  std::unordered_map<std::string, Clock::Steady::time_point> last_push_;  // guarded by mu_
};

// A fresh random id for one reconcile's log lines (controller-runtime's reconcileID).
std::string newReconcileId();

}  // namespace copycat::controller
