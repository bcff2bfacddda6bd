// FakeApiServer watch streams: start points, event order, bookmarks, 410 both ways, timeouts and
// the fault hooks.
#include <gtest/gtest.h>

#include "kube/fake_api_test_util.h"
#include "support/fake_api_server.h"

namespace copycat::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

std::string pod(const std::string& ns, const std::string& name,
                const std::string& image = "nginx") {
  return json{{"metadata", {{"name", name}, {"namespace", ns}}},
              {"spec", {{"containers", {{{"name", "c"}, {"image", image}}}}}}}
      .dump();
}

FakeApiServer::Options fastOptions() {
  FakeApiServer::Options o;
  o.too_large_rv_wait = milliseconds(200);
  return o;
}

class FakeApiWatchTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(api_.start()); }
  FakeApiServer api_{fastOptions()};
};

std::string typeOf(const std::optional<json>& ev) { return ev ? ev->value("type", "") : "none"; }
std::string nameOf(const std::optional<json>& ev) {
  return ev ? (*ev)["object"]["metadata"].value("name", "") : "";
}
std::string rvOf(const std::optional<json>& ev) {
  return ev ? (*ev)["object"]["metadata"].value("resourceVersion", "") : "";
}

TEST_F(FakeApiWatchTest, WatchFromAResourceVersionStreamsLaterEventsInOrder) {
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "p1")));
  const std::string start = api_.resourceVersion();
  WatchReader watch(api_.port(), "/api/v1/pods?watch=1&resourceVersion=" + start);
  ASSERT_TRUE(api_.waitForOpenWatches(1, milliseconds(5000)));
  std::string rv_added = api_.upsert("pods", pod("ns", "p2")).value();
  std::string rv_modified = api_.upsert("pods", pod("ns", "p1", "v2")).value();
  std::string rv_deleted = api_.remove("pods", "ns", "p2").value();
  auto added = watch.next();
  EXPECT_EQ(typeOf(added), "ADDED");
  EXPECT_EQ(nameOf(added), "p2");
  EXPECT_EQ(rvOf(added), rv_added);
  EXPECT_EQ((*added)["object"]["kind"], "Pod");
  EXPECT_EQ((*added)["object"]["apiVersion"], "v1");
  auto modified = watch.next();
  EXPECT_EQ(typeOf(modified), "MODIFIED");
  EXPECT_EQ(rvOf(modified), rv_modified);
  EXPECT_EQ((*modified)["object"]["spec"]["containers"][0]["image"], "v2");
  auto deleted = watch.next();
  EXPECT_EQ(typeOf(deleted), "DELETED");
  EXPECT_EQ(nameOf(deleted), "p2");
  EXPECT_EQ(rvOf(deleted), rv_deleted);  // the deletion's resourceVersion
  EXPECT_EQ(watch.status(), 200);
  EXPECT_EQ(api_.requestCount("watch", "pods"), 1u);
}

TEST_F(FakeApiWatchTest, EventsAlreadyInHistoryAreReplayed) {
  const std::string start = api_.resourceVersion();
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "a")));
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "b")));
  WatchReader watch(api_.port(), "/api/v1/pods?watch=true&resourceVersion=" + start);
  EXPECT_EQ(nameOf(watch.next()), "a");
  EXPECT_EQ(nameOf(watch.next()), "b");
}

TEST_F(FakeApiWatchTest, WatchWithoutResourceVersionStartsWithSyntheticAdds) {
  ASSERT_TRUE(api_.upsert("pods", pod("a", "existing")));
  ASSERT_TRUE(api_.upsert("pods", pod("b", "elsewhere")));
  WatchReader watch(api_.port(), "/api/v1/namespaces/a/pods?watch=1");
  auto first = watch.next();
  EXPECT_EQ(typeOf(first), "ADDED");
  EXPECT_EQ(nameOf(first), "existing");
  ASSERT_TRUE(api_.waitForOpenWatches(1, milliseconds(5000)));
  ASSERT_TRUE(api_.upsert("pods", pod("b", "ignored")));  // another namespace
  ASSERT_TRUE(api_.upsert("pods", pod("a", "new")));
  auto second = watch.next();
  EXPECT_EQ(typeOf(second), "ADDED");
  EXPECT_EQ(nameOf(second), "new");
}

