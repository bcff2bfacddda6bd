// `copycat run`: the controller. In a pod it needs no flag (in-cluster config,
// /config/config.yaml).
#pragma once

#include <CLI/CLI.hpp>

namespace copycat::app {

void addRunCommand(CLI::App& app, int* exit_code);

}  // namespace copycat::app
