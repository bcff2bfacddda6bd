#include "aws/credentials_provider_web_identity.h"

#include <fstream>
#include <sstream>

#include "base/strings.h"

namespace copycat::aws {
namespace {

// WebIdentityToken is at most 20000 characters (sts 2011-06-15 clientTokenType).
constexpr size_t kMaxTokenBytes = 20000;

Result<std::string> readTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kUnavailable, "cannot read web identity token file " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string token(strings::trim(text.str()));
  if (token.empty()) {
    return fail(ErrorCode::kInvalidArgument, "web identity token file " + path + " is empty");
  }
  if (token.size() > kMaxTokenBytes) {
    return fail(ErrorCode::kInvalidArgument,
                "web identity token in " + path + " is longer than sts accepts");
  }
  return token;
}

}  // namespace

Result<Credentials> webIdentityCredentials(const StsClient& sts,
                                           const WebIdentitySettings& settings,
                                           std::chrono::system_clock::time_point now,
                                           std::optional<int> duration_seconds) {
  ASSIGN_OR_RETURN(std::string token, readTokenFile(settings.token_file));
  AssumeRoleWithWebIdentityRequest request;
  request.role_arn = settings.role_arn;
  request.role_session_name =
      settings.role_session_name.empty() ? defaultRoleSessionName(now) : settings.role_session_name;
  request.web_identity_token = std::move(token);
  request.duration_seconds = duration_seconds;
  Result<AssumedRole> role = sts.assumeRoleWithWebIdentity(request);
  if (!role) {
    return fail(role.error().withContext("assuming " + settings.role_arn + " with web identity"));
  }
  role->credentials.source = "web identity " + settings.role_arn;
  return std::move(role->credentials);
}

Result<Credentials> WebIdentityCredentialsProvider::resolve() {
  ASSIGN_OR_RETURN(std::optional<WebIdentitySettings> settings, webIdentityFromEnvironment(env_));
  if (!settings) {
    return fail(ErrorCode::kNotFound, "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not set");
  }
  ASSIGN_OR_RETURN(Endpoint endpoint, resolveStsEndpoint(env_, nullptr, options_.region));
  StsClient sts(http_, clock_, std::move(endpoint), options_.sts);
  return webIdentityCredentials(sts, *settings, clock_.wallNow());
}

}  // namespace copycat::aws
