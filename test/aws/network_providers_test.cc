// The network credential providers against FakeAws: IRSA web identity, container (ECS / EKS Pod
// Identity) and IMDSv2.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "aws/credentials_provider_container.h"
#include "aws/credentials_provider_imds.h"
#include "aws/credentials_provider_web_identity.h"
#include "aws_test_env.h"

namespace copycat::aws {
namespace {

using test::AwsTestEnv;

constexpr char kRole[] = "arn:aws:iam::123456789012:role/irsa";

// An HttpClient that counts calls and never touches the network.
struct NoNetwork final : http::HttpClient {
  Result<http::Response> send(const http::Request&) override {
    ++calls;
    return fail(ErrorCode::kUnavailable, "no network in this test");
  }
  int calls = 0;
};

TEST(WebIdentityProviderTest, ExchangesTheTokenFileAndReReadsItOnEveryRefresh) {
  AwsTestEnv env;
  env.fake().addRole({kRole, "", ""});
  std::string token_file = env.writeFile("token", "first.jwt.token\n");
  env.setEnv("AWS_ROLE_ARN", kRole);
  env.setEnv("AWS_WEB_IDENTITY_TOKEN_FILE", token_file);
  env.setEnv("AWS_ROLE_SESSION_NAME", "copycat-pod");
  WebIdentityCredentialsProvider provider(env.env(), env.http(), env.clock(),
                                          {"us-east-1", AwsTestEnv::fastCalls()});
  auto first = provider.resolve();
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->source, std::string("web identity ") + kRole);
  env.writeFile("token", "second.jwt.token");  // kubelet rotated the projected token
  auto second = provider.resolve();
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_NE(second->access_key_id, first->access_key_id);
  auto calls = env.fake().stsCalls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].web_identity_token, "first.jwt.token");
  EXPECT_EQ(calls[1].web_identity_token, "second.jwt.token");
  EXPECT_EQ(calls[1].role_session_name, "copycat-pod");
}

TEST(WebIdentityProviderTest, ReportsMissingSettingsTokenFileAndRejectedTokens) {
  AwsTestEnv env;
  env.fake().addRole({kRole, "", "only-this-token"});
  WebIdentityCredentialsProvider provider(env.env(), env.http(), env.clock(),
                                          {"", AwsTestEnv::fastCalls()});
  EXPECT_EQ(provider.resolve().error().code, ErrorCode::kNotFound);
  env.setEnv("AWS_ROLE_ARN", kRole);
  EXPECT_EQ(provider.resolve().error().code, ErrorCode::kInvalidArgument);  // half configured
  env.setEnv("AWS_WEB_IDENTITY_TOKEN_FILE", (env.dir() / "absent").string());
  EXPECT_EQ(provider.resolve().error().code, ErrorCode::kUnavailable);
  env.setEnv("AWS_WEB_IDENTITY_TOKEN_FILE", env.writeFile("token", "some-other-token"));
  auto rejected = provider.resolve();
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(rejected.error().remote_code, "InvalidIdentityToken");
  // Without a role session name, a generated one that STS accepts.
  env.writeFile("token", "only-this-token");
  ASSERT_TRUE(provider.resolve());
  EXPECT_TRUE(env.fake().stsCalls().back().role_session_name.starts_with("copycat-"));
}

TEST(ContainerProviderTest, PodIdentityFullUriWithTokenFileReReadEachTime) {
  AwsTestEnv env;
  env.fake().setContainerToken("pod-identity-token-1");
  std::string token_file = env.writeFile("eks-token", "pod-identity-token-1\n");
  env.setEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", env.fake().baseUrl() + "/v1/credentials");
  env.setEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file);
  env.setEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-a-file-is-set");
  ContainerCredentialsProvider provider(env.env(), env.http(), {});
  auto got = provider.resolve();
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_TRUE(got->hasSessionToken());
  ASSERT_TRUE(got->expiration.has_value());
  EXPECT_EQ(*got->expiration, std::chrono::time_point_cast<std::chrono::seconds>(
                                  env.clock().wallNow() + std::chrono::hours(6)));

  env.fake().setContainerToken("pod-identity-token-2");
  auto stale = provider.resolve();
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().http_status, 401);
  env.writeFile("eks-token", "pod-identity-token-2");
  EXPECT_TRUE(provider.resolve());
  EXPECT_EQ(env.fake().count("container"), 3);  // a 401 is not retried
}

