// ListPageParser and WatchStreamDecoder: bodies split at every byte, odd but valid JSON,
// malformed input, size bounds.
#include <gtest/gtest.h>

#include "kube/kube_objects.h"
#include "kube/list_page_parser.h"
#include "kube/watch_stream.h"

namespace copycat::kube {
namespace {

using testing::podJson;
using testing::PodSpec;
using workload::WorkloadSummary;

std::string listBody(const std::vector<std::string>& items, const std::string& rv = "42",
                     const std::string& cont = "") {
  std::string body =
      R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":")" + rv + "\"";
  if (!cont.empty()) body += R"(,"continue":")" + cont + R"(","remainingItemCount":7)";
  body += R"(},"items":[)";
  for (size_t i = 0; i < items.size(); ++i) {
    body += (i ? "," : "") + items[i];
  }
  return body + "]}";
}

struct Parsed {
  std::vector<WorkloadSummary> items;
  Result<ListMetadata> metadata = ListMetadata{};
};

// Feeds `body` in pieces of `piece` bytes.
Parsed parseList(const std::string& body, size_t piece) {
  Parsed out;
  ListPageParser parser("Pod", [&](WorkloadSummary&& item) {
    out.items.push_back(std::move(item));
    return ok();
  });
  for (size_t at = 0; at < body.size(); at += piece) {
    Status status = parser.feed(std::string_view(body).substr(at, piece));
    if (!status) {
      out.metadata = fail(status.error());
      return out;
    }
  }
  out.metadata = parser.finish();
  return out;
}

TEST(ListPageParserTest, ItemsAndMetadataWhateverTheChunking) {
  const std::string body =
      listBody({podJson({.ns = "a", .name = "p1", .images = {"nginx:1", "redis:7"}}),
                podJson({.ns = "b", .name = "p\\\"}]{[2", .images = {"busybox"}})},
               "1234", "tok/en=");
  for (size_t piece : {body.size(), size_t{1}, size_t{2}, size_t{7}, size_t{64}}) {
    Parsed parsed = parseList(body, piece);
    ASSERT_TRUE(parsed.metadata) << piece << ": " << parsed.metadata.error().message;
    ASSERT_EQ(parsed.items.size(), 2u) << piece;
    EXPECT_EQ(parsed.items[0].kind, workload::Kind::kPod);
    EXPECT_EQ(parsed.items[0].name, "p1");
    ASSERT_EQ(parsed.items[0].images.size(), 2u);
    EXPECT_EQ(parsed.items[0].images[1].image, "redis:7");
    EXPECT_EQ(parsed.items[1].name, "p\\\"}]{[2");  // a backslash and a quote, unescaped
    EXPECT_EQ(parsed.metadata->resource_version, "1234");
    EXPECT_EQ(parsed.metadata->continue_token, "tok/en=");
    EXPECT_EQ(parsed.metadata->remaining_item_count, 7);
  }
}

TEST(ListPageParserTest, EverySplitPointOfASmallBody) {
  const std::string body = " {\"items\" : [ " + podJson({.name = "x"}) +
                           " ] , \"metadata\":{\"resourceVersion\":\"9\"}}\n";
  for (size_t split = 0; split <= body.size(); ++split) {
    ListPageParser parser("Pod", [](WorkloadSummary&&) { return ok(); });
    ASSERT_TRUE(parser.feed(body.substr(0, split))) << split;
    ASSERT_TRUE(parser.feed(body.substr(split))) << split;
    auto metadata = parser.finish();
    ASSERT_TRUE(metadata) << split;
    EXPECT_EQ(metadata->resource_version, "9");  // metadata after items is fine too
    EXPECT_EQ(parser.itemCount(), 1u);
  }
}

TEST(ListPageParserTest, EscapesAndBracketsInStringsAtEveryAlignment) {
  std::vector<std::string> items;
  std::vector<std::string> names;
  for (int filler = 0; filler < 20; ++filler) {
    // Quotes, backslashes and brackets land at every offset of an 8-byte word.
    std::string name = std::string(static_cast<size_t>(filler), 'x') + "\\\"{[" +
                       std::string(static_cast<size_t>(filler % 9), '\\') + "]}\"";
    names.push_back(name);
    items.push_back(podJson({.ns = "ns", .name = name, .images = {"img:" + name}}));
  }
  const std::string body = listBody(items);
  for (size_t piece = 1; piece <= 17; ++piece) {
    Parsed parsed = parseList(body, piece);
    ASSERT_TRUE(parsed.metadata) << piece << ": " << parsed.metadata.error().message;
    ASSERT_EQ(parsed.items.size(), names.size()) << piece;
    for (size_t i = 0; i < names.size(); ++i) {
      EXPECT_EQ(parsed.items[i].name, names[i]) << piece;
      EXPECT_EQ(parsed.items[i].images[0].image, "img:" + names[i]) << piece;
    }
  }
}

TEST(ListPageParserTest, EmptyAndNullItemsAndUnknownFields) {
  for (const std::string& body :
       {std::string(R"({"metadata":{"resourceVersion":"1"},"items":[]})"),
        std::string(R"({"metadata":{"resourceVersion":"1"},"items":null})"),
        std::string(R"({"kind":"PodList","x":{"items":[{"a":1}]},"y":[["items"]],)"
                    R"("metadata":{"resourceVersion":"1","selfLink":"/x"}})")}) {
    Parsed parsed = parseList(body, 3);
    ASSERT_TRUE(parsed.metadata) << body;
    EXPECT_TRUE(parsed.items.empty()) << body;
    EXPECT_EQ(parsed.metadata->resource_version, "1");
    EXPECT_EQ(parsed.metadata->remaining_item_count, -1);
  }
}

TEST(ListPageParserTest, MalformedBodiesAreProtocolErrors) {
  for (const std::string& body :
       {std::string("[]"), std::string(R"({"items":[1]})"),
        std::string(R"({"items":[{"metadata":{"name":"a"}})"), std::string(R"({"items":[]}})"),
        std::string(R"({"items":[}])"), std::string(R"({"items":[]} {})"), std::string("")}) {
    Parsed parsed = parseList(body, 2);
    ASSERT_FALSE(parsed.metadata) << body;
    EXPECT_EQ(parsed.metadata.error().code, ErrorCode::kProtocol) << body;
  }
}

TEST(ListPageParserTest, InvalidItemIsAnError) {
  Parsed parsed = parseList(R"({"items":[{"metadata":}]})", 3);
  EXPECT_FALSE(parsed.metadata);
}

TEST(ListPageParserTest, ItemOfTheWrongShapeNamesTheField) {
  Parsed parsed =
      parseList(R"({"items":[{"spec":{"containers":[{"name":"c","image":{}}]}}]})", 100);
  ASSERT_FALSE(parsed.metadata);
  EXPECT_NE(parsed.metadata.error().message.find("spec.containers[0].image"), std::string::npos)
      << parsed.metadata.error().message;
}

TEST(ListPageParserTest, OversizedItemIsRejected) {
  ListPageParser parser(
      "Pod", [](WorkloadSummary&&) { return ok(); }, 100);
  std::string body = R"({"items":[{"metadata":{"name":")" + std::string(200, 'a') + R"("}}]})";
  Status status = parser.feed(body.substr(0, 50));
  if (status) status = parser.feed(body.substr(50));
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("exceeds 100 bytes"), std::string::npos);
}

