// The controller's work queue with client-go's semantics (k8s.io/client-go/util/workqueue:
// queue.go, delaying_queue.go, rate_limiting_queue.go), keyed by strings:
//  - a key is never handed to two workers at once: get() moves it from `dirty` to `processing`;
//  - identical adds coalesce while the key waits (`dirty`);
//  - a key added while it is processing is queued again when done() is called;
//  - addAfter() parks a key until its time (the earliest time wins for a key parked twice);
//  - addRateLimited() = addAfter(rate limiter delay); forget() resets the key's backoff;
//  - after shutDown() adds are ignored, get() still hands out what is queued, then returns
//    nullopt; shutDownWithDrain() also waits until every processing key is done().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/clock.h"
#include "controller/rate_limiter.h"

namespace copycat::controller {

// Metric hooks (client-go workqueue MetricsProvider). Called with the queue's lock held, so
// that gauge updates keep their order: implementations must be quick, must not block and must
// not call back into the queue.
class WorkQueueMetrics {
 public:
  virtual ~WorkQueueMetrics() = default;
  virtual void onAdd() {}                                   // a key entered `dirty`
  virtual void onDepth(size_t /*depth*/) {}                 // keys ready to be handed out
  virtual void onInFlight(size_t /*processing*/) {}         // keys handed out, not done
  virtual void onQueueLatency(std::chrono::nanoseconds) {}  // first add -> get
  virtual void onWorkDuration(std::chrono::nanoseconds) {}  // get -> done
  virtual void onRetry() {}                                 // addAfter / addRateLimited
};

struct WorkQueueOptions {
  // Null = client-go's default controller limiter (5 ms .. 1000 s per item, 10 qps / 100).
  std::unique_ptr<RateLimiter> rate_limiter = nullptr;
  WorkQueueMetrics* metrics = nullptr;  // not owned; may be null
  // Run a timer thread that moves delayed keys into the queue when they are due. Without it
  // the owner calls processDueItems() (tests with a FakeClock do).
  bool start_timer_thread = true;
  // The timer thread re-reads the clock at least this often, so that a clock that jumps (a
  // FakeClock) is noticed without a wake-up.
  std::chrono::milliseconds timer_poll{1000};
};

// Thread-safe. Does not own `clock`; it must outlive the queue. get() blocks until a key is
// ready or the queue shuts down; shutDownWithDrain() blocks until in-flight keys are done.
// The destructor shuts the queue down and joins the timer thread.
class WorkQueue {
 public:
  WorkQueue(const Clock& clock, WorkQueueOptions options = {});
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const std::string& key);
  // Blocks until a key is ready; nullopt once the queue is shut down and empty.
  [[nodiscard]] std::optional<std::string> get();
  // Like get() but gives up after `timeout` of real time (nullopt).
  [[nodiscard]] std::optional<std::string> getFor(std::chrono::nanoseconds timeout);
  // Marks `key` finished; queues it again if it was added while processing.
  void done(const std::string& key);

  // Adds `key` once `delay` has passed on the clock; delay <= 0 adds at once.
  void addAfter(const std::string& key, std::chrono::nanoseconds delay);
  void addRateLimited(const std::string& key);
  void forget(const std::string& key);
  [[nodiscard]] int numRequeues(const std::string& key) const;

  void shutDown();
  void shutDownWithDrain();
  [[nodiscard]] bool shuttingDown() const;

  // Keys ready to be handed out (client-go Len()).
  [[nodiscard]] size_t len() const;
  [[nodiscard]] size_t processing() const;
  // Nothing queued and nothing processing (one consistent snapshot).
  [[nodiscard]] bool idle() const;
  // Keys parked by addAfter() that are not due yet.
  [[nodiscard]] size_t waiting() const;

  // Moves every parked key whose time has come into the queue. Returns when the next parked
  // key is due (nullopt when none is parked).
  std::optional<Clock::Steady::time_point> processDueItems();

 private:
  struct Parked {
    Clock::Steady::time_point ready_at = {};
    uint64_t seq;
    std::string key = {};
    bool operator>(const Parked& o) const {
      return ready_at != o.ready_at ? ready_at > o.ready_at : seq > o.seq;
    }
  };

  void addLocked(const std::string& key);
  std::string popLocked();
  std::optional<Clock::Steady::time_point> processDueLocked();
  void timerLoop(std::stop_token stop);

  const Clock& clock_;
  std::unique_ptr<RateLimiter> limiter_;
  WorkQueueMetrics* metrics_;
  const std::chrono::milliseconds timer_poll_;

  mutable std::mutex mu_;
  std::condition_variable cond_;        // get() waiters and shutDownWithDrain()
  std::condition_variable timer_cond_;  // the timer thread
  // Invariants: every key in queue_ is in dirty_; a key in processing_ is not in queue_; a key
  // in both dirty_ and processing_ is queued by done().
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;
  std::unordered_set<std::string> processing_;
  std::unordered_map<std::string, Clock::Steady::time_point> add_times_;
  std::unordered_map<std::string, Clock::Steady::time_point> start_times_;
  // Parked keys: a min-heap with lazy deletion; parked_at_ holds each key's effective time.
  std::priority_queue<Parked, std::vector<Parked>, std::greater<>> parked_;
  std::unordered_map<std::string, Clock::Steady::time_point> parked_at_;
  uint64_t next_seq_ = 0;
  bool shutting_down_ = false;
  bool drain_ = false;

  std::jthread timer_;  // last: joined first on destruction
};

}  // namespace copycat::controller
