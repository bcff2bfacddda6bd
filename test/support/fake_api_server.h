// FakeApiServer: a Kubernetes API server for tests, on cpp-httplib at 127.0.0.1:<ephemeral>.
// It serves LIST (limit/continue pagination, resourceVersion/resourceVersionMatch semantics),
// chunked WATCH streams (ADDED/MODIFIED/DELETED/BOOKMARK/ERROR, 410 Gone), single-object GET,
// POST/PUT/DELETE (leases with resourceVersion conflicts, events), bearer-token auth, 403s and
// fault injection. Objects are kept as serialized JSON, so 50,000 pods of several KB each are
// served without re-parsing. Differences from a real API server: test/support/FAKE_API_SERVER.md.
//
// Usage:
//   FakeApiServer api;
//   ASSERT_TRUE(api.start());
//   api.upsert("pods", R"({"metadata":{"name":"p","namespace":"ns"},"spec":{...}})");
//   ... point a client at api.url() ...
//
// Thread-safe: every method may be called while clients are connected. stop() (or the
// destructor) ends open watches and joins the server threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/result.h"
#include "support/fake_api_store.h"
#include "support/test_http_server.h"

namespace copycat::testing {

class FakeApiServer {
 public:
  struct Options {
    // Events kept per resource; watches or snapshots older than the window get 410.
    size_t history_limit = 10000;
    // How often a watch with allowWatchBookmarks=true gets a BOOKMARK (real: about a minute).
    std::chrono::milliseconds bookmark_interval{std::chrono::seconds(60)};
    // How long a request for a resourceVersion newer than the store waits before 504
    // "Too large resource version" (real: 3 s).
    std::chrono::milliseconds too_large_rv_wait{std::chrono::seconds(3)};
    // A watch from a too old resourceVersion: false → HTTP 200 then an ERROR event with a 410
    // Status (what the watch cache does); true → HTTP 410 with a Status body, no stream.
    bool watch_expired_as_http_status = false;
    // cpp-httplib worker threads; every open watch holds one.
    int threads = 32;
    std::optional<TestHttpServer::TlsFiles> tls;  // HTTPS when set
  };

  FakeApiServer() : FakeApiServer(Options{}) {}
  explicit FakeApiServer(Options options);
  ~FakeApiServer();
  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  // Binds 127.0.0.1:0 and serves in the background. Errors: kInternal.
  [[nodiscard]] Status start();
  // Ends every watch stream, stops serving and joins. Idempotent.
  void stop();
  [[nodiscard]] int port() const { return http_.port(); }
  [[nodiscard]] std::string url() const { return http_.baseUrl(); }  // "http://127.0.0.1:<port>"

  // --- objects (as the API server itself would write them: bump the resourceVersion, notify
  // watches). `resource` is a plural name ("pods", "deployments", "leases", ...).
  // Returns the stored object's resourceVersion. Errors: kInvalidArgument (unknown resource,
  // invalid JSON, no metadata.name). Namespaced objects without a namespace go to "default".
  Result<std::string> upsert(std::string_view resource, std::string_view json);
  // Returns the deletion's resourceVersion. Errors: kNotFound, kInvalidArgument.
  Result<std::string> remove(std::string_view resource, std::string_view ns, std::string_view name);
  // The stored JSON text (with resourceVersion), or nullopt.
  std::optional<std::string> get(std::string_view resource, std::string_view ns,
                                 std::string_view name) const;
  [[nodiscard]] std::string resourceVersion() const;  // the store's current version
  [[nodiscard]] size_t objectCount(std::string_view resource) const;
  // Forgets all event history (as an etcd compaction): older watches/snapshots get 410.
  void compactHistory();

  // --- auth
  // Require "Authorization: Bearer <token>" (nullopt: no auth). Changeable at runtime.
  void setRequiredToken(std::optional<std::string> token);
  // Answer 403 for `verb` ("list", "watch", "get", "create", "update", "delete" or "*") on
  // `resource`.
  void setForbidden(std::string_view resource, std::string_view verb, bool forbidden = true);

  // --- fault injection
  // The next `count` LIST requests (any resource) fail with `status` (500 → InternalError,
  // 429 → TooManyRequests with Retry-After, 503 → ServiceUnavailable, others → a generic
  // Status). `retry_after_seconds` < 0 sends no Retry-After.
  void failNextLists(int count, int status, int retry_after_seconds = -1);
  // Ends every open watch stream cleanly (terminating chunk).
  void closeAllWatches();
  // Sends an ERROR event carrying this Status on every open watch, then ends it.
  void injectWatchError(int code = 410, std::string reason = "Expired",
                        std::string message = "too old resource version");
  // Watches opened from now on end after `events` ADDED/MODIFIED/DELETED events (0: never);
  // `abrupt` closes the connection without the terminating chunk.
  void setWatchDropAfter(int events, bool abrupt = false);
  // Every continue token issued so far gets 410 Expired.
  void expireContinueTokens();
  void setBookmarkInterval(std::chrono::milliseconds interval);

  // --- observation
  // Requests seen for (verb, resource), counting rejected ones ("list", "pods").
  [[nodiscard]] uint64_t requestCount(std::string_view verb, std::string_view resource) const;
  [[nodiscard]] size_t openWatchCount() const;
  // Wait (bounded) until the condition holds; true when it did.
  bool waitForOpenWatches(size_t count, std::chrono::milliseconds timeout) const;
  bool waitForRequestCount(std::string_view verb, std::string_view resource, uint64_t count,
                           std::chrono::milliseconds timeout) const;

 private:
  struct Route;
  struct WatchSession;
  struct ListParams;

  void handle(const httplib::Request& req, httplib::Response& res);
  bool admit(const httplib::Request& req, httplib::Response& res, const Route& route,
             const std::string& verb);
  void serveList(const httplib::Request& req, httplib::Response& res, const Route& route);
  void serveGet(httplib::Response& res, const Route& route);
  void serveWrite(const httplib::Request& req, httplib::Response& res, const Route& route);
  void serveWatch(const httplib::Request& req, httplib::Response& res, const Route& route);
  fakeapi::ApiResult<fakeapi::ListPage> listPage(const Route& route, const ListParams& params);
  fakeapi::ApiResult<uint64_t> waitUntilFresh(uint64_t rv) const;
  std::string watchStep(WatchSession& session, int* action);
  std::string watchEventsStep(WatchSession& session, int* action);
  void countRequest(const std::string& verb, std::string_view resource);
  void watchOpened();
  void watchClosed();

  const Options options_;
  fakeapi::FakeApiStore store_;
  TestHttpServer http_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;              // request counts and open watches
  std::optional<std::string> required_token_;            // guarded by mu_
  std::set<std::string> forbidden_;                      // "verb resource", guarded by mu_
  std::map<std::string, uint64_t, std::less<>> counts_;  // guarded by mu_
  int fail_lists_ = 0;
  int fail_status_ = 0;
  int fail_retry_after_ = -1;
  int drop_after_ = 0;
  bool drop_abrupt_ = false;
  std::string watch_error_;  // the ERROR event line sent on injectWatchError
  size_t open_watches_ = 0;

  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> close_epoch_{0};
  std::atomic<uint64_t> error_epoch_{0};
  std::atomic<uint64_t> continue_epoch_{0};
  std::atomic<int64_t> bookmark_interval_ms_;
};

}  // namespace copycat::testing
