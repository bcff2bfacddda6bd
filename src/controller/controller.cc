#include "controller/controller.h"

#include <algorithm>
#include <exception>

#include <fmt/format.h>

#include "base/log.h"
#include "image/reference.h"

namespace copycat::controller {
namespace {

using std::chrono::nanoseconds;

constexpr size_t kMaxLoggedOnce = 10'000;  // bounds the "logged once" memory

WorkQueueOptions queueOptions(const ControllerDeps& deps, const ControllerOptions& options) {
  ControllerRateLimiterOptions limiter{
      .backoff = {.base = options.retry_backoff,
                  .max = std::max(options.retry_backoff_max, options.retry_backoff),
                  .jitter = options.retry_jitter}};
  return WorkQueueOptions{.rate_limiter = makeControllerRateLimiter(deps.clock, limiter),
                          .metrics = &deps.metrics.queueMetrics(),
                          .start_timer_thread = options.start_background_threads};
}

}  // namespace

Controller::Controller(ControllerDeps deps, ControllerOptions options)
    : deps_(deps),
      options_(std::move(options)),
      events_(deps.events != nullptr ? std::make_unique<RateLimitedEventRecorder>(
                                           *deps.events, deps.clock, options_.event_rate_limit)
                                     : nullptr),
      cache_(deps.clock, options_.push_cache_max_entries),
      cooldown_(deps.clock, options_.failure_cooldown),
      queue_(deps.clock, queueOptions(deps, options_)),
      reconciler_(ReconcilerDeps{.demands = demands_,
                                 .cache = cache_,
                                 .cooldown = cooldown_,
                                 .executor = deps.executor,
                                 .metrics = deps.metrics,
                                 .clock = deps.clock,
                                 .events = events_.get()},
                  options_.reconcile),
      pool_(
          queue_,
          [this](const std::string& key, int requeues, std::stop_token stop) {
            return reconciler_.reconcile(key, requeues, std::move(stop));
          },
          WorkerPoolOptions{.workers = options_.max_concurrent_reconciles,
                            .shutdown_grace = options_.shutdown_timeout}) {}

Controller::~Controller() { stop(); }

void Controller::start() {
  {
    std::lock_guard lock(mu_);
    if (started_ || stopped_) {
      return;
    }
    started_ = true;
    if (options_.force_reconcile_interval > nanoseconds::zero()) {
      next_reverify_ = deps_.clock.now() + std::chrono::duration_cast<Clock::Steady::duration>(
                                               options_.force_reconcile_interval);
    }
  }
  pool_.start();
  if (options_.start_background_threads &&
      options_.force_reconcile_interval > nanoseconds::zero()) {
    scheduler_ = std::jthread([this](std::stop_token stop) { schedulerLoop(stop); });
  }
  LOG_INFO("controller", "controller started",
           {{"workers", options_.max_concurrent_reconciles}, {"dry_run", reconciler_.dryRun()}});
}

void Controller::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
  }
  if (scheduler_.joinable()) {
    scheduler_.request_stop();
    scheduler_cv_.notify_all();
    scheduler_.join();
  }
  std::jthread reverify;
  {
    std::lock_guard lock(reverify_mu_);
    reverify = std::move(reverify_thread_);
  }
  if (reverify.joinable()) {
    reverify.request_stop();
    reverify.join();
  }
  pool_.stop();
  queue_.shutDown();
  LOG_INFO("controller", "controller stopped", {{"cache_entries", cache_.size()}});
}

void Controller::observe(const workload::ImageUse& use, const ObservationContext& context) {
  const auto decision = deps_.planner.decide(use);
  if (decision.action != planner::Action::kMirror) {
    handleNotMirrored(use, decision);
    return;
  }
  Demand demand{.object = refOf(use),
                .owner = context.owner,
                .container = use.container,
                .source = *decision.source,
                .target = *decision.target,
                .node_platform = context.node_platform,
                .observed_digest = {},
                .pinned = !decision.source->digest.empty()};
  if (auto id = planner::parseImageId(use.image_id)) {
    demand.observed_digest = id->digest;
  }
  if (demand.owner.empty()) {
    demand.owner = demand.object;
  }
  auto upsert = demands_.upsert(std::move(demand));
  deps_.metrics.setImagesKnown(demands_.size());
  auto request = demands_.request(upsert.key);
  if (request && reconciler_.isCovered(*request)) {
    if (upsert.changed) {
      deps_.metrics.imageSkipped("cached");
    }
    return;
  }
  enqueue(upsert.key);
}

