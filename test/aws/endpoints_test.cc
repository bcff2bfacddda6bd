#include "aws/endpoints.h"

#include <gtest/gtest.h>

#include "aws/shared_config.h"

namespace copycat::aws {
namespace {

TEST(EndpointsTest, PartitionOfRegion) {
  const std::pair<std::string, std::string> cases[] = {
      {"us-east-1", "aws"},
      {"eu-central-2", "aws"},
      {"mx-central-1", "aws"},
      {"aws-global", "aws"},
      {"cn-north-1", "aws-cn"},
      {"cn-northwest-1", "aws-cn"},
      {"aws-cn-global", "aws-cn"},
      {"us-gov-west-1", "aws-us-gov"},
      {"us-gov-east-1", "aws-us-gov"},
      {"us-iso-east-1", "aws-iso"},
      {"us-isob-east-1", "aws-iso-b"},
      {"eu-isoe-west-1", "aws-iso-e"},
      {"us-isof-south-1", "aws-iso-f"},
      {"unknown-region", "aws"},
      {"xx-east-1", "aws"},
  };
  for (const auto& [region, want] : cases) {
    SCOPED_TRACE(region);
    EXPECT_EQ(partitionOf(region).id, want);
  }
}

struct EndpointCase {
  const char* name;
  Service service;
  EndpointSettings settings;
  std::string want_url;  // empty: expect kInvalidArgument
  std::string want_signing_region;
};

EndpointSettings regionOnly(std::string region) {
  EndpointSettings s;
  s.region = std::move(region);
  return s;
}
EndpointSettings fips(std::string region) {
  EndpointSettings s = regionOnly(std::move(region));
  s.use_fips = true;
  return s;
}
EndpointSettings dualstack(std::string region, bool with_fips = false) {
  EndpointSettings s = regionOnly(std::move(region));
  s.use_dualstack = true;
  s.use_fips = with_fips;
  return s;
}
EndpointSettings legacySts(std::string region) {
  EndpointSettings s = regionOnly(std::move(region));
  s.sts_regional_endpoints = StsRegionalEndpoints::kLegacy;
  return s;
}

TEST(EndpointsTest, ResolvesPartitionAwareHosts) {
  const EndpointCase cases[] = {
      {"ecr", Service::kEcr, regionOnly("eu-west-1"), "https://api.ecr.eu-west-1.amazonaws.com",
       "eu-west-1"},
      {"ecr china", Service::kEcr, regionOnly("cn-north-1"),
       "https://api.ecr.cn-north-1.amazonaws.com.cn", "cn-north-1"},
      {"ecr govcloud", Service::kEcr, regionOnly("us-gov-west-1"),
       "https://api.ecr.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
      {"ecr iso", Service::kEcr, regionOnly("us-iso-east-1"),
       "https://api.ecr.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
      {"ecr fips", Service::kEcr, fips("us-east-1"), "https://ecr-fips.us-east-1.amazonaws.com",
       "us-east-1"},
      {"ecr fips govcloud", Service::kEcr, fips("us-gov-east-1"),
       "https://ecr-fips.us-gov-east-1.amazonaws.com", "us-gov-east-1"},
      {"ecr fips china", Service::kEcr, fips("cn-north-1"),
       "https://api.ecr-fips.cn-north-1.amazonaws.com.cn", "cn-north-1"},
      {"ecr dualstack", Service::kEcr, dualstack("us-west-2"), "https://api.ecr.us-west-2.api.aws",
       "us-west-2"},
      {"ecr fips dualstack", Service::kEcr, dualstack("us-west-2", true),
       "https://api.ecr-fips.us-west-2.api.aws", "us-west-2"},
      {"ecr dualstack iso", Service::kEcr, dualstack("us-iso-east-1"), "", ""},
      {"sts regional", Service::kSts, regionOnly("us-east-1"),
       "https://sts.us-east-1.amazonaws.com", "us-east-1"},
      {"sts china", Service::kSts, regionOnly("cn-northwest-1"),
       "https://sts.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
      {"sts legacy global", Service::kSts, legacySts("eu-west-1"), "https://sts.amazonaws.com",
       "us-east-1"},
      {"sts legacy newer region", Service::kSts, legacySts("eu-south-1"),
       "https://sts.eu-south-1.amazonaws.com", "eu-south-1"},
      {"sts aws-global", Service::kSts, regionOnly("aws-global"), "https://sts.amazonaws.com",
       "us-east-1"},
      {"sts fips", Service::kSts, fips("us-east-2"), "https://sts-fips.us-east-2.amazonaws.com",
       "us-east-2"},
      {"sts fips govcloud", Service::kSts, fips("us-gov-west-1"),
       "https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
      {"sts legacy ignored with fips", Service::kSts,
       [] {
         EndpointSettings s = legacySts("us-east-1");
         s.use_fips = true;
         return s;
       }(),
       "https://sts-fips.us-east-1.amazonaws.com", "us-east-1"},
      {"sts dualstack", Service::kSts, dualstack("eu-west-1"), "https://sts.eu-west-1.api.aws",
       "eu-west-1"},
      {"missing region", Service::kEcr, regionOnly(""), "", ""},
      {"bad region", Service::kEcr, regionOnly("us-east-1.evil.com"), "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = resolveEndpoint(c.service, c.settings);
    if (c.want_url.empty()) {
      ASSERT_FALSE(got.has_value());
      EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
      continue;
    }
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->url, c.want_url);
    EXPECT_EQ("https://" + got->host, c.want_url);
    EXPECT_EQ(got->signing_region, c.want_signing_region);
    EXPECT_EQ(got->signing_name, c.service == Service::kEcr ? "ecr" : "sts");
    EXPECT_FALSE(got->custom);
  }
}

TEST(EndpointsTest, EnvironmentOverridesFollowSdkPrecedence) {
  Profile profile;
  profile.region = "eu-west-1";
  profile.endpoint_url = "https://profile-global.example";
  profile.service_endpoint_urls["ecr"] = "https://profile-ecr.example";
  struct Case {
    const char* name;
    std::map<std::string, std::string, std::less<>> env;
    const Profile* profile;
    std::string want_ecr;
    std::string want_sts;
  };
  const Case cases[] = {
      {"service env wins",
       {{"AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:5000/"},
        {"AWS_ENDPOINT_URL", "https://g.example"}},
       &profile,
       "http://127.0.0.1:5000",
       "https://g.example"},
      {"global env beats profile",
       {{"AWS_ENDPOINT_URL", "https://g.example"}},
       &profile,
       "https://g.example",
       "https://g.example"},
      {"profile service then profile global",
       {},
       &profile,
       "https://profile-ecr.example",
       "https://profile-global.example"},
      {"ignore configured",
       {{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"},
        {"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1"}},
       &profile,
       "https://api.ecr.eu-west-1.amazonaws.com",
       "https://sts.eu-west-1.amazonaws.com"},
      {"no profile",
       {{"AWS_REGION", "us-east-2"}, {"AWS_ENDPOINT_URL_STS", "http://localhost:4566"}},
       nullptr,
       "https://api.ecr.us-east-2.amazonaws.com",
       "http://localhost:4566"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto settings = loadEndpointSettings(mapEnvironment(c.env), c.profile);
    ASSERT_TRUE(settings.has_value()) << settings.error().message;
    auto ecr = resolveEndpoint(Service::kEcr, *settings);
    auto sts = resolveEndpoint(Service::kSts, *settings);
    ASSERT_TRUE(ecr.has_value()) << ecr.error().message;
    ASSERT_TRUE(sts.has_value()) << sts.error().message;
    EXPECT_EQ(ecr->url, c.want_ecr);
    EXPECT_EQ(sts->url, c.want_sts);
  }
}

TEST(EndpointsTest, CustomEndpointKeepsPortAndPathAndSignsForTheRegion) {
  EndpointSettings s = regionOnly("us-west-2");
  s.environment.services["ecr"] = "http://127.0.0.1:4566/base/";
  auto got = resolveEndpoint(Service::kEcr, s);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->url, "http://127.0.0.1:4566/base");
  EXPECT_EQ(got->host, "127.0.0.1:4566");
  EXPECT_EQ(got->signing_region, "us-west-2");
  EXPECT_EQ(got->signing_name, "ecr");
  EXPECT_TRUE(got->custom);
}

TEST(EndpointsTest, RejectsBadOverridesAndCombinations) {
  const std::pair<const char*, std::string> bad_urls[] = {
      {"no scheme", "127.0.0.1:5000"},
      {"ftp", "ftp://host"},
      {"no host", "https:///path"},
      {"user info", "https://user:pw@host"},
  };
  for (const auto& [name, url] : bad_urls) {
    SCOPED_TRACE(name);
    EndpointSettings s = regionOnly("us-east-1");
    s.environment.global = url;
    auto got = resolveEndpoint(Service::kSts, s);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  }
  EndpointSettings fips_custom = fips("us-east-1");
  fips_custom.environment.global = "https://localhost";
  EXPECT_FALSE(resolveEndpoint(Service::kEcr, fips_custom).has_value());
}

TEST(EndpointsTest, LoadsSettingsFromProfileThenEnvironment) {
  Profile profile;
  profile.region = "eu-west-1";
  profile.use_fips_endpoint = true;
  profile.sts_regional_endpoints = StsRegionalEndpoints::kLegacy;

  auto from_profile = loadEndpointSettings(mapEnvironment({}), &profile);
  ASSERT_TRUE(from_profile.has_value());
  EXPECT_EQ(from_profile->region, "eu-west-1");
  EXPECT_TRUE(from_profile->use_fips);
  EXPECT_EQ(from_profile->sts_regional_endpoints, StsRegionalEndpoints::kLegacy);

  auto from_env = loadEndpointSettings(mapEnvironment({{"AWS_DEFAULT_REGION", "us-east-2"},
                                                       {"AWS_USE_FIPS_ENDPOINT", "false"},
                                                       {"AWS_USE_DUALSTACK_ENDPOINT", "TRUE"},
                                                       {"AWS_STS_REGIONAL_ENDPOINTS", "regional"}}),
                                       &profile);
  ASSERT_TRUE(from_env.has_value());
  EXPECT_EQ(from_env->region, "us-east-2");
  EXPECT_FALSE(from_env->use_fips);
  EXPECT_TRUE(from_env->use_dualstack);
  EXPECT_EQ(from_env->sts_regional_endpoints, StsRegionalEndpoints::kRegional);

  auto region_order = loadEndpointSettings(
      mapEnvironment({{"AWS_REGION", "a-1"}, {"AWS_DEFAULT_REGION", "b-1"}}), nullptr);
  ASSERT_TRUE(region_order.has_value());
  EXPECT_EQ(region_order->region, "a-1");

  auto defaults = loadEndpointSettings(mapEnvironment({}), nullptr);
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->sts_regional_endpoints, StsRegionalEndpoints::kRegional);
  EXPECT_FALSE(defaults->use_fips);

  for (const auto& [var, value] : {std::pair{"AWS_USE_FIPS_ENDPOINT", "1"},
                                   {"AWS_USE_DUALSTACK_ENDPOINT", "yes"},
                                   {"AWS_STS_REGIONAL_ENDPOINTS", "global"},
                                   {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "on"}}) {
    SCOPED_TRACE(var);
    auto bad = loadEndpointSettings(mapEnvironment({{var, value}}), nullptr);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(EndpointsTest, ParsesEcrRegistryHosts) {
  struct Case {
    std::string host;
    bool ok;
    std::string account;
    std::string region;
    bool fips;
    bool dualstack;
  };
  const Case cases[] = {
      {"123456789012.dkr.ecr.us-east-1.amazonaws.com", true, "123456789012", "us-east-1", false,
       false},
      {"123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM", true, "123456789012", "eu-west-1", false,
       false},
      {"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", true, "123456789012", "cn-north-1",
       false, false},
      {"123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", true, "123456789012",
       "us-gov-west-1", true, false},
      {"123456789012.dkr-ecr.us-west-2.on.aws", true, "123456789012", "us-west-2", false, true},
      {"123456789012.dkr-ecr-fips.us-east-1.on.aws", true, "123456789012", "us-east-1", true, true},
      {"123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov", true, "123456789012", "us-iso-east-1",
       false, false},
      {"12345678901.dkr.ecr.us-east-1.amazonaws.com", false, "", "", false, false},
      {"1234567890123.dkr.ecr.us-east-1.amazonaws.com", false, "", "", false, false},
      {"12345678901a.dkr.ecr.us-east-1.amazonaws.com", false, "", "", false, false},
      {"123456789012.dkr.ecr.us-east-1.amazonaws.com:443", false, "", "", false, false},
      {"123456789012.dkr.ecr.us-east-1.evil.com", false, "", "", false, false},
      {"123456789012.dkr.ecr..amazonaws.com", false, "", "", false, false},
      {"123456789012.dkr.ecr.us-east-1", false, "", "", false, false},
      {"public.ecr.aws", false, "", "", false, false},
      {"docker.io", false, "", "", false, false},
      {"", false, "", "", false, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.host);
    auto got = parseEcrRegistryHost(c.host);
    ASSERT_EQ(got.has_value(), c.ok);
    if (!c.ok) {
      continue;
    }
    EXPECT_EQ(got->account_id, c.account);
    EXPECT_EQ(got->region, c.region);
    EXPECT_EQ(got->fips, c.fips);
    EXPECT_EQ(got->dualstack, c.dualstack);
  }
}

TEST(EndpointsTest, BuildsEcrRegistryHostsThatParseBack) {
  struct Case {
    std::string region;
    bool fips;
    bool dualstack;
    std::string want;
  };
  const Case cases[] = {
      {"us-east-1", false, false, "123456789012.dkr.ecr.us-east-1.amazonaws.com"},
      {"cn-north-1", false, false, "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"},
      {"us-gov-west-1", true, false, "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com"},
      {"eu-west-1", false, true, "123456789012.dkr-ecr.eu-west-1.on.aws"},
      {"cn-north-1", false, true, "123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.want);
    auto host = ecrRegistryHost("123456789012", c.region, c.fips, c.dualstack);
    ASSERT_TRUE(host.has_value()) << host.error().message;
    EXPECT_EQ(*host, c.want);
    auto parsed = parseEcrRegistryHost(*host);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->region, c.region);
    EXPECT_EQ(parsed->fips, c.fips);
    EXPECT_EQ(parsed->dualstack, c.dualstack);
  }
  EXPECT_FALSE(ecrRegistryHost("1234", "us-east-1").has_value());
  EXPECT_FALSE(ecrRegistryHost("123456789012", "").has_value());
  EXPECT_FALSE(ecrRegistryHost("123456789012", "us-iso-east-1", false, true).has_value());
}

}  // namespace
}  // namespace copycat::aws
