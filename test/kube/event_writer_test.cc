// EventWriter against FakeApiServer (no PATCH: 405 → a new Event per repeat) and against a small
// events server that supports merge patches: the Event's fields, aggregation of repeats, an
// expired Event recreated with its count, the bounded queue and shutdown.
#include "kube/event_writer.h"

#include <condition_variable>
#include <map>
#include <mutex>

#include <gtest/gtest.h>

#include "kube/lease_test_util.h"
#include "support/fake_api_server.h"
#include "support/fake_clock.h"
#include "support/test_http_server.h"

namespace copycat::kube {
namespace {

using copycat::testing::FakeApiServer;
using copycat::testing::FakeClock;
using copycat::testing::TestHttpServer;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::eventually;
using testing::testClient;

const ObjectReference kWeb{"apps/v1", "Deployment", "shop", "web", "uid-1"};

// "<name>.<hex unix nanoseconds>" for the FakeClock's current wall time.
std::string eventName(const std::string& object, const FakeClock& clock) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock.wallNow().time_since_epoch())
                .count();
  char hex[24];
  std::snprintf(hex, sizeof(hex), "%llx", static_cast<unsigned long long>(ns));
  return object + "." + hex;
}

// Serves POST and merge-PATCH for events in memory, like the API server; POSTs can be held at
// a gate to fill the writer's queue.
class EventsServer {
 public:
  EventsServer() {
    server_.post(R"(/api/v1/namespaces/([^/]+)/events)", [this](const auto& req, auto& res) {
      waitAtGate();
      json event = json::parse(req.body);
      std::string key =
          std::string(req.matches[1]) + "/" + event["metadata"]["name"].get<std::string>();
      std::lock_guard<std::mutex> lock(mu_);
      events_[key] = event;
      res.status = 201;
      res.set_content(event.dump(), "application/json");
    });
    server_.patch(
        R"(/api/v1/namespaces/([^/]+)/events/([^/]+))", [this](const auto& req, auto& res) {
          std::string key = std::string(req.matches[1]) + "/" + std::string(req.matches[2]);
          std::lock_guard<std::mutex> lock(mu_);
          auto it = events_.find(key);
          if (it == events_.end()) {
            res.status = 404;
            res.set_content(R"({"kind":"Status","apiVersion":"v1","status":"Failure",)"
                            R"("reason":"NotFound","code":404,"message":"not found"})",
                            "application/json");
            return;
          }
          it->second.merge_patch(json::parse(req.body));
          res.set_content(it->second.dump(), "application/json");
        });
  }
  ~EventsServer() {
    openGate();
    server_.stop();
  }

  Status start() { return server_.start(); }
  std::string url() const { return server_.baseUrl(); }
  std::vector<copycat::testing::RecordedRequest> requests() const { return server_.requests(); }
  size_t requestCount() const { return server_.requestCount(); }

  std::map<std::string, json> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  void erase(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.erase(key);
  }
  void closeGate() {
    std::lock_guard<std::mutex> lock(gate_mu_);
    gate_open_ = false;
  }
  void openGate() {
    {
      std::lock_guard<std::mutex> lock(gate_mu_);
      gate_open_ = true;
    }
    gate_cv_.notify_all();
  }

 private:
  void waitAtGate() {
    std::unique_lock<std::mutex> lock(gate_mu_);
    gate_cv_.wait_for(lock, seconds(20), [&] { return gate_open_; });
  }

  TestHttpServer server_;
  mutable std::mutex mu_;
  std::map<std::string, json> events_;
  std::mutex gate_mu_;
  std::condition_variable gate_cv_;
  bool gate_open_ = true;
};

EventWriter::Options writerOptions() {
  EventWriter::Options options;
  options.reporting_instance = "copycat-0";
  options.retry_delay = milliseconds(10);
  return options;
}