TEST(ListPageParserTest, HandlerErrorStopsParsingAndResetAllowsReuse) {
  int seen = 0;
  ListPageParser parser("Pod", [&](WorkloadSummary&&) -> Status {
    if (++seen == 2) return fail(ErrorCode::kCancelled, "enough");
    return ok();
  });
  const std::string body =
      listBody({podJson({.name = "a"}), podJson({.name = "b"}), podJson({.name = "c"})});
  Status status = parser.feed(body);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kCancelled);
  parser.reset();
  seen = -10;
  ASSERT_TRUE(parser.feed(body));
  EXPECT_TRUE(parser.finish());
  EXPECT_EQ(parser.itemCount(), 3u);
}

std::string eventLine(const std::string& type, const std::string& object) {
  return R"({"type":")" + type + R"(","object":)" + object + "}\n";
}

TEST(WatchStreamDecoderTest, EventsSplitAnywhereAreDecodedInOrder) {
  std::string pod = podJson({.ns = "n", .name = "p", .images = {"nginx"}});
  pod.insert(pod.size() - 1, R"(,"kind":"Pod","apiVersion":"v1")");
  const std::string stream =
      eventLine("ADDED", pod) + eventLine("MODIFIED", pod) + "\n" + eventLine("DELETED", pod) +
      eventLine("BOOKMARK",
                R"({"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"77"}})") +
      eventLine("ERROR", R"j({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)j"
                         R"j("message":"too old resource version: 1 (5)","reason":"Expired",)j"
                         R"j("code":410})j");
  for (size_t piece : {stream.size(), size_t{1}, size_t{3}, size_t{50}}) {
    std::vector<WatchEvent> events;
    WatchStreamDecoder decoder("Pod", [&](WatchEvent& e) {
      events.push_back(e);
      return ok();
    });
    for (size_t at = 0; at < stream.size(); at += piece) {
      ASSERT_TRUE(decoder.feed(std::string_view(stream).substr(at, piece)));
    }
    ASSERT_TRUE(decoder.finish());
    ASSERT_EQ(events.size(), 5u) << piece;
    EXPECT_EQ(events[0].type, WatchEventType::kAdded);
    EXPECT_EQ(events[0].object.name, "p");
    EXPECT_EQ(events[1].type, WatchEventType::kModified);
    EXPECT_EQ(events[2].type, WatchEventType::kDeleted);
    EXPECT_EQ(events[3].type, WatchEventType::kBookmark);
    EXPECT_EQ(events[3].object.resource_version, "77");
    EXPECT_EQ(events[4].type, WatchEventType::kError);
    EXPECT_EQ(events[4].error.http_status, 410);
    EXPECT_EQ(events[4].error.remote_code, "Expired");
    EXPECT_NE(events[4].error.message.find("too old resource version"), std::string::npos);
  }
}

