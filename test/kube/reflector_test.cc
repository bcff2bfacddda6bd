// Reflector against FakeApiServer: paginated list, watch resume without relist, 410 as an
// ERROR event and as an HTTP status, expired continue tokens, list failures with backoff and
// Retry-After, deletions missed while disconnected, bookmarks, status-only churn, token
// rotation and prompt cancellation.
#include "kube/reflector.h"

#include <gtest/gtest.h>

#include "kube/kube_objects.h"
#include "kube/test_util.h"
#include "support/fake_api_server.h"

namespace copycat::kube {
namespace {

using copycat::testing::FakeApiServer;
using std::chrono::milliseconds;
using testing::podJson;
using testing::PodSpec;
using testing::RecordingHandler;
using testing::waitUntil;
using workload::Kind;
using Steady = std::chrono::steady_clock;

FakeApiServer::Options serverOptions(bool watch_410_as_http = false) {
  FakeApiServer::Options options;
  options.too_large_rv_wait = milliseconds(200);
  options.watch_expired_as_http_status = watch_410_as_http;
  return options;
}

class ReflectorTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(api_->start()); }
  void TearDown() override {
    if (reflector_) reflector_->stop();
  }

  void connect(ClusterConfig config = {}, int max_retries = 3) {
    config.server = api_->url();
    ApiClient::Options options;
    options.backoff = BackoffPolicy{milliseconds(10), milliseconds(100), 2.0, 0.2};
    options.max_retries = max_retries;
    client_ = ApiClient::create(config, SystemClock::instance(), options).value();
  }

  // Starts a reflector for `kind` and waits for its initial list.
  void startReflector(Kind kind = Kind::kPod, int64_t page_size = 500) {
    if (!client_) connect();
    ReflectorOptions options = ReflectorOptions::forKind(kind);
    options.list.page_size = page_size;
    options.backoff = BackoffPolicy{milliseconds(20), milliseconds(200), 2.0, 0.2};
    reflector_ = std::make_unique<Reflector>(*client_, handler_, options);
    reflector_->start();
  }
  bool synced() {
    return waitUntil([&] { return reflector_->hasSynced(); });
  }
  void addPod(const std::string& name, const std::string& image = "nginx:1") {
    ASSERT_TRUE(api_->upsert("pods", podJson({.ns = "ns", .name = name, .images = {image}})));
  }
  // Moves the store's resourceVersion without touching pods.
  void bumpResourceVersion() {
    ASSERT_TRUE(
        api_->upsert("nodes", testing::nodeJson("n-" + api_->resourceVersion(), "linux", "amd64")));
  }

  std::unique_ptr<FakeApiServer> api_ = std::make_unique<FakeApiServer>(serverOptions());
  std::unique_ptr<ApiClient> client_;
  RecordingHandler handler_;
  std::unique_ptr<Reflector> reflector_;
};

TEST_F(ReflectorTest, ListsInPagesThenWatches) {
  for (int i = 0; i < 5; ++i) addPod("p" + std::to_string(i));
  startReflector(Kind::kPod, 2);
  ASSERT_TRUE(synced());
  EXPECT_EQ(handler_.count(EventType::kAdded), 5u);
  EXPECT_EQ(handler_.syncCount(), 1u);
  EXPECT_EQ(reflector_->stats().list_pages, 3u);
  EXPECT_EQ(reflector_->store().size(), 5u);
  ASSERT_TRUE(api_->waitForOpenWatches(1, std::chrono::seconds(10)));

  addPod("p5");
  addPod("p0", "nginx:2");
  ASSERT_TRUE(api_->remove("pods", "ns", "p1"));
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kDeleted, "p1") == 1; }));
  EXPECT_EQ(handler_.count(EventType::kAdded, "p5"), 1u);
  EXPECT_EQ(handler_.count(EventType::kModified, "p0"), 1u);
  EXPECT_EQ(reflector_->store().get("ns", "p0")->images[0].image, "nginx:2");
  EXPECT_EQ(reflector_->resourceVersion(), api_->resourceVersion());
  EXPECT_EQ(reflector_->stats().relists, 0u);
}

