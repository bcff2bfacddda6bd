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
// Thread-safe when its providers are. Owns them.
class CredentialsChain final : public CredentialsProvider {
 public:
  explicit CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers)
      : providers_(std::move(providers)) {}

  [[nodiscard]] Result<Credentials> resolve() override;
  [[nodiscard]] std::string name() const override { return "chain"; }

 private:
  const std::vector<std::unique_ptr<CredentialsProvider>> providers_;
};

}  // namespace copycat::aws
