#include "registry/parallel.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <optional>
#include <thread>
#include <vector>

#include "base/log.h"

namespace copycat::registry {

bool Semaphore::acquire(std::stop_token stop) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait(lock, stop, [this] { return permits_ > 0; })) {
    return false;
  }
  --permits_;
  return true;
}

void Semaphore::release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++permits_;
  }
  cv_.notify_one();
}

Status runParallel(size_t count, int jobs, std::stop_token stop,
                   const std::function<Status(size_t index, std::stop_token)>& task) {
  std::stop_source inner;
  std::stop_callback forward(stop, [&inner] { inner.request_stop(); });
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::optional<Error> first_error;  // guarded by mu
  auto worker = [&] {
    try {
      for (size_t i = next++; i < count && !inner.stop_requested(); i = next++) {
        Status status = task(i, inner.get_token());
        if (!status) {
          std::lock_guard<std::mutex> lock(mu);
          // A sibling's cancellation is a consequence, not the cause.
          if (!first_error || (first_error->code == ErrorCode::kCancelled &&
                               status.error().code != ErrorCode::kCancelled)) {
            first_error = status.error();
          }
          inner.request_stop();
        }
      }
    } catch (const std::exception& e) {
      LOG_ERROR("registry", "copy worker crashed", {{"error", e.what()}});
      std::abort();
    }
  };
  size_t threads = std::min<size_t>(count, static_cast<size_t>(std::max(jobs, 1)));
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (size_t t = 0; t < threads; ++t) {
      pool.emplace_back(worker);
    }
  }  // joins
  if (first_error) {
    return fail(*first_error);
  }
  if (stop.stop_requested()) {
    return fail(ErrorCode::kCancelled, "cancelled");
  }
  return ok();
}

}  // namespace copycat::registry
