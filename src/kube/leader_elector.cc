#include "kube/leader_elector.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>

#include <pthread.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strings.h"
#include "kube/api_status.h"
#include "kube/file_util.h"
#include "kube/rate_limiter.h"

namespace copycat::kube {
namespace {

using std::chrono::nanoseconds;

std::mt19937_64& randomEngine() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

// A random (version 4) UUID, "8-4-4-4-12" lower-case hex.
std::string randomUuid() {
  std::uniform_int_distribution<uint32_t> byte(0, 255);
  unsigned char b[16];
  for (auto& value : b) {
    value = static_cast<unsigned char>(byte(randomEngine()));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

std::string nonEmptyEnv(const EnvLookup& env, const char* name) {
  if (!env) {
    return {};
  }
  auto value = env(name);
  return value ? std::string(strings::trim(*value)) : std::string();
}

// Times are stored with microsecond precision; truncating first keeps the record written equal
// to the record read back.
Clock::Wall::time_point truncatedToMicros(Clock::Wall::time_point t) {
  return std::chrono::floor<std::chrono::microseconds>(t);
}

// Runs `attempt` with a token that fires after `timeout` (real time) or when `stop` fires: a hung
// request must not outlive the renew deadline, since the lease may be gone by then.
bool withDeadline(std::stop_token stop, nanoseconds timeout,
                  const std::function<bool(std::stop_token)>& attempt) {
  std::stop_source call;
  std::stop_callback link(stop, [&call] { call.request_stop(); });
  std::jthread timer([&call, timeout](std::stop_token done) {
    if (sleepFor(timeout, done)) {
      call.request_stop();
    }
  });
  return attempt(call.get_token());
}

void runThread(const char* name, const std::function<void()>& body) {
  pthread_setname_np(pthread_self(), name);
  try {
    body();
  } catch (const std::exception& e) {
    LOG_ERROR("kube", "leader election thread failed", {{"thread", name}, {"error", e.what()}});
    std::abort();
  }
}

}  // namespace

std::optional<std::string> processEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
}

Result<std::string> leaderElectionNamespace(std::string_view configured, const EnvLookup& env,
                                            const std::string& sa_dir) {
  if (auto value = strings::trim(configured); !value.empty()) {
    return std::string(value);
  }
  if (auto value = nonEmptyEnv(env, "POD_NAMESPACE"); !value.empty()) {
    return value;
  }
  const std::string file = sa_dir + "/namespace";
  auto content = readFile(file, "service account namespace");
  if (content && !strings::trim(*content).empty()) {
    return std::string(strings::trim(*content));
  }
  std::string why = content ? "\"" + file + "\" is empty" : content.error().message;
  return fail(ErrorCode::kInvalidArgument,
              "cannot tell the leader election namespace: set leaderElectionNamespace or "
              "POD_NAMESPACE, or run in a pod (" +
                  why + ")");
}

Result<std::string> podName(const EnvLookup& env) {
  if (auto value = nonEmptyEnv(env, "POD_NAME"); !value.empty()) {
    return value;
  }
  char host[HOST_NAME_MAX + 1] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') {
    return fail(ErrorCode::kInternal, "cannot tell the pod name: POD_NAME unset, no host name");
  }
  return std::string(host);
}

Result<std::string> leaderElectionIdentity(const EnvLookup& env) {
  ASSIGN_OR_RETURN(std::string name, podName(env));
  return name + "_" + randomUuid();
}

nanoseconds jittered(nanoseconds period, double max_factor) {
  if (max_factor <= 0) {
    max_factor = 1.0;  // wait.Jitter
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  double extra = static_cast<double>(period.count()) * max_factor * unit(randomEngine());
  return period + nanoseconds(static_cast<int64_t>(extra));
}

Status validateLeaderElectionOptions(const LeaderElectionOptions& o) {
  auto invalid = [](std::string message) {
    return fail(ErrorCode::kInvalidArgument, "leader election: " + std::move(message));
  };
  if (o.namespace_name.empty() || o.lease_name.empty()) {
    return invalid("the lease namespace and name must be set");
  }
  if (o.identity.empty()) {
    return invalid("the candidate identity is empty");
  }
  if (o.lease_duration < std::chrono::seconds(1)) {
    return invalid("leaseDuration must be at least 1s (stored in whole seconds)");
  }
  if (o.renew_deadline.count() <= 0 || o.retry_period.count() <= 0 || o.jitter_factor < 0) {
    return invalid("renewDeadline, retryPeriod and the jitter factor must be positive");
  }
  if (o.lease_duration <= o.renew_deadline) {
    return invalid("leaseDuration must be greater than renewDeadline");
  }
  if (static_cast<double>(o.renew_deadline.count()) <=
      o.jitter_factor * static_cast<double>(o.retry_period.count())) {
    return invalid("renewDeadline must be greater than retryPeriod*JitterFactor");
  }
  return ok();
}

Result<std::unique_ptr<LeaderElector>> LeaderElector::create(ApiClient& client, Clock& clock,
                                                             LeaderElectionOptions options,
                                                             LeaderCallbacks callbacks) {
  RETURN_IF_ERROR(validateLeaderElectionOptions(options));
  if (!callbacks.on_started_leading) {
    return fail(ErrorCode::kInvalidArgument, "leader election: on_started_leading is required");
  }
  return std::unique_ptr<LeaderElector>(
      new LeaderElector(client, clock, std::move(options), std::move(callbacks)));
}

LeaderElector::LeaderElector(ApiClient& client, Clock& clock, LeaderElectionOptions options,
                             LeaderCallbacks callbacks)
    : clock_(clock),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      lock_(client, options_.namespace_name, options_.lease_name),
      observed_at_(clock.now()) {}

LeaderElector::~LeaderElector() { stop(); }

void LeaderElector::start() {
  if (started_) {
    return;
  }
  started_ = true;
  thread_ = std::jthread(
      [this](std::stop_token stop) { runThread("leader-elector", [&] { run(stop); }); });
}

void LeaderElector::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

bool LeaderElector::isLeader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !stepped_down_ && observed_.holder_identity == options_.identity;
}

std::string LeaderElector::leader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return observed_.holder_identity;
}

