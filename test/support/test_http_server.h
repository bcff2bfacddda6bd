// An HTTP(S) server for tests: cpp-httplib on 127.0.0.1 with an ephemeral port, handlers as
// lambdas, and a log of received requests for assertions.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <httplib.h>

#include "base/result.h"

namespace copycat::testing {

// One request as the server saw it.
struct RecordedRequest {
  std::string method{};
  std::string path{};          // decoded path, no query
  std::string target{};        // request-target as sent: "/v2/x?y=z", or absolute-form via a proxy
  httplib::Headers headers{};  // case-insensitive multimap
  std::string body{};
  int remote_port = -1;  // client's port: distinct values = distinct TCP connections

  [[nodiscard]] std::string header(const std::string& name) const;  // first value or ""
  [[nodiscard]] bool hasHeader(const std::string& name) const;
  [[nodiscard]] size_t headerCount(const std::string& name) const;
};

// Register handlers, then start(); stop() (or the destructor) shuts down and joins. Handlers
// run on cpp-httplib's worker threads; the accessors are thread-safe.
class TestHttpServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  struct TlsFiles {
    std::string cert_file{};
    std::string key_file{};
    std::string client_ca_file{};  // when set, clients must present a certificate from this CA
  };
  struct Options {
    std::optional<TlsFiles> tls{};  // HTTPS when set
    // How long an idle keep-alive connection is held. stop() waits for idle connections up to
    // this long, so it is short; destroy clients before their servers to close them at once.
    int keep_alive_timeout_seconds = 2;
  };

  TestHttpServer();
  explicit TestHttpServer(Options options);
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  // Register a handler whose requests are recorded before it runs (so a client that got the
  // response always finds the record). Patterns are cpp-httplib regexes; GET handlers also
  // serve HEAD. Call before start().
  TestHttpServer& get(const std::string& pattern, Handler handler);
  TestHttpServer& post(const std::string& pattern, Handler handler);
  TestHttpServer& put(const std::string& pattern, Handler handler);
  TestHttpServer& patch(const std::string& pattern, Handler handler);
  TestHttpServer& del(const std::string& pattern, Handler handler);
  // The underlying server for special handlers (content readers/providers); requests handled
  // there are not recorded.
  httplib::Server& raw() { return *server_; }

  // Binds 127.0.0.1 on an ephemeral port and serves on a background thread; returns once the
  // server accepts. Errors: kInternal when the TLS files are unusable or binding fails.
  [[nodiscard]] Status start();
  // Stops serving and joins the server thread. Idempotent.
  void stop();

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string authority() const;  // "127.0.0.1:<port>"
  [[nodiscard]] std::string baseUrl() const;    // "http(s)://127.0.0.1:<port>"
  [[nodiscard]] std::string url(std::string_view path) const {
    return baseUrl() + std::string(path);
  }

  [[nodiscard]] std::vector<RecordedRequest> requests() const;
  [[nodiscard]] size_t requestCount() const;
  // Distinct client ports among recorded requests: the TCP connections used.
  [[nodiscard]] size_t connectionCount() const;
  void clearRequests();

 private:
  Handler recorded(Handler handler);

  bool tls_ = false;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = -1;

  mutable std::mutex mu_;
  std::vector<RecordedRequest> requests_;  // guarded by mu_
};

}  // namespace copycat::testing
