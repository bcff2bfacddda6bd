#include "policy/registry_exclusion.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace copycat::policy {
namespace {

constexpr const char* kDigest =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

image::Reference mustParse(const std::string& text) {
  auto ref = image::parseNormalized(text);
  EXPECT_TRUE(ref.has_value()) << text << ": " << (ref ? "" : ref.error().message);
  return ref.value_or(image::Reference{});
}

RegistryExclusion mustCreate(const std::vector<std::string>& entries) {
  auto exclusion = RegistryExclusion::create(entries);
  EXPECT_TRUE(exclusion.has_value()) << (exclusion ? "" : exclusion.error().message);
  return exclusion.value_or(RegistryExclusion());
}

struct MatchCase {
  std::string image;
  std::optional<std::string> want;  // the normalised entry that matches
};

void expectMatches(const RegistryExclusion& exclusion, const std::vector<MatchCase>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.image);
    image::Reference ref = mustParse(c.image);
    EXPECT_EQ(exclusion.match(ref), c.want);
    EXPECT_EQ(exclusion.isExcluded(ref), c.want.has_value());
  }
}

// internal/mirror/pusher_test.go TestMatchExcludedRegistry, re-expressed.
TEST(RegistryExclusionTest, UpstreamBoundaryCases) {
  RegistryExclusion exclusion = mustCreate({"example.com", "registry.gitlab.com/group"});
  expectMatches(exclusion,
                {
                    {"example.com/repo:tag", "example.com"},
                    {"registry.gitlab.com/group/sub/app:latest", "registry.gitlab.com/group"},
                    {"registry.gitlab.com/group-other/app:latest", std::nullopt},
                    {"docker.io/library/nginx:latest", std::nullopt},
                });
}

TEST(RegistryExclusionTest, DockerHubHostCoversEverySpelling) {
  RegistryExclusion exclusion = mustCreate({"docker.io"});
  expectMatches(exclusion, {
                               {"nginx", "docker.io"},
                               {"nginx:1.25", "docker.io"},
                               {"user/app", "docker.io"},
                               {"docker.io/library/nginx", "docker.io"},
                               {"index.docker.io/library/nginx:1", "docker.io"},
                               {std::string("nginx@") + kDigest, "docker.io"},
                               {"ghcr.io/org/app", std::nullopt},
                               {"docker.io.example.com/app", std::nullopt},
                           });
}

TEST(RegistryExclusionTest, PathEntriesMatchAtComponentBoundaries) {
  RegistryExclusion exclusion = mustCreate({"ghcr.io/org", "docker.io/library"});
  expectMatches(exclusion, {
                               {"ghcr.io/org/app:1", "ghcr.io/org"},
                               {"ghcr.io/org/team/app", "ghcr.io/org"},
                               {"ghcr.io/org", "ghcr.io/org"},
                               {"ghcr.io/org-other/app", std::nullopt},
                               {"ghcr.io/organisation/app", std::nullopt},
                               {"ghcr.io/other/org", std::nullopt},
                               {"nginx:1.25", "docker.io/library"},
                               {"docker.io/library/redis", "docker.io/library"},
                               {"user/app", std::nullopt},
                           });
}

TEST(RegistryExclusionTest, HostEntriesNeverMatchAcrossAPort) {
  RegistryExclusion exclusion = mustCreate({"localhost"});
  expectMatches(exclusion, {{"localhost/app", "localhost"}, {"localhost:5000/app", std::nullopt}});
  RegistryExclusion with_port = mustCreate({"localhost:5000"});
  expectMatches(with_port,
                {{"localhost:5000/app:1", "localhost:5000"}, {"localhost:5001/app", std::nullopt}});
}

