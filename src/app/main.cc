// copycat: keeps a backup of every container image a Kubernetes cluster runs.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/config_command.h"
#include "app/config_flags.h"
#include "app/copy_command.h"
#include "app/plan_command.h"
#include "app/run_command.h"
#include "app/version.h"

int main(int argc, char** argv) {
  using copycat::app::kExitUsage;
  CLI::App app{"copycat mirrors the container images a Kubernetes cluster runs"};
  app.require_subcommand(1);
  int exit_code = 0;
  copycat::app::addPlanCommand(app, &exit_code);
  copycat::app::addConfigCommand(app, &exit_code);
  copycat::app::addCopyCommand(app, &exit_code);
  copycat::app::addRunCommand(app, &exit_code);
  app.add_subcommand("version", "Print the version")->callback([] {
    std::cout << "copycat " << copycat::app::version() << "\n";
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}
