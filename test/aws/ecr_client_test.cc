#include "aws/ecr_client.h"

#include <gtest/gtest.h>

#include "aws/cached_credentials_provider.h"
#include "aws/credentials_provider_container.h"
#include "aws_test_env.h"

namespace copycat::aws {
namespace {

using test::AwsTestEnv;

class EcrClientTest : public ::testing::Test {
 protected:
  EcrClient client(const Clock* clock = nullptr) {
    return EcrClient(env_.http(), clock == nullptr ? env_.clock() : *clock, credentials_,
                     {env_.endpoint(Service::kEcr), "", AwsTestEnv::fastCalls()});
  }

  AwsTestEnv env_;
  StaticCredentialsProvider credentials_{AwsTestEnv::staticKeys()};
};

TEST_F(EcrClientTest, GetAuthorizationTokenDecodesPasswordExpiryAndProxyEndpoint) {
  auto auth = client().getAuthorizationToken();
  ASSERT_TRUE(auth) << auth.error().describe();
  EXPECT_EQ(auth->username, "AWS");
  EXPECT_TRUE(env_.fake().isValidRegistryPassword(auth->password));
  EXPECT_EQ(auth->expires_at, env_.clock().wallNow() + std::chrono::hours(12));
  EXPECT_EQ(auth->proxy_endpoint, "https://123456789012.dkr.ecr.us-east-1.amazonaws.com");
  EXPECT_EQ(env_.fake().count("ecr:GetAuthorizationToken"), 1);
  EXPECT_EQ(env_.fake().lastEcrPrincipal(), "arn:aws:iam::123456789012:user/copycat");
}

TEST_F(EcrClientTest, CreatesDescribesAndConfiguresRepositories) {
  CreateRepositoryInput input;
  input.name = "mirror/library/nginx";
  input.image_tag_mutability = "IMMUTABLE";
  input.scan_on_push = true;
  input.encryption = EcrEncryption{"KMS", "arn:aws:kms:us-east-1:123456789012:key/k"};
  input.tags = {{"team", "platform"}, {"managed-by", "copycat"}};
  auto created = client().createRepository(input);
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ(created->arn, "arn:aws:ecr:us-east-1:123456789012:repository/mirror/library/nginx");
  EXPECT_EQ(created->uri, "123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror/library/nginx");
  auto described = client().describeRepository("mirror/library/nginx");
  ASSERT_TRUE(described) << described.error().describe();
  EXPECT_EQ(described->image_tag_mutability, "IMMUTABLE");
  EXPECT_TRUE(described->scan_on_push);
  EXPECT_EQ(described->encryption, input.encryption);
  auto stored = env_.fake().repository("mirror/library/nginx");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->tags, input.tags);

  const std::string lifecycle =
      R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":)"
      R"("imageCountMoreThan","countNumber":50},"action":{"type":"expire"}}]})";
  ASSERT_TRUE(client().putLifecyclePolicy(input.name, lifecycle));
  EXPECT_EQ(client().getLifecyclePolicy(input.name).value(), lifecycle);
  ASSERT_TRUE(client().setRepositoryPolicy(input.name, R"({"Version":"2012-10-17"})"));
  EXPECT_EQ(client().getRepositoryPolicy(input.name).value(), R"({"Version":"2012-10-17"})");
  ASSERT_TRUE(client().putImageTagMutability(input.name, "MUTABLE"));
  ASSERT_TRUE(client().putImageScanningConfiguration(input.name, false));
  ASSERT_TRUE(client().tagResource(created->arn, {{"team", "mirror"}}));
  auto tags = client().listTagsForResource(created->arn);
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->at("team"), "mirror");
  stored = env_.fake().repository(input.name);
  EXPECT_EQ(stored->image_tag_mutability, "MUTABLE");
  EXPECT_FALSE(stored->scan_on_push);
}

