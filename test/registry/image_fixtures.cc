#include "registry/image_fixtures.h"

#include <random>

#include <nlohmann/json.hpp>

#include "image/digest.h"
#include "image/media_types.h"
#include "registry/manifest.h"

namespace copycat::registry::testing {
namespace {

namespace mt = image::media_types;
using nlohmann::ordered_json;

ordered_json descriptor(std::string_view media_type, const std::string& digest, size_t size) {
  return ordered_json{{"mediaType", media_type}, {"digest", digest}, {"size", size}};
}

}  // namespace

std::string randomBytes(size_t size, uint32_t seed) {
  std::mt19937 gen(seed);
  std::string out(size, '\0');
  for (auto& c : out) {
    c = static_cast<char>(gen() & 0xff);
  }
  return out;
}

TestManifest pushImage(FakeRegistry& registry, const std::string& repo, const std::string& tag,
                       const ImageSpec& spec) {
  TestManifest out;
  ordered_json config = {{"architecture", spec.architecture},
                         {"os", spec.os},
                         {"rootfs", {{"type", "layers"}, {"diff_ids", ordered_json::array()}}},
                         {"seed", spec.seed}};
  if (!spec.variant.empty()) {
    config["variant"] = spec.variant;
  }
  std::string config_bytes = config.dump();
  std::string config_digest = registry.putBlob(repo, config_bytes);
  out.blobs.push_back(config_digest);
  ordered_json manifest;
  manifest["schemaVersion"] = 2;
  manifest["mediaType"] = spec.oci ? mt::kOciManifest : mt::kDockerManifestSchema2;
  manifest["config"] =
      descriptor(spec.oci ? mt::kOciConfig : mt::kDockerConfig, config_digest, config_bytes.size());
  manifest["layers"] = ordered_json::array();
  for (int i = 0; i < spec.layers; ++i) {
    std::string layer = randomBytes(spec.layer_bytes, spec.seed * 1000 + static_cast<uint32_t>(i));
    std::string digest = registry.putBlob(repo, layer);
    out.blobs.push_back(digest);
    manifest["layers"].push_back(
        descriptor(spec.oci ? mt::kOciLayerGzip : mt::kDockerLayer, digest, layer.size()));
  }
  out.bytes = manifest.dump(3);  // indented: bytes must survive exactly, not re-serialised
  out.media_type = std::string(spec.oci ? mt::kOciManifest : mt::kDockerManifestSchema2);
  out.digest = registry.putManifest(repo, tag, out.bytes, out.media_type);
  out.platform =
      spec.os + "/" + spec.architecture + (spec.variant.empty() ? "" : "/" + spec.variant);
  return out;
}

TestManifest pushAttestation(FakeRegistry& registry, const std::string& repo,
                             const std::string& subject_digest, uint32_t seed) {
  TestManifest out;
  std::string config_bytes = "{}";
  std::string config_digest = registry.putBlob(repo, config_bytes);
  std::string statement = ordered_json{
      {"_type", "https://in-toto.io/Statement/v0.1"},
      {"subject", {{{"digest", {{"sha256", subject_digest.substr(7)}}}}}},
      {"seed", seed}}.dump();
  std::string statement_digest = registry.putBlob(repo, statement);
  out.blobs = {config_digest, statement_digest};
  ordered_json manifest;
  manifest["schemaVersion"] = 2;
  manifest["mediaType"] = mt::kOciManifest;
  manifest["config"] = descriptor(mt::kOciConfig, config_digest, config_bytes.size());
  auto layer = descriptor("application/vnd.in-toto+json", statement_digest, statement.size());
  layer["annotations"] = {{"in-toto.io/predicate-type", "https://spdx.dev/Document"}};
  manifest["layers"] = ordered_json::array({layer});
  out.bytes = manifest.dump();
  out.media_type = std::string(mt::kOciManifest);
  out.digest = registry.putManifest(repo, "", out.bytes, out.media_type);
  return out;
}

TestManifest pushIndex(FakeRegistry& registry, const std::string& repo, const std::string& tag,
                       const std::vector<TestManifest>& children, bool oci) {
  ordered_json index;
  index["schemaVersion"] = 2;
  index["mediaType"] = oci ? mt::kOciIndex : mt::kDockerManifestList;
  index["manifests"] = ordered_json::array();
  std::string last_image;
  for (const auto& child : children) {
    auto d = descriptor(child.media_type, child.digest, child.bytes.size());
    if (child.platform.empty()) {
      d["platform"] = {{"architecture", "unknown"}, {"os", "unknown"}};
      d["annotations"] = {{std::string(kDockerReferenceType), std::string(kAttestationManifest)},
                          {"vnd.docker.reference.digest", last_image}};
    } else {
      last_image = child.digest;
      auto parts = child.platform;
      size_t slash = parts.find('/');
      size_t slash2 = parts.find('/', slash + 1);
      d["platform"] = {{"architecture", parts.substr(slash + 1, slash2 - slash - 1)},
                       {"os", parts.substr(0, slash)}};
      if (slash2 != std::string::npos) {
        d["platform"]["variant"] = parts.substr(slash2 + 1);
      }
    }
    index["manifests"].push_back(d);
  }
  TestManifest out;
  out.bytes = index.dump(2);
  out.media_type = std::string(oci ? mt::kOciIndex : mt::kDockerManifestList);
  out.digest = registry.putManifest(repo, tag, out.bytes, out.media_type);
  return out;
}

}  // namespace copycat::registry::testing
