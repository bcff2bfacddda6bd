// FakeApiServer internals: metadata splicing (the object text is never rebuilt from a DOM),
// Status bodies and continue tokens.
#include "support/fake_api_objects.h"

#include <gtest/gtest.h>

#include "support/fake_api_store.h"

namespace copycat::testing::fakeapi {
namespace {

using nlohmann::json;

StoredObject store(std::string_view text, uint64_t rv) {
  auto parsed = parseObject(text);
  EXPECT_TRUE(parsed.has_value());
  return makeStored(*parsed, parsed->ns.empty() ? "ns" : parsed->ns, parsed->name, "uid-1",
                    "2024-01-01T00:00:00Z", rv);
}

std::string rvDigits(const StoredObject& s) { return s.json.substr(s.rv_pos, s.rv_len); }

TEST(FakeApiObjectsTest, InsertsMissingMetadataAndKeepsTheRest) {
  StoredObject s = store(R"({ "metadata" : { "name" : "p" },
                             "spec" : { "containers" : [ { "image" : "a b" } ] } })",
                         42);
  EXPECT_EQ(s.json, R"({"metadata":{"namespace":"ns","uid":"uid-1","creationTimestamp":)"
                    R"("2024-01-01T00:00:00Z","resourceVersion":"42","name":"p"},)"
                    R"("spec":{"containers":[{"image":"a b"}]}})");
  EXPECT_EQ(rvDigits(s), "42");
  EXPECT_FALSE(s.has_kind);
}

TEST(FakeApiObjectsTest, ReplacesAnExistingResourceVersion) {
  for (const char* text : {R"({"kind":"Pod","metadata":{"name":"p","uid":"u","namespace":"x",)"
                           R"("creationTimestamp":"t","resourceVersion":"7","labels":{"a":"b"}}})",
                           R"({"kind":"Pod","metadata":{"name":"p","uid":"u","namespace":"x",)"
                           R"("creationTimestamp":"t","resourceVersion":7,"labels":{"a":"b"}}})"}) {
    SCOPED_TRACE(text);
    StoredObject s = store(text, 1234);
    EXPECT_EQ(s.json, R"({"kind":"Pod","metadata":{"name":"p","uid":"u","namespace":"x",)"
                      R"("creationTimestamp":"t","resourceVersion":"1234","labels":{"a":"b"}}})");
    EXPECT_EQ(rvDigits(s), "1234");
    EXPECT_TRUE(s.has_kind);
  }
}

TEST(FakeApiObjectsTest, WithResourceVersionSplicesCheaply) {
  StoredObject s = store(R"({"metadata":{"name":"p"}})", 9);
  ObjectPtr later = withResourceVersion(s, 100000);
  EXPECT_EQ(json::parse(later->json)["metadata"]["resourceVersion"], "100000");
  EXPECT_EQ(later->rv, 100000u);
  ObjectPtr again = withResourceVersion(*later, 5);
  EXPECT_EQ(json::parse(again->json)["metadata"]["resourceVersion"], "5");
}

TEST(FakeApiObjectsTest, WireJsonAddsKindOnlyWhenMissing) {
  const ResourceInfo& deployments = *findResource("deployments");
  StoredObject bare = store(R"({"metadata":{"name":"d"}})", 3);
  json wire = json::parse(wireJson(bare, deployments));
  EXPECT_EQ(wire["kind"], "Deployment");
  EXPECT_EQ(wire["apiVersion"], "apps/v1");
  StoredObject typed = store(R"({"kind":"Deployment","metadata":{"name":"d"}})", 3);
  EXPECT_EQ(wireJson(typed, deployments), typed.json);
}

TEST(FakeApiObjectsTest, RejectsInvalidBodies) {
  for (const char* text : {"{", "[]", R"({"spec":{}})", R"({"metadata":"x"})", "{\"a\":1} x"}) {
    SCOPED_TRACE(text);
    auto parsed = parseObject(text);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().code, 400);
  }
}

TEST(FakeApiObjectsTest, StatusBodyHasTheApiServerFieldOrder) {
  EXPECT_EQ(statusJson(ApiError{
                404, "NotFound", "pods \"x\" not found", {{"name", "x"}, {"kind", "pods"}}, -1}),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
            R"("message":"pods \"x\" not found","reason":"NotFound",)"
            R"("details":{"kind":"pods","name":"x"},"code":404})");
}

TEST(FakeApiObjectsTest, ContinueTokensRoundTrip) {
  ContinueToken token{17, std::string("ns/p3\0", 6), 3, 2};
  auto decoded = decodeContinue(encodeContinue(token));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->rv, 17);
  EXPECT_EQ(decoded->start, token.start);
  EXPECT_EQ(decoded->emitted, 3u);
  EXPECT_EQ(decoded->epoch, 2u);
  EXPECT_EQ(encodeContinue(token).find_first_of("+/="), std::string::npos);  // URL-safe
  EXPECT_FALSE(decodeContinue("!!").has_value());
  EXPECT_FALSE(decodeContinue("e30").has_value());  // "{}"
}

TEST(FakeApiStoreTest, SnapshotListsUndoLaterEvents) {
  FakeApiStore s(100);
  const ResourceInfo& pods = *findResource("pods");
  ASSERT_TRUE(s.upsert(pods, R"({"metadata":{"name":"a","namespace":"n"},"v":1})"));
  ASSERT_TRUE(s.upsert(pods, R"({"metadata":{"name":"b","namespace":"n"},"v":1})"));
  const uint64_t rv = s.currentRv();
  ASSERT_TRUE(s.upsert(pods, R"({"metadata":{"name":"a","namespace":"n"},"v":2})"));
  ASSERT_TRUE(s.remove(pods, "n", "b"));
  ASSERT_TRUE(s.upsert(pods, R"({"metadata":{"name":"c","namespace":"n"},"v":1})"));
  auto then = s.list(pods, "n", ListQuery{rv, "", 0, 0});
  ASSERT_TRUE(then.has_value());
  ASSERT_EQ(then->items.size(), 2u);
  EXPECT_EQ(json::parse(then->items[0]->json)["v"], 1);
  EXPECT_EQ(then->items[1]->name, "b");
  auto now = s.list(pods, "", ListQuery{0, "", 1, 0});
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ(now->items[0]->name, "a");
  EXPECT_EQ(now->remaining, 1u);
  EXPECT_EQ(now->next_start, std::string("n/a\0", 4));
}

}  // namespace
}  // namespace copycat::testing::fakeapi
