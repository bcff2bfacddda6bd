#include "server/http_server.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <thread>
#include <utility>

#include <httplib.h>
#include <sys/socket.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/strings.h"
#include "server/listen_address.h"

namespace copycat::server {
namespace {

constexpr std::string_view kLogger = "server";
// The accept loop normally starts within microseconds; this only bounds a broken start.
constexpr auto kStartDeadline = std::chrono::seconds(10);

// Methods cpp-httplib routes to handlers itself; the others it parses (TRACE, CONNECT, PRI)
// are answered from the pre-routing hook.
bool isRoutedMethod(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "POST" || method == "PUT" ||
         method == "PATCH" || method == "DELETE" || method == "OPTIONS";
}

// SO_REUSEADDR only: cpp-httplib's default also sets SO_REUSEPORT, which would let a second
// process bind the same port silently instead of failing as Go does.
void reuseAddressOnly(socket_t sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

HttpRequest toRequest(const httplib::Request& req) {
  HttpRequest request;
  request.method = req.method;
  request.path = req.path;
  request.query.assign(req.params.begin(), req.params.end());
  request.headers.assign(req.headers.begin(), req.headers.end());
  request.body = req.body;
  request.remote_addr = req.remote_addr;
  return request;
}

void toResponse(HttpResponse response, httplib::Response& res) {
  res.status = response.status;
  for (auto& [name, value] : response.headers) {
    res.set_header(name, value);
  }
  if (!res.has_header("X-Content-Type-Options")) {
    res.set_header("X-Content-Type-Options", "nosniff");  // browsers must not sniff types
  }
  if (!response.body.empty() || !response.content_type.empty()) {
    res.set_content(std::move(response.body), response.content_type);
  }
}

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 414:
      return "URI Too Long";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    default:
      return "Error";
  }
}

// Bodies for the statuses cpp-httplib produces itself (400, 404, 413, 414, ...).
void fillErrorBody(httplib::Response& res) {
  if (!res.body.empty()) {
    return;
  }
  std::string message =
      res.status == 413 ? "http: request body too large"
                        : std::to_string(res.status) + " " + std::string(reasonPhrase(res.status));
  if (res.status == 413 || res.status == 400 || res.status == 414) {
    // The rest of the request was not read; the connection cannot carry another one.
    res.set_header("Connection", "close");
  }
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(message + "\n", std::string(kTextContentType));
}

std::vector<std::string> candidateHosts(const ListenAddress& address) {
  if (!address.host.empty()) {
    return {address.host};
  }
  // Go's ":port" listens on every interface: dual-stack "::" when IPv6 exists, else IPv4.
  return {"::", "0.0.0.0"};
}

}  // namespace

struct HttpServer::Route {
  std::string path;
  bool prefix = false;
  std::vector<std::string> methods;
  Handler handler;
  Guard guard;
};

struct HttpServer::Impl {
  Options options;
  httplib::Server server;
  std::thread thread;
  std::atomic<int> port{0};

  explicit Impl(Options opts) : options(std::move(opts)) {}
  void configure(const HttpServer& owner);
  void serve(const HttpServer& owner, const httplib::Request& req, httplib::Response& res) const;
  Status bind(const ListenAddress& address);
};

void HttpServer::Impl::serve(const HttpServer& owner, const httplib::Request& req,
                             httplib::Response& res) const {
  toResponse(owner.dispatch(toRequest(req)), res);
}

void HttpServer::Impl::configure(const HttpServer& owner) {
  size_t threads = options.threads == 0 ? 1 : options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(options.max_body_bytes);
  server.set_read_timeout(options.read_timeout);
  server.set_write_timeout(options.write_timeout);
  server.set_keep_alive_timeout(options.keep_alive_timeout.count());
  server.set_socket_options(reuseAddressOnly);
  auto handler = [this, &owner](const httplib::Request& req, httplib::Response& res) {
    serve(owner, req, res);
  };
  server.Get(".*", handler).Post(".*", handler).Put(".*", handler);
  server.Patch(".*", handler).Delete(".*", handler).Options(".*", handler);
  server.set_pre_routing_handler(
      [this, &owner](const httplib::Request& req, httplib::Response& res) {
        if (isRoutedMethod(req.method)) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        serve(owner, req, res);
        res.set_header("Connection", "close");  // any body was left unread
        return httplib::Server::HandlerResponse::Handled;
      });
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        fillErrorBody(res);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_logger(
      [name = options.name](const httplib::Request& req, const httplib::Response& res) {
        // Never the headers: Authorization carries the admin token.
        LOG_DEBUG(kLogger, "http request",
                  {{"server", name},
                   {"method", req.method},
                   {"path", req.path},
                   {"status", res.status},
                   {"bytes", res.body.size()},
                   {"remote", req.remote_addr}});
      });
}

