// RegistryProcess: a real CNCF distribution registry (`docker-registry serve`, Debian package
// docker-registry 2.8.2) started per test on 127.0.0.1 with a free port, a temporary filesystem
// storage and a generated config. See test/support/REGISTRY_HARNESS.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "support/harness_process.h"
#include "support/test_certs.h"

namespace copycat::testing {

enum class RegistryAuth {
  kNone,      // anonymous pull and push
  kHtpasswd,  // Basic auth against a bcrypt htpasswd file
  kToken,     // Bearer tokens from a token server (distribution's auth.token)
};

// The registry side of token auth (distribution config `auth.token`). TokenServer::authConfig()
// fills it.
struct TokenAuthConfig {
  std::string realm{};             // token endpoint URL, e.g. "http://127.0.0.1:123/token"
  std::string service{};           // expected `aud` claim and `service` parameter
  std::string issuer{};            // expected `iss` claim
  std::string root_cert_bundle{};  // PEM file with the certificate that signs tokens
};

// One line of the registry's access log (Apache combined format on its stdout).
struct AccessLogEntry {
  std::string method{};
  std::string target{};  // request-target as sent: path plus "?query"
  int status = 0;
  uint64_t bytes = 0;  // response body bytes
  std::string user_agent{};

  [[nodiscard]] std::string path() const;  // target without the query
};

// Not thread-safe: drive it from one thread. The registry it runs serves any number of clients.
class RegistryProcess {
 public:
  struct Options {
    RegistryAuth auth = RegistryAuth::kNone;
    // HTTPS with a certificate from TestCertificates for 127.0.0.1 and localhost. Defaults to
    // on for kHtpasswd (see htpasswd()); distribution itself accepts Basic over plain HTTP.
    bool tls = false;
    std::map<std::string, std::string> users{};  // kHtpasswd: user -> password
    std::optional<TokenAuthConfig> token{};      // kToken
    bool delete_enabled = true;                  // storage.delete.enabled
    bool read_only = false;  // storage.maintenance.readonly: pushes fail with 405
    // Where the registry's temporary directory (storage, config, logs) is created. "" picks
    // /dev/shm when writable (distribution syncs every blob and link it writes: on tmpfs a
    // push is several times faster), else $TMPDIR or /tmp.
    std::string parent_dir{};
    std::string binary = "docker-registry";
    std::chrono::milliseconds start_timeout{10'000};
  };

  static Options anonymous() { return {}; }
  static Options htpasswd(std::map<std::string, std::string> users, bool tls = true);
  static Options token(TokenAuthConfig config);

  // Starts the registry and waits until GET /v2/ answers (any status). Retries with another
  // port when the chosen one was taken meanwhile. Errors: kNotFound when the binary is missing,
  // kUnavailable when it exits or does not answer in time (message quotes its log), kInternal
  // on local failures.
  [[nodiscard]] static Result<std::unique_ptr<RegistryProcess>> start(Options options);
  // Kills the registry and removes its temporary directory (storage, config, logs, certs).
  ~RegistryProcess();
  RegistryProcess(const RegistryProcess&) = delete;
  RegistryProcess& operator=(const RegistryProcess&) = delete;

  // Stops the process, keeping storage and port (the registry is then unreachable).
  void stop();
  // Starts it again on the same port with the same storage.
  [[nodiscard]] Status restart();
  [[nodiscard]] bool running();

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string host() const;     // "127.0.0.1:<port>": the registry part of refs
  [[nodiscard]] std::string baseUrl() const;  // "http(s)://127.0.0.1:<port>"
  [[nodiscard]] bool tls() const { return options_.tls; }
  [[nodiscard]] const Options& options() const { return options_; }
  // TLS only: the CA that issued the server certificate, and a directory holding it as
  // "ca.crt" (the layout skopeo's --cert-dir and Docker's certs.d expect). "" without TLS.
  [[nodiscard]] std::string caCertFile() const;
  [[nodiscard]] std::string certDir() const;
  [[nodiscard]] const std::string& dir() const { return dir_; }
  [[nodiscard]] std::string storageDir() const { return dir_ + "/storage"; }
  [[nodiscard]] std::string configFile() const { return dir_ + "/config.yml"; }
  [[nodiscard]] std::string accessLogFile() const { return dir_ + "/access.log"; }
  [[nodiscard]] std::string logFile() const { return dir_ + "/registry.log"; }

  // Requests since start (or the last clearAccessLog()). The registry writes a line after each
  // response, so this first sends a marker request and waits (bounded) until its line appears:
  // every request whose response a caller already received is then included. Readiness probes
  // and markers are never listed.
  [[nodiscard]] std::vector<AccessLogEntry> accessLog();
  // Entries whose method equals `method` ("" = any) and whose path matches `path_regex`
  // (ECMAScript, searched) — e.g. countRequests("GET", "/blobs/sha256:").
  [[nodiscard]] size_t countRequests(const std::string& method, const std::string& path_regex);
  void clearAccessLog();

 private:
  explicit RegistryProcess(Options options) : options_(std::move(options)) {}
  Status prepareFiles();
  Status writeConfig() const;
  Status launch();
  Status waitReady();
  Status syncAccessLog();
  [[nodiscard]] std::string readAccessLogFrom(uint64_t offset) const;

  Options options_;
  std::string dir_;
  int port_ = -1;
  std::unique_ptr<TestCertificates> certs_;
  ChildProcess child_;
  uint64_t log_mark_ = 0;  // access.log offset where accessLog() starts
  int sync_counter_ = 0;
};

// Parses combined-format access log text; lines that do not parse are skipped.
[[nodiscard]] std::vector<AccessLogEntry> parseAccessLog(const std::string& text);

// A TCP port on 127.0.0.1 that was free a moment ago.
[[nodiscard]] Result<int> pickFreePort();

}  // namespace copycat::testing
