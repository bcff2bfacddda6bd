#include "policy/target_naming.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <re2/re2.h>

#include "base/crypto.h"
#include "test_patterns.h"

namespace copycat::policy {
namespace {

constexpr const char* kDigest =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr const char* kEcrHost = "123456789012.dkr.ecr.eu-central-1.amazonaws.com";  // 47 chars

image::Reference mustParse(const std::string& text) {
  auto ref = image::parseNormalized(text);
  EXPECT_TRUE(ref.has_value()) << text << ": " << (ref ? "" : ref.error().message);
  return ref.value_or(image::Reference{});
}

TargetName mustName(const NamingInput& input, const NamingOptions& options) {
  auto name = targetFor(input, options);
  EXPECT_TRUE(name.has_value()) << (name ? "" : name.error().message);
  return name.value_or(TargetName{});
}

NamingInput inputFor(const std::string& image) { return NamingInput{.source = mustParse(image)}; }

bool hasNoteContaining(const TargetName& name, const std::string& text) {
  return std::any_of(name.notes.begin(), name.notes.end(),
                     [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

TEST(TargetNamingTest, DockerHubImageKeepsLibraryPathAndTag) {
  // pusher_test.go TestMirrorRecordsPushErrorMetric: docker.io/library/nginx:1.25 -> example.com.
  TargetName name = mustName(inputFor("docker.io/library/nginx:1.25"),
                             NamingOptions{.target_registry = "example.com"});
  EXPECT_EQ(name.str(), "example.com/library/nginx:1.25");
  EXPECT_EQ(name.name(), "example.com/library/nginx");
  EXPECT_EQ(name.pushIdentifier(), "1.25");
  EXPECT_FALSE(name.adjusted);
  EXPECT_TRUE(name.notes.empty());
  EXPECT_EQ(name.requested_repository, "library/nginx");
}

TEST(TargetNamingTest, PrefixTemplateUsesWorkloadMetadata) {
  // pusher_test.go TestResolveRepoPathWithMetadata.
  NamingInput input = inputFor("nginx");
  input.namespace_name = "team-a";
  input.workload_name = "pod-1";
  input.container_name = "app";
  TargetName name =
      mustName(input, NamingOptions{.target_registry = "example.com",
                                    .repo_prefix = "$namespace/$podname/$container_name"});
  EXPECT_EQ(name.str(), "example.com/team-a/pod-1/app/library/nginx:latest");
  EXPECT_FALSE(name.adjusted);
}

TEST(TargetNamingTest, EmptySourcePathBecomesLibraryUnknown) {
  // pusher_test.go TestResolveRepoPathWithArchitectureMetadata.
  NamingInput input{.source = image::Reference{"docker.io", "", "1", ""},
                    .namespace_name = "prod",
                    .arch = "arm64"};
  TargetName name = mustName(
      input, NamingOptions{.target_registry = "example.com", .repo_prefix = "$arch/$namespace"});
  EXPECT_EQ(name.repository, "arm64/prod/library/unknown");
  EXPECT_TRUE(name.adjusted);
  EXPECT_TRUE(hasNoteContaining(name, "library/unknown"));
}

TEST(TargetNamingTest, TagAndDigestAreBothKept) {
  TargetName name = mustName(inputFor(std::string("ghcr.io/org/app:v1@") + kDigest),
                             NamingOptions{.target_registry = "mirror.example.com"});
  EXPECT_EQ(name.str(), std::string("mirror.example.com/org/app:v1@") + kDigest);
  EXPECT_EQ(name.tag, "v1");
  EXPECT_EQ(name.digest, kDigest);
  EXPECT_EQ(name.pushIdentifier(), "v1");
  EXPECT_EQ(name.reference(), (image::Reference{"mirror.example.com", "org/app", "v1", kDigest}));
}

TEST(TargetNamingTest, DigestOnlyStaysDigestOnly) {
  TargetName name = mustName(inputFor(std::string("ghcr.io/org/app@") + kDigest),
                             NamingOptions{.target_registry = "mirror.example.com"});
  EXPECT_EQ(name.str(), std::string("mirror.example.com/org/app@") + kDigest);
  EXPECT_EQ(name.tag, "");
  EXPECT_EQ(name.pushIdentifier(), kDigest);
}

TEST(TargetNamingTest, PathMapIsAppliedToTheSourcePath) {
  auto mapper = PathMapper::create({{"^legacy/(.*)", "modern/$1", true}});
  ASSERT_TRUE(mapper.has_value());
  TargetName name =
      mustName(inputFor("quay.io/legacy/service:2"), NamingOptions{.target_registry = "example.com",
                                                                   .repo_prefix = "$registry",
                                                                   .path_map = &*mapper});
  EXPECT_EQ(name.str(), "example.com/quay.io/modern/service:2");
  EXPECT_FALSE(name.adjusted);
}

TEST(TargetNamingTest, RegistryPlaceholderWithPortIsNotAnAdjustment) {
  TargetName name =
      mustName(inputFor("localhost:5000/app:1"),
               NamingOptions{.target_registry = "example.com", .repo_prefix = "$registry"});
  EXPECT_EQ(name.repository, "localhost-5000/app");
  EXPECT_FALSE(name.adjusted);
  TargetName hub = mustName(inputFor("nginx"), NamingOptions{.target_registry = "example.com",
                                                             .repo_prefix = "$registry"});
  EXPECT_EQ(hub.repository, "docker.io/library/nginx");
}

TEST(TargetNamingTest, TargetRegistryPathGoesFirst) {
  NamingInput input = inputFor("nginx:1");
  input.namespace_name = "ns";
  TargetName name =
      mustName(input, NamingOptions{.target_registry = "https://Harbor.Example.com:8443/mirror/",
                                    .repo_prefix = "$namespace"});
  EXPECT_EQ(name.registry, "harbor.example.com:8443");
  EXPECT_EQ(name.repository, "mirror/ns/library/nginx");
  EXPECT_FALSE(name.adjusted);
}

struct SanitizeCase {
  const char* prefix;
  const char* want_repository;
  const char* note;
};

TEST(TargetNamingTest, InvalidPrefixesAreSanitisedAndReported) {
  const SanitizeCase cases[] = {
      {"Team A/$namespace", "team-a/ns/library/nginx", "lower-cased"},
      {"Team A/$namespace", "team-a/ns/library/nginx", "replaced invalid characters"},
      {"__mirror__/x", "mirror/x/library/nginx", "trimmed separators"},
      {"a..b", "a-b/library/nginx", "separator runs"},
      {"mirror/$unknown", "mirror/unknown/library/nginx", "replaced invalid characters"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.prefix);
    NamingInput input = inputFor("nginx");
    input.namespace_name = "ns";
    TargetName name =
        mustName(input, NamingOptions{.target_registry = "example.com", .repo_prefix = c.prefix});
    EXPECT_EQ(name.repository, c.want_repository);
    EXPECT_TRUE(name.adjusted);
    EXPECT_TRUE(hasNoteContaining(name, c.note));
  }
}

TEST(TargetNamingTest, MappedPathToNothingFallsBackToLibraryUnknown) {
  auto mapper = PathMapper::create({{".*", "", true}});
  ASSERT_TRUE(mapper.has_value());
  TargetName name = mustName(inputFor("ghcr.io/org/app:1"),
                             NamingOptions{.target_registry = "example.com", .path_map = &*mapper});
  EXPECT_EQ(name.repository, "library/unknown");
  EXPECT_TRUE(name.adjusted);
}

// host "r.example" (9) + '/' leaves 245 characters for the repository.
TEST(TargetNamingTest, GenericNameOf255CharactersIsKept) {
  NamingInput input{.source = image::Reference{"ghcr.io", std::string(245, 'a'), "v1", ""}};
  TargetName name = mustName(input, NamingOptions{.target_registry = "r.example"});
  EXPECT_EQ(name.name().size(), 255u);
  EXPECT_EQ(name.repository, std::string(245, 'a'));
  EXPECT_FALSE(name.adjusted);
}

TEST(TargetNamingTest, GenericNameOf256CharactersIsShortenedWithStableHash) {
  NamingInput input{.source = image::Reference{"ghcr.io", std::string(246, 'a'), "v1", ""}};
  TargetName name = mustName(input, NamingOptions{.target_registry = "r.example"});
  // 934f3812 = first 8 hex digits of sha256("a" * 246), computed independently (Python hashlib).
  EXPECT_EQ(name.repository, std::string(236, 'a') + "-934f3812");
  EXPECT_EQ(name.name().size(), 255u);
  EXPECT_TRUE(name.adjusted);
  EXPECT_TRUE(
      hasNoteContaining(name, "shortened from 246 to 245 characters with hash suffix 934f3812"));
  EXPECT_EQ(targetFor(input, NamingOptions{.target_registry = "r.example"})->repository,
            name.repository);
}

TEST(TargetNamingTest, ShortenedEcrNamesFitTheFullNameLimitAndStayDistinct) {
  std::string common = "team/" + std::string(250, 'b');  // 255 characters
  NamingInput first{.source = image::Reference{"ghcr.io", common, "1", ""}};
  NamingInput second{.source = image::Reference{"ghcr.io", common + "/x", "1", ""}};
  NamingOptions options{.kind = TargetKind::kEcr, .target_registry = kEcrHost};
  TargetName a = mustName(first, options);
  TargetName b = mustName(second, options);
  // 0fe5d954 = sha256("team/" + "b" * 250)[:8], computed independently.
  EXPECT_EQ(a.repository, "team/" + std::string(255 - 47 - 1 - 9 - 5, 'b') + "-0fe5d954");
  EXPECT_EQ(a.name().size(), 255u);
  EXPECT_NE(a.repository, b.repository);
  EXPECT_EQ(b.repository.substr(b.repository.size() - 8),
            crypto::sha256Hex(common + "/x").substr(0, 8));
}

TEST(TargetNamingTest, TruncationNeverLeavesASeparatorBeforeTheHash) {
  // Cut position (236) falls right after "a__" / "a/": the separators are dropped.
  for (const std::string& tail :
       {std::string("__bbbbbbbbbbbbbbb"), std::string("/bbbbbbbbbbbbbbbb")}) {
    SCOPED_TRACE(tail);
    std::string path = std::string(235, 'a') + tail;
    NamingInput input{.source = image::Reference{"ghcr.io", path, "1", ""}};
    TargetName name = mustName(input, NamingOptions{.target_registry = "r.example"});
    EXPECT_EQ(name.repository, std::string(235, 'a') + "-" + crypto::sha256Hex(path).substr(0, 8));
  }
}

TEST(TargetNamingTest, EcrNamesShorterThanTwoCharactersArePadded) {
  NamingInput input{.source = image::Reference{"ghcr.io", "x", "1", ""}};
  TargetName ecr =
      mustName(input, NamingOptions{.kind = TargetKind::kEcr, .target_registry = kEcrHost});
  // 2d711642 = sha256("x")[:8], computed independently.
  EXPECT_EQ(ecr.repository, "x-2d711642");
  EXPECT_TRUE(ecr.adjusted);
  TargetName generic = mustName(input, NamingOptions{.target_registry = "example.com"});
  EXPECT_EQ(generic.repository, "x");
  EXPECT_FALSE(generic.adjusted);
}

TEST(TargetNamingTest, VeryLongHostsLeaveOnlyTheHashOrFail) {
  std::string host = std::string(63, 'h') + "." + std::string(63, 'h') + "." +
                     std::string(63, 'h') + "." +
                     std::string(56, 'h');  // 248 characters: 6 left for the repository
  EXPECT_EQ(host.size(), 248u);
  auto failed = targetFor(inputFor("nginx"), NamingOptions{.target_registry = host});
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::kInvalidArgument);
  std::string shorter = host.substr(2);  // 246 characters: exactly 8 left
  TargetName name = mustName(inputFor("nginx"), NamingOptions{.target_registry = shorter});
  EXPECT_EQ(name.repository, crypto::sha256Hex("library/nginx").substr(0, 8));
  EXPECT_EQ(name.name().size(), 255u);
}

TEST(TargetNamingTest, InvalidTargetRegistriesAreRejected) {
  for (const char* registry : {"", "  ", "https://", "bad host", "exa_mple.com", "example.com:port",
                               "-a.example.com", "a..b", "example.com:", "[zz]:5000"}) {
    SCOPED_TRACE(registry);
    auto name = targetFor(inputFor("nginx"), NamingOptions{.target_registry = registry});
    ASSERT_FALSE(name.has_value());
    EXPECT_EQ(name.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(TargetNamingTest, TargetRegistryParsing) {
  struct Case {
    const char* text;
    const char* host;
    const char* path;
  };
  const Case cases[] = {
      {"example.com", "example.com", ""},
      {"Example.COM:5000", "example.com:5000", ""},
      {"http://localhost:5000/", "localhost:5000", ""},
      {"index.docker.io/myorg", "docker.io", "myorg"},
      {"harbor.example.com/a/b", "harbor.example.com", "a/b"},
      {"[::1]:5000", "[::1]:5000", ""},
      {"registry", "registry", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto parsed = parseTargetRegistry(c.text);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
    EXPECT_EQ(parsed->host, c.host);
    EXPECT_EQ(parsed->path, c.path);
  }
}

// Property: for awkward prefixes and long paths, every name is valid for its kind, fits the
// limits, and parses back with our reference parser into the same parts.
TEST(TargetNamingTest, GeneratedNamesAreAlwaysValidForTheTargetKind) {
  re2::RE2 ecr_pattern{std::string(kEcrRepositoryNamePattern)};
  re2::RE2 distribution_pattern{std::string(kDistributionPathPattern)};
  const std::vector<std::string> prefixes = {
      "",           "$namespace",
      "UPPER/Case", "a..b/__c__",
      "--",         "x/$arch/$registry/y",
      "ä ö",        std::string(120, 'p') + "/" + std::string(120, 'q'),
      "/////",      "a_-_b"};
  const std::vector<std::string> images = {"nginx", "localhost:5000/a/b:1",
                                           std::string("ghcr.io/o/") + std::string(200, 'z') + ":t",
                                           std::string("quay.io/x@") + kDigest};
  for (TargetKind kind : {TargetKind::kGeneric, TargetKind::kEcr}) {
    for (const std::string& prefix : prefixes) {
      for (const std::string& image : images) {
        SCOPED_TRACE(prefix + " | " + image);
        NamingInput input = inputFor(image);
        input.namespace_name = "ns";
        const char* host = kind == TargetKind::kEcr ? kEcrHost : "registry.example.com:5000";
        TargetName name = mustName(
            input, NamingOptions{.kind = kind, .target_registry = host, .repo_prefix = prefix});
        EXPECT_TRUE(re2::RE2::FullMatch(name.repository, distribution_pattern)) << name.repository;
        EXPECT_LE(name.name().size(), image::kNameTotalLengthMax);
        if (kind == TargetKind::kEcr) {
          EXPECT_TRUE(re2::RE2::FullMatch(name.repository, ecr_pattern)) << name.repository;
          EXPECT_GE(name.repository.size(), kEcrRepositoryNameMin);
          EXPECT_LE(name.repository.size(), kEcrRepositoryNameMax);
        }
        EXPECT_EQ(name.adjusted, !name.notes.empty());
        auto parsed = image::parseNormalized(name.str());
        ASSERT_TRUE(parsed.has_value()) << name.str() << ": " << parsed.error().message;
        EXPECT_EQ(*parsed, name.reference());
      }
    }
  }
}

}  // namespace
}  // namespace copycat::policy
