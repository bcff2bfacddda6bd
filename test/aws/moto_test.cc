// The ECR and STS clients against moto_server (a third-party AWS mock), as a second opinion on
// the request and response shapes next to FakeAws. Registered only when CMake found moto_server
// and it starts (see CMakeLists.txt); moto does not check signatures, FakeAws does.
#include <thread>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "aws/ecr_auth.h"
#include "aws/ecr_repository_manager.h"
#include "aws/sts_client.h"
#include "base/clock.h"
#include "http/curl_http_client.h"
#include "support/harness_process.h"

namespace copycat::aws {
namespace {

int freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class MotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    port_ = freePort();
    std::string dir = ::testing::TempDir();
    auto child = copycat::testing::ChildProcess::spawn(
        {COPYCAT_MOTO_SERVER, "-H", "127.0.0.1", "-p", std::to_string(port_)},
        {.unset_prefixes = {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"}},
        dir + "/moto.out", dir + "/moto.err");
    ASSERT_TRUE(child) << child.error().message;
    moto_ = new copycat::testing::ChildProcess(std::move(*child));
    http_ = http::CurlHttpClient::create({.proxy = http::ProxyConfig{}}).value().release();
    // Bounded wait for the server to answer.
    auto deadline = SystemClock::instance().now() + std::chrono::seconds(30);
    while (SystemClock::instance().now() < deadline && moto_->running()) {
      http::Request ping;
      ping.url = url() + "/moto-api/";
      ping.timeout = std::chrono::milliseconds(1000);
      if (auto res = http_->send(ping); res && res->status > 0) {
        ready_ = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "moto_server did not start";
  }
  void SetUp() override {
    ASSERT_NE(http_, nullptr);
    ASSERT_TRUE(ready_) << "moto_server did not start";
  }
  static void TearDownTestSuite() {
    delete http_;
    if (moto_ != nullptr) {
      moto_->terminate();
      delete moto_;
    }
  }
  static std::string url() { return "http://127.0.0.1:" + std::to_string(port_); }
  static Endpoint endpoint(std::string_view service) {
    return Endpoint{url(), "127.0.0.1:" + std::to_string(port_), "us-east-1", std::string(service),
                    true};
  }
  EcrClient ecr() {
    return EcrClient(*http_, SystemClock::instance(), credentials_, {endpoint("ecr"), "", {}});
  }

  static inline int port_ = 0;
  static inline bool ready_ = false;
  static inline copycat::testing::ChildProcess* moto_ = nullptr;
  static inline http::CurlHttpClient* http_ = nullptr;
  StaticCredentialsProvider credentials_{
      Credentials{"AKIAMOTOTESTING00000", "moto-secret", "", std::nullopt, "test"}};
};

TEST_F(MotoTest, EcrRepositoryLifecycle) {
  EcrClient client = ecr();
  CreateRepositoryInput input;
  input.name = "copycat/moto";
  input.image_tag_mutability = "IMMUTABLE";
  input.scan_on_push = true;
  input.tags = {{"managed-by", "copycat"}};
  auto created = client.createRepository(input);
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ(created->name, "copycat/moto");
  auto described = client.describeRepository("copycat/moto");
  ASSERT_TRUE(described) << described.error().describe();
  EXPECT_EQ(described->image_tag_mutability, "IMMUTABLE");
  EXPECT_TRUE(described->scan_on_push);
  EXPECT_EQ(client.describeRepository("absent/repo").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(client.createRepository(input).error().code, ErrorCode::kAlreadyExists);
  const std::string lifecycle =
      R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":)"
      R"("imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]})";
  ASSERT_TRUE(client.putLifecyclePolicy("copycat/moto", lifecycle));
  auto stored = client.getLifecyclePolicy("copycat/moto");
  ASSERT_TRUE(stored) << stored.error().describe();
  EXPECT_EQ(nlohmann::json::parse(*stored), nlohmann::json::parse(lifecycle));
  ASSERT_TRUE(client.putImageTagMutability("copycat/moto", "MUTABLE"));
  ASSERT_TRUE(client.putImageScanningConfiguration("copycat/moto", false));
  ASSERT_TRUE(client.tagResource(created->arn, {{"team", "mirror"}}));
  auto tags = client.listTagsForResource(created->arn);
  ASSERT_TRUE(tags) << tags.error().describe();
  EXPECT_EQ(tags->at("team"), "mirror");
}

TEST_F(MotoTest, AuthorizationTokenAndRepositoryManager) {
  EcrClient client = ecr();
  EcrTokenCache tokens(client, SystemClock::instance());
  auto login = tokens.login();
  ASSERT_TRUE(login) << login.error().describe();
  EXPECT_EQ(login->username, "AWS");
  EXPECT_FALSE(login->password.empty());
  EXPECT_FALSE(login->registry_host.empty());
  EcrRepositoryManager manager(client, EcrRepositorySettings{});
  auto first = manager.ensureRepository("copycat/managed");
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->outcome, EnsureOutcome::kCreated);
  EXPECT_TRUE(manager.ensureRepository("copycat/managed")->cached);
}

TEST_F(MotoTest, StsAssumeRoleAndWebIdentity) {
  StsClient sts(*http_, SystemClock::instance(), endpoint("sts"), {});
  auto role = sts.assumeRole({"arn:aws:iam::123456789012:role/moto", "copycat", "ext-1", 900},
                             credentials_.resolve().value());
  ASSERT_TRUE(role) << role.error().describe();
  EXPECT_TRUE(role->credentials.hasSessionToken());
  EXPECT_TRUE(role->credentials.expiration.has_value());
  EXPECT_NE(role->assumed_role_arn.find("assumed-role/moto/copycat"), std::string::npos);
  auto web = sts.assumeRoleWithWebIdentity(
      {"arn:aws:iam::123456789012:role/moto", "copycat-web", "header.payload.sig", std::nullopt});
  ASSERT_TRUE(web) << web.error().describe();
  EXPECT_TRUE(web->credentials.hasKeys());
}

}  // namespace
}  // namespace copycat::aws
