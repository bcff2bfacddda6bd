#include "controller/work_queue.h"

#include <algorithm>
#include <exception>

#include "base/log.h"

namespace copycat::controller {

using std::chrono::nanoseconds;

WorkQueue::WorkQueue(const Clock& clock, WorkQueueOptions options)
    : clock_(clock),
      limiter_(options.rate_limiter ? std::move(options.rate_limiter)
                                    : makeControllerRateLimiter(clock)),
      metrics_(options.metrics),
      timer_poll_(std::max(options.timer_poll, std::chrono::milliseconds(1))) {
  if (options.start_timer_thread) {
    timer_ = std::jthread([this](std::stop_token stop) { timerLoop(stop); });
  }
}

WorkQueue::~WorkQueue() {
  shutDown();
  if (timer_.joinable()) {
    timer_.request_stop();
    timer_.join();
  }
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(mu_);
  addLocked(key);
}

void WorkQueue::addLocked(const std::string& key) {
  if (shutting_down_ || dirty_.contains(key)) {
    return;  // coalesced with the pending add (queue.go Add)
  }
  if (metrics_ != nullptr) {
    metrics_->onAdd();
  }
  add_times_.try_emplace(key, clock_.now());
  dirty_.insert(key);
  if (processing_.contains(key)) {
    return;  // done() queues it again
  }
  queue_.push_back(key);
  if (metrics_ != nullptr) {
    metrics_->onDepth(queue_.size());
  }
  cond_.notify_one();
}

std::string WorkQueue::popLocked() {
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  const auto now = clock_.now();
  if (metrics_ != nullptr) {
    metrics_->onDepth(queue_.size());
    if (auto it = add_times_.find(key); it != add_times_.end()) {
      metrics_->onQueueLatency(now - it->second);
    }
  }
  add_times_.erase(key);
  start_times_[key] = now;
  processing_.insert(key);
  dirty_.erase(key);
  if (metrics_ != nullptr) {
    metrics_->onInFlight(processing_.size());
  }
  return key;
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mu_);
  cond_.wait(lock, [&] { return !queue_.empty() || shutting_down_; });
  if (queue_.empty()) {
    return std::nullopt;  // shutting down and drained
  }
  return popLocked();
}

std::optional<std::string> WorkQueue::getFor(nanoseconds timeout) {
  std::unique_lock lock(mu_);
  if (!cond_.wait_for(lock, timeout, [&] { return !queue_.empty() || shutting_down_; }) ||
      queue_.empty()) {
    return std::nullopt;
  }
  return popLocked();
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(mu_);
  if (processing_.erase(key) == 0) {
    return;
  }
  if (auto it = start_times_.find(key); it != start_times_.end()) {
    if (metrics_ != nullptr) {
      metrics_->onWorkDuration(clock_.now() - it->second);
    }
    start_times_.erase(it);
  }
  if (metrics_ != nullptr) {
    metrics_->onInFlight(processing_.size());
  }
  if (dirty_.contains(key)) {
    queue_.push_back(key);
    if (metrics_ != nullptr) {
      metrics_->onDepth(queue_.size());
    }
  }
  // Wakes a worker for the re-queued key, or shutDownWithDrain() when nothing is processing.
  cond_.notify_all();
}

void WorkQueue::addAfter(const std::string& key, nanoseconds delay) {
  std::lock_guard lock(mu_);
  if (shutting_down_) {
    return;
  }
  if (metrics_ != nullptr) {
    metrics_->onRetry();
  }
  if (delay <= nanoseconds::zero()) {
    addLocked(key);
    return;
  }
  const auto ready_at = clock_.now() + std::chrono::duration_cast<Clock::Steady::duration>(delay);
  auto [it, inserted] = parked_at_.try_emplace(key, ready_at);
  if (!inserted) {
    if (ready_at >= it->second) {
      return;  // already parked for an earlier time (delaying_queue.go insert)
    }
    it->second = ready_at;
  }
  const bool earliest = parked_.empty() || ready_at < parked_.top().ready_at;
  parked_.push(Parked{ready_at, next_seq_++, key});
  if (earliest) {
    timer_cond_.notify_all();
  }
}

void WorkQueue::addRateLimited(const std::string& key) { addAfter(key, limiter_->when(key)); }

void WorkQueue::forget(const std::string& key) { limiter_->forget(key); }

int WorkQueue::numRequeues(const std::string& key) const { return limiter_->numRequeues(key); }

void WorkQueue::shutDown() {
  std::lock_guard lock(mu_);
  drain_ = false;
  shutting_down_ = true;
  cond_.notify_all();
  timer_cond_.notify_all();
}

void WorkQueue::shutDownWithDrain() {
  std::unique_lock lock(mu_);
  drain_ = true;
  shutting_down_ = true;
  cond_.notify_all();
  timer_cond_.notify_all();
  cond_.wait(lock, [&] { return processing_.empty() || !drain_; });
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard lock(mu_);
  return shutting_down_;
}

size_t WorkQueue::len() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

size_t WorkQueue::processing() const {
  std::lock_guard lock(mu_);
  return processing_.size();
}

bool WorkQueue::idle() const {
  std::lock_guard lock(mu_);
  return queue_.empty() && processing_.empty();
}

size_t WorkQueue::waiting() const {
  std::lock_guard lock(mu_);
  return parked_at_.size();
}

std::optional<Clock::Steady::time_point> WorkQueue::processDueItems() {
  std::lock_guard lock(mu_);
  return processDueLocked();
}

std::optional<Clock::Steady::time_point> WorkQueue::processDueLocked() {
  const auto now = clock_.now();
  while (!parked_.empty()) {
    const Parked& top = parked_.top();
    auto it = parked_at_.find(top.key);
    if (it == parked_at_.end() || it->second != top.ready_at) {
      parked_.pop();  // superseded by an earlier time for the same key
      continue;
    }
    if (top.ready_at > now) {
      return top.ready_at;
    }
    std::string key = top.key;
    parked_.pop();
    parked_at_.erase(it);
    addLocked(key);
  }
  return std::nullopt;
}

void WorkQueue::timerLoop(std::stop_token stop) {
  try {
    std::unique_lock lock(mu_);
    while (!stop.stop_requested() && !shutting_down_) {
      auto next = processDueLocked();
      if (!next) {
        timer_cond_.wait(lock);
        continue;
      }
      auto wait = std::min<nanoseconds>(*next - clock_.now(), timer_poll_);
      timer_cond_.wait_for(lock, std::max(wait, nanoseconds(0)));
    }
  } catch (const std::exception& e) {
    LOG_ERROR("controller", "work queue timer failed", {{"error", e.what()}});
    std::abort();
  }
}

}  // namespace copycat::controller
