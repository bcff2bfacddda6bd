// FaultProxy: a raw-TCP HTTP/1.1 reverse proxy in front of a plain-HTTP registry that injects
// scripted faults (status answers, mid-body resets, corrupted bodies, cross-origin redirects,
// delays) and records every request. Bodies stream through in 64 KiB pieces, so multi-GiB
// blobs pass without being buffered. See test/support/REGISTRY_HARNESS.md.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/result.h"

namespace copycat::testing {

namespace wire {
class Conn;
struct Head;
}  // namespace wire

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

// What a rule does to a request it fires on.
struct Fault {
  enum class Kind {
    kRespond,          // answer `status` with `headers` and `body`; upstream never sees it
    kResetAfterBytes,  // forward; send the upstream head and `bytes` body bytes, then TCP RST
    kCorruptBody,      // forward; flip (XOR 0xFF) the response body byte at offset `bytes`
    kRedirect,         // 307 to the proxy's redirect listener, which serves the upstream answer
    kDelay,            // wait `delay`, then forward
  };
  Kind kind = Kind::kRespond;
  int status = 0;
  HeaderPairs headers{};
  std::string body{};
  uint64_t bytes = 0;
  std::chrono::milliseconds delay{0};

  static Fault respond(int status, HeaderPairs headers = {}, std::string body = "");
  // 429 with Retry-After and an OCI TOOMANYREQUESTS error body.
  static Fault tooManyRequests(int retry_after_seconds);
  // 500/502/503/504 with an OCI error body (code UNKNOWN or UNAVAILABLE).
  static Fault serverError(int status = 503);
  // bytes = 0 resets right after the response head.
  static Fault resetAfterBodyBytes(uint64_t bytes);
  static Fault corruptBody(uint64_t offset = 0);
  static Fault redirect();
  static Fault delayed(std::chrono::milliseconds delay);

  [[nodiscard]] std::string name() const;  // "respond-429", "reset-after-100", ...
};

// Rule occurrences count every request that matches method and path (whether or not another
// rule fired on it). A rule fires on occurrences skip+1 .. skip+times; when several would fire,
// the one added first wins.
struct FaultRule {
  std::string method{};           // "" = any; HEAD and GET are distinct
  std::string path_regex = ".*";  // ECMAScript, searched in the path (query excluded)
  int skip = 0;
  int times = 1;  // -1 = every occurrence after `skip`
  Fault fault{};
};

// One request as the proxy (or its redirect listener) received it.
struct ProxiedRequest {
  int connection = 0;  // client connection number (1, 2, ...): equal = same TCP connection
  std::string method{};
  std::string target{};  // path plus "?query"
  HeaderPairs headers{};
  int status = 0;       // status sent to the client; 0 when none was (reset, upstream down)
  std::string fault{};  // Fault::name() when a rule fired, else ""
  uint64_t response_body_bytes = 0;  // body bytes sent to the client
  bool complete = false;             // the proxy is done with it (answered, reset or failed)

  [[nodiscard]] std::string path() const { return target.substr(0, target.find('?')); }
  [[nodiscard]] std::string header(const std::string& name) const;  // first value or ""
  [[nodiscard]] bool hasHeader(const std::string& name) const;
};

// Thread-safe: connections are served on their own threads; rules may be added and records read
// from any thread at any time.
class FaultProxy {
 public:
  struct Options {
    int upstream_port = 0;  // the registry, HTTP only
    std::string upstream_ip = "127.0.0.1";
    // Host put in redirect Locations. "localhost" and "127.0.0.1" listen on 127.0.0.1; another
    // loopback literal (e.g. "127.0.0.2") listens on itself. The port always differs from the
    // proxy's, so a redirect is always cross-origin.
    std::string redirect_host = "localhost";
    int upstream_timeout_seconds = 60;
  };

  // Errors: kInvalidArgument without an upstream port, kInternal when binding fails.
  [[nodiscard]] static Result<std::unique_ptr<FaultProxy>> start(Options options);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string host() const;     // "127.0.0.1:<port>": the registry part of refs
  [[nodiscard]] std::string baseUrl() const;  // "http://127.0.0.1:<port>"
  [[nodiscard]] std::string redirectBaseUrl() const;  // "http://<redirect_host>:<port>"

