#include "controller/mirror_reconciler.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "base/log.h"

namespace copycat::controller {
namespace {

using std::chrono::nanoseconds;

constexpr auto kInflightRetry = std::chrono::seconds(1);
constexpr size_t kThrottlePruneAbove = 1024;

int64_t millisSince(const Clock& clock, Clock::Steady::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start).count();
}

log::Fields baseFields(const MirrorRequest& req, const std::string& reconcile_id) {
  const WorkloadRef& who = req.latest.owner.empty() ? req.latest.object : req.latest.owner;
  return log::Fields{{"image", req.latest.source.str()},
                     {"target", req.key},
                     {"namespace", who.namespace_name},
                     {"kind", who.kind_name},
                     {"name", who.name},
                     {"reconcile_id", reconcile_id}};
}

}  // namespace

std::string newReconcileId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

MirrorReconciler::MirrorReconciler(ReconcilerDeps deps, ReconcilerOptions options)
    : deps_(deps), options_(std::move(options)) {}

bool MirrorReconciler::isCovered(const MirrorRequest& request) {
  if (dryRun()) {
    return false;
  }
  auto previous = deps_.cache.lookup(request.key);
  return previous && covers(*previous, request, wantedPlatforms(request, options_.platforms));
}

std::optional<nanoseconds> MirrorReconciler::throttled(const std::string& key) {
  if (options_.push_interval <= nanoseconds::zero()) {
    return std::nullopt;
  }
  const auto now = deps_.clock.now();
  std::lock_guard lock(mu_);
  if (last_push_.size() > kThrottlePruneAbove) {
    std::erase_if(last_push_,
                  [&](const auto& e) { return now - e.second >= options_.push_interval; });
  }
  auto it = last_push_.find(key);
  if (it == last_push_.end() || now - it->second >= options_.push_interval) {
    return std::nullopt;
  }
  return options_.push_interval - (now - it->second);
}

void MirrorReconciler::markPushed(const std::string& key) {
  if (options_.push_interval <= nanoseconds::zero()) {
    return;
  }
  const auto now = deps_.clock.now();
  std::lock_guard lock(mu_);
  last_push_[key] = now;
}

