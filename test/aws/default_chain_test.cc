// The default credential chain end to end: each source against FakeAws, through signed ECR calls.
#include <gtest/gtest.h>

#include "aws/default_credentials_chain.h"
#include "aws/ecr_auth.h"
#include "aws/ecr_repository_manager.h"
#include "aws_test_env.h"

namespace copycat::aws {
namespace {

using test::AwsTestEnv;

constexpr char kIrsaRole[] = "arn:aws:iam::123456789012:role/copycat-irsa";
constexpr char kPushRole[] = "arn:aws:iam::210987654321:role/pusher";

class DefaultChainTest : public ::testing::Test {
 protected:
  EcrClient ecr(CredentialsProvider& credentials) {
    return EcrClient(env_.http(), env_.clock(), credentials,
                     {env_.endpoint(Service::kEcr), "", AwsTestEnv::fastCalls()});
  }
  void useIrsa(const std::string& token) {
    env_.fake().addRole({kIrsaRole, "", ""});
    env_.setEnv("AWS_ROLE_ARN", kIrsaRole);
    env_.setEnv("AWS_WEB_IDENTITY_TOKEN_FILE", env_.writeFile("irsa-token", token));
  }

  AwsTestEnv env_;
};

TEST_F(DefaultChainTest, IrsaFlowFromTokenFileToRegistryLogin) {
  useIrsa("projected.sa.token-1");
  auto chain = defaultCredentialsChain(env_.env(), env_.http(), env_.clock(), env_.chainOptions());
  EcrClient client = ecr(*chain);
  EcrTokenCache tokens(client, env_.clock());
  EcrRepositoryManager repositories(client, EcrRepositorySettings{});
  auto login = tokens.login();
  ASSERT_TRUE(login) << login.error().describe();
  EXPECT_TRUE(env_.fake().isValidRegistryPassword(login->password));
  ASSERT_TRUE(repositories.ensureRepository("mirror/app"));
  EXPECT_TRUE(env_.fake().lastEcrPrincipal().starts_with(
      "arn:aws:sts::123456789012:assumed-role/copycat-irsa/copycat-"));
  EXPECT_EQ(env_.fake().count("sts:AssumeRoleWithWebIdentity"), 1);  // cached for its hour

  // The kubelet rotates the token; the next refresh (5 min before expiry) sends the new one.
  env_.writeFile("irsa-token", "projected.sa.token-2");
  env_.clock().advance(std::chrono::minutes(56));
  ASSERT_TRUE(repositories.ensureRepository("mirror/other"));
  auto calls = env_.fake().stsCalls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].web_identity_token, "projected.sa.token-1");
  EXPECT_EQ(calls[1].web_identity_token, "projected.sa.token-2");
  EXPECT_EQ(env_.fake().rejectedCount(), 0);
}

TEST_F(DefaultChainTest, PodIdentityFlowThroughTheChain) {
  env_.fake().setContainerToken("eks-pod-identity-token");
  env_.setEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", env_.fake().baseUrl() + "/v1/credentials");
  env_.setEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
              env_.writeFile("eks-token", "eks-pod-identity-token"));
  auto chain = defaultCredentialsChain(env_.env(), env_.http(), env_.clock(), env_.chainOptions());
  EcrClient client = ecr(*chain);
  ASSERT_TRUE(client.getAuthorizationToken());
  ASSERT_TRUE(client.getAuthorizationToken());
  EXPECT_EQ(env_.fake().lastEcrPrincipal(), "arn:aws:iam::123456789012:role/container-role");
  EXPECT_EQ(env_.fake().count("container"), 1);
  EXPECT_EQ(env_.fake().count("imds:token"), 0);
}

