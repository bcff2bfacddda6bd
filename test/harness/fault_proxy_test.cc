// FaultProxy in front of a real registry: pass-through and each fault, seen by plain clients.
#include "support/fault_proxy.h"

#include <cerrno>
#include <chrono>
#include <fstream>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/crypto.h"
#include "support/harness_process.h"
#include "support/image_fixture.h"
#include "support/image_fixture_client.h"
#include "support/registry_harness.h"

namespace copycat::testing {
namespace {

struct RawResult {
  std::string data;  // everything received: head and body
  bool reset = false;
};

// Sends `request` on a fresh connection and reads until EOF or a reset.
RawResult rawExchange(int port, const std::string& request) {
  RawResult out;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    close(fd);
    return out;
  }
  char buf[65536];
  while (true) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n > 0) {
      out.data.append(buf, static_cast<size_t>(n));
      continue;
    }
    out.reset = n < 0 && errno == ECONNRESET;
    break;
  }
  close(fd);
  return out;
}

class FaultProxyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto registry = RegistryProcess::start(RegistryProcess::anonymous());
    ASSERT_TRUE(registry) << registry.error().describe();
    registry_ = registry->release();
    auto fixture = ImageFixture::create(5);
    ASSERT_TRUE(fixture);
    fixture_ = fixture->release();
    auto image = fixture_->addImage(
        "v1", ImageSpec{ImageFormat::kOci, "linux", "amd64", "", {LayerSpec{256 * 1024, 0}}});
    ASSERT_TRUE(image);
    image_ = new FixtureImage(*image);
    ASSERT_TRUE(RegistryHttpClient(RegistryEndpoint::of(*registry_)).push(*image_, "app", "v1"));
  }
  static void TearDownTestSuite() {
    delete image_;
    delete fixture_;
    delete registry_;
  }
  void SetUp() override {
    ASSERT_NE(registry_, nullptr);
    auto proxy = FaultProxy::start({registry_->port()});
    ASSERT_TRUE(proxy) << proxy.error().describe();
    proxy_ = std::move(*proxy);
  }

  static const FixtureBlob& layer() { return image_->blobs[1]; }
  static std::string blobPath() { return "/v2/app/blobs/" + layer().digest; }

  static RegistryProcess* registry_;
  static ImageFixture* fixture_;
  static FixtureImage* image_;
  std::unique_ptr<FaultProxy> proxy_;
};

RegistryProcess* FaultProxyTest::registry_ = nullptr;
ImageFixture* FaultProxyTest::fixture_ = nullptr;
FixtureImage* FaultProxyTest::image_ = nullptr;

TEST_F(FaultProxyTest, PassesThroughAndCountsOnOneConnection) {
  registry_->clearAccessLog();
  httplib::Client client(proxy_->baseUrl());
  client.set_keep_alive(true);
  auto ping = client.Get("/v2/");
  auto blob = client.Get(blobPath());
  auto head = client.Head(blobPath());
  ASSERT_TRUE(ping && blob && head);
  EXPECT_EQ(ping->status, 200);
  EXPECT_EQ(blob->status, 200);
  EXPECT_EQ("sha256:" + crypto::sha256Hex(blob->body), layer().digest);
  EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(layer().size));
  EXPECT_EQ(proxy_->requestCount(), 3U);
  EXPECT_EQ(proxy_->countRequests("GET", "/blobs/"), 1U);
  EXPECT_EQ(proxy_->connectionCount(), 1U);
  auto records = proxy_->requests();
  EXPECT_EQ(records[1].status, 200);
  EXPECT_EQ(records[1].response_body_bytes, layer().size);
  EXPECT_EQ(records[1].fault, "");
  EXPECT_EQ(registry_->countRequests("", ".*"), 3U);  // everything reached the registry
}

TEST_F(FaultProxyTest, TooManyRequestsWithRetryAfterOnce) {
  int id = proxy_->addRule({"GET", "/manifests/", 0, 1, Fault::tooManyRequests(7)});
  httplib::Client client(proxy_->baseUrl());
  httplib::Headers accept{{"Accept", fixture_media::kOciManifest}};
  auto first = client.Get("/v2/app/manifests/v1", accept);
  auto second = client.Get("/v2/app/manifests/v1", accept);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 429);
  EXPECT_EQ(first->get_header_value("Retry-After"), "7");
  EXPECT_NE(first->body.find("TOOMANYREQUESTS"), std::string::npos);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(proxy_->timesFired(id), 1);
  EXPECT_EQ(proxy_->requests()[0].fault, "respond-429");
}

