#include "aws/credentials_chain.h"

#include "base/log.h"

namespace copycat::aws {

Result<Credentials> CredentialsChain::resolve() {
  std::string reasons;
  bool retryable = false;
  for (const auto& provider : providers_) {
    Result<Credentials> credentials = provider->resolve();
    if (credentials) {
      LOG_DEBUG("aws", "credentials resolved",
                {{"provider", provider->name()}, {"credentials", credentials->describe()}});
      return credentials;
    }
    retryable = retryable || credentials.error().isRetryable();
    if (!reasons.empty()) {
      reasons += "; ";
    }
    reasons += provider->name() + ": " + credentials.error().message;
    if (options_.stop_at_configured_source && credentials.error().code != ErrorCode::kNotFound) {
      Error error = credentials.error();
      error.message = "aws credentials from " + provider->name() + " failed: " + reasons;
      return fail(std::move(error));
    }
  }
  if (providers_.empty()) {
    reasons = "no credential sources configured";
  }
  return fail(retryable ? ErrorCode::kUnavailable : ErrorCode::kUnauthenticated,
              "no aws credentials found: " + reasons);
}

}  // namespace copycat::aws