TEST_F(EcrClientTest, ErrorsAreTypedWithoutNamespace) {
  ASSERT_TRUE(client().createRepository({.name = "dup"}));
  Credentials unknown = AwsTestEnv::staticKeys();
  unknown.access_key_id = "AKIDUNKNOWN000000000";
  StaticCredentialsProvider unknown_provider(unknown);
  EcrClient stranger(env_.http(), env_.clock(), unknown_provider,
                     {env_.endpoint(Service::kEcr), "", AwsTestEnv::fastCalls()});
  struct Case {
    const char* name;
    Error error;
    ErrorCode code;
    const char* remote;
  };
  const Case cases[] = {
      {"missing repository", client().describeRepository("absent").error(), ErrorCode::kNotFound,
       "RepositoryNotFoundException"},
      {"duplicate", client().createRepository({.name = "dup"}).error(), ErrorCode::kAlreadyExists,
       "RepositoryAlreadyExistsException"},
      {"no lifecycle policy", client().getLifecyclePolicy("dup").error(), ErrorCode::kNotFound,
       "LifecyclePolicyNotFoundException"},
      {"invalid policy", client().putLifecyclePolicy("dup", "{}").error(),
       ErrorCode::kInvalidArgument, "InvalidParameterException"},
      {"unknown key", stranger.getAuthorizationToken().error(), ErrorCode::kUnauthenticated,
       "UnrecognizedClientException"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.error.code, c.code) << c.error.describe();
    EXPECT_EQ(c.error.remote_code, c.remote);
    EXPECT_EQ(c.error.http_status, c.code == ErrorCode::kUnauthenticated ? 403 : 400);
  }
}

TEST_F(EcrClientTest, FakeRejectsBadSignaturesSkewAndWrongScope) {
  Credentials tampered = AwsTestEnv::staticKeys();
  tampered.secret_access_key += "x";
  StaticCredentialsProvider tampered_provider(tampered);
  EcrClient bad_secret(env_.http(), env_.clock(), tampered_provider,
                       {env_.endpoint(Service::kEcr), "", AwsTestEnv::fastCalls()});
  auto rejected = bad_secret.getAuthorizationToken();
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().remote_code, "InvalidSignatureException");
  EXPECT_EQ(rejected.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(env_.fake().rejectedCount(), 1);

  copycat::testing::FakeClock skewed(env_.clock().wallNow() + std::chrono::minutes(6));
  auto late = client(&skewed).getAuthorizationToken();
  ASSERT_FALSE(late);
  EXPECT_NE(env_.fake().lastRejection().find("Signature expired"), std::string::npos);

  Endpoint wrong_region = env_.endpoint(Service::kEcr);
  wrong_region.signing_region = "eu-west-1";
  EcrClient elsewhere(env_.http(), env_.clock(), credentials_,
                      {wrong_region, "", AwsTestEnv::fastCalls()});
  EXPECT_FALSE(elsewhere.getAuthorizationToken());
  EXPECT_NE(env_.fake().lastRejection().find("scoped"), std::string::npos);
  Endpoint wrong_service = env_.endpoint(Service::kEcr);
  wrong_service.signing_name = "sts";
  EcrClient confused(env_.http(), env_.clock(), credentials_,
                     {wrong_service, "", AwsTestEnv::fastCalls()});
  EXPECT_FALSE(confused.getAuthorizationToken());
  EXPECT_NE(env_.fake().lastRejection().find("service ecr"), std::string::npos);
  EXPECT_EQ(env_.fake().rejectedCount(), 4);
  EXPECT_EQ(env_.fake().count("ecr:GetAuthorizationToken"), 0);  // none reached the operation
}

