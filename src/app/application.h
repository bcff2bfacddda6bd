// The composition root of `copycat run`: builds every module from the configuration, starts
// them in dependency order and stops them in reverse (docs/ARCHITECTURE.md):
//   server (probes + metrics, always) -> [leader] controller workers -> cluster watches;
//   shutdown: watches, controller (in-flight copies get shutdownTimeoutSeconds), server last.
#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include "base/result.h"
#include "config/config.h"

namespace copycat::app {

struct RunFlags {
  std::string kubeconfig;
  std::string context;
};

class Application {
 public:
  // Validates and builds everything that needs no network (planner, copier, controller,
  // servers, cluster config). kInvalidArgument names what is wrong.
  [[nodiscard]] static Result<std::unique_ptr<Application>> create(const config::Config& config,
                                                                   const RunFlags& flags);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  // Serves, (with leader election: once leading) mirrors, until `stop` is requested; then shuts
  // down gracefully. Returns the first fatal error (a watch that cannot start, lost leadership).
  [[nodiscard]] Status run(std::stop_token stop);

  struct Parts;  // the modules it owns (application.cc)

 private:
  explicit Application(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace copycat::app
