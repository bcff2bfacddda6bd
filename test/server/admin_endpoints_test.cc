#include <gtest/gtest.h>

#include "fake_admin_backend.h"
#include "server/admin_handlers.h"
#include "server/http_server.h"
#include "server_test_util.h"

namespace copycat::server {
namespace {

using nlohmann::json;
using testing::clientFor;
using testing::FakeAdminBackend;
using testing::waitUntil;
using Kind = EvictSelector::Kind;

std::chrono::system_clock::time_point at(int64_t seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

class AdminEndpointsTest : public ::testing::Test {
 protected:
  void start(std::string token = "") {
    backend_ = std::make_shared<FakeAdminBackend>();
    backend_->putEntry({"reg.example/team/web:1", "sha256:aa", at(1700000000), false});
    backend_->putEntry({"reg.example/team/api:2", "sha256:bb", at(1700000001), false});
    backend_->putEntry({"reg.example/other/db:3", "", std::nullopt, true});
    handlers_ = std::make_unique<AdminHandlers>(AdminOptions{.token = std::move(token)}, backend_);
    handlers_->registerRoutes(server_);
    ASSERT_TRUE(server_.start("127.0.0.1:0"));
    client_ = clientFor(server_.port());
  }

  static json bodyOf(const httplib::Result& res) {
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    EXPECT_EQ(res->body.back(), '\n');  // json.Encoder's trailing newline
    return json::parse(res->body);
  }

  std::shared_ptr<FakeAdminBackend> backend_;
  std::unique_ptr<AdminHandlers> handlers_;
  HttpServer server_;  // after the handlers: stopped before they go
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(AdminEndpointsTest, CacheStateListsEntriesSortedByTarget) {
  start();
  auto res = client_->Get("/admin/cache");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto body = bodyOf(res);
  EXPECT_EQ(body["count"], 3);
  ASSERT_EQ(body["entries"].size(), 3u);
  EXPECT_EQ(body["entries"][0], json({{"target", "reg.example/other/db:3"},
                                      {"digest", ""},
                                      {"lastPush", "0001-01-01T00:00:00Z"},
                                      {"inflight", true}}));
  EXPECT_EQ(body["entries"][1]["target"], "reg.example/team/api:2");
  EXPECT_EQ(body["entries"][2]["lastPush"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(res->body.rfind(R"({"entries":[{"target":)", 0), 0u);  // upstream's field order
}

TEST_F(AdminEndpointsTest, CacheStateRejectsOtherMethods) {
  start();
  auto res = client_->Post("/admin/cache", "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "GET, HEAD");
  EXPECT_EQ(res->body, "method not allowed\n");
}

TEST_F(AdminEndpointsTest, EvictByQuery) {
  start();
  auto res = client_->Post("/admin/cache/evict?target=reg.example/team/web:1", "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto body = bodyOf(res);
  EXPECT_EQ(body["removed"], json({"reg.example/team/web:1"}));
  EXPECT_EQ(body["remaining"], 2);
  EXPECT_EQ(body["entries"].size(), 2u);

  auto prefix = bodyOf(client_->Post("/admin/cache/evict?prefix=reg.example/", "", ""));
  EXPECT_EQ(prefix["removed"], json({"reg.example/other/db:3", "reg.example/team/api:2"}));
  EXPECT_EQ(prefix["remaining"], 0);
  EXPECT_EQ(prefix["entries"], json::array());
  EXPECT_EQ(backend_->evictions(),
            (std::vector<EvictSelector>{{Kind::kTarget, "reg.example/team/web:1"},
                                        {Kind::kPrefix, "reg.example/"}}));
}

TEST_F(AdminEndpointsTest, EvictAllByQuery) {
  start();
  auto body = bodyOf(client_->Post("/admin/cache/evict?all=true", "", ""));
  EXPECT_EQ(body["removed"].size(), 3u);
  EXPECT_EQ(body["remaining"], 0);
}

TEST_F(AdminEndpointsTest, EvictByJsonBody) {
  start();
  auto target = client_->Post("/admin/cache/evict", R"({"target":"reg.example/team/api:2"})",
                              "application/json");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->status, 200);
  EXPECT_EQ(bodyOf(target)["removed"], json({"reg.example/team/api:2"}));
  auto prefix = bodyOf(client_->Post("/admin/cache/evict", R"({"prefix":"reg.example/other/"})",
                                     "application/json"));
  EXPECT_EQ(prefix["removed"], json({"reg.example/other/db:3"}));
  auto all = bodyOf(client_->Post("/admin/cache/evict", R"({"all":true})", "application/json"));
  EXPECT_EQ(all["removed"], json({"reg.example/team/web:1"}));
  EXPECT_EQ(all["remaining"], 0);
}

TEST_F(AdminEndpointsTest, EvictWithoutSelectorEvictsEverything) {
  start();
  auto body = bodyOf(client_->Post("/admin/cache/evict", "", ""));
  EXPECT_EQ(body["removed"].size(), 3u);
  EXPECT_EQ(backend_->evictions(), (std::vector<EvictSelector>{{Kind::kAll, ""}}));
}

TEST_F(AdminEndpointsTest, EvictMissNamesNothing) {
  start();
  auto body = bodyOf(client_->Post("/admin/cache/evict?target=absent", "", ""));
  EXPECT_EQ(body["removed"], json::array());
  EXPECT_EQ(body["remaining"], 3);
}

TEST_F(AdminEndpointsTest, EvictRejectsBadRequestsWith400) {
  start();
  struct Case {
    std::string path;
    std::string body;
    std::string message;
  };
  std::vector<Case> cases = {
      {"/admin/cache/evict", R"({"target":"a","prefix":"b"})",
       "specify either target or prefix, not both\n"},
      {"/admin/cache/evict?target=a&prefix=b", "", "specify either target or prefix, not both\n"},
      {"/admin/cache/evict", R"({"target":"a","extra":1})",
       "decode request body: json: unknown field \"extra\"\n"},
      {"/admin/cache/evict", "{not json", "decode request body: invalid JSON\n"},
  };
  for (const auto& c : cases) {
    auto res = client_->Post(c.path, c.body, "application/json");
    ASSERT_TRUE(res) << c.path;
    EXPECT_EQ(res->status, 400) << c.body;
    EXPECT_EQ(res->body, c.message);
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  }
  EXPECT_TRUE(backend_->evictions().empty());
}

TEST_F(AdminEndpointsTest, EvictBodyIsLimitedToOneMebibyte) {
  start();
  std::string fits = R"({"all":true})";
  fits.resize(kDefaultMaxBodyBytes, ' ');  // trailing blanks are valid JSON
  auto ok_res = client_->Post("/admin/cache/evict", fits, "application/json");
  ASSERT_TRUE(ok_res);
  EXPECT_EQ(ok_res->status, 200);
  std::string too_big = fits + " ";
  auto big = client_->Post("/admin/cache/evict", too_big, "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(backend_->evictions().size(), 1u);
}

TEST_F(AdminEndpointsTest, EvictRejectsGet) {
  start();
  auto res = client_->Get("/admin/cache/evict");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "POST");
}

TEST_F(AdminEndpointsTest, ResetCooldownAnswersAsUpstream) {
  start();
  backend_->setCooldown({"a", "b", "c"}, true);
  auto res = client_->Post("/reset-cooldown", "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"reset":true,"clearedTargets":3,"message":"failure cooldown reset"})"
                       "\n");
  // GET works too, for simple tooling; nothing left to clear now.
  auto again = client_->Get("/reset-cooldown");
  ASSERT_TRUE(again);
  EXPECT_EQ(
      bodyOf(again),
      json({{"reset", false}, {"clearedTargets", 0}, {"message", "no cooldown entries to reset"}}));
  backend_->setCooldown({}, false);
  EXPECT_EQ(bodyOf(client_->Post("/reset-cooldown", "", ""))["message"],
            "failure cooldown disabled");
}

TEST_F(AdminEndpointsTest, ResetCooldownForOneTarget) {
  start();
  backend_->setCooldown({"a", "b"}, true);
  auto body = bodyOf(client_->Post("/reset-cooldown?target=b", "", ""));
  EXPECT_EQ(body["clearedTargets"], 1);
  EXPECT_EQ(backend_->cooldownCalls(),
            (std::vector<std::optional<std::string>>{std::optional<std::string>("b")}));
  auto res = client_->Put("/reset-cooldown", "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "POST, GET");
}

TEST_F(AdminEndpointsTest, ForceReconcileRunsOneAtATimeInTheBackground) {
  start();
  auto first = client_->Post("/force-reconcile", "", "");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 202);
  EXPECT_EQ(bodyOf(first), json({{"triggered", true},
                                 {"success", true},
                                 {"workloadsProcessed", 0},
                                 {"imagesMirrored", 0},
                                 {"message", "force reconcile started"}}));
  auto second = client_->Get("/force-reconcile");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 409);
  auto busy = bodyOf(second);
  EXPECT_EQ(busy["triggered"], false);
  EXPECT_EQ(busy["message"], "force reconcile already running");

  backend_->releaseReconcile();
  ASSERT_TRUE(waitUntil([&] { return !backend_->reconcileRunning(); }));
  auto third = client_->Post("/force-reconcile", "", "");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 202);
  backend_->releaseReconcile();
  ASSERT_TRUE(waitUntil([&] { return !backend_->reconcileRunning(); }));
  EXPECT_EQ(backend_->reconcileRuns(), 2);
}

TEST_F(AdminEndpointsTest, ForceReconcileThatCannotStartIs503) {
  start();
  backend_->failForceReconcileWith("not the leader");
  auto res = client_->Post("/force-reconcile", "", "");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  auto body = bodyOf(res);
  EXPECT_EQ(body["triggered"], false);
  EXPECT_EQ(body["success"], false);
  EXPECT_EQ(body["message"], "force reconcile failed: not the leader");
}

TEST_F(AdminEndpointsTest, WithoutBackendEverythingIs503) {
  start();
  handlers_->setBackend(nullptr);
  auto cache = client_->Get("/admin/cache");
  ASSERT_TRUE(cache);
  EXPECT_EQ(cache->status, 503);
  EXPECT_EQ(client_->Post("/admin/cache/evict", "", "")->status, 503);
  auto cooldown = client_->Post("/reset-cooldown", "", "");
  ASSERT_TRUE(cooldown);
  EXPECT_EQ(cooldown->status, 503);
  EXPECT_EQ(bodyOf(cooldown)["message"], "cooldown reset service not ready");
  auto force = client_->Post("/force-reconcile", "", "");
  ASSERT_TRUE(force);
  EXPECT_EQ(force->status, 503);
  EXPECT_EQ(bodyOf(force)["message"], "force reconcile service not ready");
}

TEST_F(AdminEndpointsTest, TokenIsRequiredOnEveryAdminEndpoint) {
  start("s3cret-admin-token");
  struct Endpoint {
    std::string method;
    std::string path;
  };
  std::vector<Endpoint> endpoints = {{"GET", "/admin/cache"},
                                     {"POST", "/admin/cache/evict"},
                                     {"POST", "/reset-cooldown"},
                                     {"POST", "/force-reconcile"}};
  for (const auto& e : endpoints) {
    for (const httplib::Headers& headers :
         {httplib::Headers{}, httplib::Headers{{"Authorization", "Bearer wrong"}},
          httplib::Headers{{"Authorization", "Basic czNjcmV0LWFkbWluLXRva2Vu"}},
          httplib::Headers{{"Authorization", "s3cret-admin-token"}}}) {
      auto res = testing::sendRaw(*client_, e.method, e.path, headers);
      ASSERT_TRUE(res) << e.path;
      EXPECT_EQ(res->status, 401) << e.path;
      EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer realm=\"copycat-admin\"");
      EXPECT_EQ(res->body, "unauthorized\n");
    }
    auto res = testing::sendRaw(*client_, e.method, e.path,
                                {{"Authorization", "Bearer s3cret-admin-token"}});
    ASSERT_TRUE(res);
    EXPECT_LT(res->status, 300) << e.path;
  }
  EXPECT_EQ(backend_->evictions().size(), 1u);  // only the authorized call reached the backend
  // Unauthenticated callers learn nothing about methods either.
  EXPECT_EQ(client_->Delete("/admin/cache")->status, 401);
  EXPECT_EQ(
      client_->Delete("/admin/cache", {{"Authorization", "bearer s3cret-admin-token"}})->status,
      405);
  EXPECT_EQ(client_->Get("/admin/unknown")->status, 404);
}

}  // namespace
}  // namespace copycat::server
