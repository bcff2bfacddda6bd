// Slow tests (label "integration"): the low-speed abort needs real seconds to elapse.
#include <gtest/gtest.h>

#include "http/client_test_util.h"
#include "http/curl_http_client.h"

namespace copycat::http {
namespace {

using namespace std::chrono_literals;
using testing::TestHttpServer;

TEST(CurlLowSpeedTest, StalledTransferIsAbortedAsRetryableDeadlineExceeded) {
  Gate gate;
  TestHttpServer server;
  server.get("/trickle", [&gate](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/octet-stream",
                                     [&gate](size_t, httplib::DataSink& sink) {
                                       if (!sink.write("0123456789", 10)) {
                                         return false;
                                       }
                                       gate.waitOpen(30s);
                                       sink.done();
                                       return true;
                                     });
  });
  ASSERT_STARTED(server);
  // No total timeout: only the stall detector may end this transfer before the gate opens.
  auto client = makeClient({.low_speed_limit_bytes_per_second = 1000, .low_speed_time = 1s});
  auto res = client->send(get(server.url("/trickle")));
  client.reset();
  gate.open();
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_TRUE(res.error().isRetryable());
}

}  // namespace
}  // namespace copycat::http
