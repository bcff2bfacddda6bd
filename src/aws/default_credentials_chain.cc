#include "aws/default_credentials_chain.h"

#include <vector>

#include "aws/credentials_chain.h"
#include "aws/credentials_provider_environment.h"
#include "aws/credentials_provider_profile.h"
#include "aws/credentials_provider_web_identity.h"

namespace copycat::aws {

std::unique_ptr<CachedCredentialsProvider> defaultCredentialsChain(EnvLookup env,
                                                                   http::HttpClient& http,
                                                                   const Clock& clock,
                                                                   DefaultChainOptions options) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<EnvironmentCredentialsProvider>(env));
  providers.push_back(std::make_unique<WebIdentityCredentialsProvider>(
      env, http, clock, WebIdentityCredentialsProvider::Options{options.region, options.sts}));
  ProfileCredentialsProvider::Options profile;
  profile.profile = options.profile;
  profile.region = options.region;
  profile.sts = options.sts;
  profile.container = options.container;
  profile.imds = options.imds;
  providers.push_back(std::make_unique<ProfileCredentialsProvider>(env, http, clock, profile));
  providers.push_back(std::make_unique<ContainerCredentialsProvider>(env, http, options.container));
  providers.push_back(std::make_unique<ImdsCredentialsProvider>(env, http, options.imds));
  return std::make_unique<CachedCredentialsProvider>(
      std::make_unique<CredentialsChain>(std::move(providers), CredentialsChain::Options{true}),
      clock, options.cache);
}

Result<std::unique_ptr<CachedCredentialsProvider>> assumeRoleOnTop(
    std::unique_ptr<CredentialsProvider> base, AssumeRoleParams params, const EnvLookup& env,
    http::HttpClient& http, const Clock& clock, const std::string& sts_region, CallOptions sts,
    CachedCredentialsProvider::Options cache) {
  ASSIGN_OR_RETURN(Endpoint endpoint, resolveStsEndpoint(env, nullptr, sts_region));
  auto provider = std::make_unique<AssumeRoleCredentialsProvider>(
      std::move(base), StsClient(http, clock, std::move(endpoint), std::move(sts)), clock,
      std::move(params));
  return std::make_unique<CachedCredentialsProvider>(std::move(provider), clock, cache);
}

}  // namespace copycat::aws
