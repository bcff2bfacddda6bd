// Which registry a failed copy is blamed on, for the pull/push error counters.
#include <string>

#include <gtest/gtest.h>

#include "app/registry_executor.h"

namespace copycat::app {
namespace {

using controller::FailedSide;

image::Reference parsed(const std::string& text) {
  auto reference = image::parseNormalized(text);
  EXPECT_TRUE(reference) << text;
  return reference ? *reference : image::Reference{};
}

FailedSide sideOf(const std::string& message, const std::string& source,
                  const std::string& target) {
  return failedSide(Error(ErrorCode::kUnavailable, message), parsed(source), parsed(target));
}

TEST(FailedSideTest, ARequestNamedByReference) {
  const std::string src = "ghcr.io/org/app:1.0";
  const std::string dst = "registry.example.com:5000/mirror/app:1.0";
  EXPECT_EQ(sideOf("copying ghcr.io/org/app:1.0 to registry.example.com:5000/mirror/app:1.0: "
                   "PUT manifest registry.example.com:5000/mirror/app:1.0: denied",
                   src, dst),
            FailedSide::kTarget);
  EXPECT_EQ(sideOf("copying ghcr.io/org/app:1.0 to registry.example.com:5000/mirror/app:1.0: "
                   "GET manifest ghcr.io/org/app:1.0: not found",
                   src, dst),
            FailedSide::kSource);
}

TEST(FailedSideTest, ARequestNamedByUrl) {
  const std::string src = "127.0.0.1:47923/team/app:v1";
  const std::string dst = "127.0.0.1:47431/team/app:v1";
  // A stopped source registry: curl names the URL.
  EXPECT_EQ(sideOf("copying 127.0.0.1:47923/team/app:v1 to 127.0.0.1:47431/team/app:v1: HEAD "
                   "http://127.0.0.1:47923/v2/team/app/manifests/v1: couldn't connect",
                   src, dst),
            FailedSide::kSource);
  EXPECT_EQ(sideOf("copying 127.0.0.1:47923/team/app:v1 to 127.0.0.1:47431/team/app:v1: blob "
                   "sha256:ab: PUT https://127.0.0.1:47431/v2/team/app/blobs/uploads/x: 500",
                   src, dst),
            FailedSide::kTarget);
  // Docker Hub is reached at registry-1.docker.io.
  EXPECT_EQ(sideOf("GET https://registry-1.docker.io/v2/library/nginx/manifests/1.25: 429",
                   "nginx:1.25", dst),
            FailedSide::kSource);
}

TEST(FailedSideTest, TheRepositoryDecidesOnASharedHost) {
  const std::string src = "registry.example.com/team/app:1";
  const std::string dst = "registry.example.com/mirror/team/app:1";
  EXPECT_EQ(sideOf("HEAD https://registry.example.com/v2/team/app/manifests/1: 503", src, dst),
            FailedSide::kSource);
  EXPECT_EQ(
      sideOf("HEAD https://registry.example.com/v2/mirror/team/app/manifests/1: 503", src, dst),
      FailedSide::kTarget);
  // "team/app" is not a prefix match of "team/app2".
  EXPECT_EQ(sideOf("HEAD https://registry.example.com/v2/team/app2/manifests/1: 503", src, dst),
            FailedSide::kTarget);  // neither repository: the host decides, target first
}

TEST(FailedSideTest, NeitherRegistryNamed) {
  EXPECT_EQ(sideOf("GET https://auth.example.com/token: 401", "ghcr.io/org/app:1",
                   "registry.example.com/org/app:1"),
            FailedSide::kUnknown);
  EXPECT_EQ(sideOf("cancelled", "ghcr.io/org/app:1", "registry.example.com/org/app:1"),
            FailedSide::kUnknown);
}

}  // namespace
}  // namespace copycat::app
