// AWS STS over the Query protocol (sts 2011-06-15): AssumeRole and AssumeRoleWithWebIdentity,
// form-encoded POSTs answered with XML. Only the fields copycat needs are read.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_request.h"
#include "aws/credentials.h"
#include "aws/endpoints.h"
#include "aws/environment.h"
#include "base/clock.h"
#include "base/result.h"
#include "http/http_client.h"

namespace copycat::aws {

struct Profile;

struct AssumeRoleWithWebIdentityRequest {
  std::string role_arn{};
  std::string role_session_name{};
  std::string web_identity_token{};  // secret
  std::optional<int> duration_seconds{};
};

struct AssumeRoleRequest {
  std::string role_arn{};
  std::string role_session_name{};
  std::string external_id{};  // empty: not sent
  std::optional<int> duration_seconds{};
};

struct AssumedRole {
  Credentials credentials{};       // with session token and expiration; source names the role
  std::string assumed_role_arn{};  // AssumedRoleUser/Arn
};

// Thread-safe; cheap to copy. Does not own `http` or `clock`, which must outlive it.
class StsClient {
 public:
  StsClient(http::HttpClient& http, const Clock& clock, Endpoint endpoint, CallOptions options)
      : http_(&http),
        clock_(&clock),
        endpoint_(std::move(endpoint)),
        options_(std::move(options)) {}

  // Unsigned (the token is the credential). Errors carry STS's code in remote_code:
  // InvalidIdentityToken/ExpiredTokenException -> kUnauthenticated, AccessDenied ->
  // kPermissionDenied; IDPCommunicationError, throttling and 5xx are retried, then kUnavailable /
  // kRateLimited.
  [[nodiscard]] Result<AssumedRole> assumeRoleWithWebIdentity(
      const AssumeRoleWithWebIdentityRequest& request) const;
  // Signed with `caller`.
  [[nodiscard]] Result<AssumedRole> assumeRole(const AssumeRoleRequest& request,
                                               const Credentials& caller) const;

  [[nodiscard]] const Endpoint& endpoint() const { return endpoint_; }

 private:
  Result<AssumedRole> call(std::string_view action, const std::string& form,
                           const Credentials* caller) const;

  http::HttpClient* http_;
  const Clock* clock_;
  Endpoint endpoint_;
  CallOptions options_;
};

// The STS endpoint for the given environment and profile (may be null). A non-empty `region`
// wins over AWS_REGION and the profile's region (k8s-copycat loads its AWS config with the ECR
// region, so STS calls go to that region's endpoint); with none at all, "us-east-1".
[[nodiscard]] Result<Endpoint> resolveStsEndpoint(const EnvLookup& env, const Profile* profile,
                                                  std::string_view region);

// A role session name when none is configured: "copycat-<unix seconds>".
std::string defaultRoleSessionName(std::chrono::system_clock::time_point now);

// Parses an STS XML answer. `action` is "AssumeRole" or "AssumeRoleWithWebIdentity". Exposed for
// tests and fuzzing.
[[nodiscard]] Result<AssumedRole> parseAssumeRoleResponse(std::string_view action,
                                                          std::string_view xml);
// The error of a non-2xx STS answer: <ErrorResponse><Error><Code/><Message/></Error>.
Error parseStsError(std::string_view action, int http_status, std::string_view xml);

}  // namespace copycat::aws