TEST_F(ReflectorTest, StreamClosedByTheServerResumesWithoutRelist) {
  addPod("a");
  startReflector();
  ASSERT_TRUE(synced());
  ASSERT_TRUE(api_->waitForOpenWatches(1, std::chrono::seconds(10)));
  addPod("b");
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kAdded, "b") == 1; }));
  api_->closeAllWatches();
  ASSERT_TRUE(api_->waitForRequestCount("watch", "pods", 2, std::chrono::seconds(10)));
  addPod("c");
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kAdded, "c") == 1; }));
  EXPECT_EQ(api_->requestCount("list", "pods"), 1u);
  EXPECT_EQ(reflector_->stats().relists, 0u);
  EXPECT_GE(reflector_->stats().watch_restarts, 1u);
  EXPECT_EQ(handler_.count(EventType::kAdded), 3u);  // nothing replayed, nothing lost
}

TEST_F(ReflectorTest, ErrorEvent410Relists) {
  addPod("a");
  startReflector();
  ASSERT_TRUE(synced());
  ASSERT_TRUE(api_->waitForOpenWatches(1, std::chrono::seconds(10)));
  api_->injectWatchError(410, "Expired", "too old resource version: 1 (2)");
  ASSERT_TRUE(api_->waitForRequestCount("list", "pods", 2, std::chrono::seconds(10)));
  ASSERT_TRUE(waitUntil([&] { return handler_.syncCount() == 2; }));
  EXPECT_EQ(reflector_->stats().relists, 1u);
  EXPECT_EQ(reflector_->stats().error_events, 1u);
  EXPECT_EQ(handler_.count(EventType::kAdded), 1u);  // the relist changed nothing
  EXPECT_EQ(handler_.count(EventType::kDeleted), 0u);
}

TEST_F(ReflectorTest, OtherErrorEventsBackOffAndResumeFromTheSameVersion) {
  addPod("a");
  startReflector();
  ASSERT_TRUE(synced());
  ASSERT_TRUE(api_->waitForOpenWatches(1, std::chrono::seconds(10)));
  api_->injectWatchError(500, "InternalError", "etcd hiccup");
  ASSERT_TRUE(api_->waitForRequestCount("watch", "pods", 2, std::chrono::seconds(10)));
  addPod("b");
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kAdded, "b") == 1; }));
  EXPECT_EQ(api_->requestCount("list", "pods"), 1u);
  EXPECT_EQ(reflector_->stats().failures, 1u);
}

TEST_F(ReflectorTest, Http410OnWatchRelists) {
  api_ = std::make_unique<FakeApiServer>(serverOptions(/*watch_410_as_http=*/true));
  ASSERT_TRUE(api_->start());
  addPod("a");
  startReflector();
  ASSERT_TRUE(synced());
  ASSERT_TRUE(api_->waitForOpenWatches(1, std::chrono::seconds(10)));
  // Keep the reflector away while its version falls out of the history (an open stream would
  // get an ERROR event instead).
  api_->setForbidden("pods", "watch");
  api_->closeAllWatches();
  ASSERT_TRUE(waitUntil([&] { return reflector_->stats().failures >= 1; }));
  bumpResourceVersion();
  api_->compactHistory();
  api_->setForbidden("pods", "watch", false);
  ASSERT_TRUE(api_->waitForRequestCount("list", "pods", 2, std::chrono::seconds(10)));
  ASSERT_TRUE(waitUntil([&] { return reflector_->stats().relists == 1; }));
  ASSERT_TRUE(waitUntil([&] { return handler_.syncCount() == 2; }));
  EXPECT_EQ(reflector_->stats().error_events, 0u);
}

TEST_F(ReflectorTest, ExpiredContinueTokenRestartsTheList) {
  for (int i = 0; i < 5; ++i) addPod("p" + std::to_string(i));
  bool expired = false;
  handler_.setHook([&](const RecordingHandler::Record&) {
    if (!expired) {
      expired = true;
      api_->expireContinueTokens();  // while the first page is being read
    }
  });
  startReflector(Kind::kPod, 2);
  ASSERT_TRUE(synced());
  EXPECT_EQ(reflector_->stats().list_restarts, 1u);
  EXPECT_EQ(reflector_->store().size(), 5u);
  EXPECT_EQ(handler_.count(EventType::kAdded), 5u);
  EXPECT_EQ(handler_.count(EventType::kDeleted), 0u);
  EXPECT_EQ(api_->requestCount("list", "pods"), 5u);  // page 1, expired page 2, pages 1-3
}

