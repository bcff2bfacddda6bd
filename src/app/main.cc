// copycat: keeps a backup of every container image a Kubernetes cluster runs.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/version.h"

int main(int argc, char** argv) {
  CLI::App app{"copycat mirrors the container images a Kubernetes cluster runs"};
  app.require_subcommand(1);
  auto* version = app.add_subcommand("version", "Print the version");
  version->callback([] { std::cout << "copycat " << copycat::app::version() << "\n"; });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return 0;
}
