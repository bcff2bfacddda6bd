// `copycat config`: the effective configuration and where each value came from.
#pragma once

#include <CLI/CLI.hpp>

namespace copycat::app {

void addConfigCommand(CLI::App& app, int* exit_code);

}  // namespace copycat::app
