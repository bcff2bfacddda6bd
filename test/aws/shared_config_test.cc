#include "aws/shared_config.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace copycat::aws {
namespace {

namespace fs = std::filesystem;

constexpr char kConfig[] = R"(# ~/.aws/config
[default]
region = eu-central-1
aws_access_key_id = AKIDFROMCONFIG

[profile dev]
region = us-west-2
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = default
role_session_name = copycat
external_id = ext-1
duration_seconds = 3600
mfa_serial = arn:aws:iam::123456789012:mfa/me
sts_regional_endpoints = legacy
use_fips_endpoint = TRUE
services = local
s3 =
  addressing_style = path

[profile irsa]
web_identity_token_file = /var/run/secrets/token
role_arn = arn:aws:iam::123456789012:role/irsa
credential_source = Environment

[services local]
ecr =
  endpoint_url = http://127.0.0.1:5000
sts =
  endpoint_url = http://127.0.0.1:5001

[not-a-profile]
region = ignored

[sso-session corp]
sso_region = us-east-1
)";

constexpr char kCredentials[] = R"(; ~/.aws/credentials
[default]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY

[dev]
aws_session_token = TOKEN

[profile dev]
aws_access_key_id = NOT-FOR-DEV

[legacy]
aws_access_key_id = AKIDLEGACY
aws_secret_access_key = SECRET
aws_security_token = LEGACYTOKEN
)";

SharedConfig parsed() {
  auto config = SharedConfig::parse(kConfig, kCredentials);
  EXPECT_TRUE(config.has_value()) << config.error().message;
  return std::move(config).value();
}

