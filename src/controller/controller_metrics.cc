#include "controller/controller_metrics.h"

#include <exception>

#include <fmt/format.h>

namespace copycat::controller {
namespace {

using prometheus::Histogram;

// Seconds: a warm copy takes a few requests, a cold multi-GB image many minutes.
const Histogram::BucketBoundaries kCopyBuckets = {0.1, 0.5, 1,   2.5, 5,   10,
                                                  30,  60,  120, 300, 900, 1800};
// client-go's workqueue buckets: 1 µs .. 10 s exponentially, extended for slow copies.
const Histogram::BucketBoundaries kQueueBuckets = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1,
                                                   1,    10,   60,   300,  1800};

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// The growth of a cumulative total since `previous`; a smaller total restarted from zero.
uint64_t increase(uint64_t previous, uint64_t now) {
  return now >= previous ? now - previous : now;
}

}  // namespace

// client-go's workqueue metrics under the k8s_copycat_workqueue_ prefix, one queue.
class ControllerMetrics::QueueHooks final : public WorkQueueMetrics {
 public:
  explicit QueueHooks(prometheus::Registry& r)
      : depth_(prometheus::BuildGauge()
                   .Name("k8s_copycat_workqueue_depth")
                   .Help("Keys waiting in the work queue.")
                   .Register(r)
                   .Add({})),
        in_flight_(prometheus::BuildGauge()
                       .Name("k8s_copycat_workqueue_in_flight")
                       .Help("Keys being reconciled now.")
                       .Register(r)
                       .Add({})),
        adds_(prometheus::BuildCounter()
                  .Name("k8s_copycat_workqueue_adds_total")
                  .Help("Keys added to the work queue.")
                  .Register(r)
                  .Add({})),
        retries_(prometheus::BuildCounter()
                     .Name("k8s_copycat_workqueue_retries_total")
                     .Help("Delayed and rate-limited re-adds.")
                     .Register(r)
                     .Add({})),
        latency_(prometheus::BuildHistogram()
                     .Name("k8s_copycat_workqueue_queue_duration_seconds")
                     .Help("How long a key waits in the queue before a worker takes it.")
                     .Register(r)
                     .Add({}, kQueueBuckets)),
        work_(prometheus::BuildHistogram()
                  .Name("k8s_copycat_workqueue_work_duration_seconds")
                  .Help("How long reconciling one key takes.")
                  .Register(r)
                  .Add({}, kQueueBuckets)) {}

  void onAdd() override { adds_.Increment(); }
  void onDepth(size_t depth) override { depth_.Set(static_cast<double>(depth)); }
  void onInFlight(size_t n) override { in_flight_.Set(static_cast<double>(n)); }
  void onQueueLatency(std::chrono::nanoseconds d) override { latency_.Observe(seconds(d)); }
  void onWorkDuration(std::chrono::nanoseconds d) override { work_.Observe(seconds(d)); }
  void onRetry() override { retries_.Increment(); }

 private:
  prometheus::Gauge& depth_;
  prometheus::Gauge& in_flight_;
  prometheus::Counter& adds_;
  prometheus::Counter& retries_;
  prometheus::Histogram& latency_;
  prometheus::Histogram& work_;
};

ControllerMetrics::~ControllerMetrics() = default;

Result<std::unique_ptr<ControllerMetrics>> ControllerMetrics::create(prometheus::Registry& r) {
  std::unique_ptr<ControllerMetrics> m(new ControllerMetrics());
  auto counters = [&](const char* name, const char* help) {
    return &prometheus::BuildCounter().Name(name).Help(help).Register(r);
  };
  auto gauge = [&](const char* name, const char* help) {
    return &prometheus::BuildGauge().Name(name).Help(help).Register(r).Add({});
  };
  try {
    m->pull_success_ = counters("k8s_copycat_registry_pull_success_total",
                                "Successful source image reads, per source registry.");
    m->pull_error_ = counters("k8s_copycat_registry_pull_error_total",
                              "Failed source image reads, per source registry.");
    m->push_success_ = counters("k8s_copycat_registry_push_success_total",
                                "Successful image pushes, per target registry.");
    m->push_error_ = counters("k8s_copycat_registry_push_error_total",
                              "Failed image pushes, per target registry.");
    m->images_known_ = gauge("k8s_copycat_images_known", "Target images demanded by workloads.");
    m->mirrored_ = counters("k8s_copycat_images_mirrored_total",
                            "Successful mirrors by result (copied, up_to_date, dry_run).");
    m->failed_ = counters("k8s_copycat_images_failed_total",
                          "Mirrors that failed after retries, by error code and terminality.");
    m->skipped_ =
        counters("k8s_copycat_images_skipped_total", "Image uses not mirrored, by reason.");
    m->bytes_ = &prometheus::BuildCounter()
                     .Name("k8s_copycat_bytes_copied_total")
                     .Help("Blob bytes streamed from sources to targets.")
                     .Register(r)
                     .Add({});
    m->blobs_ =
        counters("k8s_copycat_blobs_total", "Blobs handled by result (copied, skipped, mounted).");
    m->copy_duration_ = &prometheus::BuildHistogram()
                             .Name("k8s_copycat_copy_duration_seconds")
                             .Help("Duration of successful image copies.")
                             .Register(r)
                             .Add({}, kCopyBuckets);
    m->last_success_ = gauge("k8s_copycat_last_successful_mirror_timestamp_seconds",
                             "Unix time of the last successful mirror.");
    m->cooldown_entries_ =
        gauge("k8s_copycat_failure_cooldown_entries", "Targets waiting out a failure cooldown.");
    m->cache_entries_ = gauge("k8s_copycat_push_cache_entries", "Entries in the push cache.");
    m->verifications_ = counters("k8s_copycat_reverifications_total",
                                 "Re-verifications of pushed targets, by result.");
    m->leader_ =
        gauge("k8s_copycat_leader",
              "1 while this replica mirrors (leader, or no leader election); 0 on a standby.");
    m->watch_restarts_ =
        counters("k8s_copycat_watch_restarts_total", "Watch streams restarted, per kind.");
    m->relists_ = counters("k8s_copycat_relists_total",
                           "Full relists after a watch expired (410 Gone), per kind.");
    m->events_ = counters("k8s_copycat_events_total",
                          "Kubernetes Events by result: written (created or aggregated), dropped "
                          "(queue full), failed (API errors).");
    m->queue_ = std::make_unique<QueueHooks>(r);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, fmt::format("registering controller metrics: {}", e.what()));
  }
  return m;
}

