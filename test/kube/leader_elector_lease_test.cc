// LeaseLock and single tryAcquireOrRenew/release steps against FakeApiServer, with time driven by
// a FakeClock: create on an empty cluster, renew by update, standby until expiry, takeover after
// a release, resourceVersion conflicts, the health check.
#include <gtest/gtest.h>

#include "kube/api_status.h"
#include "kube/leader_elector.h"
#include "kube/lease_lock.h"
#include "kube/lease_test_util.h"
#include "support/fake_api_server.h"
#include "support/fake_clock.h"

namespace copycat::kube {
namespace {

using copycat::testing::FakeApiServer;
using copycat::testing::FakeClock;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::testClient;

constexpr const char* kNs = "copycat-system";
constexpr const char* kLeaseName = "k8s-copycat";

class LeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(api_.start());
    client_ = testClient(api_.url());
    ASSERT_NE(client_, nullptr);
  }

  // The stored Lease's spec.
  nlohmann::json spec() const {
    auto stored = api_.get("leases", kNs, kLeaseName);
    if (!stored) return nullptr;
    return nlohmann::json::parse(*stored)["spec"];
  }

  std::unique_ptr<LeaderElector> elector(const std::string& identity,
                                         std::vector<std::string>* new_leaders = nullptr) {
    LeaderElectionOptions options;
    options.namespace_name = kNs;
    options.identity = identity;
    LeaderCallbacks callbacks;
    callbacks.on_started_leading = [](std::stop_token) {};
    if (new_leaders != nullptr) {
      callbacks.on_new_leader = [new_leaders](const std::string& id) {
        new_leaders->push_back(id);
      };
    }
    auto made = LeaderElector::create(*client_, clock_, options, callbacks);
    EXPECT_TRUE(made) << made.error().message;
    return made ? std::move(*made) : nullptr;
  }

  FakeApiServer api_;
  std::unique_ptr<ApiClient> client_;
  FakeClock clock_;
};

TEST_F(LeaseTest, LockCreatesReadsAndUpdatesWithResourceVersion) {
  LeaseLock lock(*client_, kNs, kLeaseName);
  EXPECT_EQ(lock.describe(), "copycat-system/k8s-copycat");
  auto missing = lock.get();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().http_status, 404);
  auto early = lock.update(LeaderElectionRecord{});
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::kInternal);

  LeaderElectionRecord record{"a", 15, clock_.wallNow(), clock_.wallNow(), 0};
  ASSERT_TRUE(lock.create(record));
  auto stored = nlohmann::json::parse(*api_.get("leases", kNs, kLeaseName));
  EXPECT_EQ(stored["apiVersion"], "coordination.k8s.io/v1");
  EXPECT_EQ(stored["kind"], "Lease");
  EXPECT_EQ(stored["spec"]["renewTime"], "2023-11-14T22:13:20.000000Z");
  auto got = lock.get();
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, record);

  // Fields the lock does not manage survive an update.
  stored["metadata"]["labels"] = {{"team", "ops"}};
  stored["spec"]["preferredHolder"] = "b";
  ASSERT_TRUE(api_.upsert("leases", stored.dump()));
  ASSERT_TRUE(lock.get());
  record.renew_time = clock_.wallNow() + seconds(2);
  record.leader_transitions = 1;
  ASSERT_TRUE(lock.update(record));
  auto after = nlohmann::json::parse(*api_.get("leases", kNs, kLeaseName));
  EXPECT_EQ(after["metadata"]["labels"]["team"], "ops");
  EXPECT_EQ(after["spec"]["preferredHolder"], "b");
  EXPECT_EQ(after["spec"]["renewTime"], "2023-11-14T22:13:22.000000Z");
  EXPECT_EQ(after["spec"]["leaseTransitions"], 1);
}

