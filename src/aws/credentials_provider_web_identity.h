// IRSA (IAM Roles for Service Accounts): a projected OIDC token file exchanged for role
// credentials with STS AssumeRoleWithWebIdentity.
#pragma once

#include <string>

#include "aws/aws_request.h"
#include "aws/credentials.h"
#include "aws/credentials_provider_environment.h"
#include "aws/environment.h"
#include "aws/sts_client.h"
#include "base/clock.h"
#include "http/http_client.h"

namespace copycat::aws {

// Reads the token file (re-read on every call: kubelet rotates it), calls STS and returns the
// role's credentials with source "web identity <role arn>". Errors: kUnavailable when the token
// file cannot be read (a projected token may not exist yet), kInvalidArgument when it is empty
// or larger than STS accepts, otherwise the STS error.
[[nodiscard]] Result<Credentials> webIdentityCredentials(const StsClient& sts,
                                                         const WebIdentitySettings& settings,
                                                         std::chrono::system_clock::time_point now,
                                                         std::optional<int> duration_seconds = {});

// The environment flavour EKS injects: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE
// [+ AWS_ROLE_SESSION_NAME]. The environment is read on every resolve(); kNotFound when neither
// variable is set. The STS endpoint follows AWS_ENDPOINT_URL_STS, AWS_STS_REGIONAL_ENDPOINTS, ...
// and Options::region (see resolveStsEndpoint). Wrap it in CachedCredentialsProvider.
//
// Thread-safe. Does not own `http` or `clock`.
class WebIdentityCredentialsProvider final : public CredentialsProvider {
 public:
  struct Options {
    std::string region{};  // e.g. the ECR region; empty: AWS_REGION, then us-east-1
    CallOptions sts{};
  };

  WebIdentityCredentialsProvider(EnvLookup env, http::HttpClient& http, const Clock& clock,
                                 Options options)
      : env_(std::move(env)), http_(http), clock_(clock), options_(std::move(options)) {}

  [[nodiscard]] Result<Credentials> resolve() override;
  [[nodiscard]] std::string name() const override { return "web identity"; }

 private:
  EnvLookup env_;
  http::HttpClient& http_;
  const Clock& clock_;
  const Options options_;
};

}  // namespace copycat::aws
