// Every metric family of the controller, on a prometheus-cpp registry that the server renders.
// Names: upstream k8s-copycat's four registry counters (pkg/metrics/metrics.go), labelled by
// registry host instead of upstream's unbounded image name, and copycat's own k8s_copycat_*
// families. Labels are bounded: registry host, kind, reason, code, result; never an image.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "base/error.h"
#include "base/result.h"
#include "controller/work_queue.h"

namespace copycat::controller {

// Thread-safe (prometheus-cpp metrics are; observeWatchTotals locks its own state). Does not own
// the registry; it must outlive this.
class ControllerMetrics {
 public:
  // Registers the families. kInternal when the registry already holds one of the names with
  // another type.
  [[nodiscard]] static Result<std::unique_ptr<ControllerMetrics>> create(
      prometheus::Registry& registry);
  ~ControllerMetrics();
  ControllerMetrics(const ControllerMetrics&) = delete;
  ControllerMetrics& operator=(const ControllerMetrics&) = delete;

  // Upstream's counters: a source read (pull) or a target write (push), per registry host.
  void pullSucceeded(std::string_view registry);
  void pullFailed(std::string_view registry);
  void pushSucceeded(std::string_view registry);
  void pushFailed(std::string_view registry);

  void setImagesKnown(size_t n);
  // result: "copied" (pushed), "up_to_date" (already present), "dry_run".
  void imageMirrored(std::string_view result);
  void imageFailed(ErrorCode code, bool terminal);
  // reason: a planner reason ("excluded_registry", "invalid_reference", ...) or "cached".
  void imageSkipped(std::string_view reason, size_t uses = 1);
  void copied(int64_t bytes, int64_t blobs_copied, int64_t blobs_skipped, int64_t blobs_mounted,
              std::chrono::milliseconds duration);
  void setLastSuccess(std::chrono::system_clock::time_point when);
  void setCooldownEntries(size_t n);
  void setPushCacheEntries(size_t n);
  void verified(std::string_view result);  // "present", "missing", "different", "error"

  // For the leader elector and the reflectors.
  void setLeader(bool leader);
  void watchRestarted(std::string_view kind);
  void relisted(std::string_view kind);
  // The reflectors count by themselves (kube::ReflectorStats); this turns their cumulative
  // totals for `kind` into the two counters above, adding the increase since the previous call.
  // A total below the previous one means its source started again from zero (a new watcher),
  // so all of it is new: the counters never go down. The first call adds the totals themselves.
  // The caller reads and reports a kind's totals in order (one sampler, serialised): a stale
  // sample reported after a newer one would read as a restart.
  void observeWatchTotals(std::string_view kind, uint64_t watch_restarts, uint64_t relists);
  // The Event writer's cumulative totals (kube::EventWriterStats), turned into
  // k8s_copycat_events_total{result=written|dropped|failed} the same way.
  void observeEventTotals(uint64_t written, uint64_t dropped, uint64_t failed);

  // The work queue's hooks; valid as long as this object.
  [[nodiscard]] WorkQueueMetrics& queueMetrics();

 private:
  class QueueHooks;
  ControllerMetrics() = default;
  prometheus::Counter& labelled(prometheus::Family<prometheus::Counter>& family,
                                std::string_view label, std::string_view value);

  prometheus::Family<prometheus::Counter>* pull_success_ = nullptr;
  prometheus::Family<prometheus::Counter>* pull_error_ = nullptr;
  prometheus::Family<prometheus::Counter>* push_success_ = nullptr;
  prometheus::Family<prometheus::Counter>* push_error_ = nullptr;
  prometheus::Gauge* images_known_ = nullptr;
  prometheus::Family<prometheus::Counter>* mirrored_ = nullptr;
  prometheus::Family<prometheus::Counter>* failed_ = nullptr;
  prometheus::Family<prometheus::Counter>* skipped_ = nullptr;
  prometheus::Counter* bytes_ = nullptr;
  prometheus::Family<prometheus::Counter>* blobs_ = nullptr;
  prometheus::Histogram* copy_duration_ = nullptr;
  prometheus::Gauge* last_success_ = nullptr;
  prometheus::Gauge* cooldown_entries_ = nullptr;
  prometheus::Gauge* cache_entries_ = nullptr;
  prometheus::Family<prometheus::Counter>* verifications_ = nullptr;
  prometheus::Gauge* leader_ = nullptr;
  prometheus::Family<prometheus::Counter>* watch_restarts_ = nullptr;
  prometheus::Family<prometheus::Counter>* relists_ = nullptr;
  prometheus::Family<prometheus::Counter>* events_ = nullptr;
  std::unique_ptr<QueueHooks> queue_;

  struct WatchTotals {
    uint64_t watch_restarts = 0;
    uint64_t relists = 0;
  };
  std::mutex totals_mu_;  // serialises observeWatchTotals (concurrent scrapes)
  std::map<std::string, WatchTotals, std::less<>> last_totals_;     // guarded by totals_mu_
  std::map<std::string, uint64_t, std::less<>> last_event_totals_;  // guarded by totals_mu_
};

}  // namespace copycat::controller
