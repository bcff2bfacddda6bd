// Small file helpers for kube/: whole-file reads with errors that name the path and the reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace copycat::kube {

// Reads a whole file. `what` names the file's role in errors:
// `cannot read certificate-authority "/x/ca.crt": No such file or directory`.
// Errors: kNotFound (missing), kPermissionDenied, kInvalidArgument (a directory), kInternal.
Result<std::string> readFile(const std::string& path, std::string_view what);

bool fileExists(const std::string& path);

// Identity of a file's current content as far as stat(2) tells (follows symlinks, so a
// kubelet "..data" symlink swap shows up as a new inode).
struct FileFingerprint {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;

  friend bool operator==(const FileFingerprint&, const FileFingerprint&) = default;
};

std::optional<FileFingerprint> fingerprint(const std::string& path);

// "dir/name" unless `name` is absolute or empty (client-go ResolvePaths).
std::string resolvePath(const std::string& dir, const std::string& name);

// The directory part of an absolute version of `path` ("." based on the working directory).
std::string absoluteDirectoryOf(const std::string& path);

}  // namespace copycat::kube
