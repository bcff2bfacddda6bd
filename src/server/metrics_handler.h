// MetricsHandler: GET /metrics in the Prometheus text exposition format 0.0.4, rendered by
// prometheus-cpp's TextSerializer from every registered collectable (usually one
// prometheus::Registry). HEAD is answered with the headers only; other methods get 405.
//
// Thread-safe: collectables may be added while scrapes are served.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>

#include "server/http_message.h"

namespace copycat::server {

class HttpServer;

class MetricsHandler {
 public:
  static constexpr std::string_view kPath = "/metrics";
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  MetricsHandler() = default;
  explicit MetricsHandler(std::vector<std::shared_ptr<prometheus::Collectable>> collectables);

  void add(std::shared_ptr<prometheus::Collectable> collectable);

  // The exposition text of every collectable, in registration order.
  [[nodiscard]] std::string render() const;
  // 200 with the text, or 500 when a collector throws.
  [[nodiscard]] HttpResponse serve(const HttpRequest& request) const;

  void registerRoutes(HttpServer& server) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;  // guarded by mu_
};

}  // namespace copycat::server
