// copycat_bench_fixtures: builds the benchmark's test images with ImageFixture (real tar+gzip
// layers of incompressible bytes) and pushes them byte for byte into the SOURCE registry with
// RegistryHttpClient, which shares no code with copycat's copy engine. Prints one line per
// image (tab-separated) for run.sh:
//
//   NAME  REFERENCE  BLOBS  BLOB_BYTES  MANIFESTS  LARGEST_BLOB_DIGEST  LARGEST_BLOB_SIZE
//
// NAME is big-<MiB>m, layers-<N> or platforms-4; REFERENCE is HOST:PORT/<prefix>/NAME:v1.
// MANIFESTS counts the root and an index's children. Exit status 0 on success, 1 on failure.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "base/result.h"
#include "support/image_fixture.h"
#include "support/image_fixture_client.h"

namespace {

using copycat::Result;
using copycat::Status;
using copycat::testing::FixtureBlob;
using copycat::testing::FixtureImage;
using copycat::testing::ImageFixture;
using copycat::testing::RegistryEndpoint;
using copycat::testing::RegistryHttpClient;

struct Flags {
  std::string registry;  // HOST:PORT of the plain-HTTP, anonymous source registry
  std::string prefix = "bench";
  std::vector<uint64_t> big_mib{512};
  int layers = 40;
  bool platforms = true;
  uint64_t seed = 1;
};

const FixtureBlob& largestBlob(const FixtureImage& image) {
  const FixtureBlob* largest = &image.blobs.front();
  for (const auto& blob : image.blobs) {
    if (blob.size > largest->size) {
      largest = &blob;
    }
  }
  return *largest;
}

// Pushes `image` as <prefix>/<name>:<tag> and prints its line.
Status pushAndPrint(RegistryHttpClient& client, const Flags& flags, const std::string& name,
                    const FixtureImage& image) {
  std::string repository = flags.prefix + "/" + name;
  RETURN_IF_ERROR(client.push(image, repository, image.tag));
  const FixtureBlob& largest = largestBlob(image);
  std::cout << fmt::format("{}\t{}/{}:{}\t{}\t{}\t{}\t{}\t{}\n", name, flags.registry, repository,
                           image.tag, image.blobs.size(), image.blobBytes(),
                           1 + image.children.size(), largest.digest, largest.size)
            << std::flush;
  return copycat::ok();
}

// One fixture directory per image, so at most one big layer sits on disk at a time.
template <typename Build>
Status buildAndPush(RegistryHttpClient& client, const Flags& flags, const std::string& name,
                    uint64_t seed, Build build) {
  auto fixture = ImageFixture::create(seed);
  if (!fixture) {
    return copycat::fail(fixture.error().code, fixture.error().message);
  }
  Result<FixtureImage> image = build(**fixture);
  if (!image) {
    return copycat::fail(image.error().code, "building " + name + ": " + image.error().message);
  }
  Status pushed = pushAndPrint(client, flags, name, *image);
  if (!pushed) {
    return copycat::fail(pushed.error().code, "pushing " + name + ": " + pushed.error().message);
  }
  return copycat::ok();
}

Status run(const Flags& flags) {
  RegistryEndpoint endpoint;
  endpoint.host = flags.registry;
  RegistryHttpClient client(endpoint);
  const std::string tag = "v1";
  uint64_t seed = flags.seed;
  for (uint64_t mib : flags.big_mib) {
    if (mib == 0) {
      continue;
    }
    RETURN_IF_ERROR(buildAndPush(client, flags, fmt::format("big-{}m", mib), seed++,
                                 [&](ImageFixture& f) { return f.bigLayer(tag, mib); }));
  }
  if (flags.layers > 0) {
    RETURN_IF_ERROR(buildAndPush(client, flags, fmt::format("layers-{}", flags.layers), seed++,
                                 [&](ImageFixture& f) { return f.manyLayers(tag, flags.layers); }));
  }
  if (flags.platforms) {
    RETURN_IF_ERROR(buildAndPush(client, flags, "platforms-4", seed++,
                                 [&](ImageFixture& f) { return f.multiPlatform(tag); }));
  }
  return copycat::ok();
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  CLI::App app{"Builds the copy-vs-skopeo benchmark images and pushes them to a registry"};
  app.add_option("--registry", flags.registry, "HOST:PORT of the source registry (plain HTTP)")
      ->required();
  app.add_option("--prefix", flags.prefix, "Repository prefix");
  app.add_option("--big-mib", flags.big_mib,
                 "Size in MiB of a one-layer image's layer (repeatable; default 512; 0 = none)")
      ->check(CLI::Range(uint64_t{0}, uint64_t{64} * 1024));
  app.add_option("--layers", flags.layers, "Layer count of the many-layer image (0 = none)")
      ->check(CLI::Range(0, 1000));
  app.add_flag("--platforms,!--no-platforms", flags.platforms,
               "Push the 4-platform OCI index (default on)");
  app.add_option("--seed", flags.seed, "Content seed");
  CLI11_PARSE(app, argc, argv);
  Status status = run(flags);
  if (!status) {
    std::cerr << "copycat_bench_fixtures: " << status.error().message << "\n";
    return 1;
  }
  return 0;
}
