// Transport failures: refused connections, timeouts, cancellation, and their classification.
#include <thread>

#include <gtest/gtest.h>

#include "http/client_test_util.h"
#include "http/curl_error.h"
#include "http/curl_http_client.h"

namespace copycat::http {
namespace {

using namespace std::chrono_literals;
using testing::TestHttpServer;

// Keeps a response open after its first `first_chunk_bytes` until the gate opens.
void serveStalled(httplib::Response& res, Gate& gate, size_t first_chunk_bytes) {
  res.set_chunked_content_provider("application/octet-stream",
                                   [&gate, first_chunk_bytes](size_t, httplib::DataSink& sink) {
                                     std::string chunk(first_chunk_bytes, 'x');
                                     if (!sink.write(chunk.data(), chunk.size())) {
                                       return false;
                                     }
                                     gate.waitOpen(30s);
                                     sink.done();
                                     return true;
                                   });
}

class CurlErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.get("/stall", [this](const httplib::Request&, httplib::Response& res) {
      serveStalled(res, gate_, 64 * 1024);
    });
    server_.get("/ok", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok", "text/plain");
    });
    ASSERT_STARTED(server_);
    client_ = makeClient();
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override {
    client_.reset();
    gate_.open();  // release stalled handlers so the server can stop
  }

  Gate gate_;
  TestHttpServer server_;
  std::unique_ptr<CurlHttpClient> client_;
};

TEST_F(CurlErrorsTest, ConnectionRefusedIsRetryableUnavailable) {
  int port = unusedLocalPort();
  ASSERT_GT(port, 0);
  auto res = client_->send(get("http://127.0.0.1:" + std::to_string(port) + "/v2/"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(res.error().isRetryable());
  EXPECT_NE(res.error().message.find("couldn't connect"), std::string::npos) << res.error().message;
}

TEST_F(CurlErrorsTest, CancellationInterruptsAStalledDownload) {
  std::stop_source stop;
  Gate first_chunk;
  Request r = get(server_.url("/stall"));
  r.stop = stop.get_token();
  size_t received = 0;
  r.body_sink = [&](std::string_view chunk) {
    received += chunk.size();
    first_chunk.open();
    return ok();
  };
  Result<Response> res = fail(ErrorCode::kInternal, "not run");
  std::jthread caller([&] { res = client_->send(r); });
  ASSERT_TRUE(first_chunk.waitOpen(10s));
  // The server now holds the response open for 30 s; only cancellation ends it sooner.
  stop.request_stop();
  caller.join();
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kCancelled);
  EXPECT_GT(received, 0u);
  // The handle stays usable after a cancelled transfer.
  auto after = client_->send(get(server_.url("/ok")));
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->body, "ok");
}

TEST_F(CurlErrorsTest, StopRequestedBeforeSendNeverContactsTheServer) {
  std::stop_source stop;
  stop.request_stop();
  Request r = get(server_.url("/ok"));
  r.stop = stop.get_token();
  auto res = client_->send(r);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(server_.requestCount(), 0u);
}

TEST_F(CurlErrorsTest, RequestTimeoutIsRetryableDeadlineExceeded) {
  Request r = get(server_.url("/stall"));
  r.timeout = 300ms;
  auto res = client_->send(r);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_TRUE(res.error().isRetryable());
}

TEST(CurlErrorTest, ClassifiesCurlCodes) {
  const struct {
    CURLcode code;
    ErrorCode want;
    bool retryable;
  } cases[] = {
      {CURLE_COULDNT_CONNECT, ErrorCode::kUnavailable, true},
      {CURLE_COULDNT_RESOLVE_HOST, ErrorCode::kUnavailable, true},
      {CURLE_RECV_ERROR, ErrorCode::kUnavailable, true},
      {CURLE_SEND_ERROR, ErrorCode::kUnavailable, true},
      {CURLE_GOT_NOTHING, ErrorCode::kUnavailable, true},
      {CURLE_PARTIAL_FILE, ErrorCode::kUnavailable, true},
      {CURLE_SSL_CONNECT_ERROR, ErrorCode::kUnavailable, true},
      {CURLE_HTTP2_STREAM, ErrorCode::kUnavailable, true},
      {CURLE_OPERATION_TIMEDOUT, ErrorCode::kDeadlineExceeded, true},
      {CURLE_PEER_FAILED_VERIFICATION, ErrorCode::kPermissionDenied, false},
      {CURLE_SSL_CACERT_BADFILE, ErrorCode::kPermissionDenied, false},
      {CURLE_SSL_CERTPROBLEM, ErrorCode::kPermissionDenied, false},
      {CURLE_URL_MALFORMAT, ErrorCode::kInvalidArgument, false},
      {CURLE_UNSUPPORTED_PROTOCOL, ErrorCode::kInvalidArgument, false},
      {CURLE_WEIRD_SERVER_REPLY, ErrorCode::kProtocol, false},
      {CURLE_ABORTED_BY_CALLBACK, ErrorCode::kCancelled, false},
      {CURLE_OUT_OF_MEMORY, ErrorCode::kInternal, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(curl_easy_strerror(c.code));
    Error e = curlError(c.code, "GET https://r.example/v2/", "r.example", "detail text");
    EXPECT_EQ(e.code, c.want);
    EXPECT_EQ(e.isRetryable(), c.retryable);
    EXPECT_TRUE(e.message.starts_with("GET https://r.example/v2/: ")) << e.message;
    EXPECT_TRUE(e.message.ends_with(": detail text")) << e.message;
  }
  EXPECT_EQ(curlError(CURLE_PEER_FAILED_VERIFICATION, "GET x", "r.example", "").message,
            "GET x: TLS certificate verification failed for host r.example");
}

}  // namespace
}  // namespace copycat::http
