// Streaming request and response bodies, and the GET -> BoundedPipe -> PUT relay the registry
// copy engine uses.
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "http/bounded_pipe.h"
#include "http/client_test_util.h"
#include "http/curl_http_client.h"

namespace copycat::http {
namespace {

using testing::TestHttpServer;

std::string pseudoRandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) {
    c = static_cast<char>(rng() & 0xff);
  }
  return out;
}

// Serves `blob` with a Content-Length, in 64 KiB pieces.
void serveBlob(httplib::Response& res, const std::string& blob) {
  res.set_content_provider(blob.size(), "application/octet-stream",
                           [&blob](size_t offset, size_t length, httplib::DataSink& sink) {
                             size_t n = std::min<size_t>(length, 64 * 1024);
                             return sink.write(blob.data() + offset, n);
                           });
}

// A body source handing out `data` in pieces of varying size.
BodySource sourceFor(const std::string& data) {
  auto offset = std::make_shared<size_t>(0);
  auto rng = std::make_shared<std::mt19937>(5);
  return [&data, offset, rng](char* buf, size_t max) -> Result<size_t> {
    size_t n = std::min({max, data.size() - *offset, static_cast<size_t>(1 + (*rng)() % 50000)});
    std::memcpy(buf, data.data() + *offset, n);
    *offset += n;
    return n;
  };
}

class CurlStreamingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.get("/blob",
                [this](const httplib::Request&, httplib::Response& res) { serveBlob(res, blob_); });
    server_.get("/missing", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("{\"errors\":[{\"code\":\"BLOB_UNKNOWN\"}]}", "application/json");
    });
    server_.put("/upload", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 201;
      res.set_header("Docker-Content-Length", std::to_string(req.body.size()));
    });
    ASSERT_STARTED(server_);
    client_ = makeClient();
    ASSERT_NE(client_, nullptr);
  }
  void TearDown() override { client_.reset(); }

  const std::string blob_ = pseudoRandomBytes(3 * 1024 * 1024 + 17, 1);
  TestHttpServer server_;
  std::unique_ptr<CurlHttpClient> client_;
};

TEST_F(CurlStreamingTest, SinkReceivesLargeBodyWithoutBuffering) {
  std::string received;
  size_t calls = 0;
  Request r = get(server_.url("/blob"));
  r.max_body_bytes = 1024;  // applies to buffered bodies only
  r.body_sink = [&](std::string_view chunk) {
    received.append(chunk);
    ++calls;
    return ok();
  };
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->body.empty());
  EXPECT_GT(calls, 1u);
  EXPECT_TRUE(received == blob_);
}

TEST_F(CurlStreamingTest, ErrorStatusBodyIsBufferedNotSunk) {
  bool sink_called = false;
  Request r = get(server_.url("/missing"));
  r.body_sink = [&](std::string_view) {
    sink_called = true;
    return ok();
  };
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 404);
  EXPECT_FALSE(sink_called);
  EXPECT_EQ(res->body, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\"}]}");
}

TEST_F(CurlStreamingTest, SinkErrorAbortsTheTransferWithThatError) {
  Request r = get(server_.url("/blob"));
  r.body_sink = [](std::string_view) -> Status {
    return fail(ErrorCode::kDigestMismatch, "digest mismatch");
  };
  auto res = client_->send(r);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kDigestMismatch);
  EXPECT_NE(res.error().message.find("digest mismatch"), std::string::npos);
}

TEST_F(CurlStreamingTest, StreamedUploadWithKnownLengthUsesContentLength) {
  Request r = get(server_.url("/upload"));
  r.method = "PUT";
  r.body_source = sourceFor(blob_);
  r.content_length = static_cast<int64_t>(blob_.size());
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 201);
  auto seen = server_.requests().at(0);
  EXPECT_EQ(seen.header("Content-Length"), std::to_string(blob_.size()));
  EXPECT_FALSE(seen.hasHeader("Transfer-Encoding"));
  EXPECT_TRUE(seen.body == blob_);
}

TEST_F(CurlStreamingTest, StreamedUploadWithUnknownLengthIsChunked) {
  Request r = get(server_.url("/upload"));
  r.method = "PUT";
  r.body_source = sourceFor(blob_);
  auto res = client_->send(r);
  ASSERT_TRUE(res) << res.error().message;
  auto seen = server_.requests().at(0);
  EXPECT_EQ(seen.header("Transfer-Encoding"), "chunked");
  EXPECT_FALSE(seen.hasHeader("Content-Length"));
  EXPECT_TRUE(seen.body == blob_);
}

TEST_F(CurlStreamingTest, SourceErrorAbortsTheUploadWithThatError) {
  Request r = get(server_.url("/upload"));
  r.method = "PUT";
  r.content_length = 1000;
  int calls = 0;
  r.body_source = [&](char* buf, size_t max) -> Result<size_t> {
    if (calls++ > 0) {
      return fail(ErrorCode::kUnavailable, "source registry went away");
    }
    std::memset(buf, 'x', std::min<size_t>(max, 10));
    return std::min<size_t>(max, 10);
  };
  auto res = client_->send(r);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(res.error().message.find("source registry went away"), std::string::npos);
}

TEST_F(CurlStreamingTest, SourceShorterThanDeclaredLengthIsAnError) {
  Request r = get(server_.url("/upload"));
  r.method = "PUT";
  const std::string data = "only ten b";
  r.body_source = sourceFor(data);
  r.content_length = 100;
  auto res = client_->send(r);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kInternal);
}

TEST_F(CurlStreamingTest, RelaysGetIntoPutThroughBoundedPipe) {
  BoundedPipe pipe(256 * 1024);
  Result<Response> download = fail(ErrorCode::kInternal, "not run");
  std::jthread producer([&] {
    Request r = get(server_.url("/blob"));
    r.body_sink = pipe.sink();
    download = client_->send(r);
    if (download && download->isSuccess()) {
      pipe.close();
    } else {
      pipe.abort(download ? Error{ErrorCode::kNotFound, "source blob missing"} : download.error());
    }
  });
  Request put = get(server_.url("/upload"));
  put.method = "PUT";
  put.body_source = pipe.source();
  put.content_length = static_cast<int64_t>(blob_.size());
  auto upload = client_->send(put);
  if (!upload) {
    pipe.abort(upload.error());
  }
  producer.join();
  ASSERT_TRUE(download) << download.error().message;
  ASSERT_TRUE(upload) << upload.error().message;
  EXPECT_EQ(upload->status, 201);
  EXPECT_EQ(upload->headers.get("Docker-Content-Length"), std::to_string(blob_.size()));
  std::string received;
  for (const auto& req : server_.requests()) {
    if (req.method == "PUT") {
      received = req.body;
      EXPECT_EQ(req.header("Content-Length"), std::to_string(blob_.size()));
    }
  }
  EXPECT_TRUE(received == blob_);
}

TEST_F(CurlStreamingTest, RelayFailsUploadWhenDownloadFails) {
  BoundedPipe pipe(64 * 1024);
  std::jthread producer([&] {
    Request r = get(server_.url("/missing"));
    r.body_sink = pipe.sink();
    auto res = client_->send(r);
    pipe.abort(res && !res->isSuccess() ? Error{ErrorCode::kNotFound, "source blob missing"}
                                        : Error{ErrorCode::kInternal, "unexpected"});
  });
  Request put = get(server_.url("/upload"));
  put.method = "PUT";
  put.body_source = pipe.source();
  put.content_length = 4096;
  auto upload = client_->send(put);
  producer.join();
  ASSERT_FALSE(upload);
  EXPECT_EQ(upload.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace copycat::http