TEST(EventWriterTest, CreatesAnEventWithEveryField) {
  FakeApiServer api;
  ASSERT_TRUE(api.start());
  auto client = testClient(api.url());
  FakeClock clock;
  EventWriter writer(*client, clock, writerOptions());
  ASSERT_TRUE(writer.write(kWeb, EventSeverity::kWarning, "MirrorFailed", "push failed: 403"));
  ASSERT_TRUE(writer.waitIdle(seconds(10)));

  auto stored = api.get("events", "shop", eventName("web", clock));
  ASSERT_TRUE(stored) << "events: " << api.objectCount("events");
  json event = json::parse(*stored);
  EXPECT_EQ(event["metadata"]["namespace"], "shop");
  EXPECT_EQ(event["involvedObject"],
            json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","namespace":"shop",)"
                        R"("name":"web","uid":"uid-1"})"));
  EXPECT_EQ(event["reason"], "MirrorFailed");
  EXPECT_EQ(event["message"], "push failed: 403");
  EXPECT_EQ(event["type"], "Warning");
  EXPECT_EQ(event["source"], json::parse(R"({"component":"k8s-copycat"})"));
  EXPECT_EQ(event["reportingComponent"], "k8s-copycat");
  EXPECT_EQ(event["reportingInstance"], "copycat-0");
  EXPECT_EQ(event["firstTimestamp"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(event["lastTimestamp"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(event["eventTime"], "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(event["count"], 1);
  EXPECT_EQ(writer.stats().created, 1u);
  EXPECT_EQ(writer.stats().accepted, 1u);
}

TEST(EventWriterTest, ClusterScopedObjectsGetEventsInDefault) {
  FakeApiServer api;
  ASSERT_TRUE(api.start());
  auto client = testClient(api.url());
  FakeClock clock;
  EventWriter::Options options = writerOptions();
  options.reporting_instance.clear();  // a legacy Event: no eventTime, no reportingInstance
  EventWriter writer(*client, clock, options);
  writer.write(objectReference(workload::Kind::kNode, "", "node-1"), EventSeverity::kNormal,
               "Mirrored", "ok");
  ASSERT_TRUE(writer.waitIdle(seconds(10)));
  auto stored = api.get("events", "default", eventName("node-1", clock));
  ASSERT_TRUE(stored);
  json event = json::parse(*stored);
  EXPECT_EQ(event["involvedObject"],
            json::parse(R"({"apiVersion":"v1","kind":"Node","name":"node-1"})"));
  EXPECT_FALSE(event.contains("eventTime"));
  EXPECT_FALSE(event.contains("reportingInstance"));
  EXPECT_EQ(event["type"], "Normal");
}

TEST(EventWriterTest, WithoutPatchSupportEveryRepeatIsANewEvent) {
  FakeApiServer api;  // answers PATCH with 405
  ASSERT_TRUE(api.start());
  auto client = testClient(api.url());
  FakeClock clock;
  EventWriter writer(*client, clock, writerOptions());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "copied nginx"));
    ASSERT_TRUE(writer.waitIdle(seconds(10)));
    clock.advance(seconds(1));
  }
  EXPECT_EQ(api.objectCount("events"), 3u);
  EXPECT_EQ(api.requestCount("PATCH", "events"), 1u);  // tried once, then remembered
  EventWriterStats stats = writer.stats();
  EXPECT_EQ(stats.created, 3u);
  EXPECT_EQ(stats.patched, 0u);
  EXPECT_EQ(stats.patch_fallbacks, 1u);
  EXPECT_EQ(stats.failed, 0u);
}

TEST(EventWriterTest, RepeatsWithinTheWindowIncreaseCountByMergePatch) {
  EventsServer server;
  ASSERT_TRUE(server.start());
  auto client = testClient(server.url());
  FakeClock clock;
  EventWriter writer(*client, clock, writerOptions());
  const std::string name = eventName("web", clock);
  for (int i = 0; i < 3; ++i) {
    writer.write(kWeb, EventSeverity::kWarning, "MirrorFailed", "push failed");
    ASSERT_TRUE(writer.waitIdle(seconds(10)));
    clock.advance(seconds(90));
  }
  auto events = server.events();
  ASSERT_EQ(events.size(), 1u);
  json event = events.at("shop/" + name);
  EXPECT_EQ(event["count"], 3);
  EXPECT_EQ(event["firstTimestamp"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(event["lastTimestamp"], "2023-11-14T22:16:20Z");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].method, "PATCH");
  EXPECT_EQ(requests[1].path, "/api/v1/namespaces/shop/events/" + name);
  EXPECT_EQ(requests[1].header("Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(json::parse(requests[1].body),
            json::parse(R"({"count":2,"lastTimestamp":"2023-11-14T22:14:50Z",)"
                        R"("message":"push failed"})"));
  EventWriterStats stats = writer.stats();
  EXPECT_EQ(stats.created, 1u);
  EXPECT_EQ(stats.patched, 2u);

  // A different message, or a repeat after the 10 minute window, is a new Event.
  writer.write(kWeb, EventSeverity::kWarning, "MirrorFailed", "push failed again");
  ASSERT_TRUE(writer.waitIdle(seconds(10)));
  EXPECT_EQ(server.events().size(), 2u);
  clock.advance(std::chrono::minutes(10));
  writer.write(kWeb, EventSeverity::kWarning, "MirrorFailed", "push failed");
  ASSERT_TRUE(writer.waitIdle(seconds(10)));
  EXPECT_EQ(server.events().size(), 3u);
  EXPECT_EQ(writer.stats().patched, 2u);
}

TEST(EventWriterTest, GoneEventIsCreatedAgainWithItsCount) {
  EventsServer server;
  ASSERT_TRUE(server.start());
  auto client = testClient(server.url());
  FakeClock clock;
  EventWriter writer(*client, clock, writerOptions());
  const std::string key = "shop/" + eventName("web", clock);
  writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "copied");
  ASSERT_TRUE(writer.waitIdle(seconds(10)));
  server.erase(key);  // expired on the server
  clock.advance(seconds(5));
  writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "copied");
  ASSERT_TRUE(writer.waitIdle(seconds(10)));
  auto events = server.events();
  ASSERT_EQ(events.count(key), 1u);
  EXPECT_EQ(events.at(key)["count"], 2);
  EXPECT_EQ(events.at(key)["firstTimestamp"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(events.at(key)["lastTimestamp"], "2023-11-14T22:13:25Z");
  EXPECT_EQ(writer.stats().patch_fallbacks, 1u);
  EXPECT_EQ(writer.stats().created, 2u);
  // PATCH works again for the next repeat.
  writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "copied");
  ASSERT_TRUE(writer.waitIdle(seconds(10)));
  EXPECT_EQ(server.events().at(key)["count"], 3);
  EXPECT_EQ(writer.stats().patched, 1u);
}

TEST(EventWriterTest, FullQueueDropsAndCountsWithoutBlocking) {
  EventsServer server;
  ASSERT_TRUE(server.start());
  auto client = testClient(server.url());
  FakeClock clock;
  EventWriter::Options options = writerOptions();
  options.queue_capacity = 2;
  EventWriter writer(*client, clock, options);
  server.closeGate();
  ASSERT_TRUE(writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "m0"));
  ASSERT_TRUE(eventually([&] { return server.requestCount() == 1; }));  // in flight, held
  EXPECT_TRUE(writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "m1"));
  EXPECT_TRUE(writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "m2"));
  const auto before = std::chrono::steady_clock::now();
  EXPECT_FALSE(writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "m3"));
  EXPECT_FALSE(writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "m4"));
  EXPECT_LT(std::chrono::steady_clock::now() - before, milliseconds(100));
  EXPECT_EQ(writer.stats().dropped, 2u);
  EXPECT_EQ(writer.stats().accepted, 3u);
  server.openGate();
  ASSERT_TRUE(writer.waitIdle(seconds(10)));
  EXPECT_EQ(server.events().size(), 3u);
  EXPECT_EQ(writer.stats().created, 3u);
}