void Controller::handleNotMirrored(const workload::ImageUse& use,
                                   const planner::Decision& decision) {
  const WorkloadRef object = refOf(use);
  if (demands_.remove(object, use.container)) {
    deps_.metrics.setImagesKnown(demands_.size());  // its image changed to one not mirrored
  }
  const bool invalid = decision.action == planner::Action::kInvalid;
  const std::string once =
      fmt::format("{}|{}|{}|{}", decision.reason, object.str(), use.container, use.image);
  if (!logOnce(once)) {
    return;
  }
  deps_.metrics.imageSkipped(decision.reason);
  log::Fields fields{{"image", use.image},         {"namespace", use.namespace_name},
                     {"kind", object.kind_name},   {"name", use.name},
                     {"container", use.container}, {"reason", decision.reason},
                     {"detail", decision.detail}};
  if (invalid) {
    // Terminal: the reference cannot be mirrored as written; it is not retried.
    LOG_WARN("controller", "image not mirrored: invalid", fields);
  } else {
    LOG_DEBUG("controller", "image skipped", fields);
  }
}

bool Controller::logOnce(const std::string& key) {
  std::lock_guard lock(mu_);
  if (logged_.size() >= kMaxLoggedOnce) {
    logged_.clear();
  }
  return logged_.insert(key).second;
}

void Controller::enqueue(const std::string& key) { queue_.add(key); }

void Controller::forget(const WorkloadRef& object) {
  auto keys = demands_.removeWorkload(object);
  deps_.metrics.setImagesKnown(demands_.size());
  LOG_DEBUG("controller", "workload forgotten",
            {{"kind", object.kind_name},
             {"namespace", object.namespace_name},
             {"name", object.name},
             {"targets", keys.size()}});
}

void Controller::requeueDemanded(const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    if (demands_.request(key)) {
      enqueue(key);
    }
  }
}

std::vector<CacheEntry> Controller::cacheEntries() const { return cache_.entries(); }

EvictionResult Controller::evict(const EvictSelector& selector) {
  EvictionResult result;
  switch (selector.scope) {
    case EvictScope::kTarget:
      if (cache_.evict(selector.value)) {
        result.removed.push_back(selector.value);
      }
      break;
    case EvictScope::kPrefix:
      result.removed = cache_.evictPrefix(selector.value);
      break;
    case EvictScope::kAll:
      result.removed = cache_.evictAll();
      break;
  }
  result.entries = cache_.entries();
  result.remaining = result.entries.size();
  deps_.metrics.setPushCacheEntries(result.remaining);
  if (!result.removed.empty()) {
    LOG_INFO("controller", "evicted push cache entries",
             {{"removed", result.removed}, {"remaining", result.remaining}});
  }
  requeueDemanded(result.removed);
  return result;
}

void Controller::countFiltered(std::string_view reason, size_t uses) {
  if (uses > 0) {
    deps_.metrics.imageSkipped(reason, uses);
  }
}

CooldownResetResult Controller::resetCooldown(const std::optional<std::string>& target) {
  auto result = cooldown_.reset(target);
  deps_.metrics.setCooldownEntries(cooldown_.size());
  // The admin endpoint logs the request with its outcome; this would repeat it.
  requeueDemanded(result.targets);
  return result;
}

void Controller::markSynced(workload::Kind kind) {
  std::lock_guard lock(mu_);
  synced_.insert(kind);
}

bool Controller::isReady() const {
  std::lock_guard lock(mu_);
  if (!started_ || stopped_) {
    return false;
  }
  return std::all_of(options_.sync_kinds.begin(), options_.sync_kinds.end(),
                     [&](workload::Kind k) { return synced_.contains(k); });
}

ControllerStats Controller::stats() const {
  return ControllerStats{.idle = queue_.idle(),
                         .queue_depth = queue_.len(),
                         .waiting = queue_.waiting(),
                         .in_flight = queue_.processing(),
                         .known_images = demands_.size(),
                         .demands = demands_.demandCount(),
                         .cache_entries = cache_.size(),
                         .cooldown_entries = cooldown_.size(),
                         .reverifying = isReverifying()};
}

}  // namespace copycat::controller