TEST(SharedConfigTest, CredentialsFileWinsOverConfigFile) {
  auto profile = parsed().profile("default");
  ASSERT_TRUE(profile.has_value()) << profile.error().message;
  EXPECT_EQ(profile->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(profile->secret_access_key, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(profile->region, "eu-central-1");
  EXPECT_TRUE(profile->hasStaticCredentials());
}

TEST(SharedConfigTest, ResolvesAssumeRoleSettings) {
  auto profile = parsed().profile("dev");
  ASSERT_TRUE(profile.has_value()) << profile.error().message;
  EXPECT_EQ(profile->role_arn, "arn:aws:iam::123456789012:role/dev");
  EXPECT_EQ(profile->source_profile, "default");
  EXPECT_EQ(profile->role_session_name, "copycat");
  EXPECT_EQ(profile->external_id, "ext-1");
  EXPECT_EQ(profile->duration_seconds, 3600);
  EXPECT_EQ(profile->mfa_serial, "arn:aws:iam::123456789012:mfa/me");
  EXPECT_EQ(profile->region, "us-west-2");
  EXPECT_EQ(profile->sts_regional_endpoints, StsRegionalEndpoints::kLegacy);
  EXPECT_EQ(profile->use_fips_endpoint, true);
  EXPECT_EQ(profile->session_token, "TOKEN");  // from the credentials file's [dev]
  // "[profile dev]" in the credentials file is a profile named "profile dev", not dev.
  EXPECT_EQ(profile->access_key_id, "");
  EXPECT_EQ(profile->properties.at("s3.addressing_style"), "path");
  EXPECT_EQ(profile->service_endpoint_urls.at("ecr"), "http://127.0.0.1:5000");
  EXPECT_EQ(profile->service_endpoint_urls.at("sts"), "http://127.0.0.1:5001");
}

TEST(SharedConfigTest, ResolvesWebIdentitySettings) {
  auto profile = parsed().profile("irsa");
  ASSERT_TRUE(profile.has_value());
  EXPECT_EQ(profile->web_identity_token_file, "/var/run/secrets/token");
  EXPECT_EQ(profile->credential_source, "Environment");
  EXPECT_FALSE(profile->duration_seconds.has_value());
  EXPECT_FALSE(profile->sts_regional_endpoints.has_value());
}

TEST(SharedConfigTest, AcceptsTheBoto2SessionTokenName) {
  auto profile = parsed().profile("legacy");
  ASSERT_TRUE(profile.has_value());
  EXPECT_EQ(profile->session_token, "LEGACYTOKEN");
}

TEST(SharedConfigTest, BareConfigSectionsAreNotProfiles) {
  auto missing = parsed().profile("not-a-profile");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "profile not-a-profile not found");
  EXPECT_FALSE(parsed().profile("corp").has_value());
  EXPECT_EQ(parsed().profileNames(),
            (std::vector<std::string>{"default", "dev", "irsa", "legacy", "profile dev"}));
}

TEST(SharedConfigTest, ProfileDefaultBeatsBareDefaultInConfig) {
  auto config = SharedConfig::parse(
      "[profile default]\nregion = us-east-2\n[default]\nregion = us-east-1\noutput = json\n", "");
  ASSERT_TRUE(config.has_value());
  auto profile = config->profile("default");
  ASSERT_TRUE(profile.has_value());
  EXPECT_EQ(profile->region, "us-east-2");
  EXPECT_EQ(profile->properties.at("output"), "json");
}

TEST(SharedConfigTest, RejectsMalformedValues) {
  struct Case {
    const char* config;
    const char* want;
  };
  const Case cases[] = {
      {"[default]\nduration_seconds = 1h\n", "profile default: duration_seconds: want a positive"},
      {"[default]\nduration_seconds = -5\n", "profile default: duration_seconds: want a positive"},
      {"[default]\nuse_fips_endpoint = yes\n", "profile default: use_fips_endpoint: want true"},
      {"[default]\nsts_regional_endpoints = global\n",
       "profile default: sts_regional_endpoints: want legacy or regional"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.config);
    auto config = SharedConfig::parse(c.config, "");
    ASSERT_TRUE(config.has_value());
    auto profile = config->profile("default");
    ASSERT_FALSE(profile.has_value());
    EXPECT_EQ(profile.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(profile.error().message.rfind(c.want, 0), 0u) << profile.error().message;
  }
}

TEST(SharedConfigTest, PathsComeFromEnvironmentWithHomeExpansion) {
  struct Case {
    std::map<std::string, std::string, std::less<>> env;
    SharedConfigPaths want;
  };
  const Case cases[] = {
      {{{"HOME", "/home/u"}}, {"/home/u/.aws/config", "/home/u/.aws/credentials"}},
      {{{"HOME", "/home/u"}, {"AWS_CONFIG_FILE", "~/cfg"}, {"AWS_SHARED_CREDENTIALS_FILE", "/c"}},
       {"/home/u/cfg", "/c"}},
      {{}, {"", ""}},
      {{{"AWS_CONFIG_FILE", "~/cfg"}}, {"~/cfg", ""}},
  };
  for (const auto& c : cases) {
    SharedConfigPaths got = sharedConfigPaths(mapEnvironment(c.env));
    EXPECT_EQ(got.config_file, c.want.config_file);
    EXPECT_EQ(got.credentials_file, c.want.credentials_file);
  }
}

TEST(SharedConfigTest, SelectsProfileFromEnvironment) {
  EXPECT_EQ(selectedProfileName(mapEnvironment({})), "default");
  EXPECT_EQ(selectedProfileName(mapEnvironment({{"AWS_DEFAULT_PROFILE", "b"}})), "b");
  EXPECT_EQ(
      selectedProfileName(mapEnvironment({{"AWS_PROFILE", "a"}, {"AWS_DEFAULT_PROFILE", "b"}})),
      "a");
  EXPECT_EQ(selectedProfileName(mapEnvironment({{"AWS_PROFILE", ""}})), "default");
}

class SharedConfigFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("copycat-aws-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST_F(SharedConfigFilesTest, MissingFilesAreEmpty) {
  auto config = SharedConfig::load({(dir_ / "nope").string(), ""});
  ASSERT_TRUE(config.has_value());
  EXPECT_TRUE(config->profileNames().empty());
}

TEST_F(SharedConfigFilesTest, LoadsBothFilesAndNamesTheBrokenOne) {
  std::string config = write("config", "[profile a]\nregion = us-east-1\n");
  std::string creds =
      write("credentials", "[a]\naws_access_key_id = X\naws_secret_access_key = Y\n");
  auto loaded = SharedConfig::load({config, creds});
  ASSERT_TRUE(loaded.has_value());
  auto profile = loaded->profile("a");
  ASSERT_TRUE(profile.has_value());
  EXPECT_EQ(profile->region, "us-east-1");
  EXPECT_EQ(profile->access_key_id, "X");

  std::string broken = write("broken", "[a]\n\nnot a property\n");
  auto failed = SharedConfig::load({config, broken});
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().message, broken + ":3: expected 'key = value'");
}

}  // namespace
}  // namespace copycat::aws
