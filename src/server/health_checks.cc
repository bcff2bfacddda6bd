#include "server/health_checks.h"

#include <algorithm>
#include <exception>
#include <set>

#include "base/log.h"
#include "server/http_server.h"

namespace copycat::server {
namespace {

constexpr std::string_view kLogger = "server";
// A failing probe answers 503 Service Unavailable: the process is up but not serving.
constexpr int kFailureStatus = 503;

std::string_view endpointName(HealthChecks::Kind kind) {
  return kind == HealthChecks::Kind::kLiveness ? "healthz" : "readyz";
}

Status runCheck(const HealthChecks::Check& check) {
  try {
    return check();
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, std::string("check threw: ") + e.what());
  }
}

HttpResponse plainText(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::string(kTextContentType);
  response.body = std::move(body);
  response.setHeader("X-Content-Type-Options", "nosniff");
  return response;
}

std::string quotedList(const std::set<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    out += (out.empty() ? "\"" : ",\"") + name + "\"";
  }
  return out;
}

}  // namespace

Status HealthChecks::addLivenessCheck(std::string name, Check check) {
  return add(Kind::kLiveness, std::move(name), std::move(check));
}

Status HealthChecks::addReadinessCheck(std::string name, Check check) {
  return add(Kind::kReadiness, std::move(name), std::move(check));
}

Status HealthChecks::add(Kind kind, std::string name, Check check) {
  if (name.empty() || name.find('/') != std::string::npos || !check) {
    return fail(ErrorCode::kInvalidArgument, "invalid health check name \"" + name + "\"");
  }
  std::lock_guard lock(mu_);
  auto& checks = kind == Kind::kLiveness ? liveness_ : readiness_;
  bool taken = std::any_of(checks.begin(), checks.end(),
                           [&](const NamedCheck& c) { return c.name == name; });
  if (taken) {
    return fail(ErrorCode::kAlreadyExists,
                std::string(endpointName(kind)) + " checker with name " + name + " already exists");
  }
  checks.push_back(NamedCheck{std::move(name), std::move(check)});
  return ok();
}

std::vector<HealthChecks::NamedCheck> HealthChecks::snapshot(Kind kind) const {
  std::lock_guard lock(mu_);
  auto checks = kind == Kind::kLiveness ? liveness_ : readiness_;
  if (checks.empty()) {
    // controller-runtime installs a ping check when none is registered.
    checks.push_back(NamedCheck{"ping", [] { return ok(); }});
  }
  return checks;
}

bool HealthChecks::passes(Kind kind) const {
  auto checks = snapshot(kind);
  return std::all_of(checks.begin(), checks.end(),
                     [](const NamedCheck& c) { return runCheck(c.check).has_value(); });
}

HttpResponse HealthChecks::serveAggregate(Kind kind, const HttpRequest& request) const {
  auto values = request.queryValues("exclude");
  std::set<std::string> excluded(values.begin(), values.end());
  std::string listing;
  bool failed = false;
  // Checks run outside the lock (CP.22): they may take their own locks.
  for (const auto& check : snapshot(kind)) {
    if (excluded.erase(check.name) > 0) {
      listing += "[+]" + check.name + " excluded: ok\n";
      continue;
    }
    auto status = runCheck(check.check);
    if (status) {
      listing += "[+]" + check.name + " ok\n";
      continue;
    }
    // The aggregate endpoint is public: the reason goes to the debug log only.
    LOG_DEBUG(kLogger, "health check failed",
              {{"endpoint", endpointName(kind)},
               {"checker", check.name},
               {"error", status.error().message}});
    listing += "[-]" + check.name + " failed: reason withheld\n";
    failed = true;
  }
  if (!excluded.empty()) {
    listing += "warn: some health checks cannot be excluded: no matches for " +
               quotedList(excluded) + "\n";
  }
  std::string name(endpointName(kind));
  if (failed) {
    return plainText(kFailureStatus, listing + name + " check failed\n");
  }
  if (!request.hasQuery("verbose")) {
    return plainText(200, "ok");
  }
  return plainText(200, listing + name + " check passed\n");
}

HttpResponse HealthChecks::serveSingle(Kind kind, std::string_view name) const {
  for (const auto& check : snapshot(kind)) {
    if (check.name != name) {
      continue;
    }
    auto status = runCheck(check.check);
    if (status) {
      return plainText(200, "ok");
    }
    return textResponse(kFailureStatus, "internal server error: " + status.error().message);
  }
  return textResponse(404, "404 page not found");
}

void HealthChecks::registerRoutes(HttpServer& server) const {
  for (Kind kind : {Kind::kLiveness, Kind::kReadiness}) {
    std::string path = "/" + std::string(endpointName(kind));
    server.handle(path, {"GET", "HEAD"}, [this, kind](const HttpRequest& request) {
      return serveAggregate(kind, request);
    });
    server.handlePrefix(path + "/", {"GET", "HEAD"},
                        [this, kind, skip = path.size() + 1](const HttpRequest& request) {
                          return serveSingle(kind, std::string_view(request.path).substr(skip));
                        });
  }
}

}  // namespace copycat::server
