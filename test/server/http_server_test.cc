#include "server/http_server.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>

#include <gtest/gtest.h>

#include "base/log.h"
#include "server_test_util.h"

namespace copycat::server {
namespace {

using testing::clientFor;
using testing::sendRaw;
using testing::waitUntil;

HttpResponse okText(std::string body) {
  HttpResponse response;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.handle("/hello", {"GET", "HEAD"}, [](const HttpRequest& request) {
      return okText("hello " + request.queryValue("name").value_or("world"));
    });
    server_.handle("/echo", {"POST"},
                   [](const HttpRequest& request) { return okText(request.body); });
    server_.handle("/boom", {"GET"}, [](const HttpRequest&) -> HttpResponse {
      throw std::runtime_error("handler bug");
    });
    server_.handlePrefix("/items/", {"GET"}, [](const HttpRequest& request) {
      return okText("item " + request.path.substr(7));
    });
    server_.handle("/items/special", {"GET"}, [](const HttpRequest&) { return okText("special"); });
  }

  HttpServer server_{HttpServer::Options{.name = "test", .max_body_bytes = 64}};
};

TEST_F(HttpServerTest, BindsAnEphemeralLoopbackPortAndServes) {
  ASSERT_TRUE(server_.start("127.0.0.1:0"));
  ASSERT_GT(server_.port(), 0);
  EXPECT_TRUE(server_.isRunning());
  auto client = clientFor(server_.port());
  auto res = client->Get("/hello?name=copycat");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "hello copycat");
  // No Server header that names the implementation; browsers may not sniff types.
  EXPECT_FALSE(res->has_header("Server"));
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res->get_header_value_count("X-Content-Type-Options"), 1u);
}

TEST_F(HttpServerTest, UnknownPathIs404LikeGo) {
  ASSERT_TRUE(server_.start("127.0.0.1:0"));
  auto client = clientFor(server_.port());
  for (const char* path : {"/", "/nothing", "/hello/", "/HELLO", "/items"}) {
    auto res = client->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body, "404 page not found\n");
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(res->get_header_value_count("X-Content-Type-Options"), 1u);
  }
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  ASSERT_TRUE(server_.start("127.0.0.1:0"));
  auto client = clientFor(server_.port());
  auto post = client->Post("/hello", "x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");
  EXPECT_EQ(post->body, "method not allowed\n");
  auto get = client->Get("/echo");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
  for (const char* method : {"PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"}) {
    auto res = sendRaw(*client, method, "/hello");
    ASSERT_TRUE(res) << method;
    EXPECT_EQ(res->status, 405) << method;
    EXPECT_EQ(res->get_header_value("Allow"), "GET, HEAD") << method;
    EXPECT_EQ(res->get_header_value_count("X-Content-Type-Options"), 1u) << method;
  }
}

TEST_F(HttpServerTest, HeadSendsHeadersOnly) {
  ASSERT_TRUE(server_.start("127.0.0.1:0"));
  auto client = clientFor(server_.port());
  auto res = client->Head("/hello");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->body.empty());
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain");
}

TEST_F(HttpServerTest, PrefixRoutesYieldToExactOnes) {
  ASSERT_TRUE(server_.start("127.0.0.1:0"));
  auto client = clientFor(server_.port());
  EXPECT_EQ(client->Get("/items/42")->body, "item 42");
  EXPECT_EQ(client->Get("/items/special")->body, "special");
}

TEST_F(HttpServerTest, BodiesAboveTheLimitAre413) {
  ASSERT_TRUE(server_.start("127.0.0.1:0"));
  auto client = clientFor(server_.port());
  auto at_limit = client->Post("/echo", std::string(64, 'a'), "text/plain");
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->status, 200);
  EXPECT_EQ(at_limit->body.size(), 64u);
  auto above = client->Post("/echo", std::string(65, 'a'), "text/plain");
  ASSERT_TRUE(above);
  EXPECT_EQ(above->status, 413);
  EXPECT_EQ(above->body, "http: request body too large\n");
  // The connection is not reused after an unread body; a new request still works.
  auto after = client->Get("/hello");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(HttpServerTest, ThrowingHandlerIs500) {
  ASSERT_TRUE(server_.start("127.0.0.1:0"));
  auto client = clientFor(server_.port());
  auto res = client->Get("/boom");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->body, "internal server error\n");
}

TEST_F(HttpServerTest, AllInterfacesAddressIsReachableOnLoopback) {
  ASSERT_TRUE(server_.start(":0"));
  auto client = clientFor(server_.port());
  auto res = client->Get("/hello");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(HttpServerTest, AddressInUseIsUnavailable) {
  ASSERT_TRUE(server_.start("127.0.0.1:0"));
  HttpServer second;
  auto started = second.start("127.0.0.1:" + std::to_string(server_.port()));
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(started.error().message.find("listen tcp 127.0.0.1:"), std::string::npos);
  EXPECT_NE(started.error().message.find("in use"), std::string::npos);
}

TEST_F(HttpServerTest, MalformedAddressIsInvalidArgument) {
  auto started = server_.start("localhost");
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(HttpServerTest, StartTwiceFailsAndStopIsIdempotent) {
  server_.stop();  // before start: nothing to do
  ASSERT_TRUE(server_.start("127.0.0.1:0"));
  auto again = server_.start("127.0.0.1:0");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kInternal);
  server_.stop();
  EXPECT_FALSE(server_.isRunning());
  server_.stop();
}

TEST_F(HttpServerTest, DispatchWorksWithoutSockets) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/hello";
  EXPECT_EQ(server_.dispatch(request).body, "hello world");
  request.method = "DELETE";
  EXPECT_EQ(server_.dispatch(request).status, 405);
}

