// TLS: trust anchors, verification failures, insecure hosts, client certificates, server name
// override, HTTP/2 negotiation.
#include <gtest/gtest.h>

#include "http/client_test_util.h"
#include "http/curl_http_client.h"
#include "support/test_certs.h"

namespace copycat::http {
namespace {

using testing::TestCertificates;
using testing::TestHttpServer;

class CurlTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto certs = TestCertificates::create();
    ASSERT_TRUE(certs) << certs.error().message;
    certs_ = std::move(*certs);
    auto renamed = TestCertificates::create({"registry.copycat.test"});
    ASSERT_TRUE(renamed) << renamed.error().message;
    renamed_certs_ = std::move(*renamed);
  }
  static void TearDownTestSuite() {
    certs_.reset();
    renamed_certs_.reset();
  }

  // Starts an HTTPS server with `certs`; requires client certificates when `mutual`.
  static std::unique_ptr<TestHttpServer> startServer(const TestCertificates& certs,
                                                     bool mutual = false) {
    TestHttpServer::TlsFiles files{.cert_file = certs.serverCertFile(),
                                   .key_file = certs.serverKeyFile(),
                                   .client_ca_file = mutual ? certs.caCertFile() : ""};
    auto server = std::make_unique<TestHttpServer>(TestHttpServer::Options{.tls = files});
    server->get("/v2/", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content("host=" + req.get_header_value("Host"), "text/plain");
    });
    auto started = server->start();
    EXPECT_TRUE(started) << started.error().message;
    return server;
  }

  static std::unique_ptr<TestCertificates> certs_;
  static std::unique_ptr<TestCertificates> renamed_certs_;
};

std::unique_ptr<TestCertificates> CurlTlsTest::certs_;
std::unique_ptr<TestCertificates> CurlTlsTest::renamed_certs_;

TEST_F(CurlTlsTest, TrustsServerSignedByExtraCaFile) {
  auto server = startServer(*certs_);
  auto client = makeClient({.tls = {.ca_file = certs_->caCertFile()}});
  auto res = client->send(get(server->url("/v2/")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200);
  // HTTP/2 is offered via ALPN, but cpp-httplib only speaks HTTP/1.1: the fallback must work.
  EXPECT_EQ(res->http_version, HttpVersion::kHttp11);
  client.reset();
}

TEST_F(CurlTlsTest, TrustsServerSignedByInlineCaPemWithoutSystemCas) {
  auto server = startServer(*certs_);
  auto client = makeClient({.tls = {.use_system_cas = false, .ca_pem = certs_->caCertPem()}});
  auto res = client->send(get(server->url("/v2/")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200);
}

TEST_F(CurlTlsTest, UnknownCaFailsWithClearNonRetryableError) {
  auto server = startServer(*certs_);
  auto client = makeClient();
  auto res = client->send(get(server->url("/v2/")));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ErrorCode::kPermissionDenied);
  EXPECT_FALSE(res.error().isRetryable());
  EXPECT_NE(res.error().message.find("TLS certificate verification failed for host 127.0.0.1"),
            std::string::npos)
      << res.error().message;
  EXPECT_EQ(server->requestCount(), 0u);
}

TEST_F(CurlTlsTest, InsecureHostSkipsVerification) {
  auto server = startServer(*certs_);
  auto client = makeClient({.insecure_hosts = {server->authority()}});
  ASSERT_TRUE(client->isInsecureHost(server->authority()));
  auto res = client->send(get(server->url("/v2/")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200);
  // Another port of the same host is still verified.
  auto strict = makeClient({.insecure_hosts = {"127.0.0.1:1"}});
  EXPECT_FALSE(strict->send(get(server->url("/v2/"))));
}

TEST_F(CurlTlsTest, ReusesTlsConnection) {
  auto server = startServer(*certs_);
  auto client = makeClient({.tls = {.ca_file = certs_->caCertFile()}});
  auto first = client->send(get(server->url("/v2/")));
  auto second = client->send(get(server->url("/v2/")));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(second->new_connections, 0);
  EXPECT_EQ(server->connectionCount(), 1u);
  client.reset();
}

TEST_F(CurlTlsTest, PresentsClientCertificateFromFiles) {
  auto server = startServer(*certs_, /*mutual=*/true);
  auto client = makeClient({.tls = {.ca_file = certs_->caCertFile(),
                                    .client_cert_file = certs_->clientCertFile(),
                                    .client_key_file = certs_->clientKeyFile()}});
  auto res = client->send(get(server->url("/v2/")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200);
}

TEST_F(CurlTlsTest, PresentsClientCertificateFromMemory) {
  auto server = startServer(*certs_, /*mutual=*/true);
  auto client = makeClient({.tls = {.ca_pem = certs_->caCertPem(),
                                    .client_cert_pem = certs_->clientCertPem(),
                                    .client_key_pem = certs_->clientKeyPem()}});
  auto res = client->send(get(server->url("/v2/")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200);
}

TEST_F(CurlTlsTest, MutualTlsServerRejectsClientWithoutCertificate) {
  auto server = startServer(*certs_, /*mutual=*/true);
  auto client = makeClient({.tls = {.ca_file = certs_->caCertFile()}});
  auto res = client->send(get(server->url("/v2/")));
  ASSERT_FALSE(res);
  EXPECT_EQ(server->requestCount(), 0u);
}

TEST_F(CurlTlsTest, ServerNameOverrideVerifiesAgainstThatName) {
  auto server = startServer(*renamed_certs_);
  auto plain = makeClient({.tls = {.ca_file = renamed_certs_->caCertFile()}});
  auto mismatch = plain->send(get(server->url("/v2/")));
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code, ErrorCode::kPermissionDenied);

  auto renamed = makeClient(
      {.tls = {.ca_file = renamed_certs_->caCertFile(), .server_name = "registry.copycat.test"}});
  auto res = renamed->send(get(server->url("/v2/")));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->body, "host=" + server->authority());  // Host stays the URL's authority
  EXPECT_EQ(res->effective_url, server->url("/v2/"));
}

}  // namespace
}  // namespace copycat::http
