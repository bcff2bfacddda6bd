// maxConcurrentReconciles workers: each takes a key from the queue, reconciles it and applies
// the result to the queue (controller-runtime's processNextWorkItem). Graceful stop: take no
// new work, let in-flight reconciles finish within the grace period, then fire their stop
// token, and join.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "controller/mirror_reconciler.h"
#include "controller/work_queue.h"

namespace copycat::controller {

struct WorkerPoolOptions {
  int workers = 2;
  std::chrono::nanoseconds shutdown_grace{std::chrono::seconds(25)};
};

// Reconciles one key: (key, failed attempts so far, stop token) -> what to do with the key.
using ReconcileFn = std::function<ReconcileResult(const std::string&, int, std::stop_token)>;

// Thread-safe. Does not own `queue`; it must outlive the pool. stop() blocks for at most the
// grace period plus the time reconciles take to honour their stop token.
class WorkerPool {
 public:
  WorkerPool(WorkQueue& queue, ReconcileFn reconcile, WorkerPoolOptions options = {});
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  // Shuts the queue down, waits for in-flight reconciles up to the grace period, cancels the
  // rest through their stop token, joins the workers. Idempotent.
  void stop();
  [[nodiscard]] size_t inFlight() const;

 private:
  void work();

  WorkQueue& queue_;
  ReconcileFn reconcile_;
  const WorkerPoolOptions options_;
  std::stop_source cancel_;  // fired after the grace period
  std::mutex stop_mu_;       // serialises stop()
  mutable std::mutex mu_;
  std::condition_variable idle_;
  size_t in_flight_ = 0;               // guarded by mu_
  bool started_ = false;               // guarded by mu_
  bool stopping_ = false;              // guarded by mu_
  std::vector<std::jthread> threads_;  // written by start() before any stop()
};

}  // namespace copycat::controller