TEST_F(DefaultChainTest, SourcesAreTriedInSdkOrder) {
  auto principal = [&]() {
    auto chain =
        defaultCredentialsChain(env_.env(), env_.http(), env_.clock(), env_.chainOptions());
    auto credentials = chain->resolve();
    return credentials ? credentials->source : credentials.error().message;
  };
  EXPECT_EQ(principal(), "imds role copycat-node");
  env_.setEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task");
  EXPECT_TRUE(principal().starts_with("container ")) << principal();
  env_.writeFile("credentials",
                 "[default]\naws_access_key_id = AKIDFILE\n"
                 "aws_secret_access_key = s\n");
  EXPECT_EQ(principal(), "shared config profile default");
  useIrsa("token-1");
  EXPECT_EQ(principal(), std::string("web identity ") + kIrsaRole);
  env_.setEnv("AWS_ACCESS_KEY_ID", test::kAccessKeyId);
  env_.setEnv("AWS_SECRET_ACCESS_KEY", test::kSecretKey);
  EXPECT_EQ(principal(), "environment");
}

TEST_F(DefaultChainTest, AConfiguredButFailingSourceStopsTheChain) {
  env_.setEnv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/not-there");
  env_.setEnv("AWS_WEB_IDENTITY_TOKEN_FILE", env_.writeFile("t", "token-1"));
  auto chain = defaultCredentialsChain(env_.env(), env_.http(), env_.clock(), env_.chainOptions());
  auto got = chain->resolve();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(got.error().remote_code, "AccessDenied");
  EXPECT_TRUE(got.error().message.starts_with("aws credentials from web identity failed: "))
      << got.error().message;
  EXPECT_EQ(env_.fake().count("imds:token"), 0);  // never fell through to the node's role
}

TEST_F(DefaultChainTest, NothingConfiguredNamesEverySource) {
  env_.setEnv("AWS_EC2_METADATA_DISABLED", "true");
  auto chain = defaultCredentialsChain(env_.env(), env_.http(), env_.clock(), env_.chainOptions());
  auto got = chain->resolve();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthenticated);
  for (const char* source :
       {"environment: ", "; web identity: ", "; shared config: ", "; container: ", "; imds: "}) {
    EXPECT_NE(got.error().message.find(source), std::string::npos) << got.error().message;
  }
}

TEST_F(DefaultChainTest, CrossAccountAssumeRoleOnTopWithExternalId) {
  env_.fake().addRole({kPushRole, "copycat-ext", ""});
  env_.setEnv("AWS_ACCESS_KEY_ID", test::kAccessKeyId);
  env_.setEnv("AWS_SECRET_ACCESS_KEY", test::kSecretKey);
  auto base = defaultCredentialsChain(env_.env(), env_.http(), env_.clock(), env_.chainOptions());
  auto pusher =
      assumeRoleOnTop(std::move(base), {kPushRole, "k8s-copycat", "copycat-ext", 900}, env_.env(),
                      env_.http(), env_.clock(), "us-east-1", AwsTestEnv::fastCalls());
  ASSERT_TRUE(pusher) << pusher.error().describe();
  EcrClient client = ecr(**pusher);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client.getAuthorizationToken());
  }
  EXPECT_EQ(env_.fake().lastEcrPrincipal(),
            "arn:aws:sts::210987654321:assumed-role/pusher/k8s-copycat");
  EXPECT_EQ(env_.fake().count("sts:AssumeRole"), 1);
  env_.clock().advance(std::chrono::minutes(11));  // 15-minute session, refreshed 5 min early
  ASSERT_TRUE(client.getAuthorizationToken());
  ASSERT_EQ(env_.fake().count("sts:AssumeRole"), 2);
  auto calls = env_.fake().stsCalls();
  EXPECT_EQ(calls.back().caller_access_key_id, test::kAccessKeyId);
  EXPECT_EQ(calls.back().external_id, "copycat-ext");
  EXPECT_EQ(calls.back().duration_seconds, 900);

  auto wrong =
      assumeRoleOnTop(std::make_unique<StaticCredentialsProvider>(AwsTestEnv::staticKeys()),
                      {kPushRole, "k8s-copycat", "wrong-ext", std::nullopt}, env_.env(),
                      env_.http(), env_.clock(), "us-east-1", AwsTestEnv::fastCalls());
  ASSERT_TRUE(wrong);
  auto denied = (*wrong)->resolve();
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(denied.error().message.find(std::string("assuming ") + kPushRole), std::string::npos);
}

}  // namespace
}  // namespace copycat::aws
