// `copycat copy` end to end: real distribution registries (test/support/registry_harness.h),
// images pushed independently of copycat, and skopeo as the independent judge of what was
// copied.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/run_copycat.h"
#include "support/image_fixture.h"
#include "support/image_fixture_client.h"
#include "support/registry_harness.h"

namespace copycat::testing {
namespace {

nlohmann::json lastJsonLine(const std::string& out) {
  auto pos = out.rfind("\n{");
  auto start = out.front() == '{' && pos == std::string::npos ? 0 : pos + 1;
  return nlohmann::json::parse(out.substr(start), nullptr, false);
}

class CopyCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    source_ = RegistryProcess::start(RegistryProcess::anonymous()).value().release();
    target_ = RegistryProcess::start(RegistryProcess::anonymous()).value().release();
    config_ = (std::filesystem::temp_directory_path() /
               ("copycat-copy-cli-" + std::to_string(::getpid()) + ".yaml"))
                  .string();
    std::ofstream(config_) << "logLevel: warn\n";
  }
  static void TearDownTestSuite() {
    delete source_;
    delete target_;
    std::filesystem::remove(config_);
  }

  static std::string flags() {
    return " --insecure-registry " + source_->host() + " --insecure-registry " + target_->host() +
           " --config " + config_ + " -o json";
  }

  static FixtureImage push(const FixtureImage& image, const std::string& repo) {
    RegistryHttpClient client(RegistryEndpoint::of(*source_));
    auto pushed = client.push(image, repo, image.tag);
    EXPECT_TRUE(pushed) << pushed.error().message;
    return image;
  }

  static inline RegistryProcess* source_ = nullptr;
  static inline RegistryProcess* target_ = nullptr;
  static inline std::string config_;
};

TEST_F(CopyCommandTest, CopiesAnIndexByteForByteAndKeepsTheSourceTag) {
  auto fixture = ImageFixture::create(7).value();
  auto image = push(fixture->multiPlatform("v1").value(), "team/app");
  auto r = runCopycat("copy " + source_->host() + "/team/app:v1 " + target_->host() +
                      "/mirror/app" + flags());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = lastJsonLine(r.stdout_text);
  EXPECT_EQ(j["targetDigest"], image.root.digest) << r.out;
  EXPECT_EQ(j["outcome"], "copied");
  auto digest = skopeoDigest("docker://" + target_->host() + "/mirror/app:v1");
  ASSERT_TRUE(digest) << digest.error().message;
  EXPECT_EQ(*digest, image.root.digest);

  auto warm = runCopycat("copy " + source_->host() + "/team/app:v1 " + target_->host() +
                         "/mirror/app:v1" + flags());
  ASSERT_EQ(warm.exit_code, 0) << warm.out;
  auto w = lastJsonLine(warm.stdout_text);
  EXPECT_EQ(w["outcome"], "up_to_date") << warm.out;
  int64_t requests = 0;
  for (const auto& [host, n] : w["requests"].items()) {
    requests += n.get<int64_t>();
  }
  EXPECT_LE(requests, 2) << warm.out;
}

TEST_F(CopyCommandTest, PlatformFilterPushesAnIndexOfExactlyThoseChildren) {
  auto fixture = ImageFixture::create(8).value();
  auto image = push(fixture->multiPlatform("v2").value(), "team/multi");
  auto r = runCopycat("copy " + source_->host() + "/team/multi:v2 " + target_->host() +
                      "/filtered/multi:v2 --platform linux/arm64" + flags());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto raw = skopeoInspectRaw("docker://" + target_->host() + "/filtered/multi:v2");
  ASSERT_TRUE(raw) << raw.error().message;
  auto index = nlohmann::json::parse(*raw);
  ASSERT_EQ(index["manifests"].size(), 1u) << *raw;
  const auto* arm = image.child("linux/arm64/v8");
  ASSERT_NE(arm, nullptr);
  EXPECT_EQ(index["manifests"][0]["digest"], arm->digest);
}

TEST_F(CopyCommandTest, DryRunWritesNothing) {
  auto fixture = ImageFixture::create(9).value();
  push(fixture->ociImage("v3").value(), "team/dry");
  auto r = runCopycat("copy --dry-run " + source_->host() + "/team/dry:v3 " + target_->host() +
                      "/dry/app:v3" + flags());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(target_->countRequests("POST", "/v2/dry/"), 0u);
  EXPECT_EQ(target_->countRequests("PUT", "/v2/dry/"), 0u);
  EXPECT_FALSE(skopeoDigest("docker://" + target_->host() + "/dry/app:v3"));
}

TEST_F(CopyCommandTest, MissingSourceFailsWithExitOne) {
  auto r = runCopycat("copy " + source_->host() + "/team/absent:v1 " + target_->host() + "/x/y" +
                      flags());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("copy failed"), std::string::npos) << r.out;
}

TEST_F(CopyCommandTest, BadCredentialsFlagIsAUsageError) {
  auto r = runCopycat("copy " + source_->host() + "/a:1 " + target_->host() +
                      "/b --src-creds nocolon" + flags());
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

}  // namespace
}  // namespace copycat::testing