Status LeaderElector::check() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (stepped_down_ || observed_.holder_identity != options_.identity) {
    return ok();  // a standby is healthy
  }
  auto since = clock_.now() - observed_at_;
  if (since > options_.renew_deadline + options_.health_tolerance) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since).count();
    return fail(ErrorCode::kUnavailable, "failed election to renew leadership on lease " +
                                             lock_.describe() + ": last renewed " +
                                             std::to_string(ms) + " ms ago");
  }
  return ok();
}

std::function<Status()> leaderHealthCheck(const LeaderElector& elector) {
  return [&elector] { return elector.check(); };
}

LeaderElectionRecord LeaderElector::newRecord() const {
  LeaderElectionRecord record;
  record.holder_identity = options_.identity;
  record.lease_duration_seconds = static_cast<int>(
      std::chrono::duration_cast<std::chrono::seconds>(options_.lease_duration).count());
  record.acquire_time = truncatedToMicros(clock_.wallNow());
  record.renew_time = record.acquire_time;
  return record;
}

void LeaderElector::setObserved(const LeaderElectionRecord& record) {
  std::lock_guard<std::mutex> lock(mu_);
  observed_ = record;
  observed_at_ = clock_.now();
}

LeaderElectionRecord LeaderElector::observed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return observed_;
}

bool LeaderElector::observedIsMe() const {
  std::lock_guard<std::mutex> lock(mu_);
  return observed_.holder_identity == options_.identity;
}

bool LeaderElector::observedLeaseValid(Clock::Steady::time_point now) const {
  std::lock_guard<std::mutex> lock(mu_);
  return observed_at_ + std::chrono::seconds(observed_.lease_duration_seconds) > now;
}

