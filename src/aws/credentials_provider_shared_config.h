// Static keys from the shared config and credentials files.
#pragma once

#include <string>

#include "aws/credentials.h"
#include "aws/environment.h"

namespace copycat::aws {

// Reads both files on every resolve() (wrap it in CachedCredentialsProvider) and returns the
// selected profile's aws_access_key_id / aws_secret_access_key / aws_session_token.
//
// Errors: kNotFound when the profile does not exist, has no keys, or is an assume-role, web
// identity, credential_process or SSO profile (other providers' business; its static keys, if
// any, are then only the source credentials); kInvalidArgument for an unreadable or malformed
// file, half a key pair, or a profile chosen by name (option or AWS_PROFILE) that does not exist.
// Thread-safe when `env` is.
class SharedConfigCredentialsProvider final : public CredentialsProvider {
 public:
  struct Options {
    std::string profile;  // empty: AWS_PROFILE, AWS_DEFAULT_PROFILE, then "default"
  };

  explicit SharedConfigCredentialsProvider(EnvLookup env = processEnvironment(),
                                           Options options = {})
      : env_(std::move(env)), options_(std::move(options)) {}

  [[nodiscard]] Result<Credentials> resolve() override;
  [[nodiscard]] std::string name() const override { return "shared config"; }

 private:
  EnvLookup env_;
  Options options_;
};

}  // namespace copycat::aws
