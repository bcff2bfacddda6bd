// ignoreMissingPlatforms as `copycat run` applies it: RE2 patterns over "<source>|<platform>".
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/registry_executor.h"

namespace copycat::app {
namespace {

image::Reference imageRef(const std::string& text) {
  auto parsed = image::parseNormalized(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : image::Reference{};
}

TEST(MissingPlatformFilterTest, NoPatternsIgnoreNothing) {
  MissingPlatformFilter none;
  EXPECT_FALSE(none.ignored(imageRef("nginx:1.25"), "linux/arm64"));
  EXPECT_EQ(none.reported(imageRef("nginx:1.25"), {"linux/arm64", "linux/s390x"}),
            (std::vector<std::string>{"linux/arm64", "linux/s390x"}));
}

TEST(MissingPlatformFilterTest, MatchesTheFullSourceAndThePlatform) {
  // The example of docs/configuration.md.
  auto filter = MissingPlatformFilter::create({R"(^registry\.gitlab\.com/.+\|linux/arm64$)"});
  ASSERT_TRUE(filter) << filter.error().message;
  EXPECT_TRUE(filter->ignored(imageRef("registry.gitlab.com/group/app:1.0"), "linux/arm64"));
  EXPECT_FALSE(filter->ignored(imageRef("registry.gitlab.com/group/app:1.0"), "linux/arm64/v8"));
  EXPECT_FALSE(filter->ignored(imageRef("ghcr.io/group/app:1.0"), "linux/arm64"));
  // Docker Hub references are in full form: docker.io/library/...
  auto hub = MissingPlatformFilter::create({R"(^docker\.io/library/nginx:)"});
  ASSERT_TRUE(hub);
  EXPECT_TRUE(hub->ignored(imageRef("nginx:1.25"), "linux/s390x"));
}

TEST(MissingPlatformFilterTest, PatternsAreUnanchoredAndAnyMatchCounts) {
  auto filter = MissingPlatformFilter::create({"s390x", R"(\|windows/)"});
  ASSERT_TRUE(filter);
  const auto source = imageRef("ghcr.io/org/tool:2@sha256:" + std::string(64, 'a'));
  EXPECT_EQ(filter->reported(source, {"linux/s390x", "linux/arm/v7", "windows/amd64"}),
            std::vector<std::string>{"linux/arm/v7"});
}

TEST(MissingPlatformFilterTest, AnInvalidPatternIsAnError) {
  auto filter = MissingPlatformFilter::create({"ok", "(unclosed"});
  ASSERT_FALSE(filter);
  EXPECT_EQ(filter.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(filter.error().message.find("(unclosed"), std::string::npos);
}

}  // namespace
}  // namespace copycat::app
