#include "server/server_set.h"

#include "server/listen_address.h"

namespace copycat::server {
namespace {

// Probes carry no body; a small limit keeps a stray upload from tying up a probe thread.
constexpr size_t kProbeMaxBodyBytes = 64 * 1024;

}  // namespace

ServerSet::ServerSet(ServerSetOptions options)
    : options_(std::move(options)), admin_(AdminOptions{.token = options_.admin_token}) {}

ServerSet::~ServerSet() { stop(); }

Status ServerSet::start() {
  if (!isDisabledAddress(options_.metrics_addr)) {
    auto server = std::make_unique<HttpServer>(HttpServer::Options{
        .name = "metrics",
        .threads = options_.metrics_threads,
        .max_body_bytes = options_.max_body_bytes,
    });
    metrics_.registerRoutes(*server);
    if (options_.admin_enabled) {
      admin_.registerRoutes(*server);
    }
    auto started = server->start(options_.metrics_addr);
    if (!started) {
      return tl::unexpected(started.error().withContext("metrics listener"));
    }
    metrics_server_ = std::move(server);
  }
  if (!isDisabledAddress(options_.health_addr)) {
    auto server = std::make_unique<HttpServer>(HttpServer::Options{
        .name = "probes",
        .threads = options_.health_threads,
        .max_body_bytes = kProbeMaxBodyBytes,
    });
    health_.registerRoutes(*server);
    auto started = server->start(options_.health_addr);
    if (!started) {
      stop();
      return tl::unexpected(started.error().withContext("health probe listener"));
    }
    health_server_ = std::move(server);
  }
  return ok();
}

void ServerSet::stop() {
  if (metrics_server_) {
    metrics_server_->stop();
    metrics_server_.reset();
  }
  if (health_server_) {
    health_server_->stop();
    health_server_.reset();
  }
}

int ServerSet::metricsPort() const { return metrics_server_ ? metrics_server_->port() : 0; }

int ServerSet::healthPort() const { return health_server_ ? health_server_->port() : 0; }

}  // namespace copycat::server
