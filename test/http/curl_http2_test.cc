// HTTP/2 over TLS against a server that speaks it: Debian's docker-registry (CNCF distribution,
// Go net/http negotiates h2 via ALPN). cpp-httplib only does HTTP/1.1. Label "integration".
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "http/client_test_util.h"
#include "http/curl_http_client.h"
#include "support/test_certs.h"

extern char** environ;

namespace copycat::http {
namespace {

using namespace std::chrono_literals;
using testing::TestCertificates;

constexpr const char* kRegistryBinary = "/usr/bin/docker-registry";

// Runs docker-registry with TLS on 127.0.0.1 for the lifetime of the object.
class RegistryProcess {
 public:
  RegistryProcess(const TestCertificates& certs, int port) {
    std::string config = certs.dir() + "/registry.yml";
    std::ofstream(config) << "version: 0.1\n"
                          << "log:\n  level: error\n"
                          << "storage:\n  filesystem:\n    rootdirectory: " << certs.dir()
                          << "/data\n"
                          << "http:\n  addr: 127.0.0.1:" << port << "\n"
                          << "  tls:\n    certificate: " << certs.serverCertFile()
                          << "\n    key: " << certs.serverKeyFile() << "\n";
    std::string serve = "serve";
    std::string log = certs.dir() + "/registry.log";
    char* argv[] = {const_cast<char*>(kRegistryBinary), serve.data(), config.data(), nullptr};
    // The registry's access log goes to a file, not into the test output.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawn(&pid_, kRegistryBinary, &actions, nullptr, argv, environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  ~RegistryProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  [[nodiscard]] bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

// Polls GET /v2/ until the registry answers 200 (bounded).
bool waitUntilServing(CurlHttpClient& client, const std::string& url) {
  const Clock& clock = SystemClock::instance();
  auto deadline = clock.now() + 20s;
  while (clock.now() < deadline) {
    auto res = client.send(get(url));
    if (res && res->status == 200) {
      return true;
    }
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

class CurlHttp2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto certs = TestCertificates::create();
    ASSERT_TRUE(certs) << certs.error().message;
    certs_ = std::move(*certs);
    int port = unusedLocalPort();
    ASSERT_GT(port, 0);
    url_ = "https://127.0.0.1:" + std::to_string(port) + "/v2/";
    registry_ = std::make_unique<RegistryProcess>(*certs_, port);
    ASSERT_TRUE(registry_->running());
    auto probe = makeClient({.tls = {.ca_file = certs_->caCertFile()}});
    ASSERT_TRUE(waitUntilServing(*probe, url_));
  }
  void TearDown() override { registry_.reset(); }

  std::unique_ptr<TestCertificates> certs_;
  std::unique_ptr<RegistryProcess> registry_;
  std::string url_;
};

TEST_F(CurlHttp2Test, NegotiatesHttp2AndReusesTheConnection) {
  auto client = makeClient({.tls = {.ca_file = certs_->caCertFile()}});
  auto first = client->send(get(url_));
  auto second = client->send(get(url_));
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(first->http_version, HttpVersion::kHttp2);
  EXPECT_EQ(first->headers.get("docker-distribution-api-version"), "registry/2.0");
  EXPECT_EQ(first->new_connections, 1);
  EXPECT_EQ(second->new_connections, 0);
}

TEST_F(CurlHttp2Test, Http1OnlyClientStaysOnHttp11) {
  auto client = makeClient({.tls = {.ca_file = certs_->caCertFile()}, .enable_http2 = false});
  auto res = client->send(get(url_));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->http_version, HttpVersion::kHttp11);
}

TEST_F(CurlHttp2Test, StreamsBlobUploadAndDownloadOverHttp2) {
  auto client = makeClient({.tls = {.ca_file = certs_->caCertFile()}});
  std::string blob(1024 * 1024 + 7, '\0');
  for (size_t i = 0; i < blob.size(); ++i) {
    blob[i] = static_cast<char>((i * 131) % 251);
  }
  std::string digest = "sha256:" + crypto::sha256Hex(blob);

  // OCI distribution-spec "monolithic upload": POST opens a session, PUT ?digest= closes it.
  Request post = get(url_ + "copycat/http2/blobs/uploads/");
  post.method = "POST";
  auto started = client->send(post);
  ASSERT_TRUE(started) << started.error().message;
  ASSERT_EQ(started->status, 202) << started->body;
  EXPECT_EQ(started->http_version, HttpVersion::kHttp2);
  auto session = resolveReference(url_, started->headers.get("Location").value_or(""));
  ASSERT_TRUE(session) << session.error().message;

  Request put = get(appendQueryParams(*session, {{"digest", digest}}));
  put.method = "PUT";
  put.headers.add("Content-Type", "application/octet-stream");
  put.content_length = static_cast<int64_t>(blob.size());
  size_t offset = 0;
  put.body_source = [&](char* buf, size_t max) -> Result<size_t> {
    size_t n = std::min(max, blob.size() - offset);
    std::memcpy(buf, blob.data() + offset, n);
    offset += n;
    return n;
  };
  auto stored = client->send(put);
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_EQ(stored->status, 201) << stored->body;
  EXPECT_EQ(stored->headers.get("Docker-Content-Digest"), digest);

  crypto::Sha256 hasher;
  size_t received = 0;
  Request fetch = get(url_ + "copycat/http2/blobs/" + digest);
  fetch.body_sink = [&](std::string_view chunk) {
    hasher.update(chunk);
    received += chunk.size();
    return ok();
  };
  auto fetched = client->send(fetch);
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(fetched->status, 200);
  EXPECT_EQ(fetched->http_version, HttpVersion::kHttp2);
  EXPECT_EQ(received, blob.size());
  EXPECT_EQ("sha256:" + hasher.finishHex(), digest);
}

}  // namespace
}  // namespace copycat::http
