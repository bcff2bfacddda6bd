// AWS Signature Version 4 (AWS IAM User Guide, "Create a signed AWS API request"): signs an HTTP
// request with an Authorization header (sign) or with query parameters (presign).
//
// Pure functions: thread-safe, no I/O. The caller sends exactly the headers it passed in plus the
// ones returned, in any order; any other header it adds later is simply not signed.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/sigv4_canonical.h"
#include "base/result.h"

namespace copycat::aws {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
// Payload hash for bodies that are not signed (S3 streaming, presigned S3 URLs).
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// Presigned URLs live at most seven days (SigV4 query-string authentication).
inline constexpr std::chrono::seconds kMaxPresignExpiry{7 * 24 * 3600};

struct SigningRequest {
  std::string method;  // "GET", "POST", ...
  // The path as sent on the wire, without the query; may hold bytes a client would still
  // percent-encode (a space, UTF-8). Empty means "/".
  std::string path = "/";
  sigv4::Pairs query;        // decoded (name, value) pairs; order does not matter
  sigv4::Pairs headers;      // (name, value) as sent; must contain Host
  std::string_view payload;  // the body; only read during sign()/presign()
  // Hex SHA-256 of the body, or kUnsignedPayload; when set, `payload` is not hashed.
  std::optional<std::string> payload_hash;
};

struct SignOptions {
  // Both true for every service except S3, which signs the path exactly as sent.
  bool normalize_path = true;
  bool double_uri_encode = true;
  // When false, X-Amz-Security-Token is added to the request but left out of the signature (a
  // few legacy services want it that way; see the suite's post-sts-header-after case).
  bool sign_security_token = true;
  // Adds a signed x-amz-content-sha256 header holding the payload hash (S3 and some others).
  bool add_content_sha256 = false;
};

// The result of header signing: the headers to add plus the intermediate strings for tests and
// debugging. The canonical request and string to sign contain no secret, but the
// X-Amz-Security-Token header value is one: never log `headers`.
struct SignedHeaders {
  // In this order: X-Amz-Security-Token, X-Amz-Date, x-amz-content-sha256 (each only when the
  // request lacks it), Authorization.
  sigv4::Pairs headers;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // 64 hex characters
  std::string authorization;   // the Authorization header value
};

// The result of query signing (a presigned URL).
struct PresignedQuery {
  // Encoded (name, value) pairs to append to the request's query, in this order: X-Amz-Algorithm,
  // X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Expires, X-Amz-Security-Token (with
  // session credentials), X-Amz-Signature.
  sigv4::Pairs params;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;
  std::string signature;

  // The params joined as "name=value&name=value".
  [[nodiscard]] std::string encodedQuery() const;
};

// Signs `request` for `service` in `region` at `time`. Fails with kInvalidArgument when the
// request has no Host header, already has an Authorization header, carries an X-Amz-Date or
// X-Amz-Security-Token that contradicts `time` or `credentials`, or the credentials lack keys.
[[nodiscard]] Result<SignedHeaders> sign(const SigningRequest& request,
                                         const Credentials& credentials, std::string_view region,
                                         std::string_view service,
                                         std::chrono::system_clock::time_point time,
                                         const SignOptions& options = {});

// Presigns `request`: the signature travels in the query, valid for `expires` (1 s to 7 days).
// X-Amz-Date is a query parameter here, so it is not added as a header.
[[nodiscard]] Result<PresignedQuery> presign(const SigningRequest& request,
                                             const Credentials& credentials,
                                             std::string_view region, std::string_view service,
                                             std::chrono::system_clock::time_point time,
                                             std::chrono::seconds expires,
                                             const SignOptions& options = {});

// "20150830T123600Z" (ISO 8601 basic format, UTC).
std::string formatAmzDate(std::chrono::system_clock::time_point time);

// The raw 32-byte signing key: HMAC chain over "AWS4" + secret, date (YYYYMMDD), region, service,
// "aws4_request".
std::string deriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service);

}  // namespace copycat::aws
