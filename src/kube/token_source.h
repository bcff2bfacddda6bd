// Bearer tokens for the API server: static, re-read from a file (bound service-account tokens
// rotate), or produced by an exec credential plugin (exec_credential.h).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "kube/file_util.h"
#include "kube/kube_config.h"

namespace copycat::kube {

// Supplies the bearer token for each request. Implementations are thread-safe.
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  // Returns the current token; may be empty when this source authenticates otherwise (an exec
  // plugin that returned a client certificate). Blocks while a file is read or a plugin runs.
  virtual Result<std::string> token() = 0;
  // Called after a 401: the next token() fetches a fresh token. When `rejected` is given and
  // differs from the cached token, another thread already refreshed it and this is a no-op.
  virtual void invalidate(std::string_view rejected = {}) = 0;
};

// A fixed token from the kubeconfig. Thread-safe.
class StaticTokenSource final : public TokenSource {
 public:
  explicit StaticTokenSource(std::string token) : token_(std::move(token)) {}
  Result<std::string> token() override { return token_; }
  void invalidate(std::string_view /*rejected*/) override {}

 private:
  const std::string token_;
};

// Re-reads a token file when its identity (inode/size/mtime, via stat on every call) changes,
// when `max_age` has passed since the last read (a rewrite within one mtime tick with equal
// size), or after invalidate(). A failed re-read keeps the last good token, as client-go's
// cachingTokenSource does. Thread-safe. Does not own `clock`, which must outlive it.
class FileTokenSource final : public TokenSource {
 public:
  struct Options {
    std::chrono::seconds max_age{60};  // client-go re-reads bearer token files every minute
  };

  FileTokenSource(std::string path, Clock& clock, Options options);
  FileTokenSource(std::string path, Clock& clock) : FileTokenSource(std::move(path), clock, {}) {}

  // Errors: kNotFound / kPermissionDenied when the file was never readable, kUnauthenticated
  // when it holds only whitespace.
  Result<std::string> token() override;
  void invalidate(std::string_view rejected) override;
  // Number of times the file was read (tests, metrics).
  int readCount() const;

 private:
  Result<std::string> reload(const std::optional<FileFingerprint>& fp);

  const std::string path_;
  Clock& clock_;
  const Options options_;
  mutable std::mutex mu_;
  std::string token_;  // guarded by mu_; empty until the first successful read
  std::optional<FileFingerprint> fingerprint_;
  Clock::Steady::time_point read_at_{};
  bool force_ = true;
  int reads_ = 0;
};

// The token source a ClusterConfig implies: exec plugin, then token file, then static token
// (client-go precedence: a token file wins over an inline token). Returns nullptr when the
// config authenticates with a client certificate only, or not at all.
// Does not own `clock`, which must outlive the returned source.
Result<std::shared_ptr<TokenSource>> makeTokenSource(const ClusterConfig& config, Clock& clock);

}  // namespace copycat::kube