TEST(EventWriterTest, StopCancelsTheRequestInFlightAndDropsTheQueue) {
  EventsServer server;
  ASSERT_TRUE(server.start());
  auto client = testClient(server.url());
  FakeClock clock;
  EventWriter writer(*client, clock, writerOptions());
  server.closeGate();
  writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "m0");
  ASSERT_TRUE(eventually([&] { return server.requestCount() == 1; }));
  writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "m1");
  const auto before = std::chrono::steady_clock::now();
  writer.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, seconds(2));
  EventWriterStats stats = writer.stats();
  EXPECT_EQ(stats.dropped, 1u);
  EXPECT_EQ(stats.failed, 1u);  // the cancelled one
  EXPECT_FALSE(writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "late"));
  EXPECT_EQ(writer.stats().dropped, 2u);
  server.openGate();
}

TEST(EventWriterTest, LongTextIsCutToTheApiLimitsOnCharacterBoundaries) {
  EventsServer server;
  ASSERT_TRUE(server.start());
  auto client = testClient(server.url());
  FakeClock clock;
  EventWriter writer(*client, clock, writerOptions());
  std::string message;
  while (message.size() < 2000) message += "é";  // two bytes each
  message = "x" + message;                       // so byte 1024 falls inside a character
  writer.write(kWeb, EventSeverity::kWarning, std::string(200, 'R'), message);
  ASSERT_TRUE(writer.waitIdle(seconds(10)));
  auto events = server.events();
  ASSERT_EQ(events.size(), 1u);
  std::string stored = events.begin()->second["message"];
  EXPECT_EQ(stored.size(), 1023u);
  EXPECT_EQ(stored, message.substr(0, 1023));
  EXPECT_EQ(events.begin()->second["reason"].get<std::string>().size(), 128u);
}

TEST(EventWriterTest, TransportErrorsAreRetriedThenCountedAsFailed) {
  std::string url;
  {
    TestHttpServer gone;
    ASSERT_TRUE(gone.start());
    url = gone.baseUrl();
  }  // nothing listens there now
  auto client = testClient(url);
  FakeClock clock;
  EventWriter writer(*client, clock, writerOptions());
  writer.write(kWeb, EventSeverity::kNormal, "Mirrored", "m");
  ASSERT_TRUE(writer.waitIdle(seconds(20)));
  EXPECT_EQ(writer.stats().failed, 1u);
  EXPECT_EQ(writer.stats().created, 0u);
}

}  // namespace
}  // namespace copycat::kube
