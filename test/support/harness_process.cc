#include "support/harness_process.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace copycat::testing {
namespace {

using Clock = std::chrono::steady_clock;

// argv/envp arrays prepared before fork(): the child may only make async-signal-safe calls.
struct ExecArgs {
  std::string path;
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

std::vector<std::string> buildEnv(const CommandOptions& options) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    bool drop = false;
    for (const auto& prefix : options.unset_prefixes) {
      drop = drop || entry.rfind(prefix, 0) == 0;
    }
    for (const auto& extra : options.env) {
      auto name = extra.substr(0, extra.find('=') + 1);
      drop = drop || entry.rfind(name, 0) == 0;
    }
    if (!drop) {
      env.push_back(std::move(entry));
    }
  }
  env.insert(env.end(), options.env.begin(), options.env.end());
  return env;
}

Result<ExecArgs> prepare(const std::vector<std::string>& argv, const CommandOptions& options) {
  if (argv.empty()) {
    return fail(ErrorCode::kInvalidArgument, "empty command");
  }
  ExecArgs args;
  args.path = findProgram(argv[0]);
  if (args.path.empty()) {
    return fail(ErrorCode::kNotFound, "program not found in PATH: " + argv[0]);
  }
  args.argv_storage = argv;
  args.env_storage = buildEnv(options);
  for (auto& a : args.argv_storage) {
    args.argv.push_back(a.data());
  }
  args.argv.push_back(nullptr);
  for (auto& e : args.env_storage) {
    args.envp.push_back(e.data());
  }
  args.envp.push_back(nullptr);
  return args;
}

// In the child: stdin from /dev/null, stdout/stderr to the given fds, then exec.
[[noreturn]] void execChild(const ExecArgs& args, int out_fd, int err_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) {
    dup2(null_fd, STDIN_FILENO);
  }
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  execve(args.path.c_str(), args.argv.data(), args.envp.data());
  _exit(127);
}

int decodeStatus(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

// Reads both pipes until EOF or the deadline. Returns false on timeout.
bool drainPipes(int out_fd, int err_fd, Clock::time_point deadline, CommandResult* result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result->out, &result->err};
  int open_count = 2;
  char buf[16384];
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return false;
    }
    int n = poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno != EINTR) {
      return false;
    }
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      ssize_t got = read(fds[i].fd, buf, sizeof(buf));
      if (got > 0) {
        sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  return true;
}

}  // namespace

std::string findProgram(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return access(program.c_str(), X_OK) == 0 ? program : std::string();
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) {
      end = dirs.size();
    }
    std::string candidate = dirs.substr(start, end - start) + "/" + program;
    if (end > start && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return {};
}

Result<CommandResult> runCommand(const std::vector<std::string>& argv,
                                 const CommandOptions& options) {
  ASSIGN_OR_RETURN(ExecArgs args, prepare(argv, options));
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    return fail(ErrorCode::kInternal, "pipe failed");
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return fail(ErrorCode::kInternal, "pipe failed");
  }
  pid_t pid = fork();
  if (pid == 0) {
    execChild(args, out_pipe[1], err_pipe[1]);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult result;
  bool finished =
      pid > 0 && drainPipes(out_pipe[0], err_pipe[0], Clock::now() + options.timeout, &result);
  close(out_pipe[0]);
  close(err_pipe[0]);
  if (pid < 0) {
    return fail(ErrorCode::kInternal, "fork failed");
  }
  if (!finished) {
    kill(pid, SIGKILL);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!finished) {
    return fail(ErrorCode::kDeadlineExceeded, argv[0] + " timed out");
  }
  result.exit_code = decodeStatus(status);
  if (result.exit_code == 127 && result.err.empty()) {
    result.err = "exec failed: " + args.path;
  }
  return result;
}

ChildProcess::~ChildProcess() { terminate(); }

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_code_(other.exit_code_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    terminate();
    pid_ = std::exchange(other.pid_, -1);
    exit_code_ = other.exit_code_;
  }
  return *this;
}

Result<ChildProcess> ChildProcess::spawn(const std::vector<std::string>& argv,
                                         const CommandOptions& options,
                                         const std::string& stdout_file,
                                         const std::string& stderr_file) {
  ASSIGN_OR_RETURN(ExecArgs args, prepare(argv, options));
  int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;
  int out_fd = open(stdout_file.c_str(), flags, 0644);
  int err_fd = out_fd >= 0 ? open(stderr_file.c_str(), flags, 0644) : -1;
  if (out_fd < 0 || err_fd < 0) {
    if (out_fd >= 0) {
      close(out_fd);
    }
    return fail(ErrorCode::kInternal, "cannot open child log files");
  }
  pid_t pid = fork();
  if (pid == 0) {
    execChild(args, out_fd, err_fd);
  }
  close(out_fd);
  close(err_fd);
  if (pid < 0) {
    return fail(ErrorCode::kInternal, "fork failed");
  }
  ChildProcess child;
  child.pid_ = pid;
  return child;
}

bool ChildProcess::running() {
  if (pid_ <= 0) {
    return false;
  }
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = decodeStatus(status);
    pid_ = -1;
    return false;
  }
  return r == 0;
}

void ChildProcess::terminate(std::chrono::milliseconds grace) {
  if (pid_ <= 0) {
    return;
  }
  kill(pid_, SIGTERM);
  auto deadline = Clock::now() + grace;
  while (running() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // reaping: no event to wait on
  }
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    exit_code_ = decodeStatus(status);
    pid_ = -1;
  }
}

}  // namespace copycat::testing
