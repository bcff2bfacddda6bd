#include "controller/worker_pool.h"

#include <exception>

#include "base/log.h"

namespace copycat::controller {

WorkerPool::WorkerPool(WorkQueue& queue, ReconcileFn reconcile, WorkerPoolOptions options)
    : queue_(queue), reconcile_(std::move(reconcile)), options_(options) {}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) {
    return;
  }
  started_ = true;
  const int n = std::max(options_.workers, 1);
  threads_.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads_.emplace_back([this] { work(); });
  }
}

void WorkerPool::work() {
  try {
    while (auto key = queue_.get()) {
      bool take = false;
      {
        std::lock_guard lock(mu_);
        take = !stopping_;
        in_flight_ += take ? 1 : 0;
      }
      if (!take) {
        queue_.done(*key);  // shutting down: take no new work
        continue;
      }
      auto result = reconcile_(*key, queue_.numRequeues(*key), cancel_.get_token());
      switch (result.action) {
        case ReconcileAction::kDone:
          queue_.forget(*key);
          break;
        case ReconcileAction::kRequeueRateLimited:
          queue_.addRateLimited(*key);
          break;
        case ReconcileAction::kRequeueAfter:
          queue_.forget(*key);
          queue_.addAfter(*key, result.after);
          break;
      }
      queue_.done(*key);
      {
        std::lock_guard lock(mu_);
        --in_flight_;
      }
      idle_.notify_all();
    }
  } catch (const std::exception& e) {
    // A bug must not leave a half-dead worker (docs/ARCHITECTURE.md, "Errors").
    LOG_ERROR("controller", "worker failed", {{"error", e.what()}});
    std::abort();
  }
}

void WorkerPool::stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  queue_.shutDown();
  {
    std::unique_lock lock(mu_);
    if (!idle_.wait_for(lock, options_.shutdown_grace, [&] { return in_flight_ == 0; })) {
      LOG_WARN("controller", "cancelling in-flight mirrors after the shutdown grace period",
               {{"in_flight", in_flight_}});
      cancel_.request_stop();
    }
  }
  for (auto& t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
}

size_t WorkerPool::inFlight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

}  // namespace copycat::controller