  // Returns an id for timesFired().
  int addRule(FaultRule rule);
  void clearRules();
  [[nodiscard]] int timesFired(int rule_id) const;

  // Record readers first wait (up to 5 s) until the proxy is done with every recorded request,
  // so the status and byte counts of answers a client already received are final.
  [[nodiscard]] std::vector<ProxiedRequest> requests() const;
  [[nodiscard]] size_t requestCount() const;
  // Requests with `method` ("" = any) whose path matches `path_regex` (searched).
  [[nodiscard]] size_t countRequests(const std::string& method,
                                     const std::string& path_regex) const;
  // What the redirect listener received: assert here that no Authorization header leaked.
  [[nodiscard]] std::vector<ProxiedRequest> redirectRequests() const;
  [[nodiscard]] size_t connectionCount() const;  // client connections accepted by the proxy
  void clearRequests();

  // Closes listeners and connections and joins all threads. Idempotent.
  void stop();

 private:
  struct Rule {
    int id = 0;
    FaultRule spec;
    std::regex re;
    int seen = 0;
  };
  struct Ticket {  // a redirected request, replayed upstream by the redirect listener
    std::string target;
    HeaderPairs headers;
  };
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };

  explicit FaultProxy(Options options) : options_(std::move(options)) {}
  void acceptLoop(int listen_fd, bool redirect_listener);
  void serveConnection(int fd, int connection, bool redirect_listener);
  // Reads, records and handles one request; false when the connection must close.
  bool serveOne(wire::Conn& client, std::unique_ptr<wire::Conn>& upstream, int connection,
                bool redirect_listener);
  bool serveRequest(wire::Conn& client, std::unique_ptr<wire::Conn>& upstream, wire::Head& request,
                    const std::optional<Fault>& fault, size_t record);
  bool serveRedirected(wire::Conn& client, std::unique_ptr<wire::Conn>& upstream,
                       const wire::Head& request, size_t record);
  bool forward(wire::Conn& client, std::unique_ptr<wire::Conn>& upstream, wire::Head& request,
               const Fault* fault, size_t record, bool redirected);
  // Sends the fault's answer; reads and discards the request body first when `body_pending`.
  bool answer(wire::Conn& client, const wire::Head& request, const Fault& fault, size_t record,
              bool redirected, bool body_pending);
  bool relayResponse(wire::Conn& client, std::unique_ptr<wire::Conn>& upstream,
                     const std::string& method, wire::Head& response, const Fault* fault,
                     size_t record, bool redirected, bool must_close);
  bool connectUpstream(std::unique_ptr<wire::Conn>& upstream);
  void dropUpstream(std::unique_ptr<wire::Conn>& upstream);
  std::optional<Fault> match(const std::string& method, const std::string& path);
  size_t record(ProxiedRequest request, bool redirected);
  void finish(size_t index, bool redirected, int status, uint64_t bytes);
  void complete(size_t index, bool redirected);
  // Waits (bounded) until every visible record is complete; `lock` holds mu_.
  void waitSettled(std::unique_lock<std::mutex>& lock) const;
  bool waitDelay(std::chrono::milliseconds delay);
  void track(int fd, bool add);

  Options options_;
  int port_ = -1;
  int redirect_port_ = -1;
  int listen_fd_ = -1;
  int redirect_fd_ = -1;
  std::thread accept_thread_;
  std::thread redirect_thread_;

  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  mutable std::condition_variable settled_cv_;
  bool stopping_ = false;           // guarded by mu_
  std::vector<Rule> rules_;         // guarded by mu_
  int next_rule_id_ = 1;            // guarded by mu_
  std::map<int, int> fired_by_id_;  // guarded by mu_
  // Append-only (records are updated by index); clearRequests() moves the visible start.
  std::vector<ProxiedRequest> requests_;    // guarded by mu_
  std::vector<ProxiedRequest> redirected_;  // guarded by mu_
  size_t requests_start_ = 0;               // guarded by mu_
  size_t redirected_start_ = 0;             // guarded by mu_
  std::map<std::string, Ticket> tickets_;   // guarded by mu_
  std::set<int> active_fds_;                // guarded by mu_
  std::list<Worker> workers_;               // guarded by mu_
  int connection_counter_ = 0;              // all listeners; guarded by mu_
  size_t proxy_connections_ = 0;            // main listener only; guarded by mu_
};

}  // namespace copycat::testing
