// Lease-based leader election with client-go's leaderelection semantics: candidates run
// tryAcquireOrRenew every retry period (jittered while acquiring); a lease counts as held until
// `leaseDurationSeconds` after the record was last seen to change *on this candidate's clock*
// (the observed record and observed time, immune to clock skew between nodes); the leader
// renews every retry period and steps down when a renewal has not succeeded within the renew
// deadline; with release_on_cancel a leader that shuts down clears holderIdentity (lease
// duration 1 s) so a standby takes over at its next attempt.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "base/clock.h"
#include "base/result.h"
#include "kube/api_client.h"
#include "kube/kube_config.h"
#include "kube/lease_lock.h"

namespace copycat::kube {

// Environment lookup; returns nullopt for an unset variable.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
// ::getenv as an EnvLookup.
std::optional<std::string> processEnv(const std::string& name);

// The namespace of the leader-election Lease, in the order the app documents: `configured`
// (leaderElectionNamespace), then POD_NAMESPACE, then `<sa_dir>/namespace` (a pod's service
// account). Values are trimmed; empty ones are skipped. Errors: kInvalidArgument naming all
// three sources when none yields a namespace (controller-runtime refuses to guess "default").
Result<std::string> leaderElectionNamespace(std::string_view configured, const EnvLookup& env,
                                            const std::string& sa_dir = kServiceAccountDir);

// This replica's name: POD_NAME, else the host name (a pod's host name is its name).
// Errors: kInternal when neither is available.
Result<std::string> podName(const EnvLookup& env);
// A candidate identity unique per process: podName() + "_" + a random UUID, as
// controller-runtime (hostname + "_" + uuid), so a restarted pod never mistakes the previous
// incarnation's lease for its own.
Result<std::string> leaderElectionIdentity(const EnvLookup& env);

// `period` stretched by a random factor in [0, max_factor) (wait.Jitter): period * (1 + r).
std::chrono::nanoseconds jittered(std::chrono::nanoseconds period, double max_factor);

struct LeaderElectionOptions {
  std::string namespace_name;  // required (see leaderElectionNamespace)
  std::string lease_name = "k8s-copycat";
  std::string identity;  // required (see leaderElectionIdentity)
  // client-go / controller-runtime defaults. Must hold: lease > renew > jitter * retry > 0; the
  // lease duration is stored in whole seconds (at least 1).
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  double jitter_factor = 1.2;
  // On stop(), a leader clears holderIdentity so a standby need not wait for the lease to expire.
  bool release_on_cancel = true;
  // check() fails once a leader has not renewed for renew_deadline + this (controller-runtime
  // passes 20 s to its healthz adaptor).
  std::chrono::milliseconds health_tolerance{20000};
};

// Validates as client-go NewLeaderElector does. Errors: kInvalidArgument.
Status validateLeaderElectionOptions(const LeaderElectionOptions& options);

struct LeaderCallbacks {
  // Runs on its own thread once the lease is acquired. The token fires when leadership ends
  // (lost, or stop()); the function must then return promptly: stop() waits for it. Required.
  std::function<void(std::stop_token)> on_started_leading;
  // Called once after leadership ends (not when this candidate never led). On a loss it runs
  // at once on the elector thread, possibly while on_started_leading is still winding down; on
  // stop() it runs after on_started_leading returned and the lease was released. Optional.
  std::function<void()> on_stopped_leading;
  // A different (non-empty) holder was observed, this candidate included. Runs on the elector
  // thread and must be quick. Optional.
  std::function<void(const std::string& identity)> on_new_leader;
};

// Thread-safe: isLeader(), leader() and check() may be called from any thread while the
// election runs on its own thread. start()/stop() belong to one owner thread. A lost election
// ends the run (the process is expected to restart, as with controller-runtime); create a new
// elector to campaign again. Does not own `client` or `clock`, which must outlive it.
class LeaderElector {
 public:
  // Errors: kInvalidArgument from validateLeaderElectionOptions or a missing
  // on_started_leading.
  [[nodiscard]] static Result<std::unique_ptr<LeaderElector>> create(ApiClient& client,
                                                                     Clock& clock,
                                                                     LeaderElectionOptions options,
                                                                     LeaderCallbacks callbacks);
  ~LeaderElector();  // stop()
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Starts campaigning on the "leader-elector" thread. Once.
  void start();
  // Ends the election: a standby stops trying; a leader fires on_started_leading's token, keeps
  // renewing until that function returned, releases the lease (release_on_cancel) and calls
  // on_stopped_leading. Blocks until all of that is done. Idempotent.
  void stop();