prometheus::Counter& ControllerMetrics::labelled(prometheus::Family<prometheus::Counter>& family,
                                                 std::string_view label, std::string_view value) {
  return family.Add({{std::string(label), std::string(value)}});
}

void ControllerMetrics::pullSucceeded(std::string_view registry) {
  labelled(*pull_success_, "registry", registry).Increment();
}
void ControllerMetrics::pullFailed(std::string_view registry) {
  labelled(*pull_error_, "registry", registry).Increment();
}
void ControllerMetrics::pushSucceeded(std::string_view registry) {
  labelled(*push_success_, "registry", registry).Increment();
}
void ControllerMetrics::pushFailed(std::string_view registry) {
  labelled(*push_error_, "registry", registry).Increment();
}

void ControllerMetrics::setImagesKnown(size_t n) { images_known_->Set(static_cast<double>(n)); }

void ControllerMetrics::imageMirrored(std::string_view result) {
  labelled(*mirrored_, "result", result).Increment();
}

void ControllerMetrics::imageFailed(ErrorCode code, bool terminal) {
  failed_
      ->Add({{"code", std::string(errorCodeName(code))}, {"terminal", terminal ? "true" : "false"}})
      .Increment();
}

void ControllerMetrics::imageSkipped(std::string_view reason, size_t uses) {
  labelled(*skipped_, "reason", reason).Increment(static_cast<double>(uses));
}

void ControllerMetrics::copied(int64_t bytes, int64_t blobs_copied, int64_t blobs_skipped,
                               int64_t blobs_mounted, std::chrono::milliseconds duration) {
  bytes_->Increment(static_cast<double>(bytes));
  labelled(*blobs_, "result", "copied").Increment(static_cast<double>(blobs_copied));
  labelled(*blobs_, "result", "skipped").Increment(static_cast<double>(blobs_skipped));
  labelled(*blobs_, "result", "mounted").Increment(static_cast<double>(blobs_mounted));
  copy_duration_->Observe(seconds(duration));
}

void ControllerMetrics::setLastSuccess(std::chrono::system_clock::time_point when) {
  last_success_->Set(seconds(when.time_since_epoch()));
}

void ControllerMetrics::setCooldownEntries(size_t n) {
  cooldown_entries_->Set(static_cast<double>(n));
}

void ControllerMetrics::setPushCacheEntries(size_t n) {
  cache_entries_->Set(static_cast<double>(n));
}

void ControllerMetrics::verified(std::string_view result) {
  labelled(*verifications_, "result", result).Increment();
}

WorkQueueMetrics& ControllerMetrics::queueMetrics() { return *queue_; }

void ControllerMetrics::setLeader(bool leader) { leader_->Set(leader ? 1 : 0); }

void ControllerMetrics::watchRestarted(std::string_view kind) {
  labelled(*watch_restarts_, "kind", kind).Increment();
}

void ControllerMetrics::relisted(std::string_view kind) {
  labelled(*relists_, "kind", kind).Increment();
}

void ControllerMetrics::observeWatchTotals(std::string_view kind, uint64_t watch_restarts,
                                           uint64_t relists) {
  std::lock_guard lock(totals_mu_);
  auto it = last_totals_.find(kind);
  if (it == last_totals_.end()) {
    it = last_totals_.emplace(std::string(kind), WatchTotals{}).first;
  }
  WatchTotals& last = it->second;
  // Add() also on a zero increase: every reflected kind shows a series from the first scrape.
  labelled(*watch_restarts_, "kind", kind)
      .Increment(static_cast<double>(increase(last.watch_restarts, watch_restarts)));
  labelled(*relists_, "kind", kind).Increment(static_cast<double>(increase(last.relists, relists)));
  last = WatchTotals{.watch_restarts = watch_restarts, .relists = relists};
}

void ControllerMetrics::observeEventTotals(uint64_t written, uint64_t dropped, uint64_t failed) {
  std::lock_guard lock(totals_mu_);
  for (auto [result, total] : {std::pair<std::string_view, uint64_t>{"written", written},
                               {"dropped", dropped},
                               {"failed", failed}}) {
    auto it = last_event_totals_.find(result);
    if (it == last_event_totals_.end()) {
      it = last_event_totals_.emplace(std::string(result), 0).first;
    }
    labelled(*events_, "result", result)
        .Increment(static_cast<double>(increase(it->second, total)));
    it->second = total;
  }
}

}  // namespace copycat::controller
