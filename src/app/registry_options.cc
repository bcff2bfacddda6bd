#include "app/registry_options.h"

#include "app/version.h"
#include "base/log.h"

namespace copycat::app {

registry::ImageCopierOptions copierOptions(const config::Config& config) {
  registry::ImageCopierOptions options;
  options.insecure_hosts = config.insecure_registries;
  if (config.target_kind == config::TargetKind::kDocker && config.docker.insecure) {
    options.insecure_hosts.push_back(config.docker.registry);
  }
  options.ca_file = config.ca_file;
  options.user_agent = "copycat/" + std::string(version());
  options.jobs = config.registry_concurrency;
  options.retry.attempts = config.registry_retry_attempts;
  options.retry.backoff.initial = std::chrono::seconds(config.registry_retry_backoff_seconds);
  options.retry.backoff.max = std::max(options.retry.backoff.initial, options.retry.backoff.max);
  if (config.request_timeout_seconds > 0) {
    options.request_timeout = std::chrono::seconds(config.request_timeout_seconds);
  }
  return options;
}

Result<std::unique_ptr<registry::auth::StaticKeychain>> buildKeychain(
    const config::Config& config, std::map<std::string, registry::auth::RegistryAuth> cli) {
  registry::auth::StaticKeychain::Options options;
  for (const auto& c : config.registry_credentials) {
    options.registry_credentials.push_back({.registry = c.registry,
                                            .registry_aliases = c.registry_aliases,
                                            .username = c.username,
                                            .password = c.password,
                                            .token = c.token,
                                            .username_env = {},
                                            .password_env = {},
                                            .token_env = {}});
  }
  // The docker target's own credentials (TARGET_USERNAME/TARGET_PASSWORD), below flags.
  const auto& docker = config.docker;
  if (config.target_kind == config::TargetKind::kDocker && !docker.username.empty()) {
    cli.try_emplace(registry::auth::canonicalRegistryHost(docker.registry),
                    registry::auth::RegistryAuth{.username = docker.username,
                                                 .password = docker.password,
                                                 .identity_token = {},
                                                 .registry_token = {},
                                                 .source = "docker target credentials"});
  }
  options.cli_credentials = std::move(cli);
  ASSIGN_OR_RETURN(auto keychain, registry::auth::StaticKeychain::create(std::move(options)));
  for (const auto& warning : keychain->warnings()) {
    LOG_WARN("app", "credentials entry ignored", {{"reason", warning}});
  }
  return keychain;
}

}  // namespace copycat::app
