// Kubernetes `Status` errors (meta/v1 Status, "API Concepts" → "Responses") as copycat Errors:
// the HTTP code picks the ErrorCode, `reason` goes to Error::remote_code, `message` into the
// message, Retry-After (header or details.retryAfterSeconds) into retry_after_seconds.
#pragma once

#include <string_view>

#include "base/error.h"
#include "http/headers.h"

namespace copycat::kube {

// Maps an API status code to an ErrorCode: 400/405/422 kInvalidArgument, 401
// kUnauthenticated, 403 kPermissionDenied, 404 and 410 kNotFound, 409 kAlreadyExists (reason
// "Conflict" or "AlreadyExists"), 429 kRateLimited, 408/504 kDeadlineExceeded, other 5xx
// kUnavailable, anything else kProtocol.
ErrorCode errorCodeForStatus(int code);

// The Error for a non-2xx response. `what` names the operation ("list pods"); the message is
// "<what>: <Status.message>" (or "<what>: HTTP <code>" when the body is not a Status).
Error responseError(std::string_view what, int http_status, std::string_view body,
                    const http::Headers& headers);

// The Error carried by a WATCH ERROR event's object (a Status); http_status is Status.code.
Error statusObjectError(std::string_view what, std::string_view status_json);

// 410: the resourceVersion or continue token expired ("Expired"/"Gone"); relist from scratch.
bool isGone(const Error& error);
// 409 with reason "Conflict": a stale resourceVersion on update.
bool isConflict(const Error& error);
// 409 with reason "AlreadyExists": create of an existing name.
bool isAlreadyExists(const Error& error);

}  // namespace copycat::kube