bool LeaderElector::tryAcquireOrRenew(std::stop_token stop) {
  LeaderElectionRecord record = newRecord();
  // 1. The leader's fast path: update optimistically on the Lease it wrote last.
  if (observedIsMe() && observedLeaseValid(clock_.now())) {
    LeaderElectionRecord old = observed();
    record.acquire_time = old.acquire_time;
    record.leader_transitions = old.leader_transitions;
    auto updated = lock_.update(record, stop);
    if (updated) {
      setObserved(record);
      return true;
    }
    if (stop.stop_requested()) {  // the deadline passed: a read would be cancelled too
      return noteFailure("cannot renew the leader election lease", updated.error());
    }
    LOG_DEBUG("kube", "optimistic lease update failed, reading the lease",
              {{"lease", lock_.describe()}, {"error", updated.error().message}});
  }
  // 2. Read the record, or create the Lease when there is none.
  auto old = lock_.get(stop);
  if (!old) {
    if (old.error().http_status != 404) {
      return noteFailure("cannot read the leader election lease", old.error());
    }
    auto created = lock_.create(record, stop);
    if (!created) {
      return noteFailure("cannot create the leader election lease", created.error());
    }
    setObserved(record);
    return true;
  }
  // 3. A changed record restarts the expiry countdown on this candidate's clock.
  if (*old != observed()) {
    setObserved(*old);
  }
  const bool me = observedIsMe();
  if (!old->holder_identity.empty() && !me && observedLeaseValid(clock_.now())) {
    last_error_ = "the lease is held by " + old->holder_identity;
    LOG_DEBUG("kube", "lease is held by another candidate",
              {{"lease", lock_.describe()}, {"leader", old->holder_identity}});
    return false;
  }
  // 4. Take over an expired or released lease, or renew our own.
  if (me) {
    record.acquire_time = old->acquire_time;
    record.leader_transitions = old->leader_transitions;
  } else {
    record.leader_transitions = old->leader_transitions + 1;
  }
  auto updated = lock_.update(record, stop);
  if (!updated) {
    return noteFailure("cannot update the leader election lease", updated.error());
  }
  setObserved(record);
  return true;
}

bool LeaderElector::noteFailure(const char* what, const Error& error) {
  last_error_ = error.message;
  // Losing a race to another candidate, or being cancelled, is part of the protocol.
  if (isConflict(error) || isAlreadyExists(error) || error.code == ErrorCode::kCancelled) {
    LOG_DEBUG("kube", what, {{"lease", lock_.describe()}, {"error", error.message}});
  } else {
    LOG_WARN("kube", what, {{"lease", lock_.describe()}, {"error", error.message}});
  }
  return false;
}

bool LeaderElector::release(std::stop_token stop) {
  if (!observedIsMe()) {
    return true;
  }
  LeaderElectionRecord record;
  record.lease_duration_seconds = 1;
  record.acquire_time = truncatedToMicros(clock_.wallNow());
  record.renew_time = record.acquire_time;
  record.leader_transitions = observed().leader_transitions;
  auto updated = lock_.update(record, stop);
  if (!updated && isConflict(updated.error())) {
    // Something else touched the Lease (labels, ...): release it if it is still ours.
    auto current = lock_.get(stop);
    if (current && current->holder_identity == options_.identity) {
      updated = lock_.update(record, stop);
    }
  }
  if (!updated) {
    LOG_WARN("kube", "cannot release the leader election lease",
             {{"lease", lock_.describe()}, {"error", updated.error().message}});
    return false;
  }
  setObserved(record);
  return true;
}

void LeaderElector::reportTransition() {
  std::string holder = observed().holder_identity;
  if (holder.empty() || holder == reported_leader_) {
    return;
  }
  reported_leader_ = holder;
  LOG_INFO("kube", "new leader elected", {{"lease", lock_.describe()}, {"leader", holder}});
  if (callbacks_.on_new_leader) {
    callbacks_.on_new_leader(holder);
  }
}

