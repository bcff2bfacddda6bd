// `copycat plan`: what would be mirrored where, without touching any registry.
#pragma once

#include <CLI/CLI.hpp>

namespace copycat::app {

// Registers the subcommand on `app`; its callback stores the exit code in `*exit_code`.
void addPlanCommand(CLI::App& app, int* exit_code);

}  // namespace copycat::app
