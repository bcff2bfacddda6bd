// Redaction of secrets before URLs and headers reach a log line (architecture §2.7): bearer and
// basic credentials, cookies, AWS/GCS presigned-URL signatures, SAS and OAuth tokens.
#pragma once

#include <string>
#include <string_view>

#include "http/headers.h"

namespace copycat::http {

inline constexpr std::string_view kRedacted = "REDACTED";

// Returns `url` with the userinfo password and the values of sensitive query parameters
// (X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, token, access_token, sig, ...)
// replaced by "REDACTED". Works on unparsable input too.
[[nodiscard]] std::string redactUrl(std::string_view url);

// True for header names whose values are secrets (Authorization, Cookie, X-Amz-Security-Token,
// ...), compared case-insensitively.
[[nodiscard]] bool isSensitiveHeader(std::string_view name);

// Returns a copy with the values of sensitive headers replaced by "REDACTED".
[[nodiscard]] Headers redactHeaders(const Headers& headers);

}  // namespace copycat::http
