// The measured process: the real `copycat run` binary, configured as an operator would
// configure it (a kubeconfig with a bearer token, a config.yaml with a docker target, plain-HTTP
// registries, no leader election, metrics and health on free loopback ports) and observed from
// outside only: the admin API's /admin/cache, /readyz, and /proc/<pid> (VmHWM, VmRSS, CPU).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <httplib.h>
#include <sys/types.h>

#include "base/result.h"
#include "registry_timeline.h"
#include "support/harness_process.h"

namespace copycat::bench {

struct CopycatOptions {
  std::string binary{};
  std::string work_dir{};  // kubeconfig, config.yaml, copycat.out, copycat.err
  std::string api_url{};
  std::string api_token{};
  std::string source_host{};  // "127.0.0.1:<port>"
  std::string target_host{};
  int max_concurrent_reconciles = 0;  // 0: copycat's default
};

// An /admin/cache entry whose first push has finished.
struct MirroredTarget {
  std::string target{};  // "127.0.0.1:<port>/bench/app-007:1.0"
  std::string digest{};
  WallTime last_push{};  // copycat's wall clock when it recorded the push
};

struct ProcSample {
  long vm_hwm_kib = -1;  // peak resident set size so far
  long vm_rss_kib = -1;
  double cpu_s = -1;  // user + system
  int threads = -1;
};

// Not thread-safe. The child dies with the thread that started it (PR_SET_PDEATHSIG).
class CopycatProcess {
 public:
  // Writes the files, picks the ports and spawns `copycat run`. Errors: kNotFound (binary),
  // kInternal (files, ports, fork).
  [[nodiscard]] static Result<std::unique_ptr<CopycatProcess>> start(const CopycatOptions& options);
  ~CopycatProcess();
  CopycatProcess(const CopycatProcess&) = delete;
  CopycatProcess& operator=(const CopycatProcess&) = delete;

  [[nodiscard]] WallTime startedAt() const { return started_; }  // just before fork
  [[nodiscard]] bool running() { return child_.running(); }
  // Targets of /admin/cache with a finished push. Errors: kUnavailable (no answer yet),
  // kInternal (not JSON).
  [[nodiscard]] Result<std::vector<MirroredTarget>> mirrored();
  [[nodiscard]] bool ready();  // GET /readyz answered 200
  // The Prometheus text of /metrics. Errors: kUnavailable.
  [[nodiscard]] Result<std::string> metricsText();
  [[nodiscard]] ProcSample sample() const;
  // SIGTERM, up to `grace` for the exit; returns the exit code (128 + signal when killed).
  int stop(std::chrono::milliseconds grace);
  [[nodiscard]] std::string stderrFile() const { return options_.work_dir + "/copycat.err"; }

 private:
  explicit CopycatProcess(CopycatOptions options) : options_(std::move(options)) {}
  Status writeFiles() const;

  CopycatOptions options_;
  int metrics_port_ = 0;
  int health_port_ = 0;
  WallTime started_{};
  testing::ChildProcess child_;
  std::unique_ptr<httplib::Client> metrics_;
  std::unique_ptr<httplib::Client> health_;
};

}  // namespace copycat::bench
