// The periodic re-verification (forceReconcileMinutes) and its admin trigger. Upstream's
// resync re-lists workloads but its push cache then skips every image, so nothing is checked;
// here every cached target is asked (HEAD) whether it still holds the digest pushed.
#include <algorithm>
#include <exception>

#include "base/log.h"
#include "controller/controller.h"

namespace copycat::controller {
namespace {

using std::chrono::nanoseconds;

constexpr auto kSchedulerPoll = std::chrono::seconds(1);

std::string_view statusName(VerifyStatus status) {
  switch (status) {
    case VerifyStatus::kPresent:
      return "present";
    case VerifyStatus::kMissing:
      return "missing";
    case VerifyStatus::kDifferent:
      return "different";
  }
  return "error";
}

}  // namespace

void Controller::tick() {
  queue_.processDueItems();
  bool due = false;
  {
    std::lock_guard lock(mu_);
    const auto now = deps_.clock.now();
    if (started_ && !stopped_ && next_reverify_ && now >= *next_reverify_) {
      due = true;
      next_reverify_ = now + std::chrono::duration_cast<Clock::Steady::duration>(
                                 options_.force_reconcile_interval);
    }
  }
  if (due && !forceReconcile()) {
    LOG_DEBUG("controller", "periodic re-verification skipped: one is running", {});
  }
}

void Controller::schedulerLoop(std::stop_token stop) {
  try {
    std::mutex m;
    std::unique_lock lock(m);
    while (!stop.stop_requested()) {
      tick();
      nanoseconds wait = kSchedulerPoll;
      {
        std::lock_guard state(mu_);
        if (next_reverify_) {
          wait = std::clamp<nanoseconds>(*next_reverify_ - deps_.clock.now(), nanoseconds(0),
                                         kSchedulerPoll);
        }
      }
      scheduler_cv_.wait_for(lock, stop, wait, [] { return false; });
    }
  } catch (const std::exception& e) {
    LOG_ERROR("controller", "scheduler failed", {{"error", e.what()}});
    std::abort();
  }
}

bool Controller::forceReconcile() {
  std::lock_guard lock(reverify_mu_);
  {
    std::lock_guard state(mu_);
    if (stopped_) {
      return false;
    }
  }
  if (reverifying_) {
    return false;
  }
  if (reverify_thread_.joinable()) {
    reverify_thread_.join();  // finished: reverifying_ is false
  }
  reverifying_ = true;
  reverify_thread_ = std::jthread([this](std::stop_token stop) {
    try {
      reverify(stop);
    } catch (const std::exception& e) {
      LOG_ERROR("controller", "re-verification failed", {{"error", e.what()}});
      std::abort();
    }
    std::lock_guard done(reverify_mu_);
    reverifying_ = false;
  });
  return true;
}

bool Controller::isReverifying() const {
  std::lock_guard lock(reverify_mu_);
  return reverifying_;
}

void Controller::reverify(std::stop_token stop) {
  auto demanded = demands_.keys();  // sorted
  std::vector<std::string> keys = demanded;
  for (const auto& entry : cache_.entries()) {
    keys.push_back(entry.target);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  LOG_INFO("controller", "re-verification started", {{"targets", keys.size()}});
  for (const auto& key : keys) {
    if (stop.stop_requested()) {
      return;
    }
    reverifyKey(key, std::binary_search(demanded.begin(), demanded.end(), key), stop);
  }
  LOG_INFO("controller", "re-verification finished", {{"targets", keys.size()}});
}

void Controller::reverifyKey(const std::string& key, bool demanded, std::stop_token stop) {
  auto record = cache_.lookup(key);
  if (!record) {
    if (demanded) {
      enqueue(key);  // never pushed, failed or in flight: the reconcile decides
    }
    return;
  }
  auto verified = deps_.executor.verify(record->target, record->digest, stop);
  if (!verified) {
    deps_.metrics.verified("error");
    LOG_WARN("controller", "re-verification failed",
             {{"target", key}, {"error", verified.error().describe()}});
    return;
  }
  deps_.metrics.verified(statusName(verified->status));
  if (verified->status == VerifyStatus::kPresent) {
    return;
  }
  cache_.evict(key);
  deps_.metrics.setPushCacheEntries(cache_.size());
  LOG_INFO("controller", "mirrored target gone or changed",
           {{"target", key},
            {"digest", record->digest},
            {"found", verified->actual_digest},
            {"status", statusName(verified->status)},
            {"requeued", demanded}});
  if (demanded) {
    enqueue(key);
  }
}

}  // namespace copycat::controller
