#include "image/platform.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace copycat::image {
namespace {

struct PlatformCase {
  std::string input;
  std::string want;  // str() of the parsed, normalised platform
};

TEST(PlatformTest, ParsesAndNormalisesSpellings) {
  const std::vector<PlatformCase> cases = {
      {"linux/amd64", "linux/amd64"},
      {"linux/x86_64", "linux/amd64"},
      {"linux/x86-64", "linux/amd64"},
      {"linux/amd64/v1", "linux/amd64"},
      {"linux/amd64/v3", "linux/amd64/v3"},
      {"linux/arm64", "linux/arm64/v8"},
      {"linux/aarch64", "linux/arm64/v8"},
      {"linux/arm64/8", "linux/arm64/v8"},
      {"linux/arm64/v8", "linux/arm64/v8"},
      {"linux/arm64/v9", "linux/arm64/v9"},
      {"linux/arm", "linux/arm/v7"},
      {"linux/arm/7", "linux/arm/v7"},
      {"linux/arm/v6", "linux/arm/v6"},
      {"linux/arm/5", "linux/arm/v5"},
      {"linux/armhf", "linux/arm/v7"},
      {"linux/armel", "linux/arm/v6"},
      {"linux/i386", "linux/386"},
      {"linux/i686", "linux/386"},
      {"linux/ppc64le", "linux/ppc64le"},
      {"linux/s390x", "linux/s390x"},
      {"linux/riscv64", "linux/riscv64"},
      {"LINUX/AMD64", "linux/amd64"},
      {"Linux/ARM64/V8", "linux/arm64/v8"},
      {"windows/amd64", "windows/amd64"},
      {"macos/arm64", "darwin/arm64/v8"},
      {"amd64", "linux/amd64"},
      {"aarch64", "linux/arm64/v8"},
      {"armhf", "linux/arm/v7"},
      {"x86_64", "linux/amd64"},
      {"linux/mips64le", "linux/mips64le"},
      {"freebsd/unknownarch", "freebsd/unknownarch"},
  };
  for (const PlatformCase& c : cases) {
    SCOPED_TRACE(c.input);
    Result<Platform> got = parsePlatform(c.input);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->str(), c.want);
  }
}

TEST(PlatformTest, RejectsMalformedSpecifiers) {
  for (const char* bad :
       {"", "/", "linux/", "/amd64", "linux//v8", "linux/amd64/v8/extra", "linux/*", "linux/amd 64",
        "windows(10.0.17763)/amd64", "linux", "windows", "notanarch", "lin.ux/amd64"}) {
    SCOPED_TRACE(bad);
    Result<Platform> got = parsePlatform(bad);
    ASSERT_FALSE(got.has_value()) << got->str();
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(got.error().message.find(bad), std::string::npos) << got.error().message;
  }
}

TEST(PlatformTest, NormalizeIsIdempotent) {
  Platform p = normalizePlatform({"Linux", "AArch64", ""});
  EXPECT_EQ(p, (Platform{"linux", "arm64", "v8"}));
  EXPECT_EQ(normalizePlatform(p), p);
}

struct MatchCase {
  Platform wanted;
  Platform candidate;
  bool match;
};

TEST(PlatformTest, MatchesNormalisedOsArchAndVariant) {
  const std::vector<MatchCase> cases = {
      {{"linux", "amd64", ""}, {"linux", "amd64", ""}, true},
      {{"linux", "amd64", ""}, {"linux", "amd64", "v3"}, true},
      {{"linux", "amd64", "v3"}, {"linux", "amd64", ""}, false},
      {{"linux", "amd64", ""}, {"linux", "arm64", ""}, false},
      {{"linux", "amd64", ""}, {"windows", "amd64", ""}, false},
      {{"linux", "arm64", ""}, {"linux", "arm64", "v8"}, true},
      {{"linux", "arm64", "v8"}, {"linux", "arm64", ""}, true},
      {{"linux", "aarch64", ""}, {"linux", "arm64", "v8"}, true},
      {{"linux", "arm64", ""}, {"linux", "arm64", "v9"}, false},
      {{"linux", "arm", ""}, {"linux", "arm", "v7"}, true},
      {{"linux", "armhf", ""}, {"linux", "arm", ""}, true},
      {{"linux", "arm", "v6"}, {"linux", "arm", "v7"}, false},
      {{"linux", "x86_64", ""}, {"Linux", "AMD64", ""}, true},
      {{"linux", "386", ""}, {"linux", "i386", ""}, true},
      {{"linux", "unknown", ""}, {"linux", "unknown", "x"}, true},
  };
  for (const MatchCase& c : cases) {
    SCOPED_TRACE(c.wanted.str() + " vs " + c.candidate.str());
    EXPECT_EQ(platformMatches(c.wanted, c.candidate), c.match);
  }
}

}  // namespace
}  // namespace copycat::image
