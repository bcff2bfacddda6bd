// HttpServer: one listener on cpp-httplib with a small thread pool, exact-path routes with a
// method list (405 + Allow otherwise, 404 for unknown paths), an optional per-route guard
// (authentication), a request-body limit (413), debug request logs that carry no header, and a
// graceful stop that returns once the requests in flight have been answered.
//
// Thread-safety: register routes, then start(); start() and stop() belong to the owning thread
// and must not be called from a handler. Handlers run concurrently on the pool threads, and
// dispatch() is safe to call from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "server/http_message.h"

namespace copycat::server {

// Upstream reads admin bodies through io.LimitReader(r.Body, 1<<20).
inline constexpr size_t kDefaultMaxBodyBytes = size_t{1} << 20;

class HttpServer {
 public:
  struct Options {
    std::string name = "http";  // names the listener in logs ("metrics", "probes")
    size_t threads = 2;         // connections served at once
    size_t max_body_bytes = kDefaultMaxBodyBytes;  // larger bodies are answered 413
    std::chrono::seconds read_timeout{5};
    std::chrono::seconds write_timeout{5};
    // How long an idle keep-alive connection is kept. stop() waits for idle connections up to
    // this long, so it stays short (Prometheus scrapes every 15 s or more anyway).
    std::chrono::seconds keep_alive_timeout{1};
  };

  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  // Runs before the method check; a response rejects the request (401), nullopt lets it pass.
  using Guard = std::function<std::optional<HttpResponse>(const HttpRequest&)>;

  HttpServer();
  explicit HttpServer(Options options);
  ~HttpServer();  // stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Serves `path` exactly for `methods` ("GET", "HEAD", "POST", ...). HEAD is allowed only when
  // listed; the body a handler returns for HEAD is not sent. Call before start().
  void handle(std::string path, std::vector<std::string> methods, Handler handler,
              Guard guard = {});
  // Serves every path that starts with `prefix` (e.g. "/readyz/"); exact routes win.
  void handlePrefix(std::string prefix, std::vector<std::string> methods, Handler handler,
                    Guard guard = {});

  // Binds `address` in Go's syntax (":8080" = every interface, IPv6 and IPv4 where available;
  // "127.0.0.1:0" = a free loopback port) and serves on a background thread. Returns once the
  // listener accepts. Errors: kInvalidArgument for a malformed address, kUnavailable when the
  // address cannot be bound (in use, not local, no permission), kInternal when already started.
  [[nodiscard]] Status start(std::string_view address);
  // Stops accepting, lets the requests in flight finish (and idle keep-alive connections time
  // out), then joins. Idempotent.
  void stop();

  [[nodiscard]] bool isRunning() const;
  // The bound port (the kernel's choice for port 0); 0 before start().
  [[nodiscard]] int port() const;
  [[nodiscard]] const Options& options() const;

  // Routes one request without a socket: 404, guard, 405 + Allow, then the handler. A handler
  // that throws yields 500.
  [[nodiscard]] HttpResponse dispatch(const HttpRequest& request) const;

 private:
  struct Route;
  struct Impl;
  [[nodiscard]] const Route* findRoute(std::string_view path) const;

  std::vector<Route> routes_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace copycat::server
