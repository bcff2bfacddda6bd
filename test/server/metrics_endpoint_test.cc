#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "server/http_server.h"
#include "server/metrics_handler.h"
#include "server_test_util.h"

namespace copycat::server {
namespace {

using testing::clientFor;

// Checks every line against the text exposition format 0.0.4: HELP/TYPE comments, samples
// "name{labels} value", blank lines. Returns the offending line, or "" when all parse.
std::string firstInvalidLine(const std::string& text) {
  static const std::regex kHelp(R"(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*)");
  static const std::regex kType(
      R"(# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped))");
  static const std::regex kSample(
      R"([a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? )"
      R"(([-+]?[0-9.eE+-]+|[-+]?Inf|NaN)( -?[0-9]+)?)");
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || std::regex_match(line, kHelp) || std::regex_match(line, kType) ||
        std::regex_match(line, kSample)) {
      continue;
    }
    return line;
  }
  return "";
}

class MetricsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& mirrors = prometheus::BuildCounter()
                        .Name("copycat_test_mirror_total")
                        .Help("Mirror attempts by result.")
                        .Register(*registry_);
    mirrors.Add({{"result", "success"}}).Increment(3);
    mirrors.Add({{"result", "error"}}).Increment();
    prometheus::BuildGauge()
        .Name("copycat_test_queue_depth")
        .Help("Items waiting.")
        .Register(*registry_)
        .Add({})
        .Set(7);
    handler_.add(registry_);
    handler_.registerRoutes(server_);
    ASSERT_TRUE(server_.start("127.0.0.1:0"));
  }

  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  MetricsHandler handler_;
  HttpServer server_;
};

TEST_F(MetricsEndpointTest, ServesTheRegistryInTextFormat) {
  auto res = clientFor(server_.port())->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& body = res->body;
  EXPECT_NE(body.find("# HELP copycat_test_mirror_total Mirror attempts by result.\n"
                      "# TYPE copycat_test_mirror_total counter\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("copycat_test_mirror_total{result=\"success\"} 3\n"), std::string::npos);
  EXPECT_NE(body.find("copycat_test_mirror_total{result=\"error\"} 1\n"), std::string::npos);
  EXPECT_NE(body.find("# TYPE copycat_test_queue_depth gauge\ncopycat_test_queue_depth 7\n"),
            std::string::npos);
  EXPECT_EQ(firstInvalidLine(body), "");
}

TEST_F(MetricsEndpointTest, ReflectsUpdatesAndLateRegistries) {
  auto late = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter().Name("copycat_test_late_total").Help("Late.").Register(*late).Add({});
  handler_.add(late);
  auto res = clientFor(server_.port())->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_NE(res->body.find("copycat_test_late_total 0\n"), std::string::npos);
  EXPECT_NE(res->body.find("copycat_test_queue_depth 7\n"), std::string::npos);
}

TEST_F(MetricsEndpointTest, HeadHasHeadersOnly) {
  auto res = clientFor(server_.port())->Head("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->body.empty());
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
}

TEST_F(MetricsEndpointTest, OtherMethodsAre405) {
  auto client = clientFor(server_.port());
  auto post = client->Post("/metrics", "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");
  auto del = client->Delete("/metrics");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
}

TEST_F(MetricsEndpointTest, GzipIsNegotiated) {
  auto client = clientFor(server_.port());
  client->set_decompress(false);
  auto res = client->Get("/metrics", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip");
}

TEST(MetricsHandlerTest, EmptyRegistryRendersNothing) {
  MetricsHandler handler({std::make_shared<prometheus::Registry>()});
  EXPECT_EQ(handler.render(), "");
}

TEST(MetricsHandlerTest, FormatCheckerRejectsGarbage) {
  EXPECT_EQ(firstInvalidLine("not a metric line\n"), "not a metric line");
  EXPECT_EQ(firstInvalidLine("# TYPE x counter\nx 1\n"), "");
}

}  // namespace
}  // namespace copycat::server