TEST_F(FaultProxyTest, ServerErrorsNTimesThenPassThrough) {
  registry_->clearAccessLog();
  int id = proxy_->addRule({"HEAD", "/blobs/", 0, 2, Fault::serverError(503)});
  proxy_->addRule({"GET", "^/v2/$", 1, -1, Fault::serverError(502)});
  httplib::Client client(proxy_->baseUrl());
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    auto res = client.Head(blobPath());
    ASSERT_TRUE(res);
    statuses.push_back(res->status);
  }
  EXPECT_EQ(statuses, (std::vector<int>{503, 503, 200}));
  EXPECT_EQ(proxy_->timesFired(id), 2);
  EXPECT_EQ(registry_->countRequests("HEAD", "/blobs/"), 1U);  // faults never reach upstream
  EXPECT_EQ(client.Get("/v2/")->status, 200);                  // skip 1
  EXPECT_EQ(client.Get("/v2/")->status, 502);
  EXPECT_EQ(client.Get("/v2/")->status, 502);  // times -1: every later one
}

TEST_F(FaultProxyTest, ResetsTheConnectionMidBody) {
  proxy_->addRule({"GET", "/blobs/", 0, 1, Fault::resetAfterBodyBytes(1000)});
  RawResult raw = rawExchange(proxy_->port(), "GET " + blobPath() + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(raw.reset);
  size_t head_end = raw.data.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  EXPECT_EQ(raw.data.rfind("HTTP/1.1 200", 0), 0U);
  EXPECT_NE(raw.data.find("Content-Length: " + std::to_string(layer().size)), std::string::npos);
  EXPECT_EQ(raw.data.size() - head_end - 4, 1000U);
  EXPECT_EQ(proxy_->requests()[0].response_body_bytes, 1000U);

  httplib::Client client(proxy_->baseUrl());  // the rule fired once: the next GET is whole
  auto res = client.Get(blobPath());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body.size(), layer().size);
}

