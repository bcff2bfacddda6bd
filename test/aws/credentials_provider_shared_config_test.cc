#include "aws/credentials_provider_shared_config.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace copycat::aws {
namespace {

namespace fs = std::filesystem;

class SharedConfigProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() /
            ("copycat-aws-home-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(home_);
    fs::create_directories(home_ / ".aws");
    std::ofstream(home_ / ".aws" / "credentials") << R"([default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = SECRETDEFAULT

[session]
aws_access_key_id = AKIDSESSION
aws_secret_access_key = SECRETSESSION
aws_session_token = TOKEN

[half]
aws_access_key_id = AKIDHALF

[role]
aws_access_key_id = AKIDSOURCE
aws_secret_access_key = SECRETSOURCE
)";
    std::ofstream(home_ / ".aws" / "config") << R"([profile role]
role_arn = arn:aws:iam::123456789012:role/r
source_profile = default

[profile irsa]
web_identity_token_file = /token
role_arn = arn:aws:iam::123456789012:role/irsa

[profile process]
credential_process = /bin/creds

[profile sso]
sso_session = corp

[profile keyless]
region = us-east-1
)";
  }
  void TearDown() override { fs::remove_all(home_); }

  Result<Credentials> resolve(std::map<std::string, std::string, std::less<>> env,
                              std::string profile = "") {
    env.emplace("HOME", home_.string());
    SharedConfigCredentialsProvider provider(mapEnvironment(std::move(env)), {profile});
    return provider.resolve();
  }

  fs::path home_;
};

TEST_F(SharedConfigProviderTest, ReadsTheSelectedProfile) {
  auto by_default = resolve({});
  ASSERT_TRUE(by_default.has_value()) << by_default.error().message;
  EXPECT_EQ(by_default->access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(by_default->source, "shared config profile default");

  auto by_env = resolve({{"AWS_PROFILE", "session"}});
  ASSERT_TRUE(by_env.has_value());
  EXPECT_EQ(by_env->access_key_id, "AKIDSESSION");
  EXPECT_EQ(by_env->session_token, "TOKEN");

  auto by_option = resolve({{"AWS_PROFILE", "default"}}, "session");
  ASSERT_TRUE(by_option.has_value());
  EXPECT_EQ(by_option->access_key_id, "AKIDSESSION");
}

TEST_F(SharedConfigProviderTest, HonoursFileLocationVariables) {
  fs::path other = home_ / "elsewhere";
  std::ofstream(other) << "[default]\naws_access_key_id = OTHER\naws_secret_access_key = S\n";
  auto got = resolve({{"AWS_SHARED_CREDENTIALS_FILE", other.string()}});
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->access_key_id, "OTHER");
}

TEST_F(SharedConfigProviderTest, ExplainsWhyAProfileHasNoStaticKeys) {
  struct Case {
    std::string profile;
    ErrorCode code;
    std::string message;
  };
  const Case cases[] = {
      {"role", ErrorCode::kNotFound, "profile role assumes role_arn"},
      {"irsa", ErrorCode::kNotFound, "profile irsa assumes role_arn"},
      {"process", ErrorCode::kNotFound, "profile process uses credential_process"},
      {"sso", ErrorCode::kNotFound, "profile sso uses sso"},
      {"keyless", ErrorCode::kNotFound, "profile keyless has no aws_access_key_id"},
      {"half", ErrorCode::kInvalidArgument, "profile half needs both"},
      {"missing", ErrorCode::kInvalidArgument, "profile missing not found in "},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.profile);
    auto got = resolve({{"AWS_PROFILE", c.profile}});
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, c.code);
    EXPECT_EQ(got.error().message.rfind(c.message, 0), 0u) << got.error().message;
    EXPECT_EQ(got.error().message.find("SECRET"), std::string::npos);
  }
}

TEST_F(SharedConfigProviderTest, MissingDefaultProfileIsNotFound) {
  fs::remove(home_ / ".aws" / "credentials");
  auto got = resolve({});
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(got.error().message, "profile default not found in " +
                                     (home_ / ".aws" / "config").string() + " or " +
                                     (home_ / ".aws" / "credentials").string());
}

TEST_F(SharedConfigProviderTest, MalformedFileIsAnError) {
  std::ofstream(home_ / ".aws" / "config", std::ios::app) << "[broken\n";
  auto got = resolve({});
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(got.error().message.find("section header without ']'"), std::string::npos);
}

}  // namespace
}  // namespace copycat::aws