TEST_F(ReflectorTest, ListFailuresBackOffAndHonourRetryAfter) {
  addPod("a");
  connect({}, /*max_retries=*/0);  // the reflector's own backoff, not the client's retries
  api_->failNextLists(1, 429, 1);
  const auto start = Steady::now();
  startReflector();
  ASSERT_TRUE(synced());
  EXPECT_GE(Steady::now() - start, milliseconds(950));
  EXPECT_EQ(reflector_->stats().failures, 1u);
  reflector_->stop();

  RecordingHandler other;
  api_->failNextLists(3, 500);
  ReflectorOptions options = ReflectorOptions::forKind(Kind::kPod);
  options.backoff = BackoffPolicy{milliseconds(20), milliseconds(200), 2.0, 0.2};
  Reflector again(*client_, other, options);
  again.start();
  ASSERT_TRUE(waitUntil([&] { return again.hasSynced(); }));
  EXPECT_EQ(again.stats().failures, 3u);
  EXPECT_EQ(again.stats().lists, 4u);
}

TEST_F(ReflectorTest, ObjectsDeletedWhileDisconnectedAreReportedAfterTheRelist) {
  addPod("a");
  addPod("b");
  addPod("c");
  startReflector();
  ASSERT_TRUE(synced());
  ASSERT_TRUE(api_->waitForOpenWatches(1, std::chrono::seconds(10)));
  api_->setForbidden("pods", "watch");  // the reconnect fails until this is lifted
  api_->closeAllWatches();
  ASSERT_TRUE(waitUntil([&] { return reflector_->stats().failures >= 1; }));
  ASSERT_TRUE(api_->remove("pods", "ns", "b"));
  addPod("d");
  api_->compactHistory();  // the events above are no longer replayable
  api_->setForbidden("pods", "watch", false);
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kDeleted, "b") == 1; }));
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kAdded, "d") == 1; }));
  EXPECT_EQ(reflector_->stats().relists, 1u);
  EXPECT_EQ(reflector_->store().size(), 3u);
  EXPECT_EQ(handler_.count(EventType::kDeleted), 1u);
}

TEST_F(ReflectorTest, BookmarksAdvanceTheResumeVersion) {
  api_->setBookmarkInterval(milliseconds(50));
  addPod("a");
  startReflector();
  ASSERT_TRUE(synced());
  const std::string listed = reflector_->resourceVersion();
  bumpResourceVersion();
  bumpResourceVersion();
  ASSERT_TRUE(waitUntil([&] { return reflector_->resourceVersion() == api_->resourceVersion(); }));
  EXPECT_NE(reflector_->resourceVersion(), listed);
  EXPECT_GE(reflector_->stats().bookmarks, 1u);
  // Resuming from the list's version would now be 410; from the bookmark's it is fine.
  api_->compactHistory();
  api_->closeAllWatches();
  ASSERT_TRUE(api_->waitForRequestCount("watch", "pods", 2, std::chrono::seconds(10)));
  addPod("b");
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kAdded, "b") == 1; }));
  EXPECT_EQ(reflector_->stats().relists, 0u);
  EXPECT_EQ(api_->requestCount("list", "pods"), 1u);
}

TEST_F(ReflectorTest, StatusOnlyUpdatesAreNotReported) {
  using testing::workloadJson;
  ASSERT_TRUE(api_->upsert("deployments", workloadJson("Deployment", "ns", "web", {"nginx:1"}, 1)));
  startReflector(Kind::kDeployment);
  ASSERT_TRUE(synced());
  ASSERT_TRUE(api_->waitForOpenWatches(1, std::chrono::seconds(10)));
  // The deployment controller writes status: same generation, same images.
  ASSERT_TRUE(api_->upsert("deployments",
                           workloadJson("Deployment", "ns", "web", {"nginx:1"}, 1, {}, "", 1)));
  ASSERT_TRUE(api_->upsert("deployments", workloadJson("Deployment", "ns", "marker", {"x"}, 1)));
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kAdded, "marker") == 1; }));
  EXPECT_EQ(handler_.count(EventType::kModified, "web"), 0u);
  EXPECT_EQ(reflector_->stats().unchanged, 1u);
  // A spec change (scale, rollout) bumps the generation.
  ASSERT_TRUE(api_->upsert("deployments", workloadJson("Deployment", "ns", "web", {"nginx:1"}, 2)));
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kModified, "web") == 1; }));
}

