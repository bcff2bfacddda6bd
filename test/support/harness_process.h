// Child processes for the registry harness: a one-shot command runner (skopeo, htpasswd) and a
// long-running child (docker-registry) that is killed when its owner goes away.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

#include "base/result.h"

namespace copycat::testing {

struct CommandResult {
  int exit_code = -1;  // exit status; 128 + signal when killed by a signal
  std::string out{};   // everything written to stdout
  std::string err{};   // everything written to stderr
};

struct CommandOptions {
  std::chrono::milliseconds timeout{60'000};
  std::vector<std::string> env{};  // "NAME=value" entries added to (or replacing in) environ
  std::vector<std::string> unset_prefixes{};  // environ entries starting with these are dropped
};

// Runs argv[0] (looked up in PATH) and collects its output. Thread-safe.
// Errors: kNotFound when the program does not exist, kDeadlineExceeded when it outlives
// `timeout` (it is killed), kInternal on fork/pipe failures. A non-zero exit is not an error:
// check CommandResult::exit_code.
[[nodiscard]] Result<CommandResult> runCommand(const std::vector<std::string>& argv,
                                               const CommandOptions& options = {});

// Finds `program` in PATH; "" when absent.
[[nodiscard]] std::string findProgram(const std::string& program);

// A background child whose stdout and stderr go to files. The child gets PR_SET_PDEATHSIG, so
// it dies with the thread that spawned it even when the test crashes. Not thread-safe.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Errors: kNotFound when argv[0] is not in PATH, kInternal when fork or the log files fail.
  [[nodiscard]] static Result<ChildProcess> spawn(const std::vector<std::string>& argv,
                                                  const CommandOptions& options,
                                                  const std::string& stdout_file,
                                                  const std::string& stderr_file);

  [[nodiscard]] pid_t pid() const { return pid_; }
  // True while the child has not exited (reaps it when it has).
  [[nodiscard]] bool running();
  // The exit code once the child has exited (see CommandResult::exit_code), else -1.
  [[nodiscard]] int exitCode() const { return exit_code_; }
  // SIGTERM, up to `grace` for the exit, then SIGKILL; reaps. Idempotent.
  void terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace copycat::testing
