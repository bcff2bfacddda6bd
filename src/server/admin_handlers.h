// AdminHandlers: upstream's operational endpoints on the metrics listener.
//   GET  /admin/cache          push-cache entries
//   POST /admin/cache/evict    evict by target, prefix or all (query or JSON body)
//   POST /reset-cooldown       clear the failure cooldown (GET too, as upstream allows)
//   POST /force-reconcile      start a full reconciliation in the background (GET too)
// With a token configured every one of them requires "Authorization: Bearer <token>".
//
// Thread-safe: the backend may be set or replaced while requests are served (upstream's
// SetResetter/SetReconciler); until then the endpoints answer 503.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "server/admin_backend.h"
#include "server/bearer_auth.h"
#include "server/http_message.h"

namespace copycat::server {

class HttpServer;

struct AdminOptions {
  std::string token{};  // empty: no authentication (upstream has none)
};

class AdminHandlers {
 public:
  explicit AdminHandlers(AdminOptions options, std::shared_ptr<AdminBackend> backend = nullptr);

  void setBackend(std::shared_ptr<AdminBackend> backend);

  // Registers the four endpoints, each behind the bearer-token guard.
  void registerRoutes(HttpServer& server) const;

  [[nodiscard]] HttpResponse cacheState(const HttpRequest& request) const;
  [[nodiscard]] HttpResponse cacheEvict(const HttpRequest& request) const;
  [[nodiscard]] HttpResponse resetCooldown(const HttpRequest& request) const;
  [[nodiscard]] HttpResponse forceReconcile(const HttpRequest& request) const;

  [[nodiscard]] const BearerAuth& auth() const { return auth_; }

 private:
  [[nodiscard]] std::shared_ptr<AdminBackend> backend() const;

  BearerAuth auth_;
  mutable std::mutex mu_;
  std::shared_ptr<AdminBackend> backend_;  // guarded by mu_
};

}  // namespace copycat::server