TEST_F(FakeApiWatchTest, BookmarksCarryOnlyTheResourceVersion) {
  api_.setBookmarkInterval(milliseconds(50));
  ASSERT_TRUE(api_.upsert("deployments", R"({"metadata":{"name":"d","namespace":"ns"}})"));
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "unrelated")));  // moves the global version
  WatchReader watch(api_.port(),
                    "/apis/apps/v1/deployments?watch=1&allowWatchBookmarks=true&"
                    "resourceVersion=" +
                        api_.resourceVersion());
  auto bookmark = watch.next();
  ASSERT_EQ(typeOf(bookmark), "BOOKMARK");
  EXPECT_EQ((*bookmark)["object"],
            json({{"kind", "Deployment"},
                  {"apiVersion", "apps/v1"},
                  {"metadata", {{"resourceVersion", api_.resourceVersion()}}}}));
  WatchReader plain(api_.port(),
                    "/apis/apps/v1/deployments?watch=1&resourceVersion=" + api_.resourceVersion());
  EXPECT_FALSE(plain.next(milliseconds(300)).has_value());  // not asked for: none sent
}

TEST_F(FakeApiWatchTest, SendInitialEventsEndsWithAnAnnotatedBookmark) {
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "a")));
  WatchReader watch(api_.port(),
                    "/api/v1/pods?watch=1&sendInitialEvents=true&"
                    "allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&"
                    "resourceVersion=0");
  EXPECT_EQ(nameOf(watch.next()), "a");
  auto end = watch.next();
  ASSERT_EQ(typeOf(end), "BOOKMARK");
  EXPECT_EQ((*end)["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
  EXPECT_EQ(rvOf(end), api_.resourceVersion());
  WatchReader invalid(api_.port(), "/api/v1/pods?watch=1&sendInitialEvents=true");
  ASSERT_TRUE(invalid.waitDone());
  EXPECT_EQ(invalid.status(), 422);
}

TEST_F(FakeApiWatchTest, TooOldResourceVersionIsAnErrorEventInTheStream) {
  const std::string old = api_.resourceVersion();
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "a")));
  api_.compactHistory();
  WatchReader watch(api_.port(), "/api/v1/pods?watch=1&resourceVersion=" + old);
  auto error = watch.next();
  ASSERT_EQ(typeOf(error), "ERROR");
  const json& status = (*error)["object"];
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["status"], "Failure");
  EXPECT_EQ(status["reason"], "Expired");
  EXPECT_EQ(status["code"], 410);
  EXPECT_EQ(status["message"],
            "too old resource version: " + old + " (" + api_.resourceVersion() + ")");
  EXPECT_TRUE(watch.waitDone());
  EXPECT_TRUE(watch.endedCleanly());
  EXPECT_EQ(watch.status(), 200);
}

TEST_F(FakeApiWatchTest, HistoryWindowOverflowIs410) {
  FakeApiServer::Options options = fastOptions();
  options.history_limit = 3;
  options.watch_expired_as_http_status = true;
  FakeApiServer small(options);
  ASSERT_TRUE(small.start());
  const std::string old = small.resourceVersion();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(small.upsert("pods", pod("ns", std::to_string(i))));
  WatchReader watch(small.port(), "/api/v1/pods?watch=1&resourceVersion=" + old);
  ASSERT_TRUE(watch.waitDone());
  EXPECT_EQ(watch.status(), 410);
  auto body = json::parse(watch.rawBody(), nullptr, false);
  EXPECT_EQ(body["reason"], "Expired");
  EXPECT_EQ(body["code"], 410);
}