TEST(WatchStreamDecoderTest, ObjectBeforeTypeAndALastLineWithoutNewline) {
  std::vector<WatchEvent> events;
  WatchStreamDecoder decoder("Pod", [&](WatchEvent& e) {
    events.push_back(e);
    return ok();
  });
  ASSERT_TRUE(decoder.feed(R"({"object":{"metadata":{"name":"a","resourceVersion":"3"}},)"
                           R"("type":"ADDED"})"
                           "\r"));
  ASSERT_TRUE(decoder.finish());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].object.kind, workload::Kind::kPod);  // default kind
  EXPECT_EQ(events[0].object.resource_version, "3");
}

TEST(WatchStreamDecoderTest, BadEventsAreProtocolErrors) {
  for (const std::string& line :
       {std::string(R"({"type":"SOMETHING","object":{}})"), std::string(R"({"type":"ADDED"})"),
        std::string(R"({"object":{}})"), std::string("not json"), std::string("[1]"),
        std::string(R"({"type":"ERROR","object":"x"})")}) {
    WatchStreamDecoder decoder("Pod", [](WatchEvent&) { return ok(); });
    Status status = decoder.feed(line + "\n");
    ASSERT_FALSE(status) << line;
    EXPECT_EQ(status.error().code, ErrorCode::kProtocol) << line;
  }
}

TEST(WatchStreamDecoderTest, OversizedEventIsRejected) {
  WatchStreamDecoder decoder(
      "Pod", [](WatchEvent&) { return ok(); }, 64);
  Status status = decoder.feed(std::string(40, ' '));
  ASSERT_TRUE(status);
  status = decoder.feed(std::string(40, ' '));
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("exceeds 64 bytes"), std::string::npos);
}

TEST(WatchStreamDecoderTest, ErrorEventWithoutAStatusIsStillAnError) {
  std::vector<WatchEvent> events;
  WatchStreamDecoder decoder("Pod", [&](WatchEvent& e) {
    events.push_back(e);
    return ok();
  });
  ASSERT_TRUE(decoder.feed(R"({"type":"ERROR","object":{"code":500}})"
                           "\n"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].error.http_status, 500);
  EXPECT_EQ(events[0].error.code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace copycat::kube
