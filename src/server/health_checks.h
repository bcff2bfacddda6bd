// HealthChecks: named liveness and readiness checks served as /healthz and /readyz with
// controller-runtime's healthz semantics (pkg/healthz): "ok" when every check passes, a listing
// "[+]name ok" / "[-]name failed: reason withheld" with ?verbose or on failure, ?exclude=name to
// skip a check, and /healthz/<name>, /readyz/<name> for one check with its reason. Failures answer
// 503 (controller-runtime answers 500; both fail a kubelet probe).
//
// Thread-safe: checks may be added while the endpoints are served. A check runs on an HTTP thread
// for every probe, so it must be cheap and non-blocking (read a flag, compare a timestamp).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "server/http_message.h"

namespace copycat::server {

class HttpServer;

class HealthChecks {
 public:
  // ok() when healthy; otherwise an error whose message says why (shown only on the
  // per-check endpoint and in debug logs, never in the aggregate listing).
  using Check = std::function<Status()>;
  enum class Kind { kLiveness, kReadiness };

  // Adds a check. Errors: kInvalidArgument for an empty name or one containing '/',
  // kAlreadyExists when the name is taken for that kind.
  [[nodiscard]] Status addLivenessCheck(std::string name, Check check);
  [[nodiscard]] Status addReadinessCheck(std::string name, Check check);

  // True when every check of `kind` passes (a kind without checks passes, as "ping").
  [[nodiscard]] bool passes(Kind kind) const;

  // GET/HEAD /healthz, /readyz and /healthz/<name>, /readyz/<name>.
  void registerRoutes(HttpServer& server) const;

  // The responses themselves, for tests and other listeners.
  [[nodiscard]] HttpResponse serveAggregate(Kind kind, const HttpRequest& request) const;
  [[nodiscard]] HttpResponse serveSingle(Kind kind, std::string_view name) const;

 private:
  struct NamedCheck {
    std::string name;
    Check check;
  };
  [[nodiscard]] Status add(Kind kind, std::string name, Check check);
  [[nodiscard]] std::vector<NamedCheck> snapshot(Kind kind) const;

  mutable std::mutex mu_;
  std::vector<NamedCheck> liveness_;   // guarded by mu_; registration order
  std::vector<NamedCheck> readiness_;  // guarded by mu_
};

}  // namespace copycat::server
