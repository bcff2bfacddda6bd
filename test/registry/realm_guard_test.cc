#include "registry/auth/realm_guard.h"

#include <gtest/gtest.h>

namespace copycat::registry::auth {
namespace {

http::Url url(const std::string& text) {
  auto parsed = http::parseUrl(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : http::Url{};
}

TEST(RealmGuardTest, LinkLocalAndMetadataHostsAreBlocked) {
  struct Case {
    const char* host;
    bool blocked;
  };
  const Case cases[] = {
      {"169.254.169.254", true},
      {"169.254.1.2", true},
      {"2852039166", true},
      {"0xa9fea9fe", true},
      {"[fe80::1]", true},
      {"[febf::1]", true},
      {"[fd00:ec2::254]", true},
      {"[::ffff:169.254.169.254]", true},
      {"metadata.google.internal", true},
      {"metadata.google.internal.", true},
      {"auth.docker.io", false},
      {"127.0.0.1", false},
      {"[::1]", false},
      {"[fec0::1]", false},
      {"10.0.0.1", false},
      {"ghcr.io", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.host);
    EXPECT_EQ(isMetadataOrLinkLocalHost(c.host), c.blocked);
  }
}

TEST(RealmGuardTest, MetadataRealmsAreRefusedEvenAnonymously) {
  auto status = checkRealm(url("http://169.254.169.254/token"), "r.io", false, false);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kPermissionDenied);
}

TEST(RealmGuardTest, CredentialsGoOnlyToHttpsOrTheInsecureRegistryHost) {
  EXPECT_TRUE(checkRealm(url("https://auth.r.io/token"), "r.io", false, true));
  EXPECT_TRUE(checkRealm(url("http://auth.r.io/token"), "r.io", false, false));
  EXPECT_FALSE(checkRealm(url("http://auth.r.io/token"), "r.io", false, true));
  EXPECT_FALSE(checkRealm(url("http://auth.r.io/token"), "r.io", true, true));
  EXPECT_TRUE(checkRealm(url("http://127.0.0.1:9000/token"), "127.0.0.1:5000", true, true));
  EXPECT_FALSE(checkRealm(url("http://127.0.0.1:9000/token"), "127.0.0.1:5000", false, true));
  EXPECT_FALSE(checkRealm(url("ftp://r.io/token"), "r.io", false, false));
}

}  // namespace
}  // namespace copycat::registry::auth
