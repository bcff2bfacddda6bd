// Manifests and indexes: Docker Image Manifest V2 Schema 2 and manifest lists, OCI image-spec
// v1.1 manifests and indexes (image-spec manifest.md, image-index.md, descriptor.md).
// Parsing never throws; every function here is pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "image/platform.h"

namespace copycat::registry {

// Registries cap manifests at 4 MiB (distribution's default, also the OCI distribution-spec
// recommendation); anything larger is refused before it is parsed.
inline constexpr size_t kMaxManifestBytes = 4 * 1024 * 1024;

// BuildKit marks attestation manifests inside an index with this annotation.
inline constexpr std::string_view kDockerReferenceType = "vnd.docker.reference.type";
inline constexpr std::string_view kAttestationManifest = "attestation-manifest";

// A descriptor's platform: image::Platform plus the fields image::Platform leaves out.
struct DescriptorPlatform {
  image::Platform platform;              // os, architecture, variant as written
  std::string os_version;                // "os.version" (Windows builds)
  std::vector<std::string> os_features;  // "os.features"
  std::vector<std::string> features;     // Docker manifest lists' "features" (deprecated)
  friend bool operator==(const DescriptorPlatform&, const DescriptorPlatform&) = default;
};

// A content descriptor (image-spec descriptor.md).
struct Descriptor {
  std::string media_type;
  std::string digest;  // validated by image::Digest::parse
  int64_t size = 0;    // validated >= 0
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
  std::optional<DescriptorPlatform> platform;
  std::string artifact_type;
  friend bool operator==(const Descriptor&, const Descriptor&) = default;
};

struct ImageManifest {
  int schema_version = 2;
  std::string media_type;  // effective media type (see parseManifest)
  Descriptor config;
  std::vector<Descriptor> layers;  // "layers": null is read as empty
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
  std::string artifact_type;
};

struct ImageIndex {
  int schema_version = 2;
  std::string media_type;  // effective media type (see parseManifest)
  std::vector<Descriptor> manifests;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
  std::string artifact_type;
};

enum class ManifestKind { kDockerManifest, kDockerManifestList, kOciManifest, kOciIndex };

std::string_view manifestKindName(ManifestKind kind);

struct ParsedManifest {
  ManifestKind kind = ManifestKind::kOciManifest;
  std::string media_type;  // what to send as Content-Type when pushing these bytes
  std::variant<ImageManifest, ImageIndex> body;

  [[nodiscard]] bool isIndex() const { return std::holds_alternative<ImageIndex>(body); }
  [[nodiscard]] const ImageManifest& image() const { return std::get<ImageManifest>(body); }
  [[nodiscard]] const ImageIndex& index() const { return std::get<ImageIndex>(body); }
};

// Parses manifest or index bytes. The kind comes from the body's "mediaType"; when the body
// has none (OCI allows that), from `content_type` (parameters ignored), and when that is
// missing, generic or contradicts the body's shape, from the structure: "manifests" means an
// OCI index, "config"/"layers" an OCI manifest. Schema 1 (schemaVersion 1 or a v1 media type)
// is refused: "schema 1 manifests are not supported: ...". Errors are kInvalidArgument and
// name the offending field ("layers[2].digest: invalid digest ...").
[[nodiscard]] Result<ParsedManifest> parseManifest(std::string_view bytes,
                                                   std::string_view content_type = {});

// Verifies that exactly these bytes hash to `expected_digest` (sha256 or sha512, see
// image/digest.h): kDigestMismatch when they do not, kInvalidArgument for a malformed digest.
[[nodiscard]] Status verifyManifestDigest(std::string_view bytes, std::string_view expected_digest);

// True for BuildKit attestation manifests (annotation vnd.docker.reference.type).
bool isAttestationManifest(const Descriptor& descriptor);

// True when an index child is an image a node can run: a Docker schema 2 or OCI image
// manifest, no artifactType, no vnd.docker.reference.type annotation (attestations, builder
// refs), and not the "unknown/unknown" platform BuildKit gives such children.
bool isRunnable(const Descriptor& descriptor);

struct FilteredIndex {
  std::string bytes;                  // the new index JSON
  std::string media_type;             // Content-Type for pushing it
  std::string digest;                 // sha256 of `bytes`
  std::vector<Descriptor> manifests;  // the kept children, in original order
  bool all_kept = false;  // every child of the original was kept (the original can be pushed)
};

// Builds a new index with exactly the runnable children matching any of `platforms` (all
// runnable children when `platforms` is empty). Kept child descriptors are copied byte for
// byte from the original; schemaVersion, mediaType (when present) and annotations are kept,
// other top-level fields (subject, artifactType, unknown fields) are dropped. Output:
// {"schemaVersion":..,"mediaType":..,"manifests":[..],"annotations":{..}} without blanks,
// annotations with sorted keys. kNotFound when no child matches.
[[nodiscard]] Result<FilteredIndex> filterIndex(std::string_view index_bytes,
                                                const std::vector<image::Platform>& platforms,
                                                std::string_view content_type = {});

}  // namespace copycat::registry
