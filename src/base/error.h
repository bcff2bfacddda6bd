// Error values returned across module boundaries (see docs/ARCHITECTURE.md, "Errors").
#pragma once

#include <string>
#include <string_view>

namespace copycat {

// What kind of failure happened; drives retry and requeue decisions.
enum class ErrorCode {
  kInvalidArgument,   // bad input from a user, a config or a manifest: never retried
  kNotFound,          // the resource does not exist
  kUnauthenticated,   // 401: credentials missing or rejected
  kPermissionDenied,  // 403
  kAlreadyExists,     // 409 or an "already exists" API error
  kRateLimited,       // 429 / throttling: retryable after a delay
  kUnavailable,       // connection errors, 5xx: retryable
  kDeadlineExceeded,  // timeouts: retryable
  kCancelled,         // shutdown requested
  kDigestMismatch,    // content does not hash to its declared digest
  kProtocol,          // a peer answered with something the protocol does not allow
  kInternal,          // a bug or an unexpected local failure
};

std::string_view errorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;      // what failed, lower case, no trailing period, never a secret
  int http_status = 0;      // 0 when the failure is not an HTTP status
  std::string remote_code;  // a peer's error code: OCI "MANIFEST_UNKNOWN", AWS "__type", ...
  double retry_after_seconds = -1;  // from Retry-After, when the peer sent one

  Error() = default;
  Error(ErrorCode c, std::string msg) : code(c), message(std::move(msg)) {}

  // Returns a copy whose message is "what: message", as Go's fmt.Errorf("what: %w").
  [[nodiscard]] Error withContext(std::string_view what) const;
  // True for failures that may succeed when retried (connection, 408, 429, 5xx, timeouts).
  [[nodiscard]] bool isRetryable() const;
  // "message (code NAME, http 404, remote MANIFEST_UNKNOWN)" for logs.
  [[nodiscard]] std::string describe() const;
};

inline Error makeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace copycat
