// ServerSet: copycat's two listeners, laid out as upstream's controller-runtime manager lays
// them out:
//   metrics_addr (default :8080): GET /metrics and the admin endpoints (/admin/cache,
//                                 /admin/cache/evict, /reset-cooldown, /force-reconcile)
//   health_addr  (default :8081): GET /healthz, /readyz (and /healthz/<name>, /readyz/<name>)
// "" or "0" disables a listener (and with the metrics listener, the admin endpoints).
//
// Thread-safety: configure (health(), metrics(), admin()) from any thread; start() and stop()
// from the owning thread. stop() closes the metrics listener first and the probes last, so
// /healthz answers until the end.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "base/result.h"
#include "server/admin_handlers.h"
#include "server/health_checks.h"
#include "server/http_server.h"
#include "server/metrics_handler.h"

namespace copycat::server {

struct ServerSetOptions {
  std::string metrics_addr = ":8080";  // METRICS_ADDR / --metrics-bind-address
  std::string health_addr = ":8081";   // --health-probe-bind-address
  bool admin_enabled = true;           // serve the admin endpoints on the metrics listener
  std::string admin_token{};           // ADMIN_TOKEN; empty = no authentication
  size_t metrics_threads = 3;          // a scrape, an admin call and one spare
  size_t health_threads = 2;           // liveness and readiness probes
  size_t max_body_bytes = kDefaultMaxBodyBytes;
};

class ServerSet {
 public:
  explicit ServerSet(ServerSetOptions options);
  ~ServerSet();  // stop()s
  ServerSet(const ServerSet&) = delete;
  ServerSet& operator=(const ServerSet&) = delete;

  [[nodiscard]] HealthChecks& health() { return health_; }
  [[nodiscard]] MetricsHandler& metrics() { return metrics_; }
  [[nodiscard]] AdminHandlers& admin() { return admin_; }

  // Binds and serves both listeners. On error nothing is left running; the message names the
  // listener ("metrics listener: listen tcp :8080: Address already in use").
  [[nodiscard]] Status start();
  void stop();

  // Bound ports; 0 for a disabled or not yet started listener.
  [[nodiscard]] int metricsPort() const;
  [[nodiscard]] int healthPort() const;

 private:
  ServerSetOptions options_;
  HealthChecks health_;
  MetricsHandler metrics_;
  AdminHandlers admin_;
  // Declared last: destroyed (and stopped) before the handlers they call.
  std::unique_ptr<HttpServer> metrics_server_;
  std::unique_ptr<HttpServer> health_server_;
};

}  // namespace copycat::server
