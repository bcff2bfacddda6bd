// Runs a short-lived helper process (exec credential plugins) and captures its output.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace copycat::kube {

struct ProcessSpec {
  std::string command;  // looked up in PATH unless it contains '/'
  std::vector<std::string> args;
  // Added to (and overriding) the parent environment, later entries winning.
  std::vector<std::pair<std::string, std::string>> env;
  std::chrono::milliseconds timeout{60000};
  size_t max_output_bytes = 4 << 20;  // per stream; output beyond it is drained and dropped
};

struct ProcessResult {
  int exit_code = -1;   // -1 when killed by a signal
  int term_signal = 0;  // the signal that ended it, 0 otherwise
  bool timed_out = false;
  bool stdout_truncated = false;
  std::string stdout_data;
  std::string stderr_data;
};

// Spawns `spec` with stdin from /dev/null in its own process group, collects stdout and stderr,
// and waits for it to exit. On timeout the whole process group is killed (SIGKILL) and the
// result has timed_out set. Blocks up to about spec.timeout. Thread-safe.
// Errors (spawn failures only): kNotFound when the executable does not exist, kPermissionDenied
// when it is not executable, kInternal otherwise.
Result<ProcessResult> runProcess(const ProcessSpec& spec);

// The signature of runProcess, injectable for tests.
using ProcessRunner = std::function<Result<ProcessResult>(const ProcessSpec&)>;

}  // namespace copycat::kube
