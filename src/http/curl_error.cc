#include "http/curl_error.h"

#include <fmt/format.h>

namespace copycat::http {
namespace {

ErrorCode classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorCode::kDeadlineExceeded;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
      return ErrorCode::kPermissionDenied;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return ErrorCode::kInvalidArgument;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_RANGE_ERROR:
      return ErrorCode::kProtocol;
    case CURLE_ABORTED_BY_CALLBACK:
      return ErrorCode::kCancelled;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FAILED_INIT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_UNKNOWN_OPTION:
      return ErrorCode::kInternal;
    default:
      // Connect refused, DNS, resets, partial transfers, TLS handshake, HTTP/2 stream errors,
      // proxy failures: the network or the peer may recover.
      return ErrorCode::kUnavailable;
  }
}

std::string_view reasonFor(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return "couldn't connect";
    case CURLE_COULDNT_RESOLVE_HOST:
      return "couldn't resolve host";
    case CURLE_COULDNT_RESOLVE_PROXY:
      return "couldn't resolve proxy";
    case CURLE_OPERATION_TIMEDOUT:
      return "timed out";
    default:
      return curl_easy_strerror(code);
  }
}

}  // namespace

Error curlError(CURLcode code, std::string_view what, std::string_view host,
                std::string_view detail) {
  ErrorCode error_code = classify(code);
  std::string reason;
  if (code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CRL_BADFILE) {
    reason = "cannot load the TLS trust anchors";
  } else if (code == CURLE_SSL_CERTPROBLEM) {
    reason = "cannot use the TLS client certificate";
  } else if (error_code == ErrorCode::kPermissionDenied) {
    reason = fmt::format("TLS certificate verification failed for host {}", host);
  } else {
    reason = std::string(reasonFor(code));
  }
  std::string message = detail.empty() ? fmt::format("{}: {}", what, reason)
                                       : fmt::format("{}: {}: {}", what, reason, detail);
  return Error{error_code, std::move(message)};
}

}  // namespace copycat::http