TEST(RegistryExclusionTest, OneComponentDockerHubEntryCoversImageAndNamespace) {
  RegistryExclusion exclusion = mustCreate({"nginx"});
  expectMatches(exclusion, {
                               {"nginx:1.25", "docker.io/nginx"},
                               {"docker.io/library/nginx", "docker.io/nginx"},
                               {"nginx/nginx-ingress:3", "docker.io/nginx"},
                               {"nginx-proxy", std::nullopt},
                               {"bitnami/nginx", std::nullopt},
                           });
}

TEST(RegistryExclusionTest, EntriesWithTagOrDigestMatchThatImageOnly) {
  RegistryExclusion exclusion = mustCreate({"docker.io/library/nginx:1.25"});
  expectMatches(exclusion,
                {
                    {"nginx:1.25", "docker.io/library/nginx:1.25"},
                    {std::string("nginx:1.25@") + kDigest, "docker.io/library/nginx:1.25"},
                    {"nginx:1.25.1", std::nullopt},
                    {"nginx", std::nullopt},
                });
  RegistryExclusion by_repo = mustCreate({"docker.io/library/nginx"});
  expectMatches(by_repo, {{std::string("nginx@") + kDigest, "docker.io/library/nginx"}});
}

TEST(RegistryExclusionTest, ReferenceHostsCompareCaseInsensitively) {
  RegistryExclusion exclusion = mustCreate({"GHCR.io/org"});
  image::Reference ref{"GHCR.IO", "org/app", "1", ""};
  EXPECT_EQ(exclusion.match(ref), "ghcr.io/org");
}

TEST(RegistryExclusionTest, EntriesAreNormalised) {
  struct Case {
    const char* entry;
    const char* want;
  };
  const Case cases[] = {
      {"docker.io", "docker.io"},
      {"index.docker.io", "docker.io"},
      {"registry-1.docker.io", "docker.io"},
      {"https://Index.Docker.io/", "docker.io"},
      {"HTTP://GHCR.IO/org", "ghcr.io/org"},
      {"  quay.io  ", "quay.io"},
      {"registry.gitlab.com/team/", "registry.gitlab.com/team"},
      {"docker.io/library//", "docker.io/library"},
      {"library", "docker.io/library"},
      {"user/app", "docker.io/user/app"},
      {"LocalHost/app", "localhost/app"},
      {"", ""},
      {"   ", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.entry);
    EXPECT_EQ(normalizeExclusionEntry(c.entry), c.want);
  }
}

TEST(RegistryExclusionTest, EntriesAreDeduplicatedAndSorted) {
  // pusher_test.go TestNewPusherConfiguresExcludedRegistries, plus merging of aliases.
  RegistryExclusion exclusion =
      mustCreate({"registry.gitlab.com/team/", "", "index.docker.io", "docker.io", " "});
  std::vector<std::string> want = {"docker.io", "registry.gitlab.com/team"};
  EXPECT_EQ(exclusion.entries(), want);
}

TEST(RegistryExclusionTest, EmptyExclusionMatchesNothing) {
  RegistryExclusion exclusion;
  EXPECT_FALSE(exclusion.isExcluded(mustParse("nginx")));
  EXPECT_TRUE(exclusion.entries().empty());
}

TEST(RegistryExclusionTest, InvalidEntriesAreRejectedWithTheirIndex) {
  struct Case {
    std::vector<std::string> entries;
    const char* message;
  };
  const Case cases[] = {
      {{"docker.io", "ghcr io"}, "excludeRegistries[1]: invalid entry \"ghcr io\""},
      {{"*"}, "excludeRegistries[0]: invalid entry \"*\""},
      {{"quay.io//org"}, "excludeRegistries[0]: invalid entry \"quay.io//org\""},
      {{"", "ghcr.io/org?"}, "excludeRegistries[1]: invalid entry \"ghcr.io/org?\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    auto exclusion = RegistryExclusion::create(c.entries);
    ASSERT_FALSE(exclusion.has_value());
    EXPECT_EQ(exclusion.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(exclusion.error().message, c.message);
  }
}

}  // namespace
}  // namespace copycat::policy
