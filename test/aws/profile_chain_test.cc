// Shared-config role chaining: the pure chain resolution and the provider against FakeAws.
#include <gtest/gtest.h>

#include "aws/credentials_provider_profile.h"
#include "aws_test_env.h"

namespace copycat::aws {
namespace {

using test::AwsTestEnv;

ProfileChain chainOf(const std::string& config, const std::string& credentials,
                     const std::string& profile) {
  auto parsed = SharedConfig::parse(config, credentials);
  EXPECT_TRUE(parsed) << parsed.error().message;
  auto chain = resolveProfileChain(*parsed, profile);
  EXPECT_TRUE(chain) << chain.error().message;
  return chain ? *chain : ProfileChain{};
}

Error chainError(const std::string& config, const std::string& profile) {
  auto parsed = SharedConfig::parse(config, "");
  EXPECT_TRUE(parsed) << parsed.error().message;
  auto chain = resolveProfileChain(*parsed, profile);
  EXPECT_FALSE(chain);
  return chain ? Error() : chain.error();
}

TEST(ProfileChainTest, FollowsSourceProfilesOuterRoleLast) {
  auto chain = chainOf(
      "[profile app]\nrole_arn = arn:aws:iam::111111111111:role/app\nsource_profile = hub\n"
      "external_id = ext-app\nduration_seconds = 1800\nrole_session_name = sess\n"
      "[profile hub]\nrole_arn = arn:aws:iam::222222222222:role/hub\nsource_profile = keys\n",
      "[keys]\naws_access_key_id = AKIDKEYS\naws_secret_access_key = secret\n", "app");
  EXPECT_EQ(chain.base, ProfileChain::Base::kStaticKeys);
  EXPECT_EQ(chain.base_profile, "keys");
  EXPECT_EQ(chain.static_keys.access_key_id, "AKIDKEYS");
  ASSERT_EQ(chain.roles.size(), 2u);
  EXPECT_EQ(chain.roles[0].role_arn, "arn:aws:iam::222222222222:role/hub");
  EXPECT_EQ(chain.roles[1].role_arn, "arn:aws:iam::111111111111:role/app");
  EXPECT_EQ(chain.roles[1].external_id, "ext-app");
  EXPECT_EQ(chain.roles[1].duration_seconds, 1800);
  EXPECT_EQ(chain.roles[1].role_session_name, "sess");
  EXPECT_EQ(chain.profiles, (std::vector<std::string>{"app", "hub"}));
}

TEST(ProfileChainTest, SourceProfileStaticKeysWinOverItsRoleAndSelfReferenceUsesOwnKeys) {
  auto stops = chainOf(
      "[profile app]\nrole_arn = arn:aws:iam::111111111111:role/app\nsource_profile = both\n"
      "[profile both]\nrole_arn = arn:aws:iam::222222222222:role/ignored\nsource_profile = x\n",
      "[both]\naws_access_key_id = AKIDBOTH\naws_secret_access_key = s\n", "app");
  EXPECT_EQ(stops.base_profile, "both");
  ASSERT_EQ(stops.roles.size(), 1u);
  auto self =
      chainOf("[profile me]\nrole_arn = arn:aws:iam::111111111111:role/me\nsource_profile = me\n",
              "[me]\naws_access_key_id = AKIDME\naws_secret_access_key = s\n", "me");
  EXPECT_EQ(self.static_keys.access_key_id, "AKIDME");
  ASSERT_EQ(self.roles.size(), 1u);
}

TEST(ProfileChainTest, CredentialSourcesAndWebIdentity) {
  struct Case {
    const char* source;
    ProfileChain::Base base;
  };
  for (const Case& c : {Case{"Environment", ProfileChain::Base::kEnvironment},
                        Case{"Ec2InstanceMetadata", ProfileChain::Base::kImds},
                        Case{"EcsContainer", ProfileChain::Base::kContainer}}) {
    auto chain = chainOf(
        "[default]\nrole_arn = arn:aws:iam::111111111111:role/r\n"
        "credential_source = " +
            std::string(c.source) + "\n",
        "", "default");
    EXPECT_EQ(chain.base, c.base) << c.source;
    EXPECT_EQ(chain.roles.size(), 1u);
  }
  auto web = chainOf(
      "[default]\nrole_arn = arn:aws:iam::111111111111:role/web\n"
      "web_identity_token_file = /var/run/token\nrole_session_name = pod\n",
      "", "default");
  EXPECT_EQ(web.base, ProfileChain::Base::kWebIdentity);
  EXPECT_EQ(web.web_identity.token_file, "/var/run/token");
  EXPECT_EQ(web.web_identity.role_arn, "arn:aws:iam::111111111111:role/web");
  EXPECT_TRUE(web.roles.empty());
}

TEST(ProfileChainTest, RejectsBrokenChains) {
  const std::string role = "role_arn = arn:aws:iam::111111111111:role/r\n";
  struct Case {
    std::string config;
    ErrorCode code;
    std::string message;
  };
  const Case cases[] = {
      {"[profile a]\n" + role + "source_profile = b\n[profile b]\n" + role + "source_profile = a\n",
       ErrorCode::kInvalidArgument, "source_profile cycle: a -> b -> a"},
      {"[profile a]\n" + role + "source_profile = a\n", ErrorCode::kInvalidArgument,
       "is its own source_profile but has no static keys"},
      {"[profile a]\n" + role + "source_profile = gone\n", ErrorCode::kInvalidArgument,
       "source_profile gone of profile a not found"},
      {"[profile a]\n" + role, ErrorCode::kInvalidArgument,
       "has role_arn but no source_profile or credential_source"},
      {"[profile a]\n" + role + "source_profile = b\ncredential_source = Environment\n",
       ErrorCode::kInvalidArgument, "sets both source_profile and credential_source"},
      {"[profile a]\n" + role + "credential_source = Magic\n", ErrorCode::kInvalidArgument,
       "unknown credential_source Magic"},
      {"[profile a]\nweb_identity_token_file = /t\n", ErrorCode::kInvalidArgument,
       "has web_identity_token_file but no role_arn"},
      {"[profile a]\n" + role + "source_profile = b\nmfa_serial = arn:mfa\n",
       ErrorCode::kInvalidArgument, "mfa_serial"},
      {"[profile a]\n" + role + "source_profile = b\n[profile b]\nregion = x\n",
       ErrorCode::kInvalidArgument, "source profile b has no credentials"},
      {"[profile other]\n", ErrorCode::kNotFound, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.config);
    Error error = chainError(c.config, "a");
    EXPECT_EQ(error.code, c.code);
    EXPECT_NE(error.message.find(c.message), std::string::npos) << error.message;
  }
}

class ProfileProviderTest : public ::testing::Test {
 protected:
  ProfileCredentialsProvider provider(const std::string& profile = "") {
    ProfileCredentialsProvider::Options options;
    options.profile = profile;
    options.sts = AwsTestEnv::fastCalls();
    options.container.relative_uri_base = env_.fake().baseUrl();
    options.imds.endpoint = env_.fake().baseUrl();
    return ProfileCredentialsProvider(env_.env(), env_.http(), env_.clock(), options);
  }

