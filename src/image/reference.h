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
// Since distribution/reference v0.6.0 the limit applies to the path (repository) only.
inline constexpr size_t kNameTotalLengthMax = 255;
inline constexpr std::string_view kDefaultTag = "latest";

// The error texts of distribution/reference (reference.go). Digest errors use the go-digest
// texts in digest.h; normalisation errors embed the offending name (see parseNormalized).
inline constexpr std::string_view kErrReferenceInvalidFormat = "invalid reference format";
inline constexpr std::string_view kErrTagInvalidFormat = "invalid tag format";
inline constexpr std::string_view kErrDigestInvalidFormat = "invalid digest format";
inline constexpr std::string_view kErrNameContainsUppercase = "repository name must be lowercase";
inline constexpr std::string_view kErrNameEmpty =
    "repository name must have at least one component";
inline constexpr std::string_view kErrNameTooLong =
    "repository name must not be more than 255 characters";
inline constexpr std::string_view kErrNameNotCanonical = "repository name must be canonical";

// A parsed reference. Either tag or digest (or both) may be set. A plain value: thread-safe to
// share once built.
struct Reference {
  std::string registry;    // domain[:port], e.g. "docker.io", "ghcr.io", "localhost:5000"
  std::string repository;  // path, e.g. "library/nginx"
  std::string tag;         // "" when absent
  std::string digest;      // "sha256:<hex>" or "" when absent

  // "registry/repository" ("repository" alone when registry is empty).
  [[nodiscard]] std::string name() const;
  // Full form: "registry/repository[:tag][@digest]".
  [[nodiscard]] std::string str() const;
  // The short form users type: Docker Hub domain and "library/" dropped ("nginx:1.25").
  [[nodiscard]] std::string familiar() const;
  // familiar() without tag and digest ("nginx", "user/app", "ghcr.io/org/app").
  [[nodiscard]] std::string familiarName() const;
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
//
// Domain detection (normalize.go splitDockerDomain): the first component is a domain when it
// contains '.' or ':', is "localhost" or contains upper case. A bare 64-hex string is rejected
// as ambiguous with an image ID. Upper case in the repository gives "invalid reference format:
// repository name (<path>) must be lowercase". In the corner case where a '.'-containing first
// component is not a valid domain ("foo_bar.com/x") the grammar reads the whole name as a path,
// and registry stays empty, exactly as the Go library does.
Result<Reference> parseNormalized(std::string_view text);

// Same as parseNormalized without the default tag (ParseNormalizedNamed itself).
Result<Reference> parseNormalizedNamed(std::string_view text);

// Parses without normalisation or default tag (reference.Parse). As in the Go grammar the first
// component is the registry whenever it matches the domain production and more components
// follow ("a/b" -> registry "a", "test_com/foo" -> no registry). Empty input gives "repository
// name must have at least one component"; a name that only fails because of upper case gives
// "repository name must be lowercase".
Result<Reference> parseStrict(std::string_view text);

// ParseDockerRef: normalised, "latest" added when there is neither tag nor digest, and the tag
// dropped when both are present (the digest pins the content).
Result<Reference> parseDockerRef(std::string_view text);

// ParseNamed: parseNormalizedNamed, but fails with "repository name must be canonical" unless
// the text already is the fully qualified form ("docker.io/library/foo", not "foo").
Result<Reference> parseCanonical(std::string_view text);

// WithName: a bare name "[domain/]path" (no tag, no digest), not normalised.
Result<Reference> withName(std::string_view name);
// WithTag: replaces the tag; "invalid tag format" unless it matches [\w][\w.-]{0,127}.
Result<Reference> withTag(Reference ref, std::string_view tag);
// WithDigest: replaces the digest; "invalid digest format" unless it matches the reference
// grammar's digest production (like Go, the go-digest length rules are not applied here).
Result<Reference> withDigest(Reference ref, std::string_view digest);

}  // namespace copycat::image
