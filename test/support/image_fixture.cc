#include "support/image_fixture.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace copycat::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;  // keeps fields in the order real tools write them

Status writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return out ? ok() : fail(ErrorCode::kInternal, "cannot write " + path);
}

Json descriptor(const std::string& media_type, const std::string& digest, uint64_t size) {
  return Json{{"mediaType", media_type}, {"digest", digest}, {"size", size}};
}

std::string platformString(const ImageSpec& s) {
  return s.os + "/" + s.architecture + (s.variant.empty() ? "" : "/" + s.variant);
}

void addUnique(std::vector<FixtureBlob>* blobs, const FixtureBlob& blob) {
  for (const auto& b : *blobs) {
    if (b.digest == blob.digest) {
      return;
    }
  }
  blobs->push_back(blob);
}

// Docker tools indent manifests with three spaces; BuildKit and ORAS write compact JSON.
std::string serialize(const Json& j, ImageFormat format) {
  return format == ImageFormat::kDocker ? j.dump(3) : j.dump();
}

}  // namespace

uint64_t FixtureImage::blobBytes() const {
  uint64_t n = 0;
  for (const auto& b : blobs) {
    n += b.size;
  }
  return n;
}

const FixtureManifest* FixtureImage::child(const std::string& platform) const {
  for (const auto& c : children) {
    if (c.platform == platform && !c.attestation) {
      return &c;
    }
  }
  return nullptr;
}

Result<std::unique_ptr<ImageFixture>> ImageFixture::create(uint64_t seed) {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/copycat-oci-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    return fail(ErrorCode::kInternal, "mkdtemp failed");
  }
  std::unique_ptr<ImageFixture> f(new ImageFixture());
  f->dir_ = templ;
  f->seed_ = seed;
  std::error_code ec;
  fs::create_directories(f->dir_ + "/blobs/sha256", ec);
  if (ec) {
    return fail(ErrorCode::kInternal, "cannot create the layout directory");
  }
  RETURN_IF_ERROR(writeText(f->dir_ + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})"));
  RETURN_IF_ERROR(f->tag("", FixtureManifest{}));
  return f;
}

ImageFixture::~ImageFixture() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string ImageFixture::ociRef(const std::string& tag) const { return "oci:" + dir_ + ":" + tag; }

uint64_t ImageFixture::nextSeed() {
  return seed_ * 0x100000001B3ULL + (++seed_counter_) * 0x9E3779B97F4A7C15ULL;
}

Result<FixtureBlob> ImageFixture::writeBlob(const std::string& bytes,
                                            const std::string& media_type) {
  FixtureBlob blob;
  blob.digest = bytesDigest(bytes);
  blob.media_type = media_type;
  blob.size = bytes.size();
  blob.path = dir_ + "/blobs/sha256/" + blob.digest.substr(7);
  RETURN_IF_ERROR(writeText(blob.path, bytes));
  return blob;
}

// index.json lists every tagged root (image-layout.md, "index.json file").
Status ImageFixture::tag(const std::string& tag, const FixtureManifest& root) {
  if (!tag.empty()) {
    std::erase_if(tags_, [&](const auto& t) { return t.first == tag; });
    tags_.emplace_back(tag, root);
  }
  Json manifests = Json::array();
  for (const auto& [name, m] : tags_) {
    Json d = descriptor(m.media_type, m.digest, m.bytes.size());
    d["annotations"] = Json{{"org.opencontainers.image.ref.name", name}};
    manifests.push_back(d);
  }
  Json index{
      {"schemaVersion", 2}, {"mediaType", fixture_media::kOciIndex}, {"manifests", manifests}};
  return writeText(dir_ + "/index.json", index.dump());
}

