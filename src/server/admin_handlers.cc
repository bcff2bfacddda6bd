#include "server/admin_handlers.h"

#include <algorithm>

#include "base/log.h"
#include "base/strings.h"
#include "server/admin_json.h"
#include "server/eviction_request.h"
#include "server/http_server.h"

namespace copycat::server {
namespace {

constexpr std::string_view kLogger = "server";

HttpResponse cacheNotReady() { return textResponse(503, "cache admin service not ready"); }

std::optional<std::string> cooldownTarget(const HttpRequest& request) {
  auto value = request.queryValue("target");
  if (!value || strings::trim(*value).empty()) {
    return std::nullopt;
  }
  return std::string(strings::trim(*value));
}

}  // namespace

AdminHandlers::AdminHandlers(AdminOptions options, std::shared_ptr<AdminBackend> backend)
    : auth_(options.token), backend_(std::move(backend)) {}

void AdminHandlers::setBackend(std::shared_ptr<AdminBackend> backend) {
  std::lock_guard lock(mu_);
  backend_ = std::move(backend);
}

std::shared_ptr<AdminBackend> AdminHandlers::backend() const {
  std::lock_guard lock(mu_);
  return backend_;
}

HttpResponse AdminHandlers::cacheState(const HttpRequest& /*request*/) const {
  auto admin = backend();
  if (!admin) {
    return cacheNotReady();
  }
  auto entries = cacheEntriesJson(admin->cacheEntries());
  size_t count = entries.size();
  return jsonResponse(200, {{"entries", std::move(entries)}, {"count", count}});
}

HttpResponse AdminHandlers::cacheEvict(const HttpRequest& request) const {
  auto selector = parseEvictionRequest(request);
  if (!selector) {
    return textResponse(400, selector.error().message);
  }
  auto admin = backend();
  if (!admin) {
    return cacheNotReady();
  }
  auto [removed, left] = admin->evict(*selector);
  std::sort(removed.begin(), removed.end());
  auto entries = cacheEntriesJson(std::move(left));
  size_t remaining = entries.size();
  // Upstream encodes "no match" as null; an empty array says the same and is easier to consume.
  return jsonResponse(200, {{"removed", removed}, {"remaining", remaining}, {"entries", entries}});
}

HttpResponse AdminHandlers::resetCooldown(const HttpRequest& request) const {
  auto admin = backend();
  if (!admin) {
    return jsonResponse(
        503,
        {{"reset", false}, {"clearedTargets", 0}, {"message", "cooldown reset service not ready"}});
  }
  auto target = cooldownTarget(request);
  auto result = admin->resetCooldown(target);
  LOG_INFO(kLogger, "processed cooldown reset request",
           {{"method", request.method},
            {"target", target.value_or("")},
            {"clearedTargets", result.cleared},
            {"cooldownEnabled", result.cooldown_enabled}});
  return jsonResponse(200, cooldownResetJson(result));
}

HttpResponse AdminHandlers::forceReconcile(const HttpRequest& request) const {
  auto admin = backend();
  if (!admin) {
    return jsonResponse(503, forceReconcileJson({.message = "force reconcile service not ready"}));
  }
  auto started = admin->forceReconcile();
  if (!started) {
    LOG_WARN(kLogger, "force reconcile could not start",
             {{"method", request.method}, {"error", started.error().message}});
    return jsonResponse(
        503, forceReconcileJson({.message = "force reconcile failed: " + started.error().message}));
  }
  if (*started == ForceReconcileStart::kAlreadyRunning) {
    return jsonResponse(409, forceReconcileJson({.message = "force reconcile already running"}));
  }
  LOG_INFO(kLogger, "force reconcile started", {{"method", request.method}});
  return jsonResponse(
      202, forceReconcileJson(
               {.triggered = true, .success = true, .message = "force reconcile started"}));
}

void AdminHandlers::registerRoutes(HttpServer& server) const {
  HttpServer::Guard guard;
  if (auth_.enabled()) {
    guard = [this](const HttpRequest& request) { return auth_.check(request); };
  }
  server.handle(
      "/admin/cache", {"GET", "HEAD"},
      [this](const HttpRequest& request) { return cacheState(request); }, guard);
  server.handle(
      "/admin/cache/evict", {"POST"},
      [this](const HttpRequest& request) { return cacheEvict(request); }, guard);
  // Upstream serves these for any method; GET stays for "simple tooling" (its README).
  server.handle(
      "/reset-cooldown", {"POST", "GET"},
      [this](const HttpRequest& request) { return resetCooldown(request); }, guard);
  server.handle(
      "/force-reconcile", {"POST", "GET"},
      [this](const HttpRequest& request) { return forceReconcile(request); }, guard);
}

}  // namespace copycat::server
