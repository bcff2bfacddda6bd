// Manifest and blob media types of the Docker image manifest v2 specs (schema 1 and 2) and the
// OCI image-spec v1.1 (manifest.md, image-index.md, layer.md, config.md).
#pragma once

#include <array>
#include <string_view>

namespace copycat::image::media_types {

// Manifests and indexes.
inline constexpr std::string_view kDockerManifestSchema2 =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifestSchema1 =
    "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerManifestSchema1Signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";

// Configs and layers.
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayer =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view kDockerForeignLayer =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view kOciEmpty = "application/vnd.oci.empty.v1+json";

// Every manifest type a copier accepts, indexes first (the order of an Accept header).
inline constexpr std::array<std::string_view, 6> kAllManifestMediaTypes = {
    kOciIndex,
    kDockerManifestList,
    kOciManifest,
    kDockerManifestSchema2,
    kDockerManifestSchema1Signed,
    kDockerManifestSchema1,
};

// The media types below are compared case-insensitively, ignoring parameters and blanks
// ("application/vnd.oci.image.index.v1+json; charset=utf-8"), as RFC 9110 section 8.3.1 allows
// for a Content-Type.

// An OCI image index or a Docker manifest list.
bool isIndexMediaType(std::string_view media_type);
// A single-image manifest: OCI manifest, Docker schema 2, or schema 1 (signed or not).
bool isManifestMediaType(std::string_view media_type);
// Docker schema 1, signed or not (deprecated; registries may refuse it).
bool isSchema1MediaType(std::string_view media_type);

}  // namespace copycat::image::media_types
