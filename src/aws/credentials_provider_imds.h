// EC2 instance profile credentials from the Instance Metadata Service, IMDSv2 first: a session
// token from PUT /latest/api/token, then the role name and its credentials under
// /latest/meta-data/iam/security-credentials/.
#pragma once

#include <chrono>
#include <string>

#include "aws/credentials.h"
#include "aws/environment.h"
#include "http/http_client.h"

namespace copycat::aws {

// Honours AWS_EC2_METADATA_DISABLED (kNotFound when true), AWS_EC2_METADATA_SERVICE_ENDPOINT,
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (IPv4 | IPv6) and AWS_EC2_METADATA_V1_DISABLED. When
// the token PUT answers 403, 404 or 405 it falls back to IMDSv1 (unless v1 is disabled), as the
// SDKs do. Timeouts are short and attempts few, so a pod whose hop limit (1 on new instances)
// hides IMDS fails in about two seconds instead of stalling the chain: the error then says so.
//
// Thread-safe. Does not own `http`.
class ImdsCredentialsProvider final : public CredentialsProvider {
 public:
  struct Options {
    std::string endpoint{};                   // "" = the environment, then http://169.254.169.254
    std::chrono::milliseconds timeout{1000};  // per request
    int max_attempts = 2;                     // per request
    std::chrono::seconds token_ttl{21600};
  };

  ImdsCredentialsProvider(EnvLookup env, http::HttpClient& http, Options options)
      : env_(std::move(env)), http_(http), options_(std::move(options)) {}

  [[nodiscard]] Result<Credentials> resolve() override;
  [[nodiscard]] std::string name() const override { return "imds"; }

 private:
  Result<std::string> endpoint() const;
  Result<http::Response> send(http::Request request) const;
  Result<std::string> sessionToken(const std::string& base) const;

  EnvLookup env_;
  http::HttpClient& http_;
  const Options options_;
};

}  // namespace copycat::aws
