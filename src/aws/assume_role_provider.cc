#include "aws/assume_role_provider.h"

namespace copycat::aws {

Result<Credentials> assumeRoleCredentials(const StsClient& sts, const AssumeRoleParams& params,
                                          const Credentials& caller,
                                          std::chrono::system_clock::time_point now) {
  AssumeRoleRequest request;
  request.role_arn = params.role_arn;
  request.role_session_name =
      params.role_session_name.empty() ? defaultRoleSessionName(now) : params.role_session_name;
  request.external_id = params.external_id;
  request.duration_seconds = params.duration_seconds;
  Result<AssumedRole> role = sts.assumeRole(request, caller);
  if (!role) {
    return fail(role.error().withContext("assuming " + params.role_arn));
  }
  role->credentials.source = "assumed role " + params.role_arn;
  return std::move(role->credentials);
}

Result<Credentials> AssumeRoleCredentialsProvider::resolve() {
  Result<Credentials> caller = base_->resolve();
  if (!caller) {
    return fail(caller.error().withContext("source credentials for " + params_.role_arn));
  }
  return assumeRoleCredentials(sts_, params_, *caller, clock_.wallNow());
}

}  // namespace copycat::aws