ReconcileResult MirrorReconciler::reconcile(const std::string& key, int num_requeues,
                                            std::stop_token stop) {
  auto request = deps_.demands.request(key);
  if (!request) {
    LOG_DEBUG("controller", "no workload demands the target any more", {{"target", key}});
    return {};
  }
  Attempt attempt{.request = std::move(*request),
                  .reconcile_id = newReconcileId(),
                  .started = deps_.clock.now()};
  const auto wanted = wantedPlatforms(attempt.request, options_.platforms);
  const auto previous = dryRun() ? std::nullopt : deps_.cache.lookup(key);
  if (previous && covers(*previous, attempt.request, wanted)) {
    deps_.metrics.imageSkipped("cached");
    LOG_DEBUG("controller", "target already mirrored",
              baseFields(attempt.request, attempt.reconcile_id));
    return {};
  }
  if (auto left = deps_.cooldown.remaining(key)) {
    LOG_DEBUG("controller", "target in failure cooldown", {{"target", key}});
    return {ReconcileAction::kRequeueAfter, *left};
  }
  if (auto left = throttled(key)) {
    auto fields = baseFields(attempt.request, attempt.reconcile_id);
    fields["retry_in_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(*left).count();
    LOG_INFO("controller", "push throttled by pushInterval", fields);
    return {ReconcileAction::kRequeueAfter, *left};
  }
  if (!dryRun() && !deps_.cache.beginPush(key)) {
    return {ReconcileAction::kRequeueAfter, kInflightRetry};
  }
  deps_.metrics.setPushCacheEntries(deps_.cache.size());
  attempt.platforms = widenPlatforms(wanted, previous);
  attempt.jobs =
      planJobs(attempt.request, attempt.platforms,
               JobOptions{.allow_different_digest_repush = options_.allow_different_digest_repush,
                          .dry_run = options_.dry_run,
                          .dry_pull = options_.dry_pull,
                          .reconcile_id = attempt.reconcile_id});
  markPushed(key);
  return run(attempt, num_requeues, std::move(stop));
}

ReconcileResult MirrorReconciler::run(Attempt& attempt, int num_requeues, std::stop_token stop) {
  for (const auto& job : attempt.jobs) {
    auto outcome = deps_.executor.mirror(job, stop);
    if (!outcome) {
      if (!dryRun()) {
        deps_.cache.abortPush(attempt.request.key);
        deps_.metrics.setPushCacheEntries(deps_.cache.size());
      }
      return failed(attempt, job, outcome.error(), num_requeues);
    }
    attempt.results.push_back(std::move(*outcome));
  }
  return succeeded(attempt);
}

ReconcileResult MirrorReconciler::succeeded(Attempt& attempt) {
  const MirrorRequest& req = attempt.request;
  const MirrorResult& primary = attempt.results.back();
  MirrorResult total;
  bool pushed = false;
  for (size_t i = 0; i < attempt.results.size(); ++i) {
    const auto& job = attempt.jobs[i];
    const auto& r = attempt.results[i];
    if (!options_.dry_pull) {
      deps_.metrics.pullSucceeded(job.source.registry);
    }
    if (!r.already_present && !dryRun()) {
      deps_.metrics.pushSucceeded(job.target.registry);
      pushed = true;
    }
    total.bytes_copied += r.bytes_copied;
    total.blobs_copied += r.blobs_copied;
    total.blobs_skipped += r.blobs_skipped;
    total.blobs_mounted += r.blobs_mounted;
    total.duration += r.duration;
    total.missing_platforms.insert(total.missing_platforms.end(), r.missing_platforms.begin(),
                                   r.missing_platforms.end());
  }
  deps_.metrics.copied(total.bytes_copied, total.blobs_copied, total.blobs_skipped,
                       total.blobs_mounted, total.duration);
  deps_.metrics.imageMirrored(dryRun() ? "dry_run" : (pushed ? "copied" : "up_to_date"));
  if (!dryRun()) {
    deps_.cache.record(req.key, PushRecord{.target = attempt.jobs.back().target.reference(),
                                           .digest = primary.target_digest,
                                           .source_name = sourceIdentity(req.latest.source),
                                           .fingerprints = req.fingerprints,
                                           .all_platforms = attempt.platforms.all,
                                           .platforms = attempt.platforms.platforms});
    deps_.metrics.setPushCacheEntries(deps_.cache.size());
    deps_.metrics.setLastSuccess(deps_.clock.wallNow());
  }
  deps_.cooldown.clear(req.key);
  deps_.metrics.setCooldownEntries(deps_.cooldown.size());

  auto fields = baseFields(req, attempt.reconcile_id);
  fields["digest"] = primary.target_digest;
  fields["duration_ms"] = millisSince(deps_.clock, attempt.started);
  fields["error"] = "";
  fields["result"] = dryRun() ? "dry_run" : (pushed ? "copied" : "up_to_date");
  fields["bytes"] = total.bytes_copied;
  if (!total.missing_platforms.empty()) {
    LOG_WARN("controller", "platforms missing from the source index",
             {{"target", req.key}, {"platforms", total.missing_platforms}});
  }
  LOG_INFO("controller", "image mirrored", fields);
  if (pushed) {
    emit(req, EventType::kNormal, kReasonMirrored,
         fmt::format("Mirrored {} to {} ({})", req.latest.source.str(), req.key,
                     primary.target_digest));
  }
  return {};
}

ReconcileResult MirrorReconciler::failed(Attempt& attempt, const MirrorJob& job,
                                         const MirrorError& error, int num_requeues) {
  const MirrorRequest& req = attempt.request;
  const Error& e = error.error;
  auto fields = baseFields(req, attempt.reconcile_id);
  fields["duration_ms"] = millisSince(deps_.clock, attempt.started);
  fields["error"] = e.describe();
  fields["error_code"] = std::string(errorCodeName(e.code));
  if (e.code == ErrorCode::kCancelled) {
    LOG_INFO("controller", "mirror cancelled", fields);
    return {};
  }
  if (error.side == FailedSide::kSource) {
    deps_.metrics.pullFailed(job.source.registry);
  } else {
    deps_.metrics.pushFailed(job.target.registry);
  }
  const int attempt_number = num_requeues + 1;
  fields["attempt"] = attempt_number;
  // A digest mismatch may be a corrupted transfer: retried like a transient failure, terminal
  // once the attempts are used up.
  const bool retryable = e.isRetryable() || e.code == ErrorCode::kDigestMismatch;
  if (retryable && attempt_number < options_.registry_retry_attempts) {
    LOG_WARN("controller", "mirror failed, retrying", fields);
    return {ReconcileAction::kRequeueRateLimited};
  }
  deps_.metrics.imageFailed(e.code, !retryable);
  deps_.cooldown.recordFailure(req.key);
  deps_.metrics.setCooldownEntries(deps_.cooldown.size());
  fields["terminal"] = !retryable;
  LOG_ERROR("controller", "mirror failed", fields);
  emit(req, EventType::kWarning, kReasonMirrorFailed,
       fmt::format("Mirroring {} to {} failed: {}", req.latest.source.str(), req.key, e.message));
  if (deps_.cooldown.enabled()) {
    return {ReconcileAction::kRequeueAfter, deps_.cooldown.cooldown()};
  }
  return {};
}

void MirrorReconciler::emit(const MirrorRequest& request, EventType type, std::string_view reason,
                            const std::string& message) {
  if (deps_.events == nullptr) {
    return;
  }
  for (const auto& owner : request.owners) {
    deps_.events->record(owner, type, reason, message);
  }
}

}  // namespace copycat::controller
