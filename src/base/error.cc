#include "base/error.h"

#include <fmt/format.h>

namespace copycat {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kUnauthenticated:
      return "Unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "PermissionDenied";
    case ErrorCode::kAlreadyExists:
      return "AlreadyExists";
    case ErrorCode::kRateLimited:
      return "RateLimited";
    case ErrorCode::kUnavailable:
      return "Unavailable";
    case ErrorCode::kDeadlineExceeded:
      return "DeadlineExceeded";
    case ErrorCode::kCancelled:
      return "Cancelled";
    case ErrorCode::kDigestMismatch:
      return "DigestMismatch";
    case ErrorCode::kProtocol:
      return "Protocol";
    case ErrorCode::kInternal:
      return "Internal";
  }
  return "Unknown";
}

Error Error::withContext(std::string_view what) const {
  Error e = *this;
  e.message = fmt::format("{}: {}", what, message);
  return e;
}

bool Error::isRetryable() const {
  switch (code) {
    case ErrorCode::kRateLimited:
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
      return true;
    default:
      return http_status == 408 || http_status == 429 || http_status >= 500;
  }
}

std::string Error::describe() const {
  std::string out = message;
  out += fmt::format(" (code {}", errorCodeName(code));
  if (http_status != 0) {
    out += fmt::format(", http {}", http_status);
  }
  if (!remote_code.empty()) {
    out += fmt::format(", remote {}", remote_code);
  }
  out += ")";
  return out;
}

}  // namespace copycat
