// RegistryExecutor (the controller's copy engine in `copycat run`) against real docker-registry
// processes: ignoreMissingPlatforms decides which requested-but-absent platforms are reported,
// and a failure names the side (source or target) that failed.
#include "app/registry_executor.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/registry_options.h"
#include "config/config.h"
#include "support/image_fixture.h"
#include "support/image_fixture_client.h"
#include "support/registry_harness.h"

namespace copycat::app {
namespace {

using copycat::testing::FixtureImage;
using copycat::testing::ImageFixture;
using copycat::testing::RegistryEndpoint;
using copycat::testing::RegistryHttpClient;
using copycat::testing::RegistryProcess;

image::Reference imageRef(const std::string& text) {
  auto parsed = image::parseNormalized(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : image::Reference{};
}

image::Platform platform(const std::string& text) {
  auto parsed = image::parsePlatform(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : image::Platform{};
}

class RegistryExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto source = RegistryProcess::start(RegistryProcess::anonymous());
    auto target = RegistryProcess::start(RegistryProcess::anonymous());
    ASSERT_TRUE(source && target);
    source_ = std::move(*source);
    target_ = std::move(*target);
    auto fixture = ImageFixture::create(31);
    ASSERT_TRUE(fixture);
    fixture_ = std::move(*fixture);
    auto image = fixture_->multiPlatform("1.0");  // amd64, arm64/v8, arm/v7, s390x
    ASSERT_TRUE(image);
    RegistryHttpClient client(RegistryEndpoint::of(*source_));
    ASSERT_TRUE(client.push(*image, "team/app", "1.0"));

    config::Config config;  // reached as `copycat run` reaches registries
    config.insecure_registries = {source_->host(), target_->host()};
    config.registry_retry_attempts = 1;  // a stopped registry fails at once
    auto copier = registry::ImageCopier::create(copierOptions(config));
    ASSERT_TRUE(copier) << copier.error().message;
    copier_ = std::move(*copier);
  }

  // linux/amd64 (present) and windows/amd64 (absent) of team/app:1.0 into `repository`.
  controller::MirrorJob job(const std::string& repository) {
    controller::MirrorJob j;
    j.source = imageRef(source_->host() + "/team/app:1.0");
    j.target.registry = target_->host();
    j.target.repository = repository;
    j.target.tag = "1.0";
    j.platforms = {platform("linux/amd64"), platform("windows/amd64")};
    return j;
  }

  std::unique_ptr<RegistryProcess> source_;
  std::unique_ptr<RegistryProcess> target_;
  std::unique_ptr<ImageFixture> fixture_;
  std::unique_ptr<registry::ImageCopier> copier_;
};

TEST_F(RegistryExecutorTest, ReportsAMissingPlatformByDefault) {
  RegistryExecutor executor(*copier_);
  auto outcome = executor.mirror(job("plain"), {});
  ASSERT_TRUE(outcome) << outcome.error().error.describe();
  EXPECT_EQ(outcome->missing_platforms, std::vector<std::string>{"windows/amd64"});
  EXPECT_FALSE(outcome->already_present);
}

TEST_F(RegistryExecutorTest, IgnoreMissingPlatformsSilencesMatchingPlatformsOnly) {
  auto matching =
      MissingPlatformFilter::create({R"(/team/app:1\.0\|windows/amd64$)", "^never-matches$"});
  ASSERT_TRUE(matching) << matching.error().message;
  RegistryExecutor executor(*copier_, {}, std::move(*matching));
  auto outcome = executor.mirror(job("ignored"), {});
  ASSERT_TRUE(outcome) << outcome.error().error.describe();
  EXPECT_TRUE(outcome->missing_platforms.empty());

  // Another source is not covered by the pattern.
  auto other = MissingPlatformFilter::create({R"(^ghcr\.io/.+\|windows/amd64$)"});
  ASSERT_TRUE(other);
  RegistryExecutor executor2(*copier_, {}, std::move(*other));
  auto reported = executor2.mirror(job("other"), {});
  ASSERT_TRUE(reported) << reported.error().error.describe();
  EXPECT_EQ(reported->missing_platforms, std::vector<std::string>{"windows/amd64"});
}

TEST_F(RegistryExecutorTest, AFailureIsBlamedOnTheRegistryThatFailed) {
  RegistryExecutor executor(*copier_);
  source_->stop();
  auto unreachable = executor.mirror(job("down"), {});
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().side, controller::FailedSide::kSource)
      << unreachable.error().error.describe();
  ASSERT_TRUE(source_->restart());

  target_->stop();
  auto unwritable = executor.mirror(job("down"), {});
  ASSERT_FALSE(unwritable);
  EXPECT_EQ(unwritable.error().side, controller::FailedSide::kTarget)
      << unwritable.error().error.describe();
}

}  // namespace
}  // namespace copycat::app
