// FakeApiServer over HTTP: LIST pagination and resourceVersion semantics, GET, writes, auth
// and fault hooks. Watch behaviour is in fake_api_watch_test.cc.
#include "support/fake_api_server.h"

#include <gtest/gtest.h>

#include "kube/fake_api_test_util.h"

namespace copycat::testing {
namespace {

using nlohmann::json;

std::string pod(const std::string& ns, const std::string& name,
                const std::string& image = "nginx") {
  return json{{"metadata", {{"name", name}, {"namespace", ns}}},
              {"spec", {{"containers", {{{"name", "c"}, {"image", image}}}}}}}
      .dump();
}

class FakeApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(api_.start()); }

  FakeApiServer api_{[] {
    FakeApiServer::Options o;
    o.too_large_rv_wait = std::chrono::milliseconds(200);
    return o;
  }()};
};

std::vector<std::string> names(const json& list) {
  std::vector<std::string> out;
  for (const auto& item : list["items"]) out.push_back(item["metadata"]["name"]);
  return out;
}

TEST_F(FakeApiServerTest, ListServesAKindListAtTheCurrentResourceVersion) {
  ASSERT_TRUE(api_.upsert("pods", pod("b", "p2")));
  ASSERT_TRUE(api_.upsert("pods", pod("a", "p1")));
  ASSERT_TRUE(api_.upsert("pods", pod("b", "p1")));
  auto all = getJson(api_.port(), "/api/v1/pods");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.body["kind"], "PodList");
  EXPECT_EQ(all.body["apiVersion"], "v1");
  EXPECT_EQ(all.body["metadata"], json({{"resourceVersion", api_.resourceVersion()}}));
  EXPECT_EQ(names(all.body), (std::vector<std::string>{"p1", "p1", "p2"}));  // etcd key order
  const json& first = all.body["items"][0];
  EXPECT_EQ(first["metadata"]["namespace"], "a");
  EXPECT_FALSE(first["metadata"]["uid"].get<std::string>().empty());
  EXPECT_FALSE(first["metadata"]["creationTimestamp"].get<std::string>().empty());
  EXPECT_EQ(first["spec"]["containers"][0]["image"], "nginx");
  auto in_b = getJson(api_.port(), "/api/v1/namespaces/b/pods");
  ASSERT_EQ(in_b.status, 200);
  EXPECT_EQ(names(in_b.body), (std::vector<std::string>{"p1", "p2"}));
}

TEST_F(FakeApiServerTest, GroupedResourcesUseTheirPaths) {
  ASSERT_TRUE(api_.upsert("deployments", R"({"kind":"Deployment","apiVersion":"apps/v1",
      "metadata":{"name":"web","namespace":"shop"},"spec":{}})"));
  ASSERT_TRUE(api_.upsert("nodes", R"({"metadata":{"name":"node-1"}})"));
  auto deployments = getJson(api_.port(), "/apis/apps/v1/namespaces/shop/deployments");
  EXPECT_EQ(deployments.body["kind"], "DeploymentList");
  EXPECT_EQ(deployments.body["apiVersion"], "apps/v1");
  EXPECT_EQ(names(deployments.body), (std::vector<std::string>{"web"}));
  EXPECT_EQ(names(getJson(api_.port(), "/api/v1/nodes").body),
            (std::vector<std::string>{"node-1"}));
  EXPECT_EQ(getJson(api_.port(), "/apis/batch/v1/cronjobs").body["kind"], "CronJobList");
  EXPECT_EQ(getJson(api_.port(), "/api/v1/deployments").status, 404);
  EXPECT_EQ(getJson(api_.port(), "/api/v1/namespaces/x/nodes").status, 404);
  EXPECT_EQ(getJson(api_.port(), "/api/v1/pods?labelSelector=a%3Db").status, 400);
}