TEST_F(LeaseTest, ConcurrentUpdatesFromTheSameVersionConflict) {
  LeaseLock a(*client_, kNs, kLeaseName);
  LeaseLock b(*client_, kNs, kLeaseName);
  ASSERT_TRUE(a.create(LeaderElectionRecord{"old", 15, {}, {}, 0}));
  ASSERT_TRUE(a.get());
  ASSERT_TRUE(b.get());
  ASSERT_TRUE(a.update(LeaderElectionRecord{"a", 15, {}, {}, 1}));
  auto lost = b.update(LeaderElectionRecord{"b", 15, {}, {}, 1});
  ASSERT_FALSE(lost);
  EXPECT_TRUE(isConflict(lost.error())) << lost.error().describe();
  EXPECT_EQ(spec()["holderIdentity"], "a");

  auto dup = b.create(LeaderElectionRecord{"b", 15, {}, {}, 0});
  ASSERT_FALSE(dup);
  EXPECT_TRUE(isAlreadyExists(dup.error()));
}

TEST_F(LeaseTest, AcquiresAnEmptyClusterByCreatingTheLease) {
  std::vector<std::string> leaders;
  auto a = elector("pod-a_1", &leaders);
  EXPECT_FALSE(a->isLeader());
  ASSERT_TRUE(a->tryAcquireOrRenew());
  EXPECT_TRUE(a->isLeader());
  EXPECT_EQ(a->leader(), "pod-a_1");
  EXPECT_EQ(api_.requestCount("create", "leases"), 1u);
  nlohmann::json s = spec();
  EXPECT_EQ(s["holderIdentity"], "pod-a_1");
  EXPECT_EQ(s["leaseDurationSeconds"], 15);
  EXPECT_EQ(s["acquireTime"], "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(s["renewTime"], s["acquireTime"]);
  EXPECT_EQ(s["leaseTransitions"], 0);
}

TEST_F(LeaseTest, LeaderRenewsByUpdateKeepingAcquireTime) {
  auto a = elector("pod-a_1");
  ASSERT_TRUE(a->tryAcquireOrRenew());
  const uint64_t gets = api_.requestCount("get", "leases");
  clock_.advance(milliseconds(2500));
  ASSERT_TRUE(a->tryAcquireOrRenew());
  EXPECT_EQ(api_.requestCount("update", "leases"), 1u);
  EXPECT_EQ(api_.requestCount("get", "leases"), gets);  // the fast path does not read
  nlohmann::json s = spec();
  EXPECT_EQ(s["acquireTime"], "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(s["renewTime"], "2023-11-14T22:13:22.500000Z");
  EXPECT_EQ(s["leaseTransitions"], 0);
  EXPECT_TRUE(a->isLeader());
}

TEST_F(LeaseTest, StandbyWaitsWhileHeldAndTakesOverAfterExpiry) {
  std::vector<std::string> b_leaders;
  auto a = elector("pod-a_1");
  auto b = elector("pod-b_2", &b_leaders);
  ASSERT_TRUE(a->tryAcquireOrRenew());
  EXPECT_FALSE(b->tryAcquireOrRenew());
  EXPECT_EQ(b->leader(), "pod-a_1");
  EXPECT_FALSE(b->isLeader());
  EXPECT_TRUE(b->check());  // a standby is healthy

  // A renews: B's countdown restarts from when it saw the change.
  clock_.advance(seconds(10));
  ASSERT_TRUE(a->tryAcquireOrRenew());
  clock_.advance(seconds(4));
  EXPECT_FALSE(b->tryAcquireOrRenew());  // saw the renewal now
  clock_.advance(seconds(14));
  EXPECT_FALSE(b->tryAcquireOrRenew());  // 14 s < 15 s
  clock_.advance(seconds(1));
  ASSERT_TRUE(b->tryAcquireOrRenew());  // expired on B's clock
  EXPECT_TRUE(b->isLeader());
  nlohmann::json s = spec();
  EXPECT_EQ(s["holderIdentity"], "pod-b_2");
  EXPECT_EQ(s["leaseTransitions"], 1);
  EXPECT_EQ(s["acquireTime"], s["renewTime"]);

  // The old leader's optimistic update conflicts; reading shows B holds the lease.
  EXPECT_FALSE(a->tryAcquireOrRenew());
  EXPECT_FALSE(a->isLeader());
  EXPECT_EQ(a->leader(), "pod-b_2");
}

TEST_F(LeaseTest, ReleasedLeaseIsTakenOverAtTheNextAttempt) {
  auto a = elector("pod-a_1");
  auto b = elector("pod-b_2");
  ASSERT_TRUE(a->tryAcquireOrRenew());
  EXPECT_FALSE(b->tryAcquireOrRenew());
  ASSERT_TRUE(a->release());
  EXPECT_FALSE(a->isLeader());
  nlohmann::json s = spec();
  EXPECT_EQ(s["holderIdentity"], "");
  EXPECT_EQ(s["leaseDurationSeconds"], 1);
  ASSERT_TRUE(b->tryAcquireOrRenew());  // no time has passed
  EXPECT_EQ(spec()["holderIdentity"], "pod-b_2");
  EXPECT_EQ(spec()["leaseTransitions"], 1);
  EXPECT_TRUE(b->release({}));
  EXPECT_TRUE(a->release());  // not the holder: nothing to do
}

TEST_F(LeaseTest, ForeignLeaseIsRespectedUntilItExpires) {
  ASSERT_TRUE(api_.upsert("leases", R"({"metadata":{"name":"k8s-copycat","namespace":)"
                                    R"("copycat-system"},"spec":{"holderIdentity":"other",)"
                                    R"("leaseDurationSeconds":30,"leaseTransitions":7}})"));
  std::vector<std::string> leaders;
  auto a = elector("pod-a_1", &leaders);
  EXPECT_FALSE(a->tryAcquireOrRenew());
  clock_.advance(seconds(29));
  EXPECT_FALSE(a->tryAcquireOrRenew());  // the record's own duration counts
  clock_.advance(seconds(1));
  ASSERT_TRUE(a->tryAcquireOrRenew());
  EXPECT_EQ(spec()["leaseTransitions"], 8);
  EXPECT_EQ(spec()["leaseDurationSeconds"], 15);
}

TEST_F(LeaseTest, ConflictOnRenewalFallsBackToReadingTheLease) {
  auto a = elector("pod-a_1");
  ASSERT_TRUE(a->tryAcquireOrRenew());
  // Someone else writes the Lease (a label): A's cached resourceVersion is stale now.
  auto stored = nlohmann::json::parse(*api_.get("leases", kNs, kLeaseName));
  stored["metadata"]["labels"] = {{"touched", "yes"}};
  ASSERT_TRUE(api_.upsert("leases", stored.dump()));
  clock_.advance(seconds(2));
  ASSERT_TRUE(a->tryAcquireOrRenew());
  EXPECT_EQ(api_.requestCount("update", "leases"), 2u);  // 409, then the retry after a read
  nlohmann::json s = spec();
  EXPECT_EQ(s["holderIdentity"], "pod-a_1");
  EXPECT_EQ(s["acquireTime"], "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(s["renewTime"], "2023-11-14T22:13:22.000000Z");
  EXPECT_EQ(s["leaseTransitions"], 0);
}

TEST_F(LeaseTest, ApiErrorsMeanNoLeadership) {
  api_.setForbidden("leases", "*");
  auto a = elector("pod-a_1");
  EXPECT_FALSE(a->tryAcquireOrRenew());
  EXPECT_FALSE(a->isLeader());
  EXPECT_EQ(api_.requestCount("create", "leases"), 0u);
}

TEST_F(LeaseTest, HealthCheckFailsWhenTheLeaderStopsRenewing) {
  auto a = elector("pod-a_1");
  ASSERT_TRUE(a->tryAcquireOrRenew());
  EXPECT_TRUE(a->check());
  clock_.advance(seconds(30));  // renew deadline 10 s + tolerance 20 s
  EXPECT_TRUE(a->check());
  clock_.advance(milliseconds(1));
  auto status = a->check();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(status.error().message.find("copycat-system/k8s-copycat"), std::string::npos);
  EXPECT_FALSE(leaderHealthCheck(*a)());
  ASSERT_TRUE(a->tryAcquireOrRenew());  // nobody took over: renewing heals it
  EXPECT_TRUE(a->check());
}

TEST_F(LeaseTest, CreateRequiresTheStartedCallbackAndValidOptions) {
  LeaderElectionOptions options;
  options.namespace_name = kNs;
  options.identity = "x";
  auto missing = LeaderElector::create(*client_, clock_, options, LeaderCallbacks{});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  options.renew_deadline = options.lease_duration;
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [](std::stop_token) {};
  EXPECT_FALSE(LeaderElector::create(*client_, clock_, options, callbacks));
}

}  // namespace
}  // namespace copycat::kube