TEST_F(EcrClientTest, ThrottlingAndServerErrorsAreRetriedThenReported) {
  env_.fake().throttleNext("ecr:GetAuthorizationToken", 2);
  ASSERT_TRUE(client().getAuthorizationToken());
  EXPECT_EQ(env_.fake().count("ecr:GetAuthorizationToken"), 3);
  env_.fake().failNext("ecr:GetAuthorizationToken", 1, 500, "ServerException");
  ASSERT_TRUE(client().getAuthorizationToken());
  EXPECT_EQ(env_.fake().count("ecr:GetAuthorizationToken"), 5);
  env_.fake().throttleNext("*", 10);
  auto throttled = client().getAuthorizationToken();
  ASSERT_FALSE(throttled);
  EXPECT_EQ(throttled.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(throttled.error().remote_code, "ThrottlingException");
  EXPECT_EQ(env_.fake().count("ecr:GetAuthorizationToken"), 9);  // 4 attempts, then give up
}

// Reports credentials as valid for a day, although the fake expires them after six hours.
class OptimisticExpiry final : public CredentialsProvider {
 public:
  explicit OptimisticExpiry(std::unique_ptr<CredentialsProvider> inner, const Clock& clock)
      : inner_(std::move(inner)), clock_(clock) {}
  Result<Credentials> resolve() override {
    auto got = inner_->resolve();
    if (got) {
      got->expiration = clock_.wallNow() + std::chrono::hours(24);
    }
    return got;
  }
  std::string name() const override { return "optimistic"; }

 private:
  std::unique_ptr<CredentialsProvider> inner_;
  const Clock& clock_;
};

TEST_F(EcrClientTest, ExpiredSessionTokenDropsCachedCredentialsAndRetriesOnce) {
  env_.setEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task");
  CachedCredentialsProvider cache(
      std::make_unique<OptimisticExpiry>(
          std::make_unique<ContainerCredentialsProvider>(
              env_.env(), env_.http(),
              ContainerCredentialsProvider::Options{.relative_uri_base = env_.fake().baseUrl()}),
          env_.clock()),
      env_.clock());
  EcrClient ecr(env_.http(), env_.clock(), cache,
                {env_.endpoint(Service::kEcr), "", AwsTestEnv::fastCalls()});
  ASSERT_TRUE(ecr.getAuthorizationToken());
  env_.clock().advance(std::chrono::hours(7));
  auto again = ecr.getAuthorizationToken();
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_EQ(env_.fake().count("container"), 2);
  EXPECT_NE(env_.fake().lastRejection().find("ExpiredTokenException"), std::string::npos);
}

TEST(EcrModelTest, ValidatesRepositoryNamesLikeTheModel) {
  for (const char* name :
       {"ab", "a/b", "library/nginx", "a.b", "a_b", "a__b", "a---b", "team/app-1/sub.component",
        "0"
        "9"}) {
    EXPECT_TRUE(validateEcrRepositoryName(name)) << name;
  }
  for (const char* name : {"", "a", "A/b", "a//b", "/ab", "ab/", "a..b", "a___b", "-ab", "ab-",
                           "a b", "a:b", "ab@sha"}) {
    EXPECT_EQ(validateEcrRepositoryName(name).error().code, ErrorCode::kInvalidArgument) << name;
  }
  EXPECT_TRUE(validateEcrRepositoryName(std::string(256, 'a')));
  EXPECT_FALSE(validateEcrRepositoryName(std::string(257, 'a')));
}

TEST(EcrModelTest, DecodesAuthorizationDataStrictly) {
  auto data = [](const std::string& token, const nlohmann::json& expires) {
    return nlohmann::json{{"authorizationData",
                           {{{"authorizationToken", token},
                             {"expiresAt", expires},
                             {"proxyEndpoint", "https://1.dkr.ecr.x.amazonaws.com"}}}}};
  };
  auto good = parseAuthorizationData(data("QVdTOnBhc3M6d29yZA==", 1.7000432005E9));
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->username, "AWS");
  EXPECT_EQ(good->password, "pass:word");
  EXPECT_EQ(good->expires_at,
            std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'043'200'500)));
  EXPECT_FALSE(parseAuthorizationData(data("not base64!", 1.7e9)));
  EXPECT_FALSE(parseAuthorizationData(data("bm9jb2xvbg==", 1.7e9)));  // "nocolon"
  EXPECT_FALSE(parseAuthorizationData(data("QVdTOnBhc3M=", "tomorrow")));
  EXPECT_FALSE(parseAuthorizationData(nlohmann::json::object()));
  EXPECT_FALSE(parseAuthorizationData(nlohmann::json::array()));
}

TEST(EcrModelTest, ReadsErrorTypeFromBodyOrHeader) {
  http::Response body;
  body.status = 400;
  body.body = R"({"__type":"com.amazonaws.ecr#RepositoryNotFoundException","message":"gone"})";
  Error a = parseEcrError("ecr DescribeRepositories", body);
  EXPECT_EQ(a.remote_code, "RepositoryNotFoundException");
  EXPECT_EQ(a.message, "ecr DescribeRepositories: RepositoryNotFoundException: gone");
  http::Response header;
  header.status = 400;
  header.headers.set("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/");
  EXPECT_EQ(parseEcrError("ecr X", header).code, ErrorCode::kRateLimited);
  http::Response bare;
  bare.status = 503;
  EXPECT_EQ(parseEcrError("ecr X", bare).code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace copycat::aws
