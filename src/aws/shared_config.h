// The AWS shared config (~/.aws/config) and credentials (~/.aws/credentials) files, resolved into
// one profile the way the AWS SDKs do (AWS SDKs and Tools Reference Guide, "Shared config and
// credentials files").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/endpoints.h"
#include "aws/environment.h"
#include "aws/ini_file.h"
#include "base/result.h"

namespace copycat::aws {

struct SharedConfigPaths {
  std::string config_file;       // AWS_CONFIG_FILE or $HOME/.aws/config
  std::string credentials_file;  // AWS_SHARED_CREDENTIALS_FILE or $HOME/.aws/credentials
};

// The file locations from the environment; "~/" is expanded with HOME. A path stays empty when
// it is neither set nor derivable (no HOME).
SharedConfigPaths sharedConfigPaths(const EnvLookup& env);

// AWS_PROFILE, then AWS_DEFAULT_PROFILE, then "default".
std::string selectedProfileName(const EnvLookup& env);

// One profile after merging the config file's "[profile NAME]" (or "[default]") sections with the
// credentials file's "[NAME]" sections; the credentials file wins for keys in both.
struct Profile {
  std::string name;
  std::string access_key_id;      // aws_access_key_id
  std::string secret_access_key;  // aws_secret_access_key
  std::string session_token;      // aws_session_token (aws_security_token, the boto2 name)
  std::string role_arn;
  std::string source_profile;
  std::string credential_source;  // Environment, Ec2InstanceMetadata, EcsContainer
  std::string web_identity_token_file;
  std::string role_session_name;
  std::string external_id;
  std::string mfa_serial;
  std::string credential_process;
  std::optional<int> duration_seconds;
  std::string region;
  std::optional<StsRegionalEndpoints> sts_regional_endpoints;
  std::optional<bool> use_fips_endpoint;
  std::optional<bool> use_dualstack_endpoint;
  std::optional<bool> ignore_configured_endpoint_urls;
  std::string endpoint_url;
  // endpoint_url from the "[services NAME]" section the profile names, by service key ("ecr").
  std::map<std::string, std::string, std::less<>> service_endpoint_urls;
  bool uses_sso = false;  // any sso_* key: IAM Identity Center, not supported here
  // Every merged property (lower-case keys, sub-section keys as "s3.max_concurrent_requests").
  // Holds secrets: never log it.
  std::map<std::string, std::string, std::less<>> properties;

  [[nodiscard]] bool hasStaticCredentials() const {
    return !access_key_id.empty() && !secret_access_key.empty();
  }
};

// Both files, parsed. Immutable once loaded, so thread-safe.
class SharedConfig {
 public:
  // Reads both files. A missing file (or an empty path) counts as empty; an unreadable or
  // malformed one fails with kInvalidArgument naming the file and line.
  [[nodiscard]] static Result<SharedConfig> load(const SharedConfigPaths& paths);
  // Parses file contents directly (tests, embedded configuration).
  [[nodiscard]] static Result<SharedConfig> parse(std::string_view config_text,
                                                  std::string_view credentials_text);

  // Resolves `name`. kNotFound when neither file has it; kInvalidArgument for malformed values
  // (duration_seconds, booleans, sts_regional_endpoints).
  [[nodiscard]] Result<Profile> profile(std::string_view name) const;
  // Names of every profile in either file, sorted, without duplicates.
  [[nodiscard]] std::vector<std::string> profileNames() const;
  [[nodiscard]] const SharedConfigPaths& paths() const { return paths_; }

 private:
  std::vector<IniSection> config_;
  std::vector<IniSection> credentials_;
  SharedConfigPaths paths_;
};

}  // namespace copycat::aws
