#include "aws/credentials_provider_imds.h"

#include <functional>

#include "aws/aws_request.h"
#include "aws/credentials_document.h"
#include "base/strings.h"

namespace copycat::aws {
namespace {

constexpr std::string_view kTokenPath = "/latest/api/token";
constexpr std::string_view kRolesPath = "/latest/meta-data/iam/security-credentials/";
constexpr std::string_view kTokenHeader = "X-aws-ec2-metadata-token";
constexpr std::string_view kTokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";

bool envTrue(const EnvLookup& env, std::string_view name) {
  std::optional<std::string> value = env(name);
  return value && strings::equalsIgnoreCase(strings::trim(*value), "true");
}

Error statusError(std::string_view what, int status) {
  Error error = awsCallError(what, "", "", status);
  return error;
}

}  // namespace

Result<std::string> ImdsCredentialsProvider::endpoint() const {
  std::string out = options_.endpoint;
  if (out.empty()) {
    out = env_("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("");
  }
  if (out.empty()) {
    std::string mode =
        strings::toLower(env_("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").value_or(""));
    if (!mode.empty() && mode != "ipv4" && mode != "ipv6") {
      return fail(ErrorCode::kInvalidArgument,
                  "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: want IPv4 or IPv6");
    }
    out = mode == "ipv6" ? "http://[fd00:ec2::254]" : "http://169.254.169.254";
  }
  while (!out.empty() && out.back() == '/') {
    out.pop_back();
  }
  return out;
}

Result<http::Response> ImdsCredentialsProvider::send(http::Request request) const {
  request.follow_redirects = false;
  request.timeout = options_.timeout;
  RetryOptions retry;
  retry.max_attempts = options_.max_attempts;
  retry.backoff =
      BackoffPolicy{std::chrono::milliseconds(50), std::chrono::milliseconds(200), 2.0, 0.2};
  std::function<Result<http::Response>()> attempt = [&]() -> Result<http::Response> {
    Result<http::Response> response = http_.send(request);
    if (response && response->status >= 500) {
      return fail(statusError("imds " + request.method + " " + request.url, response->status));
    }
    return response;
  };
  Result<http::Response> response = withRetries(retry, attempt);
  if (!response && response.error().http_status == 0) {
    return fail(response.error().withContext(
        "instance metadata service unreachable (not on EC2, or the IMDS hop limit is too low "
        "for containers)"));
  }
  return response;
}

// The IMDSv2 session token, or "" when the endpoint only speaks IMDSv1.
Result<std::string> ImdsCredentialsProvider::sessionToken(const std::string& base) const {
  http::Request request;
  request.method = "PUT";
  request.url = base + std::string(kTokenPath);
  request.headers.set(std::string(kTokenTtlHeader), std::to_string(options_.token_ttl.count()));
  ASSIGN_OR_RETURN(http::Response response, send(request));
  if (response.status == 200 && !response.body.empty()) {
    return std::string(strings::trim(response.body));
  }
  bool v1_fallback = response.status == 403 || response.status == 404 || response.status == 405;
  if (v1_fallback && !envTrue(env_, "AWS_EC2_METADATA_V1_DISABLED")) {
    return std::string();
  }
  return fail(statusError("imds token request", response.status));
}

Result<Credentials> ImdsCredentialsProvider::resolve() {
  if (envTrue(env_, "AWS_EC2_METADATA_DISABLED")) {
    return fail(ErrorCode::kNotFound, "AWS_EC2_METADATA_DISABLED is true");
  }
  ASSIGN_OR_RETURN(std::string base, endpoint());
  ASSIGN_OR_RETURN(std::string token, sessionToken(base));
  http::Request request;
  request.url = base + std::string(kRolesPath);
  if (!token.empty()) {
    request.headers.set(std::string(kTokenHeader), token);
  }
  ASSIGN_OR_RETURN(http::Response roles, send(request));
  if (roles.status == 404) {
    return fail(ErrorCode::kNotFound, "no iam instance profile attached to this instance");
  }
  if (roles.status != 200) {
    return fail(statusError("imds instance profile lookup", roles.status));
  }
  std::string role(strings::trim(roles.body.substr(0, roles.body.find('\n'))));
  if (role.empty() || role.find('/') != std::string::npos) {
    return fail(ErrorCode::kProtocol, "imds returned no usable instance profile role name");
  }
  request.url += role;
  ASSIGN_OR_RETURN(http::Response document, send(request));
  if (document.status != 200) {
    return fail(statusError("imds credentials for role " + role, document.status));
  }
  ASSIGN_OR_RETURN(Credentials credentials,
                   parseCredentialsDocument(document.body, "imds credentials"));
  credentials.source = "imds role " + role;
  return credentials;
}

}  // namespace copycat::aws