TEST(HttpServerGuardTest, GuardRunsBeforeTheMethodCheck) {
  HttpServer server;
  server.handle(
      "/private", {"POST"}, [](const HttpRequest&) { return okText("secret"); },
      [](const HttpRequest& request) -> std::optional<HttpResponse> {
        if (request.header("X-Key") == "k") {
          return std::nullopt;
        }
        return textResponse(401, "unauthorized");
      });
  ASSERT_TRUE(server.start("127.0.0.1:0"));
  auto client = clientFor(server.port());
  EXPECT_EQ(client->Post("/private", "", "text/plain")->status, 401);
  EXPECT_EQ(client->Get("/private")->status, 401);
  EXPECT_EQ(client->Get("/private", {{"X-Key", "k"}})->status, 405);
  EXPECT_EQ(client->Post("/private", {{"X-Key", "k"}}, "", "text/plain")->body, "secret");
}

TEST(HttpServerLogTest, RequestsAreLoggedAtDebugWithoutHeaders) {
  std::mutex mu;
  std::vector<std::string> lines;
  log::setSinkForTesting([&](std::string_view line) {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  });
  log::setLevel(log::Level::kDebug);
  {
    HttpServer server;
    server.handle("/x", {"GET"}, [](const HttpRequest&) { return okText("x"); });
    ASSERT_TRUE(server.start("127.0.0.1:0"));
    auto client = clientFor(server.port());
    auto res = client->Get("/x", {{"Authorization", "Bearer top-secret-token"}});
    ASSERT_TRUE(res);
    server.stop();  // the access log line is written before the pool drains
  }
  log::setLevel(log::Level::kInfo);
  log::setSinkForTesting({});
  bool logged = false;
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("top-secret-token"), std::string::npos) << line;
    if (line.find("\"http request\"") != std::string::npos) {
      logged = true;
      auto json = nlohmann::json::parse(line);
      EXPECT_EQ(json["level"], "debug");
      EXPECT_EQ(json["method"], "GET");
      EXPECT_EQ(json["path"], "/x");
      EXPECT_EQ(json["status"], 200);
    }
  }
  EXPECT_TRUE(logged);
}

// A handler that blocks until the test lets it finish.
struct SlowHandler {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool released = false;

  HttpResponse operator()(const HttpRequest&) {
    std::unique_lock lock(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return released; });
    return okText("finished");
  }
};

TEST(HttpServerStopTest, StopWaitsForTheRequestInFlight) {
  SlowHandler slow;
  HttpServer server;
  server.handle("/slow", {"GET"}, [&](const HttpRequest& r) { return slow(r); });
  server.handle("/fast", {"GET"}, [](const HttpRequest&) { return okText("fast"); });
  ASSERT_TRUE(server.start("127.0.0.1:0"));
  int port = server.port();

  auto in_flight = std::async(std::launch::async, [port] {
    auto client = clientFor(port);
    auto res = client->Get("/slow");
    return res ? res->status * 1000 + static_cast<int>(res->body == "finished") : -1;
  });
  {
    std::unique_lock lock(slow.mu);
    ASSERT_TRUE(slow.cv.wait_for(lock, std::chrono::seconds(10), [&] { return slow.entered; }));
  }
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server.stop();
    stopped = true;
  });
  // Once new connections are refused the listener is closed, yet stop() has not returned.
  ASSERT_TRUE(waitUntil([&] { return !clientFor(port)->Get("/fast"); }));
  EXPECT_FALSE(stopped);
  {
    std::lock_guard lock(slow.mu);
    slow.released = true;
    slow.cv.notify_all();
  }
  stopper.join();
  EXPECT_TRUE(stopped);
  EXPECT_EQ(in_flight.get(), 200 * 1000 + 1);  // answered in full, not cut off
  EXPECT_FALSE(server.isRunning());
}

TEST(HttpServerStopTest, IdleKeepAliveConnectionsDoNotHoldStopLong) {
  HttpServer server(HttpServer::Options{.keep_alive_timeout = std::chrono::seconds(1)});
  server.handle("/x", {"GET"}, [](const HttpRequest&) { return okText("x"); });
  ASSERT_TRUE(server.start("127.0.0.1:0"));
  auto client = clientFor(server.port());
  client->set_keep_alive(true);
  ASSERT_TRUE(client->Get("/x"));
  auto begin = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));
}

}  // namespace
}  // namespace copycat::server
