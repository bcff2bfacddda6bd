// The election loop on its thread against FakeApiServer, in real time with short durations
// (lease 1-3 s, renew 0.6-2 s, retry 0.1 s): callbacks, release on stop, standby takeover,
// losing the lease (stolen, forbidden, hung requests) and several candidates racing.
#include <atomic>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "kube/leader_elector.h"
#include "kube/lease_test_util.h"
#include "support/fake_api_server.h"
#include "support/fault_proxy.h"

namespace copycat::kube {
namespace {

using copycat::testing::FakeApiServer;
using copycat::testing::FaultProxy;
using copycat::testing::FaultRule;
using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;
using testing::eventually;
using testing::testClient;

constexpr const char* kNs = "copycat-system";

// What one candidate's callbacks saw. Thread-safe.
struct Observed {
  std::atomic<int> started{0};
  std::atomic<int> stopped{0};
  std::atomic<bool> working{false};
  std::atomic<bool> working_at_stop{true};  // was the work still running at on_stopped?
  std::mutex mu;
  std::vector<std::string> new_leaders;

  std::vector<std::string> leaders() {
    std::lock_guard<std::mutex> lock(mu);
    return new_leaders;
  }
};

LeaderElectionOptions fastOptions(const std::string& identity) {
  LeaderElectionOptions options;
  options.namespace_name = kNs;
  options.identity = identity;
  options.lease_duration = milliseconds(1000);
  options.renew_deadline = milliseconds(600);
  options.retry_period = milliseconds(100);
  return options;
}

class ElectionRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(api_.start());
    client_ = testClient(api_.url());
    ASSERT_NE(client_, nullptr);
  }

  std::unique_ptr<LeaderElector> candidate(LeaderElectionOptions options, Observed& seen,
                                           ApiClient* client = nullptr) {
    LeaderCallbacks callbacks;
    callbacks.on_started_leading = [&seen](std::stop_token stop) {
      seen.started++;
      seen.working = true;
      // The leading work: runs until leadership ends.
      while (!stop.stop_requested()) {
        std::this_thread::sleep_for(milliseconds(2));
      }
      seen.working = false;
    };
    callbacks.on_stopped_leading = [&seen] {
      seen.working_at_stop = seen.working.load();
      seen.stopped++;
    };
    callbacks.on_new_leader = [&seen](const std::string& id) {
      std::lock_guard<std::mutex> lock(seen.mu);
      seen.new_leaders.push_back(id);
    };
    auto made = LeaderElector::create(client != nullptr ? *client : *client_,
                                      SystemClock::instance(), std::move(options), callbacks);
    EXPECT_TRUE(made) << made.error().message;
    return made ? std::move(*made) : nullptr;
  }

  nlohmann::json spec() const {
    auto stored = api_.get("leases", kNs, "k8s-copycat");
    return stored ? nlohmann::json::parse(*stored)["spec"] : nlohmann::json();
  }

  FakeApiServer api_;
  std::unique_ptr<ApiClient> client_;
};

TEST_F(ElectionRunTest, LeaderRunsItsWorkRenewsAndReleasesOnStop) {
  Observed seen;
  auto a = candidate(fastOptions("a"), seen);
  a->start();
  ASSERT_TRUE(eventually([&] { return seen.working.load(); }));
  EXPECT_TRUE(a->isLeader());
  EXPECT_EQ(seen.leaders(), std::vector<std::string>{"a"});
  // Renewals every retry period (0.1 s).
  const uint64_t updates = api_.requestCount("update", "leases");
  ASSERT_TRUE(eventually([&] { return api_.requestCount("update", "leases") >= updates + 3; }));
  EXPECT_TRUE(a->check());

  a->stop();
  EXPECT_EQ(seen.started.load(), 1);
  EXPECT_EQ(seen.stopped.load(), 1);
  EXPECT_FALSE(seen.working_at_stop.load());  // the work returned before on_stopped_leading
  EXPECT_FALSE(a->isLeader());
  EXPECT_EQ(spec()["holderIdentity"], "");
  EXPECT_EQ(spec()["leaseDurationSeconds"], 1);
  a->stop();  // idempotent
  EXPECT_EQ(seen.stopped.load(), 1);
}

