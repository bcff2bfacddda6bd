// Hand-written cases for image references: realistic Kubernetes images, the normalisation
// rules, the strict grammar and the accessors. Error classes are in reference_errors_test.cc.
#include "image/reference.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace copycat::image {
namespace {

const std::string kHex = "5b161f051d017e55d358435f295f5e9a297e66158f136321d9b04520ec6c48a3";
const std::string kSha256 = "sha256:" + kHex;
const std::string kSha512 = "sha512:" + kHex + kHex;

struct NormalizeCase {
  std::string input;
  std::string want;      // str() after parseNormalized
  std::string familiar;  // familiar() after parseNormalized
};

std::vector<NormalizeCase> normalizeCases() {
  return {
      {"nginx", "docker.io/library/nginx:latest", "nginx:latest"},
      {"nginx:1.25", "docker.io/library/nginx:1.25", "nginx:1.25"},
      {"nginx:1.25.3-alpine", "docker.io/library/nginx:1.25.3-alpine", "nginx:1.25.3-alpine"},
      {"library/nginx", "docker.io/library/nginx:latest", "nginx:latest"},
      {"docker.io/nginx", "docker.io/library/nginx:latest", "nginx:latest"},
      {"docker.io/library/nginx:stable", "docker.io/library/nginx:stable", "nginx:stable"},
      {"index.docker.io/library/nginx", "docker.io/library/nginx:latest", "nginx:latest"},
      {"index.docker.io/nginx", "docker.io/library/nginx:latest", "nginx:latest"},
      {"index.docker.io/bitnami/redis:7.2", "docker.io/bitnami/redis:7.2", "bitnami/redis:7.2"},
      {"bitnami/redis", "docker.io/bitnami/redis:latest", "bitnami/redis:latest"},
      {"user/app:1", "docker.io/user/app:1", "user/app:1"},
      {"grafana/grafana:10.2.2", "docker.io/grafana/grafana:10.2.2", "grafana/grafana:10.2.2"},
      {"ghcr.io/org/app:v1", "ghcr.io/org/app:v1", "ghcr.io/org/app:v1"},
      {"ghcr.io/org/team/app", "ghcr.io/org/team/app:latest", "ghcr.io/org/team/app:latest"},
      {"quay.io/calico/node:master", "quay.io/calico/node:master", "quay.io/calico/node:master"},
      {"registry.k8s.io/ingress-nginx/controller:v1.9.4@" + kSha256,
       "registry.k8s.io/ingress-nginx/controller:v1.9.4@" + kSha256,
       "registry.k8s.io/ingress-nginx/controller:v1.9.4@" + kSha256},
      {"registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.10.1",
       "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.10.1",
       "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.10.1"},
      {"public.ecr.aws/eks/aws-load-balancer-controller:v2.6.0",
       "public.ecr.aws/eks/aws-load-balancer-controller:v2.6.0",
       "public.ecr.aws/eks/aws-load-balancer-controller:v2.6.0"},
      {"123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/app:1.0.0",
       "123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/app:1.0.0",
       "123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/app:1.0.0"},
      {"mcr.microsoft.com/dotnet/runtime:8.0", "mcr.microsoft.com/dotnet/runtime:8.0",
       "mcr.microsoft.com/dotnet/runtime:8.0"},
      {"nvcr.io/nvidia/k8s-device-plugin:v0.14.1", "nvcr.io/nvidia/k8s-device-plugin:v0.14.1",
       "nvcr.io/nvidia/k8s-device-plugin:v0.14.1"},
      {"gcr.io/distroless/static:nonroot", "gcr.io/distroless/static:nonroot",
       "gcr.io/distroless/static:nonroot"},
      {"gcr.io/distroless/static@" + kSha256, "gcr.io/distroless/static@" + kSha256,
       "gcr.io/distroless/static@" + kSha256},
      {"busybox@" + kSha256, "docker.io/library/busybox@" + kSha256, "busybox@" + kSha256},
      {"busybox:1.36@" + kSha256, "docker.io/library/busybox:1.36@" + kSha256,
       "busybox:1.36@" + kSha256},
      {"example.com:8080/x@" + kSha512, "example.com:8080/x@" + kSha512,
       "example.com:8080/x@" + kSha512},
      {"localhost:5000/foo", "localhost:5000/foo:latest", "localhost:5000/foo:latest"},
      {"localhost/foo", "localhost/foo:latest", "localhost/foo:latest"},
      {"localhost:5000/team/app:dev", "localhost:5000/team/app:dev", "localhost:5000/team/app:dev"},
      {"127.0.0.1:5000/mirror/nginx:1.25", "127.0.0.1:5000/mirror/nginx:1.25",
       "127.0.0.1:5000/mirror/nginx:1.25"},
      {"[::1]:5000/foo:bar", "[::1]:5000/foo:bar", "[::1]:5000/foo:bar"},
      {"[2001:db8::1]/repo", "[2001:db8::1]/repo:latest", "[2001:db8::1]/repo:latest"},
      {"registry.example.com:443/a/b/c/d:e", "registry.example.com:443/a/b/c/d:e",
       "registry.example.com:443/a/b/c/d:e"},
      {"Registry.Example.com/app", "Registry.Example.com/app:latest",
       "Registry.Example.com/app:latest"},
      {"MYREGISTRY/app", "MYREGISTRY/app:latest", "MYREGISTRY/app:latest"},
      {"xn--bcher-kva.example/app", "xn--bcher-kva.example/app:latest",
       "xn--bcher-kva.example/app:latest"},
      {"library/foo/bar", "docker.io/library/foo/bar:latest", "library/foo/bar:latest"},
      {"docker.io/localhost/foo", "docker.io/localhost/foo:latest", "localhost/foo:latest"},
      {"foo:UPPER_case.tag-1", "docker.io/library/foo:UPPER_case.tag-1", "foo:UPPER_case.tag-1"},
      {"foo:_", "docker.io/library/foo:_", "foo:_"},
      {"foo:" + std::string(128, 't'), "docker.io/library/foo:" + std::string(128, 't'),
       "foo:" + std::string(128, 't')},
      {"a", "docker.io/library/a:latest", "a:latest"},
      {"a/b", "docker.io/a/b:latest", "a/b:latest"},
      {"0/1", "docker.io/0/1:latest", "0/1:latest"},
      {"a-b/c__d/e.f/g_h/i---j", "docker.io/a-b/c__d/e.f/g_h/i---j:latest",
       "a-b/c__d/e.f/g_h/i---j:latest"},
      {kHex + ":v1", "docker.io/library/" + kHex + ":v1", kHex + ":v1"},
      // Single components are never domains (normalize.go FIXME): a port becomes a tag.
      {"localhost", "docker.io/library/localhost:latest", "localhost:latest"},
      {"localhost:5000", "docker.io/library/localhost:5000", "localhost:5000"},
      {"example.com", "docker.io/library/example.com:latest", "example.com:latest"},
      // The limit counts the path only: "library/" + 247 = 255 characters.
      {std::string(247, 'a'), "docker.io/library/" + std::string(247, 'a') + ":latest",
       std::string(247, 'a') + ":latest"},
      {"example.com/" + std::string(255, 'a'), "example.com/" + std::string(255, 'a') + ":latest",
       "example.com/" + std::string(255, 'a') + ":latest"},
  };
}

TEST(ReferenceTest, NormalizesRealisticImagesToFullAndFamiliarForms) {
  for (const NormalizeCase& c : normalizeCases()) {
    SCOPED_TRACE(c.input);
    Result<Reference> got = parseNormalized(c.input);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->str(), c.want);
    EXPECT_EQ(got->familiar(), c.familiar);
  }
}

