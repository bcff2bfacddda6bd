#include "aws/credentials_provider_environment.h"

namespace copycat::aws {

Result<Credentials> EnvironmentCredentialsProvider::resolve() {
  std::optional<std::string> id = firstSet(env_, {"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"});
  std::optional<std::string> secret = firstSet(env_, {"AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"});
  if (!id && !secret) {
    return fail(ErrorCode::kNotFound, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
  }
  if (!secret) {
    return fail(ErrorCode::kNotFound, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  }
  if (!id) {
    return fail(ErrorCode::kNotFound, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
  }
  Credentials out;
  out.access_key_id = std::move(*id);
  out.secret_access_key = std::move(*secret);
  out.session_token = env_("AWS_SESSION_TOKEN").value_or("");
  out.source = "environment";
  return out;
}

Result<std::optional<WebIdentitySettings>> webIdentityFromEnvironment(const EnvLookup& env) {
  std::optional<std::string> token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
  std::optional<std::string> role_arn = env("AWS_ROLE_ARN");
  if (!token_file && !role_arn) {
    return std::optional<WebIdentitySettings>();
  }
  if (!token_file || !role_arn) {
    return fail(ErrorCode::kInvalidArgument,
                "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN must be set together");
  }
  return std::optional<WebIdentitySettings>(WebIdentitySettings{
      std::move(*token_file), std::move(*role_arn), env("AWS_ROLE_SESSION_NAME").value_or("")});
}

}  // namespace copycat::aws
