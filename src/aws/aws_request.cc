#include "aws/aws_request.h"

#include <array>
#include <thread>
#include <utility>

#include "aws/sigv4_signer.h"
#include "http/url.h"

namespace copycat::aws {
namespace {

struct CodeClass {
  std::string_view code;
  ErrorCode error;
};

// Error codes shared by AWS services (AWS SDKs' retry classification plus the common client
// errors of the JSON and Query protocols), and the ones STS and ECR document.
constexpr std::array<CodeClass, 37> kCodes = {{
    {"Throttling", ErrorCode::kRateLimited},
    {"ThrottlingException", ErrorCode::kRateLimited},
    {"ThrottledException", ErrorCode::kRateLimited},
    {"RequestThrottledException", ErrorCode::kRateLimited},
    {"TooManyRequestsException", ErrorCode::kRateLimited},
    {"RequestLimitExceeded", ErrorCode::kRateLimited},
    {"RequestThrottled", ErrorCode::kRateLimited},
    {"SlowDown", ErrorCode::kRateLimited},
    {"ServerException", ErrorCode::kUnavailable},
    {"InternalFailure", ErrorCode::kUnavailable},
    {"InternalError", ErrorCode::kUnavailable},
    {"ServiceUnavailable", ErrorCode::kUnavailable},
    {"ServiceUnavailableException", ErrorCode::kUnavailable},
    {"IDPCommunicationError", ErrorCode::kUnavailable},
    {"RequestTimeout", ErrorCode::kUnavailable},
    {"RequestTimeoutException", ErrorCode::kUnavailable},
    {"AccessDenied", ErrorCode::kPermissionDenied},
    {"AccessDeniedException", ErrorCode::kPermissionDenied},
    {"RegionDisabledException", ErrorCode::kPermissionDenied},
    {"LimitExceededException", ErrorCode::kPermissionDenied},
    {"UnrecognizedClientException", ErrorCode::kUnauthenticated},
    {"InvalidClientTokenId", ErrorCode::kUnauthenticated},
    {"InvalidSignatureException", ErrorCode::kUnauthenticated},
    {"SignatureDoesNotMatch", ErrorCode::kUnauthenticated},
    {"IncompleteSignature", ErrorCode::kUnauthenticated},
    {"MissingAuthenticationToken", ErrorCode::kUnauthenticated},
    {"ExpiredToken", ErrorCode::kUnauthenticated},
    {"ExpiredTokenException", ErrorCode::kUnauthenticated},
    {"InvalidIdentityToken", ErrorCode::kUnauthenticated},
    {"IDPRejectedClaim", ErrorCode::kUnauthenticated},
    {"RepositoryNotFoundException", ErrorCode::kNotFound},
    {"LifecyclePolicyNotFoundException", ErrorCode::kNotFound},
    {"RepositoryPolicyNotFoundException", ErrorCode::kNotFound},
    {"RepositoryAlreadyExistsException", ErrorCode::kAlreadyExists},
    {"ValidationError", ErrorCode::kInvalidArgument},
    {"ValidationException", ErrorCode::kInvalidArgument},
    {"InvalidParameterException", ErrorCode::kInvalidArgument},
}};

ErrorCode codeForStatus(int status) {
  if (status == 429) {
    return ErrorCode::kRateLimited;
  }
  if (status >= 500 || status == 408) {
    return ErrorCode::kUnavailable;
  }
  if (status == 401) {
    return ErrorCode::kUnauthenticated;
  }
  if (status == 403) {
    return ErrorCode::kPermissionDenied;
  }
  if (status == 404) {
    return ErrorCode::kNotFound;
  }
  if (status == 400 || status == 409 || status == 413 || status == 422) {
    return ErrorCode::kInvalidArgument;
  }
  return ErrorCode::kProtocol;
}

}  // namespace

ErrorCode errorCodeForAws(std::string_view remote_code, int http_status) {
  for (const CodeClass& c : kCodes) {
    if (c.code == remote_code) {
      return c.error;
    }
  }
  // Documented client errors not listed above (InvalidTagParameterException, KmsException,
  // MalformedPolicyDocument, ...) are the caller's fault.
  if (http_status == 400 && !remote_code.empty()) {
    return ErrorCode::kInvalidArgument;
  }
  return codeForStatus(http_status);
}

Error awsCallError(std::string_view operation, std::string_view remote_code,
                   std::string_view message, int http_status) {
  std::string text(operation);
  text += ": ";
  text += remote_code.empty() ? "http " + std::to_string(http_status) : std::string(remote_code);
  if (!message.empty()) {
    text += ": ";
    text += message;
  }
  Error error(errorCodeForAws(remote_code, http_status), std::move(text));
  error.http_status = http_status;
  error.remote_code = std::string(remote_code);
  return error;
}

void sleepBeforeRetry(const RetryOptions& options, int retry) {
  std::chrono::milliseconds delay = backoffDelay(options.backoff, retry);
  if (options.sleep) {
    options.sleep(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

Result<http::Response> sendAwsRequest(http::HttpClient& http, const Endpoint& endpoint,
                                      const AwsRequest& request, const Credentials* credentials,
                                      std::chrono::system_clock::time_point now,
                                      std::chrono::milliseconds timeout) {
  ASSIGN_OR_RETURN(http::Url base, http::parseUrl(endpoint.url));
  std::string base_path = base.path;
  while (!base_path.empty() && base_path.back() == '/') {
    base_path.pop_back();
  }
  std::string path = base_path + (request.path.empty() ? "/" : request.path);
  http::Request out;
  out.method = request.method;
  out.url = base.scheme + "://" + base.authority() + path;
  out.headers = request.headers;
  out.headers.set("Host", endpoint.host);
  out.body = request.body;
  out.follow_redirects = false;
  out.timeout = timeout;
  if (credentials != nullptr) {
    SigningRequest signing;
    signing.method = request.method;
    signing.path = path;
    for (const auto& [name, value] : out.headers) {
      signing.headers.emplace_back(name, value);
    }
    signing.payload = request.body;
    ASSIGN_OR_RETURN(
        SignedHeaders signed_headers,
        sign(signing, *credentials, endpoint.signing_region, endpoint.signing_name, now));
    for (auto& [name, value] : signed_headers.headers) {
      out.headers.add(std::move(name), std::move(value));
    }
  }
  return http.send(out);
}

}  // namespace copycat::aws
