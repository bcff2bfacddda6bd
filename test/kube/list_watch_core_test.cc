// Pure pieces of the list/watch client: paths and queries, Status errors, the token bucket, the
// object store and namespace selection.
#include <gtest/gtest.h>

#include "kube/api_status.h"
#include "kube/namespace_selection.h"
#include "kube/object_store.h"
#include "kube/rate_limiter.h"
#include "kube/resource_path.h"
#include "kube/test_util.h"

namespace copycat::kube {
namespace {

using workload::Kind;
using workload::WorkloadSummary;

TEST(ResourcePathTest, CoreAndGroupedPaths) {
  EXPECT_EQ(ResourcePath::forKind(Kind::kPod).str(), "/api/v1/pods");
  EXPECT_EQ(ResourcePath::forKind(Kind::kPod, "ns", "p").str(), "/api/v1/namespaces/ns/pods/p");
  EXPECT_EQ(ResourcePath::forKind(Kind::kDeployment, "ns").str(),
            "/apis/apps/v1/namespaces/ns/deployments");
  EXPECT_EQ(ResourcePath::forKind(Kind::kCronJob).str(), "/apis/batch/v1/cronjobs");
  EXPECT_EQ(ResourcePath::forKind(Kind::kNode, "ignored", "n1").str(), "/api/v1/nodes/n1");
  EXPECT_EQ(ResourcePath::namespaces().str(), "/api/v1/namespaces");
  ResourcePath lease{"coordination.k8s.io", "v1", "leases", "kube-system", "copycat", ""};
  EXPECT_EQ(lease.str(), "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/copycat");
  lease.subresource = "status";
  EXPECT_EQ(lease.str(),
            "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/copycat/status");
  EXPECT_EQ(ResourcePath::forKind(Kind::kPod, "n s", "a/b").str(),
            "/api/v1/namespaces/n%20s/pods/a%2Fb");
}

TEST(ResourcePathTest, Queries) {
  EXPECT_EQ(listQuery({}), "");
  EXPECT_EQ(listQuery({500, "a+b=", "", ""}), "?limit=500&continue=a%2Bb%3D");
  EXPECT_EQ(listQuery({0, "", "10", "NotOlderThan"}),
            "?resourceVersion=10&resourceVersionMatch=NotOlderThan");
  EXPECT_EQ(watchQuery({"12", true, 300}),
            "?watch=true&resourceVersion=12&allowWatchBookmarks=true&timeoutSeconds=300");
  EXPECT_EQ(watchQuery({"", false, 0}), "?watch=true");
}

TEST(ApiStatusTest, StatusBodiesBecomeErrors) {
  http::Headers headers;
  Error gone = responseError(
      "list pods", 410,
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
      R"("message":"The provided continue parameter is too old","reason":"Expired","code":410})",
      headers);
  EXPECT_EQ(gone.code, ErrorCode::kNotFound);
  EXPECT_EQ(gone.http_status, 410);
  EXPECT_EQ(gone.remote_code, "Expired");
  EXPECT_EQ(gone.message, "list pods: The provided continue parameter is too old");
  EXPECT_TRUE(isGone(gone));

  Error conflict = responseError(
      "update leases", 409, R"({"kind":"Status","reason":"Conflict","message":"stale"})", headers);
  EXPECT_EQ(conflict.code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(isConflict(conflict));
  EXPECT_FALSE(isAlreadyExists(conflict));
  Error exists = responseError(
      "create leases", 409, R"({"kind":"Status","reason":"AlreadyExists","message":"x"})", headers);
  EXPECT_TRUE(isAlreadyExists(exists));

  http::Headers retry{{"Retry-After", "3"}};
  Error throttled =
      responseError("list pods", 429, R"({"kind":"Status","message":"slow down"})", retry);
  EXPECT_EQ(throttled.code, ErrorCode::kRateLimited);
  EXPECT_EQ(throttled.retry_after_seconds, 3);
  EXPECT_TRUE(throttled.isRetryable());

  Error details = responseError(
      "get pods", 504, R"({"kind":"Status","reason":"Timeout","details":{"retryAfterSeconds":1}})",
      headers);
  EXPECT_EQ(details.code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(details.retry_after_seconds, 1);
  EXPECT_EQ(details.message, "get pods: Timeout");

  Error html = responseError("get pods", 502, "<html>bad gateway</html>", headers);
  EXPECT_EQ(html.code, ErrorCode::kUnavailable);
  EXPECT_EQ(html.message, "get pods: HTTP 502");
  EXPECT_EQ(responseError("x", 401, "", headers).code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(responseError("x", 403, "", headers).code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(responseError("x", 404, "", headers).code, ErrorCode::kNotFound);
  EXPECT_EQ(responseError("x", 422, R"({"kind":5})", headers).code, ErrorCode::kInvalidArgument);
}

TEST(TokenBucketTest, BurstThenQps) {
  testing::ManualClock clock;
  TokenBucket bucket(10, 3, clock);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(bucket.reserve(), std::chrono::nanoseconds::zero());
  }
  EXPECT_EQ(bucket.reserve(), std::chrono::milliseconds(100));
  EXPECT_EQ(bucket.reserve(), std::chrono::milliseconds(200));  // queued behind the previous
  clock.advance(std::chrono::seconds(10));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(bucket.reserve(), std::chrono::nanoseconds::zero());  // refilled up to burst only
  }
  EXPECT_GT(bucket.reserve(), std::chrono::nanoseconds::zero());
  TokenBucket unlimited(0, 1, clock);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(unlimited.reserve(), std::chrono::nanoseconds::zero());
  }
}

TEST(TokenBucketTest, SleepEndsOnStop) {
  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(sleepFor(std::chrono::hours(1), stop.get_token()));
  EXPECT_TRUE(sleepFor(std::chrono::milliseconds(1), std::stop_token()));
}

WorkloadSummary pod(const std::string& name, const std::string& uid, const std::string& image,
                    const std::string& phase = "Running", const std::string& rv = "1") {
  WorkloadSummary s;
  s.kind = Kind::kPod;
  s.kind_name = "Pod";
  s.namespace_name = "ns";
  s.name = name;
  s.uid = uid;
  s.resource_version = rv;
  s.phase = phase;
  s.images.push_back({"c", image, workload::ContainerType::kContainer, ""});
  return s;
}

TEST(ObjectStoreTest, OutcomesOfUpserts) {
  ObjectStore store;
  auto added = store.upsert(pod("a", "u1", "nginx"));
  EXPECT_EQ(added.outcome, ObjectStore::Outcome::kAdded);
  EXPECT_EQ(added.current->name, "a");
  auto churn = store.upsert(pod("a", "u1", "nginx", "Pending", "2"));  // both phases active
  EXPECT_EQ(churn.outcome, ObjectStore::Outcome::kUnchanged);
  EXPECT_EQ(store.get("ns", "a")->resource_version, "2");  // the newest state is kept
  auto modified = store.upsert(pod("a", "u1", "nginx:2", "Pending", "3"));
  EXPECT_EQ(modified.outcome, ObjectStore::Outcome::kModified);
  EXPECT_EQ(modified.previous->images[0].image, "nginx");
  auto replaced = store.upsert(pod("a", "u2", "nginx:2"));
  EXPECT_EQ(replaced.outcome, ObjectStore::Outcome::kReplaced);
  EXPECT_EQ(replaced.previous->uid, "u1");
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.remove(pod("a", "u2", ""))->uid, "u2");
  EXPECT_FALSE(store.remove(pod("a", "u2", "")));
  EXPECT_EQ(store.size(), 0u);
}

TEST(ObjectStoreTest, SweepFindsWhatARelistLacks) {
  ObjectStore store;
  store.beginList();
  store.upsert(pod("a", "1", "x"));
  store.upsert(pod("b", "2", "x"));
  store.upsert(pod("c", "3", "x"));
  EXPECT_TRUE(store.sweep().empty());
  store.beginList();
  store.upsert(pod("b", "2", "x"));
  auto gone = store.sweep();
  ASSERT_EQ(gone.size(), 2u);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_TRUE(store.get("ns", "b"));
  EXPECT_EQ(store.clear().size(), 1u);
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(ObjectStore::keyOf("", "node-1"), "node-1");
}

TEST(NamespaceSelectionTest, AllNamesAndGlobs) {
  EXPECT_TRUE(NamespaceSelection({}, {}).all());
  EXPECT_TRUE(NamespaceSelection({" ", ""}, {}).all());
  EXPECT_TRUE(NamespaceSelection({"a", "*"}, {}).all());
  NamespaceSelection everything({"*"}, {"kube-*"});
  EXPECT_TRUE(everything.matches("default"));
  EXPECT_FALSE(everything.matches("kube-system"));

  NamespaceSelection some({"team-*", " a ", "b?"}, {"team-secret"});
  EXPECT_FALSE(some.all());
  EXPECT_EQ(some.names(), std::vector<std::string>{"a"});
  EXPECT_EQ(some.globs(), (std::vector<std::string>{"team-*", "b?"}));
  EXPECT_TRUE(some.matches("team-x"));
  EXPECT_TRUE(some.matches("b1"));
  EXPECT_FALSE(some.matches("team-secret"));
  EXPECT_FALSE(some.matches("c"));
  auto resolved = some.resolve({"a", "team-x", "team-secret", "b1", "c", "bb2"});
  ASSERT_TRUE(resolved);
  EXPECT_EQ(*resolved, (std::vector<std::string>{"a", "b1", "team-x"}));
}

TEST(NamespaceSelectionTest, MissingNamesAreErrorsAndEmptyGlobsSelectNothing) {
  auto missing = NamespaceSelection({"a", "gone", "lost"}, {}).resolve({"a"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message,
            "includeNamespaces: namespaces \"gone\", \"lost\" do not exist");
  auto one = NamespaceSelection({"gone"}, {}).resolve({});
  EXPECT_EQ(one.error().message, "includeNamespaces: namespace \"gone\" does not exist");
  auto none = NamespaceSelection({"nothing-*"}, {}).resolve({"default", "kube-system"});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace copycat::kube
