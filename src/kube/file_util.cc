#include "kube/file_util.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace copycat::kube {
namespace {

ErrorCode codeForErrno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return ErrorCode::kNotFound;
    case EACCES:
    case EPERM:
      return ErrorCode::kPermissionDenied;
    default:
      return ErrorCode::kInternal;
  }
}

}  // namespace

Result<std::string> readFile(const std::string& path, std::string_view what) {
  auto describe = [&](const std::string& reason) {
    return "cannot read " + std::string(what) + " \"" + path + "\": " + reason;
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    return fail(codeForErrno(err), describe(std::strerror(err)));
  }
  if (S_ISDIR(st.st_mode)) {
    return fail(ErrorCode::kInvalidArgument, describe("is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    return fail(codeForErrno(err), describe(std::strerror(err)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return fail(ErrorCode::kInternal, describe("read error"));
  }
  return buffer.str();
}

bool fileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

std::optional<FileFingerprint> fingerprint(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  FileFingerprint fp;
  fp.device = static_cast<uint64_t>(st.st_dev);
  fp.inode = static_cast<uint64_t>(st.st_ino);
  fp.size = static_cast<int64_t>(st.st_size);
  fp.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return fp;
}

std::string resolvePath(const std::string& dir, const std::string& name) {
  if (name.empty() || name.front() == '/' || dir.empty()) {
    return name;
  }
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string absoluteDirectoryOf(const std::string& path) {
  std::string abs = path;
  if (abs.empty() || abs.front() != '/') {
    char cwd[4096];
    if (::getcwd(cwd, sizeof(cwd)) != nullptr) {
      abs = resolvePath(cwd, path);
    }
  }
  auto slash = abs.find_last_of('/');
  if (slash == std::string::npos) {
    return ".";
  }
  return slash == 0 ? "/" : abs.substr(0, slash);
}

}  // namespace copycat::kube
