// Runs the copycat binary under test with a space-separated argument string (the tests' paths
// contain no spaces) and returns its exit code and merged output.
#pragma once

#include <string>
#include <vector>

#include "base/strings.h"
#include "support/harness_process.h"

namespace copycat::testing {

struct CopycatRun {
  int exit_code = -1;
  std::string out;          // stdout followed by stderr
  std::string stdout_text;  // stdout alone (what scripts parse)
};

inline CopycatRun runCopycat(const std::string& args) {
  std::vector<std::string> argv = {COPYCAT_EXE};
  for (auto& arg : strings::split(args, ' ')) {
    if (!arg.empty()) {
      argv.push_back(std::move(arg));
    }
  }
  auto result = runCommand(argv, CommandOptions{.timeout = std::chrono::milliseconds(120'000),
                                                .env = {},
                                                .unset_prefixes = {"CONFIG_PATH"}});
  if (!result) {
    return {.exit_code = -1, .out = result.error().message, .stdout_text = {}};
  }
  return {
      .exit_code = result->exit_code, .out = result->out + result->err, .stdout_text = result->out};
}

}  // namespace copycat::testing