TEST(ReferenceTest, NormalizedReferencesRoundTripThroughStr) {
  for (const NormalizeCase& c : normalizeCases()) {
    SCOPED_TRACE(c.input);
    Result<Reference> got = parseNormalized(c.input);
    ASSERT_TRUE(got.has_value());
    Result<Reference> again = parseNormalized(got->str());
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_EQ(*again, *got);
  }
}

TEST(ReferenceTest, DockerHubShortNameExpandsToLibrary) {
  Result<Reference> got = parseNormalized("nginx");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->registry, "docker.io");
  EXPECT_EQ(got->repository, "library/nginx");
  EXPECT_EQ(got->tag, "latest");
  EXPECT_EQ(got->digest, "");
  EXPECT_TRUE(got->isDockerHub());
  EXPECT_EQ(got->apiHost(), "registry-1.docker.io");
  EXPECT_EQ(got->name(), "docker.io/library/nginx");
  EXPECT_EQ(got->familiarName(), "nginx");
}

TEST(ReferenceTest, TagAndDigestAreBothKept) {
  Result<Reference> got = parseNormalized("ghcr.io/org/app:v1@" + kSha256);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->tag, "v1");
  EXPECT_EQ(got->digest, kSha256);
  EXPECT_EQ(got->identifier(), kSha256);
  EXPECT_FALSE(got->isDockerHub());
  EXPECT_EQ(got->apiHost(), "ghcr.io");
}