Result<FixtureManifest> ImageFixture::writeImageManifest(const ImageSpec& spec,
                                                         std::vector<FixtureBlob>* blobs) {
  bool docker = spec.format == ImageFormat::kDocker;
  std::vector<FixtureBlob> layers;
  Json diff_ids = Json::array();
  Json history = Json::array();
  for (const auto& ls : spec.layers) {
    ASSIGN_OR_RETURN(FixtureBlob layer, writeLayer(ls, spec.format));
    diff_ids.push_back(layer.diff_id);
    history.push_back(Json{{"created", "2023-11-14T22:13:20Z"}, {"created_by", "copycat fixture"}});
    layers.push_back(std::move(layer));
  }
  Json config{{"architecture", spec.architecture}, {"os", spec.os}};
  if (!spec.variant.empty()) {
    config["variant"] = spec.variant;
  }
  config["created"] = "2023-11-14T22:13:20Z";
  config["config"] = Json{{"Env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"}}};
  config["rootfs"] = Json{{"type", "layers"}, {"diff_ids", diff_ids}};
  config["history"] = history;
  ASSIGN_OR_RETURN(
      FixtureBlob config_blob,
      writeBlob(config.dump(), docker ? fixture_media::kDockerConfig : fixture_media::kOciConfig));
  Json manifest{
      {"schemaVersion", 2},
      {"mediaType", docker ? fixture_media::kDockerManifest : fixture_media::kOciManifest},
      {"config", descriptor(config_blob.media_type, config_blob.digest, config_blob.size)},
      {"layers", Json::array()}};
  FixtureManifest m;
  m.config_digest = config_blob.digest;
  addUnique(blobs, config_blob);
  for (const auto& l : layers) {
    manifest["layers"].push_back(descriptor(l.media_type, l.digest, l.size));
    m.layer_digests.push_back(l.digest);
    addUnique(blobs, l);
  }
  m.media_type = manifest["mediaType"];
  m.bytes = serialize(manifest, spec.format);
  ASSIGN_OR_RETURN(FixtureBlob stored, writeBlob(m.bytes, m.media_type));
  m.digest = stored.digest;
  return m;
}

// BuildKit's attestation manifest: an OCI manifest whose config says unknown/unknown and whose
// layer is an in-toto statement about the subject image.
Result<FixtureManifest> ImageFixture::writeAttestation(const FixtureManifest& subject,
                                                       std::vector<FixtureBlob>* blobs) {
  Json statement{
      {"_type", "https://in-toto.io/Statement/v0.1"},
      {"predicateType", "https://slsa.dev/provenance/v0.2"},
      {"subject", Json::array({Json{{"name", "pkg:docker/copycat/fixture"},
                                    {"digest", {{"sha256", subject.digest.substr(7)}}}}})},
      {"predicate", {{"buildType", "https://mobyproject.org/buildkit@v1"}}}};
  ASSIGN_OR_RETURN(FixtureBlob layer, writeBlob(statement.dump(), fixture_media::kInToto));
  Json config{{"architecture", "unknown"},
              {"os", "unknown"},
              {"config", Json::object()},
              {"rootfs", {{"type", "layers"}, {"diff_ids", Json::array({layer.digest})}}}};
  ASSIGN_OR_RETURN(FixtureBlob config_blob, writeBlob(config.dump(), fixture_media::kOciConfig));
  Json layer_desc = descriptor(layer.media_type, layer.digest, layer.size);
  layer_desc["annotations"] = {{"in-toto.io/predicate-type", "https://slsa.dev/provenance/v0.2"}};
  Json manifest{
      {"schemaVersion", 2},
      {"mediaType", fixture_media::kOciManifest},
      {"config", descriptor(config_blob.media_type, config_blob.digest, config_blob.size)},
      {"layers", Json::array({layer_desc})}};
  FixtureManifest m;
  m.media_type = fixture_media::kOciManifest;
  m.bytes = manifest.dump();
  m.platform = "unknown/unknown";
  m.attestation = true;
  m.config_digest = config_blob.digest;
  m.layer_digests = {layer.digest};
  addUnique(blobs, config_blob);
  addUnique(blobs, layer);
  ASSIGN_OR_RETURN(FixtureBlob stored, writeBlob(m.bytes, m.media_type));
  m.digest = stored.digest;
  return m;
}

Result<FixtureImage> ImageFixture::addImage(const std::string& tag_name, const ImageSpec& spec) {
  FixtureImage image;
  image.tag = tag_name;
  ASSIGN_OR_RETURN(image.root, writeImageManifest(spec, &image.blobs));
  RETURN_IF_ERROR(tag(tag_name, image.root));
  return image;
}