TEST_F(FaultProxyTest, CorruptsOneBodyByte) {
  proxy_->addRule({"GET", "/blobs/", 0, 1, Fault::corruptBody(100'000)});
  httplib::Client client(proxy_->baseUrl());
  auto bad = client.Get(blobPath());
  auto good = client.Get(blobPath());
  ASSERT_TRUE(bad && good);
  EXPECT_EQ(bad->status, 200);
  ASSERT_EQ(bad->body.size(), good->body.size());
  EXPECT_NE("sha256:" + crypto::sha256Hex(bad->body), layer().digest);
  EXPECT_EQ("sha256:" + crypto::sha256Hex(good->body), layer().digest);
  size_t differing = 0;
  for (size_t i = 0; i < bad->body.size(); ++i) {
    differing += bad->body[i] != good->body[i] ? 1 : 0;
  }
  EXPECT_EQ(differing, 1U);
  EXPECT_EQ(bad->body[100'000], static_cast<char>(good->body[100'000] ^ 0xFF));
}

TEST_F(FaultProxyTest, RedirectsToAnotherOriginThatRecordsHeaders) {
  proxy_->addRule({"GET", "/blobs/", 0, -1, Fault::redirect()});
  httplib::Client client(proxy_->baseUrl());
  auto res = client.Get(blobPath(), {{"Authorization", "Bearer secret-token"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 307);
  std::string location = res->get_header_value("Location");
  EXPECT_EQ(location.rfind(proxy_->redirectBaseUrl() + "/", 0), 0U);
  EXPECT_EQ(location.rfind("http://localhost:", 0), 0U);

  // A well-behaved client follows without the credentials; the target still serves the blob.
  size_t path_at = location.find('/', 7);
  httplib::Client target(location.substr(0, path_at));
  auto blob = target.Get(location.substr(path_at));
  ASSERT_TRUE(blob);
  EXPECT_EQ(blob->status, 200);
  EXPECT_EQ("sha256:" + crypto::sha256Hex(blob->body), layer().digest);
  auto seen = proxy_->redirectRequests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_FALSE(seen[0].hasHeader("Authorization"));
  EXPECT_EQ(seen[0].status, 200);
  EXPECT_EQ(seen[0].response_body_bytes, layer().size);

  // A leaking client is caught.
  target.Get(location.substr(path_at), {{"Authorization", "Bearer secret-token"}});
  ASSERT_EQ(proxy_->redirectRequests().size(), 2U);
  EXPECT_EQ(proxy_->redirectRequests()[1].header("Authorization"), "Bearer secret-token");
  EXPECT_EQ(target.Get("/_redirect/999")->status, 404);
}

TEST_F(FaultProxyTest, RedirectHostCanBeAnotherLoopbackAddress) {
  auto proxy = FaultProxy::start({registry_->port(), "127.0.0.1", "127.0.0.2"});
  ASSERT_TRUE(proxy) << proxy.error().describe();
  (*proxy)->addRule({"GET", "/blobs/", 0, 1, Fault::redirect()});
  httplib::Client client((*proxy)->baseUrl());
  client.set_follow_location(true);
  auto blob = client.Get(blobPath());
  ASSERT_TRUE(blob);
  EXPECT_EQ(blob->status, 200);
  EXPECT_EQ(blob->body.size(), layer().size);
  EXPECT_EQ((*proxy)->redirectBaseUrl().rfind("http://127.0.0.2:", 0), 0U);
  EXPECT_EQ((*proxy)->redirectRequests().size(), 1U);
}

TEST_F(FaultProxyTest, DelaysResponses) {
  proxy_->addRule({"GET", "^/v2/$", 0, 1, Fault::delayed(std::chrono::milliseconds(300))});
  httplib::Client client(proxy_->baseUrl());
  auto start = std::chrono::steady_clock::now();
  auto res = client.Get("/v2/");
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_GE(elapsed, std::chrono::milliseconds(300));
}

TEST_F(FaultProxyTest, UnreachableUpstreamIs502) {
  auto port = pickFreePort();
  ASSERT_TRUE(port);
  auto proxy = FaultProxy::start({*port});
  ASSERT_TRUE(proxy);
  httplib::Client client((*proxy)->baseUrl());
  auto res = client.Get("/v2/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 502);
  EXPECT_FALSE(FaultProxy::start({0}));
}

// Peak resident memory of this process in KiB (VmHWM).
uint64_t peakRssKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::strtoull(line.c_str() + 6, nullptr, 10);
    }
  }
  return 0;
}

TEST_F(FaultProxyTest, StreamsLargeUploadsAndDownloads) {
  auto image = fixture_->bigLayer("big", 48);
  ASSERT_TRUE(image);
  const FixtureBlob& big = image->blobs[1];
  uint64_t peak_before = peakRssKib();
  RegistryEndpoint via_proxy{proxy_->host(), false, "", "", ""};
  RegistryHttpClient pusher(via_proxy);
  ASSERT_TRUE(pusher.push(*image, "big", "v1"));
  EXPECT_EQ(proxy_->countRequests("PUT", "/blobs/uploads/"), 2U);

  crypto::Sha256 hash;
  uint64_t received = 0;
  httplib::Client client(proxy_->baseUrl());
  auto res = client.Get("/v2/big/blobs/" + big.digest, [&](const char* data, size_t n) {
    hash.update(data, n);
    received += n;
    return true;
  });
  ASSERT_TRUE(res);
  EXPECT_EQ(received, big.size);
  EXPECT_EQ("sha256:" + hash.finishHex(), big.digest);
  // 48 MiB went up and down through the proxy (same process) without being buffered.
  EXPECT_LT(peakRssKib() - peak_before, 16U * 1024);
}

TEST_F(FaultProxyTest, ChunkedAndExpectContinueUploadsPassThrough) {
  RegistryHttpClient client(RegistryEndpoint{proxy_->host(), false, "", "", ""});
  auto start = client.send("POST", "/v2/chunked/blobs/uploads/", "chunked", true);
  ASSERT_TRUE(start);
  ASSERT_EQ(start->status, 202);
  std::string location = start->header("Location");
  ASSERT_EQ(location.rfind(proxy_->baseUrl(), 0), 0U);  // the registry saw the proxy's Host

  // curl sends a 2 MiB PUT with "Expect: 100-continue".
  std::string file = fixture_->layoutDir() + "/upload.bin";
  std::string payload(2 * 1024 * 1024 + 17, 'x');
  std::ofstream(file, std::ios::binary) << payload;
  std::string digest = "sha256:" + crypto::sha256Hex(payload);
  auto curl = runCommand({"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-T", file,
                          location + "&digest=" + digest});
  ASSERT_TRUE(curl);
  EXPECT_EQ(curl->out, "201") << curl->err;
  EXPECT_EQ(proxy_->requests().back().header("Expect"), "100-continue");

  // A chunked PATCH, then the closing PUT.
  auto next = client.send("POST", "/v2/chunked/blobs/uploads/", "chunked", true);
  ASSERT_TRUE(next);
  httplib::Client raw(proxy_->baseUrl());
  std::string target = next->header("Location").substr(proxy_->baseUrl().size());
  auto patched = raw.Patch(
      target,
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset < payload.size()) {
          sink.write(payload.data() + offset, std::min<size_t>(100'000, payload.size() - offset));
        } else {
          sink.done();
        }
        return true;
      },
      "application/octet-stream");
  ASSERT_TRUE(patched);
  ASSERT_EQ(patched->status, 202) << patched->body;
  EXPECT_EQ(proxy_->requests().back().header("Transfer-Encoding"), "chunked");
  std::string put = patched->get_header_value("Location").substr(proxy_->baseUrl().size());
  auto done = raw.Put(put + "&digest=" + digest, "", "application/octet-stream");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 201) << done->body;
}

}  // namespace
}  // namespace copycat::testing
