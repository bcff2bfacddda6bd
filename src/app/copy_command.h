// `copycat copy SRC DST`: one image, one time, like `skopeo copy` or `crane copy`.
#pragma once

#include <CLI/CLI.hpp>

namespace copycat::app {

void addCopyCommand(CLI::App& app, int* exit_code);

}  // namespace copycat::app
