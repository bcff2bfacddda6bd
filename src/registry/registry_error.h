// Registry error responses: OCI distribution-spec error bodies (spec.md "Error Codes")
// {"errors":[{"code":"MANIFEST_UNKNOWN","message":"...","detail":...}]} plus the HTTP status
// and Retry-After (RFC 9110 §10.2.3), turned into a base Error. Pure and thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace copycat::registry {

// One entry of an OCI error body.
struct RemoteError {
  std::string code;     // "MANIFEST_UNKNOWN"; "" when the registry sent none
  std::string message;  // the registry's text, as sent
  std::string detail;   // "detail" re-serialised as compact JSON; "" when absent
};

// The entries of an OCI error body; empty when the body is not one (HTML from a proxy,
// an empty HEAD response, ...). Never throws.
std::vector<RemoteError> parseErrorBody(std::string_view body);

// The ErrorCode for an OCI error code (BLOB_UNKNOWN, DENIED, TOOMANYREQUESTS, ...), or nullopt
// for codes with no fixed meaning (UNKNOWN) and codes this client does not know.
std::optional<ErrorCode> errorCodeForRemote(std::string_view remote_code);

// The ErrorCode for a non-success HTTP status: 401 kUnauthenticated, 403 kPermissionDenied,
// 404 kNotFound, 408 kDeadlineExceeded, 409 kAlreadyExists, 429 kRateLimited, 5xx kUnavailable,
// other 4xx kInvalidArgument, anything else kProtocol.
ErrorCode errorCodeForStatus(int http_status);

struct ErrorResponse {
  int http_status = 0;
  std::string_view body;         // the (possibly truncated) response body
  std::string_view retry_after;  // the Retry-After header value, "" when absent
};

// Builds the Error for a failed registry response. The code follows the status for 401, 403,
// 404, 408, 429 and 5xx (those drive the auth handshake, existence checks and retries);
// TOOMANYREQUESTS always means kRateLimited; otherwise a known OCI code refines the status
// (400 DIGEST_INVALID -> kDigestMismatch, 400 NAME_UNKNOWN -> kNotFound, ...). The message is
// "http 404: manifest unknown (MANIFEST_UNKNOWN)"; http_status, remote_code (the first
// entry's code) and retry_after_seconds are set.
Error registryError(const ErrorResponse& response, std::chrono::system_clock::time_point now);

// Seconds to wait from a Retry-After value: delay-seconds, or an HTTP-date (IMF-fixdate and the
// obsolete RFC 850 and asctime forms, RFC 9110 §5.6.7) relative to `now`; a date in the past
// gives 0. nullopt when the value is neither.
std::optional<double> parseRetryAfter(std::string_view header,
                                      std::chrono::system_clock::time_point now);

}  // namespace copycat::registry
