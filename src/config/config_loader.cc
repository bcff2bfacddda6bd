#include "config/config_loader.h"

#include <cerrno>
#include <cstdlib>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strings.h"
#include "config/fields.h"
#include "config/load_state.h"
#include "config/object_lists.h"
#include "config/overlay.h"
#include "config/validation.h"
#include "config/yaml_reader.h"

namespace copycat::config {
namespace {

using internal::LoadState;

constexpr size_t kMaxConfigBytes = 4 * 1024 * 1024;  // far above any real config.yaml

std::string describeErrno(int err) { return std::generic_category().message(err); }

struct FileText {
  bool found = false;
  std::string text;
};

// Reads the whole file; a missing file is not an error here (the caller decides).
Result<FileText> readFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) {
      return FileText{};
    }
    return fail(ErrorCode::kInvalidArgument,
                "config file " + internal::quote(path) + ": cannot open: " + describeErrno(err));
  }
  FileText out{true, ""};
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::kInvalidArgument,
                "config file " + internal::quote(path) + ": is a directory");
  }
  char buffer[16 * 1024];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return fail(ErrorCode::kInvalidArgument,
                  "config file " + internal::quote(path) + ": cannot read: " + describeErrno(err));
    }
    if (n == 0) {
      break;
    }
    out.text.append(buffer, static_cast<size_t>(n));
    if (out.text.size() > kMaxConfigBytes) {
      ::close(fd);
      return fail(ErrorCode::kInvalidArgument,
                  "config file " + internal::quote(path) + ": larger than 4 MiB");
    }
  }
  ::close(fd);
  return out;
}

LoadState initialState() {
  LoadState state;
  for (const auto& spec : internal::fieldSpecs()) {
    state.setOrigin(std::string(spec.path), Origin{});
  }
  state.setOrigin(std::string(internal::kPathMapKey), Origin{});
  state.setOrigin(std::string(internal::kRegistryCredentialsKey), Origin{});
  return state;
}

// Problems are printed one per line, so none may contain a line break (RE2 errors quote the
// pattern verbatim).
std::string joinProblems(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& problem : problems) {
    if (!out.empty()) {
      out += '\n';
    }
    for (char c : problem) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else {
        out += c;
      }
    }
  }
  return out;
}

Result<LoadedConfig> finish(LoadState state, const LoadOptions& options, std::string file_path,
                            bool found) {
  internal::applyEnv(options.env, state);
  internal::resolveCredentialEnv(options.env, state);
  internal::applyFlags(options.flags, state);
  internal::normalize(state);
  state.require_target = options.require_target;
  internal::validate(state);
  if (!state.problems.empty()) {
    return fail(ErrorCode::kInvalidArgument, joinProblems(state.problems));
  }
  LoadedConfig out;
  out.config = std::move(state.config);
  out.provenance = std::move(state.provenance);
  out.warnings = std::move(state.warnings);
  out.file_path = std::move(file_path);
  out.file_found = found;
  return out;
}

}  // namespace

std::optional<std::string> systemEnv(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

Origin LoadedConfig::originOf(std::string_view path) const {
  auto it = provenance.find(path);
  return it == provenance.end() ? Origin{} : it->second;
}

Result<LoadedConfig> loadConfig(const LoadOptions& options) {
  std::string path = options.path;
  bool is_explicit = options.path_explicit;
  if (!is_explicit && options.env) {
    if (auto env_path = options.env("CONFIG_PATH"); env_path && !strings::trim(*env_path).empty()) {
      path = std::string(strings::trim(*env_path));
      is_explicit = true;
    }
  }
  ASSIGN_OR_RETURN(FileText file, readFile(path));
  if (!file.found) {
    if (is_explicit) {
      return fail(ErrorCode::kInvalidArgument,
                  "config file " + internal::quote(path) + ": does not exist");
    }
    return finish(initialState(), options, "", false);
  }
  LoadState state = initialState();
  if (!internal::readYaml(file.text, "config file " + internal::quote(path), state)) {
    return fail(ErrorCode::kInvalidArgument, joinProblems(state.problems));
  }
  return finish(std::move(state), options, path, true);
}

Result<LoadedConfig> loadConfigFromString(std::string_view yaml_text, const LoadOptions& options) {
  LoadState state = initialState();
  if (!internal::readYaml(yaml_text, "config " + internal::quote(options.path), state)) {
    return fail(ErrorCode::kInvalidArgument, joinProblems(state.problems));
  }
  return finish(std::move(state), options, options.path, true);
}

std::vector<std::string> configProblems(const Error& error) {
  std::vector<std::string> out;
  for (auto& line : strings::split(error.message, '\n')) {
    if (!line.empty()) {
      out.push_back(std::move(line));
    }
  }
  return out;
}

}  // namespace copycat::config