TEST_F(FakeApiServerTest, PaginationIsASnapshotAcrossPages) {
  for (int i = 0; i < 25; ++i) {
    char name[8];
    std::snprintf(name, sizeof(name), "p%02d", i);
    ASSERT_TRUE(api_.upsert("pods", pod("ns", name)));
  }
  const std::string list_rv = api_.resourceVersion();
  auto page1 = getJson(api_.port(), "/api/v1/namespaces/ns/pods?limit=10");
  ASSERT_EQ(page1.status, 200);
  EXPECT_EQ(page1.body["items"].size(), 10u);
  EXPECT_EQ(page1.body["metadata"]["resourceVersion"], list_rv);
  EXPECT_EQ(page1.body["metadata"]["remainingItemCount"], 15);
  // Changes after the first page do not show up in later pages of the same list.
  ASSERT_TRUE(api_.remove("pods", "ns", "p15"));
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "p99")));
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "p12", "changed")));
  std::string cont = page1.body["metadata"]["continue"];
  auto page2 = getJson(api_.port(), "/api/v1/namespaces/ns/pods?limit=10&continue=" + cont);
  ASSERT_EQ(page2.status, 200) << page2.body.dump();
  EXPECT_EQ(page2.body["metadata"]["resourceVersion"], list_rv);
  EXPECT_EQ(page2.body["metadata"]["remainingItemCount"], 5);
  EXPECT_EQ(page2.body["items"][2]["spec"]["containers"][0]["image"], "nginx");
  EXPECT_EQ(page2.body["items"][5]["metadata"]["name"], "p15");
  cont = page2.body["metadata"]["continue"];
  auto page3 = getJson(api_.port(), "/api/v1/namespaces/ns/pods?limit=10&continue=" + cont);
  ASSERT_EQ(page3.status, 200);
  EXPECT_EQ(names(page3.body), (std::vector<std::string>{"p20", "p21", "p22", "p23", "p24"}));
  EXPECT_FALSE(page3.body["metadata"].contains("continue"));
  EXPECT_FALSE(page3.body["metadata"].contains("remainingItemCount"));
  // A new list sees the changes.
  auto fresh = getJson(api_.port(), "/api/v1/namespaces/ns/pods");
  EXPECT_EQ(fresh.body["items"].size(), 25u);
  EXPECT_EQ(fresh.body["items"].back()["metadata"]["name"], "p99");
}

TEST_F(FakeApiServerTest, ExpiredContinueTokenIs410Expired) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(api_.upsert("pods", pod("ns", "p" + std::to_string(i))));
  auto page1 = getJson(api_.port(), "/api/v1/pods?limit=1");
  std::string cont = page1.body["metadata"]["continue"];
  api_.expireContinueTokens();
  auto expired = getJson(api_.port(), "/api/v1/pods?limit=1&continue=" + cont);
  EXPECT_EQ(expired.status, 410);
  EXPECT_EQ(expired.body["kind"], "Status");
  EXPECT_EQ(expired.body["apiVersion"], "v1");
  EXPECT_EQ(expired.body["metadata"], json::object());
  EXPECT_EQ(expired.body["status"], "Failure");
  EXPECT_EQ(expired.body["reason"], "Expired");
  EXPECT_EQ(expired.body["code"], 410);
  std::string message = expired.body["message"];
  EXPECT_EQ(message.rfind("The provided continue parameter is too old", 0), 0u);
  // The token offered in the message continues (inconsistently) at the latest version.
  std::string inconsistent = message.substr(message.rfind(' ') + 1);
  auto rest = getJson(api_.port(), "/api/v1/pods?limit=5&continue=" + inconsistent);
  ASSERT_EQ(rest.status, 200) << rest.body.dump();
  EXPECT_EQ(names(rest.body), (std::vector<std::string>{"p1", "p2"}));
}

TEST_F(FakeApiServerTest, CompactionExpiresContinueTokens) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(api_.upsert("pods", pod("ns", "p" + std::to_string(i))));
  auto page1 = getJson(api_.port(), "/api/v1/pods?limit=1");
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "p9")));
  api_.compactHistory();
  std::string cont = page1.body["metadata"]["continue"];
  EXPECT_EQ(getJson(api_.port(), "/api/v1/pods?limit=1&continue=" + cont).status, 410);
  EXPECT_EQ(getJson(api_.port(), "/api/v1/pods?limit=1&continue=garbage").status, 400);
}

