#include "app/config_flags.h"

#include <iostream>

namespace copycat::app {

void addConfigFlag(CLI::App& cmd, ConfigFlags& flags) {
  cmd.add_option("--config", flags.path,
                 "Configuration file (default: $CONFIG_PATH or /config/config.yaml)");
}

std::optional<config::LoadedConfig> loadConfigOrReport(const ConfigFlags& flags) {
  config::LoadOptions options;
  if (!flags.path.empty()) {
    options.path = flags.path;
    options.path_explicit = true;
  }
  options.flags = flags.overrides;
  options.require_target = flags.require_target;
  auto loaded = config::loadConfig(options);
  if (!loaded) {
    std::cerr << "copycat: invalid configuration:\n";
    for (const auto& problem : config::configProblems(loaded.error())) {
      std::cerr << "  " << problem << "\n";
    }
    return std::nullopt;
  }
  for (const auto& warning : loaded->warnings) {
    std::cerr << "copycat: warning: " << warning << "\n";
  }
  return std::move(*loaded);
}

}  // namespace copycat::app