TEST(ReferenceTest, DigestOnlyReferenceGetsNoDefaultTag) {
  Result<Reference> got = parseNormalized("busybox@" + kSha256);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->tag, "");
  EXPECT_EQ(got->identifier(), kSha256);
}

TEST(ReferenceTest, IdentifierIsTagWithoutDigest) {
  Result<Reference> got = parseNormalized("localhost:5000/app");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->identifier(), "latest");
  EXPECT_EQ(got->apiHost(), "localhost:5000");
}

TEST(ReferenceTest, NormalizedNamedAddsNoDefaultTag) {
  Result<Reference> got = parseNormalizedNamed("nginx");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->str(), "docker.io/library/nginx");
}

TEST(ReferenceTest, InvalidDomainWithDotIsReadAsPathWithoutRegistry) {
  Result<Reference> got = parseNormalized("foo_bar.com/x");
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->registry, "");
  EXPECT_EQ(got->repository, "foo_bar.com/x");
  EXPECT_EQ(got->str(), "foo_bar.com/x:latest");
  EXPECT_EQ(got->apiHost(), "");
}

TEST(ReferenceTest, DockerRefDropsTagWhenDigestPresent) {
  Result<Reference> got = parseDockerRef("nginx:1.25@" + kSha256);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->str(), "docker.io/library/nginx@" + kSha256);
  got = parseDockerRef("nginx");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->str(), "docker.io/library/nginx:latest");
}

struct StrictCase {
  std::string input;
  std::string registry;
  std::string repository;
  std::string tag;
  std::string digest;
};

TEST(ReferenceTest, StrictParseSplitsDomainByGrammarOnly) {
  const std::vector<StrictCase> cases = {
      {"nginx", "", "nginx", "", ""},
      {"library/nginx", "library", "nginx", "", ""},
      {"a/b/c", "a", "b/c", "", ""},
      {"test_com/foo", "", "test_com/foo", "", ""},
      {"ghcr.io/org/app:v1", "ghcr.io", "org/app", "v1", ""},
      {"localhost:5000/app", "localhost:5000", "app", "", ""},
      {"localhost:8080", "", "localhost", "8080", ""},
      {"Foo/bar", "Foo", "bar", "", ""},
      {"[::1]:5000/app@" + kSha256, "[::1]:5000", "app", "", kSha256},
      {"index.docker.io/nginx", "index.docker.io", "nginx", "", ""},
      {"docker.io/nginx:1@" + kSha256, "docker.io", "nginx", "1", kSha256},
  };
  for (const StrictCase& c : cases) {
    SCOPED_TRACE(c.input);
    Result<Reference> got = parseStrict(c.input);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->registry, c.registry);
    EXPECT_EQ(got->repository, c.repository);
    EXPECT_EQ(got->tag, c.tag);
    EXPECT_EQ(got->digest, c.digest);
    EXPECT_EQ(got->str(), c.input);
  }
}

TEST(ReferenceTest, CanonicalParseAcceptsOnlyFullyQualifiedForms) {
  for (const std::string& ok :
       {std::string("docker.io/library/nginx:latest"), std::string("ghcr.io/org/app:v1"),
        std::string("docker.io/bitnami/redis@") + kSha256}) {
    SCOPED_TRACE(ok);
    Result<Reference> got = parseCanonical(ok);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->str(), ok);
  }
  for (const char* bad : {"nginx", "docker.io/nginx", "index.docker.io/library/nginx",
                          "library/nginx:latest", "bitnami/redis"}) {
    SCOPED_TRACE(bad);
    Result<Reference> got = parseCanonical(bad);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().message, kErrNameNotCanonical);
  }
}

TEST(ReferenceTest, WithTagAndWithDigestReplaceParts) {
  Result<Reference> ref = withName("ghcr.io/org/app");
  ASSERT_TRUE(ref.has_value());
  ref = withTag(*ref, "v2");
  ASSERT_TRUE(ref.has_value());
  ref = withDigest(*ref, kSha256);
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->str(), "ghcr.io/org/app:v2@" + kSha256);
  ref = withTag(*ref, "v3");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->str(), "ghcr.io/org/app:v3@" + kSha256);
}

TEST(ReferenceTest, NameWithoutRegistryPrintsPathOnly) {
  Reference ref{"", "foo/bar", "1", ""};
  EXPECT_EQ(ref.name(), "foo/bar");
  EXPECT_EQ(ref.str(), "foo/bar:1");
  EXPECT_EQ(ref.familiar(), "foo/bar:1");
}

}  // namespace
}  // namespace copycat::image
