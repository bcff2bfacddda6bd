// Amazon ECR's control-plane API (ecr 2015-09-21, JSON 1.1 protocol): the operations copycat
// needs to log in to a registry and to create and configure repositories.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "aws/aws_request.h"
#include "aws/credentials.h"
#include "aws/endpoints.h"
#include "aws/environment.h"
#include "base/clock.h"
#include "base/result.h"
#include "http/http_client.h"

namespace copycat::aws {

struct Profile;

inline constexpr std::string_view kEcrTargetPrefix = "AmazonEC2ContainerRegistry_V20150921";
inline constexpr std::string_view kEcrContentType = "application/x-amz-json-1.1";

// One GetAuthorizationToken answer, decoded. `password` is a secret: never log it.
struct EcrAuthorization {
  std::string username{};  // "AWS"
  std::string password{};
  std::chrono::system_clock::time_point expires_at{};
  std::string proxy_endpoint{};  // "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"
};

struct EcrEncryption {
  std::string type = "AES256";  // AES256 | KMS | KMS_DSSE
  std::string kms_key{};        // KMS only; empty: the AWS managed key
  friend bool operator==(const EcrEncryption&, const EcrEncryption&) = default;
};

struct EcrRepository {
  std::string arn{};
  std::string registry_id{};
  std::string name{};
  std::string uri{};
  std::string image_tag_mutability{};  // MUTABLE | IMMUTABLE | ..._WITH_EXCLUSION
  bool scan_on_push = false;
  EcrEncryption encryption{};
};

struct CreateRepositoryInput {
  std::string name{};
  std::string image_tag_mutability{};  // empty: the service default (MUTABLE)
  std::optional<bool> scan_on_push{};
  std::optional<EcrEncryption> encryption{};
  std::map<std::string, std::string> tags{};
};

// Checks `name` against the model's RepositoryName: 2 to 256 characters matching
// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*. kInvalidArgument
// saying what is wrong otherwise.
[[nodiscard]] Status validateEcrRepositoryName(std::string_view name);

// The ECR API endpoint: `region` (when set) wins over AWS_REGION and the profile (may be null);
// FIPS, dual-stack and AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL come from the environment.
[[nodiscard]] Result<Endpoint> resolveEcrEndpoint(const EnvLookup& env, const Profile* profile,
                                                  std::string_view region);

// Each call resolves credentials, signs (SigV4, service "ecr"), sends and retries throttling,
// 5xx and transport errors (CallOptions::retry). Errors keep ECR's code without its namespace in
// remote_code and map it: RepositoryNotFoundException, LifecyclePolicyNotFoundException,
// RepositoryPolicyNotFoundException -> kNotFound; RepositoryAlreadyExistsException ->
// kAlreadyExists; ThrottlingException -> kRateLimited; ServerException/5xx -> kUnavailable;
// signature and key errors -> kUnauthenticated; AccessDeniedException -> kPermissionDenied;
// validation errors -> kInvalidArgument. ExpiredTokenException makes a CachedCredentialsProvider
// drop its credentials, and the call is repeated once with fresh ones.
//
// Thread-safe. Does not own `http`, `clock` or `credentials`, which must outlive it.
class EcrClient {
 public:
  struct Options {
    Endpoint endpoint{};
    std::string registry_id{};  // 12 digits; empty: the caller's account
    CallOptions call{};
  };

  EcrClient(http::HttpClient& http, const Clock& clock, CredentialsProvider& credentials,
            Options options)
      : http_(http), clock_(clock), credentials_(credentials), options_(std::move(options)) {}

  [[nodiscard]] Result<EcrAuthorization> getAuthorizationToken() const;
  // kNotFound when the repository does not exist.
  [[nodiscard]] Result<EcrRepository> describeRepository(std::string_view name) const;
  [[nodiscard]] Result<EcrRepository> createRepository(const CreateRepositoryInput& input) const;
  [[nodiscard]] Status putLifecyclePolicy(std::string_view name, std::string_view text) const;
  // kNotFound when the repository has no lifecycle policy.
  [[nodiscard]] Result<std::string> getLifecyclePolicy(std::string_view name) const;
  [[nodiscard]] Status setRepositoryPolicy(std::string_view name, std::string_view text) const;
  // kNotFound when the repository has no policy.
  [[nodiscard]] Result<std::string> getRepositoryPolicy(std::string_view name) const;
  [[nodiscard]] Status putImageTagMutability(std::string_view name,
                                             std::string_view mutability) const;
  [[nodiscard]] Status putImageScanningConfiguration(std::string_view name,
                                                     bool scan_on_push) const;
  [[nodiscard]] Status tagResource(std::string_view arn,
                                   const std::map<std::string, std::string>& tags) const;
  [[nodiscard]] Result<std::map<std::string, std::string>> listTagsForResource(
      std::string_view arn) const;

  // One raw operation: POSTs `input` with X-Amz-Target "<prefix>.<operation>" and returns the
  // parsed answer ({} for an empty body).
  [[nodiscard]] Result<nlohmann::json> call(std::string_view operation,
                                            const nlohmann::json& input) const;

  [[nodiscard]] const Options& options() const { return options_; }

 private:
  Result<nlohmann::json> attempt(std::string_view operation, const AwsRequest& request) const;
  nlohmann::json repositoryInput(std::string_view name) const;

  http::HttpClient& http_;
  const Clock& clock_;
  CredentialsProvider& credentials_;
  const Options options_;
};

// Decodes a GetAuthorizationToken answer (exposed for tests and fuzzing).
[[nodiscard]] Result<EcrAuthorization> parseAuthorizationData(const nlohmann::json& output);
// Reads a Repository object; kProtocol when it has no repositoryName.
[[nodiscard]] Result<EcrRepository> parseRepository(const nlohmann::json& repository);
// The Error of a non-2xx ECR answer (`operation` like "ecr CreateRepository").
Error parseEcrError(std::string_view operation, const http::Response& response);

}  // namespace copycat::aws
