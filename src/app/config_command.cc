#include "app/config_command.h"

#include <iostream>
#include <memory>

#include "app/config_flags.h"
#include "config/config_printer.h"

namespace copycat::app {

void addConfigCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ConfigFlags>();
  auto* cmd = app.add_subcommand(
      "config", "Print the effective configuration (secrets redacted) with each value's source");
  addConfigFlag(*cmd, *flags);
  cmd->callback([flags, exit_code] {
    auto loaded = loadConfigOrReport(*flags);
    if (!loaded) {
      *exit_code = kExitUsage;
      return;
    }
    std::cout << config::renderEffectiveConfig(*loaded);
    *exit_code = kExitOk;
  });
}

}  // namespace copycat::app
