// Platforms: "os/arch[/variant]" as in the OCI image index (image-spec index.md, "platform").
// Platform is a plain value and the functions are pure: thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace copycat::image {

struct Platform {
  std::string os;            // "linux"
  std::string architecture;  // "amd64", "arm64", ...
  std::string variant;       // "v8", "v7", or ""

  [[nodiscard]] std::string str() const;  // "linux/arm64/v8"
  friend bool operator==(const Platform&, const Platform&) = default;
};

// Parses "os/arch[/variant]" (also "arch" alone meaning linux/arch) and normalises it:
// aarch64 -> arm64, x86_64/x86-64 -> amd64, armhf -> arm/v7, arm64 without variant -> v8, ...
Result<Platform> parsePlatform(std::string_view text);

// Normalises the spellings above in place and returns the result.
Platform normalizePlatform(Platform p);

// True when `candidate` (from an index) satisfies `wanted` (from the user or a node): same os
// and architecture after normalisation, and the same variant, where an empty wanted variant
// matches any and arm64 "" equals "v8".
bool platformMatches(const Platform& wanted, const Platform& candidate);

}  // namespace copycat::image
