#include "aws/credentials_provider_profile.h"

#include <algorithm>

#include "aws/credentials_provider_shared_config.h"
#include "aws/credentials_provider_web_identity.h"
#include "base/strings.h"

namespace copycat::aws {
namespace {

tl::unexpected<Error> invalid(std::string message) {
  return fail(ErrorCode::kInvalidArgument, std::move(message));
}

Credentials staticKeys(const Profile& profile) {
  return Credentials{profile.access_key_id, profile.secret_access_key, profile.session_token,
                     std::nullopt, "shared config profile " + profile.name};
}

AssumeRoleParams roleParams(const Profile& profile) {
  return AssumeRoleParams{profile.role_arn, profile.role_session_name, profile.external_id,
                          profile.duration_seconds};
}

Result<ProfileChain::Base> credentialSource(const Profile& profile) {
  const std::string& source = profile.credential_source;
  if (source == "Environment") {
    return ProfileChain::Base::kEnvironment;
  }
  if (source == "Ec2InstanceMetadata") {
    return ProfileChain::Base::kImds;
  }
  if (source == "EcsContainer") {
    return ProfileChain::Base::kContainer;
  }
  return invalid("profile " + profile.name + ": unknown credential_source " + source +
                 " (want Environment, Ec2InstanceMetadata or EcsContainer)");
}

std::string trail(const std::vector<std::string>& profiles, const std::string& next) {
  return strings::join(profiles, " -> ") + " -> " + next;
}

// One role profile: records its role and says where the chain continues ("" = it ended).
Result<std::string> followRole(const Profile& p, ProfileChain& chain) {
  if (!p.mfa_serial.empty()) {
    return invalid("profile " + p.name + " uses mfa_serial, which needs an interactive code");
  }
  if (!p.web_identity_token_file.empty()) {
    chain.base = ProfileChain::Base::kWebIdentity;
    chain.web_identity = {p.web_identity_token_file, p.role_arn, p.role_session_name};
    chain.base_profile = p.name;
    return std::string();
  }
  chain.roles.push_back(roleParams(p));
  if (!p.source_profile.empty() && !p.credential_source.empty()) {
    return invalid("profile " + p.name + " sets both source_profile and credential_source");
  }
  if (!p.credential_source.empty()) {
    ASSIGN_OR_RETURN(chain.base, credentialSource(p));
    chain.base_profile = p.name;
    return std::string();
  }
  if (p.source_profile.empty()) {
    return invalid("profile " + p.name +
                   " has role_arn but no source_profile or credential_source");
  }
  if (p.source_profile == p.name) {
    if (!p.hasStaticCredentials()) {
      return invalid("profile " + p.name + " is its own source_profile but has no static keys");
    }
    chain.static_keys = staticKeys(p);
    chain.base_profile = p.name;
    return std::string();
  }
  return p.source_profile;
}

}  // namespace

Result<ProfileChain> resolveProfileChain(const SharedConfig& config,
                                         std::string_view profile_name) {
  ProfileChain chain;
  std::string name(profile_name);
  while (!name.empty()) {
    bool is_source = !chain.profiles.empty();
    Result<Profile> p = config.profile(name);
    if (!p) {
      if (is_source && p.error().code == ErrorCode::kNotFound) {
        return invalid("source_profile " + name + " of profile " + chain.profiles.back() +
                       " not found");
      }
      return fail(p.error());
    }
    if (is_source && p->hasStaticCredentials()) {
      chain.static_keys = staticKeys(*p);
      chain.base_profile = name;
      break;
    }
    if (std::find(chain.profiles.begin(), chain.profiles.end(), name) != chain.profiles.end()) {
      return invalid("source_profile cycle: " + trail(chain.profiles, name));
    }
    chain.profiles.push_back(name);
    if (p->role_arn.empty()) {
      if (!p->web_identity_token_file.empty()) {
        return invalid("profile " + name + " has web_identity_token_file but no role_arn");
      }
      if (is_source) {
        return invalid("source profile " + name + " has no credentials");
      }
      chain.static_keys = staticKeys(*p);
      chain.base_profile = name;
      break;
    }
    ASSIGN_OR_RETURN(name, followRole(*p, chain));
  }
  std::reverse(chain.roles.begin(), chain.roles.end());
  return chain;
}

Result<Credentials> ProfileCredentialsProvider::baseCredentials(const ProfileChain& chain,
                                                                const StsClient& sts) {
  switch (chain.base) {
    case ProfileChain::Base::kStaticKeys:
      if (!chain.static_keys.hasKeys()) {
        return invalid("profile " + chain.base_profile + " has no aws_access_key_id");
      }
      return chain.static_keys;
    case ProfileChain::Base::kWebIdentity:
      return webIdentityCredentials(sts, chain.web_identity, clock_.wallNow());
    case ProfileChain::Base::kEnvironment:
      return EnvironmentCredentialsProvider(env_).resolve();
    case ProfileChain::Base::kImds:
      return ImdsCredentialsProvider(env_, http_, options_.imds).resolve();
    case ProfileChain::Base::kContainer:
      return ContainerCredentialsProvider(env_, http_, options_.container).resolve();
  }
  return fail(ErrorCode::kInternal, "unknown profile credential base");
}

Result<Credentials> ProfileCredentialsProvider::resolve() {
  bool chosen = !options_.profile.empty() || env_("AWS_PROFILE") || env_("AWS_DEFAULT_PROFILE");
  std::string name = options_.profile.empty() ? selectedProfileName(env_) : options_.profile;
  SharedConfigPaths paths = sharedConfigPaths(env_);
  ASSIGN_OR_RETURN(SharedConfig config, SharedConfig::load(paths));
  Result<Profile> top = config.profile(name);
  if (!top || (top->role_arn.empty() && top->web_identity_token_file.empty())) {
    // Static keys, a missing profile or a source this provider does not handle.
    SharedConfigCredentialsProvider::Options static_options;
    static_options.profile = chosen ? name : std::string();
    return SharedConfigCredentialsProvider(env_, static_options).resolve();
  }
  ASSIGN_OR_RETURN(ProfileChain chain, resolveProfileChain(config, name));
  ASSIGN_OR_RETURN(Endpoint endpoint, resolveStsEndpoint(env_, &*top, options_.region));
  StsClient sts(http_, clock_, std::move(endpoint), options_.sts);
  Result<Credentials> credentials = baseCredentials(chain, sts);
  if (!credentials) {
    return fail(credentials.error().withContext("profile " + chain.base_profile));
  }
  for (const AssumeRoleParams& role : chain.roles) {
    ASSIGN_OR_RETURN(*credentials,
                     assumeRoleCredentials(sts, role, *credentials, clock_.wallNow()));
  }
  credentials->source = "shared config profile " + name + " (" + credentials->source + ")";
  return credentials;
}

}  // namespace copycat::aws
