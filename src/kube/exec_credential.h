// Exec credential plugins (client.authentication.k8s.io v1 / v1beta1 ExecCredential), as
// kubectl runs them for EKS (`aws eks get-token`), GKE (`gke-gcloud-auth-plugin`), OIDC, ...
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "kube/exec_runner.h"
#include "kube/kube_config.h"
#include "kube/token_source.h"

namespace copycat::kube {

// What the plugin may learn about the cluster (spec.cluster, when provideClusterInfo is set).
struct ExecClusterInfo {
  std::string server;
  std::string ca_pem;
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string proxy_url;
};

// The plugin's answer (ExecCredential.status).
struct ExecCredential {
  std::string token;                              // secret
  std::string client_cert_pem;                    // PEM, not base64
  std::string client_key_pem;                     // secret
  std::optional<Clock::Wall::time_point> expiry;  // none: valid until a 401
};

// The KUBERNETES_EXEC_INFO value: an ExecCredential with spec.interactive=false and, when the
// config asks for it, spec.cluster.
std::string execInfoJson(const ExecConfig& config, const ExecClusterInfo& cluster);

// Parses a plugin's stdout. Errors: kProtocol for malformed output, a wrong apiVersion or kind,
// a missing status, or neither a token nor a complete certificate/key pair.
Result<ExecCredential> parseExecCredential(std::string_view json, std::string_view api_version);

// Parses an RFC 3339 timestamp ("2024-05-01T10:00:00Z", "...T10:00:00.5+02:00").
// Errors: kInvalidArgument.
Result<Clock::Wall::time_point> parseRfc3339(std::string_view text);

// Runs the plugin on demand and caches its credential until expirationTimestamp or until
// invalidate() (after a 401). Concurrent callers share one plugin run: the lock is held while
// the plugin runs, as client-go's exec authenticator does. Thread-safe. Does not own `clock`,
// which must outlive it.
class ExecCredentialProvider final : public TokenSource {
 public:
  struct Options {
    std::chrono::milliseconds timeout{60000};
    ProcessRunner runner;  // defaults to runProcess
  };

  ExecCredentialProvider(ExecConfig config, ExecClusterInfo cluster, Clock& clock, Options options);
  ExecCredentialProvider(ExecConfig config, ExecClusterInfo cluster, Clock& clock)
      : ExecCredentialProvider(std::move(config), std::move(cluster), clock, Options{}) {}

  // Returns the cached credential or runs the plugin. Blocks while the plugin runs.
  // Errors: kInvalidArgument (interactiveMode Always, executable not found), kUnauthenticated
  // (non-zero exit; the message has its exit code, stderr and installHint),
  // kDeadlineExceeded (timeout), kProtocol (bad output).
  Result<ExecCredential> credential();
  // The credential's token ("" when the plugin returned a client certificate).
  Result<std::string> token() override;
  void invalidate(std::string_view rejected) override;
  int runCount() const;

 private:
  Result<ExecCredential> run();
  Error failure(const ProcessResult& result) const;

  const ExecConfig config_;
  const ExecClusterInfo cluster_;
  Clock& clock_;
  const Options options_;
  mutable std::mutex mu_;
  std::optional<ExecCredential> cached_;  // guarded by mu_
  int runs_ = 0;
};

}  // namespace copycat::kube
