// Test images built in memory and stored in a FakeRegistry: deterministic pseudo-random
// layers, Docker schema 2 / OCI manifests, indexes with platform children and BuildKit-style
// attestation manifests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry/fake_registry.h"

namespace copycat::registry::testing {

// Deterministic bytes from `seed`.
std::string randomBytes(size_t size, uint32_t seed);

struct ImageSpec {
  bool oci = true;  // false: Docker schema 2
  int layers = 2;
  size_t layer_bytes = 1024;
  uint32_t seed = 1;
  std::string os = "linux";
  std::string architecture = "amd64";
  std::string variant{};
};

struct TestManifest {
  std::string bytes;
  std::string media_type;
  std::string digest;
  std::vector<std::string> blobs;  // config first, then layers
  std::string platform;            // "linux/amd64" ("" for attestations)
};

// Stores the blobs and the manifest in `repo` (by digest, and by `tag` when not empty).
TestManifest pushImage(FakeRegistry& registry, const std::string& repo, const std::string& tag,
                       const ImageSpec& spec);

// An in-toto attestation manifest for `subject_digest`, stored by digest.
TestManifest pushAttestation(FakeRegistry& registry, const std::string& repo,
                             const std::string& subject_digest, uint32_t seed);

// An index over `children` (their platforms, attestations marked with
// vnd.docker.reference.type), stored by digest and `tag`.
TestManifest pushIndex(FakeRegistry& registry, const std::string& repo, const std::string& tag,
                       const std::vector<TestManifest>& children, bool oci = true);

}  // namespace copycat::registry::testing
