#include "aws/sts_client.h"

#include <gtest/gtest.h>

#include "aws_test_env.h"

namespace copycat::aws {
namespace {

using test::AwsTestEnv;

constexpr char kRole[] = "arn:aws:iam::123456789012:role/copycat";

class StsClientTest : public ::testing::Test {
 protected:
  StsClientTest() {
    env_.fake().addRole({kRole, "", ""});
    env_.fake().addRole({"arn:aws:iam::210987654321:role/pusher", "ext-42", ""});
  }
  StsClient client() {
    return StsClient(env_.http(), env_.clock(), env_.endpoint(Service::kSts),
                     AwsTestEnv::fastCalls());
  }

  AwsTestEnv env_;
};

TEST_F(StsClientTest, AssumeRoleWithWebIdentityIsUnsignedAndReturnsSessionCredentials) {
  auto role = client().assumeRoleWithWebIdentity({kRole, "pod-session", "eyJ.token.sig", 1800});
  ASSERT_TRUE(role) << role.error().describe();
  EXPECT_TRUE(role->credentials.access_key_id.starts_with("ASIA"));
  EXPECT_TRUE(role->credentials.hasSessionToken());
  ASSERT_TRUE(role->credentials.expiration.has_value());
  EXPECT_EQ(*role->credentials.expiration,
            std::chrono::time_point_cast<std::chrono::seconds>(env_.clock().wallNow()) +
                std::chrono::seconds(1800));
  EXPECT_EQ(role->assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/copycat/pod-session");
  auto calls = env_.fake().stsCalls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].web_identity_token, "eyJ.token.sig");
  EXPECT_EQ(calls[0].duration_seconds, 1800);
  EXPECT_EQ(env_.fake().rejectedCount(), 0);
}

TEST_F(StsClientTest, AssumeRoleIsSignedAndCarriesExternalId) {
  auto role = client().assumeRole(
      {"arn:aws:iam::210987654321:role/pusher", "copycat", "ext-42", std::nullopt},
      AwsTestEnv::staticKeys());
  ASSERT_TRUE(role) << role.error().describe();
  EXPECT_EQ(role->assumed_role_arn, "arn:aws:sts::210987654321:assumed-role/pusher/copycat");
  auto calls = env_.fake().stsCalls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].caller_access_key_id, test::kAccessKeyId);
  EXPECT_EQ(calls[0].external_id, "ext-42");
  EXPECT_FALSE(calls[0].duration_seconds.has_value());
}

TEST_F(StsClientTest, ErrorsAreTyped) {
  struct Case {
    const char* name;
    Result<AssumedRole> got;
    ErrorCode code;
    const char* remote;
  };
  Credentials wrong = AwsTestEnv::staticKeys();
  wrong.secret_access_key = "tampered";
  Case cases[] = {
      {"unknown role", client().assumeRoleWithWebIdentity({kRole + std::string("x"), "s1", "tok1"}),
       ErrorCode::kPermissionDenied, "AccessDenied"},
      {"wrong external id",
       client().assumeRole({"arn:aws:iam::210987654321:role/pusher", "s1", "nope"},
                           AwsTestEnv::staticKeys()),
       ErrorCode::kPermissionDenied, "AccessDenied"},
      {"bad signature", client().assumeRole({kRole, "s1", ""}, wrong), ErrorCode::kUnauthenticated,
       "SignatureDoesNotMatch"},
      {"bad session name", client().assumeRole({kRole, "no spaces", ""}, AwsTestEnv::staticKeys()),
       ErrorCode::kInvalidArgument, "ValidationError"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_FALSE(c.got);
    EXPECT_EQ(c.got.error().code, c.code) << c.got.error().describe();
    EXPECT_EQ(c.got.error().remote_code, c.remote);
    EXPECT_NE(c.got.error().message.find(c.remote), std::string::npos);
  }
}

TEST_F(StsClientTest, ThrottlingIsRetriedWithinBounds) {
  env_.fake().throttleNext("sts:AssumeRoleWithWebIdentity", 2);
  auto role = client().assumeRoleWithWebIdentity({kRole, "s1", "tok1"});
  ASSERT_TRUE(role) << role.error().describe();
  EXPECT_EQ(env_.fake().count("sts:AssumeRoleWithWebIdentity"), 3);

  env_.fake().failNext("sts:AssumeRoleWithWebIdentity", 100, 503, "ServiceUnavailable");
  auto failed = client().assumeRoleWithWebIdentity({kRole, "s1", "tok1"});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(failed.error().http_status, 503);
  EXPECT_EQ(env_.fake().count("sts:AssumeRoleWithWebIdentity"), 3 + 4);  // 4 attempts
}

TEST(StsParseTest, RejectsIncompleteOrMalformedAnswers) {
  const char* kGood =
      "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
      "<Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>s&amp;k</SecretAccessKey>"
      "<SessionToken>t</SessionToken><Expiration>2023-11-14T23:13:20.000Z</Expiration>"
      "</Credentials><AssumedRoleUser><Arn>arn:x</Arn></AssumedRoleUser></AssumeRoleResult>"
      "</AssumeRoleResponse>";
  auto good = parseAssumeRoleResponse("AssumeRole", kGood);
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->credentials.secret_access_key, "s&k");
  EXPECT_EQ(good->assumed_role_arn, "arn:x");
  EXPECT_FALSE(parseAssumeRoleResponse("AssumeRoleWithWebIdentity", kGood));
  std::string no_token = kGood;
  no_token.replace(no_token.find("<SessionToken>t</SessionToken>"), 30, "");
  EXPECT_EQ(parseAssumeRoleResponse("AssumeRole", no_token).error().code, ErrorCode::kProtocol);
  std::string bad_time = kGood;
  bad_time.replace(bad_time.find("2023-11-14"), 10, "2023-13-14");
  EXPECT_FALSE(parseAssumeRoleResponse("AssumeRole", bad_time));
  EXPECT_FALSE(parseAssumeRoleResponse("AssumeRole", "<AssumeRoleResponse>"));

  Error error = parseStsError("AssumeRole", 403,
                              "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                              "<Message>no &lt;way&gt;</Message></Error></ErrorResponse>");
  EXPECT_EQ(error.code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(error.message, "sts AssumeRole: AccessDenied: no <way>");
  EXPECT_EQ(parseStsError("AssumeRole", 502, "<html>bad gateway").code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace copycat::aws