Status HttpServer::Impl::bind(const ListenAddress& address) {
  int saved_errno = 0;
  for (const auto& host : candidateHosts(address)) {
    errno = 0;
    int bound = address.port == 0 ? server.bind_to_any_port(host)
                                  : (server.bind_to_port(host, address.port) ? address.port : -1);
    if (bound > 0) {
      port = bound;
      return ok();
    }
    saved_errno = errno;
  }
  std::string reason = saved_errno != 0 ? std::strerror(saved_errno) : "cannot bind";
  return fail(ErrorCode::kUnavailable, "listen tcp " + address.str() + ": " + reason);
}

HttpServer::HttpServer() : HttpServer(Options{}) {}

HttpServer::HttpServer(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->configure(*this);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::handle(std::string path, std::vector<std::string> methods, Handler handler,
                        Guard guard) {
  routes_.push_back(
      Route{std::move(path), false, std::move(methods), std::move(handler), std::move(guard)});
}

void HttpServer::handlePrefix(std::string prefix, std::vector<std::string> methods, Handler handler,
                              Guard guard) {
  routes_.push_back(
      Route{std::move(prefix), true, std::move(methods), std::move(handler), std::move(guard)});
}

Status HttpServer::start(std::string_view address) {
  if (impl_->thread.joinable()) {
    return fail(ErrorCode::kInternal, "server " + impl_->options.name + " already started");
  }
  ASSIGN_OR_RETURN(auto parsed, parseListenAddress(address));
  RETURN_IF_ERROR(impl_->bind(parsed));
  impl_->thread = std::thread([impl = impl_.get()] {
    try {
      impl->server.listen_after_bind();
    } catch (const std::exception& e) {
      LOG_ERROR(kLogger, "http server thread failed", {{"error", e.what()}});
      std::abort();
    }
  });
  // A stop() issued before the accept loop runs would be lost, so wait for it (bounded).
  const Clock& clock = SystemClock::instance();
  auto deadline = clock.now() + kStartDeadline;
  while (!impl_->server.is_running()) {
    if (clock.now() > deadline) {
      return fail(ErrorCode::kInternal, "server " + impl_->options.name + " did not start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ListenAddress bound{parsed.host, impl_->port};
  LOG_INFO(kLogger, "http server listening",
           {{"server", impl_->options.name}, {"address", bound.str()}});
  return ok();
}

void HttpServer::stop() {
  if (!impl_->thread.joinable()) {
    return;
  }
  // Closes the listening socket; listen_after_bind() returns once the pool has drained.
  impl_->server.stop();
  impl_->thread.join();
  LOG_INFO(kLogger, "http server stopped", {{"server", impl_->options.name}});
}

bool HttpServer::isRunning() const { return impl_->server.is_running(); }

int HttpServer::port() const { return impl_->port; }

const HttpServer::Options& HttpServer::options() const { return impl_->options; }

const HttpServer::Route* HttpServer::findRoute(std::string_view path) const {
  const Route* best = nullptr;
  for (const auto& route : routes_) {
    if (!route.prefix && route.path == path) {
      return &route;
    }
    if (route.prefix && path.starts_with(route.path) &&
        (best == nullptr || route.path.size() > best->path.size())) {
      best = &route;
    }
  }
  return best;
}

HttpResponse HttpServer::dispatch(const HttpRequest& request) const {
  const Route* route = findRoute(request.path);
  if (route == nullptr) {
    return textResponse(404, "404 page not found");  // Go's http.NotFound text
  }
  try {
    if (route->guard) {
      if (auto denied = route->guard(request)) {
        return std::move(*denied);
      }
    }
    if (std::find(route->methods.begin(), route->methods.end(), request.method) ==
        route->methods.end()) {
      auto response = textResponse(405, "method not allowed");
      response.setHeader("Allow", strings::join(route->methods, ", "));
      return response;
    }
    return route->handler(request);
  } catch (const std::exception& e) {
    LOG_ERROR(kLogger, "http handler failed", {{"path", request.path}, {"error", e.what()}});
    return textResponse(500, "internal server error");
  }
}

}  // namespace copycat::server