  // True while the record last observed names this candidate and leadership has not ended
  // (lost, released or stopped).
  [[nodiscard]] bool isLeader() const;
  // The holder last observed ("" when none, or before the first attempt).
  [[nodiscard]] std::string leader() const;
  [[nodiscard]] const std::string& identity() const { return options_.identity; }
  // Liveness (client-go HealthzAdaptor): fails while this candidate leads but has not renewed
  // for renew_deadline + health_tolerance (a stuck elector must not keep the process alive).
  [[nodiscard]] Status check() const;

  // One attempt to acquire or renew (client-go tryAcquireOrRenew): true when this candidate
  // holds the lease afterwards. Exposed for tests that drive time with a FakeClock; never call
  // it while start() runs the election.
  bool tryAcquireOrRenew(std::stop_token stop = {});
  // Gives the lease up if held (holderIdentity "", lease duration 1 s). Same caveat.
  bool release(std::stop_token stop = {});

 private:
  LeaderElector(ApiClient& client, Clock& clock, LeaderElectionOptions options,
                LeaderCallbacks callbacks);

  void run(std::stop_token stop);
  bool acquire(std::stop_token stop);
  // Renews until stop was requested and the leading work returned (true) or a renewal missed
  // the deadline (false).
  bool renew(std::stop_token stop);
  void lead(std::stop_token stop);
  // tryAcquireOrRenew cancelled after `timeout` (real time) or when `stop` fires.
  bool boundedAttempt(std::stop_token stop, std::chrono::nanoseconds timeout);
  // Waits `period` (real time); returns early when the leading work returned.
  void pause(std::chrono::nanoseconds period, std::stop_token stop);
  void reportTransition();
  // Logs a failed attempt (debug for lost races, warn otherwise) and returns false.
  bool noteFailure(const char* what, const Error& error);
  void setObserved(const LeaderElectionRecord& record);
  [[nodiscard]] LeaderElectionRecord observed() const;
  [[nodiscard]] bool observedIsMe() const;
  [[nodiscard]] bool observedLeaseValid(Clock::Steady::time_point now) const;
  [[nodiscard]] bool stopAndWorkDone(const std::stop_token& stop) const;
  [[nodiscard]] LeaderElectionRecord newRecord() const;

  Clock& clock_;
  const LeaderElectionOptions options_;
  const LeaderCallbacks callbacks_;
  LeaseLock lock_;               // used only by the elector thread (or the tests' thread)
  std::string reported_leader_;  // elector thread only
  std::string last_error_;       // elector thread only: the last failed attempt's reason

  mutable std::mutex mu_;
  std::condition_variable work_done_cv_;
  LeaderElectionRecord observed_;          // guarded by mu_
  Clock::Steady::time_point observed_at_;  // guarded by mu_
  bool stepped_down_ = false;              // guarded by mu_: leadership ended
  bool work_done_ = false;                 // guarded by mu_: on_started_leading returned

  bool started_ = false;  // owner thread only
  std::jthread thread_;
};

// controller-runtime's leader-election health check as a HealthChecks::Check.
std::function<Status()> leaderHealthCheck(const LeaderElector& elector);

}  // namespace copycat::kube