TEST_F(ReflectorTest, PodStatusChurnIsNotReportedButImageIdsAre) {
  ASSERT_TRUE(api_->upsert("pods", podJson({.ns = "ns", .name = "p", .phase = "Pending"})));
  startReflector();
  ASSERT_TRUE(synced());
  ASSERT_TRUE(api_->waitForOpenWatches(1, std::chrono::seconds(10)));
  ASSERT_TRUE(api_->upsert("pods", podJson({.ns = "ns", .name = "p", .phase = "Running"})));
  ASSERT_TRUE(
      api_->upsert("pods", podJson({.ns = "ns",
                                    .name = "p",
                                    .phase = "Running",
                                    .image_ids = {"docker.io/library/nginx@sha256:0123"}})));
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kModified, "p") == 1; }));
  EXPECT_EQ(reflector_->stats().unchanged, 1u);
  EXPECT_EQ(handler_.events().back().object.images[0].image_id,
            "docker.io/library/nginx@sha256:0123");
}

TEST_F(ReflectorTest, RotatedTokenFileIsPickedUpByTheNextWatch) {
  testing::TempDir dir;
  ClusterConfig config;
  config.token_file = dir.write("token", "first1");
  testing::setMtime(config.token_file, 1700000000);
  api_->setRequiredToken("first1");
  connect(config);
  addPod("a");
  startReflector();
  ASSERT_TRUE(synced());
  ASSERT_TRUE(api_->waitForOpenWatches(1, std::chrono::seconds(10)));
  // Same size and mtime: only the 401 makes the client re-read the file.
  api_->setRequiredToken("second");
  dir.write("token", "second");
  testing::setMtime(config.token_file, 1700000000);
  api_->closeAllWatches();  // the next watch carries the old token: 401, re-read, retry
  ASSERT_TRUE(waitUntil([&] { return client_->stats().reauthentications == 1; }));
  addPod("b");
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kAdded, "b") == 1; }));
  EXPECT_EQ(reflector_->stats().relists, 0u);
}

TEST_F(ReflectorTest, AWatchClosedAtOnceWithoutEventsBacksOff) {
  startReflector();
  ASSERT_TRUE(synced());
  ASSERT_TRUE(api_->waitForOpenWatches(1, std::chrono::seconds(10)));
  api_->closeAllWatches();
  ASSERT_TRUE(waitUntil([&] { return reflector_->stats().failures == 1; }));
  ASSERT_TRUE(api_->waitForRequestCount("watch", "pods", 2, std::chrono::seconds(10)));
  addPod("a");
  ASSERT_TRUE(waitUntil([&] { return handler_.count(EventType::kAdded, "a") == 1; }));
  EXPECT_EQ(reflector_->stats().relists, 0u);
}

TEST_F(ReflectorTest, StopIsPromptWhileAWatchIsOpen) {
  startReflector();
  ASSERT_TRUE(synced());
  ASSERT_TRUE(api_->waitForOpenWatches(1, std::chrono::seconds(10)));
  const auto start = Steady::now();
  reflector_->stop();
  EXPECT_LT(Steady::now() - start, std::chrono::seconds(2));
}

TEST_F(ReflectorTest, ForgetAllReportsEverythingDeleted) {
  addPod("a");
  addPod("b");
  startReflector();
  ASSERT_TRUE(synced());
  reflector_->stop();
  reflector_->forgetAll();
  EXPECT_EQ(handler_.count(EventType::kDeleted), 2u);
  EXPECT_EQ(reflector_->store().size(), 0u);
  EXPECT_FALSE(reflector_->hasSynced());
}

}  // namespace
}  // namespace copycat::kube
