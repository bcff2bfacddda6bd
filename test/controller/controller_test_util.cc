#include "controller_test_util.h"

#include "base/crypto.h"

namespace copycat::controller::fakes {

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

double metricValue(prometheus::Registry& registry, const std::string& name,
                   const std::map<std::string, std::string>& labels) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) {
      continue;
    }
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& pair : metric.label) {
        have[pair.name] = pair.value;
      }
      if (have != labels) {
        continue;
      }
      switch (family.type) {
        case prometheus::MetricType::Counter:
          return metric.counter.value;
        case prometheus::MetricType::Gauge:
          return metric.gauge.value;
        case prometheus::MetricType::Histogram:
          return static_cast<double>(metric.histogram.sample_count);
        default:
          return -1;
      }
    }
  }
  return -1;
}

std::string FakeMirrorExecutor::digestFor(const MirrorJob& job) {
  if (job.platforms.empty() && !job.source.digest.empty()) {
    return job.source.digest;
  }
  std::string seed = job.source.str();
  for (const auto& p : job.platforms) {
    seed += "|" + p.str();
  }
  return "sha256:" + crypto::sha256Hex(seed);
}

MirrorOutcome FakeMirrorExecutor::mirror(const MirrorJob& job, std::stop_token stop) {
  std::unique_lock lock(mu_);
  jobs_.push_back(job);
  ++active_;
  if (blocking_) {
    const uint64_t generation = release_generation_;
    const bool released = cv_.wait(lock, stop, [&] { return release_generation_ != generation; });
    if (!released) {
      --active_;
      ++cancelled_;
      return tl::unexpected(MirrorError{Error(ErrorCode::kCancelled, "copy cancelled")});
    }
  }
  --active_;
  auto it = failures_.find(job.target.str());
  if (it != failures_.end() && it->second.times != 0) {
    MirrorError failure{it->second.error, it->second.side};
    if (it->second.times > 0 && --it->second.times == 0) {
      failures_.erase(it);
    }
    return tl::unexpected(std::move(failure));
  }
  return MirrorResult{.target_digest = digestFor(job),
                      .source_digest = job.source.digest,
                      .blobs_copied = 2,
                      .blobs_skipped = 1,
                      .blobs_mounted = 1,
                      .bytes_copied = 1000,
                      .duration = std::chrono::milliseconds(40),
                      .already_present = false,
                      .missing_platforms = {}};
}

Result<VerifyResult> FakeMirrorExecutor::verify(const image::Reference& target,
                                                std::string_view expected_digest,
                                                std::stop_token stop) {
  std::unique_lock lock(mu_);
  ++verify_calls_;
  if (verify_blocking_) {
    const uint64_t generation = verify_release_generation_;
    if (!cv_.wait(lock, stop, [&] { return verify_release_generation_ != generation; })) {
      return fail(ErrorCode::kCancelled, "verify cancelled");
    }
  }
  auto it = verify_results_.find(target.str());
  if (it != verify_results_.end()) {
    return it->second;
  }
  return VerifyResult{.status = VerifyStatus::kPresent,
                      .actual_digest = std::string(expected_digest)};
}

void FakeMirrorExecutor::failNext(const std::string& target, Error error, int times,
                                  FailedSide side) {
  std::lock_guard lock(mu_);
  failures_[target] = Failure{std::move(error), times, side};
}

void FakeMirrorExecutor::failAlways(const std::string& target, Error error, FailedSide side) {
  std::lock_guard lock(mu_);
  failures_[target] = Failure{std::move(error), -1, side};
}

void FakeMirrorExecutor::clearFailures() {
  std::lock_guard lock(mu_);
  failures_.clear();
}

void FakeMirrorExecutor::setBlocking(bool blocking) {
  std::lock_guard lock(mu_);
  blocking_ = blocking;
}

void FakeMirrorExecutor::release() {
  {
    std::lock_guard lock(mu_);
    ++release_generation_;
  }
  cv_.notify_all();
}

void FakeMirrorExecutor::setVerifyResult(const std::string& target, VerifyResult result) {
  std::lock_guard lock(mu_);
  verify_results_[target] = std::move(result);
}

void FakeMirrorExecutor::setVerifyBlocking(bool blocking) {
  std::lock_guard lock(mu_);
  verify_blocking_ = blocking;
}

void FakeMirrorExecutor::releaseVerify() {
  {
    std::lock_guard lock(mu_);
    ++verify_release_generation_;
  }
  cv_.notify_all();
}

std::vector<MirrorJob> FakeMirrorExecutor::jobs() const {
  std::lock_guard lock(mu_);
  return jobs_;
}

size_t FakeMirrorExecutor::calls() const {
  std::lock_guard lock(mu_);
  return jobs_.size();
}

int FakeMirrorExecutor::active() const {
  std::lock_guard lock(mu_);
  return active_;
}

int FakeMirrorExecutor::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

size_t FakeMirrorExecutor::verifyCalls() const {
  std::lock_guard lock(mu_);
  return verify_calls_;
}

void RecordingEvents::record(const WorkloadRef& object, EventType type, std::string_view reason,
                             std::string_view message) {
  std::lock_guard lock(mu_);
  events_.push_back(RecordedEvent{object, type, std::string(reason), std::string(message)});
}

std::vector<RecordedEvent> RecordingEvents::events() const {
  std::lock_guard lock(mu_);
  return events_;
}

}  // namespace copycat::controller::fakes
