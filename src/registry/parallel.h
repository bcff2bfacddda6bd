// Bounded parallelism for the copy engine: a stop-aware counting semaphore (per-registry
// transfer limits shared by concurrent copies) and a parallel-for that stops at the first
// error.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <stop_token>

#include "base/result.h"

namespace copycat::registry {

// Thread-safe counting semaphore whose acquire() gives up when a stop token fires.
class Semaphore {
 public:
  explicit Semaphore(int permits) : permits_(permits < 1 ? 1 : permits) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  // Blocks until a permit is free; false when `stop` fired first.
  [[nodiscard]] bool acquire(std::stop_token stop);
  void release();

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  int permits_;  // guarded by mu_
};

// Runs task(i, stop) for i in [0, count) on at most `jobs` threads (the caller's thread
// included when jobs == 1). The first failure cancels the others through their stop token and
// is returned; `stop` cancels everything (kCancelled when no task failed for another reason).
// Blocks until every started task returned. Tasks must be thread-safe.
[[nodiscard]] Status runParallel(size_t count, int jobs, std::stop_token stop,
                                 const std::function<Status(size_t index, std::stop_token)>& task);

}  // namespace copycat::registry
