// FakeAws: one HTTP server on 127.0.0.1 that plays the AWS services copycat talks to: the ECR
// JSON 1.1 API, the STS Query API (XML), the ECS/EKS container credentials endpoint and IMDSv2.
// It verifies SigV4 signatures with its own implementation (fake_aws_sigv4.h), knows which keys
// exist (long-term and STS-issued session keys), and keeps repositories, policies, tags and
// authorization tokens in memory. Known differences from AWS: test/support/FAKE_AWS.md.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

namespace copycat::testing {

struct FakeAwsOptions {
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  // When set, every GetAuthorizationToken issues this password, so a real registry with an
  // htpasswd entry for user AWS can stand in for the ECR registry endpoint.
  std::string registry_password{};
  const Clock* clock = nullptr;        // null: SystemClock; must outlive the fake
  std::chrono::seconds max_skew{300};  // X-Amz-Date tolerance
  std::chrono::seconds authorization_token_lifetime{12 * 3600};
  std::chrono::seconds session_lifetime{3600};  // STS default when DurationSeconds is absent
  std::chrono::seconds container_credentials_lifetime{6 * 3600};
  std::chrono::seconds imds_credentials_lifetime{6 * 3600};
  // Paths the container endpoint answers (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, or the path
  // of a FULL_URI such as EKS Pod Identity's "/v1/credentials").
  std::vector<std::string> container_paths = {"/v2/credentials/task", "/v1/credentials"};
  std::string container_role_arn = "arn:aws:iam::123456789012:role/container-role";
  std::string imds_role = "copycat-node";  // empty: no instance profile (404)
  bool imds_v2 = true;                     // false: PUT /latest/api/token answers 404 (IMDSv1 only)
};

struct FakeRole {
  std::string arn{};          // "arn:aws:iam::210987654321:role/pusher"
  std::string external_id{};  // when set, AssumeRole must carry exactly this ExternalId
  // AssumeRoleWithWebIdentity accepts any non-empty token when empty, else only this one.
  std::string web_identity_token{};
};

struct FakeRepository {
  std::string name{};
  std::string image_tag_mutability = "MUTABLE";
  bool scan_on_push = false;
  std::string encryption_type = "AES256";
  std::string kms_key{};
  std::map<std::string, std::string> tags{};
  std::string lifecycle_policy{};   // "" = none
  std::string repository_policy{};  // "" = none
};

// One STS request as the fake understood it.
struct FakeStsCall {
  std::string action{};  // "AssumeRole" | "AssumeRoleWithWebIdentity"
  std::string role_arn{};
  std::string role_session_name{};
  std::string external_id{};
  std::string web_identity_token{};
  std::optional<int> duration_seconds{};
  std::string caller_access_key_id{};  // AssumeRole: the signing key
};

// Thread-safe: configure, start(), then requests and accessors may interleave freely.
class FakeAws {
 public:
  explicit FakeAws(FakeAwsOptions options = {});
  ~FakeAws();
  FakeAws(const FakeAws&) = delete;
  FakeAws& operator=(const FakeAws&) = delete;

  [[nodiscard]] Status start();
  void stop();
  [[nodiscard]] std::string baseUrl() const;  // "http://127.0.0.1:<port>"

  // Identities. Long-term keys belong to `principal_arn` (default: the account's user).
  void addAccessKey(const std::string& id, const std::string& secret,
                    const std::string& principal_arn = "");
  void addRole(const FakeRole& role);
  // The Authorization value the container endpoint requires; "" = any (even none).
  void setContainerToken(const std::string& token);

  // Repositories.
  void putRepository(const FakeRepository& repository);
  [[nodiscard]] std::optional<FakeRepository> repository(const std::string& name) const;
  [[nodiscard]] size_t repositoryCount() const;
  // The next CreateRepository for `name` finds it just created by someone else and answers
  // RepositoryAlreadyExistsException (a lost race, deterministically).
  void simulateConcurrentCreate(const std::string& name);

  // Faults. `operation` as in count(); "*" matches every ECR and STS operation.
  void throttleNext(const std::string& operation, int times);
  void failNext(const std::string& operation, int times, int status, const std::string& code);

  // Observations. Operations: "ecr:<Op>", "sts:<Action>", "container", "imds:token",
  // "imds:role", "imds:credentials". Counts every request that passed authentication (throttled
  // and failed ones included).
  [[nodiscard]] int count(const std::string& operation) const;
  [[nodiscard]] int rejectedCount() const;          // authentication failures
  [[nodiscard]] std::string lastRejection() const;  // "<code>: <message>"
  [[nodiscard]] std::vector<FakeStsCall> stsCalls() const;
  // The principal ARN whose key signed the last ECR call ("" before any).
  [[nodiscard]] std::string lastEcrPrincipal() const;
  // True for an unexpired password issued by GetAuthorizationToken (for registry fakes).
  [[nodiscard]] bool isValidRegistryPassword(const std::string& password) const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace copycat::testing
