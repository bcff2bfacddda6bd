// The controller benchmark's images: sets of small single-platform images that share their
// base layers (byte-identical, as images built FROM one base image share them) and own one
// small layer each. They are built with ImageFixture and pushed byte for byte into the source
// registry with RegistryHttpClient, which shares no code with copycat.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "support/image_fixture.h"
#include "support/image_fixture_client.h"

namespace copycat::bench {

struct ImageSetSpec {
  std::string registry_host{};  // "127.0.0.1:<port>" of the source registry
  std::string repo_prefix = "bench";
  std::string name_prefix = "app";  // repositories <repo_prefix>/<name_prefix>-NNN
  std::string tag = "1.0";
  int count = 200;
  std::vector<uint64_t> base_kib{1024, 512, 256};  // shared layers, bottom first
  uint64_t unique_kib = 16;                        // the one layer of each image's own
  uint64_t base_seed = 7001;  // equal seeds and sizes give byte-identical base layers
};

struct BenchImage {
  std::string repository{};  // "bench/app-007"
  std::string tag{};
  std::string reference{};                                // "127.0.0.1:<port>/bench/app-007:1.0"
  std::string digest{};                                   // the manifest's digest
  std::vector<std::pair<std::string, uint64_t>> blobs{};  // digest, size: config + layers
};

// Builds `spec.count` images (Docker and OCI media types alternating) in `fixture` and pushes
// them. Errors: the fixture's or the push's.
[[nodiscard]] Result<std::vector<BenchImage>> pushImageSet(testing::ImageFixture& fixture,
                                                           testing::RegistryHttpClient& client,
                                                           const ImageSetSpec& spec);

// Blobs over a list of images: distinct ones (what a mirror that mounts shared layers must
// transfer) and references (what one that copies every image whole transfers).
struct BlobCensus {
  size_t distinct_blobs = 0;
  uint64_t distinct_bytes = 0;
  size_t referenced_blobs = 0;
  uint64_t referenced_bytes = 0;
};
[[nodiscard]] BlobCensus blobCensus(const std::vector<BenchImage>& images);

}  // namespace copycat::bench
