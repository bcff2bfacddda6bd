// Container credentials: the ECS task role endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on
// 169.254.170.2) and EKS Pod Identity / generic full URIs (AWS_CONTAINER_CREDENTIALS_FULL_URI
// with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]), as the AWS SDKs' container provider reads them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/environment.h"
#include "base/clock.h"
#include "http/http_client.h"

namespace copycat::aws {

// True when the SDKs allow plain http to `host` for a full URI: a loopback address (127.0.0.0/8,
// ::1, localhost), the ECS endpoint 169.254.170.2 or the EKS Pod Identity agent 169.254.170.23 /
// fd00:ec2::23. IPv6 hosts may keep their brackets. Any host is allowed over https.
bool isAllowedContainerHttpHost(std::string_view host);

// Reads the environment on every resolve(): the relative URI wins over the full URI; the token
// file wins over the token variable and is re-read each time (EKS rotates it). Sends
// "Authorization: <token>" and parses the JSON document (credentials_document.h).
// Errors: kNotFound when neither URI variable is set; kInvalidArgument for a disallowed full
// URI, an unreadable token file or a token with line breaks; the endpoint's status otherwise
// (kUnavailable for 5xx and connection errors, after `max_attempts` tries).
//
// Thread-safe. Does not own `http`.
class ContainerCredentialsProvider final : public CredentialsProvider {
 public:
  struct Options {
    // Where relative URIs point; tests aim it at 127.0.0.1.
    std::string relative_uri_base = "http://169.254.170.2";
    std::chrono::milliseconds timeout{2000};  // per attempt
    int max_attempts = 3;
  };

  ContainerCredentialsProvider(EnvLookup env, http::HttpClient& http, Options options)
      : env_(std::move(env)), http_(http), options_(std::move(options)) {}

  [[nodiscard]] Result<Credentials> resolve() override;
  [[nodiscard]] std::string name() const override { return "container"; }

 private:
  Result<std::string> endpointUrl() const;
  Result<std::string> authorizationToken() const;

  EnvLookup env_;
  http::HttpClient& http_;
  const Options options_;
};

}  // namespace copycat::aws
