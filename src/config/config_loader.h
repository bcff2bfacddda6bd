// Loads the configuration: defaults < config.yaml < environment variables < flag overrides,
// then validates everything at once (docs/configuration.md is the reference).
//
// The file is `options.path`; when that was not given explicitly, CONFIG_PATH (if set) names
// it, else /config/config.yaml. A missing file at the default path means "defaults"; a missing
// explicit path, an unreadable file or invalid YAML is an error.
//
// loadConfig is thread-safe as long as the `env` function is (the default reads getenv, which
// must not race with setenv).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "config/config.h"

namespace copycat::config {

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the process environment (std::getenv).
std::optional<std::string> systemEnv(std::string_view name);

struct LoadOptions {
  std::string path = std::string(kDefaultConfigPath);
  bool path_explicit = false;  // true for --config
  EnvLookup env = systemEnv;
  // Applied last, in order: key path (or alias) -> value, e.g. {"dryRun", "true"},
  // {"metricsAddr", ":9090"}, {"includeNamespaces", "a,b"} (lists are comma-separated).
  std::vector<std::pair<std::string, std::string>> flags;
  // False for commands that do not mirror into the configured target (`copycat copy` names
  // its destination on the command line): the target's required keys are then not required.
  bool require_target = true;
};

struct LoadedConfig {
  Config config;
  // Key path -> origin for every scalar and list key ("ecr.region", "includeNamespaces") and
  // every object-list field that was set ("pathMap[1].from"). Missing means default.
  std::map<std::string, Origin, std::less<>> provenance;
  // Non-fatal findings, one line each: unknown keys with a suggestion, repeated keys, legacy
  // environment spellings, credential variables that are not set.
  std::vector<std::string> warnings;
  std::string file_path;  // the file that was read ("" when none)
  bool file_found = false;

  // Where the value at `path` came from (kDefault when unrecorded).
  [[nodiscard]] Origin originOf(std::string_view path) const;
};

// Loads and validates. On failure the error is kInvalidArgument and its message holds every
// problem, one per line ("pathMap[1].from: invalid regular expression ..."); see
// configProblems().
Result<LoadedConfig> loadConfig(const LoadOptions& options);

// As loadConfig, with `yaml_text` standing in for the file (options.path names it in
// messages). Used by tests and the fuzzer.
Result<LoadedConfig> loadConfigFromString(std::string_view yaml_text, const LoadOptions& options);

// The problems of a failed load, one per element (the app prints one per line and exits 2).
std::vector<std::string> configProblems(const Error& error);

}  // namespace copycat::config