TEST_F(FakeApiServerTest, ResourceVersionSemanticsForList) {
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "a", "v1")));
  const std::string rv1 = api_.resourceVersion();
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "a", "v2")));
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "b")));
  auto image = [](const JsonResponse& r) {
    return r.body["items"][0]["spec"]["containers"][0]["image"].get<std::string>();
  };
  // Exact: the state at rv1.
  auto exact =
      getJson(api_.port(), "/api/v1/pods?resourceVersion=" + rv1 + "&resourceVersionMatch=Exact");
  ASSERT_EQ(exact.status, 200);
  EXPECT_EQ(exact.body["metadata"]["resourceVersion"], rv1);
  EXPECT_EQ(names(exact.body), (std::vector<std::string>{"a"}));
  EXPECT_EQ(image(exact), "v1");
  // Legacy: a resourceVersion with a limit means Exact too.
  auto legacy = getJson(api_.port(), "/api/v1/pods?limit=5&resourceVersion=" + rv1);
  EXPECT_EQ(image(legacy), "v1");
  // NotOlderThan / no match without limit / "0": the latest state.
  const std::vector<std::string> queries = {
      "resourceVersion=" + rv1 + "&resourceVersionMatch=NotOlderThan", "resourceVersion=" + rv1,
      "resourceVersion=0", ""};
  for (const std::string& query : queries) {
    SCOPED_TRACE(query);
    auto latest = getJson(api_.port(), "/api/v1/pods?" + query);
    ASSERT_EQ(latest.status, 200);
    EXPECT_EQ(latest.body["metadata"]["resourceVersion"], api_.resourceVersion());
    EXPECT_EQ(image(latest), "v2");
  }
  // Too new: 504 "Too large resource version" after a bounded wait.
  auto future = getJson(api_.port(), "/api/v1/pods?resourceVersion=999999");
  EXPECT_EQ(future.status, 504);
  EXPECT_EQ(future.body["reason"], "Timeout");
  EXPECT_EQ(future.body["details"]["causes"][0]["reason"], "ResourceVersionTooLarge");
  // Too old for Exact: 410.
  api_.compactHistory();
  auto old =
      getJson(api_.port(), "/api/v1/pods?resourceVersion=" + rv1 + "&resourceVersionMatch=Exact");
  EXPECT_EQ(old.status, 410);
  EXPECT_EQ(old.body["reason"], "Expired");
  // Invalid combinations.
  EXPECT_EQ(getJson(api_.port(), "/api/v1/pods?resourceVersionMatch=Exact").status, 422);
  EXPECT_EQ(
      getJson(api_.port(), "/api/v1/pods?resourceVersion=0&resourceVersionMatch=Exact").status,
      422);
  EXPECT_EQ(getJson(api_.port(), "/api/v1/pods?resourceVersion=abc").status, 400);
}

TEST_F(FakeApiServerTest, GetReturnsTheObjectWithKindOrAStatus) {
  ASSERT_TRUE(api_.upsert("pods", pod("ns", "p")));
  auto found = getJson(api_.port(), "/api/v1/namespaces/ns/pods/p");
  ASSERT_EQ(found.status, 200);
  EXPECT_EQ(found.body["kind"], "Pod");
  EXPECT_EQ(found.body["apiVersion"], "v1");
  EXPECT_EQ(found.body["metadata"]["resourceVersion"], api_.resourceVersion());
  auto missing = getJson(api_.port(), "/apis/apps/v1/namespaces/ns/deployments/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},
      "status":"Failure","message":"deployments.apps \"nope\" not found","reason":"NotFound",
      "details":{"name":"nope","group":"apps","kind":"deployments"},"code":404})"));
  EXPECT_EQ(getJson(api_.port(), "/api/v1/namespaces/ns").status, 404);
  ASSERT_TRUE(api_.upsert("namespaces", R"({"metadata":{"name":"ns"}})"));
  EXPECT_EQ(getJson(api_.port(), "/api/v1/namespaces/ns").body["kind"], "Namespace");
  EXPECT_EQ(getJson(api_.port(), "/version").body["major"], "1");
}

