// Tries credential sources in order, like the AWS SDKs' default chain.
#pragma once

#include <memory>
#include <vector>

#include "aws/credentials.h"

namespace copycat::aws {

// Asks each provider in order; the first success wins. When all fail, the error lists every
// source and its reason in order: "no aws credentials found: environment: AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY are not set; shared config: profile default not found ...". Its code is
// kUnavailable when any source failed retryably (a network error: try again later), otherwise
// kUnauthenticated.
//
// With Options::stop_at_configured_source, a source that fails with anything but kNotFound
// ends the chain (the AWS SDKs' behaviour: a configured but failing IRSA role must not fall
// through to the node's instance profile). That error keeps the source's code and remote details,
// with the message "aws credentials from <source> failed: <every reason so far>".
//
// Thread-safe when its providers are. Owns them.
class CredentialsChain final : public CredentialsProvider {
 public:
  struct Options {
    bool stop_at_configured_source = false;
  };

  CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers, Options options)
      : providers_(std::move(providers)), options_(options) {}
  explicit CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers)
      : CredentialsChain(std::move(providers), Options{}) {}

  [[nodiscard]] Result<Credentials> resolve() override;
  [[nodiscard]] std::string name() const override { return "chain"; }

 private:
  const std::vector<std::unique_ptr<CredentialsProvider>> providers_;
  const Options options_;
};

}  // namespace copycat::aws