bool LeaderElector::boundedAttempt(std::stop_token stop, nanoseconds timeout) {
  return withDeadline(std::move(stop), timeout,
                      [this](std::stop_token token) { return tryAcquireOrRenew(token); });
}

void LeaderElector::pause(nanoseconds period, std::stop_token stop) {
  std::unique_lock<std::mutex> lock(mu_);
  work_done_cv_.wait_for(lock, period, [&] { return work_done_ && stop.stop_requested(); });
}

bool LeaderElector::stopAndWorkDone(const std::stop_token& stop) const {
  std::lock_guard<std::mutex> lock(mu_);
  return stop.stop_requested() && work_done_;
}

void LeaderElector::run(std::stop_token stop) {
  if (acquire(stop)) {
    lead(stop);
  }
}

bool LeaderElector::acquire(std::stop_token stop) {
  LOG_INFO("kube", "attempting to acquire leader lease",
           {{"lease", lock_.describe()}, {"identity", options_.identity}});
  while (!stop.stop_requested()) {
    const bool acquired = boundedAttempt(stop, options_.renew_deadline);
    reportTransition();
    if (acquired) {
      LOG_INFO("kube", "successfully acquired lease", {{"lease", lock_.describe()}});
      return true;
    }
    if (!sleepFor(jittered(options_.retry_period, options_.jitter_factor), stop)) {
      break;
    }
  }
  return false;
}

bool LeaderElector::renew(std::stop_token stop) {
  while (true) {
    // client-go: poll every retry period until one renewal succeeds or the deadline passes.
    const auto deadline = clock_.now() + options_.renew_deadline;
    bool renewed = false;
    while (!renewed) {
      auto left = deadline - clock_.now();
      if (left <= nanoseconds::zero()) {
        break;
      }
      renewed = boundedAttempt({}, left);
      if (!renewed && stopAndWorkDone(stop)) {
        return true;  // shutting down anyway: go release what may still be ours
      }
      if (!renewed) {
        pause(std::min<nanoseconds>(options_.retry_period, deadline - clock_.now()), stop);
      }
    }
    reportTransition();
    if (!renewed) {
      return false;
    }
    if (stopAndWorkDone(stop)) {
      return true;
    }
    pause(options_.retry_period, stop);
    if (stopAndWorkDone(stop)) {
      return true;
    }
  }
}

void LeaderElector::lead(std::stop_token stop) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    work_done_ = false;
  }
  std::stop_source leading;
  std::jthread worker([this, token = leading.get_token()] {
    runThread("leader-work", [&] { callbacks_.on_started_leading(token); });
    {
      std::lock_guard<std::mutex> lock(mu_);
      work_done_ = true;
    }
    work_done_cv_.notify_all();
  });
  // Shutdown first ends the leading work; renewals go on until it has returned.
  std::stop_callback end_work(stop, [this, &leading] {
    leading.request_stop();
    std::lock_guard<std::mutex> lock(mu_);  // so a pause() cannot miss the wake-up
    work_done_cv_.notify_all();
  });
  const bool kept = renew(stop);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stepped_down_ = true;
  }
  leading.request_stop();
  if (!kept) {
    LOG_ERROR("kube", "leader election lost",
              {{"lease", lock_.describe()},
               {"renew_deadline_ms", options_.renew_deadline.count()},
               {"error", last_error_}});
    if (callbacks_.on_stopped_leading) {
      callbacks_.on_stopped_leading();
    }
    return;  // `worker` joins on destruction
  }
  worker.join();
  if (options_.release_on_cancel) {
    (void)withDeadline({}, options_.renew_deadline,
                       [this](std::stop_token token) { return release(token); });
  }
  LOG_INFO("kube", "stopped leading", {{"lease", lock_.describe()}});
  if (callbacks_.on_stopped_leading) {
    callbacks_.on_stopped_leading();
  }
}

}  // namespace copycat::kube
