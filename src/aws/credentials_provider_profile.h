// The shared config profile as the AWS SDKs resolve it, including role chaining: role_arn with
// source_profile (followed recursively) or credential_source, and web_identity_token_file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aws/assume_role_provider.h"
#include "aws/credentials.h"
#include "aws/credentials_provider_container.h"
#include "aws/credentials_provider_environment.h"
#include "aws/credentials_provider_imds.h"
#include "aws/environment.h"
#include "aws/shared_config.h"
#include "base/clock.h"
#include "http/http_client.h"

namespace copycat::aws {

// How a profile's credentials are obtained: a base source, then roles assumed in order.
struct ProfileChain {
  enum class Base { kStaticKeys, kWebIdentity, kEnvironment, kImds, kContainer };
  Base base = Base::kStaticKeys;
  Credentials static_keys{};              // kStaticKeys: the keys of `base_profile`
  WebIdentitySettings web_identity{};     // kWebIdentity
  std::string base_profile{};             // the profile that supplied the base
  std::vector<AssumeRoleParams> roles{};  // roles[0] is assumed with the base credentials
  std::vector<std::string> profiles{};    // the profiles visited, from the selected one on
};

// Resolves the chain that starts at `profile_name`. A source profile with static keys ends the
// chain there (its own role_arn is not used), and a profile naming itself as source_profile uses
// its own keys, as in the SDKs. Errors: kNotFound when `profile_name` does not exist;
// kInvalidArgument for a missing source profile, a cycle, a source profile without
// credentials, role_arn without a source, both source_profile and credential_source, an unknown
// credential_source, web_identity_token_file without role_arn, or mfa_serial (needs a person).
[[nodiscard]] Result<ProfileChain> resolveProfileChain(const SharedConfig& config,
                                                       std::string_view profile_name);

// Re-reads the files on every resolve() (wrap it in CachedCredentialsProvider). Profiles without
// role_arn or web_identity_token_file are served as SharedConfigCredentialsProvider would (static
// keys; kNotFound when there are none); others run their chain: the base source, then one STS
// AssumeRole per role, at the STS endpoint of the selected profile's settings.
//
// Thread-safe. Does not own `http` or `clock`.
class ProfileCredentialsProvider final : public CredentialsProvider {
 public:
  struct Options {
    std::string profile{};  // empty: AWS_PROFILE, AWS_DEFAULT_PROFILE, then "default"
    std::string region{};   // STS region override, see resolveStsEndpoint()
    CallOptions sts{};
    ContainerCredentialsProvider::Options container{};  // for credential_source=EcsContainer
    ImdsCredentialsProvider::Options imds{};            // for credential_source=Ec2InstanceMetadata
  };

  ProfileCredentialsProvider(EnvLookup env, http::HttpClient& http, const Clock& clock,
                             Options options)
      : env_(std::move(env)), http_(http), clock_(clock), options_(std::move(options)) {}

  [[nodiscard]] Result<Credentials> resolve() override;
  [[nodiscard]] std::string name() const override { return "shared config"; }

 private:
  Result<Credentials> baseCredentials(const ProfileChain& chain, const StsClient& sts);

  EnvLookup env_;
  http::HttpClient& http_;
  const Clock& clock_;
  const Options options_;
};

}  // namespace copycat::aws