Result<FixtureImage> ImageFixture::addIndex(const std::string& tag_name, ImageFormat format,
                                            const std::vector<ImageSpec>& images,
                                            bool attestations) {
  if (attestations && format != ImageFormat::kOci) {
    return fail(ErrorCode::kInvalidArgument, "attestation manifests need an OCI index");
  }
  FixtureImage image;
  image.tag = tag_name;
  Json entries = Json::array();
  for (const auto& spec : images) {
    ASSIGN_OR_RETURN(FixtureManifest m, writeImageManifest(spec, &image.blobs));
    m.platform = platformString(spec);
    Json d = descriptor(m.media_type, m.digest, m.bytes.size());
    d["platform"] = Json{{"architecture", spec.architecture}, {"os", spec.os}};
    if (!spec.variant.empty()) {
      d["platform"]["variant"] = spec.variant;
    }
    entries.push_back(d);
    image.children.push_back(m);
  }
  for (size_t i = 0; attestations && i < images.size(); ++i) {
    ASSIGN_OR_RETURN(FixtureManifest a, writeAttestation(image.children[i], &image.blobs));
    Json d = descriptor(a.media_type, a.digest, a.bytes.size());
    d["annotations"] = Json{{"vnd.docker.reference.digest", image.children[i].digest},
                            {"vnd.docker.reference.type", "attestation-manifest"}};
    d["platform"] = Json{{"architecture", "unknown"}, {"os", "unknown"}};
    entries.push_back(d);
    image.children.push_back(a);
  }
  bool docker = format == ImageFormat::kDocker;
  Json index{{"schemaVersion", 2},
             {"mediaType", docker ? fixture_media::kDockerList : fixture_media::kOciIndex},
             {"manifests", entries}};
  image.root.media_type = index["mediaType"];
  image.root.bytes = serialize(index, format);
  ASSIGN_OR_RETURN(FixtureBlob stored, writeBlob(image.root.bytes, image.root.media_type));
  image.root.digest = stored.digest;
  RETURN_IF_ERROR(tag(tag_name, image.root));
  return image;
}

Result<FixtureImage> ImageFixture::dockerImage(const std::string& tag_name, int layers) {
  ImageSpec spec;
  spec.format = ImageFormat::kDocker;
  spec.layers.assign(static_cast<size_t>(layers), LayerSpec{});
  return addImage(tag_name, spec);
}

Result<FixtureImage> ImageFixture::ociImage(const std::string& tag_name, int layers) {
  ImageSpec spec;
  spec.layers.assign(static_cast<size_t>(layers), LayerSpec{});
  return addImage(tag_name, spec);
}

Result<FixtureImage> ImageFixture::dockerManifestList(const std::string& tag_name) {
  ImageSpec amd64{ImageFormat::kDocker, "linux", "amd64", "", {LayerSpec{}, LayerSpec{}}};
  ImageSpec arm64{ImageFormat::kDocker, "linux", "arm64", "v8", {LayerSpec{}, LayerSpec{}}};
  return addIndex(tag_name, ImageFormat::kDocker, {amd64, arm64});
}

Result<FixtureImage> ImageFixture::ociIndexWithAttestations(const std::string& tag_name) {
  ImageSpec amd64{ImageFormat::kOci, "linux", "amd64", "", {LayerSpec{}, LayerSpec{}}};
  ImageSpec arm64{ImageFormat::kOci, "linux", "arm64", "v8", {LayerSpec{}, LayerSpec{}}};
  return addIndex(tag_name, ImageFormat::kOci, {amd64, arm64}, true);
}

Result<FixtureImage> ImageFixture::manyLayers(const std::string& tag_name, int count) {
  ImageSpec spec;
  spec.layers.clear();
  for (int i = 0; i < count; ++i) {
    spec.layers.push_back(LayerSpec{static_cast<uint64_t>(512 + 97 * i), 0});
  }
  return addImage(tag_name, spec);
}

Result<FixtureImage> ImageFixture::multiPlatform(const std::string& tag_name) {
  std::vector<ImageSpec> specs = {
      {ImageFormat::kOci, "linux", "amd64", "", {LayerSpec{}, LayerSpec{}}},
      {ImageFormat::kOci, "linux", "arm64", "v8", {LayerSpec{}, LayerSpec{}}},
      {ImageFormat::kOci, "linux", "arm", "v7", {LayerSpec{}, LayerSpec{}}},
      {ImageFormat::kOci, "linux", "s390x", "", {LayerSpec{}, LayerSpec{}}}};
  return addIndex(tag_name, ImageFormat::kOci, specs);
}

Result<FixtureImage> ImageFixture::bigLayer(const std::string& tag_name, uint64_t mib) {
  ImageSpec spec;
  spec.layers = {LayerSpec{mib * 1024 * 1024, 0}};
  return addImage(tag_name, spec);
}

Result<std::pair<FixtureImage, FixtureImage>> ImageFixture::sharedBase(const std::string& tag_a,
                                                                       const std::string& tag_b,
                                                                       int shared_layers) {
  std::vector<LayerSpec> base;
  for (int i = 0; i < shared_layers; ++i) {
    base.push_back(LayerSpec{8192, nextSeed()});
  }
  ImageSpec a;
  a.layers = base;
  a.layers.push_back(LayerSpec{});
  ImageSpec b = a;
  b.layers.back() = LayerSpec{};
  ASSIGN_OR_RETURN(FixtureImage image_a, addImage(tag_a, a));
  ASSIGN_OR_RETURN(FixtureImage image_b, addImage(tag_b, b));
  return std::make_pair(std::move(image_a), std::move(image_b));
}

}  // namespace copycat::testing
