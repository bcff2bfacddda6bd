#include "aws/credentials_provider_shared_config.h"

#include "aws/shared_config.h"

namespace copycat::aws {
namespace {

// Why a profile's keys are not this provider's to return, or empty when they are.
std::string notStaticReason(const Profile& profile) {
  if (!profile.role_arn.empty()) {
    return "assumes role_arn (needs the assume-role provider)";
  }
  if (!profile.web_identity_token_file.empty()) {
    return "uses web_identity_token_file (needs the web identity provider)";
  }
  if (!profile.credential_process.empty()) {
    return "uses credential_process, which is not supported";
  }
  if (profile.uses_sso && !profile.hasStaticCredentials()) {
    return "uses sso, which is not supported";
  }
  return {};
}

}  // namespace

Result<Credentials> SharedConfigCredentialsProvider::resolve() {
  bool chosen = !options_.profile.empty() || env_("AWS_PROFILE") || env_("AWS_DEFAULT_PROFILE");
  std::string name = options_.profile.empty() ? selectedProfileName(env_) : options_.profile;
  SharedConfigPaths paths = sharedConfigPaths(env_);
  ASSIGN_OR_RETURN(SharedConfig config, SharedConfig::load(paths));
  Result<Profile> profile = config.profile(name);
  if (!profile) {
    Error error = profile.error();
    if (error.code == ErrorCode::kNotFound) {
      error.message += " in " + paths.config_file + " or " + paths.credentials_file;
      // A profile asked for by name must exist (the SDKs fail hard here too).
      if (chosen) {
        error.code = ErrorCode::kInvalidArgument;
      }
    }
    return fail(std::move(error));
  }
  if (std::string reason = notStaticReason(*profile); !reason.empty()) {
    return fail(ErrorCode::kNotFound, "profile " + name + " " + reason);
  }
  if (profile->access_key_id.empty() && profile->secret_access_key.empty()) {
    return fail(ErrorCode::kNotFound, "profile " + name + " has no aws_access_key_id");
  }
  if (!profile->hasStaticCredentials()) {
    return fail(ErrorCode::kInvalidArgument,
                "profile " + name + " needs both aws_access_key_id and aws_secret_access_key");
  }
  Credentials out;
  out.access_key_id = profile->access_key_id;
  out.secret_access_key = profile->secret_access_key;
  out.session_token = profile->session_token;
  out.source = "shared config profile " + name;
  return out;
}

}  // namespace copycat::aws
