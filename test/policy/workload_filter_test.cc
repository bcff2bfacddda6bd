#include "policy/workload_filter.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace copycat::policy {
namespace {

using workload::Kind;

WorkloadFilter mustCreate(const WorkloadFilterOptions& options) {
  auto filter = WorkloadFilter::create(options);
  EXPECT_TRUE(filter.has_value()) << (filter ? "" : filter.error().message);
  return filter.value_or(WorkloadFilter());
}

TEST(WorkloadFilterTest, DefaultAllowsEverythingAndWatchesAllKinds) {
  WorkloadFilter filter = mustCreate({});
  EXPECT_TRUE(filter.isNamespaceAllowed("kube-system"));
  EXPECT_FALSE(filter.isNameSkipped(Kind::kDeployment, "default", "web"));
  std::vector<Kind> all = {Kind::kDeployment, Kind::kStatefulSet, Kind::kDaemonSet,
                           Kind::kJob,        Kind::kCronJob,     Kind::kPod};
  EXPECT_EQ(filter.watchedKinds(), all);
  EXPECT_EQ(WorkloadFilter().watchedKinds(), all);
  EXPECT_FALSE(filter.isWatched(Kind::kReplicaSet));
  EXPECT_FALSE(filter.isWatched(Kind::kNode));
}

// cmd/controllers TestNamespaceFiltering, re-expressed.
TEST(WorkloadFilterTest, SkippedNamespacesWinOverIncludes) {
  WorkloadFilter all =
      mustCreate({.include_namespaces = {"*"}, .skip_namespaces = {"kube-system"}});
  EXPECT_FALSE(all.isNamespaceAllowed("kube-system"));
  EXPECT_TRUE(all.isNamespaceAllowed("default"));

  WorkloadFilter listed =
      mustCreate({.include_namespaces = {"prod", "default"}, .skip_namespaces = {"prod"}});
  EXPECT_FALSE(listed.isNamespaceAllowed("prod"));
  EXPECT_TRUE(listed.isNamespaceAllowed("default"));
  EXPECT_FALSE(listed.isNamespaceAllowed("dev"));
}

TEST(WorkloadFilterTest, NamespaceListsAcceptGlobsAndIgnoreBlanks) {
  WorkloadFilter filter = mustCreate(
      {.include_namespaces = {" team-* ", "", "ops?"}, .skip_namespaces = {"team-tmp*"}});
  struct Case {
    const char* ns;
    bool allowed;
  };
  const Case cases[] = {{"team-a", true}, {"team-", true},   {"ops1", true},
                        {"ops", false},   {"ops12", false},  {"team-tmp1", false},
                        {"team", false},  {"default", false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.ns);
    EXPECT_EQ(filter.isNamespaceAllowed(c.ns), c.allowed);
  }
  EXPECT_TRUE(mustCreate({.include_namespaces = {"a", "*"}}).isNamespaceAllowed("zzz"));
  EXPECT_TRUE(mustCreate({.include_namespaces = {" ", ""}}).isNamespaceAllowed("zzz"));
}

// controllers_test.go TestNameMatcherMatches, re-expressed.
TEST(WorkloadFilterTest, SkipNamesMatchNameOrNamespacedName) {
  WorkloadFilter filter = mustCreate({.skip_deployments = {"copycat", "prod/only", "dev/app"}});
  struct Case {
    const char* ns;
    const char* name;
    bool skipped;
  };
  const Case cases[] = {{"default", "copycat", true}, {"prod", "only", true},
                        {"dev", "app", true},         {"default", "only", false},
                        {"prod", "app", false},       {"dev", "copycat", true}};
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.ns) + "/" + c.name);
    EXPECT_EQ(filter.isNameSkipped(Kind::kDeployment, c.ns, c.name), c.skipped);
  }
  WorkloadFilter wildcard = mustCreate({.skip_pods = {"*"}});
  EXPECT_TRUE(wildcard.isNameSkipped(Kind::kPod, "ns", "anything"));
  EXPECT_FALSE(wildcard.isNameSkipped(Kind::kDeployment, "ns", "anything"));
}