TEST(ContainerProviderTest, RelativeUriAndTokenVariable) {
  AwsTestEnv env;
  env.fake().setContainerToken("ecs-token");
  env.setEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task");
  env.setEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ecs-token");
  env.setEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/never-used");
  ContainerCredentialsProvider provider(env.env(), env.http(),
                                        {.relative_uri_base = env.fake().baseUrl()});
  auto got = provider.resolve();
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_EQ(got->source, "container " + env.fake().baseUrl() + "/v2/credentials/task");
}

TEST(ContainerProviderTest, AllowsOnlyTheSdkHostsOverHttp) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "localhost", "[::1]", "169.254.170.2",
                           "169.254.170.23", "[fd00:ec2::23]", "LOCALHOST"}) {
    EXPECT_TRUE(isAllowedContainerHttpHost(host)) << host;
  }
  for (const char* host : {"169.254.169.254", "10.0.0.1", "example.com", "127.0.0.256", "128.0.0.1",
                           "fd00:ec2::24", "127.0.0"}) {
    EXPECT_FALSE(isAllowedContainerHttpHost(host)) << host;
  }
  std::map<std::string, std::string, std::less<>> vars = {
      {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/creds"}};
  NoNetwork http;  // a refused URI must never be contacted
  ContainerCredentialsProvider provider(mapEnvironment(vars), http, {});
  auto got = provider.resolve();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);  // refused before any request
  vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:1/x";
  vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "bad\r\nInjected: header";
  ContainerCredentialsProvider injected(mapEnvironment(vars), http, {});
  EXPECT_EQ(injected.resolve().error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ContainerCredentialsProvider(mapEnvironment({}), http, {}).resolve().error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(http.calls, 0);
}

TEST(ImdsProviderTest, ImdsV2TokenThenRoleThenCredentials) {
  AwsTestEnv env;
  ImdsCredentialsProvider provider(env.env(), env.http(), {});
  auto got = provider.resolve();
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_EQ(got->source, "imds role copycat-node");
  EXPECT_EQ(env.fake().count("imds:token"), 1);
  EXPECT_EQ(env.fake().count("imds:role"), 1);
  EXPECT_EQ(env.fake().count("imds:credentials"), 1);
}

TEST(ImdsProviderTest, FallsBackToV1UnlessDisabledAndHonoursDisabledFlag) {
  AwsTestEnv env({.imds_v2 = false});
  ImdsCredentialsProvider provider(env.env(), env.http(), {});
  EXPECT_TRUE(provider.resolve());
  env.setEnv("AWS_EC2_METADATA_V1_DISABLED", "true");
  EXPECT_EQ(provider.resolve().error().http_status, 404);
  env.setEnv("AWS_EC2_METADATA_DISABLED", "true");
  EXPECT_EQ(provider.resolve().error().code, ErrorCode::kNotFound);
}

TEST(ImdsProviderTest, NoInstanceProfileIsNotFound) {
  AwsTestEnv env({.imds_role = ""});
  ImdsCredentialsProvider provider(env.env(), env.http(), {});
  EXPECT_EQ(provider.resolve().error().code, ErrorCode::kNotFound);
}

// A socket that listens but never accepts: connections complete in the kernel and requests hang,
// like IMDS behind a hop limit of 1.
class BlackHole {
 public:
  BlackHole() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), len);
    listen(fd_, 16);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~BlackHole() { close(fd_); }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(ImdsProviderTest, UnreachableImdsFailsFast) {
  BlackHole hole;
  auto http = http::CurlHttpClient::create({.proxy = http::ProxyConfig{}});
  ASSERT_TRUE(http);
  ImdsCredentialsProvider::Options options;
  options.endpoint = hole.url();
  options.timeout = std::chrono::milliseconds(300);
  ImdsCredentialsProvider provider(mapEnvironment({}), **http, options);
  auto start = SystemClock::instance().now();
  auto got = provider.resolve();
  auto elapsed = SystemClock::instance().now() - start;
  ASSERT_FALSE(got);
  EXPECT_TRUE(got.error().isRetryable());
  EXPECT_NE(got.error().message.find("hop limit"), std::string::npos) << got.error().message;
  EXPECT_LT(elapsed, std::chrono::seconds(3));  // 2 attempts x 300 ms, not a stalled chain
  EXPECT_GE(elapsed, std::chrono::milliseconds(550));
}

}  // namespace
}  // namespace copycat::aws
