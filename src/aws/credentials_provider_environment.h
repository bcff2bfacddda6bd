// Credentials from environment variables, as the AWS SDK for Go v2 reads them.
#pragma once

#include <optional>
#include <string>

#include "aws/credentials.h"
#include "aws/environment.h"

namespace copycat::aws {

// AWS_ACCESS_KEY_ID (legacy AWS_ACCESS_KEY), AWS_SECRET_ACCESS_KEY (legacy AWS_SECRET_KEY),
// AWS_SESSION_TOKEN. Like the SDKs, a lone key id or secret is ignored: resolve() then fails with
// kNotFound naming the missing variable, so a chain moves on. Thread-safe when `env` is.
class EnvironmentCredentialsProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentCredentialsProvider(EnvLookup env = processEnvironment())
      : env_(std::move(env)) {}

  [[nodiscard]] Result<Credentials> resolve() override;
  [[nodiscard]] std::string name() const override { return "environment"; }

 private:
  EnvLookup env_;
};

// IRSA-style web identity settings (EKS injects them into pods):
// AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME.
struct WebIdentitySettings {
  std::string token_file;
  std::string role_arn;
  std::string role_session_name;  // empty: the provider picks one
};

// Returns the settings when both the token file and the role ARN are set, nullopt when neither
// is, and kInvalidArgument when only one of them is.
[[nodiscard]] Result<std::optional<WebIdentitySettings>> webIdentityFromEnvironment(
    const EnvLookup& env);

}  // namespace copycat::aws
