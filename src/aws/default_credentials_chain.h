// The default credential chain, in the AWS SDKs' order: environment, web identity (IRSA),
// shared config and credentials files (with role chaining), container (ECS / EKS Pod Identity),
// then EC2 instance metadata; wrapped in a cache that refreshes 5 minutes before expiry.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "aws/assume_role_provider.h"
#include "aws/cached_credentials_provider.h"
#include "aws/credentials_provider_container.h"
#include "aws/credentials_provider_imds.h"
#include "aws/environment.h"
#include "base/clock.h"
#include "http/http_client.h"

namespace copycat::aws {

struct DefaultChainOptions {
  std::string profile{};  // empty: AWS_PROFILE, AWS_DEFAULT_PROFILE, "default"
  // Region for STS calls; wins over AWS_REGION (k8s-copycat passes the ECR region). Empty:
  // AWS_REGION, the profile's region, then us-east-1.
  std::string region{};
  CallOptions sts{};
  // Every network source can be aimed elsewhere (tests use 127.0.0.1): the container provider's
  // relative URI base and the IMDS endpoint (also AWS_EC2_METADATA_SERVICE_ENDPOINT).
  ContainerCredentialsProvider::Options container{};
  ImdsCredentialsProvider::Options imds{};
  CachedCredentialsProvider::Options cache{};
};

// Builds the chain. A source that is configured but fails (anything but kNotFound) ends it, as in
// the SDKs: a broken IRSA setup must not silently fall through to the node's role. Sources read the
// environment and files on each refresh, so the result adapts to rotated token files. When every
// source fails, the error lists each one and its reason
// ("no aws credentials found: environment: ...; web identity: ...; shared config: ...;
// container: ...; imds: ..."). Does not own `http` or `clock`, which must outlive it.
std::unique_ptr<CachedCredentialsProvider> defaultCredentialsChain(EnvLookup env,
                                                                   http::HttpClient& http,
                                                                   const Clock& clock,
                                                                   DefaultChainOptions options);

// `base` with `params.role_arn` assumed on top (ecr.assumeRoleArn), cached. `sts_region` as in
// DefaultChainOptions::region. Fails with kInvalidArgument when the STS endpoint settings in
// `env` are malformed.
[[nodiscard]] Result<std::unique_ptr<CachedCredentialsProvider>> assumeRoleOnTop(
    std::unique_ptr<CredentialsProvider> base, AssumeRoleParams params, const EnvLookup& env,
    http::HttpClient& http, const Clock& clock, const std::string& sts_region, CallOptions sts = {},
    CachedCredentialsProvider::Options cache = {});

}  // namespace copycat::aws
