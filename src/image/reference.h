// Container image references, parsed and normalised exactly as the CNCF distribution project's
// reference grammar defines them (github.com/distribution/reference, grammar in reference.go).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace copycat::image {

inline constexpr std::string_view kDockerHubDomain = "docker.io";
inline constexpr std::string_view kDockerHubLegacyDomain = "index.docker.io";
// The host that actually serves the Docker Hub registry API.
inline constexpr std::string_view kDockerHubApiHost = "registry-1.docker.io";
inline constexpr size_t kNameTotalLengthMax = 255;

// A parsed reference. Either tag or digest (or both) may be set.
struct Reference {
  std::string registry;    // domain[:port], e.g. "docker.io", "ghcr.io", "localhost:5000"
  std::string repository;  // path, e.g. "library/nginx"
  std::string tag;         // "" when absent
  std::string digest;      // "sha256:<hex>" or "" when absent

  // "registry/repository".
  [[nodiscard]] std::string name() const;
  // Full form: "registry/repository[:tag][@digest]".
  [[nodiscard]] std::string str() const;
  // The short form users type: Docker Hub domain and "library/" dropped ("nginx:1.25").
  [[nodiscard]] std::string familiar() const;
  // The digest when set, else the tag (what a manifest request is made for).
  [[nodiscard]] std::string identifier() const;
  [[nodiscard]] bool isDockerHub() const { return registry == kDockerHubDomain; }
  // Host to connect to for the registry API: registry-1.docker.io for Docker Hub.
  [[nodiscard]] std::string apiHost() const;

  friend bool operator==(const Reference&, const Reference&) = default;
};

// Parses like ParseNormalizedNamed followed by WithDefaultTag: no domain -> docker.io,
// single-component Docker Hub names -> library/, index.docker.io -> docker.io, neither tag nor
// digest -> tag "latest". Errors are kInvalidArgument with a message naming the reason
// ("invalid reference format", "repository name must be lowercase", "repository name must not
// be more than 255 characters", "invalid digest format", ...).
Result<Reference> parseNormalized(std::string_view text);

// Parses without normalisation or default tag (reference.Parse): the domain is only recognised
// when the first component contains '.' or ':' or is "localhost" (or is upper case).
Result<Reference> parseStrict(std::string_view text);

}  // namespace copycat::image
