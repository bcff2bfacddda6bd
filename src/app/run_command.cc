#include "app/run_command.h"

#include <iostream>
#include <memory>
#include <stop_token>
#include <thread>

#include <pthread.h>
#include <signal.h>

#include "app/application.h"
#include "app/config_flags.h"
#include "base/log.h"

namespace copycat::app {
namespace {

struct RunCommandFlags {
  ConfigFlags config;
  RunFlags run;
  bool dry_run = false;
  bool dry_pull = false;
  std::string leader_elect;
  std::string metrics_addr;
  std::string health_addr;
};

// Flags override the file and the environment (config::LoadOptions::flags).
void collectOverrides(RunCommandFlags& f) {
  auto& o = f.config.overrides;
  if (f.dry_run) {
    o.emplace_back("dryRun", "true");
  }
  if (f.dry_pull) {
    o.emplace_back("dryPull", "true");
  }
  if (!f.leader_elect.empty()) {
    o.emplace_back("leaderElect", f.leader_elect);
  }
  if (!f.metrics_addr.empty()) {
    o.emplace_back("metricsAddr", f.metrics_addr);
  }
  if (!f.health_addr.empty()) {
    o.emplace_back("healthAddr", f.health_addr);
  }
}

// SIGTERM/SIGINT request a graceful stop. The signals are blocked in every thread (masks are
// inherited) and taken synchronously by one waiter thread.
class SignalStopper {
 public:
  SignalStopper() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    waiter_ = std::jthread([this] {
      int sig = 0;
      sigwait(&set_, &sig);
      LOG_INFO("app", "signal received, stopping", {{"signal", sig}});
      source_.request_stop();
    });
  }
  ~SignalStopper() {
    if (!source_.stop_requested()) {
      // Wake the waiter so it can be joined.
      source_.request_stop();
      pthread_kill(waiter_.native_handle(), SIGTERM);
    }
  }
  std::stop_token token() const { return source_.get_token(); }

 private:
  sigset_t set_{};
  std::stop_source source_;
  std::jthread waiter_;
};

int runController(const RunCommandFlags& flags) {
  auto loaded = loadConfigOrReport(flags.config);
  if (!loaded) {
    return kExitUsage;
  }
  log::setLevel(loaded->config.log_level);
  SignalStopper signals;
  auto app = Application::create(loaded->config, flags.run);
  if (!app) {
    LOG_ERROR("app", "cannot start", {{"error", app.error().message}});
    return app.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  auto status = (*app)->run(signals.token());
  if (!status) {
    LOG_ERROR("app", "stopped with an error", {{"error", status.error().message}});
    return kExitFailed;
  }
  LOG_INFO("app", "stopped", {});
  return kExitOk;
}

}  // namespace

void addRunCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<RunCommandFlags>();
  auto* cmd = app.add_subcommand("run", "Run the controller: watch workloads, mirror images");
  addConfigFlag(*cmd, flags->config);
  cmd->add_option("--kubeconfig", flags->run.kubeconfig,
                  "Kubeconfig file (default: in-cluster, $KUBECONFIG, ~/.kube/config)");
  cmd->add_option("--context", flags->run.context, "Kubeconfig context");
  cmd->add_flag("--dry-run", flags->dry_run, "Read everything, push nothing");
  cmd->add_flag("--dry-pull", flags->dry_pull, "Do not even contact source registries");
  cmd->add_option("--leader-elect", flags->leader_elect, "Leader election (true|false)")
      ->expected(0, 1)
      ->default_str("true");
  cmd->add_option("--metrics-addr", flags->metrics_addr, "Metrics and admin listen address");
  cmd->add_option("--health-addr", flags->health_addr, "Probe listen address");
  cmd->callback([flags, exit_code] {
    collectOverrides(*flags);
    *exit_code = runController(*flags);
  });
}

}  // namespace copycat::app
