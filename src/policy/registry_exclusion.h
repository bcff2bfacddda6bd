// excludeRegistries: source images that are never mirrored.
//
// Matching works on normalised references ("nginx" is "docker.io/library/nginx:latest"), so an
// entry matches however the image was spelt in the pod spec. An entry is a registry host,
// optionally followed by a path (and even a tag or digest); it matches when it is a prefix of
// the normalised reference that ends at a boundary:
//   - at the end, or before '/': "ghcr.io/org" matches "ghcr.io/org/app", not "ghcr.io/org-x";
//   - before ':' or '@' only when the entry has a path, so "docker.io/library/nginx" matches
//     "nginx:1.25" while the host "localhost" never matches "localhost:5000/app".
// Entries are normalised like references: blanks, "https://"/"http://" and trailing '/' are
// stripped; the host is lower-cased; "index.docker.io" and "registry-1.docker.io" become
// "docker.io"; an entry whose first component is not a host (no '.' or ':', not "localhost")
// is a Docker Hub path ("library" = "docker.io/library", "nginx" = "docker.io/nginx").
// A Docker Hub entry with one path component X covers both the namespace X ("docker.io/X/...")
// and the official image X ("docker.io/library/X"), since users write either.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "image/reference.h"

namespace copycat::policy {

// Immutable after create(). Thread-safe (const methods only).
class RegistryExclusion {
 public:
  RegistryExclusion() = default;  // excludes nothing

  // Normalises `entries` (empty ones are skipped, duplicates merged). Returns kInvalidArgument
  // naming the entry index for entries with blanks or characters a reference cannot contain:
  // "excludeRegistries[2]: invalid entry \"ghcr io\"".
  [[nodiscard]] static Result<RegistryExclusion> create(const std::vector<std::string>& entries);

  // Returns the normalised entry that excludes `ref` (for the "skipped" log), if any.
  // `ref` must be normalised (image::parseNormalized).
  [[nodiscard]] std::optional<std::string> match(const image::Reference& ref) const;

  [[nodiscard]] bool isExcluded(const image::Reference& ref) const {
    return match(ref).has_value();
  }

  // The normalised entries, sorted.
  [[nodiscard]] std::vector<std::string> entries() const;

 private:
  struct Entry {
    std::string normalized;             // what the user configured, normalised
    std::vector<std::string> prefixes;  // one, or two for a one-component Docker Hub path
    bool has_path = false;
  };

  std::vector<Entry> entries_;
};

// Normalises one entry as described above ("https://Index.Docker.io/" -> "docker.io");
// returns "" for a blank entry.
std::string normalizeExclusionEntry(std::string_view entry);

}  // namespace copycat::policy