TEST_F(FakeApiWatchTest, TimeoutSecondsEndsTheStream) {
  WatchReader watch(api_.port(), "/api/v1/pods?watch=1&timeoutSeconds=1");
  EXPECT_TRUE(watch.waitDone(milliseconds(5000)));
  EXPECT_TRUE(watch.endedCleanly());
  EXPECT_TRUE(api_.waitForOpenWatches(0, milliseconds(5000)));
}

TEST_F(FakeApiWatchTest, CloseAllWatchesEndsStreamsCleanly) {
  WatchReader a(api_.port(), "/api/v1/pods?watch=1");
  WatchReader b(api_.port(), "/apis/batch/v1/jobs?watch=1");
  ASSERT_TRUE(api_.waitForOpenWatches(2, milliseconds(5000)));
  api_.closeAllWatches();
  EXPECT_TRUE(a.waitDone());
  EXPECT_TRUE(b.waitDone());
  EXPECT_TRUE(a.endedCleanly());
  EXPECT_TRUE(api_.waitForOpenWatches(0, milliseconds(5000)));
  WatchReader later(api_.port(), "/api/v1/pods?watch=1");  // new watches are unaffected
  ASSERT_TRUE(api_.waitForOpenWatches(1, milliseconds(5000)));
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "x")));
  EXPECT_EQ(nameOf(later.next()), "x");
}

TEST_F(FakeApiWatchTest, InjectedErrorReachesOpenWatches) {
  WatchReader watch(api_.port(), "/api/v1/pods?watch=1");
  ASSERT_TRUE(api_.waitForOpenWatches(1, milliseconds(5000)));
  api_.injectWatchError(410, "Gone", "injected");
  auto error = watch.next();
  ASSERT_EQ(typeOf(error), "ERROR");
  EXPECT_EQ((*error)["object"]["code"], 410);
  EXPECT_EQ((*error)["object"]["reason"], "Gone");
  EXPECT_TRUE(watch.waitDone());
}

TEST_F(FakeApiWatchTest, DropAfterEventsCutsTheConnection) {
  api_.setWatchDropAfter(2, /*abrupt=*/true);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(api_.upsert("pods", pod("ns", std::to_string(i))));
  WatchReader abrupt(api_.port(), "/api/v1/pods?watch=1");
  EXPECT_EQ(nameOf(abrupt.next()), "0");
  EXPECT_EQ(nameOf(abrupt.next()), "1");
  EXPECT_TRUE(abrupt.waitDone());
  EXPECT_FALSE(abrupt.endedCleanly());
  EXPECT_FALSE(abrupt.next(milliseconds(10)).has_value());
  api_.setWatchDropAfter(3, /*abrupt=*/false);
  WatchReader clean(api_.port(), "/api/v1/pods?watch=1");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(typeOf(clean.next()), "ADDED");
  EXPECT_TRUE(clean.waitDone());
  EXPECT_TRUE(clean.endedCleanly());
}

TEST_F(FakeApiWatchTest, WatchNeedsAuthToo) {
  api_.setRequiredToken("secret");
  WatchReader denied(api_.port(), "/api/v1/pods?watch=1");
  ASSERT_TRUE(denied.waitDone());
  EXPECT_EQ(denied.status(), 401);
  api_.setForbidden("pods", "watch");
  WatchReader forbidden(api_.port(), "/api/v1/pods?watch=1", {{"Authorization", "Bearer secret"}});
  ASSERT_TRUE(forbidden.waitDone());
  EXPECT_EQ(forbidden.status(), 403);
}

TEST_F(FakeApiWatchTest, StopEndsOpenWatches) {
  auto server = std::make_unique<FakeApiServer>(fastOptions());
  ASSERT_TRUE(server->start());
  WatchReader watch(server->port(), "/api/v1/pods?watch=1");
  ASSERT_TRUE(server->waitForOpenWatches(1, milliseconds(5000)));
  server->stop();
  EXPECT_TRUE(watch.waitDone());
  EXPECT_EQ(server->openWatchCount(), 0u);
}

}  // namespace
}  // namespace copycat::testing
