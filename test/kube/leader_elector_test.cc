// Leader-election helpers without a server: namespace resolution order, identities, option
// validation (client-go NewLeaderElector rules), jitter, and Event object references.
#include "kube/leader_elector.h"

#include <map>
#include <set>

#include <gtest/gtest.h>

#include "kube/event_writer.h"
#include "kube/test_util.h"

namespace copycat::kube {
namespace {

using std::chrono::milliseconds;
using testing::TempDir;

EnvLookup envOf(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

class NamespaceResolutionTest : public ::testing::Test {
 protected:
  TempDir sa_;
};

TEST_F(NamespaceResolutionTest, ConfiguredValueWinsOverEverything) {
  sa_.write("namespace", "from-file");
  auto ns = leaderElectionNamespace(" ops ", envOf({{"POD_NAMESPACE", "from-env"}}), sa_.path());
  ASSERT_TRUE(ns);
  EXPECT_EQ(*ns, "ops");
}

TEST_F(NamespaceResolutionTest, PodNamespaceComesBeforeTheServiceAccountFile) {
  sa_.write("namespace", "from-file");
  auto ns = leaderElectionNamespace("", envOf({{"POD_NAMESPACE", "from-env\n"}}), sa_.path());
  ASSERT_TRUE(ns);
  EXPECT_EQ(*ns, "from-env");
}

TEST_F(NamespaceResolutionTest, ServiceAccountFileIsTheLastResort) {
  sa_.write("namespace", "copycat-system\n");
  auto ns = leaderElectionNamespace("", envOf({{"POD_NAMESPACE", "  "}}), sa_.path());
  ASSERT_TRUE(ns);
  EXPECT_EQ(*ns, "copycat-system");
}

TEST_F(NamespaceResolutionTest, NoSourceIsAClearError) {
  auto ns = leaderElectionNamespace("", envOf({}), sa_.path());
  ASSERT_FALSE(ns);
  EXPECT_EQ(ns.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(ns.error().message.find("leaderElectionNamespace"), std::string::npos);
  EXPECT_NE(ns.error().message.find("POD_NAMESPACE"), std::string::npos);
  EXPECT_NE(ns.error().message.find(sa_.path() + "/namespace"), std::string::npos);

  sa_.write("namespace", "\n");
  auto empty = leaderElectionNamespace("", nullptr, sa_.path());
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("is empty"), std::string::npos);
}

TEST(IdentityTest, PodNameThenHostName) {
  auto pod = podName(envOf({{"POD_NAME", "copycat-7d9f-abcde"}}));
  ASSERT_TRUE(pod);
  EXPECT_EQ(*pod, "copycat-7d9f-abcde");
  auto host = podName(envOf({}));
  ASSERT_TRUE(host) << host.error().message;
  EXPECT_FALSE(host->empty());
}

TEST(IdentityTest, IdentityIsPodNameUnderscoreUniqueSuffix) {
  auto env = envOf({{"POD_NAME", "copycat-0"}});
  auto a = leaderElectionIdentity(env);
  auto b = leaderElectionIdentity(env);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->rfind("copycat-0_", 0), 0u);
  EXPECT_EQ(a->size(), std::string("copycat-0_").size() + 36);  // a UUID
  EXPECT_EQ((*a)[10 + 14], '4');                                // version 4
  EXPECT_NE(*a, *b);
}

TEST(JitterTest, StaysWithinPeriodAndPeriodTimesOnePlusFactor) {
  std::set<int64_t> seen;
  for (int i = 0; i < 200; ++i) {
    auto d = jittered(milliseconds(100), 1.2);
    EXPECT_GE(d, milliseconds(100));
    EXPECT_LT(d, milliseconds(220));
    seen.insert(d.count());
  }
  EXPECT_GT(seen.size(), 100u);
  EXPECT_GE(jittered(milliseconds(100), 0), milliseconds(100));  // factor 0 means 1.0
  EXPECT_LT(jittered(milliseconds(100), 0), milliseconds(200));
}

LeaderElectionOptions validOptions() {
  LeaderElectionOptions options;
  options.namespace_name = "ops";
  options.identity = "me";
  return options;
}

TEST(LeaderElectionOptionsTest, DefaultsAreClientGosAndValid) {
  LeaderElectionOptions options = validOptions();
  EXPECT_EQ(options.lease_name, "k8s-copycat");
  EXPECT_EQ(options.lease_duration, std::chrono::seconds(15));
  EXPECT_EQ(options.renew_deadline, std::chrono::seconds(10));
  EXPECT_EQ(options.retry_period, std::chrono::seconds(2));
  EXPECT_TRUE(options.release_on_cancel);
  EXPECT_TRUE(validateLeaderElectionOptions(options));
}

TEST(LeaderElectionOptionsTest, RejectsWhatClientGoRejects) {
  auto rejects = [](auto mutate, const std::string& needle) {
    LeaderElectionOptions options = validOptions();
    mutate(options);
    auto status = validateLeaderElectionOptions(options);
    ASSERT_FALSE(status) << needle;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(status.error().message.find(needle), std::string::npos) << status.error().message;
  };
  rejects([](auto& o) { o.renew_deadline = o.lease_duration; }, "greater than renewDeadline");
  rejects([](auto& o) { o.retry_period = milliseconds(9000); }, "retryPeriod*JitterFactor");
  rejects([](auto& o) { o.lease_duration = milliseconds(900); }, "at least 1s");
  rejects([](auto& o) { o.retry_period = milliseconds(0); }, "must be positive");
  rejects([](auto& o) { o.identity.clear(); }, "identity is empty");
  rejects([](auto& o) { o.namespace_name.clear(); }, "namespace and name");

  LeaderElectionOptions small = validOptions();
  small.lease_duration = milliseconds(1000);
  small.renew_deadline = milliseconds(600);
  small.retry_period = milliseconds(100);
  EXPECT_TRUE(validateLeaderElectionOptions(small));
}

TEST(ObjectReferenceTest, ApiVersionFollowsTheKindsGroup) {
  EXPECT_EQ(objectReference(workload::Kind::kDeployment, "shop", "web", "u1"),
            (ObjectReference{"apps/v1", "Deployment", "shop", "web", "u1"}));
  EXPECT_EQ(objectReference(workload::Kind::kCronJob, "shop", "nightly").api_version, "batch/v1");
  EXPECT_EQ(objectReference(workload::Kind::kPod, "shop", "p").api_version, "v1");
  EXPECT_EQ(objectReference(workload::Kind::kNode, "", "n1").kind, "Node");
  EXPECT_EQ(eventSeverityName(EventSeverity::kWarning), "Warning");
  EXPECT_EQ(eventSeverityName(EventSeverity::kNormal), "Normal");
}

}  // namespace
}  // namespace copycat::kube