TEST_F(FakeApiServerTest, LeaseCreateAndOptimisticUpdate) {
  const std::string base = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
  const std::string lease =
      R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"copycat"},)"
      R"("spec":{"holderIdentity":"a","leaseDurationSeconds":15}})";
  auto created = sendJson(api_.port(), "POST", base, lease);
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["metadata"]["namespace"], "kube-system");
  std::string rv = created.body["metadata"]["resourceVersion"];
  auto again = sendJson(api_.port(), "POST", base, lease);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["reason"], "AlreadyExists");

  json update = created.body;
  update["spec"]["holderIdentity"] = "b";
  auto updated = sendJson(api_.port(), "PUT", base + "/copycat", update.dump());
  ASSERT_EQ(updated.status, 200);
  EXPECT_EQ(updated.body["spec"]["holderIdentity"], "b");
  EXPECT_NE(updated.body["metadata"]["resourceVersion"], rv);
  EXPECT_EQ(updated.body["metadata"]["uid"], created.body["metadata"]["uid"]);

  update["spec"]["holderIdentity"] = "c";  // still carries the old resourceVersion
  auto conflict = sendJson(api_.port(), "PUT", base + "/copycat", update.dump());
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.body["reason"], "Conflict");
  EXPECT_EQ(conflict.body["message"],
            "Operation cannot be fulfilled on leases.coordination.k8s.io \"copycat\": the object "
            "has been modified; please apply your changes to the latest version and try again");
  EXPECT_EQ(getJson(api_.port(), base + "/copycat").body["spec"]["holderIdentity"], "b");
  EXPECT_EQ(sendJson(api_.port(), "PUT", base + "/other", update.dump()).status, 400);
  json other = update;
  other["metadata"] = {{"name", "other"}};
  EXPECT_EQ(sendJson(api_.port(), "PUT", base + "/other", other.dump()).status, 404);
  EXPECT_EQ(api_.requestCount("create", "leases"), 2u);
  EXPECT_EQ(
      sendJson(api_.port(), "POST", "/api/v1/namespaces", R"({"metadata":{"name":"n"}})").status,
      201);
  EXPECT_EQ(api_.requestCount("update", "leases"), 4u);
  EXPECT_EQ(api_.requestCount("get", "leases"), 1u);
}

TEST_F(FakeApiServerTest, EventsArePostedWithGenerateName) {
  auto created = sendJson(api_.port(), "POST", "/api/v1/namespaces/shop/events",
                          R"({"metadata":{"generateName":"web."},"reason":"Mirrored"})");
  ASSERT_EQ(created.status, 201) << created.body.dump();
  std::string name = created.body["metadata"]["name"];
  EXPECT_EQ(name.rfind("web.", 0), 0u);
  EXPECT_GT(name.size(), 4u);
  EXPECT_TRUE(api_.get("events", "shop", name).has_value());
  auto nameless = sendJson(api_.port(), "POST", "/api/v1/namespaces/shop/events",
                           R"({"metadata":{},"reason":"x"})");
  EXPECT_EQ(nameless.status, 422);
  auto wrong_ns = sendJson(api_.port(), "POST", "/api/v1/namespaces/shop/events",
                           R"({"metadata":{"name":"e","namespace":"other"}})");
  EXPECT_EQ(wrong_ns.status, 400);
  EXPECT_EQ(sendJson(api_.port(), "POST", "/api/v1/namespaces/shop/events", "{not json").status,
            400);
}

