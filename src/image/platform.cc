// Platform parsing and normalisation after containerd's platforms package (platforms.go Parse,
// database.go normalizeOS/normalizeArch), with these documented choices:
//  - arm64 keeps its default variant as "v8" (containerd drops it): indexes on Docker Hub list
//    arm64 images as "linux/arm64/v8", and matching treats the two spellings alike anyway;
//  - arm keeps its default variant as "v7" (containerd's Normalize does the same);
//  - i686 is accepted as 386 in addition to i386;
//  - a bare operating system ("linux") is rejected: containerd would fill in the host's
//    architecture, which says nothing about the cluster's nodes;
//  - OS versions in parentheses ("windows(10.0.17763)") and wildcards are not supported.
#include "image/platform.h"

#include <vector>

#include "base/strings.h"

namespace copycat::image {
namespace {

constexpr std::string_view kDefaultOs = "linux";

bool isKnownOs(std::string_view os) {
  for (std::string_view known :
       {"aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux",
        "nacl", "netbsd", "openbsd", "plan9", "solaris", "windows", "zos"}) {
    if (os == known) {
      return true;
    }
  }
  return false;
}

bool isKnownArch(std::string_view arch) {
  for (std::string_view known :
       {"386",     "amd64",    "amd64p32",  "arm",         "armbe",   "arm64",
        "arm64be", "ppc64",    "ppc64le",   "loong64",     "mips",    "mipsle",
        "mips64",  "mips64le", "mips64p32", "mips64p32le", "ppc",     "riscv",
        "riscv64", "s390",     "s390x",     "sparc",       "sparc64", "wasm"}) {
    if (arch == known) {
      return true;
    }
  }
  return false;
}

// containerd specifierRe: ^[A-Za-z0-9_.-]+$ (the OS component may not contain '.').
bool isSpecifierComponent(std::string_view s, bool allow_dot) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || (allow_dot && c == '.');
    if (!ok) {
      return false;
    }
  }
  return true;
}

void normalizeArch(std::string& arch, std::string& variant) {
  arch = strings::toLower(arch);
  variant = strings::toLower(variant);
  if (arch == "i386" || arch == "i686") {
    arch = "386";
    variant.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    arch = "amd64";
    if (variant == "v1") {
      variant.clear();
    }
  } else if (arch == "aarch64" || arch == "arm64") {
    arch = "arm64";
    if (variant.empty() || variant == "8") {
      variant = "v8";
    }
  } else if (arch == "armhf") {
    arch = "arm";
    variant = "v7";
  } else if (arch == "armel") {
    arch = "arm";
    variant = "v6";
  } else if (arch == "arm") {
    if (variant.empty() || variant == "7") {
      variant = "v7";
    } else if (variant == "5" || variant == "6" || variant == "8") {
      variant.insert(0, "v");
    }
  }
}

tl::unexpected<Error> invalidPlatform(std::string_view text, std::string_view why) {
  return fail(ErrorCode::kInvalidArgument,
              "invalid platform \"" + std::string(text) + "\": " + std::string(why));
}

}  // namespace

std::string Platform::str() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) {
    out += "/" + variant;
  }
  return out;
}

Platform normalizePlatform(Platform p) {
  p.os = strings::toLower(p.os);
  if (p.os == "macos") {
    p.os = "darwin";
  }
  normalizeArch(p.architecture, p.variant);
  return p;
}

Result<Platform> parsePlatform(std::string_view text) {
  std::vector<std::string> parts = strings::split(text, '/');
  if (parts.size() > 3) {
    return invalidPlatform(text, "expected os/arch[/variant]");
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!isSpecifierComponent(parts[i], i > 0)) {
      return invalidPlatform(text, "components must match [A-Za-z0-9_.-]+");
    }
  }
  Platform p;
  if (parts.size() == 1) {
    Platform arch_only = normalizePlatform({std::string(kDefaultOs), parts[0], ""});
    if (isKnownArch(arch_only.architecture)) {
      return arch_only;
    }
    if (isKnownOs(strings::toLower(parts[0]))) {
      return invalidPlatform(text, "an architecture is required");
    }
    return invalidPlatform(text, "unknown operating system or architecture");
  }
  p.os = parts[0];
  p.architecture = parts[1];
  if (parts.size() == 3) {
    p.variant = parts[2];
  }
  return normalizePlatform(std::move(p));
}

// The wanted variant is compared after normalisation, so "linux/arm64" (v8) matches an index
// entry without variant; an empty wanted variant (after normalisation) matches any variant.
bool platformMatches(const Platform& wanted, const Platform& candidate) {
  Platform w = normalizePlatform(wanted);
  Platform c = normalizePlatform(candidate);
  if (w.os != c.os || w.architecture != c.architecture) {
    return false;
  }
  return w.variant.empty() || w.variant == c.variant;
}

}  // namespace copycat::image
