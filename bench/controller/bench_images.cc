#include "bench_images.h"

#include <map>

#include <fmt/format.h>

namespace copycat::bench {

using testing::FixtureImage;
using testing::ImageFormat;
using testing::ImageSpec;
using testing::LayerSpec;

namespace {

ImageSpec specFor(const ImageSetSpec& set, int index) {
  ImageSpec spec;
  spec.format = index % 2 == 0 ? ImageFormat::kDocker : ImageFormat::kOci;
  spec.layers.clear();
  for (size_t i = 0; i < set.base_kib.size(); ++i) {
    spec.layers.push_back(LayerSpec{set.base_kib[i] * 1024, set.base_seed + i});
  }
  spec.layers.push_back(LayerSpec{set.unique_kib * 1024, 0});  // 0: a fresh seed
  return spec;
}

}  // namespace

Result<std::vector<BenchImage>> pushImageSet(testing::ImageFixture& fixture,
                                             testing::RegistryHttpClient& client,
                                             const ImageSetSpec& spec) {
  std::vector<BenchImage> images;
  images.reserve(static_cast<size_t>(spec.count));
  for (int i = 0; i < spec.count; ++i) {
    const std::string name = fmt::format("{}-{:03}", spec.name_prefix, i);
    ASSIGN_OR_RETURN(FixtureImage built, fixture.addImage(name, specFor(spec, i)));
    BenchImage image;
    image.repository = spec.repo_prefix + "/" + name;
    image.tag = spec.tag;
    image.reference = spec.registry_host + "/" + image.repository + ":" + image.tag;
    image.digest = built.root.digest;
    for (const auto& blob : built.blobs) {
      image.blobs.emplace_back(blob.digest, blob.size);
    }
    Status pushed = client.push(built, image.repository, image.tag);
    if (!pushed) {
      return fail(pushed.error().code,
                  "pushing " + image.reference + ": " + pushed.error().message);
    }
    images.push_back(std::move(image));
  }
  return images;
}

BlobCensus blobCensus(const std::vector<BenchImage>& images) {
  std::map<std::string, uint64_t> distinct;
  BlobCensus census;
  for (const auto& image : images) {
    for (const auto& [digest, size] : image.blobs) {
      distinct.emplace(digest, size);
      ++census.referenced_blobs;
      census.referenced_bytes += size;
    }
  }
  census.distinct_blobs = distinct.size();
  for (const auto& [digest, size] : distinct) {
    census.distinct_bytes += size;
  }
  return census;
}

}  // namespace copycat::bench
