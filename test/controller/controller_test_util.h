// Fakes and helpers shared by the controller tests: a scripted MirrorExecutor, an Event sink,
// a metric reader and a bounded poll.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <prometheus/registry.h>

#include "controller/event_recorder.h"
#include "controller/mirror_executor.h"

namespace copycat::controller::fakes {

// Polls `done` every millisecond for at most `limit` of real time (state set by other threads).
bool waitUntil(const std::function<bool()>& done,
               std::chrono::milliseconds limit = std::chrono::milliseconds(5000));

// The value of a counter, gauge or histogram count with exactly these labels; -1 when absent.
double metricValue(prometheus::Registry& registry, const std::string& name,
                   const std::map<std::string, std::string>& labels = {});

// Thread-safe. Every job succeeds unless a failure was scripted for its pushed reference.
class FakeMirrorExecutor final : public MirrorExecutor {
 public:
  MirrorOutcome mirror(const MirrorJob& job, std::stop_token stop) override;
  Result<VerifyResult> verify(const image::Reference& target, std::string_view expected_digest,
                              std::stop_token stop) override;

  // The next `times` jobs pushing `target` (TargetName::str() of the job) fail with `error`.
  void failNext(const std::string& target, Error error, int times = 1,
                FailedSide side = FailedSide::kTarget);
  // Every job pushing `target` fails with `error` until cleared.
  void failAlways(const std::string& target, Error error, FailedSide side = FailedSide::kTarget);
  void clearFailures();
  // While blocking, mirror() waits until release() or its stop token fires (then kCancelled).
  void setBlocking(bool blocking);
  void release();
  void setVerifyResult(const std::string& target, VerifyResult result);
  // verify() blocks until releaseVerify().
  void setVerifyBlocking(bool blocking);
  void releaseVerify();

  [[nodiscard]] std::vector<MirrorJob> jobs() const;
  [[nodiscard]] size_t calls() const;
  [[nodiscard]] int active() const;     // mirror() calls running now
  [[nodiscard]] int cancelled() const;  // calls that ended through the stop token
  [[nodiscard]] size_t verifyCalls() const;

  // The digest a job's target gets: the source digest for whole copies of a pinned source, a
  // digest derived from the job otherwise.
  static std::string digestFor(const MirrorJob& job);

 private:
  struct Failure {
    Error error;
    int times = 0;  // < 0: always
    FailedSide side = FailedSide::kTarget;
  };

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::vector<MirrorJob> jobs_;
  std::map<std::string, Failure> failures_;
  std::map<std::string, VerifyResult> verify_results_;
  bool blocking_ = false;
  uint64_t release_generation_ = 0;
  bool verify_blocking_ = false;
  uint64_t verify_release_generation_ = 0;
  int active_ = 0;
  int cancelled_ = 0;
  size_t verify_calls_ = 0;
};

struct RecordedEvent {
  WorkloadRef object;
  EventType type = EventType::kNormal;
  std::string reason;
  std::string message;
};

// Thread-safe.
class RecordingEvents final : public EventRecorder {
 public:
  void record(const WorkloadRef& object, EventType type, std::string_view reason,
              std::string_view message) override;
  [[nodiscard]] std::vector<RecordedEvent> events() const;

 private:
  mutable std::mutex mu_;
  std::vector<RecordedEvent> events_;
};

}  // namespace copycat::controller::fakes