TEST_F(FakeApiServerTest, BearerTokenIsRequiredAndCanRotate) {
  api_.setRequiredToken("t1");
  auto anonymous = getJson(api_.port(), "/api/v1/pods");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.body, json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},
      "status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})"));
  EXPECT_EQ(getJson(api_.port(), "/api/v1/pods", {{"Authorization", "Bearer t1"}}).status, 200);
  api_.setRequiredToken("t2");
  EXPECT_EQ(getJson(api_.port(), "/api/v1/pods", {{"Authorization", "Bearer t1"}}).status, 401);
  EXPECT_EQ(getJson(api_.port(), "/api/v1/pods", {{"Authorization", "Bearer t2"}}).status, 200);
  EXPECT_EQ(api_.requestCount("list", "pods"), 4u);
}

TEST_F(FakeApiServerTest, ForbiddenResourcesGet403) {
  api_.setForbidden("nodes", "list");
  auto denied = getJson(api_.port(), "/api/v1/nodes");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.body["reason"], "Forbidden");
  EXPECT_EQ(denied.body["message"],
            "nodes is forbidden: User \"system:serviceaccount:default:fake\" cannot list "
            "resource \"nodes\" in API group \"\" at the cluster scope");
  EXPECT_EQ(getJson(api_.port(), "/api/v1/pods").status, 200);
  api_.setForbidden("nodes", "list", false);
  EXPECT_EQ(getJson(api_.port(), "/api/v1/nodes").status, 200);
}

TEST_F(FakeApiServerTest, InjectedListFailures) {
  api_.failNextLists(2, 429, 3);
  auto throttled = getJson(api_.port(), "/api/v1/pods");
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.body["reason"], "TooManyRequests");
  EXPECT_EQ(throttled.body["details"]["retryAfterSeconds"], 3);
  auto header = throttled.headers.find("Retry-After");
  ASSERT_NE(header, throttled.headers.end());
  EXPECT_EQ(header->second, "3");
  EXPECT_EQ(getJson(api_.port(), "/apis/apps/v1/deployments").status, 429);
  EXPECT_EQ(getJson(api_.port(), "/api/v1/pods").status, 200);
  api_.failNextLists(1, 500);
  auto broken = getJson(api_.port(), "/api/v1/pods");
  EXPECT_EQ(broken.status, 500);
  EXPECT_EQ(broken.body["reason"], "InternalError");
  EXPECT_EQ(getJson(api_.port(), "/api/v1/pods").status, 200);
}

TEST_F(FakeApiServerTest, CppApiErrors) {
  EXPECT_FALSE(api_.upsert("widgets", pod("ns", "p")).has_value());
  EXPECT_FALSE(api_.upsert("pods", "{").has_value());
  EXPECT_FALSE(api_.upsert("pods", R"({"metadata":{}})").has_value());
  auto gone = api_.remove("pods", "ns", "nope");
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(api_.upsert("pods", R"({"metadata":{"name":"defaulted"}})"));
  EXPECT_TRUE(api_.get("pods", "default", "defaulted").has_value());
  EXPECT_EQ(api_.objectCount("pods"), 1u);
}

TEST_F(FakeApiServerTest, LargePodsArePagedWithoutReparsing) {
  const std::string padding(5000, 'x');
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(api_.upsert("pods", R"({"metadata":{"name":"p)" + std::to_string(i) +
                                        R"(","namespace":"big"},"spec":{"padding":")" + padding +
                                        R"("}})"));
  }
  size_t seen = 0;
  std::string cont;
  int pages = 0;
  do {
    auto page =
        getJson(api_.port(), "/api/v1/pods?limit=250" + (cont.empty() ? "" : "&continue=" + cont));
    ASSERT_EQ(page.status, 200);
    seen += page.body["items"].size();
    EXPECT_EQ(page.body["items"][0]["spec"]["padding"].get<std::string>().size(), 5000u);
    cont = page.body["metadata"].value("continue", "");
    ++pages;
  } while (!cont.empty());
  EXPECT_EQ(seen, 1000u);
  EXPECT_EQ(pages, 4);
}

}  // namespace
}  // namespace copycat::testing
