// Role assumption on top of other credentials: STS AssumeRole signed with a base provider's
// credentials (ecr.assumeRoleArn for cross-account pushes, and profile role chaining).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "aws/sts_client.h"
#include "base/clock.h"

namespace copycat::aws {

struct AssumeRoleParams {
  std::string role_arn{};
  std::string role_session_name{};        // empty: defaultRoleSessionName()
  std::string external_id{};              // sts:ExternalId; empty: not sent
  std::optional<int> duration_seconds{};  // 900..43200; empty: STS's default (1 h)
};

// Calls STS AssumeRole with `caller`; the credentials' source names the role.
[[nodiscard]] Result<Credentials> assumeRoleCredentials(const StsClient& sts,
                                                        const AssumeRoleParams& params,
                                                        const Credentials& caller,
                                                        std::chrono::system_clock::time_point now);

// Resolves `base` and assumes `params.role_arn` with it on every resolve(): wrap it in
// CachedCredentialsProvider (and wrap `base` too when it is expensive). Errors name the step
// that failed: "source credentials for <arn>: ..." or "assuming <arn>: sts AssumeRole: ...".
//
// Thread-safe when `base` is. Owns `base`; does not own `clock` (nor the StsClient's http).
class AssumeRoleCredentialsProvider final : public CredentialsProvider {
 public:
  AssumeRoleCredentialsProvider(std::unique_ptr<CredentialsProvider> base, StsClient sts,
                                const Clock& clock, AssumeRoleParams params)
      : base_(std::move(base)), sts_(std::move(sts)), clock_(clock), params_(std::move(params)) {}

  [[nodiscard]] Result<Credentials> resolve() override;
  [[nodiscard]] std::string name() const override { return "assume role"; }

 private:
  const std::unique_ptr<CredentialsProvider> base_;
  const StsClient sts_;
  const Clock& clock_;
  const AssumeRoleParams params_;
};

}  // namespace copycat::aws
