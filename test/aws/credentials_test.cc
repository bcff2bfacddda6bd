#include "aws/credentials.h"

#include <sstream>

#include <gtest/gtest.h>

#include "aws/credentials_provider_environment.h"

namespace copycat::aws {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kToken[] = "FwoGZXIvYXdzEXAMPLETOKEN";

TEST(CredentialsTest, DescribeNeverShowsSecrets) {
  Credentials creds{"AKIAIOSFODNN7EXAMPLE", kSecret, kToken,
                    sys_days{std::chrono::year{2015} / 8 / 30} + 12h + 36min, "environment"};
  std::string text = creds.describe();
  EXPECT_EQ(text,
            "source=environment access_key_id=AKIA...MPLE session_token=yes "
            "expiration=2015-08-30T12:36:00Z");
  std::ostringstream printed;
  PrintTo(creds, &printed);
  for (const std::string& shown : {text, printed.str(), ::testing::PrintToString(creds)}) {
    EXPECT_EQ(shown.find(kSecret), std::string::npos);
    EXPECT_EQ(shown.find(kToken), std::string::npos);
    EXPECT_EQ(shown.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos);
  }
}

TEST(CredentialsTest, MasksShortKeyIdsEntirely) {
  EXPECT_EQ(maskAccessKeyId(""), "");
  EXPECT_EQ(maskAccessKeyId("AKIDEXAMPLE"), "****");
  EXPECT_EQ(maskAccessKeyId("AKIDEXAMPLE1"), "AKID...PLE1");
  EXPECT_EQ(Credentials{}.describe(), "source=unknown access_key_id= session_token=no");
}

TEST(CredentialsTest, ExpiryIsInclusive) {
  auto t = std::chrono::system_clock::time_point{} + 1000s;
  Credentials creds;
  EXPECT_FALSE(creds.isExpired(t));
  creds.expiration = t;
  EXPECT_FALSE(creds.isExpired(t - 1s));
  EXPECT_TRUE(creds.isExpired(t));
}

TEST(CredentialsTest, StaticProviderRequiresKeys) {
  StaticCredentialsProvider good(Credentials{"AKID", "SECRET", "", std::nullopt, "static"});
  ASSERT_TRUE(good.resolve().has_value());
  EXPECT_EQ(good.resolve()->access_key_id, "AKID");
  StaticCredentialsProvider empty(Credentials{});
  EXPECT_EQ(empty.resolve().error().code, ErrorCode::kInvalidArgument);
}

TEST(EnvironmentCredentialsProviderTest, ReadsStandardAndLegacyNames) {
  struct Case {
    const char* name;
    std::map<std::string, std::string, std::less<>> env;
    std::string want_id;  // empty: expect kNotFound
    std::string want_token;
    std::string want_error;
  };
  const Case cases[] = {
      {"standard",
       {{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "S"}, {"AWS_SESSION_TOKEN", "T"}},
       "AKID",
       "T",
       ""},
      {"legacy", {{"AWS_ACCESS_KEY", "OLD"}, {"AWS_SECRET_KEY", "S"}}, "OLD", "", ""},
      {"standard wins",
       {{"AWS_ACCESS_KEY_ID", "NEW"}, {"AWS_ACCESS_KEY", "OLD"}, {"AWS_SECRET_KEY", "S"}},
       "NEW",
       "",
       ""},
      {"unset", {}, "", "", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"},
      {"empty counts as unset",
       {{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}},
       "",
       "",
       "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"},
      {"id only",
       {{"AWS_ACCESS_KEY_ID", "AKID"}},
       "",
       "",
       "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"},
      {"secret only",
       {{"AWS_SECRET_ACCESS_KEY", "S"}},
       "",
       "",
       "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EnvironmentCredentialsProvider provider(mapEnvironment(c.env));
    EXPECT_EQ(provider.name(), "environment");
    auto got = provider.resolve();
    if (c.want_id.empty()) {
      ASSERT_FALSE(got.has_value());
      EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
      EXPECT_EQ(got.error().message, c.want_error);
      continue;
    }
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->access_key_id, c.want_id);
    EXPECT_EQ(got->secret_access_key, "S");
    EXPECT_EQ(got->session_token, c.want_token);
    EXPECT_EQ(got->source, "environment");
    EXPECT_FALSE(got->expiration.has_value());
  }
}

TEST(EnvironmentCredentialsProviderTest, WebIdentityNeedsTokenFileAndRole) {
  auto none = webIdentityFromEnvironment(mapEnvironment({}));
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());

  auto both = webIdentityFromEnvironment(
      mapEnvironment({{"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"},
                      {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"},
                      {"AWS_ROLE_SESSION_NAME", "copycat"}}));
  ASSERT_TRUE(both.has_value() && both->has_value());
  EXPECT_EQ((*both)->token_file, "/var/run/token");
  EXPECT_EQ((*both)->role_arn, "arn:aws:iam::123456789012:role/r");
  EXPECT_EQ((*both)->role_session_name, "copycat");

  auto half = webIdentityFromEnvironment(mapEnvironment({{"AWS_ROLE_ARN", "arn"}}));
  ASSERT_FALSE(half.has_value());
  EXPECT_EQ(half.error().code, ErrorCode::kInvalidArgument);
}

TEST(EnvironmentTest, FirstSetSkipsUnsetNames) {
  EnvLookup env = mapEnvironment({{"B", "2"}, {"C", "3"}});
  EXPECT_EQ(firstSet(env, {"A", "B", "C"}), "2");
  EXPECT_EQ(firstSet(env, {"A"}), std::nullopt);
}

}  // namespace
}  // namespace copycat::aws