  AwsTestEnv env_;
};

TEST_F(ProfileProviderTest, ChainsAssumeRoleThroughSourceProfiles) {
  env_.fake().addRole({"arn:aws:iam::222222222222:role/hub", "", ""});
  env_.fake().addRole({"arn:aws:iam::333333333333:role/app", "ext-app", ""});
  env_.writeFile("config",
                 "[profile app]\nrole_arn = arn:aws:iam::333333333333:role/app\n"
                 "source_profile = hub\nexternal_id = ext-app\n"
                 "[profile hub]\nrole_arn = arn:aws:iam::222222222222:role/hub\n"
                 "source_profile = keys\n");
  env_.writeFile("credentials", std::string("[keys]\naws_access_key_id = ") + test::kAccessKeyId +
                                    "\naws_secret_access_key = " + test::kSecretKey + "\n");
  env_.setEnv("AWS_PROFILE", "app");
  auto got = provider().resolve();
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_NE(got->source.find("assumed role arn:aws:iam::333333333333:role/app"), std::string::npos)
      << got->source;
  auto calls = env_.fake().stsCalls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].role_arn, "arn:aws:iam::222222222222:role/hub");
  EXPECT_EQ(calls[0].caller_access_key_id, test::kAccessKeyId);
  EXPECT_EQ(calls[1].role_arn, "arn:aws:iam::333333333333:role/app");
  EXPECT_TRUE(calls[1].caller_access_key_id.starts_with("ASIA"));  // signed by the hub session
  EXPECT_EQ(calls[1].external_id, "ext-app");
}

TEST_F(ProfileProviderTest, CredentialSourcesReachTheirProviders) {
  env_.fake().addRole({"arn:aws:iam::222222222222:role/r", "", ""});
  env_.setEnv("AWS_ACCESS_KEY_ID", test::kAccessKeyId);
  env_.setEnv("AWS_SECRET_ACCESS_KEY", test::kSecretKey);
  env_.setEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task");
  for (const char* source : {"Environment", "EcsContainer", "Ec2InstanceMetadata"}) {
    SCOPED_TRACE(source);
    env_.writeFile("config", std::string("[default]\nrole_arn = arn:aws:iam::222222222222:role/r\n"
                                         "credential_source = ") +
                                 source + "\n");
    auto got = provider().resolve();
    EXPECT_TRUE(got) << got.error().describe();
  }
  EXPECT_EQ(env_.fake().count("container"), 1);
  EXPECT_EQ(env_.fake().count("imds:credentials"), 1);
  EXPECT_EQ(env_.fake().count("sts:AssumeRole"), 3);
}

TEST_F(ProfileProviderTest, WebIdentityProfileStaticProfileAndMissingProfiles) {
  env_.fake().addRole({"arn:aws:iam::222222222222:role/web", "", ""});
  std::string token = env_.writeFile("token", "profile.jwt.token");
  env_.writeFile("config",
                 "[profile web]\nrole_arn = arn:aws:iam::222222222222:role/web\n"
                 "web_identity_token_file = " +
                     token + "\n[profile static]\nregion = us-east-1\n");
  env_.writeFile("credentials",
                 "[static]\naws_access_key_id = AKIDSTATIC\n"
                 "aws_secret_access_key = s\n");
  auto web = provider("web").resolve();
  ASSERT_TRUE(web) << web.error().describe();
  EXPECT_EQ(env_.fake().stsCalls().back().web_identity_token, "profile.jwt.token");
  auto keys = provider("static").resolve();
  ASSERT_TRUE(keys) << keys.error().describe();
  EXPECT_EQ(keys->access_key_id, "AKIDSTATIC");
  EXPECT_EQ(provider().resolve().error().code, ErrorCode::kNotFound);  // no [default]
  EXPECT_EQ(provider("absent").resolve().error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace copycat::aws