TEST_F(ElectionRunTest, StandbyStaysStandbyThenTakesOverWithinARetryPeriodOfARelease) {
  Observed seen_a, seen_b;
  LeaderElectionOptions slow_a = fastOptions("a");
  slow_a.lease_duration = milliseconds(3000);
  slow_a.renew_deadline = milliseconds(2000);
  auto a = candidate(slow_a, seen_a);
  a->start();
  ASSERT_TRUE(eventually([&] { return seen_a.working.load(); }));
  auto b = candidate(fastOptions("b"), seen_b);
  b->start();
  ASSERT_TRUE(eventually([&] { return b->leader() == "a"; }));
  // While A renews, B only watches (a negative: it has to be watched for a while).
  std::this_thread::sleep_for(milliseconds(1200));
  EXPECT_EQ(seen_b.started.load(), 0);
  EXPECT_FALSE(b->isLeader());
  EXPECT_EQ(seen_b.leaders(), std::vector<std::string>{"a"});

  const auto released = Steady::now();
  a->stop();
  ASSERT_TRUE(eventually([&] { return seen_b.working.load(); }));
  // The lease said 3 s, but the release lets B in at its next attempt (retry 0.1 s, jittered
  // up to 0.22 s), not after expiry.
  EXPECT_LT(Steady::now() - released, milliseconds(1000));
  EXPECT_EQ(seen_b.leaders(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(spec()["holderIdentity"], "b");
  EXPECT_EQ(spec()["leaseTransitions"], 1);
  EXPECT_EQ(seen_b.stopped.load(), 0);
  b->stop();
  EXPECT_EQ(seen_b.stopped.load(), 1);
}

TEST_F(ElectionRunTest, WithoutReleaseTheStandbyWaitsForExpiry) {
  Observed seen_a, seen_b;
  LeaderElectionOptions keep = fastOptions("a");
  keep.release_on_cancel = false;
  keep.lease_duration = milliseconds(2000);
  auto a = candidate(keep, seen_a);
  a->start();
  ASSERT_TRUE(eventually([&] { return seen_a.working.load(); }));
  auto b = candidate(fastOptions("b"), seen_b);
  b->start();
  ASSERT_TRUE(eventually([&] { return b->leader() == "a"; }));
  const auto stopped = Steady::now();
  a->stop();
  EXPECT_EQ(seen_a.stopped.load(), 1);
  EXPECT_EQ(spec()["holderIdentity"], "a");
  ASSERT_TRUE(eventually([&] { return seen_b.working.load(); }));
  // B saw A's last renewal at most one jittered retry period (0.22 s) before A stopped.
  EXPECT_GE(Steady::now() - stopped, milliseconds(1700));
  b->stop();
}

TEST_F(ElectionRunTest, StolenLeaseStopsLeadingWithinTheRenewDeadline) {
  Observed seen;
  auto a = candidate(fastOptions("a"), seen);
  a->start();
  ASSERT_TRUE(eventually([&] { return seen.working.load(); }));
  auto stored = nlohmann::json::parse(*api_.get("leases", kNs, "k8s-copycat"));
  stored["spec"]["holderIdentity"] = "intruder";
  stored["spec"]["leaseDurationSeconds"] = 60;
  const auto stolen = Steady::now();
  ASSERT_TRUE(api_.upsert("leases", stored.dump()));
  ASSERT_TRUE(eventually([&] { return seen.stopped.load() == 1; }));
  EXPECT_LT(Steady::now() - stolen, milliseconds(1500));  // renew deadline 0.6 s + a period
  EXPECT_FALSE(a->isLeader());
  EXPECT_EQ(a->leader(), "intruder");
  ASSERT_TRUE(eventually([&] { return !seen.working.load(); }));
  EXPECT_EQ(seen.leaders(), (std::vector<std::string>{"a", "intruder"}));
  EXPECT_TRUE(a->check());
  a->stop();
  EXPECT_EQ(seen.stopped.load(), 1);
  EXPECT_EQ(spec()["holderIdentity"], "intruder");  // a lost lease is not "released"
}

TEST_F(ElectionRunTest, FailingRenewalsStopLeadingWithinTheRenewDeadline) {
  Observed seen;
  auto a = candidate(fastOptions("a"), seen);
  a->start();
  ASSERT_TRUE(eventually([&] { return seen.working.load(); }));
  const auto failing = Steady::now();
  api_.setForbidden("leases", "*");
  ASSERT_TRUE(eventually([&] { return seen.stopped.load() == 1; }));
  EXPECT_LT(Steady::now() - failing, milliseconds(1500));
  EXPECT_FALSE(a->isLeader());
  a->stop();
}

TEST_F(ElectionRunTest, HungRenewalsAreCutAtTheRenewDeadline) {
  auto proxy = FaultProxy::start(FaultProxy::Options{api_.port()});
  ASSERT_TRUE(proxy) << proxy.error().message;
  auto via_proxy = testClient((*proxy)->baseUrl());
  Observed seen;
  auto a = candidate(fastOptions("a"), seen, via_proxy.get());
  a->start();
  ASSERT_TRUE(eventually([&] { return seen.working.load(); }));
  FaultRule hang;
  hang.method = "PUT";
  hang.path_regex = "/leases/";
  hang.times = -1;
  hang.fault = copycat::testing::Fault::delayed(milliseconds(2500));
  const auto hung = Steady::now();
  (*proxy)->addRule(hang);
  ASSERT_TRUE(eventually([&] { return seen.stopped.load() == 1; }));
  // The requests would answer after 2.5 s; the deadline cuts them at 0.6 s.
  EXPECT_LT(Steady::now() - hung, milliseconds(1500));
  a->stop();
  via_proxy.reset();
  (*proxy)->stop();
}

TEST_F(ElectionRunTest, OfThreeCandidatesExactlyOneLeadsAtATime) {
  std::atomic<int> leading{0};
  std::atomic<int> most{0};
  std::vector<std::unique_ptr<Observed>> seen;
  std::vector<std::unique_ptr<LeaderElector>> electors;
  for (const char* id : {"a", "b", "c"}) {
    seen.push_back(std::make_unique<Observed>());
    LeaderCallbacks callbacks;
    Observed* s = seen.back().get();
    callbacks.on_started_leading = [&, s](std::stop_token stop) {
      int now = ++leading;
      int prev = most.load();
      while (now > prev && !most.compare_exchange_weak(prev, now)) {
      }
      s->started++;
      while (!stop.stop_requested()) std::this_thread::sleep_for(milliseconds(2));
      --leading;
    };
    callbacks.on_stopped_leading = [s] { s->stopped++; };
    auto made =
        LeaderElector::create(*client_, SystemClock::instance(), fastOptions(id), callbacks);
    ASSERT_TRUE(made);
    electors.push_back(std::move(*made));
  }
  for (auto& e : electors) e->start();
  auto leaderIndex = [&]() -> int {
    for (size_t i = 0; i < electors.size(); ++i) {
      if (electors[i]->isLeader()) return static_cast<int>(i);
    }
    return -1;
  };
  ASSERT_TRUE(eventually([&] { return leaderIndex() >= 0 && leading.load() == 1; }));
  std::this_thread::sleep_for(milliseconds(800));  // let the others keep trying
  const int first = leaderIndex();
  ASSERT_GE(first, 0);
  EXPECT_GE(api_.requestCount("create", "leases"), 1u);
  electors[first]->stop();
  ASSERT_TRUE(eventually([&] {
    int i = leaderIndex();
    return i >= 0 && i != first && leading.load() == 1;
  }));
  for (auto& e : electors) e->stop();
  EXPECT_EQ(most.load(), 1);
  int started = 0;
  for (auto& s : seen) started += s->started.load();
  EXPECT_EQ(started, 2);
}

TEST_F(ElectionRunTest, StoppingAStandbyCallsNothing) {
  ASSERT_TRUE(api_.upsert("leases", R"({"metadata":{"name":"k8s-copycat","namespace":)"
                                    R"("copycat-system"},"spec":{"holderIdentity":"other",)"
                                    R"("leaseDurationSeconds":60}})"));
  Observed seen;
  auto a = candidate(fastOptions("a"), seen);
  a->start();
  ASSERT_TRUE(eventually([&] { return a->leader() == "other"; }));
  const auto stopping = Steady::now();
  a->stop();
  EXPECT_LT(Steady::now() - stopping, milliseconds(500));
  EXPECT_EQ(seen.started.load(), 0);
  EXPECT_EQ(seen.stopped.load(), 0);
  EXPECT_EQ(seen.leaders(), std::vector<std::string>{"other"});
  EXPECT_EQ(spec()["holderIdentity"], "other");
}

}  // namespace
}  // namespace copycat::kube
