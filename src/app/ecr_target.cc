#include "app/ecr_target.h"

#include "app/version.h"
#include "aws/default_credentials_chain.h"
#include "aws/environment.h"
#include "base/log.h"
#include "http/curl_http_client.h"

namespace copycat::app {
namespace {

class EcrKeychain final : public registry::auth::Keychain {
 public:
  EcrKeychain(std::string host, aws::EcrTokenCache& tokens, registry::auth::Keychain& base)
      : host_(std::move(host)), tokens_(tokens), base_(base) {}

  Result<registry::auth::RegistryAuth> resolve(std::string_view registry_host) override {
    if (registry_host != host_) {
      return base_.resolve(registry_host);
    }
    ASSIGN_OR_RETURN(auto login, tokens_.login());
    return registry::auth::RegistryAuth{.username = login.username,
                                        .password = login.password,
                                        .identity_token = {},
                                        .registry_token = {},
                                        .source = "ecr GetAuthorizationToken"};
  }

 private:
  std::string host_;
  aws::EcrTokenCache& tokens_;
  registry::auth::Keychain& base_;
};

aws::EcrRepositorySettings repositorySettings(const config::EcrConfig& ecr, bool dry_run) {
  return aws::EcrRepositorySettings{
      .create_repo = ecr.create_repo,
      .dry_run = dry_run,
      .reconcile_settings = ecr.reconcile_settings,
      .image_tag_mutability = ecr.image_tag_mutability,
      .scan_on_push = ecr.scan_on_push,
      .encryption = {.type = ecr.encryption.type, .kms_key = ecr.encryption.kms_key},
      .tags = ecr.tags,
      .lifecycle_policy = ecr.lifecycle_policy,
      .repository_policy = ecr.repository_policy,
  };
}

}  // namespace

EcrTarget::~EcrTarget() = default;

Result<std::unique_ptr<EcrTarget>> EcrTarget::create(const config::EcrConfig& ecr,
                                                     std::string registry_host, bool dry_run) {
  std::unique_ptr<EcrTarget> t(new EcrTarget());
  t->registry_host_ = std::move(registry_host);
  http::CurlHttpClient::Options http_options;
  http_options.user_agent = "copycat/" + std::string(version());
  ASSIGN_OR_RETURN(t->http_, http::CurlHttpClient::create(std::move(http_options)));
  auto env = aws::processEnvironment();
  auto& clock = SystemClock::instance();
  std::unique_ptr<aws::CredentialsProvider> credentials = aws::defaultCredentialsChain(
      env, *t->http_, clock, aws::DefaultChainOptions{.region = ecr.region});
  if (!ecr.assume_role_arn.empty()) {
    aws::AssumeRoleParams params{.role_arn = ecr.assume_role_arn,
                                 .role_session_name = ecr.role_session_name,
                                 .external_id = ecr.external_id,
                                 .duration_seconds = ecr.assume_role_duration_seconds};
    ASSIGN_OR_RETURN(credentials, aws::assumeRoleOnTop(std::move(credentials), params, env,
                                                       *t->http_, clock, ecr.region));
  }
  t->credentials_ = std::move(credentials);
  ASSIGN_OR_RETURN(auto endpoint, aws::resolveEcrEndpoint(env, nullptr, ecr.region));
  t->client_ = std::make_unique<aws::EcrClient>(
      *t->http_, clock, *t->credentials_,
      aws::EcrClient::Options{.endpoint = endpoint, .registry_id = ecr.account_id, .call = {}});
  t->tokens_ = std::make_unique<aws::EcrTokenCache>(*t->client_, clock);
  t->repositories_ =
      std::make_unique<aws::EcrRepositoryManager>(*t->client_, repositorySettings(ecr, dry_run));
  return t;
}

std::unique_ptr<registry::auth::Keychain> EcrTarget::keychain(registry::auth::Keychain& base) {
  return std::make_unique<EcrKeychain>(registry_host_, *tokens_, base);
}

EnsureRepository EcrTarget::ensureRepository() {
  return [this](const std::string& repository, std::stop_token) -> Status {
    ASSIGN_OR_RETURN(auto result, repositories_->ensureRepository(repository));
    if (result.outcome == aws::EnsureOutcome::kCreated) {
      LOG_INFO("target", "ecr repository created", {{"repository", repository}});
    }
    return ok();
  };
}

}  // namespace copycat::app