TEST(WorkloadFilterTest, SkipListsArePerKind) {
  WorkloadFilter filter = mustCreate({.skip_deployments = {"d"},
                                      .skip_stateful_sets = {"s"},
                                      .skip_daemon_sets = {"ds"},
                                      .skip_jobs = {"j"},
                                      .skip_cron_jobs = {"cj"},
                                      .skip_pods = {"p"}});
  struct Case {
    Kind kind;
    const char* name;
  };
  const Case cases[] = {{Kind::kDeployment, "d"}, {Kind::kStatefulSet, "s"},
                        {Kind::kDaemonSet, "ds"}, {Kind::kJob, "j"},
                        {Kind::kCronJob, "cj"},   {Kind::kPod, "p"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    for (const auto& other : cases) {
      EXPECT_EQ(filter.isNameSkipped(other.kind, "ns", c.name), other.kind == c.kind);
    }
  }
  EXPECT_FALSE(filter.isNameSkipped(Kind::kReplicaSet, "ns", "d"));
}

TEST(WorkloadFilterTest, NamespacedSkipEntriesAcceptGlobs) {
  WorkloadFilter filter = mustCreate({.skip_jobs = {"batch/*", "*/nightly-*"}});
  EXPECT_TRUE(filter.isNameSkipped(Kind::kJob, "batch", "anything"));
  EXPECT_TRUE(filter.isNameSkipped(Kind::kJob, "prod", "nightly-42"));
  EXPECT_FALSE(filter.isNameSkipped(Kind::kJob, "prod", "hourly-1"));
}

TEST(WorkloadFilterTest, InvalidSkipEntriesNameFieldAndIndex) {
  struct Case {
    WorkloadFilterOptions options;
    const char* message;
  };
  const Case cases[] = {
      {{.skip_deployments = {"ok", "prod/"}}, "skipNames.deployments[1]: invalid entry \"prod/\""},
      {{.skip_cron_jobs = {"/name"}}, "skipNames.cronJobs[0]: invalid entry \"/name\""},
      {{.skip_pods = {"a/b/c"}}, "skipNames.pods[0]: invalid entry \"a/b/c\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    auto filter = WorkloadFilter::create(c.options);
    ASSERT_FALSE(filter.has_value());
    EXPECT_EQ(filter.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(filter.error().message.rfind(c.message, 0), 0u) << filter.error().message;
  }
}

// controllers_test.go TestParseWatchResources, re-expressed (order is canonical here).
TEST(WorkloadFilterTest, WatchResourcesParseCaseInsensitivelyAndDeduplicate) {
  auto kinds = parseWatchResources({"Pods", "deployments", "pods", "DaemonSets"});
  ASSERT_TRUE(kinds.has_value());
  std::vector<Kind> want = {Kind::kDeployment, Kind::kDaemonSet, Kind::kPod};
  EXPECT_EQ(*kinds, want);

  auto singular = parseWatchResources({" CronJob ", "statefulset", "JOBS"});
  ASSERT_TRUE(singular.has_value());
  std::vector<Kind> want_singular = {Kind::kStatefulSet, Kind::kJob, Kind::kCronJob};
  EXPECT_EQ(*singular, want_singular);

  auto empty = parseWatchResources({"", "  "});
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->size(), 6u);
}

TEST(WorkloadFilterTest, UnsupportedWatchResourcesAreAllListed) {
  auto kinds = parseWatchResources({"unknown", "", "pods", "replicasets"});
  ASSERT_FALSE(kinds.has_value());
  EXPECT_EQ(kinds.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(kinds.error().message, "unsupported watch resource(s): unknown, replicasets");
  EXPECT_FALSE(WorkloadFilter::create({.watch_resources = {"nodes"}}).has_value());
}

TEST(WorkloadFilterTest, EvaluateReportsTheFirstReason) {
  WorkloadFilter filter = mustCreate({.include_namespaces = {"prod", "staging"},
                                      .skip_namespaces = {"staging"},
                                      .skip_deployments = {"legacy"},
                                      .watch_resources = {"deployments", "pods"}});
  struct Case {
    Kind kind;
    const char* ns;
    const char* name;
    FilterDecision want;
    const char* want_name;
  };
  const Case cases[] = {
      {Kind::kDeployment, "prod", "web", FilterDecision::kAllowed, "allowed"},
      {Kind::kJob, "prod", "web", FilterDecision::kKindNotWatched, "kind_not_watched"},
      {Kind::kDeployment, "staging", "web", FilterDecision::kNamespaceSkipped, "namespace_skipped"},
      {Kind::kDeployment, "dev", "web", FilterDecision::kNamespaceNotIncluded,
       "namespace_not_included"},
      {Kind::kDeployment, "prod", "legacy", FilterDecision::kNameSkipped, "name_skipped"},
      {Kind::kPod, "prod", "legacy", FilterDecision::kAllowed, "allowed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.ns) + "/" + c.name);
    FilterDecision got = filter.evaluate(c.kind, c.ns, c.name);
    EXPECT_EQ(got, c.want);
    EXPECT_EQ(filterDecisionName(got), c.want_name);
  }
}

}  // namespace
}  // namespace copycat::policy
