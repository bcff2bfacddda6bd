#include "server/metrics_handler.h"

#include <exception>
#include <sstream>

#include <prometheus/text_serializer.h>

#include "base/log.h"
#include "server/http_server.h"

namespace copycat::server {

MetricsHandler::MetricsHandler(std::vector<std::shared_ptr<prometheus::Collectable>> collectables)
    : collectables_(std::move(collectables)) {}

void MetricsHandler::add(std::shared_ptr<prometheus::Collectable> collectable) {
  if (!collectable) {
    return;
  }
  std::lock_guard lock(mu_);
  collectables_.push_back(std::move(collectable));
}

std::string MetricsHandler::render() const {
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables;
  {
    std::lock_guard lock(mu_);
    collectables = collectables_;
  }
  // Collect outside our lock: registries take their own.
  std::vector<prometheus::MetricFamily> families;
  for (const auto& collectable : collectables) {
    auto collected = collectable->Collect();
    families.insert(families.end(), std::make_move_iterator(collected.begin()),
                    std::make_move_iterator(collected.end()));
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return std::move(out).str();
}

HttpResponse MetricsHandler::serve(const HttpRequest& /*request*/) const {
  try {
    HttpResponse response;
    response.content_type = std::string(kContentType);
    response.body = render();
    return response;
  } catch (const std::exception& e) {
    LOG_ERROR("server", "metrics collection failed", {{"error", e.what()}});
    return textResponse(500, "error collecting metrics");
  }
}

void MetricsHandler::registerRoutes(HttpServer& server) const {
  server.handle(std::string(kPath), {"GET", "HEAD"},
                [this](const HttpRequest& request) { return serve(request); });
}

}  // namespace copycat::server
