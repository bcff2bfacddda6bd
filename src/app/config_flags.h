// Flags every subcommand that reads the configuration shares (--config), and loading it with
// the user-facing error report: one line per problem on stderr, exit code 2.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "config/config_loader.h"

namespace copycat::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct ConfigFlags {
  std::string path;  // --config; "" = CONFIG_PATH or the default path
  // Flag overrides (key path -> value), applied over file and environment.
  std::vector<std::pair<std::string, std::string>> overrides;
  bool require_target = true;  // see config::LoadOptions::require_target
};

// Adds --config to `cmd`.
void addConfigFlag(CLI::App& cmd, ConfigFlags& flags);

// Loads the configuration, printing warnings and problems to stderr. Returns nullopt after
// printing when it cannot be loaded (the caller exits with kExitUsage).
std::optional<config::LoadedConfig> loadConfigOrReport(const ConfigFlags& flags);

}  // namespace copycat::app
