// The target name of a mirrored image:
//   <target host> / [<target registry path>/] [<repoPrefix>/] <pathMap(source path)>
//   [:tag][@digest]
// The tag is kept; a source with tag and digest keeps both (the copier pushes under the tag,
// pushIdentifier()); a digest-only source stays digest-only.
//
// The repository is always valid for the target kind, or targetFor fails:
//  - both kinds: distribution path grammar (policy/repository_name.h), and the full name
//    "host/repository" at most 255 characters (distribution NameTotalLengthMax; clients such
//    as docker, skopeo and our own image::parse* reject longer names);
//  - ECR additionally: repository 2..256 characters (aws-models ecr RepositoryName).
// A composed name that breaks the grammar is sanitised (lower-cased, invalid characters and
// separator runs replaced, edges trimmed); one that is too long is cut and given the suffix
// "-" + the first 8 hex digits of sha256(unshortened repository), so it is stable across runs
// and distinct names stay distinct; one that is too short for ECR gets the same suffix.
// Every change is reported in TargetName::notes so the caller can log it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "image/reference.h"
#include "policy/path_map.h"

namespace copycat::policy {

enum class TargetKind { kGeneric, kEcr };

// What is known about one image use.
struct NamingInput {
  image::Reference source = {};     // normalised (image::parseNormalized)
  std::string namespace_name = {};  // $namespace
  std::string workload_name = {};   // $podname: the owning workload's name
  std::string container_name = {};  // $container_name
  std::string arch = {};            // $arch; "" when all platforms are mirrored
};

struct NamingOptions {
  TargetKind kind = TargetKind::kGeneric;
  // "host[:port]" optionally followed by a path ("harbor.example.com/mirror"); a scheme and
  // trailing '/' are ignored. ECR: "<account>.dkr.ecr.<region>.amazonaws.com".
  std::string target_registry = {};
  std::string repo_prefix = {};  // template, see policy/repo_prefix.h
  // Not owned; may be null (no mapping). Must outlive the call.
  const PathMapper* path_map = nullptr;
};

struct TargetName {
  std::string registry = {};    // host[:port]
  std::string repository = {};  // valid for the target kind
  std::string tag = {};         // "" when the source had none
  std::string digest = {};      // "" when the source had none
  // The repository as composed before sanitising and shortening, and what was changed.
  std::string requested_repository = {};
  bool adjusted = false;
  std::vector<std::string> notes = {};

  // "registry/repository".
  [[nodiscard]] std::string name() const;
  // "registry/repository[:tag][@digest]".
  [[nodiscard]] std::string str() const;
  // What to push the manifest under: the tag when there is one, else the digest.
  [[nodiscard]] std::string pushIdentifier() const;
  [[nodiscard]] image::Reference reference() const;
};

// The target registry split into host and path, validated.
struct TargetRegistry {
  std::string host = {};  // lower-case host[:port]; "index.docker.io" becomes "docker.io"
  std::string path = {};  // "" or a path to put in front of every repository (not yet sanitised)
};

// Parses NamingOptions::target_registry. kInvalidArgument for an empty value or a host that is
// not "domain[:port]" / "[ipv6][:port]".
[[nodiscard]] Result<TargetRegistry> parseTargetRegistry(std::string_view text);

// Computes the target name; kInvalidArgument when the target registry is invalid or its host is
// so long that no repository name fits in 255 characters.
[[nodiscard]] Result<TargetName> targetFor(const NamingInput& input, const NamingOptions& options);

}  // namespace copycat::policy
