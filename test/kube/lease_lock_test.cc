// Lease record encoding: MicroTime/Time formatting and reading client-go's LeaderElectionRecord
// from a Lease object (no server).
#include "kube/lease_lock.h"

#include <gtest/gtest.h>

#include "kube/exec_credential.h"

namespace copycat::kube {
namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using Wall = Clock::Wall;

// 2023-11-14T22:13:20Z
const Wall::time_point kT0{seconds(1'700'000'000)};

TEST(LeaseTimeTest, MicroTimeHasSixDigitsAndTruncates) {
  EXPECT_EQ(formatMicroTime(kT0), "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(formatMicroTime(kT0 + microseconds(123456) + nanoseconds(999)),
            "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(formatMicroTime(kT0 + microseconds(7)), "2023-11-14T22:13:20.000007Z");
}

TEST(LeaseTimeTest, TimeHasWholeSeconds) {
  EXPECT_EQ(formatTime(kT0 + std::chrono::milliseconds(999)), "2023-11-14T22:13:20Z");
  EXPECT_EQ(formatTime(Wall::time_point{}), "1970-01-01T00:00:00Z");
}

TEST(LeaseTimeTest, MicroTimeRoundTripsThroughTheParser) {
  const Wall::time_point t = kT0 + microseconds(42);
  auto parsed = parseRfc3339(formatMicroTime(t));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, t);
}

TEST(LeaseRecordTest, SpecJsonCarriesEveryField) {
  LeaderElectionRecord record{"pod-a_1", 15, kT0, kT0 + seconds(2), 3};
  nlohmann::json spec = leaseSpecJson(record);
  EXPECT_EQ(spec["holderIdentity"], "pod-a_1");
  EXPECT_EQ(spec["leaseDurationSeconds"], 15);
  EXPECT_EQ(spec["acquireTime"], "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(spec["renewTime"], "2023-11-14T22:13:22.000000Z");
  EXPECT_EQ(spec["leaseTransitions"], 3);

  auto back = recordFromLease({{"spec", spec}});
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, record);
}

TEST(LeaseRecordTest, MissingOrNullFieldsKeepDefaults) {
  auto none = recordFromLease({{"metadata", {{"name", "x"}}}});
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, LeaderElectionRecord{});

  auto nulls = recordFromLease(nlohmann::json::parse(
      R"({"spec":{"holderIdentity":null,"leaseDurationSeconds":null,"acquireTime":null}})"));
  ASSERT_TRUE(nulls);
  EXPECT_EQ(*nulls, LeaderElectionRecord{});

  auto released = recordFromLease(nlohmann::json::parse(
      R"({"spec":{"holderIdentity":"","leaseDurationSeconds":1,"leaseTransitions":4,)"
      R"("renewTime":"2023-11-14T22:13:20.5Z"}})"));
  ASSERT_TRUE(released);
  EXPECT_EQ(released->holder_identity, "");
  EXPECT_EQ(released->lease_duration_seconds, 1);
  EXPECT_EQ(released->leader_transitions, 4);
  EXPECT_EQ(released->renew_time, kT0 + std::chrono::milliseconds(500));
  EXPECT_FALSE(released->acquire_time.has_value());
}

TEST(LeaseRecordTest, WrongTypesAreProtocolErrors) {
  for (const char* bad :
       {R"({"spec":{"holderIdentity":7}})", R"({"spec":{"leaseDurationSeconds":"15"}})",
        R"({"spec":{"renewTime":"yesterday"}})", R"({"spec":[]})", R"([])"}) {
    auto record = recordFromLease(nlohmann::json::parse(bad));
    ASSERT_FALSE(record) << bad;
    EXPECT_EQ(record.error().code, ErrorCode::kProtocol) << bad;
  }
}

}  // namespace
}  // namespace copycat::kube
