#include "kube/exec_runner.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.h"

extern char** environ;

namespace copycat::kube {
namespace {

using Steady = Clock::Steady;

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  int* out() { return &fd_; }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

Status makePipe(Pipe& p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return fail(ErrorCode::kInternal, std::string("pipe: ") + std::strerror(errno));
  }
  *p.read.out() = fds[0];
  *p.write.out() = fds[1];
  return ok();
}

// The child's environment: the parent's, with spec.env replacing or adding entries.
std::vector<std::string> buildEnvironment(const ProcessSpec& spec) {
  std::map<std::string, std::string> overrides;
  for (const auto& [name, value] : spec.env) {
    overrides[name] = value;
  }
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    if (overrides.count(name) == 0) {
      out.push_back(std::move(entry));
    }
  }
  for (const auto& [name, value] : overrides) {
    out.push_back(name + "=" + value);
  }
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

Result<pid_t> spawn(const ProcessSpec& spec, Pipe& out, Pipe& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.write.get(), 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &no_signals);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setpgroup(&attr, 0);  // own group, so a timeout kills its children too
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> argv_strings{spec.command};
  argv_strings.insert(argv_strings.end(), spec.args.begin(), spec.args.end());
  std::vector<std::string> env_strings = buildEnvironment(spec);
  std::vector<char*> argv = pointers(argv_strings);
  std::vector<char*> envp = pointers(env_strings);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, spec.command.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    std::string what = "cannot run \"" + spec.command + "\": " + std::strerror(rc);
    if (rc == ENOENT) return fail(ErrorCode::kNotFound, what);
    if (rc == EACCES || rc == EPERM) return fail(ErrorCode::kPermissionDenied, what);
    return fail(ErrorCode::kInternal, what);
  }
  return pid;
}

void append(std::string& buffer, const char* data, size_t n, size_t cap, bool* truncated) {
  size_t room = buffer.size() < cap ? cap - buffer.size() : 0;
  buffer.append(data, std::min(room, n));
  if (n > room && truncated != nullptr) {
    *truncated = true;
  }
}

// Reads both pipes until EOF or the deadline. Returns false on timeout.
bool drain(Pipe& out, Pipe& err, const ProcessSpec& spec, Steady::time_point deadline,
           ProcessResult& result) {
  char buf[8192];
  while (out.read.get() >= 0 || err.read.get() >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - SystemClock::instance().now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd fds[2] = {{out.read.get(), POLLIN, 0}, {err.read.get(), POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) {
      return false;
    }
    for (int i = 0; i < 2 && n > 0; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      Fd& fd = i == 0 ? out.read : err.read;
      ssize_t got = ::read(fd.get(), buf, sizeof(buf));
      if (got > 0) {
        std::string& target = i == 0 ? result.stdout_data : result.stderr_data;
        append(target, buf, static_cast<size_t>(got), spec.max_output_bytes,
               i == 0 ? &result.stdout_truncated : nullptr);
      } else if (got == 0 || errno != EINTR) {
        fd.reset();
      }
    }
  }
  return true;
}

// Waits for the child; kills its process group when the deadline passes first.
void reap(pid_t pid, Steady::time_point deadline, ProcessResult& result) {
  int status = 0;
  while (true) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) {
      break;
    }
    if (SystemClock::instance().now() >= deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    // The pipes are closed, so the child is exiting: poll its status briefly.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
}

}  // namespace

Result<ProcessResult> runProcess(const ProcessSpec& spec) {
  Pipe out;
  Pipe err;
  RETURN_IF_ERROR(makePipe(out));
  RETURN_IF_ERROR(makePipe(err));
  ASSIGN_OR_RETURN(pid_t pid, spawn(spec, out, err));
  out.write.reset();  // only the child holds the write ends now, so EOF means it closed them
  err.write.reset();
  const Steady::time_point deadline = SystemClock::instance().now() + spec.timeout;
  ProcessResult result;
  if (!drain(out, err, spec, deadline, result)) {
    result.timed_out = true;
    ::kill(-pid, SIGKILL);
  }
  reap(pid, deadline, result);
  if (result.timed_out) {
    result.exit_code = -1;
  }
  return result;
}

}  // namespace copycat::kube
