// The ECR target: AWS credentials (the SDKs' chain, optionally assuming ecr.assumeRoleArn),
// the ECR API, registry logins ("AWS:<token>", one GetAuthorizationToken per token lifetime)
// and repository preparation before the first push (DescribeRepositories once per repository,
// CreateRepository with the lifecycle policy when createRepo).
#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include "app/registry_executor.h"
#include "aws/credentials.h"
#include "aws/ecr_auth.h"
#include "aws/ecr_client.h"
#include "aws/ecr_repository_manager.h"
#include "config/config.h"
#include "http/http_client.h"
#include "registry/auth/keychain.h"

namespace copycat::app {

// Thread-safe after create().
class EcrTarget {
 public:
  // `registry_host` is where images are pushed (the account's ECR host, or
  // ecr.registryEndpoint); `account_id` and `region` select the ECR API. `dry_run` makes
  // repository preparation read-only.
  [[nodiscard]] static Result<std::unique_ptr<EcrTarget>> create(const config::EcrConfig& ecr,
                                                                 std::string registry_host,
                                                                 bool dry_run);
  ~EcrTarget();

  // Credentials for `registry_host` come from ECR logins; every other host from `base`.
  // The returned keychain borrows `this` and `base`.
  [[nodiscard]] std::unique_ptr<registry::auth::Keychain> keychain(registry::auth::Keychain& base);
  [[nodiscard]] EnsureRepository ensureRepository();
  [[nodiscard]] const std::string& registryHost() const { return registry_host_; }

 private:
  EcrTarget() = default;

  std::string registry_host_;
  std::unique_ptr<http::HttpClient> http_;
  std::unique_ptr<aws::CredentialsProvider> credentials_;
  std::unique_ptr<aws::EcrClient> client_;
  std::unique_ptr<aws::EcrTokenCache> tokens_;
  std::unique_ptr<aws::EcrRepositoryManager> repositories_;
};

}  // namespace copycat::app
